// renaming-enum-value: ALTER TYPE ... RENAME VALUE.
#include "rules/common.hpp"
#include "rules/rules.hpp"

namespace schemagate::rules {

static void renaming_enum_value(RuleContext& ctx) {
  const bool alembic = traits(ctx.migration().layout).language == Language::python;
  for (const Step& step : ctx.steps()) {
    const auto* op = step.as<AlterEnum>();
    if (op == nullptr || !op->rename || reverses_upgrade(step)) continue;
    std::string type = op->name.display();
    std::string add = "ALTER TYPE " + type + " ADD VALUE '" + op->new_value + "'";
    ctx.report(step,
               "renaming the value '" + op->old_value + "' of enum " + quoted(op->name) + " to '" +
                   op->new_value +
                   "' breaks every running query and application build that still writes or "
                   "compares '" +
                   op->old_value + "'",
               "add the new value instead (" +
                   (alembic ? "op.execute(\"" + add + "\")" : add + ";") +
                   "), move the rows (UPDATE ... SET ... = '" + op->new_value + "' WHERE ... = '" +
                   op->old_value + "') and the application to it, then stop using '" +
                   op->old_value + "'");
  }
}

extern const RuleDef renaming_enum_value_rule{.id = "renaming-enum-value",
                                              .severity = Severity::warning,
                                              .category = "compatibility",
                                              .check = &renaming_enum_value};

}  // namespace schemagate::rules
