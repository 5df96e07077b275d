# The one place where compile flags are set: per target, never globally; and the library targets' shape.
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

# The library objects, compiled once: hidden visibility (only IGTCLOUD_<KIND>_DECL is exported from a shared
# library), position-independent when BUILD_SHARED_LIBS, IGTCLOUD_<KIND>_BUILDING and _SHARED in shared builds.
#   igtcloud_library_objects(<object library> <KIND>)
function(igtcloud_library_objects target kind)
    igtcloud_target_options(${target})
    set_target_properties(${target} PROPERTIES CXX_VISIBILITY_PRESET hidden VISIBILITY_INLINES_HIDDEN ON)
    if(BUILD_SHARED_LIBS)
        set_target_properties(${target} PROPERTIES POSITION_INDEPENDENT_CODE ON)
        target_compile_definitions(${target} PRIVATE IGTCLOUD_${kind}_SHARED IGTCLOUD_${kind}_BUILDING)
    endif()
endfunction()

# A library linked from such objects. With <KIND> it is the installed one, static or shared as
# BUILD_SHARED_LIBS says, and its shared users get IGTCLOUD_<KIND>_SHARED.
#   igtcloud_library_interface(<library> [<KIND>])
function(igtcloud_library_interface target)
    igtcloud_target_options(${target})
    set_target_properties(${target} PROPERTIES LINKER_LANGUAGE CXX)
    if(ARGC GREATER 1 AND BUILD_SHARED_LIBS)
        target_compile_definitions(${target} PUBLIC IGTCLOUD_${ARGV1}_SHARED)
    endif()
endfunction()
