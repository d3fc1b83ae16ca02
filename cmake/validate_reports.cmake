# Validates schemagate's machine-readable reports with third-party readers (a ctest; run
# with cmake -P). MODE:
#   sarif  SARIF of examples/ and files with inline ignores: the SARIF 2.1.0 JSON schema
#          (Python's jsonschema, no error) and Microsoft's SARIF Multitool (`validate`, no
#          error). Each validator must also reject broken copies, so the check can fail.
#   junit  JUnit XML of the same files: parsed by Python's XML parser, one test case per
#          file, failures typed with rule ids.
# Variables: MODE, SCHEMAGATE (binary), ROOT (source tree), WORK (scratch folder),
# PYTHONS (candidate interpreters), and for sarif MULTITOOL and SCHEMA.
cmake_minimum_required(VERSION 3.25)

file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}")
set(inputs examples tests/golden/ci-input tests/fixtures/sql/ignores.sql)

# Lints `inputs` into WORK/<name> in `format`; findings are expected (exit code 1).
function(lint format name)
  execute_process(
    COMMAND "${SCHEMAGATE}" lint --no-config --format ${format} --output "${WORK}/${name}" ${inputs}
    WORKING_DIRECTORY "${ROOT}"
    RESULT_VARIABLE status
    OUTPUT_QUIET
    ERROR_VARIABLE err)
  if(NOT status EQUAL 1 OR NOT EXISTS "${WORK}/${name}")
    message(FATAL_ERROR "schemagate lint --format ${format}: exit ${status}, expected 1\n${err}")
  endif()
endfunction()

# The first interpreter of PYTHONS that has `module`.
function(find_python module out)
  foreach(candidate IN LISTS PYTHONS)
    execute_process(COMMAND "${candidate}" -c "import ${module}" RESULT_VARIABLE status
                    OUTPUT_QUIET ERROR_QUIET)
    if(status EQUAL 0)
      set(${out} "${candidate}" PARENT_SCOPE)
      return()
    endif()
  endforeach()
  message(FATAL_ERROR "no Python 3 with the module '${module}' among: ${PYTHONS}")
endfunction()

if(MODE STREQUAL "sarif")
  lint(sarif schemagate.sarif)
  file(READ "${WORK}/schemagate.sarif" sarif)
  # The run must hold what is being validated: results, and suppressed ones with a reason.
  string(JSON results LENGTH "${sarif}" runs 0 results)
  if(results LESS 10 OR NOT sarif MATCHES "\"kind\": \"inSource\"" OR
     NOT sarif MATCHES "\"justification\": ")
    message(FATAL_ERROR "the SARIF run lacks results or suppressed results (${results} results)")
  endif()

  # First the JSON schema, which also checks enumerations (level, kind, columnKind, ...):
  # the Multitool skips a log whose enumerations it cannot read, without a word.
  find_python(jsonschema python)
  set(check [=[
import json, sys, jsonschema
schema = json.load(open(sys.argv[1], encoding="utf-8"))
validator = jsonschema.validators.validator_for(schema)
validator.check_schema(schema)
errors = list(validator(schema).iter_errors(json.load(open(sys.argv[2], encoding="utf-8"))))
for e in errors[:20]:
    print("/".join(str(p) for p in e.absolute_path) + ": " + e.message)
print(f"{len(errors)} schema errors in {sys.argv[2]}")
sys.exit(1 if errors else 0)
]=])
  execute_process(COMMAND "${python}" -c "${check}" "${SCHEMA}" "${WORK}/schemagate.sarif"
                  RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE out)
  message(STATUS "${out}")
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "schemagate's SARIF does not match the SARIF 2.1.0 schema")
  endif()
  string(JSON broken SET "${sarif}" runs 0 results 0 level "\"bogus\"")
  file(WRITE "${WORK}/broken.sarif" "${broken}")
  execute_process(COMMAND "${python}" -c "${check}" "${SCHEMA}" "${WORK}/broken.sarif"
                  RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(status EQUAL 0)
    message(FATAL_ERROR "the schema check accepted level \"bogus\":\n${out}")
  endif()

  # Then the Multitool: a .NET program; invariant globalization spares it ICU.
  set(ENV{DOTNET_SYSTEM_GLOBALIZATION_INVARIANT} 1)
  set(ENV{DOTNET_CLI_TELEMETRY_OPTOUT} 1)
  function(multitool file out)
    execute_process(COMMAND "${MULTITOOL}" validate "${file}" WORKING_DIRECTORY "${WORK}"
                    RESULT_VARIABLE status OUTPUT_VARIABLE log ERROR_VARIABLE log)
    if(NOT status EQUAL 0 OR NOT log MATCHES "Analysis completed successfully")
      message(FATAL_ERROR "Sarif.Multitool validate ${file} did not run (exit ${status}):\n${log}")
    endif()
    set(${out} "${log}" PARENT_SCOPE)
  endfunction()
  multitool("${WORK}/schemagate.sarif" log)
  message(STATUS "Sarif.Multitool validate schemagate.sarif:\n${log}")
  if(log MATCHES ": error [A-Z]+[0-9]+:")
    message(FATAL_ERROR "the SARIF Multitool found errors")
  endif()
  # The validator really validates: a result without its required message fails the schema
  # (JSON1002), and a rule index past the rules fails the SARIF rules (SARIF1009), which
  # run only on a log the Multitool could read: it read this one.
  string(JSON broken REMOVE "${sarif}" runs 0 results 0 message)
  file(WRITE "${WORK}/broken.sarif" "${broken}")
  multitool("${WORK}/broken.sarif" log)
  if(NOT log MATCHES ": error JSON1002:")
    message(FATAL_ERROR "the SARIF Multitool found no error in a result without a message: "
                        "it could not read the log\n${log}")
  endif()
  string(JSON broken SET "${sarif}" runs 0 results 0 ruleIndex 100000)
  file(WRITE "${WORK}/broken.sarif" "${broken}")
  multitool("${WORK}/broken.sarif" log)
  if(NOT log MATCHES ": error SARIF1009:")
    message(FATAL_ERROR "the SARIF Multitool found no error in a rule index out of range: "
                        "it could not read the log\n${log}")
  endif()
elseif(MODE STREQUAL "junit")
  lint(junit schemagate.xml)
  find_python(xml.etree.ElementTree python)
  set(check [=[
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == "testsuites", root.tag
suites = root.findall("testsuite")
assert len(suites) == 1, len(suites)
cases = suites[0].findall("testcase")
failed = [c for c in cases if c.findall("failure")]
assert len(cases) == int(suites[0].get("tests")) and len(cases) > 5, len(cases)
assert len(failed) == int(suites[0].get("failures")) and failed, len(failed)
for c in failed:
    for f in c.findall("failure"):
        assert f.get("type") and f.get("message") and f.text.startswith(c.get("name") + ":"), f.text
print(f"{len(cases)} test cases, {len(failed)} failing")
]=])
  execute_process(COMMAND "${python}" -c "${check}" "${WORK}/schemagate.xml"
                  RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE out)
  message(STATUS "${out}")
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "schemagate's JUnit XML is not what a JUnit reader expects")
  endif()
else()
  message(FATAL_ERROR "unknown MODE '${MODE}'")
endif()
