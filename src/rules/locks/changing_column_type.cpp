// changing-column-type: ALTER COLUMN TYPE that rewrites the table.
#include <optional>
#include <string>
#include <vector>

#include "rules/common.hpp"
#include "rules/rules.hpp"

namespace schemagate::rules {

// In a downgrade, moving to a new column over releases is no option.
static std::string rollback_lock_help() {
  return "a rollback can't move to a new column over releases: leave the column's type as it "
         "is in the downgrade if the code a rollback returns to works with it, or plan the "
         "rollback for the time the lock lasts";
}

static void changing_column_type(RuleContext& ctx) {
  for (const Step& step : ctx.steps()) {
    const auto* op = step.as<AlterColumnType>();
    if (op == nullptr) continue;
    // A class of a project module (superset's MediumText, a TypeDecorator over TEXT): its SQL
    // type is not known, nor whether the change rewrites; say nothing rather than guess.
    const std::optional<TypeName>& before = step.previous_type ? step.previous_type : op->from;
    const auto project_type = [](const TypeName& t) {
      return t.name.find('.') != std::string::npos;
    };
    if (project_type(op->to) || (before && project_type(*before))) continue;
    // No assignment cast from the old type: PostgreSQL refuses the statement, whatever the
    // table (new, or a downgrade's reversal): the migration fails, it doesn't rewrite.
    const bool refused =
        before && !op->using_written && refused_without_using(*before, op->to).value_or(false);
    if (!refused && !on_existing_table(step)) continue;
    // Binary-coercible: only the catalog changes (the lock model).
    const LockInfo lock = lock_of(step, ctx.settings().pg_version);
    if (step.previous_type && lock.work == Work::catalog) continue;
    std::string change =
        before ? "from " + before->text + " to " + op->to.text : "to " + op->to.text;
    const std::string new_column = op->column + "_new";
    std::vector<std::string> code = {
        add_nullable_column(ctx, op->table, new_column, op->to),
        comment(ctx,
                "keep it in sync (trigger), backfill it in batches, switch the application "
                "to it, then, in " +
                    later_migration(ctx, step) + ":")};
    if (alembic(ctx)) {
      code.push_back("op.drop_column(" + py_str(op->table.name) + ", " + py_str(op->column) +
                     py_schema(op->table) + ")");
    } else {
      code.push_back("ALTER TABLE " + sql_table(op->table) + " DROP COLUMN " +
                     sql_ident(op->column) + ";");
    }
    if (refused) {
      // An Alembic sa.Enum without name=: the type's name is not written.
      const std::string cast = sql_ident(op->column) + "::" +
                               (op->to.name == "enum" ? "<the enum type>" : sql_type(op->to));
      const std::string using_clause =
          alembic(ctx) ? "postgresql_using=" + py_str(cast) : "USING " + cast;
      std::string help = "write the conversion (" + using_clause + ")";
      if (on_existing_table(step)) {
        help +=
            "; it rewrites the table under ACCESS EXCLUSIVE, so for a large table add a "
            "column of the new type and move to it instead:\n" +
            lines(code);
      }
      ctx.report_at(step, op->range,
                    "changing the type of " + quoted(op->table, op->column) + " " + change +
                        " fails: PostgreSQL has no automatic conversion from " + before->text +
                        " to " + op->to.text +
                        " and refuses the statement (\"cannot be cast "
                        "automatically\") unless it says how to convert",
                    help);
      continue;
    }
    // The rows are kept, the column's indexes rebuilt: text, varchar and citext, whose casts
    // are binary but whose operator classes differ; timestamp <-> timestamptz in UTC.
    const bool relabelled =
        lock.work == Work::scan && before && binary_coercible_rebuilding_indexes(*before, op->to);
    if (lock.work == Work::scan && (relabelled || step.utc_session)) {
      std::string why = relabelled ? before->text + " converts to " + op->to.text +
                                         " without a change to the stored values (a binary "
                                         "cast), so the rows are kept, but every index on the "
                                         "column is rebuilt under the lock, in its new "
                                         "operator class"
                                   : "the session's TimeZone is UTC, so the rows are kept, but "
                                     "every index on the column is rebuilt under the lock";
      // A unique index of citext compares without case: values that differ only in case fail
      // its rebuild.
      if (relabelled && op->to.name == "citext") {
        why += "; a unique index on it fails if two values differ only in case";
      }
      ctx.report_at(
          step, op->range,
          "changing the type of " + quoted(op->table, op->column) + " " + change + ": " +
              lock.describe() + ": " + why,
          step.phase == Phase::downgrade
              ? "if the column has no index, nothing is rebuilt; otherwise " + rollback_lock_help()
              : "if the column has no index, nothing is rebuilt; otherwise, for a large "
                "table, add a column of the new type and move to it:\n" +
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
                  step.phase == Phase::downgrade
                      ? rollback_lock_help()
                      : "add a column of the new type and move to it (widening varchar or "
                        "numeric, and varchar to text, need no rewrite):\n" +
                            lines(code));
  }
}

extern const RuleDef changing_column_type_rule{.id = "changing-column-type",
                                               .severity = Severity::warning,
                                               .category = "locks",
                                               .check = &changing_column_type};

}  // namespace schemagate::rules
