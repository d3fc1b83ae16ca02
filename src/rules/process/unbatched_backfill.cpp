// unbatched-backfill: UPDATE or DELETE of an existing table in one unbatched statement.
#include "rules/common.hpp"
#include "rules/rules.hpp"

namespace schemagate::rules {

namespace {

// A batch of the statement, repeated until it touches no row, each batch committed on its own.
std::string batched(const RuleContext& ctx, const DataChange& op) {
  const std::string t = sql_table(op.table);
  const std::string keys = "SELECT id FROM " + t + " WHERE ... LIMIT 1000";
  const std::string sql = op.kind == DataChangeKind::update
                              ? "UPDATE " + t + " SET ... WHERE id IN (" + keys + ")"
                              : "DELETE FROM " + t + " WHERE id IN (" + keys + ")";
  if (alembic(ctx)) {
    return autocommit_block(
        {"while op.get_bind().execute(sa.text(" + py_str(sql) + ")).rowcount:", "    pass"});
  }
  return sql + ";  -- repeated until it touches no row, each batch in its own transaction";
}

}  // namespace

static void unbatched_backfill(RuleContext& ctx) {
  for (const Step& step : ctx.steps()) {
    const auto* op = step.as<DataChange>();
    if (op == nullptr || !on_existing_table(step)) continue;
    if (op->kind != DataChangeKind::update && op->kind != DataChangeKind::delete_) continue;
    const std::string verb = operation_name(*step.op);
    const std::string help =
        "process the rows in batches of keys (with your key and condition in place of id and "
        "...):\n" +
        batched(ctx, *op);
    if (!op->has_where) {
      ctx.report(step,
                 verb + " of every row of " + quoted(op->table) +
                     " in one statement locks all of them until it commits and bloats the table",
                 help);
    } else if (!op->batched && !step.op->in_loop) {
      ctx.report(step,
                 verb + " of " + quoted(op->table) +
                     " is not batched: every matching row stays locked until it commits",
                 help);
    }
  }
}

extern const RuleDef unbatched_backfill_rule{.id = "unbatched-backfill",
                                             .severity = Severity::warning,
                                             .category = "process",
                                             .check = &unbatched_backfill,
                                             .checklist_item = "batched-and-concurrent"};

}  // namespace schemagate::rules
