// The team's migration checklist, enforced: for each migration, what was verified from its
// text, what its author attested in a `Checklist:` block, and what is left to do after
// deploying it.
//
//   Checklist:                                  (Alembic docstring, or SQL header comments)
//     [x] staging-tested: ran on staging 2026-11-20, 41 s
//     [x] backup-taken: snapshot 2026-11-20
//     [ ] rollback-tested
#pragma once

#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "schemagate/diagnostic.hpp"

namespace schemagate {

enum class ChecklistStage { before_creating, before_deploying, after_deploying };

// "before creating", "before deploying", "after deploying".
[[nodiscard]] std::string_view to_string(ChecklistStage stage);

// When an item is required: on every migration, only when the migration needs it (each item
// says when: ChecklistItemInfo::when), or never (shown as a reminder).
enum class Requirement { always, when_needed, never };

// "always", "when-needed", "never".
[[nodiscard]] std::string_view to_string(Requirement requirement);
[[nodiscard]] std::optional<Requirement> parse_requirement(std::string_view text);

struct ChecklistItemInfo {
  std::string_view id;  // as written in attestations and the configuration
  ChecklistStage stage;
  std::string_view title;
  bool verified;  // checked from the migration's text (else attested by its author)
  Requirement default_requirement;
  std::string_view when;  // when the migration needs it (for when-needed)
};

// Every item, in checklist order.
[[nodiscard]] std::span<const ChecklistItemInfo> checklist_items();
[[nodiscard]] const ChecklistItemInfo* find_checklist_item(std::string_view id);

struct ChecklistOptions {
  // Collect each migration's checklist into LintResult::checklists (`schemagate checklist`).
  bool collect = false;
  // An unmet required item is a checklist-incomplete finding.
  bool enforce = false;
  // Overrides of the items' default requirements.
  std::map<std::string, Requirement> require;

  [[nodiscard]] Requirement requirement(const ChecklistItemInfo& item) const;
  [[nodiscard]] bool active() const { return collect || enforce; }
};

enum class ItemStatus {
  met,    // verified, attested, or its findings accepted with an inline ignore
  unmet,  // required, and neither verified nor attested
  open,   // not required and not attested: a reminder
};

struct ChecklistItem {
  std::string id;
  ItemStatus status = ItemStatus::open;
  bool required = false;
  // Why the migration needs it (when-needed items whose condition holds), e.g. "ALTER
  // COLUMN TYPE rewrites orders".
  std::string needed_because;
  // What backs a met item or explains an unmet one: the attestation's note, "attested",
  // "no findings", "accepted: <reason>", "not attested", ...
  std::string evidence;
  // The findings behind an unmet verified item (or accepted ones behind a met item).
  std::vector<Diagnostic> findings;
  // Where the item's attestation is, when it was attested.
  std::optional<Position> attested_at;
};

// A malformed attestation: an unknown or repeated item, or a verified item attested.
struct ChecklistProblem {
  Position at;
  std::string message;
};

struct MigrationChecklist {
  std::string path;                      // the migration's (upgrade) file
  std::optional<std::string> migration;  // revision or version id, when known
  std::vector<ChecklistItem> items;      // checklist order
  std::optional<Position> block_at;      // where its Checklist: block starts, if it has one
  std::vector<ChecklistProblem> problems;

  [[nodiscard]] bool complete() const;  // no unmet item, no problem
};

}  // namespace schemagate
