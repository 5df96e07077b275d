# install() rules and the exported package: find_package(igtcloud CONFIG) works from an install
# prefix and from the build tree.
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
