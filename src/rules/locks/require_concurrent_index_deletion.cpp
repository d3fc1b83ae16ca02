// require-concurrent-index-deletion: DROP INDEX without CONCURRENTLY.
#include "rules/common.hpp"
#include "rules/fixes.hpp"
#include "rules/rules.hpp"

namespace schemagate::rules {

void require_concurrent_index_deletion(RuleContext& ctx) {
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

}  // namespace schemagate::rules
