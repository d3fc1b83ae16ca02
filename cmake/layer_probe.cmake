# One boundary between two layers, checked with the build's own compile commands
# (compile_commands.json): a one-line source `#include "HEADER"` is compiled as a source of
# the upper layer would be (UPPER: one of its files) and must compile; compiled as a source of
# the lower layer (LOWER) it must fail because HEADER is not found; and the lower layer's own
# header (CONTROL) must compile there, so the failure is the missing include directory and
# nothing else.
#
#   cmake -DCOMMANDS=build/compile_commands.json -DWORK=DIR -DLOWER=src/ir/ir.cpp
#         -DUPPER=src/frontends/sql/split.cpp -DHEADER=frontends/sql/split.hpp
#         -DCONTROL=schemagate/ir.hpp -P cmake/layer_probe.cmake
foreach(var COMMANDS WORK LOWER UPPER HEADER CONTROL)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "layer_probe: ${var} is not set")
  endif()
endforeach()

file(READ "${COMMANDS}" commands)
string(JSON count LENGTH "${commands}")
file(MAKE_DIRECTORY "${WORK}")

# probe(SOURCE INCLUDE RC OUTPUT): compiles `#include "INCLUDE"` with SOURCE's command.
function(probe source include rc_var output_var)
  math(EXPR last "${count} - 1")
  set(command "")
  foreach(i RANGE ${last})
    string(JSON file GET "${commands}" ${i} file)
    if(file STREQUAL source)
      string(JSON command GET "${commands}" ${i} command)
      string(JSON directory GET "${commands}" ${i} directory)
      break()
    endif()
  endforeach()
  if(command STREQUAL "")
    message(FATAL_ERROR "layer_probe: ${source} is not in ${COMMANDS}")
  endif()
  string(MAKE_C_IDENTIFIER "${include}" name)
  set(probe_file "${WORK}/${name}.cpp")
  file(WRITE "${probe_file}" "#include \"${include}\"\n")
  # The command without its output, dependency file and source: -fsyntax-only on the probe.
  separate_arguments(words UNIX_COMMAND "${command}")
  set(args "")
  set(skip OFF)
  foreach(word IN LISTS words)
    if(skip)
      set(skip OFF)
    elseif(word MATCHES "^-(o|MT|MF|MQ)$")
      set(skip ON)
    elseif(word MATCHES "^-(c|MD|MMD)$" OR word STREQUAL source)
    else()
      list(APPEND args "${word}")
    endif()
  endforeach()
  execute_process(COMMAND ${args} -fsyntax-only "${probe_file}" WORKING_DIRECTORY "${directory}"
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
  set(${rc_var} "${rc}" PARENT_SCOPE)
  set(${output_var} "${out}" PARENT_SCOPE)
endfunction()

get_filename_component(lower_name "${LOWER}" NAME)
get_filename_component(upper_name "${UPPER}" NAME)

probe("${UPPER}" "${HEADER}" rc out)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "\"${HEADER}\" does not compile as ${upper_name} is compiled:\n${out}")
endif()

probe("${LOWER}" "${CONTROL}" rc out)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "\"${CONTROL}\" does not compile as ${lower_name} is compiled:\n${out}")
endif()

probe("${LOWER}" "${HEADER}" rc out)
if(rc EQUAL 0)
  message(FATAL_ERROR "\"${HEADER}\" compiles as ${lower_name} is compiled: a back edge")
endif()
# GCC: "fatal error: HEADER: No such file or directory"; Clang: "'HEADER' file not found".
string(FIND "${out}" "${HEADER}: No such file or directory" gcc_missing)
string(FIND "${out}" "'${HEADER}' file not found" clang_missing)
if(gcc_missing EQUAL -1 AND clang_missing EQUAL -1)
  message(FATAL_ERROR "\"${HEADER}\" fails as ${lower_name} is compiled, but not as a header "
                      "that is not found:\n${out}")
endif()
message(STATUS "${lower_name} can't include \"${HEADER}\"; ${upper_name} can")
