// changing-column-type: ALTER COLUMN TYPE that rewrites the table.
#include "rules/common.hpp"
#include "rules/rules.hpp"

namespace schemagate::rules {

static void changing_column_type(RuleContext& ctx) {
  for (const Step& step : ctx.steps()) {
    const auto* op = step.as<AlterColumnType>();
    if (op == nullptr || !on_existing_table(step)) continue;
    if (step.previous_type && !op->has_using && binary_coercible(*step.previous_type, op->to)) {
      continue;
    }
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
    ctx.report_at(step, op->range,
                  "changing the type of " + quoted(op->table, op->column) + " " + change + ": " +
                      lock_description(ctx, step) +
                      (lock_of(step, ctx.settings().pg_version).work == Work::rewrite
                           ? " and its indexes rebuilt"
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
