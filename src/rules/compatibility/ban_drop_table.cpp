// ban-drop-table: DROP TABLE of an existing table.
#include "rules/common.hpp"
#include "rules/rules.hpp"

namespace schemagate::rules {

void ban_drop_table(RuleContext& ctx) {
  for (const Step& step : ctx.steps()) {
    const auto* op = step.as<DropTable>();
    if (op == nullptr || !on_existing_table(step)) continue;
    ctx.report(step,
               "dropping table " + quoted(op->table) +
                   " breaks running code that still uses it, and loses its data",
               "stop using the table in the application and deploy first; keep a backup, then "
               "drop it in a later migration");
  }
}

}  // namespace schemagate::rules
