// require-concurrent-index-deletion: DROP INDEX without CONCURRENTLY.
#include "rules/common.hpp"
#include "rules/fixes.hpp"
#include "rules/rules.hpp"

namespace schemagate::rules {

static void require_concurrent_index_deletion(RuleContext& ctx) {
  for (const Step& step : ctx.steps()) {
    const auto* op = step.as<DropIndex>();
    if (op == nullptr || op->concurrently || !on_existing_table(step)) continue;
    Proposal p = concurrently(ctx, step);
    ctx.report(step,
               "DROP INDEX " + quoted(op->index) +
                   " without CONCURRENTLY: " + lock_description(ctx, step) +
                   ", but first it waits for running queries, and every new query queues behind it",
               std::move(p.help), std::move(p.fix));
  }
}

extern const RuleDef require_concurrent_index_deletion_rule{
    .id = "require-concurrent-index-deletion",
    .severity = Severity::warning,
    .category = "locks",
    .check = &require_concurrent_index_deletion,
    .checklist_item = "batched-and-concurrent"};

}  // namespace schemagate::rules
