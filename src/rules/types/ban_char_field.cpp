// ban-char-field: a new char(n) (bpchar) column.
#include "rules/rules.hpp"
#include "rules/types/type_rules.hpp"

namespace schemagate::rules {

static void ban_char_field(RuleContext& ctx) {
  types::for_each_typed_column(ctx, true, [&](const types::TypedColumn& c) {
    if (c.type->name != "bpchar") return;
    ctx.report_at(*c.step, c.range,
                  "column " + types::label(c) + " is " + types::written(*c.type) +
                      ": char pads values with spaces to its length, ignores trailing spaces in "
                      "comparisons, and is no faster than text",
                  types::write_instead(ctx, c, "text", "sa.Text()"));
  });
}

extern const RuleDef ban_char_field_rule{.id = "ban-char-field",
                                         .severity = Severity::info,
                                         .category = "types",
                                         .check = &ban_char_field};

}  // namespace schemagate::rules
