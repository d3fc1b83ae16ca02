// ban-drop-not-null: DROP NOT NULL on an existing column.
#include <set>

#include "rules/common.hpp"
#include "rules/rules.hpp"

namespace schemagate::rules {

static void ban_drop_not_null(RuleContext& ctx) {
  const bool alembic = traits(ctx.migration().layout).language == Language::python;
  // Columns added earlier in this migration's phase: no running code reads them yet.
  std::set<std::string> new_columns;
  Phase phase = Phase::upgrade;
  for (const Step& step : ctx.steps()) {
    if (step.phase != phase) {
      phase = step.phase;
      new_columns.clear();
    }
    if (const auto* add = step.as<AddColumn>()) {
      new_columns.insert(add->table.key() + "/" + add->column.name);
    }
    const auto* op = step.as<DropNotNull>();
    if (op == nullptr || !on_existing_object(step) || step.unchanged) continue;
    if (new_columns.contains(op->table.key() + "/" + op->column)) continue;
    ctx.report(step,
               "DROP NOT NULL on " + quoted(op->table, op->column) +
                   " lets NULLs in while the running application still assumes the column "
                   "is never NULL",
               std::string("first deploy application code that handles a NULL ") + op->column +
                   ", then drop the constraint in a later " +
                   (op->table.name.empty() ? std::string(alembic ? "revision" : "migration")
                    : alembic ? "revision (op.alter_column(\"" + op->table.display() + "\", \"" +
                                    op->column + "\", nullable=True))"
                              : "migration (ALTER TABLE " + op->table.display() + " ALTER COLUMN " +
                                    op->column + " DROP NOT NULL;)"));
  }
}

extern const RuleDef ban_drop_not_null_rule{.id = "ban-drop-not-null",
                                            .severity = Severity::warning,
                                            .category = "compatibility",
                                            .check = &ban_drop_not_null};

}  // namespace schemagate::rules
