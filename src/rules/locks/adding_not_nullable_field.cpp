// adding-not-nullable-field: SET NOT NULL on an existing table.
#include "rules/common.hpp"
#include "rules/rules.hpp"

namespace schemagate::rules {

void adding_not_nullable_field(RuleContext& ctx) {
  for (const Step& step : ctx.steps()) {
    const auto* op = step.as<SetNotNull>();
    if (op == nullptr || !on_existing_table(step)) continue;
    // PostgreSQL 12+ skips the scan when a validated CHECK (col IS NOT NULL) proves it.
    if (step.not_null_proven && ctx.settings().pg_version >= 12) continue;
    std::string help =
        ctx.settings().pg_version >= 12
            ? "first ADD CONSTRAINT ... CHECK (" + op->column +
                  " IS NOT NULL) NOT VALID, then VALIDATE CONSTRAINT in a separate "
                  "migration, then SET NOT NULL (no scan) and drop the check"
            : "before PostgreSQL 12 SET NOT NULL always scans; add CHECK (" + op->column +
                  " IS NOT NULL) NOT VALID and VALIDATE it in a separate migration instead of "
                  "the NOT NULL constraint";
    ctx.report(step,
               "SET NOT NULL on " + quoted(op->table, op->column) +
                   " takes an ACCESS EXCLUSIVE lock, blocking all reads and writes while the "
                   "whole table is scanned",
               help);
  }
}

}  // namespace schemagate::rules
