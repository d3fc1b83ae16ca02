// duplicate-revision-id: two files declare the same revision id.
#include "rules/common.hpp"
#include "rules/rules.hpp"
#include "schemagate/graph.hpp"

namespace schemagate::rules {

static void duplicate_revision_id(GraphContext& ctx) {
  const RevisionGraph& g = ctx.graph();
  for (const Migration* m : g.revisions()) {
    const auto& same = g.declaring(m->id);
    // Alembic keeps the last file declaring the id and silently drops the others.
    if (same.size() < 2 || same.back() == m) continue;
    ctx.report(*m, m->revision.revision_range,
               "revision id " + m->id + " is also declared by " + same.back()->file->path +
                   ", which Alembic uses instead: this file is silently ignored",
               "give one of the revisions a new id (and update the down_revision that "
               "points at it)");
  }
}

extern const RuleDef duplicate_revision_id_rule{.id = "duplicate-revision-id",
                                                .severity = Severity::error,
                                                .category = "graph",
                                                .graph_check = &duplicate_revision_id};

}  // namespace schemagate::rules
