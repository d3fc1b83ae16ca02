# Microsoft's SARIF Multitool 5.7.0, which the test suite runs to validate schemagate's SARIF.
# The npm package @microsoft/sarif-multitool is a launcher that runs the self-contained
# executable of its platform package (@microsoft/sarif-multitool-linux here: a single-file
# .NET program, no .NET install needed); that package also ships the SARIF 2.1.0 JSON
# schema. It is fetched from the npm registry at configure time into the build tree, pinned
# by its sha512 integrity, and only the executable and the schema are kept. Never committed.
#
# Sets SARIF_MULTITOOL (the executable) and SARIF_SCHEMA (sarif-2.1.0.json), or leaves them
# unset where the package has no executable (not Linux on x86-64).
set(SARIF_MULTITOOL_VERSION 5.7.0)
set(SARIF_MULTITOOL_INTEGRITY
    "sha512-NxUbpq6ISCWoTQ/NfOYEwEDKq1Heka/rMoJ5R5LMydcAZQX/X7g5mWHcgxDub+0M07LC96tZ5LZHvF1Qy3gjTA==")
set(SARIF_MULTITOOL_DIR "${CMAKE_BINARY_DIR}/_deps/sarif-multitool-${SARIF_MULTITOOL_VERSION}")

if(NOT CMAKE_HOST_SYSTEM_NAME STREQUAL "Linux" OR NOT CMAKE_HOST_SYSTEM_PROCESSOR MATCHES "^(x86_64|AMD64|amd64)$")
  message(STATUS "SARIF Multitool: no build for ${CMAKE_HOST_SYSTEM_NAME}/${CMAKE_HOST_SYSTEM_PROCESSOR}; SARIF is not validated")
  return()
endif()

include("${CMAKE_CURRENT_LIST_DIR}/npm_pack.cmake")
if(NOT EXISTS "${SARIF_MULTITOOL_DIR}/Sarif.Multitool" OR NOT EXISTS "${SARIF_MULTITOOL_DIR}/sarif-2.1.0.json")
  set(extracted "${SARIF_MULTITOOL_DIR}.x")
  schemagate_npm_pack("@microsoft/sarif-multitool-linux@${SARIF_MULTITOOL_VERSION}"
                      "${SARIF_MULTITOOL_INTEGRITY}" "${extracted}"
                      package/Sarif.Multitool package/sarif-2.1.0.json)
  file(REMOVE_RECURSE "${SARIF_MULTITOOL_DIR}")
  file(MAKE_DIRECTORY "${SARIF_MULTITOOL_DIR}")
  # The package's install script would make it executable; npm pack runs no scripts.
  file(COPY "${extracted}/package/Sarif.Multitool" DESTINATION "${SARIF_MULTITOOL_DIR}"
       FILE_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ
                        WORLD_EXECUTE)
  file(COPY "${extracted}/package/sarif-2.1.0.json" DESTINATION "${SARIF_MULTITOOL_DIR}")
  file(REMOVE_RECURSE "${extracted}")
endif()

set(SARIF_MULTITOOL "${SARIF_MULTITOOL_DIR}/Sarif.Multitool")
set(SARIF_SCHEMA "${SARIF_MULTITOOL_DIR}/sarif-2.1.0.json")
