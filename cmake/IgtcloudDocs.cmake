# The `docs` target: Doxygen reference of the public headers, HTML in <build>/docs/html. Not part of `all`;
# CI builds it (scripts/test.sh), and it fails on any Doxygen warning, an undocumented public entity included
# (the stamp is written only after a clean run, so a failed run is repeated by the next build).
find_package(Doxygen)
set(IGTCLOUD_DOCS_DIR "${PROJECT_BINARY_DIR}/docs")
if(DOXYGEN_FOUND)
    configure_file("${PROJECT_SOURCE_DIR}/docs/Doxyfile.in" "${IGTCLOUD_DOCS_DIR}/Doxyfile" @ONLY)
    file(GLOB_RECURSE igtcloud_docs_inputs CONFIGURE_DEPENDS "${PROJECT_SOURCE_DIR}/include/igtcloud/*.hpp")
    add_custom_command(
        OUTPUT "${IGTCLOUD_DOCS_DIR}/docs.stamp"
        COMMAND ${CMAKE_COMMAND} -E remove_directory "${IGTCLOUD_DOCS_DIR}/html"
        COMMAND Doxygen::doxygen "${IGTCLOUD_DOCS_DIR}/Doxyfile"
        COMMAND ${CMAKE_COMMAND} -E touch "${IGTCLOUD_DOCS_DIR}/docs.stamp"
        DEPENDS "${IGTCLOUD_DOCS_DIR}/Doxyfile" "${PROJECT_SOURCE_DIR}/docs/mainpage.md"
                "${PROJECT_SOURCE_DIR}/docs/namespaces.dox" ${igtcloud_docs_inputs}
        WORKING_DIRECTORY "${IGTCLOUD_DOCS_DIR}"
        COMMENT "Doxygen: reference documentation in ${IGTCLOUD_DOCS_DIR}/html"
        VERBATIM)
    add_custom_target(docs DEPENDS "${IGTCLOUD_DOCS_DIR}/docs.stamp")
else()
    add_custom_target(docs
        COMMAND ${CMAKE_COMMAND} -E echo "docs: doxygen not found (Debian: apt-get install doxygen)"
        COMMAND ${CMAKE_COMMAND} -E false
        VERBATIM)
endif()
