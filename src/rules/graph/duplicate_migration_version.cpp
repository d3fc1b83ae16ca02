// duplicate-migration-version: two SQL migrations of one folder share a version.
#include <map>

#include "rules/common.hpp"
#include "rules/rules.hpp"

namespace schemagate::rules {

static void duplicate_migration_version(GraphContext& ctx) {
  // Migrations come in run order: equal versions are neighbours.
  const Migration* previous = nullptr;
  const Migration* first = nullptr;
  for (const Migration* m : ctx.migrations()) {
    // Alembic revisions have duplicate-revision-id; Sqitch changes are names, checked by
    // sqitch itself; repeatable Flyway migrations have no version.
    if (m->layout == Layout::alembic || m->layout == Layout::sqitch || m->layout == Layout::sql ||
        m->id.empty()) {
      continue;
    }
    if (previous != nullptr && previous->layout == m->layout &&
        compare_versions(previous->id, m->id) == 0) {
      ctx.report(*m, {0, 0},
                 "version " + m->id + " is also used by " + first->file->path +
                     "; the runner refuses the folder or applies only one of them",
                 "give this migration a version of its own, after the last one (rename the "
                 "file)");
    } else {
      first = m;
    }
    previous = m;
  }
}

extern const RuleDef duplicate_migration_version_rule{.id = "duplicate-migration-version",
                                                      .severity = Severity::error,
                                                      .category = "graph",
                                                      .graph_check = &duplicate_migration_version};

}  // namespace schemagate::rules
