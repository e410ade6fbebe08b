# The CLI writes a SPIR-V binary (--emit=spirv, the default for --target=vulkan) that the external
# validator spirv-val accepts for the Vulkan version asked for, at -O0 and -O2.
# -D GPUC=<gpuc> -D SPIRV_VAL=<spirv-val> -D INPUT=<file> -D OUT_DIR=<dir>
foreach(config "1.2;-O0;vulkan1.2" "1.3;-O2;vulkan1.3")
  list(GET config 0 version)
  list(GET config 1 opt)
  list(GET config 2 env)
  # One file per input: the tests of several inputs run in parallel.
  get_filename_component(stem ${INPUT} NAME_WE)
  set(out ${OUT_DIR}/cli_spirv_${stem}_${version}.spv)
  file(REMOVE ${out})
  execute_process(COMMAND ${GPUC} --target=vulkan --vulkan-version=${version} ${opt} ${INPUT}
                          -o ${out}
                  RESULT_VARIABLE rc ERROR_VARIABLE err)
  if(NOT rc EQUAL 0 OR NOT EXISTS ${out})
    message(FATAL_ERROR "gpuc --vulkan-version=${version} ${opt} failed (${rc}): ${err}")
  endif()
  file(READ ${out} head LIMIT 4 HEX)
  if(NOT head STREQUAL "03022307")
    message(FATAL_ERROR "${out} does not start with the SPIR-V magic number (got ${head})")
  endif()
  execute_process(COMMAND ${SPIRV_VAL} --target-env ${env} --scalar-block-layout ${out}
                  RESULT_VARIABLE rc OUTPUT_VARIABLE vout ERROR_VARIABLE verr)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "spirv-val rejected ${out}:\n${vout}${verr}")
  endif()
endforeach()
