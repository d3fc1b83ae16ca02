// `schemagate checklist`: each migration's checklist as text for the terminal, Markdown for a
// pull-request comment, and JSON for programs.
#include <nlohmann/json.hpp>
#include <string>

#include "report/common.hpp"
#include "schemagate/report.hpp"

namespace schemagate {

namespace {

std::size_t complete_count(const std::vector<MigrationChecklist>& lists) {
  std::size_t n = 0;
  for (const MigrationChecklist& l : lists) n += l.complete() ? 1 : 0;
  return n;
}

std::string name_of(const MigrationChecklist& l) {
  return report::clean_path(l.path) + (l.migration ? " (" + *l.migration + ")" : "");
}

std::string at(const Diagnostic& d) {
  return std::to_string(d.begin.line) + ":" + std::to_string(d.begin.column);
}

// What a row says about its item: the evidence, why it is needed, where it was attested.
std::string evidence(const ChecklistItem& item) {
  std::string out = item.evidence;
  if (item.attested_at && item.status == ItemStatus::met) {
    out = "attested: " + out + " (line " + std::to_string(item.attested_at->line) + ")";
  }
  if (!item.needed_because.empty()) out += "; needed: " + item.needed_because;
  return out;
}

std::string summary_line(const std::vector<MigrationChecklist>& lists) {
  std::size_t complete = complete_count(lists);
  std::size_t blocked = lists.size() - complete;
  return std::to_string(lists.size()) + (lists.size() == 1 ? " migration: " : " migrations: ") +
         std::to_string(complete) + " complete, " + std::to_string(blocked) + " blocked";
}

// A Markdown table cell: no line breaks, no column separators, nothing that opens HTML.
std::string cell(std::string_view text) {
  std::string out;
  for (char c : report::valid_utf8(text)) {
    switch (c) {
      case '|':
        out += "\\|";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '\r':
        break;
      case '\n':
        out += ' ';
        break;
      default:
        out += c;
    }
  }
  return out;
}

// Inline code that holds `text` whatever backticks it contains.
std::string code(std::string_view text) {
  std::string fence = "`";
  while (text.find(fence) != std::string_view::npos) fence += '`';
  bool pad = text.starts_with('`') || text.ends_with('`');
  return fence + (pad ? " " : "") + std::string(text) + (pad ? " " : "") + fence;
}

}  // namespace

void write_checklist_text(std::ostream& out, const std::vector<MigrationChecklist>& lists) {
  for (const MigrationChecklist& l : lists) {
    out << name_of(l) << ": " << (l.complete() ? "complete" : "blocked") << "\n";
    std::optional<ChecklistStage> stage;
    for (const ChecklistItem& item : l.items) {
      const ChecklistItemInfo* info = find_checklist_item(item.id);
      if (stage != info->stage) {
        stage = info->stage;
        out << "  " << to_string(info->stage) << "\n";
      }
      std::string_view mark = item.status == ItemStatus::met     ? "[x]"
                              : item.status == ItemStatus::unmet ? "[!]"
                                                                 : "[ ]";
      out << "    " << mark << " " << item.id << ": " << evidence(item) << "\n";
      if (item.status == ItemStatus::met) continue;
      for (const Diagnostic& d : item.findings) {
        out << "          " << report::clean_path(d.path) << ":" << at(d) << ": " << d.rule << ": "
            << d.message << "\n";
      }
    }
    for (const ChecklistProblem& p : l.problems) {
      out << "    line " << p.at.line << ": " << p.message << "\n";
    }
  }
  out << summary_line(lists) << "\n";
}

void write_checklist_markdown(std::ostream& out, const std::vector<MigrationChecklist>& lists) {
  std::size_t blocked = lists.size() - complete_count(lists);
  out << "## schemagate checklist\n\n";
  if (lists.empty()) {
    out << "No migrations to check.\n";
    return;
  }
  out << (blocked == 0 ? "✅ " : "❌ ") << "**" << summary_line(lists) << ".**";
  if (blocked != 0) out << " A blocked migration has required items that are unmet.";
  out << "\n\n✅ met · ❌ required and unmet · ⬜ not required here, or after deploying\n";
  for (const MigrationChecklist& l : lists) {
    // A complete migration needs no action: its table is folded away.
    if (l.complete()) {
      out << "\n<details><summary>✅ <code>" << cell(report::clean_path(l.path)) << "</code>";
      if (l.migration) out << " · revision <code>" << cell(*l.migration) << "</code>";
      out << "</summary>\n\n";
    } else {
      out << "\n### ❌ " << code(report::clean_path(l.path));
      if (l.migration) out << " · revision " << code(*l.migration);
      out << "\n\n";
    }
    out << "| | Item | When | Evidence |\n|:-:|---|---|---|\n";
    for (const ChecklistItem& item : l.items) {
      const ChecklistItemInfo* info = find_checklist_item(item.id);
      std::string_view mark = item.status == ItemStatus::met     ? "✅"
                              : item.status == ItemStatus::unmet ? "❌"
                                                                 : "⬜";
      std::string why = cell(evidence(item));
      if (item.status != ItemStatus::met) {
        for (const Diagnostic& d : item.findings) {
          why += "<br>" + code(d.rule) + " line " + std::to_string(d.begin.line) + ": " +
                 cell(d.message);
        }
      }
      out << "| " << mark << " | " << cell(info->title) << " " << code(item.id) << " | "
          << to_string(info->stage) << " | " << why << " |\n";
    }
    for (const ChecklistProblem& p : l.problems) {
      out << "\n⚠️ line " << p.at.line << ": " << cell(p.message) << "\n";
    }
    if (l.complete()) {
      out << "\n</details>\n";
    } else {
      out << "\n<sub>Attest an item in the migration's `Checklist:` block, e.g. `[x] "
             "backup-taken: snapshot 2026-11-20`.</sub>\n";
    }
  }
}

void write_checklist_json(std::ostream& out, const std::vector<MigrationChecklist>& lists) {
  using json = nlohmann::ordered_json;
  auto position = [](const std::optional<Position>& p) -> json {
    if (!p) return nullptr;
    return {{"line", p->line}, {"column", p->column}};
  };
  json migrations = json::array();
  for (const MigrationChecklist& l : lists) {
    json items = json::array();
    for (const ChecklistItem& item : l.items) {
      const ChecklistItemInfo* info = find_checklist_item(item.id);
      json findings = json::array();
      for (const Diagnostic& d : item.findings) {
        findings.push_back({{"rule", d.rule},
                            {"severity", std::string(to_string(d.severity))},
                            {"path", d.path},
                            {"line", d.begin.line},
                            {"column", d.begin.column},
                            {"message", d.message},
                            {"suppressed", d.suppressed ? json(*d.suppressed) : json(nullptr)}});
      }
      std::string_view status = item.status == ItemStatus::met     ? "met"
                                : item.status == ItemStatus::unmet ? "unmet"
                                                                   : "open";
      items.push_back({{"id", item.id},
                       {"title", std::string(info->title)},
                       {"stage", std::string(to_string(info->stage))},
                       {"verified", info->verified},
                       {"required", item.required},
                       {"status", std::string(status)},
                       {"needed_because",
                        item.needed_because.empty() ? json(nullptr) : json(item.needed_because)},
                       {"evidence", item.evidence},
                       {"attested_at", position(item.attested_at)},
                       {"findings", std::move(findings)}});
    }
    json problems = json::array();
    for (const ChecklistProblem& p : l.problems) {
      problems.push_back({{"line", p.at.line}, {"column", p.at.column}, {"message", p.message}});
    }
    migrations.push_back({{"path", l.path},
                          {"migration", l.migration ? json(*l.migration) : json(nullptr)},
                          {"complete", l.complete()},
                          {"checklist_block", position(l.block_at)},
                          {"items", std::move(items)},
                          {"problems", std::move(problems)}});
  }
  std::size_t complete = complete_count(lists);
  json doc = {{"version", 1},
              {"tool", {{"name", "schemagate"}, {"version", std::string(version())}}},
              {"migrations", std::move(migrations)},
              {"summary",
               {{"migrations", lists.size()},
                {"complete", complete},
                {"blocked", lists.size() - complete}}}};
  out << doc.dump(2, ' ', false, json::error_handler_t::replace) << "\n";
}

}  // namespace schemagate
