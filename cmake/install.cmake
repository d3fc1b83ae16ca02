# Installation and packaging: `cmake --install build [--prefix DIR]` puts the binary in
# bin/, the man page in share/man/man1/ and the rule docs in share/doc/schemagate/rules/;
# `cpack -G DEB` (run in build/) makes a Debian package of the same files, installed under
# /usr. scripts/test_deb.sh builds the package and installs it into a throwaway dpkg root.
include(GNUInstallDirs)

install(TARGETS schemagate RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}")
install(FILES "${PROJECT_SOURCE_DIR}/man/schemagate.1" DESTINATION "${CMAKE_INSTALL_MANDIR}/man1")
install(DIRECTORY "${PROJECT_SOURCE_DIR}/rules/" DESTINATION "${CMAKE_INSTALL_DOCDIR}/rules"
        FILES_MATCHING PATTERN "*.md")

if(NOT PROJECT_IS_TOP_LEVEL)
  return()
endif()

# The project's address, as the SARIF reports give it (informationUri).
file(STRINGS "${PROJECT_SOURCE_DIR}/src/report/sarif.cpp" SCHEMAGATE_HOMEPAGE
     REGEX "kInformationUri = \"[^\"]+\"")
string(REGEX REPLACE ".*kInformationUri = \"([^\"]+)\".*" "\\1" SCHEMAGATE_HOMEPAGE
       "${SCHEMAGATE_HOMEPAGE}")

set(CPACK_PACKAGE_NAME schemagate)
set(CPACK_PACKAGE_VENDOR "schemagate developers")
set(CPACK_PACKAGE_CONTACT "schemagate developers")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "static linter and checklist enforcer for database schema migrations")
set(CPACK_PACKAGE_DESCRIPTION
    "schemagate reads PostgreSQL schema migrations before they are merged and reports the ones
that will lock a busy table, rewrite it, break the running application, or can't be rolled
back. It reads Alembic revision files statically, without importing or running them, and SQL
migrations of the common layouts (golang-migrate, Flyway, dbmate, Sqitch, diesel, Prisma,
bare files) through PostgreSQL's own parser. Reports: text, JSON, SARIF, GitHub and GitLab
annotations, JUnit.")
set(CPACK_PACKAGE_FILE_NAME "${CPACK_PACKAGE_NAME}-${PROJECT_VERSION}")
set(CPACK_GENERATOR DEB)
set(CPACK_STRIP_FILES ON)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "schemagate developers")
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# Depends: from the libraries the binary links (dpkg-shlibdeps, in dpkg-dev).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
if(SCHEMAGATE_HOMEPAGE)
  set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "${SCHEMAGATE_HOMEPAGE}")
endif()
include(CPack)
