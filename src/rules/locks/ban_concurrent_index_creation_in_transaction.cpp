// ban-concurrent-index-creation-in-transaction: CONCURRENTLY index operations (and DETACH
// PARTITION ... CONCURRENTLY) inside a transaction, which PostgreSQL refuses at run time.
#include "rules/common.hpp"
#include "rules/fixes.hpp"
#include "rules/rules.hpp"

namespace schemagate::rules {

namespace {

// "CREATE INDEX CONCURRENTLY", ... for the concurrent operations; empty otherwise.
std::string concurrent_operation(const Step& step) {
  if (const auto* o = step.as<CreateIndex>(); o && o->concurrently) return operation_name(*step.op);
  if (const auto* o = step.as<DropIndex>(); o && o->concurrently) return operation_name(*step.op);
  if (const auto* o = step.as<Reindex>(); o && o->concurrently) return operation_name(*step.op);
  // DETACH PARTITION ... CONCURRENTLY commits in between (FINALIZE does not).
  if (const auto* o = step.as<TableCommand>();
      o && o->what == "DETACH PARTITION" && o->concurrently && o->option != "FINALIZE") {
    return "DETACH PARTITION ... CONCURRENTLY";
  }
  return {};
}

std::string why(const RuleContext& ctx, const Step& step) {
  if (step.op->in_function) return "inside a DO block, which runs as a function";
  if (step.explicit_transaction) return "inside the transaction opened by BEGIN";
  if (step.op->shares_query && step.op->autocommit) {
    return "in one op.execute() string with other statements, which PostgreSQL runs as one "
           "transaction";
  }
  if (alembic(ctx)) return "inside " + alembic_transaction(ctx);
  return "inside the transaction the migration runner wraps this migration in";
}

}  // namespace

static void ban_concurrent_index_creation_in_transaction(RuleContext& ctx) {
  for (const Step& step : ctx.steps()) {
    std::string name = concurrent_operation(step);
    if (name.empty() || !step.in_transaction) continue;
    Proposal p = out_of_transaction(ctx, step);
    std::string refusal = step.op->in_function ? "cannot be executed from a function"
                                               : "cannot run inside a transaction block";
    ctx.report(step,
               name + " runs " + why(ctx, step) + "; PostgreSQL refuses it (\"" + refusal + "\")",
               std::move(p.help), std::move(p.fix));
  }
}

extern const RuleDef ban_concurrent_index_creation_in_transaction_rule{
    .id = "ban-concurrent-index-creation-in-transaction",
    .severity = Severity::error,
    .category = "locks",
    .check = &ban_concurrent_index_creation_in_transaction,
    .checklist_item = "batched-and-concurrent"};

}  // namespace schemagate::rules
