// prefer-text-field: a new varchar(n) column.
#include "rules/rules.hpp"
#include "rules/types/type_rules.hpp"

namespace schemagate::rules {

static void prefer_text_field(RuleContext& ctx) {
  types::for_each_typed_column(ctx, true, [&](const types::TypedColumn& c) {
    if (c.type->name != "varchar" || c.type->modifiers.empty()) return;
    std::string limit = std::to_string(c.type->modifiers.front());
    std::string help = types::write_instead(ctx, c, "text", "sa.Text()");
    if (c.def != nullptr) {
      std::string check = "char_length(" + types::sql_ident(*c.column) + ") <= " + limit;
      help += types::is_alembic(ctx) ? ", and if the limit matters add `sa.CheckConstraint(" +
                                           types::py_str(check) + ")` to the table"
                                     : ", and if the limit matters add `CHECK (" + check + ")`";
    }
    ctx.report_at(*c.step, c.range,
                  "column " + types::label(c) + " is " + types::written(*c.type) +
                      ": raising the limit later changes the column type under an ACCESS "
                      "EXCLUSIVE lock, and text costs nothing more",
                  help);
  });
}

extern const RuleDef prefer_text_field_rule{.id = "prefer-text-field",
                                            .severity = Severity::info,
                                            .category = "types",
                                            .check = &prefer_text_field};

}  // namespace schemagate::rules
