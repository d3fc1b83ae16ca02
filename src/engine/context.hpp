// Linting one migration in a context prepared elsewhere: what the lint session (session.cpp)
// asks of the engine's file linter once it has replayed the project up to that migration.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/discover.hpp"
#include "engine/replay.hpp"
#include "schemagate/engine.hpp"

namespace schemagate {

// One file of the migration: read from disk, or given as `text` (an editor's unsaved buffer).
struct ContextFile {
  SourceRef ref;
  std::optional<std::string> text;
};

// Lints the migration of `file` (its upgrade file) and `down` (its downgrade file, when it is a
// file of its own) exactly as lint_paths lints it inside its project: `state` holds the schema
// replayed up to it (it is replayed further), `graph_findings` are the graph rules' findings
// for `file`. Only the files whose ref is not context_only are reported on.
// `runner`: what the project's runner does around every migration (read_runner_environment).
[[nodiscard]] LintResult lint_in_context(ContextFile file, std::optional<ContextFile> down,
                                         const std::string& project_root,
                                         std::vector<RawFinding> graph_findings, SchemaState& state,
                                         const LintOptions& options,
                                         const RunnerEnvironment& runner = {});

// What an Alembic project's env.py does around every revision (its group's alembic_env, read
// statically); the defaults (Alembic's) when it has none or it can't be read.
[[nodiscard]] RunnerEnvironment read_runner_environment(const SourceGroup& group);

}  // namespace schemagate
