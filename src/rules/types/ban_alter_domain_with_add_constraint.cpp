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
               types::is_alembic(ctx)
                   ? "put the check on each table instead: `op.create_check_constraint("
                     "\"ck_name\", \"table\", \"expression\")`, or in SQL `ADD CONSTRAINT ... "
                     "CHECK (...) NOT VALID` followed by `VALIDATE CONSTRAINT`"
                   : "put the check on each table instead: `ALTER TABLE <table> ADD CONSTRAINT "
                     "<name> CHECK (...) NOT VALID;` then `ALTER TABLE <table> VALIDATE "
                     "CONSTRAINT <name>;`");
  }
}

extern const RuleDef ban_alter_domain_with_add_constraint_rule{
    .id = "ban-alter-domain-with-add-constraint",
    .severity = Severity::info,
    .category = "types",
    .check = &ban_alter_domain_with_add_constraint};

}  // namespace schemagate::rules
