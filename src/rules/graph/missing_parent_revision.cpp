// missing-parent-revision: down_revision or depends_on names a revision that doesn't exist.
#include "rules/common.hpp"
#include "rules/rules.hpp"
#include "schemagate/graph.hpp"

namespace schemagate::rules {

static void missing_parent_revision(GraphContext& ctx) {
  const RevisionGraph& g = ctx.graph();
  for (const Migration* m : g.revisions()) {
    for (const std::string& p : m->parents) {
      if (g.find(p) != nullptr) continue;
      ctx.report(*m, m->revision.down_revision_range,
                 "revision " + m->id + " revises " + p + ", which no revision file declares",
                 "point down_revision at an existing revision (see `schemagate graph`), or "
                 "restore the missing file");
    }
    for (const std::string& d : m->revision.depends_on) {
      if (g.find(d) != nullptr || g.is_branch_label(d)) continue;
      ctx.report(*m, m->revision.revision_range,
                 "revision " + m->id + " depends on " + d +
                     ", which is neither a revision nor a branch label",
                 "fix depends_on, or restore the missing revision");
    }
  }
}

extern const RuleDef missing_parent_revision_rule{.id = "missing-parent-revision",
                                                  .severity = Severity::error,
                                                  .category = "graph",
                                                  .graph_check = &missing_parent_revision};

}  // namespace schemagate::rules
