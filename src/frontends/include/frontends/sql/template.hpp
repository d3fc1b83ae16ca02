// Templated SQL: Flyway `${name}` placeholders, psql `:name` / `:'name'` / `:"name"`
// variables (and `\` meta-command lines), Go-template `{{ ... }}` actions. They are expanded
// before parsing, so that the statements around them are still linted; an unknown one becomes
// a neutral identifier (`_name`, padded to the same length when it fits) and never a
// syntax error.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "schemagate/source.hpp"

namespace schemagate::sql {

// Known values: "name" for ${name}, :name, {{ .name }} and {{ index .Options "name" }}.
using Placeholders = std::map<std::string, std::string>;

// One replacement: [out_begin, out_end) of the expanded text stands for [in_begin, in_end)
// of the original.
struct TemplateEdit {
  std::size_t out_begin = 0;
  std::size_t out_end = 0;
  std::size_t in_begin = 0;
  std::size_t in_end = 0;
};

struct Expanded {
  std::string text;
  std::vector<TemplateEdit> edits;  // in text order
  // The neutral identifiers that stand for unknown template expressions, with the expression
  // as written (`_namespace___` → `{{ index .Options "Namespace" }}`).
  std::vector<std::pair<std::string, std::string>> neutral;

  // A range of `text` as a range of the original (a range inside a replacement covers the
  // whole template expression).
  [[nodiscard]] ByteRange to_source(ByteRange r) const;
};

[[nodiscard]] Expanded expand_templates(std::string_view sql, const Placeholders& values);

}  // namespace schemagate::sql
