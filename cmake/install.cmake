# Installation: `cmake --install build [--prefix DIR]` puts the binary in bin/, the man page in
# share/man/man1/ and the rule docs in share/doc/schemagate/rules/. scripts/release.sh builds
# the Debian package from the same files, with the static binary in place of this one.
include(GNUInstallDirs)

install(TARGETS schemagate RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}")
install(FILES "${PROJECT_SOURCE_DIR}/man/schemagate.1" DESTINATION "${CMAKE_INSTALL_MANDIR}/man1")
install(DIRECTORY "${PROJECT_SOURCE_DIR}/rules/" DESTINATION "${CMAKE_INSTALL_DOCDIR}/rules"
        FILES_MATCHING PATTERN "*.md")
