# One SPIR-V golden test: run gpuc as the file's "; RUN:" line says and check its output with
# FileCheck against the file's CHECK lines. With GPUC_REGEN_GOLDEN=1 in the environment the CHECK
# lines are regenerated instead (update_golden.py).
# -D GPUC=<gpuc> -D FILECHECK=<FileCheck> -D GOLDEN=<file> -D SOURCE_DIR=<tree> -D PYTHON=<python3>
if(DEFINED ENV{GPUC_REGEN_GOLDEN} AND "$ENV{GPUC_REGEN_GOLDEN}" STREQUAL "1")
  execute_process(COMMAND ${PYTHON} ${SOURCE_DIR}/tests/spirv/update_golden.py ${GPUC} ${GOLDEN}
                  RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "regenerating ${GOLDEN} failed")
  endif()
  return()
endif()
file(STRINGS ${GOLDEN} run_line REGEX "^; RUN: ")
string(REGEX REPLACE "^.*RUN: " "" run_args "${run_line}")
separate_arguments(run_args UNIX_COMMAND "${run_args}")
execute_process(COMMAND ${GPUC} ${run_args} -o - WORKING_DIRECTORY ${SOURCE_DIR}
                OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "gpuc ${run_args} failed (${rc}):\n${err}")
endif()
get_filename_component(name ${GOLDEN} NAME_WE)
set(tmp ${CMAKE_CURRENT_BINARY_DIR}/golden_${name}.out)
file(WRITE ${tmp} "${out}")
execute_process(COMMAND ${FILECHECK} ${GOLDEN} --input-file ${tmp}
                OUTPUT_VARIABLE fc_out ERROR_VARIABLE fc_err RESULT_VARIABLE fc_rc)
if(NOT fc_rc EQUAL 0)
  message(FATAL_ERROR "FileCheck failed for ${GOLDEN}:\n${fc_err}\n"
                      "(if the change is intended: GPUC_REGEN_GOLDEN=1 ctest -R spirv_golden)")
endif()
