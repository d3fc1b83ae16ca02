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
               std::string("create ") + quoted(op->name) +
                   " with its base type only, without the constraint, and put the check on "
                   "each table that uses it, as a CHECK constraint on its column (" +
                   (types::is_alembic(ctx) ? "op.create_check_constraint()"
                                           : "ALTER TABLE's ADD CONSTRAINT") +
                   "); on a table with rows, add it NOT VALID and validate it in a later "
                   "migration");
  }
}

extern const RuleDef ban_create_domain_with_constraint_rule{
    .id = "ban-create-domain-with-constraint",
    .severity = Severity::info,
    .category = "types",
    .check = &ban_create_domain_with_constraint};

}  // namespace schemagate::rules
