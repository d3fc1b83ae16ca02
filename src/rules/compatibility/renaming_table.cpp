// renaming-table: one-step table rename.
#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "rules/common.hpp"
#include "rules/rules.hpp"

namespace schemagate::rules {

static void renaming_table(RuleContext& ctx) {
  const std::span<const Step> steps = ctx.steps();
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const Step& step = steps[i];
    const auto* op = step.as<RenameTable>();
    if (op == nullptr || !on_existing_object(step)) continue;
    const std::string message = "renaming table " + quoted(op->table) + " to " +
                                quoted(op->new_name) +
                                " breaks every running query that still uses the old name";
    if (step.phase == Phase::downgrade) {
      ctx.report(step, message,
                 rollback_help("the name " + quoted(op->table), "keep it in the downgrade"));
      continue;
    }
    // The renamed table stays in its schema.
    QualifiedName renamed{op->table.schema, op->new_name};
    const std::string old_name = sql_table(op->table);
    const std::string new_name = sql_table(renamed);
    // Columns of the table renamed earlier in the same phase keep their old names in the view,
    // so that running code finds every column it used.
    std::string aliases;
    for (std::size_t j = 0; j < i; ++j) {
      const auto* rc = steps[j].as<RenameColumn>();
      if (rc != nullptr && steps[j].phase == step.phase && rc->table.key() == op->table.key()) {
        aliases += ", " + sql_ident(rc->new_name) + " AS " + sql_ident(rc->column);
      }
    }
    std::vector<std::string> code;
    code.push_back(alembic(ctx)
                       ? "op.rename_table(" + py_str(op->table.name) + ", " + py_str(op->new_name) +
                             py_schema(op->table) + ")"
                       : "ALTER TABLE " + old_name + " RENAME TO " + sql_ident(op->new_name) + ";");
    code.push_back(
        execute(ctx, "CREATE VIEW " + old_name + " AS SELECT *" + aliases + " FROM " + new_name));
    code.push_back(comment(ctx, "once the application uses " + op->new_name + ", in " +
                                    later_migration(ctx, step) + ":"));
    code.push_back(execute(ctx, "DROP VIEW " + old_name));
    // The view holds the old name until that later migration: this migration's downgrade
    // can only rename back once it is gone.
    if (ctx.migration().downgrade_kind == DowngradeKind::real) {
      code.push_back(comment(ctx, "and in this migration's downgrade, before renaming back:"));
      code.push_back(execute(ctx, "DROP VIEW IF EXISTS " + old_name));
    }
    ctx.report(step, message,
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
