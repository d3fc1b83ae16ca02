// multiple-heads: more than one head revision on the same branch, and no merge revision.
#include <algorithm>

#include "rules/common.hpp"
#include "rules/rules.hpp"
#include "schemagate/graph.hpp"

namespace schemagate::rules {

namespace {

// Heads on separately labelled branches are meant to be apart; an unlabelled head clashes
// with every other head (`alembic upgrade head` can't choose).
bool share_branch(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  if (a.empty() || b.empty()) return true;
  return std::any_of(a.begin(), a.end(), [&](const std::string& x) {
    return std::find(b.begin(), b.end(), x) != b.end();
  });
}

}  // namespace

static void multiple_heads(GraphContext& ctx) {
  const auto& heads = ctx.graph().heads();
  std::vector<std::vector<std::string>> branches;
  for (const Migration* h : heads) branches.push_back(ctx.graph().branches_of(*h));
  for (std::size_t i = 0; i < heads.size(); ++i) {
    std::string others;
    for (std::size_t j = 0; j < heads.size(); ++j) {
      if (i == j || !share_branch(branches[i], branches[j])) continue;
      others += (others.empty() ? "" : ", ") + heads[j]->id;
    }
    if (others.empty()) continue;
    ctx.report(*heads[i], heads[i]->revision.revision_range,
               "revision " + heads[i]->id + " is a head, and so is " + others +
                   ": `alembic upgrade head` refuses to run with several heads",
               "merge the heads with `alembic merge heads`, or rebase this revision's "
               "down_revision onto the other head");
  }
}

extern const RuleDef multiple_heads_rule{.id = "multiple-heads",
                                         .severity = Severity::error,
                                         .category = "graph",
                                         .graph_check = &multiple_heads};

}  // namespace schemagate::rules
