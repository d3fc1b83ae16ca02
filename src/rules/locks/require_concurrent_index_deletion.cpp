// require-concurrent-index-deletion: DROP INDEX without CONCURRENTLY.
#include "rules/common.hpp"
#include "rules/rules.hpp"

namespace schemagate::rules {

void require_concurrent_index_deletion(RuleContext& ctx) {
  for (const Step& step : ctx.steps()) {
    const auto* op = step.as<DropIndex>();
    if (op == nullptr || op->concurrently || !on_existing_table(step)) continue;
    ctx.report(step,
               "DROP INDEX " + quoted(op->index) +
                   " takes an ACCESS EXCLUSIVE lock on its table, blocking all reads and writes "
                   "while it waits for running queries",
               "use DROP INDEX CONCURRENTLY, outside a transaction (in Alembic: "
               "postgresql_concurrently=True inside op.get_context().autocommit_block())");
  }
}

}  // namespace schemagate::rules
