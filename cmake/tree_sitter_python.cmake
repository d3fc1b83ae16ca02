# tree-sitter-python 0.23.6 (parser ABI 14, which the system tree-sitter 0.20 accepts),
# fetched from the npm registry at configure time into the build tree; never committed.
set(TS_PYTHON_VERSION 0.23.6)
set(TS_PYTHON_INTEGRITY
    "sha512-yIM9z0oxKIxT7bAtPOhgoVl6gTXlmlIhue7liFT4oBPF/lha7Ha4dQBS82Av6hMMRZoVnFJI8M6mL+SwWoLD3A==")
set(TS_PYTHON_DIR "${CMAKE_BINARY_DIR}/_deps/tree-sitter-python-${TS_PYTHON_VERSION}")

if(NOT EXISTS "${TS_PYTHON_DIR}/src/parser.c")
  find_program(NPM npm REQUIRED)
  set(download "${CMAKE_BINARY_DIR}/_deps/download")
  file(MAKE_DIRECTORY "${download}")
  execute_process(
    COMMAND "${NPM}" pack "tree-sitter-python@${TS_PYTHON_VERSION}" --json --silent
    WORKING_DIRECTORY "${download}"
    OUTPUT_VARIABLE pack_json
    RESULT_VARIABLE pack_status
    ERROR_VARIABLE pack_error)
  if(NOT pack_status EQUAL 0)
    message(FATAL_ERROR "could not fetch tree-sitter-python@${TS_PYTHON_VERSION} with npm: ${pack_error}")
  endif()
  string(JSON integrity GET "${pack_json}" 0 integrity)
  string(JSON tarball GET "${pack_json}" 0 filename)
  if(NOT integrity STREQUAL TS_PYTHON_INTEGRITY)
    message(FATAL_ERROR "tree-sitter-python tarball integrity mismatch: ${integrity}")
  endif()
  file(ARCHIVE_EXTRACT INPUT "${download}/${tarball}" DESTINATION "${download}/x")
  file(REMOVE_RECURSE "${TS_PYTHON_DIR}")
  file(RENAME "${download}/x/package" "${TS_PYTHON_DIR}")
  file(REMOVE_RECURSE "${download}")
endif()

add_library(tree_sitter_python STATIC "${TS_PYTHON_DIR}/src/parser.c" "${TS_PYTHON_DIR}/src/scanner.c")
target_include_directories(tree_sitter_python PRIVATE "${TS_PYTHON_DIR}/src")
set_target_properties(tree_sitter_python PROPERTIES C_STANDARD 11 POSITION_INDEPENDENT_CODE ON)
# Third-party C: compiled as it is, without our warning flags.
target_compile_options(tree_sitter_python PRIVATE -w)
