// unbatched-backfill: UPDATE or DELETE of an existing table in one unbatched statement.
#include <cstddef>
#include <span>
#include <string>

#include "rules/common.hpp"
#include "rules/rules.hpp"

namespace schemagate::rules {

namespace {

// The statement in batches of consecutive key ranges, each committed on its own: the user's
// SET list and condition, with a range of the key added. Key ranges always end, whatever the
// SET does to the condition.
// The ranges are of the table's primary key when replay knows it is one integer column;
// otherwise the help says it in words (never guessing a column `id`).
// `where_to_run`: where the batches run, in words ("from a script or job after this migration").
std::string batched(const RuleContext& ctx, const Step& step, const DataChange& op,
                    const std::string& where_to_run) {
  const bool update = op.kind == DataChangeKind::update;
  if (!step.integer_key) {
    return std::string(
               "run it in batches, each in its own transaction, walking the table's primary "
               "key: each batch takes the next rows in key order after the last key of the "
               "batch before (a LIMIT-ed key subquery; ranges of consecutive values when the "
               "key is an integer), until no row is left (") +
           where_to_run + ")";
  }
  const std::string& id = *step.integer_key;
  if (op.joins || op.table.empty() || (update && op.set_list.empty()) ||
      (op.has_where && op.condition.empty())) {
    return "run it in batches of consecutive ranges of the table's primary key (" + id +
           "), up to the largest key, each batch in its own transaction (" + where_to_run + ")";
  }
  // The table as the statement names it (its alias may be in the condition).
  const std::string t = op.target.empty() ? sql_table(op.table) : op.target;
  const std::string head = update ? "UPDATE " + t + " SET " + op.set_list : "DELETE FROM " + t;
  const std::string where =
      op.condition.empty() ? std::string(" WHERE ") : " WHERE (" + op.condition + ") AND ";
  if (alembic(ctx)) {
    return "run it in batches of the table's primary key (" + id +
           "), each committed on its own, " + where_to_run + ":\n" +
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
         "), each in its own transaction, " + where_to_run + ":\n" + head + where + id +
         " > 0 AND " + id + " <= 1000;\n" + "-- then " + id + " > 1000 AND " + id +
         " <= 2000, and so on up to SELECT max(" + id + ") FROM " + t;
}

// A system catalog (pg_catalog, or a pg_* relation such as pg_index): PostgreSQL's own
// bookkeeping, a handful of rows, changed on purpose; not a table to batch.
bool system_catalog(const QualifiedName& table) {
  return table.schema == "pg_catalog" || table.name.starts_with("pg_");
}

// A schema change of `table` after steps[at] in the same phase: it may need the rows the data
// change changes (a NOT NULL, a CHECK, a new type), so the batches must run before it.
const Step* schema_change_after(std::span<const Step> steps, std::size_t at,
                                const QualifiedName& table) {
  for (std::size_t i = at + 1; i < steps.size(); ++i) {
    const Step& s = steps[i];
    if (s.phase != steps[at].phase) continue;
    const Operation& op = *s.op;
    if (op.is<DataChange>() || op.is<TransactionControl>() || op.is<SetSetting>()) continue;
    const QualifiedName* t = target_table(op);
    if (t != nullptr && t->key() == table.key()) return &s;
  }
  return nullptr;
}

// Where the batches run, in words: after the migration, or before the schema change that
// needs them; a rollback runs no later migration.
std::string where_to_run(const RuleContext& ctx, const Step& step, const Step* needed_by) {
  const std::string before =
      needed_by != nullptr ? "before the " + operation_name(*needed_by->op) + " that follows it"
                           : std::string();
  if (alembic(ctx)) {
    return "in a loop in `with op.get_context().autocommit_block():`" +
           (needed_by != nullptr ? ", " + before : std::string());
  }
  if (step.phase == Phase::downgrade) {
    return needed_by != nullptr ? "in the down migration " + before +
                                      ", with a COMMIT between them where it may have one (a "
                                      "rollback runs no other migration)"
                                : "in " + later_migration(ctx, step);
  }
  return needed_by != nullptr
             ? "in a migration of its own before this one (the " + operation_name(*needed_by->op) +
                   " after it may need the rows changed)"
             : "from a script or job after this migration";
}

}  // namespace

static void unbatched_backfill(RuleContext& ctx) {
  const std::span<const Step> steps = ctx.steps();
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const Step& step = steps[i];
    const auto* op = step.as<DataChange>();
    if (op == nullptr || !on_existing_table(step)) continue;
    if (op->kind != DataChangeKind::update && op->kind != DataChangeKind::delete_) continue;
    if (system_catalog(op->table)) continue;
    // An earlier statement of the transaction holds ACCESS EXCLUSIVE on the table (an ALTER
    // TABLE of it): nobody else can reach its rows until the commit, so the row locks block
    // no one further; mixed-schema-and-data reports the change made under that lock.
    if (already_locked(steps, i, op->table, ctx.settings().pg_version)) continue;
    const std::string verb = operation_name(*step.op);
    const std::string help =
        batched(ctx, step, *op, where_to_run(ctx, step, schema_change_after(steps, i, op->table)));
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
