# For each public header, lists every file the preprocessor opens and fails if one belongs to Beast,
# Boost.JSON, Boost.URL or OpenSSL (DESIGN/STYLE: those never compile in a user's translation unit).
# Usage: cmake -DCXX=<compiler> -DHEADERS_DIR=<include dir> -P check_includes.cmake
file(GLOB_RECURSE headers RELATIVE "${HEADERS_DIR}" "${HEADERS_DIR}/*.hpp")
list(LENGTH headers count)
if(count EQUAL 0)
    message(FATAL_ERROR "no public headers found under ${HEADERS_DIR}")
endif()
set(failures 0)
foreach(header IN LISTS headers)
    execute_process(
        COMMAND ${CXX} -std=c++20 -I${HEADERS_DIR} -M -x c++ "${HEADERS_DIR}/${header}"
        OUTPUT_VARIABLE deps ERROR_VARIABLE errors RESULT_VARIABLE rc)
    if(NOT rc EQUAL 0)
        message(SEND_ERROR "${header} does not preprocess alone:\n${errors}")
        math(EXPR failures "${failures} + 1")
        continue()
    endif()
    string(REGEX MATCHALL "[^ \n\\\\]*(boost/beast|boost/json|boost/url|openssl)/[^ \n\\\\]*" forbidden "${deps}")
    if(forbidden)
        list(GET forbidden 0 first)
        message(SEND_ERROR "${header} pulls in ${first}")
        math(EXPR failures "${failures} + 1")
    endif()
endforeach()
message(STATUS "checked ${count} public headers, ${failures} failed")
if(failures GREATER 0)
    message(FATAL_ERROR "${failures} public header(s) failed the include check")
endif()
