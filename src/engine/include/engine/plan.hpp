// The plan of a project: made once from its files' headers, then linted by the one project
// linter (engine.cpp) for `lint`, `explain`, `checklist` and the language server alike. It
// says in which order the migrations run, which downgrade file belongs to which upgrade,
// which migrations are reported and which only replayed (context, excluded, start_after
// history), the revision graph's findings, and which migrations share a replayed schema.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "engine/discover.hpp"
#include "schemagate/engine.hpp"

namespace schemagate {

// What planning needs of one file of a project.
struct FileHeader {
  // Readable, text, and (Python) a revision: it takes part in the project.
  bool usable = true;
  // Alembic: the header pass's reading (id, parents, branch labels, ...). SQL: filled by
  // make_plan from the file's role (id, layout). `file` points at a SourceFile with the path.
  Migration header;
};

// One migration in the plan.
struct PlannedMigration {
  std::size_t file = 0;             // its upgrade file: an index into SourceGroup::files
  std::optional<std::size_t> down;  // its downgrade file, when that is a file of its own
  bool reported = true;             // false: a context file, excluded, or start_after history
  bool history = false;             // start_after: replayed, never reported
  // A downgrade file whose upgrade is missing: linted as the downgrade of nothing, never as
  // an upgrade.
  bool downgrade_only = false;
  // Alembic: the migration belongs to a history kept for another database, by its folder's
  // name ("SQLite" for versions/sqlite/, beside versions/postgresql/): not linted for
  // PostgreSQL; its one finding (other-database) says so.
  std::string other_database;
  // The revision graph's findings on this migration (graph rules, run at planning).
  std::vector<RawFinding> graph_findings;
};

// Migrations that run one after the other against one replayed schema (`shared`), or files
// each linted against an empty schema (bare SQL files, downgrades of nothing).
struct Sequence {
  bool shared = true;
  std::vector<PlannedMigration> migrations;  // in run order
};

struct Plan {
  std::vector<FileHeader> headers;  // per file of the group (SourceGroup::files)
  std::vector<Sequence> sequences;
  bool start_after_found = false;  // LintOptions::start_after names a migration of the project
};

// Is the rule switched on by the options?
[[nodiscard]] bool rule_enabled(const RuleInfo& rule, const LintOptions& options);

// Plans the project `group` from its files' `headers` (one per file of the group). Alembic
// revisions are ordered by their revision graph, one graph per separate history
// (separate_histories); SQL layouts by version, each downgrade file paired with its upgrade;
// bare SQL files stand alone. Runs the graph rules.
[[nodiscard]] Plan make_plan(const SourceGroup& group, std::vector<FileHeader> headers,
                             const LintOptions& options);

// Where a file of the group is in the plan: its sequence and position, and whether it is the
// migration's downgrade file. Nullopt for a file that takes no part.
struct PlanPlace {
  std::size_t sequence = 0;
  std::size_t index = 0;
  bool down = false;
};
[[nodiscard]] std::optional<PlanPlace> find_in_plan(const Plan& plan, std::size_t file);

}  // namespace schemagate
