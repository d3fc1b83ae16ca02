// The rule registry: the rules of rules.def, in its order (sorted by id; a test checks the
// order and that every rule has its doc in rules/<id>.md), each with its doc's summary.
#include <algorithm>
#include <array>
#include <stdexcept>
#include <string>
#include <vector>

#include "rules/rules.hpp"

namespace schemagate {

namespace {

const std::vector<RuleInfo>& registry() {
  static const std::vector<RuleInfo> rules = [] {
    const std::array defs = {
#define SCHEMAGATE_RULE(name) &rules::name##_rule,
#include "rules/rules.def"
#undef SCHEMAGATE_RULE
    };
    std::vector<RuleInfo> out;
    out.reserve(defs.size());
    for (const RuleDef* def : defs) {
      RuleInfo info;
      static_cast<RuleDef&>(info) = *def;
      info.summary = doc_paragraph(rule_doc(def->id), {}, true);
      out.push_back(std::move(info));
    }
    return out;
  }();
  return rules;
}

}  // namespace

std::span<const RuleInfo> all_rules() { return registry(); }

std::string doc_paragraph(std::string_view doc, std::string_view heading, bool plain) {
  if (!heading.empty()) {
    std::string marker = "\n## " + std::string(heading) + "\n";
    std::size_t at = doc.find(marker);
    if (at == std::string_view::npos) return {};
    doc.remove_prefix(at + marker.size());
  }
  std::string out;
  while (!doc.empty()) {
    std::size_t end = doc.find('\n');
    std::string_view line = doc.substr(0, end);
    doc.remove_prefix(end == std::string_view::npos ? doc.size() : end + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    bool blank = line.find_first_not_of(" \t") == std::string_view::npos;
    // Before the paragraph: blank lines, and for the summary the title and severity line.
    bool preamble =
        blank || (heading.empty() && (line.starts_with("#") || line.starts_with("**Severity:**")));
    if (out.empty() && preamble) continue;
    if (blank || line.starts_with("#")) break;
    if (!out.empty()) out += ' ';
    for (char c : line) {
      if (!plain || (c != '`' && c != '*')) out += c;
    }
  }
  return out;
}

OptionValue option_value(const LintSettings& settings, std::string_view rule,
                         std::string_view option) {
  if (auto r = settings.rule_options.find(rule); r != settings.rule_options.end()) {
    if (auto o = r->second.find(option); o != r->second.end()) return o->second;
  }
  if (const RuleInfo* info = find_rule(rule)) {
    for (const RuleOption& o : info->options) {
      if (o.name != option) continue;
      switch (o.kind) {
        case RuleOption::Kind::boolean:
          return o.default_value == "true";
        case RuleOption::Kind::integer:
          return static_cast<std::int64_t>(std::stoll(std::string(o.default_value)));
        case RuleOption::Kind::text:
          return std::string(o.default_value);
      }
    }
  }
  // A rule asking for an option it doesn't declare is a bug in the rule.
  throw std::logic_error("rule " + std::string(rule) + " has no option " + std::string(option));
}

OptionValue RuleContext::option(std::string_view name) const {
  return option_value(settings_, rule_, name);
}

std::optional<std::string_view> closest_rule(std::string_view id) {
  // Levenshtein distance, one row at a time.
  auto distance = [](std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
      std::size_t diagonal = row[0];
      row[0] = i;
      for (std::size_t j = 1; j <= b.size(); ++j) {
        std::size_t up = row[j];
        row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1] ? 1 : 0)});
        diagonal = up;
      }
    }
    return row[b.size()];
  };
  std::optional<std::string_view> best;
  std::size_t best_distance = std::max<std::size_t>(2, id.size() / 4) + 1;
  for (const RuleInfo& r : registry()) {
    std::size_t d = distance(id, r.id);
    // A prefix of a rule id (`require-concurrent`) also points at it.
    if (r.id.starts_with(id) && id.size() >= 6) d = std::min<std::size_t>(d, 1);
    if (d < best_distance) {
      best_distance = d;
      best = r.id;
    }
  }
  return best;
}

std::string unknown_rule_message(std::string_view id) {
  std::string out = "unknown rule '" + std::string(id) + "' (";
  if (auto near = closest_rule(id)) out += "did you mean '" + std::string(*near) + "'? ";
  return out + "see `schemagate rules`)";
}

const RuleInfo* find_rule(std::string_view id) {
  const std::vector<RuleInfo>& rules = registry();
  auto it = std::lower_bound(rules.begin(), rules.end(), id,
                             [](const RuleInfo& r, std::string_view v) { return r.id < v; });
  return it != rules.end() && it->id == id ? &*it : nullptr;
}

}  // namespace schemagate
