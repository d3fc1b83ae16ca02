// GitHub Actions workflow commands: each finding becomes an annotation on its file and
// lines, in the pull request's diff and the run's summary.
//   ::warning file=m/003.sql,line=3,col=1,endLine=3,endColumn=22,title=schemagate%3A rule::message
#include <string>

#include "report/common.hpp"
#include "schemagate/report.hpp"

namespace schemagate {

namespace {

// As the Actions toolkit escapes a command's message: %, CR and LF.
std::string escape_data(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '%':
        out += "%25";
        break;
      case '\r':
        out += "%0D";
        break;
      case '\n':
        out += "%0A";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// A property value: also ':' and ',', which separate the properties.
std::string escape_property(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : escape_data(s)) {
    if (c == ':') {
      out += "%3A";
    } else if (c == ',') {
      out += "%2C";
    } else {
      out += c;
    }
  }
  return out;
}

std::string_view command_of(Severity s) {
  switch (s) {
    case Severity::error:
      return "error";
    case Severity::warning:
      return "warning";
    case Severity::info:
      break;
  }
  return "notice";
}

}  // namespace

void write_github(std::ostream& out, const LintResult& result, const RootedPaths& paths) {
  for (const Diagnostic& d : result.diagnostics) {
    std::string text = d.message;
    if (!d.help.empty()) text += "\nhelp: " + d.help;
    std::string path = report::relative_to(d.path, paths.cwd, paths.root);
    if (path.empty()) path = report::clean_path(d.path);
    out << "::" << command_of(d.severity) << " file=" << escape_property(report::valid_utf8(path))
        << ",line=" << d.begin.line << ",col=" << d.begin.column << ",endLine=" << d.end.line
        << ",endColumn=" << d.end.column << ",title=" << escape_property("schemagate: " + d.rule)
        << "::" << escape_data(report::valid_utf8(text)) << "\n";
  }
}

}  // namespace schemagate
