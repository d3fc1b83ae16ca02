// adding-required-field: ADD COLUMN NOT NULL without a default on an existing table.
#include "rules/common.hpp"
#include "rules/rules.hpp"

namespace schemagate::rules {

static void adding_required_field(RuleContext& ctx) {
  for (const Step& step : ctx.steps()) {
    const auto* op = step.as<AddColumn>();
    if (op == nullptr || !on_existing_table(step)) continue;
    const ColumnDef& c = op->column;
    if (!c.not_null || c.default_value || c.generated || c.identity || c.serial) continue;
    std::vector<std::string> code = {
        add_nullable_column(ctx, op->table, c.name, c.type),
        comment(ctx, "backfill it in batches and make the application write it, then, in " +
                         later_migration(ctx) + ":")};
    for (std::string& line : not_null_plan(ctx, op->table, c.name)) code.push_back(line);
    ctx.report_at(
        step, c.range,
        "adding NOT NULL column " + quoted(c.name) + " without a default to " + quoted(op->table) +
            " fails if the table has rows, and breaks running code that inserts without it",
        "add it as nullable, backfill it, then enforce NOT NULL without a long lock (or "
        "give it a constant default):\n" +
            lines(code));
  }
}

extern const RuleDef adding_required_field_rule{.id = "adding-required-field",
                                                .severity = Severity::error,
                                                .category = "locks",
                                                .check = &adding_required_field};

}  // namespace schemagate::rules
