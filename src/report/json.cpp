// JSON output, in the shape CI scripts and editor plugins depend on (version 1).
#include <nlohmann/json.hpp>

#include "schemagate/report.hpp"

namespace schemagate {

namespace {

// A JSON string, escaped as nlohmann::json writes it (the format's reference), without
// building a document: large runs write tens of thousands of findings.
void write_string(std::ostream& out, std::string_view s) {
  if (find_invalid_utf8(s)) {
    // Only a file name can hold invalid UTF-8 here: let the library replace it.
    using json = nlohmann::json;
    out << json(std::string(s)).dump(-1, ' ', false, json::error_handler_t::replace);
    return;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  out.put('"');
  std::size_t run = 0;  // start of the bytes not yet written
  for (std::size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.write(s.data() + run, static_cast<std::streamsize>(i - run));
    run = i + 1;
    switch (c) {
      case '"':
        out << "\\\"";
        break;
      case '\\':
        out << "\\\\";
        break;
      case '\b':
        out << "\\b";
        break;
      case '\f':
        out << "\\f";
        break;
      case '\n':
        out << "\\n";
        break;
      case '\r':
        out << "\\r";
        break;
      case '\t':
        out << "\\t";
        break;
      default:
        out << "\\u00" << kHex[c >> 4U] << kHex[c & 0xFU];
        break;
    }
  }
  out.write(s.data() + run, static_cast<std::streamsize>(s.size() - run));
  out.put('"');
}

void write_field(std::ostream& out, const char* name, std::string_view value) {
  out << ",\"" << name << "\":";
  write_string(out, value);
}

}  // namespace

void write_json(std::ostream& out, const LintResult& result) {
  // Written one finding at a time: a large run's report is never held twice in memory.
  std::size_t counts[3] = {0, 0, 0};
  out << "{\"version\":1,\"tool\":{\"name\":\"schemagate\",\"version\":";
  write_string(out, version());
  out << "},\"diagnostics\":[";
  bool first = true;
  for (const Diagnostic& d : result.diagnostics) {
    ++counts[static_cast<std::size_t>(d.severity)];
    out << (first ? "{\"rule\":" : ",{\"rule\":");
    first = false;
    write_string(out, d.rule);
    write_field(out, "severity", to_string(d.severity));
    write_field(out, "path", d.path);
    out << ",\"line\":" << d.begin.line << ",\"column\":" << d.begin.column
        << ",\"end_line\":" << d.end.line << ",\"end_column\":" << d.end.column;
    write_field(out, "message", d.message);
    write_field(out, "help", d.help);
    out << ",\"migration\":";
    if (d.migration) {
      write_string(out, *d.migration);
    } else {
      out << "null";
    }
    out << "}";
  }
  out << "],\"summary\":{\"files\":" << result.files << ",\"errors\":" << counts[2]
      << ",\"warnings\":" << counts[1] << ",\"infos\":" << counts[0] << "}}\n";
}

}  // namespace schemagate
