// SARIF 2.1.0: the rules with their documentation, every finding with its exact region
// and a fingerprint that survives lines moving, and inline-ignored findings as suppressed
// results (what code scanning services and SARIF viewers read).
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "report/common.hpp"
#include "schemagate/report.hpp"
#include "schemagate/rule.hpp"

namespace schemagate {

namespace {

using json = nlohmann::ordered_json;

// The project's home page (tool.driver.informationUri).
constexpr const char* kInformationUri = "https://github.com/schemagate/schemagate";
constexpr const char* kSchema =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
constexpr const char* kRootId = "%SRCROOT%";
// partialFingerprints key: versioned, as SARIF asks, so that a change of the scheme is a
// new key rather than a silent change of meaning.
constexpr const char* kFingerprintKey = "schemagate/v1";

std::string_view level_of(Severity s) {
  switch (s) {
    case Severity::error:
      return "error";
    case Severity::warning:
      return "warning";
    case Severity::info:
      break;
  }
  return "note";
}

// The rule id as a SARIF rule name: ban-drop-table -> BanDropTable.
std::string pascal_case(std::string_view id) {
  std::string out;
  bool upper = true;
  for (char c : id) {
    if (c == '-' || c == '_') {
      upper = true;
      continue;
    }
    out += upper && c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
    upper = false;
  }
  return out;
}

json message(std::string_view text) { return {{"text", std::string(text)}}; }

json rule_descriptor(const RuleInfo& r) {
  std::string_view doc = rule_doc(r.id);
  json d = {{"id", std::string(r.id)},
            {"name", pascal_case(r.id)},
            {"shortDescription", message(r.summary)}};
  std::string full = doc_paragraph(doc, "What it does");
  d["fullDescription"] = message(full.empty() ? r.summary : full);
  if (!doc.empty()) d["help"] = {{"text", std::string(doc)}, {"markdown", std::string(doc)}};
  json config = {{"level", std::string(level_of(r.severity))}};
  if (r.opt_in) config["enabled"] = false;
  d["defaultConfiguration"] = std::move(config);
  json tags = json::array({std::string(r.category)});
  if (r.opt_in) tags.push_back("opt-in");
  d["properties"] = {{"tags", std::move(tags)}};
  return d;
}

// Writes `value` pretty-printed with two spaces, its lines indented by `indent` more.
// (Invalid UTF-8, which only a file name can hold, becomes U+FFFD.)
void write_indented(std::ostream& out, std::string_view text, std::size_t indent) {
  // Strings hold no raw line break (JSON escapes them): every '\n' is the layout's.
  std::string pad(indent, ' ');
  out << pad;
  for (char c : text) {
    out << c;
    if (c == '\n') out << pad;
  }
}

std::string dump(const json& value) {
  return value.dump(2, ' ', false, json::error_handler_t::replace);
}

}  // namespace

void write_sarif(std::ostream& out, const LintResult& result, const SarifOptions& options) {
  // The rules array: every registered rule in registry order, then any other rule id a
  // finding carries (an embedder's own rules), so that every result has its ruleIndex.
  json rules = json::array();
  std::map<std::string, std::size_t, std::less<>> index;
  for (const RuleInfo& r : all_rules()) {
    index.emplace(std::string(r.id), rules.size());
    rules.push_back(rule_descriptor(r));
  }
  std::vector<const Diagnostic*> findings = report::all_findings(result);
  for (const Diagnostic* d : findings) {
    if (index.contains(d->rule)) continue;
    index.emplace(d->rule, rules.size());
    rules.push_back({{"id", d->rule},
                     {"name", pascal_case(d->rule)},
                     {"shortDescription", message(d->rule)},
                     {"defaultConfiguration", {{"level", std::string(level_of(d->severity))}}}});
  }

  std::string root = report::absolute_path(options.root, options.cwd);
  if (root.empty() || root.back() != '/') root += '/';
  json run = {
      {"tool",
       {{"driver",
         {{"name", "schemagate"},
          {"version", std::string(version())},
          {"semanticVersion", std::string(version())},
          {"informationUri", kInformationUri},
          {"rules", std::move(rules)}}}}},
      {"originalUriBaseIds", {{kRootId, {{"uri", report::file_uri(root)}}}}},
      {"columnKind", "unicodeCodePoints"},
  };
  // The run's head, then its results one at a time: a large run is never held twice.
  std::string head = dump(run);
  head.pop_back();  // the closing brace
  while (!head.empty() && (head.back() == '\n' || head.back() == ' ')) head.pop_back();
  out << "{\n  \"$schema\": \"" << kSchema << "\",\n  \"version\": \"2.1.0\",\n  \"runs\": [\n";
  write_indented(out, head, 4);
  out << ",\n      \"results\": [";

  report::Fingerprinter fingerprints;
  bool first = true;
  for (const Diagnostic* d : findings) {
    std::string rel = report::relative_to(d->path, options.cwd, options.root);
    json artifact =
        rel.empty() ? json{{"uri", report::file_uri(report::absolute_path(d->path, options.cwd))}}
                    : json{{"uri", report::uri_path(rel)}, {"uriBaseId", kRootId}};
    json region = {{"startLine", d->begin.line},
                   {"startColumn", d->begin.column},
                   {"endLine", d->end.line},
                   {"endColumn", d->end.column}};
    if (d->end.line == d->begin.line && d->end.column > d->begin.column &&
        !d->source_line.empty()) {
      std::string_view line = d->source_line;
      std::size_t from = code_point_offset(line, d->begin.column - 1);
      std::size_t to = code_point_offset(line, d->end.column - 1);
      if (from < to) region["snippet"] = {{"text", std::string(line.substr(from, to - from))}};
    }
    std::string text = d->message;
    if (!d->help.empty()) text += "\nhelp: " + d->help;
    json r = {{"ruleId", d->rule},
              {"ruleIndex", index.find(d->rule)->second},
              {"level", std::string(level_of(d->severity))},
              {"message", message(text)},
              {"locations", json::array({{{"physicalLocation",
                                           {{"artifactLocation", std::move(artifact)},
                                            {"region", std::move(region)}}}}})},
              {"partialFingerprints",
               {{kFingerprintKey, fingerprints.next(*d, rel.empty() ? d->path : rel)}}}};
    if (d->migration) r["properties"] = {{"migration", *d->migration}};
    if (d->suppressed) {
      json s = {{"kind", "inSource"}, {"status", "accepted"}};
      if (!d->suppressed->empty()) s["justification"] = *d->suppressed;
      r["suppressions"] = json::array({std::move(s)});
    }
    out << (first ? "\n" : ",\n");
    first = false;
    write_indented(out, dump(r), 8);
  }
  out << (first ? "]\n" : "\n      ]\n") << "    }\n  ]\n}\n";
}

}  // namespace schemagate
