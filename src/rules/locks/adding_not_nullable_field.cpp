// adding-not-nullable-field: SET NOT NULL on an existing table.
#include "rules/common.hpp"
#include "rules/rules.hpp"

namespace schemagate::rules {

static void adding_not_nullable_field(RuleContext& ctx) {
  for (const Step& step : ctx.steps()) {
    const auto* op = step.as<SetNotNull>();
    if (op == nullptr || !on_existing_table(step)) continue;
    // PostgreSQL 12+ skips the scan when a validated CHECK (col IS NOT NULL) proves it.
    if (step.not_null_proven && ctx.settings().pg_version >= 12) continue;
    // The column is NOT NULL already: PostgreSQL skips the statement's check.
    if (step.unchanged) continue;
    std::string help =
        ctx.settings().pg_version >= 12
            ? "add a CHECK NOT VALID and validate it in " + later_migration(ctx, step) +
                  "; SET NOT NULL then skips the scan:\n"
            : "before PostgreSQL 12 SET NOT NULL always scans; use a CHECK NOT VALID, validated "
              "in " +
                  later_migration(ctx, step) + ", instead:\n";
    ctx.report(step,
               "SET NOT NULL on " + quoted(op->table, op->column) + ": " +
                   lock_description(ctx, step) + " to check that no row is NULL",
               help + lines(not_null_plan(ctx, step, op->table, op->column)));
  }
}

extern const RuleDef adding_not_nullable_field_rule{.id = "adding-not-nullable-field",
                                                    .severity = Severity::warning,
                                                    .category = "locks",
                                                    .check = &adding_not_nullable_field};

}  // namespace schemagate::rules
