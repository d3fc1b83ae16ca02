// ban-drop-column: DROP COLUMN on an existing table in one step.
#include "rules/common.hpp"
#include "rules/rules.hpp"

namespace schemagate::rules {

void ban_drop_column(RuleContext& ctx) {
  for (const Step& step : ctx.steps()) {
    const auto* op = step.as<DropColumn>();
    if (op == nullptr || !on_existing_object(step)) continue;
    ctx.report(step,
               "dropping column " + quoted(op->table, op->column) +
                   " breaks running code that still reads or writes it, and loses its data",
               "remove the column in phases: stop using it in the application and deploy, "
               "then drop it in a later migration");
  }
}

}  // namespace schemagate::rules
