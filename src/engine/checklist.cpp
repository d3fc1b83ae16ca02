#include "engine/checklist.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <map>
#include <set>

#include "schemagate/locks.hpp"

namespace schemagate {

namespace {

using R = Requirement;
using Stage = ChecklistStage;

constexpr std::array kItems = {
    ChecklistItemInfo{"zero-downtime", Stage::before_creating, "Designed for zero downtime", true,
                      R::always, ""},
    ChecklistItemInfo{"reversible", Stage::before_creating, "Reversible", true, R::always, ""},
    ChecklistItemInfo{"batched-and-concurrent", Stage::before_creating,
                      "Large-table changes batched, indexes built CONCURRENTLY", true, R::always,
                      ""},
    ChecklistItemInfo{"schema-data-separated", Stage::before_creating,
                      "Schema and data changes in separate migrations", true, R::always, ""},
    ChecklistItemInfo{"staging-tested", Stage::before_deploying, "Tested against staging", false,
                      R::always, "every migration"},
    ChecklistItemInfo{"rollback-tested", Stage::before_deploying, "Rollback tested", false,
                      R::always, "every migration"},
    ChecklistItemInfo{"backup-taken", Stage::before_deploying, "Backup taken", false,
                      R::when_needed, "the migration drops or overwrites existing data"},
    ChecklistItemInfo{"execution-time-estimated", Stage::before_deploying,
                      "Execution time estimated", false, R::when_needed,
                      "the migration rewrites or scans an existing table, or touches a table "
                      "listed in large_tables"},
    ChecklistItemInfo{"app-compatible", Stage::before_deploying,
                      "Application compatible with both schemas", false, R::when_needed,
                      "a compatibility rule fired"},
    ChecklistItemInfo{"completed", Stage::after_deploying, "Migration completed", false, R::never,
                      "every migration"},
    ChecklistItemInfo{"app-healthy", Stage::after_deploying, "Application healthy", false, R::never,
                      "every migration"},
    ChecklistItemInfo{"no-performance-regression", Stage::after_deploying,
                      "No performance regression", false, R::never, "every migration"},
    ChecklistItemInfo{"cleanup-scheduled", Stage::after_deploying,
                      "Cleanup migration scheduled (name it)", false, R::when_needed,
                      "the migration is the first phase of a multi-phase change"},
};

// Does a finding of `rule` stand against the verified item `item`? The rule says which item
// it stands against (RuleDef::checklist_item), else its category does.
bool against(std::string_view item, std::string_view rule) {
  const RuleInfo* info = find_rule(rule);
  if (info == nullptr) return false;
  if (info->blocks_analysis) return true;
  if (!info->checklist_item.empty()) return item == info->checklist_item;
  if (item == "reversible") return info->category == "reversibility";
  if (item == "zero-downtime")
    return info->category == "locks" || info->category == "compatibility";
  return false;
}

std::string_view verified_evidence(std::string_view item) {
  if (item == "zero-downtime") return "no lock or compatibility findings";
  if (item == "reversible") return "the downgrade undoes the upgrade";
  if (item == "batched-and-concurrent") return "no unbatched backfill or blocking index build";
  return "no data change next to schema changes";
}

std::string trim(std::string_view s) {
  auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  auto e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

// A header line without its comment or docstring markers.
std::string strip(std::string_view line) {
  std::string s = trim(line);
  auto drop_prefix = [&s](std::string_view p) {
    if (!s.starts_with(p)) return false;
    s = trim(std::string_view(s).substr(p.size()));
    return true;
  };
  while (drop_prefix("--") || drop_prefix("#") || drop_prefix("/*") || drop_prefix("\"\"\"") ||
         drop_prefix("'''") || (!s.starts_with("*/") && drop_prefix("*"))) {
  }
  for (std::string_view q : {"*/", "\"\"\"", "'''"}) {
    if (s.ends_with(q)) s = trim(std::string_view(s).substr(0, s.size() - q.size()));
  }
  return s;
}

bool lower_equal(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// An entry line: `[x] id: note`, `[ ] id`, optionally as a list item (`- [x] ...`).
std::optional<checklist::Attestation> entry(std::string s) {
  if (s.starts_with("- ") || s.starts_with("* ")) s = trim(std::string_view(s).substr(2));
  checklist::Attestation a;
  std::string_view rest;
  if (s.starts_with("[x]") || s.starts_with("[X]")) {
    a.checked = true;
    rest = std::string_view(s).substr(3);
  } else if (s.starts_with("[ ]")) {
    rest = std::string_view(s).substr(3);
  } else if (s.starts_with("[]")) {
    rest = std::string_view(s).substr(2);
  } else {
    return std::nullopt;
  }
  std::string body = trim(rest);
  std::size_t end = body.find_first_of(": \t");
  a.id = body.substr(0, end);
  if (end != std::string::npos) {
    std::string_view note = std::string_view(body).substr(end);
    if (note.starts_with(":")) note.remove_prefix(1);
    a.note = trim(note);
  }
  return a;
}

// The lines at the top of a file that can hold the block.
ByteRange header_of(std::string_view text, bool python, ByteRange docstring) {
  if (python && docstring.end > docstring.begin) return {0, docstring.end};
  bool in_block = false;
  std::size_t at = bom_length(text);
  while (at < text.size()) {
    std::size_t eol = text.find('\n', at);
    std::size_t next = eol == std::string_view::npos ? text.size() : eol + 1;
    std::string t = trim(text.substr(at, next - at));
    bool comment = in_block || t.empty() || (python ? t.starts_with("#") : t.starts_with("--"));
    if (!python && !in_block && t.starts_with("/*")) {
      comment = true;
      in_block = true;
    }
    if (!comment) break;
    if (in_block && t.find("*/") != std::string::npos) in_block = false;
    at = next;
  }
  return {0, at};
}

}  // namespace

std::string_view to_string(ChecklistStage stage) {
  switch (stage) {
    case Stage::before_creating:
      return "before creating";
    case Stage::before_deploying:
      return "before deploying";
    case Stage::after_deploying:
      return "after deploying";
  }
  return "";
}

std::string_view to_string(Requirement requirement) {
  switch (requirement) {
    case R::always:
      return "always";
    case R::when_needed:
      return "when-needed";
    case R::never:
      return "never";
  }
  return "";
}

std::optional<Requirement> parse_requirement(std::string_view text) {
  for (R r : {R::always, R::when_needed, R::never}) {
    if (text == to_string(r)) return r;
  }
  return std::nullopt;
}

std::span<const ChecklistItemInfo> checklist_items() { return kItems; }

const ChecklistItemInfo* find_checklist_item(std::string_view id) {
  auto it = std::find_if(kItems.begin(), kItems.end(),
                         [&](const ChecklistItemInfo& i) { return i.id == id; });
  return it != kItems.end() ? &*it : nullptr;
}

Requirement ChecklistOptions::requirement(const ChecklistItemInfo& item) const {
  auto it = require.find(std::string(item.id));
  return it != require.end() ? it->second : item.default_requirement;
}

bool MigrationChecklist::complete() const {
  return problems.empty() && std::none_of(items.begin(), items.end(), [](const ChecklistItem& i) {
           return i.status == ItemStatus::unmet;
         });
}

namespace checklist {

Block read_block(std::string_view text, bool python, ByteRange docstring) {
  Block block;
  ByteRange header = header_of(text, python, docstring);
  std::size_t at = std::max(header.begin, bom_length(text));
  while (at < header.end) {
    std::size_t eol = text.find('\n', at);
    std::size_t next = eol == std::string_view::npos ? text.size() : eol + 1;
    std::string_view raw = text.substr(at, next - at);
    // The line's text, without its indent and line break.
    std::size_t indent = std::min(raw.find_first_not_of(" \t"), raw.size());
    std::size_t end = raw.find_last_not_of(" \t\r\n");
    ByteRange line{at + indent, at + (end == std::string_view::npos ? indent : end + 1)};
    at = next;
    std::string s = strip(raw);
    if (!block.found) {
      if (lower_equal(s, "checklist:")) {
        block.found = true;
        block.range = line;
      }
      continue;
    }
    if (s.empty()) continue;
    auto a = entry(s);
    if (!a) break;  // the block ends at the first line that is no entry
    a->range = line;
    block.entries.push_back(std::move(*a));
  }
  return block;
}

Needs needs_of(std::span<const Step> steps, int pg_version) {
  Needs n;
  std::map<std::string, std::string> added;  // table key → a column added to it here
  std::set<std::string> validated;           // constraints validated here
  for (const Step& s : steps) {
    if (s.phase != Phase::upgrade) continue;
    if (const auto* v = s.as<ValidateConstraint>()) validated.insert(v->name);
  }
  for (const Step& s : steps) {
    if (s.phase != Phase::upgrade || s.table_is_new) continue;
    const Operation& op = *s.op;
    const QualifiedName* t = target_table(op);
    std::string name = operation_name(op);
    std::string table = t != nullptr ? t->display() : std::string();
    if (n.heavy.empty()) {
      LockInfo lock = lock_of(s, pg_version);
      std::string what = !lock.table.empty() ? lock.table : lock.target;
      if (lock.work == Work::rewrite) {
        n.heavy = name + " rewrites " + what;
      } else if (lock.work == Work::scan) {
        n.heavy = name + " scans " + what;
      } else if (s.table_is_large && lock.work != Work::none) {
        n.heavy = name + " on " + table + ", listed in large_tables";
      }
    }
    bool destroys = op.is<DropTable>() || op.is<DropColumn>() || op.is<Truncate>() ||
                    op.is<AlterColumnType>() || op.is<DropSchema>() || op.is<DropDatabase>();
    if (const auto* d = op.as<DataChange>()) {
      destroys = d->kind == DataChangeKind::update || d->kind == DataChangeKind::delete_ ||
                 d->kind == DataChangeKind::merge;
      if (d->kind == DataChangeKind::update && n.first_phase.empty()) {
        if (auto it = added.find(d->table.key()); it != added.end()) {
          n.first_phase = "adds " + table + "." + it->second +
                          " and fills it from the existing data: the old column goes in a "
                          "follow-up, once the application reads the new one";
        }
      }
    }
    if (destroys && n.destructive.empty()) {
      n.destructive = name + (table.empty() ? std::string() : " on " + table);
    }
    if (const auto* a = op.as<AddColumn>()) added[a->table.key()] = a->column.name;
    if (const auto* c = op.as<AddConstraint>();
        c != nullptr && c->not_valid && !validated.contains(c->name) && n.first_phase.empty()) {
      n.first_phase = "adds " + (c->name.empty() ? std::string("a constraint") : c->name) +
                      " NOT VALID: VALIDATE CONSTRAINT goes in a follow-up";
    }
  }
  for (const Step& s : steps) {
    if (s.phase != Phase::upgrade || !n.first_phase.empty()) continue;
    if (const auto* c = s.as<CreateTable>(); c != nullptr && c->as_select) {
      n.first_phase = "copies existing data into the new table " + c->table.display() +
                      ": switching over and dropping the old table go in follow-ups";
    }
  }
  return n;
}

Settled settle(const ChecklistOptions& options, const Block& block, const Needs& needs,
               std::span<const Diagnostic> findings, const LineIndex& lines, ByteRange fallback) {
  Settled out;
  MigrationChecklist& list = out.list;
  if (block.found) list.block_at = lines.position(block.range.begin);
  ByteRange block_place = block.found ? block.range : fallback;

  // The attestations, checked against the catalogue.
  std::map<std::string, const Attestation*> attested;
  for (const Attestation& a : block.entries) {
    const ChecklistItemInfo* info = find_checklist_item(a.id);
    std::string problem;
    if (info == nullptr) {
      std::string known;
      for (const ChecklistItemInfo& i : kItems) {
        if (!i.verified) known += (known.empty() ? "" : ", ") + std::string(i.id);
      }
      problem = "unknown checklist item '" + a.id + "' (known: " + known + ")";
    } else if (info->verified) {
      problem = "'" + a.id + "' is verified from the migration itself and can't be attested";
    } else if (!attested.emplace(a.id, &a).second) {
      problem = "'" + a.id + "' is listed twice";
    }
    if (!problem.empty()) {
      list.problems.push_back({lines.position(a.range.begin), "checklist: " + problem});
      out.incomplete.push_back(
          {a.range, "checklist: " + problem,
           info != nullptr && info->verified
               ? "fix the findings behind it, or accept one with an inline ignore and a reason"
               : "list each item once, spelled as `schemagate checklist` shows it"});
    }
  }

  std::vector<Incomplete> unmet;            // each unmet required item's finding
  std::vector<std::string> verified_unmet;  // the verified items among them
  std::vector<std::string> to_attest;       // the entries that would meet the others
  bool compatibility = std::any_of(findings.begin(), findings.end(), [](const Diagnostic& d) {
    const RuleInfo* r = find_rule(d.rule);
    return r != nullptr && r->category == "compatibility";
  });
  for (const ChecklistItemInfo& info : kItems) {
    ChecklistItem item;
    item.id = std::string(info.id);
    Requirement req = options.requirement(info);
    if (info.verified) {
      item.required = req != R::never;
      std::vector<Diagnostic> live;
      std::vector<Diagnostic> accepted;
      for (const Diagnostic& d : findings) {
        if (!against(info.id, d.rule)) continue;
        (d.suppressed ? accepted : live).push_back(d);
      }
      std::stable_sort(live.begin(), live.end(), diagnostic_less);
      std::stable_sort(accepted.begin(), accepted.end(), diagnostic_less);
      if (!live.empty()) {
        item.status = item.required ? ItemStatus::unmet : ItemStatus::open;
        item.evidence = std::to_string(live.size()) + (live.size() == 1 ? " finding" : " findings");
        item.findings = std::move(live);
      } else if (!accepted.empty()) {
        item.status = ItemStatus::met;
        std::string reasons;
        for (const Diagnostic& d : accepted) {
          std::string r = d.rule + (d.suppressed->empty() ? "" : " (" + *d.suppressed + ")");
          if (reasons.find(r) == std::string::npos) reasons += (reasons.empty() ? "" : "; ") + r;
        }
        item.evidence = "accepted: " + reasons;
        item.findings = std::move(accepted);
      } else {
        item.status = ItemStatus::met;
        item.evidence = std::string(verified_evidence(info.id));
      }
    } else {
      std::string reason;
      if (info.id == "backup-taken") {
        reason = needs.destructive;
      } else if (info.id == "execution-time-estimated") {
        reason = needs.heavy;
      } else if (info.id == "app-compatible") {
        reason = compatibility ? "a compatibility rule fired" : "";
      } else if (info.id == "cleanup-scheduled") {
        reason = needs.first_phase;
      } else {
        reason = "every migration";
      }
      item.required = req == R::always || (req == R::when_needed && !reason.empty());
      if (req == R::when_needed && !reason.empty()) item.needed_because = reason;
      auto it = attested.find(item.id);
      const Attestation* a = it != attested.end() ? it->second : nullptr;
      bool named = a == nullptr || item.id != "cleanup-scheduled" || !a->note.empty();
      if (a != nullptr && a->checked && named) {
        item.status = ItemStatus::met;
        item.evidence = a->note.empty() ? "attested" : a->note;
        item.attested_at = lines.position(a->range.begin);
      } else {
        item.status = item.required ? ItemStatus::unmet : ItemStatus::open;
        if (a != nullptr && a->checked) {
          item.evidence = "attested without naming the follow-up migration";
        } else if (item.required) {
          item.evidence = "not attested";
        } else if (req == R::never) {
          item.evidence =
              info.stage == Stage::after_deploying ? "reminder, after the deploy" : "not required";
        } else {
          item.evidence = "not needed (needed when " + std::string(info.when) + ")";
        }
      }
    }
    if (item.status == ItemStatus::unmet) {
      auto it = attested.find(item.id);
      Incomplete& inc = unmet.emplace_back();
      inc.range = it != attested.end() ? it->second->range : block_place;
      inc.message = "checklist: " + item.id + " (" + std::string(info.title) + ") is unmet: ";
      if (info.verified) {
        std::string which;
        for (std::size_t i = 0; i < item.findings.size() && i < 3; ++i) {
          const Diagnostic& d = item.findings[i];
          which += (i == 0 ? "" : ", ") + d.rule + " at " + std::to_string(d.begin.line) + ":" +
                   std::to_string(d.begin.column);
        }
        if (item.findings.size() > 3) {
          which += " and " + std::to_string(item.findings.size() - 3) + " more";
        }
        inc.message += which;
        inc.help = "fix the findings, or accept one with an inline ignore and a reason";
      } else {
        inc.message += item.evidence;
        if (!item.needed_because.empty()) inc.message += "; needed because " + item.needed_because;
        inc.help = "once done, add `[x] " + item.id + ":`" +
                   (item.id == "cleanup-scheduled" ? " with the follow-up migration"
                                                   : " with how and when") +
                   " to the migration's Checklist: block";
      }
      if (info.verified) {
        verified_unmet.push_back(item.id);
      } else {
        to_attest.push_back(
            "`[x] " + item.id + ":`" +
            (item.id == "cleanup-scheduled" ? " (the follow-up migration)" : " (how, when)"));
      }
    }
    list.items.push_back(std::move(item));
  }
  // One finding for the migration's unmet items: at the item's entry when it is the only
  // one, else at the block, listing them all.
  if (unmet.size() == 1) {
    out.incomplete.push_back(std::move(unmet.front()));
  } else if (unmet.size() > 1) {
    Incomplete all;
    all.range = block_place;
    all.message = "checklist: " + std::to_string(unmet.size()) + " required items are unmet: ";
    for (std::size_t i = 0; i < unmet.size(); ++i) {
      std::string_view m = unmet[i].message;
      if (m.starts_with("checklist: ")) m.remove_prefix(11);
      if (auto is = m.find(" is unmet: "); is != std::string_view::npos) {
        std::string why(m.substr(is + 11));
        if (auto nb = why.find("; needed because"); nb != std::string::npos) why[nb] = ',';
        all.message += (i == 0 ? "" : "; ") + std::string(m.substr(0, is)) + ": " + why;
      } else {
        all.message += (i == 0 ? "" : "; ") + std::string(m);
      }
    }
    std::string help;
    auto list_of = [](const std::vector<std::string>& v) {
      std::string words;
      for (std::size_t i = 0; i < v.size(); ++i) {
        words += (i == 0 ? "" : i + 1 == v.size() ? " and " : ", ") + v[i];
      }
      return words;
    };
    if (!verified_unmet.empty()) {
      help = "fix the findings behind " + list_of(verified_unmet) +
             ", or accept one with an inline ignore and a reason";
    }
    if (!to_attest.empty()) {
      help += std::string(help.empty() ? "" : "; ") + "once done, add " + list_of(to_attest) +
              " to the migration's Checklist: block";
    }
    all.help = std::move(help);
    out.incomplete.push_back(std::move(all));
  }
  return out;
}

}  // namespace checklist

}  // namespace schemagate
