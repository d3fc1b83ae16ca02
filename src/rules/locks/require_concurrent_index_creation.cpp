// require-concurrent-index-creation: CREATE INDEX without CONCURRENTLY on an existing table.
#include "rules/common.hpp"
#include "rules/rules.hpp"

namespace schemagate::rules {

void require_concurrent_index_creation(RuleContext& ctx) {
  for (const Step& step : ctx.steps()) {
    const auto* op = step.as<CreateIndex>();
    if (op == nullptr || op->concurrently || !on_existing_table(step)) continue;
    ctx.report(step,
               "CREATE INDEX takes a SHARE lock on " + quoted(op->table) +
                   ", blocking all writes until the whole index is built",
               "use CREATE INDEX CONCURRENTLY, outside a transaction (in Alembic: "
               "postgresql_concurrently=True inside op.get_context().autocommit_block())");
  }
}

}  // namespace schemagate::rules
