# Writes OUTPUT: a C++ source that embeds every rules/<id>.md (DOCS, a ;-list) so that
# `schemagate rule ID`, SARIF and the LSP read the same text. Run at build time.
list(SORT DOCS)
set(entries "")
foreach(doc IN LISTS DOCS)
  get_filename_component(id "${doc}" NAME_WE)
  file(READ "${doc}" text)
  string(FIND "${text}" ")sgdoc\"" clash)
  if(NOT clash EQUAL -1)
    message(FATAL_ERROR "${doc} contains the embedding delimiter")
  endif()
  string(APPEND entries "    RuleDoc{\"${id}\", R\"sgdoc(${text})sgdoc\"},\n")
endforeach()
file(WRITE "${OUTPUT}.tmp" "// Generated from rules/*.md by cmake/embed_docs.cmake. Do not edit.
#include <algorithm>
#include <array>
#include <string_view>
#include <vector>

#include \"schemagate/rule.hpp\"

namespace schemagate {

namespace {

struct RuleDoc {
  std::string_view id;
  std::string_view text;
};

const std::array kDocs = {
${entries}};

}  // namespace

std::string_view rule_doc(std::string_view id) {
  auto it = std::find_if(kDocs.begin(), kDocs.end(), [id](const RuleDoc& d) { return d.id == id; });
  return it == kDocs.end() ? std::string_view() : it->text;
}

std::vector<std::string_view> documented_rules() {
  std::vector<std::string_view> ids;
  for (const RuleDoc& d : kDocs) ids.push_back(d.id);
  return ids;
}

}  // namespace schemagate
")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
