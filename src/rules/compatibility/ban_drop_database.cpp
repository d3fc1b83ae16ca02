// ban-drop-database: DROP DATABASE in a migration.
#include "rules/common.hpp"
#include "rules/rules.hpp"

namespace schemagate::rules {

static void ban_drop_database(RuleContext& ctx) {
  for (const Step& step : ctx.steps()) {
    const auto* op = step.as<DropDatabase>();
    if (op == nullptr) continue;
    ctx.report(step, "DROP DATABASE " + quoted(op->name) + " destroys a whole database",
               "drop databases by hand, never from a migration");
  }
}

extern const RuleDef ban_drop_database_rule{.id = "ban-drop-database",
                                            .severity = Severity::error,
                                            .category = "compatibility",
                                            .check = &ban_drop_database};

}  // namespace schemagate::rules
