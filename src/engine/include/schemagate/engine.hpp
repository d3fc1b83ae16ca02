// The engine's entry points: lint files, directories or an in-memory text.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "schemagate/checklist.hpp"
#include "schemagate/diagnostic.hpp"
#include "schemagate/locks.hpp"
#include "schemagate/rule.hpp"

namespace schemagate {

// An exclude glob (configuration `exclude:` or --exclude) and the folder it is relative to: the
// configuration file's folder, or the current directory for the flag (src/engine/glob.hpp).
struct PathGlob {
  std::string pattern;
  std::string base;  // empty: the current directory
  friend bool operator==(const PathGlob&, const PathGlob&) = default;
};

struct LintOptions {
  LintSettings settings;
  // From the configuration and the command line (see config.hpp): which rules run and how
  // severe their findings are.
  std::set<std::string> enable;   // opt-in rules switched on
  std::set<std::string> disable;  // rules switched off
  std::map<std::string, Severity> severity;
  // Bare SQL files run inside a transaction (the team runs them with psql -1 or similar).
  bool assume_in_transaction = false;
  // Discovery and layouts (config keys of the same names).
  // Globs of paths whose findings are not reported. An excluded migration still takes part in
  // its project: its revision graph and the replayed schema.
  std::vector<PathGlob> exclude;
  std::map<std::string, Layout> layouts;            // path glob → layout
  std::map<std::string, std::string> placeholders;  // template values in SQL
  // Adopting the tool on an old project: this Alembic revision (or SQL version) and what
  // came before it are replayed for context but not reported.
  std::string start_after;
  // Files named in `paths` that are no migrations are skipped, as a directory walk skips
  // them (a .py file that is no Alembic revision, a file neither .sql nor .py), instead of
  // being linted whatever they hold: pre-commit passes every staged file of its types.
  bool only_migrations = false;
  // Files are read and parsed on this many threads; 0: one per core.
  unsigned jobs = 0;
  // Rules run after the registered ones (embedders' own checks; tests).
  std::vector<RuleInfo> extra_rules;
  // The team checklist (checklist.hpp): collected, enforced, or neither.
  ChecklistOptions checklist;
  // Texts read instead of the files' (by path as discovered): `lint --diff` lints its fixed
  // texts without writing them.
  std::map<std::string, std::string> contents;
};

struct LintResult {
  std::vector<Diagnostic> diagnostics;  // sorted with diagnostic_less
  std::size_t files = 0;                // files read (or attempted)
  std::vector<std::string> paths;       // the migration files reported on, as given
  bool io_error = false;                // a path could not be read at all
  bool start_after_found = false;       // LintOptions::start_after named a known migration
  // Nothing was found to lint in any of the paths (no migration, none excluded): an empty run,
  // which is not a pass. Each named path in which nothing was found also has a
  // no-migrations-found finding.
  bool nothing_found = false;

  // What inline ignores suppressed (Diagnostic::suppressed is set), sorted the same way.
  // Only SARIF reports them (as suppressed results); they count nowhere else.
  std::vector<Diagnostic> suppressed;

  // Each reported migration's checklist, in the order the migrations were linted (only with
  // LintOptions::checklist.collect).
  std::vector<MigrationChecklist> checklists;
};

// Lints files and directories (walked for *.sql, symlinks not followed out of them).
[[nodiscard]] LintResult lint_paths(const std::vector<std::string>& paths,
                                    const LintOptions& options);

// Lints one in-memory file; `path` decides the frontend and is echoed in findings.
[[nodiscard]] LintResult lint_text(std::string path, std::string text, const LintOptions& options);

// What `schemagate explain` prints: one row per operation of every migration (upgrade, then
// downgrade), in replay order, with its lock (locks.hpp) and the rules it triggers.
struct ExplainRow {
  std::string path;  // the file the operation is written in
  Position begin;
  std::optional<std::string> migration;  // revision or version id, when known
  Phase phase = Phase::upgrade;
  std::string operation;  // operation_name(): "CREATE INDEX", "ADD COLUMN", ...
  LockInfo lock;          // lock.table is the table, when known by name
  bool in_transaction = false;
  std::vector<std::string> rules;  // ids of the findings that start at this operation
};

struct ExplainResult {
  std::vector<ExplainRow> rows;
  LintResult lint;  // the findings of the same run (as lint_paths)
};

[[nodiscard]] ExplainResult explain_paths(const std::vector<std::string>& paths,
                                          const LintOptions& options);

// What `schemagate graph` prints: the revision graph of each Alembic project found.
struct RevisionEntry {
  std::string id;
  std::vector<std::string> parents;
  std::vector<std::string> branch_labels;
  bool branch_labels_unknown = false;  // assigned, but not readable statically
  std::vector<std::string> depends_on;
  std::string path;
  std::string message;  // the docstring's first line
  bool head = false;
  bool base = false;
  bool merge = false;
};

struct ProjectGraph {
  std::string key;                     // the project's alembic.ini or versions folder
  std::vector<RevisionEntry> history;  // parents before children
  std::vector<std::string> heads;
  std::vector<std::string> bases;
  std::vector<std::string> merges;
  std::vector<std::vector<std::string>> cycles;
};

struct GraphResult {
  std::vector<ProjectGraph> projects;
  LintResult problems;  // files that could not be read or parsed
};

[[nodiscard]] GraphResult read_graphs(const std::vector<std::string>& paths);

// Do two versions of a migration file do the same? True when they differ only in comments,
// docstrings or white space (`path` decides the language: .py or SQL).
[[nodiscard]] bool same_effect(std::string_view path, std::string_view before,
                               std::string_view after);

[[nodiscard]] std::string_view version();

}  // namespace schemagate
