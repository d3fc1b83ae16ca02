// ban-alter-domain-with-add-constraint: ALTER DOMAIN ... ADD CONSTRAINT.
#include "rules/rules.hpp"
#include "rules/types/type_rules.hpp"

namespace schemagate::rules {

static void ban_alter_domain_with_add_constraint(RuleContext& ctx) {
  for (const Step& step : ctx.steps()) {
    const auto* op = step.as<AlterDomain>();
    if (op == nullptr || !op->add_constraint || step.phase != Phase::upgrade) continue;
    ctx.report(step,
               "adding a constraint to domain " + quoted(op->name) +
                   " checks every column of every table that uses it, while holding locks "
                   "on all of them",
               std::string("put the check on each table that uses the domain instead, as a "
                           "CHECK constraint on its column added NOT VALID (") +
                   (types::is_alembic(ctx) ? "op.create_check_constraint() with "
                                             "postgresql_not_valid=True"
                                           : "ALTER TABLE's ADD CONSTRAINT with NOT VALID") +
                   "), then validated in a later migration with VALIDATE CONSTRAINT, which "
                   "checks the rows without blocking writes");
  }
}

extern const RuleDef ban_alter_domain_with_add_constraint_rule{
    .id = "ban-alter-domain-with-add-constraint",
    .severity = Severity::info,
    .category = "types",
    .check = &ban_alter_domain_with_add_constraint};

}  // namespace schemagate::rules
