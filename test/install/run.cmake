# ctest driver: install the built library into a scratch prefix, then configure, build and run the consumer
# against (1) the build tree and (2) the install prefix. Fails on any step.
# Usage: cmake -DBUILD_DIR= -DSOURCE_DIR= -DWORK_DIR= -DGENERATOR= -DCXX= -P run.cmake
file(REMOVE_RECURSE "${WORK_DIR}")
set(prefix "${WORK_DIR}/prefix")

function(step)
    execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
    if(NOT rc EQUAL 0)
        message(FATAL_ERROR "step failed (${rc}): ${ARGN}\n${out}\n${err}")
    endif()
    set(step_output "${out}" PARENT_SCOPE)
endfunction()

step(${CMAKE_COMMAND} --install "${BUILD_DIR}" --prefix "${prefix}")

foreach(kind IN ITEMS build-tree install-prefix)
    set(bin "${WORK_DIR}/${kind}")
    if(kind STREQUAL "build-tree")
        set(locate "-Digtcloud_DIR=${BUILD_DIR}")
    else()
        set(locate "-DCMAKE_PREFIX_PATH=${prefix}")
    endif()
    step(${CMAKE_COMMAND} -S "${SOURCE_DIR}" -B "${bin}" -G "${GENERATOR}" -DCMAKE_CXX_COMPILER=${CXX} ${locate})
    step(${CMAKE_COMMAND} --build "${bin}")
    step("${bin}/consumer")
    if(NOT step_output MATCHES "consumer: ada@example.org")
        message(FATAL_ERROR "${kind}: unexpected consumer output: ${step_output}")
    endif()
    message(STATUS "${kind}: ${step_output}")
endforeach()
