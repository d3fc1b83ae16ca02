// prefer-bigint-over-smallint: a new smallint (int2) or smallserial column.
#include "rules/rules.hpp"
#include "rules/types/type_rules.hpp"

namespace schemagate::rules {

static void prefer_bigint_over_smallint(RuleContext& ctx) {
  types::report_narrow_integer(ctx, "int2", {"smallserial", "serial2"},
                               "(16 bits): it overflows at 32,767, and widening it later rewrites "
                               "the table under an ACCESS EXCLUSIVE lock");
}

extern const RuleDef prefer_bigint_over_smallint_rule{.id = "prefer-bigint-over-smallint",
                                                      .severity = Severity::info,
                                                      .category = "types",
                                                      .check = &prefer_bigint_over_smallint};

}  // namespace schemagate::rules
