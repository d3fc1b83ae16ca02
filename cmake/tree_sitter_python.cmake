# tree-sitter-python 0.23.6 (parser ABI 14, which the system tree-sitter 0.20 accepts),
# fetched from the npm registry at configure time into the build tree; never committed.
set(TS_PYTHON_VERSION 0.23.6)
set(TS_PYTHON_INTEGRITY
    "sha512-yIM9z0oxKIxT7bAtPOhgoVl6gTXlmlIhue7liFT4oBPF/lha7Ha4dQBS82Av6hMMRZoVnFJI8M6mL+SwWoLD3A==")
set(TS_PYTHON_DIR "${CMAKE_BINARY_DIR}/_deps/tree-sitter-python-${TS_PYTHON_VERSION}")

include("${CMAKE_CURRENT_LIST_DIR}/npm_pack.cmake")
if(NOT EXISTS "${TS_PYTHON_DIR}/src/parser.c")
  schemagate_npm_pack("tree-sitter-python@${TS_PYTHON_VERSION}" "${TS_PYTHON_INTEGRITY}"
                      "${TS_PYTHON_DIR}.x")
  file(REMOVE_RECURSE "${TS_PYTHON_DIR}")
  file(RENAME "${TS_PYTHON_DIR}.x/package" "${TS_PYTHON_DIR}")
  file(REMOVE_RECURSE "${TS_PYTHON_DIR}.x")
endif()

add_library(tree_sitter_python STATIC "${TS_PYTHON_DIR}/src/parser.c" "${TS_PYTHON_DIR}/src/scanner.c")
target_include_directories(tree_sitter_python PRIVATE "${TS_PYTHON_DIR}/src")
set_target_properties(tree_sitter_python PROPERTIES C_STANDARD 11 POSITION_INDEPENDENT_CODE ON)
# Third-party C: compiled as it is, without our warning flags.
target_compile_options(tree_sitter_python PRIVATE -w)
