// renaming-table: one-step table rename.
#include "rules/common.hpp"
#include "rules/rules.hpp"

namespace schemagate::rules {

static void renaming_table(RuleContext& ctx) {
  for (const Step& step : ctx.steps()) {
    const auto* op = step.as<RenameTable>();
    if (op == nullptr || !on_existing_object(step)) continue;
    // The renamed table stays in its schema.
    QualifiedName renamed{op->table.schema, op->new_name};
    const std::string old_name = sql_table(op->table);
    const std::string new_name = sql_table(renamed);
    std::vector<std::string> code;
    code.push_back(alembic(ctx)
                       ? "op.rename_table(" + py_str(op->table.name) + ", " + py_str(op->new_name) +
                             py_schema(op->table) + ")"
                       : "ALTER TABLE " + old_name + " RENAME TO " + sql_ident(op->new_name) + ";");
    code.push_back(execute(ctx, "CREATE VIEW " + old_name + " AS SELECT * FROM " + new_name));
    code.push_back(comment(
        ctx, "once the application uses " + op->new_name + ", in " + later_migration(ctx) + ":"));
    code.push_back(execute(ctx, "DROP VIEW " + old_name));
    ctx.report(step,
               "renaming table " + quoted(op->table) + " to " + quoted(op->new_name) +
                   " breaks every running query that still uses the old name",
               "keep the old name working as a view (simple views accept writes too) until the "
               "application has moved:\n" +
                   lines(code));
  }
}

extern const RuleDef renaming_table_rule{.id = "renaming-table",
                                         .severity = Severity::warning,
                                         .category = "compatibility",
                                         .check = &renaming_table};

}  // namespace schemagate::rules
