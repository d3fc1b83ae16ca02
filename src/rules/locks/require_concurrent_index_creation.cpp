// require-concurrent-index-creation: CREATE INDEX without CONCURRENTLY on an existing table.
#include "rules/common.hpp"
#include "rules/fixes.hpp"
#include "rules/rules.hpp"

namespace schemagate::rules {

static void require_concurrent_index_creation(RuleContext& ctx) {
  for (const Step& step : ctx.steps()) {
    const auto* op = step.as<CreateIndex>();
    if (op == nullptr || op->concurrently || !on_existing_table(step)) continue;
    if (busy_under_lock(ctx.steps(), step, op->table, ctx.settings().pg_version)) continue;
    std::string index = op->name.empty() ? "CREATE INDEX" : "CREATE INDEX " + quoted(op->name);
    Proposal p = concurrently(ctx, step);
    ctx.report(step,
               index + " without CONCURRENTLY: " + lock_description(ctx, step) +
                   ", for as long as the index takes to build",
               std::move(p.help), std::move(p.fix));
  }
}

extern const RuleDef require_concurrent_index_creation_rule{
    .id = "require-concurrent-index-creation",
    .severity = Severity::warning,
    .category = "locks",
    .check = &require_concurrent_index_creation,
    .checklist_item = "batched-and-concurrent"};

}  // namespace schemagate::rules
