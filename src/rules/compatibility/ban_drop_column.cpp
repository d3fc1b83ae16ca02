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
    // The statement's other sub-commands (ALTER TABLE t DROP COLUMN id, ADD PRIMARY KEY (a, b),
    // DROP CONSTRAINT ...) may need the drop, unless they are drops themselves: then they move
    // with it, the statement whole. A primary
    // key added later in the phase needs it too when the column is part of the table's key
    // (the table keeps that key until the drop: "multiple primary keys").
    const std::span<const Step> statement = statement_of(steps, i);
    auto adds_primary_key = [&](const Step& s) {
      const auto* c = s.as<AddConstraint>();
      const auto* a = s.as<AddColumn>();
      return (c != nullptr && c->kind == ConstraintKind::primary_key &&
              c->table.key() == op->table.key()) ||
             (a != nullptr && a->column.primary_key && a->table.key() == op->table.key());
    };
    std::string others;
    bool adds_key = false;
    bool depends = false;  // a sub-command that is not a drop of its own
    for (const Step& s : statement) {
      if (&s == &step) continue;
      others += (others.empty() ? "" : ", ") + subcommand_words(*s.op);
      adds_key = adds_key || adds_primary_key(s);
      depends = depends || !(s.op->is<DropColumn>() || s.op->is<DropConstraint>());
    }
    std::string later_key;
    if (step.column_in_primary_key) {
      for (std::size_t j = i + 1; j < steps.size() && later_key.empty(); ++j) {
        if (steps[j].phase != step.phase) break;
        if (steps[j].op->range.begin == step.op->range.begin &&
            steps[j].op->range.end == step.op->range.end) {
          continue;  // the statement's own
        }
        if (adds_primary_key(steps[j])) later_key = subcommand_words(*steps[j].op);
      }
    }
    const std::string key_reason =
        step.column_in_primary_key
            ? ": " + op->column +
                  " is part of the table's primary key, which the table keeps until the drop, so "
                  "a new primary key can only be added after it"
            : "";
    std::string whole;
    if (depends) {
      whole = "the whole ALTER TABLE " + sql_table(op->table) +
              " statement, all its sub-commands together (" + subcommand_words(*step.op) + ", " +
              others + "), as they may depend on the drop" + (adds_key ? key_reason : "");
    }
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
    if (!op->table.name.empty() && !later_key.empty()) {
      help += ", and the " + later_key + " after it in this migration there too, after the drop (" +
              op->column +
              " is part of the table's primary key, which the table keeps until the drop)";
    }
    const std::string relax =
        alembic(ctx) ? "op.alter_column(" + py_str(op->table.name) + ", " + py_str(op->column) +
                           ", nullable=True" + py_schema(op->table) + ")"
                     : "ALTER TABLE " + sql_table(op->table) + " ALTER COLUMN " +
                           sql_ident(op->column) + " DROP NOT NULL;";
    if (op->table.name.empty()) {
      // A table named at run time has no name to write in the statement.
    } else if (!whole.empty() && step.column_required) {
      // The drop moves with the statement's other sub-commands: said in words (their text is
      // the migration's own).
      help += ":\n" +
              lines({relax, comment(ctx, "then, in " + later_migration(ctx, step) + ": " + whole)});
    } else if (!whole.empty()) {
      help += ", moving there " + whole;
    } else if (step.column_required) {
      help += ":\n" +
              lines({relax, comment(ctx, "then, in " + later_migration(ctx, step) + ":"), drop});
    } else {
      help += ": " + drop;
    }
    ctx.report(step, message, help);
  }
}

extern const RuleDef ban_drop_column_rule{.id = "ban-drop-column",
                                          .severity = Severity::warning,
                                          .category = "compatibility",
                                          .check = &ban_drop_column};

}  // namespace schemagate::rules
