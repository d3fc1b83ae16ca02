// renaming-table: one-step table rename.
#include "rules/common.hpp"
#include "rules/rules.hpp"

namespace schemagate::rules {

void renaming_table(RuleContext& ctx) {
  for (const Step& step : ctx.steps()) {
    const auto* op = step.as<RenameTable>();
    if (op == nullptr || !on_existing_object(step)) continue;
    ctx.report(step,
               "renaming table " + quoted(op->table) + " to " + op->new_name +
                   " breaks every running query that still uses the old name",
               "rename in phases: create the new table (or a view under the new name), move the "
               "application over, then drop the old name in a later migration");
  }
}

}  // namespace schemagate::rules
