// prefer-bigint-over-smallint: a new smallint (int2) or smallserial column.
#include "rules/rules.hpp"
#include "rules/types/type_rules.hpp"

namespace schemagate::rules {

void prefer_bigint_over_smallint(RuleContext& ctx) {
  types::report_narrow_integer(ctx, "int2", {"smallserial", "serial2"},
                               "(16 bits): it overflows at 32,767, and widening it later rewrites "
                               "the table under an ACCESS EXCLUSIVE lock");
}

}  // namespace schemagate::rules
