// ban-create-domain-with-constraint: CREATE DOMAIN with a CHECK or NOT NULL constraint.
#include "rules/rules.hpp"
#include "rules/types/type_rules.hpp"

namespace schemagate::rules {

static void ban_create_domain_with_constraint(RuleContext& ctx) {
  for (const Step& step : ctx.steps()) {
    const auto* op = step.as<CreateDomain>();
    if (op == nullptr || !op->has_constraint || step.phase != Phase::upgrade) continue;
    ctx.report(step,
               "domain " + quoted(op->name) +
                   " has a constraint: changing it later checks every column of every table "
                   "that uses the domain, and the tables' own constraints don't show it",
               types::is_alembic(ctx)
                   ? "create the domain without the constraint, and put the check on each "
                     "table instead: `op.create_check_constraint(\"ck_name\", \"table\", "
                     "\"expression\")`"
                   : "write `CREATE DOMAIN " + types::sql_table(op->name) +
                         " AS <type>;` without the constraint, and put the check on each "
                         "table: `ALTER TABLE <table> ADD CONSTRAINT <name> CHECK (...) NOT "
                         "VALID;` then `VALIDATE CONSTRAINT`");
  }
}

extern const RuleDef ban_create_domain_with_constraint_rule{
    .id = "ban-create-domain-with-constraint",
    .severity = Severity::info,
    .category = "types",
    .check = &ban_create_domain_with_constraint};

}  // namespace schemagate::rules
