// adding-required-field: ADD COLUMN NOT NULL without a default on an existing table.
#include "rules/common.hpp"
#include "rules/rules.hpp"

namespace schemagate::rules {

void adding_required_field(RuleContext& ctx) {
  for (const Step& step : ctx.steps()) {
    const auto* op = step.as<AddColumn>();
    if (op == nullptr || !on_existing_table(step)) continue;
    const ColumnDef& c = op->column;
    if (!c.not_null || c.default_value || c.generated || c.identity || c.serial) continue;
    ctx.report(step,
               "adding NOT NULL column " + quoted(c.name) + " without a default to " +
                   quoted(op->table) +
                   " fails if the table has rows, and breaks running code that inserts without it",
               "add the column as nullable (or with a default), backfill it in a separate "
               "migration, then add the NOT NULL constraint");
  }
}

}  // namespace schemagate::rules
