// ban-truncate-cascade: TRUNCATE ... CASCADE.
#include "rules/common.hpp"
#include "rules/rules.hpp"

namespace schemagate::rules {

void ban_truncate_cascade(RuleContext& ctx) {
  for (const Step& step : ctx.steps()) {
    const auto* op = step.as<Truncate>();
    if (op == nullptr || !op->cascade) continue;
    std::string tables;
    for (const QualifiedName& t : op->tables) tables += (tables.empty() ? "" : ", ") + quoted(t);
    ctx.report(step,
               "TRUNCATE " + tables +
                   " CASCADE also empties every table with a foreign key to it, recursively, "
                   "under ACCESS EXCLUSIVE locks",
               "truncate the tables you mean by name, without CASCADE");
  }
}

}  // namespace schemagate::rules
