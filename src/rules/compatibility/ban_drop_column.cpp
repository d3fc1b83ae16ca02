// ban-drop-column: DROP COLUMN on an existing table in one step.
#include "rules/common.hpp"
#include "rules/rules.hpp"

namespace schemagate::rules {

static void ban_drop_column(RuleContext& ctx) {
  for (const Step& step : ctx.steps()) {
    const auto* op = step.as<DropColumn>();
    if (op == nullptr || !on_existing_object(step)) continue;
    std::string drop = alembic(ctx) ? "op.drop_column(" + py_str(op->table.name) + ", " +
                                          py_str(op->column) + py_schema(op->table) + ")"
                                    : "ALTER TABLE " + sql_table(op->table) + " DROP COLUMN " +
                                          sql_ident(op->column) + ";";
    // A table named at run time has no name to write in the statement.
    ctx.report(step,
               "dropping column " + quoted(op->table, op->column) +
                   " breaks running code that still reads or writes it, and loses its data",
               "stop using the column in the application (and in its ORM models) and deploy, "
               "then drop it in " +
                   later_migration(ctx) + (op->table.name.empty() ? "" : ": " + drop));
  }
}

extern const RuleDef ban_drop_column_rule{.id = "ban-drop-column",
                                          .severity = Severity::warning,
                                          .category = "compatibility",
                                          .check = &ban_drop_column};

}  // namespace schemagate::rules
