// changing-column-type: ALTER COLUMN TYPE that rewrites the table.
#include "rules/common.hpp"
#include "rules/rules.hpp"

namespace schemagate::rules {

static void changing_column_type(RuleContext& ctx) {
  for (const Step& step : ctx.steps()) {
    const auto* op = step.as<AlterColumnType>();
    if (op == nullptr || !on_existing_table(step)) continue;
    // Binary-coercible: only the catalog changes (the lock model).
    const LockInfo lock = lock_of(step, ctx.settings().pg_version);
    if (step.previous_type && lock.work == Work::catalog) continue;
    std::string change = step.previous_type
                             ? "from " + step.previous_type->text + " to " + op->to.text
                             : "to " + op->to.text;
    const std::string new_column = op->column + "_new";
    std::vector<std::string> code = {
        add_nullable_column(ctx, op->table, new_column, op->to),
        comment(ctx,
                "keep it in sync (trigger), backfill it in batches, switch the application "
                "to it, then, in " +
                    later_migration(ctx) + ":")};
    if (alembic(ctx)) {
      code.push_back("op.drop_column(" + py_str(op->table.name) + ", " + py_str(op->column) +
                     py_schema(op->table) + ")");
    } else {
      code.push_back("ALTER TABLE " + sql_table(op->table) + " DROP COLUMN " +
                     sql_ident(op->column) + ";");
    }
    if (lock.work == Work::scan && step.utc_session) {
      // timestamp <-> timestamptz in UTC: the rows are kept, the column's indexes rebuilt.
      ctx.report_at(step, op->range,
                    "changing the type of " + quoted(op->table, op->column) + " " + change + ": " +
                        lock.describe() +
                        ": the session's TimeZone is UTC, so the rows are kept, but every index "
                        "on the column is rebuilt under the lock",
                    "if the column has no index, nothing is rebuilt; otherwise, for a large table, "
                    "add a column of the new type and move to it:\n" +
                        lines(code));
      continue;
    }
    // The old type unknown (made by a migration outside the ones linted): the rewrite is what
    // PostgreSQL does unless that type happens to convert without one.
    const bool guessed = !step.previous_type && !op->from && !op->has_using;
    ctx.report_at(step, op->range,
                  "changing the type of " + quoted(op->table, op->column) + " " + change + ": " +
                      lock.describe() +
                      (lock.work == Work::rewrite ? " and its indexes rebuilt" : "") +
                      (guessed ? " (unless its old type, which the migrations linted don't show, "
                                 "converts to " +
                                     op->to.text + " without a rewrite)"
                               : ""),
                  "add a column of the new type and move to it (widening varchar or numeric, and "
                  "varchar to text, need no rewrite):\n" +
                      lines(code));
  }
}

extern const RuleDef changing_column_type_rule{.id = "changing-column-type",
                                               .severity = Severity::warning,
                                               .category = "locks",
                                               .check = &changing_column_type};

}  // namespace schemagate::rules
