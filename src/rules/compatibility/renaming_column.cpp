// renaming-column: one-step column rename on an existing table.
#include "rules/common.hpp"
#include "rules/rules.hpp"

namespace schemagate::rules {

void renaming_column(RuleContext& ctx) {
  for (const Step& step : ctx.steps()) {
    const auto* op = step.as<RenameColumn>();
    if (op == nullptr || !on_existing_object(step)) continue;
    ctx.report(step,
               "renaming " + quoted(op->table, op->column) + " to " + op->new_name +
                   " breaks every running query that still uses the old name",
               "rename in phases: add the new column, write to both and backfill, switch the "
               "application to the new column, then drop the old one in a later migration");
  }
}

}  // namespace schemagate::rules
