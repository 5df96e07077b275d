# The one place where compile flags are set: per target, never globally.
#   igtcloud_target_options(<target>)
function(igtcloud_target_options target)
    target_compile_features(${target} PUBLIC cxx_std_20)
    set_target_properties(${target} PROPERTIES CXX_EXTENSIONS OFF)
    if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
        target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow=local)
        if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
            # GCC 12 false positive on Asio's awaitable frames (operator new/delete of the coroutine frame).
            target_compile_options(${target} PRIVATE -Wno-mismatched-new-delete)
        endif()
        if(IGTCLOUD_WARNINGS_AS_ERRORS)
            target_compile_options(${target} PRIVATE -Werror)
        endif()
        if(IGTCLOUD_SANITIZE)
            target_compile_options(${target} PRIVATE -fsanitize=${IGTCLOUD_SANITIZE} -fno-omit-frame-pointer
                                                     -fno-sanitize-recover=all)
            # PUBLIC: whoever links a sanitized library needs the sanitizer runtime too.
            target_link_options(${target} PUBLIC -fsanitize=${IGTCLOUD_SANITIZE})
        endif()
    endif()
endfunction()
