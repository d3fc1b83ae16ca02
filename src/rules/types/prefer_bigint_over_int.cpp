// prefer-bigint-over-int: a new integer (int4) or serial column.
#include "rules/rules.hpp"
#include "rules/types/type_rules.hpp"

namespace schemagate::rules {

static void prefer_bigint_over_int(RuleContext& ctx) {
  types::report_narrow_integer(ctx, "int4", {"serial", "serial4"},
                               "(32 bits): it overflows at 2,147,483,647, and widening it to "
                               "bigint later rewrites the table under an ACCESS EXCLUSIVE lock");
}

extern const RuleDef prefer_bigint_over_int_rule{.id = "prefer-bigint-over-int",
                                                 .severity = Severity::info,
                                                 .category = "types",
                                                 .check = &prefer_bigint_over_int};

}  // namespace schemagate::rules
