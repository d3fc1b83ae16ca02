// revision-cycle: the down revisions form a cycle.
#include "rules/common.hpp"
#include "rules/rules.hpp"
#include "schemagate/graph.hpp"

namespace schemagate::rules {

static void revision_cycle(GraphContext& ctx) {
  for (const std::vector<std::string>& cycle : ctx.graph().cycles()) {
    std::string path;
    for (const std::string& id : cycle) path += id + " -> ";
    path += cycle.front();
    const Migration* m = ctx.graph().find(cycle.front());
    if (m == nullptr) continue;
    ctx.report(*m, m->revision.down_revision_range,
               "the revisions form a cycle (" + path + "): there is no order to apply them in",
               "break the cycle by pointing one down_revision at the revision that really came "
               "before it");
  }
}

extern const RuleDef revision_cycle_rule{.id = "revision-cycle",
                                         .severity = Severity::error,
                                         .category = "graph",
                                         .graph_check = &revision_cycle};

}  // namespace schemagate::rules
