# install() rules and the exported package: find_package(igtcloud CONFIG) works from an install
# prefix and from the build tree; and pkg-config metadata (igtcloud-entities.pc) for builds without CMake.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(IGTCLOUD_CMAKE_DIR "${CMAKE_INSTALL_LIBDIR}/cmake/igtcloud")

install(TARGETS igtcloud_entities igtcloud_mock EXPORT igtcloudTargets
    ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
    LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
    RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
    INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY "${PROJECT_SOURCE_DIR}/include/igtcloud" DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT igtcloudTargets NAMESPACE igtcloud:: DESTINATION ${IGTCLOUD_CMAKE_DIR})

configure_package_config_file("${PROJECT_SOURCE_DIR}/cmake/igtcloudConfig.cmake.in"
    "${PROJECT_BINARY_DIR}/igtcloudConfig.cmake" INSTALL_DESTINATION ${IGTCLOUD_CMAKE_DIR})
write_basic_package_version_file("${PROJECT_BINARY_DIR}/igtcloudConfigVersion.cmake"
    COMPATIBILITY SameMinorVersion)
install(FILES "${PROJECT_BINARY_DIR}/igtcloudConfig.cmake" "${PROJECT_BINARY_DIR}/igtcloudConfigVersion.cmake"
    DESTINATION ${IGTCLOUD_CMAKE_DIR})

# The build tree as a package too: igtcloud_DIR=<build dir>.
export(EXPORT igtcloudTargets NAMESPACE igtcloud:: FILE "${PROJECT_BINARY_DIR}/igtcloudTargets.cmake")

# pkg-config: igtcloud-entities.pc beside the CMake package, relocatable (prefix from ${pcfiledir}).
# Boost has no .pc files: its libraries are named by the paths this build linked.
function(igtcloud_pkg_config)
    set(cflags "-DBOOST_ASIO_NO_DEPRECATED")
    if(BUILD_SHARED_LIBS)
        string(APPEND cflags " -DIGTCLOUD_ENTITIES_SHARED")
    endif()
    get_target_property(boost_includes Boost::headers INTERFACE_INCLUDE_DIRECTORIES)
    foreach(dir IN LISTS boost_includes)
        if(NOT dir IN_LIST CMAKE_CXX_IMPLICIT_INCLUDE_DIRECTORIES)
            string(APPEND cflags " -I${dir}")
        endif()
    endforeach()
    set(boost_libs "")
    foreach(component IN ITEMS json url)
        get_target_property(location Boost::${component} LOCATION)
        string(APPEND boost_libs " ${location}")
    endforeach()
    string(STRIP "${boost_libs}" boost_libs)
    set(sanitize "")
    if(IGTCLOUD_SANITIZE)
        set(sanitize " -fsanitize=${IGTCLOUD_SANITIZE}") # the library's users need the runtime too
    endif()
    if(BUILD_SHARED_LIBS)
        set(IGTCLOUD_PC_REQUIRES "Requires.private")
        set(IGTCLOUD_PC_LIBS "-pthread${sanitize}")
        set(IGTCLOUD_PC_LIBS_PRIVATE "${boost_libs}")
    else()
        set(IGTCLOUD_PC_REQUIRES "Requires")
        set(IGTCLOUD_PC_LIBS "${boost_libs} -pthread${sanitize}")
        set(IGTCLOUD_PC_LIBS_PRIVATE "")
    endif()
    set(IGTCLOUD_PC_CFLAGS "${cflags}")
    if(IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}")
        message(FATAL_ERROR "igtcloud-entities.pc: CMAKE_INSTALL_LIBDIR must be relative to the prefix")
    endif()
    file(RELATIVE_PATH up "/prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/prefix")
    string(REGEX REPLACE "/$" "" IGTCLOUD_PC_PREFIX_FROM_PCDIR "${up}")
    configure_file("${PROJECT_SOURCE_DIR}/cmake/igtcloud-entities.pc.in"
        "${PROJECT_BINARY_DIR}/igtcloud-entities.pc" @ONLY)
endfunction()
igtcloud_pkg_config()
install(FILES "${PROJECT_BINARY_DIR}/igtcloud-entities.pc" DESTINATION "${CMAKE_INSTALL_LIBDIR}/pkgconfig")
