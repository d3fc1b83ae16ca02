// ban-drop-column: DROP COLUMN on an existing table in one step.
#include <cstddef>
#include <span>

#include "rules/common.hpp"
#include "rules/rules.hpp"

namespace schemagate::rules {

namespace {

// A column rebuilt under its name: later in the same phase and the same transaction, another
// column of the table is renamed to the dropped name (copy into x_new, drop x, rename x_new
// to x). Running code still finds the column when the transaction commits.
bool rebuilt(std::span<const Step> steps, std::size_t at, const DropColumn& drop) {
  const Step& step = steps[at];
  if (!step.in_transaction || step.op->in_function) return false;
  for (std::size_t i = at + 1; i < steps.size(); ++i) {
    const Step& s = steps[i];
    if (s.phase != step.phase || !s.in_transaction || s.op->is<TransactionControl>()) break;
    if (const auto* r = s.as<RenameTable>(); r != nullptr && r->table.key() == drop.table.key()) {
      break;  // the table no longer has its name
    }
    const auto* rename = s.as<RenameColumn>();
    if (rename == nullptr || s.op->in_function || rename->table.key() != drop.table.key()) continue;
    if (rename->new_name == drop.column) return true;
    if (rename->column == drop.column) break;  // the name is taken away, not given back
  }
  return false;
}

}  // namespace

static void ban_drop_column(RuleContext& ctx) {
  const std::span<const Step> steps = ctx.steps();
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const Step& step = steps[i];
    const auto* op = step.as<DropColumn>();
    if (op == nullptr || !on_existing_object(step)) continue;
    if (rebuilt(steps, i, *op)) continue;
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
                  later_migration(ctx)
            : "stop using the column in the application (and in its ORM models) and deploy, "
              "then drop it in " +
                  later_migration(ctx);
    std::string help = stop;
    if (!op->table.name.empty() && step.column_required) {
      const std::string relax =
          alembic(ctx) ? "op.alter_column(" + py_str(op->table.name) + ", " + py_str(op->column) +
                             ", nullable=True" + py_schema(op->table) + ")"
                       : "ALTER TABLE " + sql_table(op->table) + " ALTER COLUMN " +
                             sql_ident(op->column) + " DROP NOT NULL;";
      help += ":\n" + lines({relax, comment(ctx, "then, in " + later_migration(ctx) + ":"), drop});
    } else if (!op->table.name.empty()) {
      help += ": " + drop;
    }
    // A table named at run time has no name to write in the statement.
    ctx.report(step,
               "dropping column " + quoted(op->table, op->column) +
                   " breaks running code that still reads or writes it, and loses its data",
               help);
  }
}

extern const RuleDef ban_drop_column_rule{.id = "ban-drop-column",
                                          .severity = Severity::warning,
                                          .category = "compatibility",
                                          .check = &ban_drop_column};

}  // namespace schemagate::rules
