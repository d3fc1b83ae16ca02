// require-concurrent-refresh: REFRESH MATERIALIZED VIEW without CONCURRENTLY on a view that
// already exists: ACCESS EXCLUSIVE on the view while its query runs and the result is written.
#include "rules/common.hpp"
#include "rules/fixes.hpp"
#include "rules/rules.hpp"

namespace schemagate::rules {

static void require_concurrent_refresh(RuleContext& ctx) {
  for (const Step& step : ctx.steps()) {
    const auto* op = step.as<TableCommand>();
    if (op == nullptr || op->what != "REFRESH MATERIALIZED VIEW" || op->concurrently) continue;
    // WITH NO DATA empties the view without running its query (and can't be concurrent).
    if (op->option == "WITH NO DATA" || !on_existing_table(step)) continue;
    const std::string view = quoted(op->table);
    Proposal p = concurrently(ctx, step);
    std::string help =
        "refresh it CONCURRENTLY: it takes EXCLUSIVE, so reads of the view go on, and it can "
        "stay in the migration's transaction; it needs a unique index on the view (on columns, "
        "without WHERE) and a view that is already populated";
    if (p.fix) {
      // Without such an index PostgreSQL refuses the statement: the fix is not automatic.
      p.fix->applicability = Applicability::unsafe;
      help += ":\n" + p.help;
    }
    ctx.report(step,
               "REFRESH MATERIALIZED VIEW " + op->table.display() +
                   " takes an ACCESS EXCLUSIVE lock on " + view +
                   " and rewrites it, blocking every read of the view until its query has run "
                   "and the result is written",
               std::move(help), std::move(p.fix));
  }
}

extern const RuleDef require_concurrent_refresh_rule{.id = "require-concurrent-refresh",
                                                     .severity = Severity::warning,
                                                     .category = "locks",
                                                     .check = &require_concurrent_refresh,
                                                     .checklist_item = "batched-and-concurrent"};

}  // namespace schemagate::rules
