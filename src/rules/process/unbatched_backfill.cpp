// unbatched-backfill: UPDATE or DELETE of an existing table in one unbatched statement.
#include "rules/common.hpp"
#include "rules/rules.hpp"

namespace schemagate::rules {

namespace {

// The statement in batches of consecutive key ranges, each committed on its own: the user's
// SET list and condition, with a range of the key added. Key ranges always end, whatever the
// SET does to the condition.
// The ranges are of the table's primary key when replay knows it is one integer column;
// otherwise the help says it in words (never guessing a column `id`).
std::string batched(const RuleContext& ctx, const Step& step, const DataChange& op) {
  const bool update = op.kind == DataChangeKind::update;
  if (!step.integer_key) {
    return std::string(
               "run it in batches, each in its own transaction, walking the table's primary "
               "key: each batch takes the next rows in key order after the last key of the "
               "batch before (a LIMIT-ed key subquery; ranges of consecutive values when the "
               "key is an integer), until no row is left (") +
           (alembic(ctx) ? "a loop in `with op.get_context().autocommit_block():`"
                         : "a script or job after this migration") +
           ")";
  }
  const std::string& id = *step.integer_key;
  if (op.joins || op.table.empty() || (update && op.set_list.empty()) ||
      (op.has_where && op.condition.empty())) {
    return "run it in batches of consecutive ranges of the table's primary key (" + id +
           "), up to the largest key, each batch in its own transaction (" +
           (alembic(ctx) ? "a loop in `with op.get_context().autocommit_block():`"
                         : "a script or job after this migration") +
           ")";
  }
  // The table as the statement names it (its alias may be in the condition).
  const std::string t = op.target.empty() ? sql_table(op.table) : op.target;
  const std::string head = update ? "UPDATE " + t + " SET " + op.set_list : "DELETE FROM " + t;
  const std::string where =
      op.condition.empty() ? std::string(" WHERE ") : " WHERE (" + op.condition + ") AND ";
  if (alembic(ctx)) {
    return "run it in batches of the table's primary key (" + id +
           "), each committed on its own:\n" +
           autocommit_block(
               {"bind = op.get_bind()",
                "last = bind.execute(sa.text(" + py_str("SELECT max(" + id + ") FROM " + t) +
                    ")).scalar() or 0",
                "for start in range(0, last, 1000):",
                "    bind.execute(sa.text(" +
                    py_str(head + where + id + " > :start AND " + id + " <= :start + 1000") +
                    "), {\"start\": start})"});
  }
  return "run it in batches of the table's primary key (" + id +
         "), each in its own transaction, from a script or job after this migration:\n" + head +
         where + id + " > 0 AND " + id + " <= 1000;\n" + "-- then " + id + " > 1000 AND " + id +
         " <= 2000, and so on up to SELECT max(" + id + ") FROM " + t;
}

// A system catalog (pg_catalog, or a pg_* relation such as pg_index): PostgreSQL's own
// bookkeeping, a handful of rows, changed on purpose; not a table to batch.
bool system_catalog(const QualifiedName& table) {
  return table.schema == "pg_catalog" || table.name.starts_with("pg_");
}

}  // namespace

static void unbatched_backfill(RuleContext& ctx) {
  for (const Step& step : ctx.steps()) {
    const auto* op = step.as<DataChange>();
    if (op == nullptr || !on_existing_table(step)) continue;
    if (op->kind != DataChangeKind::update && op->kind != DataChangeKind::delete_) continue;
    if (system_catalog(op->table)) continue;
    const std::string verb = operation_name(*step.op);
    const std::string help = batched(ctx, step, *op);
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
