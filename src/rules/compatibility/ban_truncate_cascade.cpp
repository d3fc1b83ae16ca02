// ban-truncate-cascade: TRUNCATE ... CASCADE.
#include "rules/common.hpp"
#include "rules/rules.hpp"

namespace schemagate::rules {

static void ban_truncate_cascade(RuleContext& ctx) {
  for (const Step& step : ctx.steps()) {
    const auto* op = step.as<Truncate>();
    if (op == nullptr || !op->cascade) continue;
    std::string tables;
    std::string sql_tables;
    for (const QualifiedName& t : op->tables) {
      tables += (tables.empty() ? "" : ", ") + quoted(t);
      sql_tables += (sql_tables.empty() ? "" : ", ") + sql_table(t);
    }
    ctx.report(step,
               "TRUNCATE " + tables +
                   " CASCADE also empties every table with a foreign key to it, recursively, "
                   "each under an ACCESS EXCLUSIVE lock that blocks all reads and writes",
               "name every table you mean to empty, without CASCADE (PostgreSQL then refuses if "
               "another table still references them): " +
                   execute(ctx, "TRUNCATE " + sql_tables));
  }
}

extern const RuleDef ban_truncate_cascade_rule{.id = "ban-truncate-cascade",
                                               .severity = Severity::error,
                                               .category = "compatibility",
                                               .check = &ban_truncate_cascade};

}  // namespace schemagate::rules
