// GitLab Code Quality (a subset of the Code Climate issue format): the merge request widget
// and the diff show each finding on its line, and compare them across pipelines by their
// fingerprint.
#include <nlohmann/json.hpp>
#include <string>

#include "report/common.hpp"
#include "schemagate/report.hpp"

namespace schemagate {

namespace {

std::string_view severity_of(Severity s) {
  switch (s) {
    case Severity::error:
      return "critical";
    case Severity::warning:
      return "major";
    case Severity::info:
      break;
  }
  return "info";
}

}  // namespace

void write_gitlab(std::ostream& out, const LintResult& result, const RootedPaths& paths) {
  using json = nlohmann::ordered_json;
  // Fingerprints are counted over every finding, the suppressed ones too, so that adding
  // or removing an ignore never changes another finding's fingerprint (as in SARIF).
  report::Fingerprinter fingerprints;
  bool first = true;
  out << "[";
  for (const Diagnostic* d : report::all_findings(result)) {
    std::string path = report::relative_to(d->path, paths.cwd, paths.root);
    if (path.empty()) path = report::clean_path(d->path);
    std::string fingerprint = fingerprints.next(*d, path);
    if (d->suppressed) continue;
    json issue = {{"type", "issue"},
                  {"check_name", d->rule},
                  {"description", d->message},
                  {"severity", std::string(severity_of(d->severity))},
                  {"fingerprint", fingerprint},
                  {"location",
                   {{"path", path}, {"lines", {{"begin", d->begin.line}, {"end", d->end.line}}}}}};
    if (!d->help.empty()) issue["content"] = {{"body", d->help}};
    out << (first ? "\n  " : ",\n  ");
    first = false;
    std::string text_out = issue.dump(2, ' ', false, json::error_handler_t::replace);
    for (char c : text_out) {
      out << c;
      if (c == '\n') out << "  ";
    }
  }
  out << (first ? "]\n" : "\n]\n");
}

}  // namespace schemagate
