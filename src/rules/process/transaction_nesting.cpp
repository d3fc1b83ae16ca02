// transaction-nesting: BEGIN/COMMIT/ROLLBACK inside a transaction that is already open,
// or in a migration the runner wraps in its own transaction.
#include "rules/common.hpp"
#include "rules/rules.hpp"

namespace schemagate::rules {

static void transaction_nesting(RuleContext& ctx) {
  const bool runner = ctx.migration().runner_transaction == RunnerTransaction::per_migration;
  for (const Step& step : ctx.steps()) {
    const auto* op = step.as<TransactionControl>();
    if (op == nullptr) continue;
    const std::string name = operation_name(*step.op);
    if (op->kind == TransactionKind::begin && step.explicit_transaction) {
      ctx.report(
          step,
          "BEGIN while a transaction is already open: PostgreSQL ignores it with a warning, "
          "and the first COMMIT ends both",
          alembic(ctx) ? "remove the inner op.execute(\"BEGIN\")" : "remove the inner `BEGIN;`");
    } else if (runner && !step.op->autocommit &&
               (op->kind == TransactionKind::begin || op->kind == TransactionKind::commit ||
                op->kind == TransactionKind::rollback)) {
      std::string help =
          alembic(ctx)
              ? "remove the op.execute(\"" + name +
                    "\") and let Alembic manage the transaction; for statements that must run "
                    "outside one, write:\n" +
                    autocommit_block({"op.execute(...)"})
              : "remove the `" + name +
                    ";`, or configure the runner not to wrap this migration in a transaction";
      std::string message =
          !alembic(ctx) ? name +
                              " inside the transaction the migration runner manages: it ends or "
                              "confuses the runner's transaction, so a failure later leaves a "
                              "half-applied migration"
          : alembic_one_transaction(ctx)
              ? name + " inside " + alembic_transaction(ctx) +
                    ": it ends or confuses that transaction, which holds the revisions run "
                    "before this one too, so a failure later leaves the run half applied"
              : name + " inside " + alembic_transaction(ctx) +
                    ": it ends or confuses that transaction, so a failure later leaves a "
                    "half-applied migration";
      ctx.report(step, message, help);
    }
  }
}

extern const RuleDef transaction_nesting_rule{.id = "transaction-nesting",
                                              .severity = Severity::warning,
                                              .category = "process",
                                              .check = &transaction_nesting};

}  // namespace schemagate::rules
