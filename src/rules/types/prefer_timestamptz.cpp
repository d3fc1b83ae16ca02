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
    std::string help = types::write_instead(ctx, c, sql_type, "sa.DateTime(timezone=True)");
    // Unsafe: the application reads and writes zone-aware values.
    std::optional<Proposal> p = types::retyped(
        ctx, c, Retype::timestamptz,
        types::is_alembic(ctx) ? "Add timezone=True" : "Change the type to timestamptz",
        types::is_alembic(ctx)
            ? "make it timezone-aware (timestamptz; the application then gets aware datetimes)"
            : "make it timestamptz (the application then gets values with a time zone)");
    if (p) help = std::move(p->help);
    ctx.report_at(*c.step, c.range,
                  "column " + types::label(c) + " is " + types::written(*c.type) +
                      " without time zone: it stores wall-clock time with no zone, so the same "
                      "instant reads differently depending on the session's TimeZone",
                  help, p ? std::move(p->fix) : std::nullopt);
  });
}

extern const RuleDef prefer_timestamptz_rule{.id = "prefer-timestamptz",
                                             .severity = Severity::warning,
                                             .category = "types",
                                             .check = &prefer_timestamptz};

}  // namespace schemagate::rules
