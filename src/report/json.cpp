// JSON output, in the shape CI scripts and editor plugins depend on (version 1).
#include <nlohmann/json.hpp>

#include "schemagate/report.hpp"

namespace schemagate {

void write_json(std::ostream& out, const LintResult& result) {
  using json = nlohmann::ordered_json;
  // Written one finding at a time: a large run's report is never held twice in memory.
  // Invalid UTF-8 can't reach here (such files are not linted), but never throw on output.
  auto dump = [](const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); };
  std::size_t counts[3] = {0, 0, 0};
  out << "{\"version\":1,\"tool\":"
      << dump({{"name", "schemagate"}, {"version", std::string(version())}})
      << ",\"diagnostics\":[";
  bool first = true;
  for (const Diagnostic& d : result.diagnostics) {
    ++counts[static_cast<std::size_t>(d.severity)];
    out << (first ? "" : ",")
        << dump({
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
    first = false;
  }
  out << "],\"summary\":"
      << dump({{"files", result.files},
               {"errors", counts[2]},
               {"warnings", counts[1]},
               {"infos", counts[0]}})
      << "}\n";
}

}  // namespace schemagate
