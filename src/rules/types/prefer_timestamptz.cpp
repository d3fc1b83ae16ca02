// prefer-timestamptz: a new timestamp (without time zone) column.
#include "rules/rules.hpp"
#include "rules/types/type_rules.hpp"

namespace schemagate::rules {

static void prefer_timestamptz(RuleContext& ctx) {
  types::for_each_typed_column(ctx, true, [&](const types::TypedColumn& c) {
    if (c.type->name != "timestamp") return;
    std::string sql_type = "timestamptz";
    if (!c.type->modifiers.empty()) {
      sql_type += "(" + std::to_string(c.type->modifiers.front()) + ")";
    }
    ctx.report_at(*c.step, c.range,
                  "column " + types::label(c) + " is " + types::written(*c.type) +
                      " without time zone: it stores wall-clock time with no zone, so the same "
                      "instant reads differently depending on the session's TimeZone",
                  types::write_instead(ctx, c, sql_type, "sa.DateTime(timezone=True)"));
  });
}

extern const RuleDef prefer_timestamptz_rule{.id = "prefer-timestamptz",
                                             .severity = Severity::warning,
                                             .category = "types",
                                             .check = &prefer_timestamptz};

}  // namespace schemagate::rules
