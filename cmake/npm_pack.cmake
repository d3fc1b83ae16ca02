# schemagate_npm_pack(SPEC INTEGRITY DEST [PATTERNS ...]): fetches an npm package tarball
# (`npm pack SPEC`, which runs none of its scripts) at configure time, checks it against its
# sha512 INTEGRITY, and extracts it (only PATTERNS, when given) to DEST/package. Third-party
# code fetched this way lives in the build tree only; it is never committed.
function(schemagate_npm_pack spec integrity dest)
  find_program(NPM npm REQUIRED)
  set(download "${dest}.download")
  file(REMOVE_RECURSE "${download}" "${dest}")
  file(MAKE_DIRECTORY "${download}")
  execute_process(
    COMMAND "${NPM}" pack "${spec}" --json --silent
    WORKING_DIRECTORY "${download}"
    OUTPUT_VARIABLE pack_json
    RESULT_VARIABLE pack_status
    ERROR_VARIABLE pack_error)
  if(NOT pack_status EQUAL 0)
    message(FATAL_ERROR "could not fetch ${spec} with npm: ${pack_error}")
  endif()
  string(JSON got GET "${pack_json}" 0 integrity)
  string(JSON tarball GET "${pack_json}" 0 filename)
  if(NOT got STREQUAL integrity)
    message(FATAL_ERROR "${spec}: tarball integrity mismatch: ${got}")
  endif()
  if(ARGN)
    file(ARCHIVE_EXTRACT INPUT "${download}/${tarball}" DESTINATION "${dest}" PATTERNS ${ARGN})
  else()
    file(ARCHIVE_EXTRACT INPUT "${download}/${tarball}" DESTINATION "${dest}")
  endif()
  file(REMOVE_RECURSE "${download}")
endfunction()
