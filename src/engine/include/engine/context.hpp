// Linting one migration in a context prepared elsewhere: what the lint session (session.cpp)
// asks of the project linter once it has planned the project and replayed it up to that
// migration.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/discover.hpp"
#include "engine/plan.hpp"
#include "engine/replay.hpp"
#include "schemagate/engine.hpp"

namespace schemagate {

// Lints one migration of a planned project (where: its place in `plan`) exactly as lint_paths
// lints it inside its project: `state` holds the schema replayed up to it (it is replayed
// further) when its sequence shares one; `text` is the text of the file at `where` (an
// editor's unsaved buffer) instead of the disk's. Only files that are not context_only are
// reported on. `runner`: what the project's runner does around every migration.
[[nodiscard]] LintResult lint_planned(const SourceGroup& group, const Plan& plan,
                                      const PlanPlace& where, std::optional<std::string> text,
                                      SchemaState& state, const LintOptions& options,
                                      const RunnerEnvironment& runner = {});

// What an Alembic project's env.py does around every revision (its group's alembic_env, read
// statically); the defaults (Alembic's) when it has none or it can't be read.
[[nodiscard]] RunnerEnvironment read_runner_environment(const SourceGroup& group);

}  // namespace schemagate
