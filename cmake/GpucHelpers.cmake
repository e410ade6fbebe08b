# Helpers shared by every component's CMakeLists.txt.

set(GPUC_COMPONENT_TARGETS "" CACHE INTERNAL "")

# gpuc_add_component(NAME SOURCES... [DEPS targets...])
# Defines library gpuc_NAME (alias gpuc::NAME) with public headers in ./include, installed as part of
# the gpuc CMake package.
function(gpuc_add_component name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;PRIVATE_DEPS" ${ARGN})
  if(GPUC_SHARED_LIBS)
    add_library(gpuc_${name} SHARED ${ARG_SOURCES})
  else()
    add_library(gpuc_${name} STATIC ${ARG_SOURCES})
  endif()
  add_library(gpuc::${name} ALIAS gpuc_${name})
  set_target_properties(gpuc_${name} PROPERTIES EXPORT_NAME ${name} OUTPUT_NAME gpuc_${name})
  target_include_directories(gpuc_${name} PUBLIC
    $<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}/include>
    $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
  target_include_directories(gpuc_${name} PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/src)
  target_compile_options(gpuc_${name} PRIVATE -Wall -Wextra -Wno-unused-parameter)
  if(ARG_DEPS)
    target_link_libraries(gpuc_${name} PUBLIC ${ARG_DEPS})
  endif()
  if(ARG_PRIVATE_DEPS)
    target_link_libraries(gpuc_${name} PRIVATE ${ARG_PRIVATE_DEPS})
  endif()
  install(DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}/include/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
  set(GPUC_COMPONENT_TARGETS ${GPUC_COMPONENT_TARGETS} gpuc_${name} CACHE INTERNAL "")
endfunction()
