// ban-concurrent-index-creation-in-transaction: CONCURRENTLY index operations inside a
// transaction, which PostgreSQL refuses at run time.
#include "rules/common.hpp"
#include "rules/rules.hpp"

namespace schemagate::rules {

namespace {

// "CREATE INDEX CONCURRENTLY", ... for the concurrent index operations; empty otherwise.
std::string concurrent_operation(const Step& step) {
  if (const auto* o = step.as<CreateIndex>(); o && o->concurrently) return operation_name(*step.op);
  if (const auto* o = step.as<DropIndex>(); o && o->concurrently) return operation_name(*step.op);
  if (const auto* o = step.as<Reindex>(); o && o->concurrently) return operation_name(*step.op);
  return {};
}

std::string why(const RuleContext& ctx, const Step& step) {
  if (step.op->in_function) return "inside a DO block, which runs as a function";
  if (step.explicit_transaction) return "inside the transaction opened by BEGIN";
  if (alembic(ctx)) return "inside " + alembic_transaction(ctx);
  return "inside the transaction the migration runner wraps this migration in";
}

// The statement, written to run outside a transaction, in the migration's language.
std::string outside_transaction(const RuleContext& ctx, const Step& step) {
  if (const auto* o = step.as<CreateIndex>()) return create_index_concurrently(ctx, *o);
  if (const auto* o = step.as<DropIndex>()) return drop_index_concurrently(ctx, *o);
  const auto& r = *step.as<Reindex>();
  std::string kind = r.target_kind;
  for (char& c : kind) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  std::string sql = "REINDEX " + kind + " CONCURRENTLY " + sql_table(r.name);
  return alembic(ctx) ? autocommit_block({execute(ctx, sql)}) : sql + ";";
}

}  // namespace

void ban_concurrent_index_creation_in_transaction(RuleContext& ctx) {
  for (const Step& step : ctx.steps()) {
    std::string name = concurrent_operation(step);
    if (name.empty() || !step.in_transaction) continue;
    std::string help;
    if (step.op->in_function) {
      help =
          "move it out of the DO block, to the top level of a migration that runs outside a "
          "transaction: " +
          outside_transaction(ctx, step);
    } else if (alembic(ctx)) {
      help = outside_transaction(ctx, step);
    } else {
      help =
          "remove the surrounding BEGIN/COMMIT, or put it in a migration the runner does not "
          "wrap in a transaction: " +
          outside_transaction(ctx, step);
    }
    std::string refusal = step.op->in_function ? "cannot be executed from a function"
                                               : "cannot run inside a transaction block";
    ctx.report(step,
               name + " runs " + why(ctx, step) + "; PostgreSQL refuses it (\"" + refusal + "\")",
               help);
  }
}

}  // namespace schemagate::rules
