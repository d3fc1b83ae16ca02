// JSON output, in the shape CI scripts and editor plugins depend on (version 1).
#include <nlohmann/json.hpp>

#include "schemagate/report.hpp"

namespace schemagate {

void write_json(std::ostream& out, const LintResult& result) {
  using json = nlohmann::ordered_json;
  json diagnostics = json::array();
  std::size_t counts[3] = {0, 0, 0};
  for (const Diagnostic& d : result.diagnostics) {
    ++counts[static_cast<std::size_t>(d.severity)];
    diagnostics.push_back({
        {"rule", d.rule},
        {"severity", to_string(d.severity)},
        {"path", d.path},
        {"line", d.begin.line},
        {"column", d.begin.column},
        {"end_line", d.end.line},
        {"end_column", d.end.column},
        {"message", d.message},
        {"help", d.help},
        {"migration", d.migration ? json(*d.migration) : json(nullptr)},
    });
  }
  json doc = {
      {"version", 1},
      {"tool", {{"name", "schemagate"}, {"version", std::string(version())}}},
      {"diagnostics", std::move(diagnostics)},
      {"summary",
       {{"files", result.files},
        {"errors", counts[2]},
        {"warnings", counts[1]},
        {"infos", counts[0]}}},
  };
  // Invalid UTF-8 can't reach here (such files are not linted), but never throw on output.
  out << doc.dump(-1, ' ', false, json::error_handler_t::replace) << "\n";
}

}  // namespace schemagate
