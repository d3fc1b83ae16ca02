// prefer-jsonb: a new json column.
#include "rules/rules.hpp"
#include "rules/types/type_rules.hpp"

namespace schemagate::rules {

static void prefer_jsonb(RuleContext& ctx) {
  types::for_each_typed_column(ctx, true, [&](const types::TypedColumn& c) {
    if (c.type->name != "json") return;
    ctx.report_at(*c.step, c.range,
                  "column " + types::label(c) + " is " + types::written(*c.type) +
                      ": json keeps the text as written and reparses it on every access, has no "
                      "equality operator and can't be indexed with GIN",
                  types::write_instead(ctx, c, "jsonb", "postgresql.JSONB()"));
  });
}

extern const RuleDef prefer_jsonb_rule{
    .id = "prefer-jsonb", .severity = Severity::info, .category = "types", .check = &prefer_jsonb};

}  // namespace schemagate::rules
