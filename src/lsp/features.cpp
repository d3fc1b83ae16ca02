// What the language server offers on a document: its findings as LSP diagnostics (pushed or
// pulled), hover with the rule's documentation, and code actions.
#include <algorithm>
#include <map>
#include <set>

#include "lsp/fixes.hpp"
#include "lsp/state.hpp"
#include "report/common.hpp"
#include "schemagate/rule.hpp"

namespace schemagate::lsp {

namespace {

// The rules' documentation, rules/<id>.md, where SARIF's informationUri points.
constexpr const char* kRuleDocs = "https://github.com/schemagate/schemagate/blob/main/rules/";

// LSP's DiagnosticSeverity.
int lsp_severity(Severity s) {
  switch (s) {
    case Severity::error:
      return 1;
    case Severity::warning:
      return 2;
    case Severity::info:
      return 3;
  }
  return 3;
}

json position_json(LspPosition p) { return {{"line", p.line}, {"character", p.character}}; }

// A position of another file, known by line and code point: LSP counts UTF-16 units, which
// differ only after a character outside the Basic Multilingual Plane on that line.
json other_file_range(const RevisionSite& site) {
  auto pos = [](Position p) {
    return json{{"line", p.line > 0 ? p.line - 1 : 0},
                {"character", p.column > 0 ? p.column - 1 : 0}};
  };
  return {{"start", pos(site.begin)}, {"end", pos(site.end)}};
}

json related(const Diagnostic& d, const Document& doc) {
  json out = json::array();
  if (!d.migration) return out;
  const std::string& own = *d.migration;
  for (const RevisionSite& site : doc.revisions) {
    std::string message;
    if (d.rule == "multiple-heads" && site.head && site.id != own) {
      message = "the other head: revision " + site.id;
    } else if (d.rule == "duplicate-revision-id" && site.id == own && site.path != doc.path) {
      message = "revision " + own + " is declared here too";
    } else {
      continue;
    }
    out.push_back(
        {{"location", {{"uri", report::file_uri(site.path)}, {"range", other_file_range(site)}}},
         {"message", message}});
  }
  return out;
}

bool intersects(const json& range, LspPosition start, LspPosition end) {
  LspPosition b{range["start"]["line"].get<std::uint32_t>(),
                range["start"]["character"].get<std::uint32_t>()};
  LspPosition e{range["end"]["line"].get<std::uint32_t>(),
                range["end"]["character"].get<std::uint32_t>()};
  return b <= end && start <= e;
}

LspPosition lsp_position(const json& p) {
  std::int64_t line = int_field(p, "line");
  std::int64_t character = int_field(p, "character");
  if (line < 0 || character < 0) {
    throw RpcError{ErrorCode::invalid_params, "a position can't be negative"};
  }
  auto clamp = [](std::int64_t v) {
    return static_cast<std::uint32_t>(std::min<std::int64_t>(v, 0xFFFFFFFF));
  };
  return {clamp(line), clamp(character)};
}

// Does applying `edits` remove the finding (one of its rule fewer) without adding any other?
bool lints_clean(State& s, Document& doc, const std::string& rule,
                 const std::vector<TextEdit>& edits) {
  std::vector<Diagnostic> after = s.lint_text(doc, apply_edits(doc.text, edits), nullptr);
  std::map<std::string, int> before_count;
  std::map<std::string, int> after_count;
  for (const Diagnostic& d : doc.findings) ++before_count[d.rule];
  for (const Diagnostic& d : after) ++after_count[d.rule];
  if (after_count[rule] >= before_count[rule]) return false;
  return std::all_of(after_count.begin(), after_count.end(), [&](const auto& kv) {
    return kv.first == rule || kv.second <= before_count[kv.first];
  });
}

void ensure_linted(State& s, Document& doc) {
  if (doc.dirty || doc.context_dirty || doc.result_id == 0) s.lint(doc);
}

}  // namespace

json lsp_range(const Text& text, std::size_t begin, std::size_t end) {
  return {{"start", position_json(text.position(begin))},
          {"end", position_json(text.position(end))}};
}

json to_lsp(const Text& text, const Diagnostic& d, const Document& doc) {
  LspPosition b = text.position(d.begin);
  LspPosition e = std::max(b, text.position(d.end));
  json item = {
      {"range", {{"start", position_json(b)}, {"end", position_json(e)}}},
      {"severity", lsp_severity(d.severity)},
      {"code", d.rule},
      {"source", "schemagate"},
      {"message", d.help.empty() ? d.message : d.message + "\nhelp: " + d.help},
      {"data", {{"rule", d.rule}, {"help", d.help}}},
  };
  if (!rule_doc(d.rule).empty()) item["codeDescription"] = {{"href", kRuleDocs + d.rule + ".md"}};
  if (d.rule == "unused-ignore") item["tags"] = {1};  // DiagnosticTag.Unnecessary
  if (json rel = related(d, doc); !rel.empty()) item["relatedInformation"] = std::move(rel);
  return item;
}

json config_error_item(const Project& p) {
  std::string where = p.config.empty() ? std::string("the command line") : p.config;
  std::string first;
  if (!p.errors.empty()) {
    const ConfigError& e = p.errors.front();
    first = e.position.line > 0 ? std::to_string(e.position.line) + ":" +
                                      std::to_string(e.position.column) + ": " + e.message
                                : e.message;
  }
  json pos = {{"line", 0}, {"character", 0}};
  return {{"range", {{"start", pos}, {"end", pos}}},
          {"severity", 1},
          {"source", "schemagate"},
          {"message", "the configuration (" + where + ") is broken: " + first +
                          "\nhelp: nothing is linted with wrong settings; fix the configuration"}};
}

json hover(State& s, const json& params) {
  Document& doc = s.document(params);
  LspPosition at = lsp_position(field(params, "position"));
  ensure_linted(s, doc);
  std::vector<std::string> rules;
  json range;
  for (const json& item : doc.items) {
    if (!item.contains("code") || !intersects(item["range"], at, at)) continue;
    std::string rule = item["code"].get<std::string>();
    if (std::find(rules.begin(), rules.end(), rule) == rules.end()) rules.push_back(rule);
    if (range.is_null()) range = item["range"];
  }
  std::string value;
  for (const std::string& rule : rules) {
    std::string_view text = rule_doc(rule);
    if (text.empty()) continue;
    if (!value.empty()) value += "\n\n---\n\n";
    value += text;
  }
  if (value.empty()) return nullptr;
  return {{"contents", {{"kind", "markdown"}, {"value", value}}}, {"range", range}};
}

json code_actions(State& s, const json& params) {
  Document& doc = s.document(params);
  const json& range = field(params, "range");
  LspPosition start = lsp_position(field(range, "start"));
  LspPosition end = lsp_position(field(range, "end"));
  if (end < start) std::swap(start, end);
  if (params.contains("context") && params["context"].is_object() &&
      params["context"].contains("only") && params["context"]["only"].is_array()) {
    const json& only = params["context"]["only"];
    bool wanted = std::any_of(only.begin(), only.end(), [](const json& k) {
      return k.is_string() && std::string("quickfix").starts_with(k.get<std::string>());
    });
    if (!wanted) return json::array();
  }
  ensure_linted(s, doc);
  Text text(doc.text);
  bool python = doc.path.empty() ? doc.language == "python" : doc.path.ends_with(".py");
  // Each variant is checked by linting its result; a request checks a bounded number.
  constexpr int kMaxChecks = 24;
  int checks = 0;
  json actions = json::array();
  json fixes = json::array();
  for (std::size_t i = 0; i < doc.findings.size() && i < doc.items.size(); ++i) {
    const Diagnostic& d = doc.findings[i];
    const json& item = doc.items[i];
    if (!intersects(item["range"], start, end)) continue;
    std::vector<Candidate> cs = candidates(text, python, d);
    for (std::size_t c = 0; c < cs.size(); ++c) {
      for (std::size_t v = 0; v < cs[c].variants.size(); ++v) {
        const Variant& variant = cs[c].variants[v];
        std::string key = std::to_string(i) + "/" + std::to_string(c) + "/" + std::to_string(v);
        auto known = doc.checked.find(key);
        bool ok = false;
        if (known != doc.checked.end()) {
          ok = known->second;
        } else if (checks < kMaxChecks) {
          ++checks;
          ok = lints_clean(s, doc, d.rule, variant.edits);
          doc.checked[key] = ok;
        } else {
          continue;
        }
        if (!ok) continue;
        json edits = json::array();
        for (const TextEdit& e : variant.edits) {
          edits.push_back({{"range", lsp_range(text, e.begin, e.end)}, {"newText", e.text}});
        }
        json action = {{"title", variant.title},
                       {"kind", "quickfix"},
                       {"diagnostics", json::array({item})},
                       {"edit", {{"changes", {{doc.uri, std::move(edits)}}}}}};
        if (cs[c].fix) {
          action["isPreferred"] = true;
          fixes.push_back(std::move(action));
        } else {
          actions.push_back(std::move(action));
        }
        break;  // the first variant that lints clean
      }
    }
  }
  // The fixes first, then the ignores.
  for (json& a : actions) fixes.push_back(std::move(a));
  return fixes;
}

json pull_diagnostics(State& s, const json& params) {
  Document& doc = s.document(params);
  ensure_linted(s, doc);
  std::string id = std::to_string(doc.result_id);
  if (params.contains("previousResultId") && params["previousResultId"] == id) {
    return {{"kind", "unchanged"}, {"resultId", id}};
  }
  return {{"kind", "full"}, {"resultId", id}, {"items", doc.items}};
}

}  // namespace schemagate::lsp
