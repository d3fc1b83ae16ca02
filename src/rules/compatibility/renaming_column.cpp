// renaming-column: one-step column rename on an existing table.
#include "rules/common.hpp"
#include "rules/rules.hpp"

namespace schemagate::rules {

static void renaming_column(RuleContext& ctx) {
  for (const Step& step : ctx.steps()) {
    const auto* op = step.as<RenameColumn>();
    if (op == nullptr || !on_existing_object(step)) continue;
    std::vector<std::string> code;
    if (alembic(ctx)) {
      code = {"op.add_column(" + py_str(op->table.name) + ", sa.Column(" + py_str(op->new_name) +
                  ", ...)" + py_schema(op->table) + ")",
              comment(ctx,
                      "write to both, backfill in batches, switch the application, then, "
                      "in " +
                          later_migration(ctx) + ":"),
              "op.drop_column(" + py_str(op->table.name) + ", " + py_str(op->column) +
                  py_schema(op->table) + ")"};
    } else {
      const std::string t = "ALTER TABLE " + sql_table(op->table);
      code = {t + " ADD COLUMN " + sql_ident(op->new_name) + " ...;",
              comment(ctx,
                      "write to both, backfill in batches, switch the application, then, "
                      "in " +
                          later_migration(ctx) + ":"),
              t + " DROP COLUMN " + sql_ident(op->column) + ";"};
    }
    ctx.report(step,
               "renaming " + quoted(op->table, op->column) + " to " + quoted(op->new_name) +
                   " breaks every running query that still uses the old name",
               "rename in phases, with the column's type in place of ...:\n" + lines(code));
  }
}

extern const RuleDef renaming_column_rule{.id = "renaming-column",
                                          .severity = Severity::warning,
                                          .category = "compatibility",
                                          .check = &renaming_column};

}  // namespace schemagate::rules
