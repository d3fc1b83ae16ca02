// transaction-nesting: BEGIN/COMMIT/ROLLBACK inside a transaction that is already open,
// or in a migration the runner wraps in its own transaction.
#include <algorithm>
#include <optional>
#include <string_view>

#include "rules/common.hpp"
#include "rules/rules.hpp"
#include "schemagate/layout.hpp"

namespace schemagate::rules {

static void transaction_nesting(RuleContext& ctx) {
  bool runner = ctx.migration().runner_transaction == RunnerTransaction::per_migration;
  // A bare file run in one transaction (--assume-in-transaction): the first COMMIT or ROLLBACK
  // ends the runner's transaction for good (as replay has it).
  const bool runner_ends = !traits(ctx.migration().layout).versioned;
  // The COMMIT or ROLLBACK that ended the last transaction (the migration's own or, in a bare
  // file run in one transaction, the runner's), while no BEGIN has followed it (per phase).
  const Step* ended = nullptr;
  std::optional<Phase> phase;
  std::size_t since_end = 0;  // statements run after it
  for (const Step& step : ctx.steps()) {
    if (phase != step.phase) {
      phase = step.phase;
      ended = nullptr;
    }
    const auto* op = step.as<TransactionControl>();
    if (op == nullptr) {
      if (!step.op->in_function) ++since_end;
      continue;
    }
    if (step.op->in_function) continue;  // PL/pgSQL's own transaction control
    const std::string name = operation_name(*step.op);
    const bool ends = op->kind == TransactionKind::commit || op->kind == TransactionKind::rollback;
    if (op->kind == TransactionKind::begin) ended = nullptr;
    if (ends && !step.in_transaction && ended != nullptr) {
      std::string earlier = operation_name(*ended->op);
      if (const SourceFile* file = ctx.migration().file_of(ended->phase);
          file != nullptr && ended->op->range.begin <= file->text.size()) {
        std::string_view before = std::string_view(file->text).substr(0, ended->op->range.begin);
        earlier += " on line " + std::to_string(1 + std::count(before.begin(), before.end(), '\n'));
      }
      std::string message =
          name + " with no transaction open: the " + earlier +
          " already ended the transaction, and PostgreSQL ignores this one with a warning "
          "(\"there is no transaction in progress\")";
      if (since_end > 0) {
        message += "; the " + std::to_string(since_end) + " statement" +
                   (since_end == 1 ? "" : "s") +
                   " between them ran outside any transaction, each committed on its own";
      }
      std::string help =
          since_end > 0
              ? "move the " + operation_name(*ended->op) +
                    " here if the statements between were meant to be in the transaction, or "
                    "remove this " +
                    name
              : "remove this " + name;
      ctx.report(step, message, help);
      continue;
    }
    if (ends && step.in_transaction) {
      ended = &step;
      since_end = 0;
    }
    if (op->kind == TransactionKind::begin && step.explicit_transaction) {
      ctx.report(
          step,
          "BEGIN while a transaction is already open: PostgreSQL ignores it with a warning, "
          "and the first COMMIT ends both",
          alembic(ctx) ? "remove the inner op.execute(\"BEGIN\")" : "remove the inner `BEGIN;`");
    } else if (runner && !step.op->autocommit && step.in_transaction &&
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
      if (runner_ends && op->kind != TransactionKind::begin) runner = false;
    }
  }
}

extern const RuleDef transaction_nesting_rule{.id = "transaction-nesting",
                                              .severity = Severity::warning,
                                              .category = "process",
                                              .check = &transaction_nesting};

}  // namespace schemagate::rules
