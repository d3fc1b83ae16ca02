// unbatched-backfill: UPDATE or DELETE of an existing table in one unbatched statement.
#include "rules/common.hpp"
#include "rules/rules.hpp"

namespace schemagate::rules {

void unbatched_backfill(RuleContext& ctx) {
  for (const Step& step : ctx.steps()) {
    const auto* op = step.as<DataChange>();
    if (op == nullptr || !on_existing_table(step)) continue;
    if (op->kind != DataChangeKind::update && op->kind != DataChangeKind::delete_) continue;
    const std::string verb = operation_name(*step.op);
    if (!op->has_where) {
      ctx.report(step,
                 verb + " of every row of " + quoted(op->table) +
                     " in one statement locks all of them until it commits and bloats the table",
                 "process the rows in batches of keys (WHERE id IN (SELECT id ... LIMIT n), or "
                 "key ranges), each in its own transaction");
    } else if (!op->batched && !step.op->in_loop) {
      ctx.report(step,
                 verb + " of " + quoted(op->table) +
                     " is not batched: every matching row stays locked until it commits",
                 "process the rows in batches of keys (WHERE id IN (SELECT id ... LIMIT n), or "
                 "key ranges, in a loop), each in its own transaction");
    }
  }
}

}  // namespace schemagate::rules
