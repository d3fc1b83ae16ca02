// adding-required-field: ADD COLUMN NOT NULL without a default on an existing table.
#include <cstddef>
#include <span>

#include "rules/common.hpp"
#include "rules/rules.hpp"

namespace schemagate::rules {

namespace {

// Were all rows of `table` deleted (DELETE without WHERE or join) earlier in the transaction
// of steps[at]? The column is then added to a table with no row the transaction sees.
bool rows_deleted_before(std::span<const Step> steps, std::size_t at, const QualifiedName& table) {
  const Step& step = steps[at];
  if (!step.in_transaction) return false;
  for (std::size_t i = at; i-- > 0;) {
    const Step& s = steps[i];
    if (!same_transaction(step, s)) break;
    const auto* del = s.as<DataChange>();
    if (del != nullptr && del->kind == DataChangeKind::delete_ && !del->has_where && !del->joins &&
        !s.op->in_function && del->table.key() == table.key()) {
      return true;
    }
  }
  return false;
}

}  // namespace

static void adding_required_field(RuleContext& ctx) {
  const std::span<const Step> steps = ctx.steps();
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const Step& step = steps[i];
    const auto* op = step.as<AddColumn>();
    // Another required column added before it in the transaction (the table must be empty
    // then, Step::table_must_be_empty) doesn't make this one safe: running code that inserts
    // without it breaks all the same, and each column has its own help.
    if (op == nullptr || step.table_is_new || reverses_upgrade(step) || step.table_emptied) {
      continue;
    }
    const ColumnDef& c = op->column;
    if (!c.not_null || c.default_value || c.generated || c.identity || c.serial) continue;
    // A downgrade putting a column back on a table it emptied first (lemmy's
    // DELETE FROM password_reset_request): nothing can fail, and the application it restores
    // is the one that writes the column.
    if (step.phase == Phase::downgrade && rows_deleted_before(steps, i, op->table)) continue;
    const std::string message = "adding NOT NULL column " + quoted(c.name) +
                                " without a default to " + quoted(op->table) +
                                " fails if the table has rows, and breaks running code that "
                                "inserts without it";
    if (step.phase == Phase::downgrade) {
      // A rollback can't backfill over releases; the code it returns to is the one that
      // wrote the column.
      ctx.report_at(step, c.range, message,
                    "a rollback can't add it in steps over releases: add it as nullable in the "
                    "downgrade (or give it a constant default):\n" +
                        add_nullable_column(ctx, op->table, c.name, c.type));
      continue;
    }
    std::vector<std::string> code = {
        add_nullable_column(ctx, op->table, c.name, c.type),
        comment(ctx, "backfill it in batches and make the application write it, then, in " +
                         later_migration(ctx, step) + ":")};
    for (std::string& line : not_null_plan(ctx, step, op->table, {c.name})) code.push_back(line);
    ctx.report_at(step, c.range, message,
                  "add it as nullable, backfill it, then enforce NOT NULL without a long lock (or "
                  "give it a constant default):\n" +
                      lines(code));
  }
}

extern const RuleDef adding_required_field_rule{.id = "adding-required-field",
                                                .severity = Severity::error,
                                                .category = "locks",
                                                .check = &adding_required_field};

}  // namespace schemagate::rules
