# Fails when a C++ file of the project is not clang-format clean.
file(GLOB_RECURSE files "${ROOT}/src/*.cpp" "${ROOT}/src/*.hpp" "${ROOT}/src/*.hpp.in"
     "${ROOT}/tests/*.cpp" "${ROOT}/bench/*.cpp" "${ROOT}/fuzz/*.cpp")
list(FILTER files EXCLUDE REGEX "\\.in$")
execute_process(COMMAND "${CLANG_FORMAT}" --dry-run -Werror ${files} RESULT_VARIABLE status
                ERROR_VARIABLE out)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "not clang-format clean (run clang-format -i on these):\n${out}")
endif()
