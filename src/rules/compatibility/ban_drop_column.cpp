// ban-drop-column: DROP COLUMN on an existing table in one step.
#include <cstddef>
#include <span>
#include <string>

#include "rules/common.hpp"
#include "rules/rules.hpp"

namespace schemagate::rules {

static void ban_drop_column(RuleContext& ctx) {
  const std::span<const Step> steps = ctx.steps();
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const Step& step = steps[i];
    const auto* op = step.as<DropColumn>();
    if (op == nullptr || !on_existing_object(step)) continue;
    // A column rebuilt under its name (copy into x_new, drop x, rename x_new to x in one
    // transaction): running code still finds the column at commit.
    if (column_name_given_back(steps, i, op->table, op->column, false) != nullptr) continue;
    const std::string message = "dropping column " + quoted(op->table, op->column) +
                                " breaks running code that still reads or writes it, and loses "
                                "its data";
    if (step.phase == Phase::downgrade) {
      ctx.report(step, message,
                 rollback_help("the column",
                               "leave it in place in the downgrade (if it must go, back its "
                               "data up first)"));
      continue;
    }
    std::string drop = alembic(ctx) ? "op.drop_column(" + py_str(op->table.name) + ", " +
                                          py_str(op->column) + py_schema(op->table) + ")"
                                    : "ALTER TABLE " + sql_table(op->table) + " DROP COLUMN " +
                                          sql_ident(op->column) + ";";
    // NOT NULL without a default: code that no longer writes the column fails its inserts,
    // so the constraint goes first, in the release that stops using the column.
    const std::string stop =
        step.column_required
            ? "the column is NOT NULL without a default, so code that stops writing it fails its "
              "inserts: first drop NOT NULL (or give it a default) and deploy that with code that "
              "no longer uses the column (and its ORM models), then drop it in " +
                  later_migration(ctx, step)
            : "stop using the column in the application (and in its ORM models) and deploy, "
              "then drop it in " +
                  later_migration(ctx, step);
    std::string help = stop;
    if (!op->table.name.empty() && step.column_required) {
      const std::string relax =
          alembic(ctx) ? "op.alter_column(" + py_str(op->table.name) + ", " + py_str(op->column) +
                             ", nullable=True" + py_schema(op->table) + ")"
                       : "ALTER TABLE " + sql_table(op->table) + " ALTER COLUMN " +
                             sql_ident(op->column) + " DROP NOT NULL;";
      help += ":\n" +
              lines({relax, comment(ctx, "then, in " + later_migration(ctx, step) + ":"), drop});
    } else if (!op->table.name.empty()) {
      help += ": " + drop;
    }
    // A table named at run time has no name to write in the statement.
    ctx.report(step, message, help);
  }
}

extern const RuleDef ban_drop_column_rule{.id = "ban-drop-column",
                                          .severity = Severity::warning,
                                          .category = "compatibility",
                                          .check = &ban_drop_column};

}  // namespace schemagate::rules
