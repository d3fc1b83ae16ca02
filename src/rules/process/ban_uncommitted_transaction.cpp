// ban-uncommitted-transaction: BEGIN with no COMMIT or ROLLBACK before the file ends.
#include "rules/common.hpp"
#include "rules/rules.hpp"

namespace schemagate::rules {

static void ban_uncommitted_transaction(RuleContext& ctx) {
  for (Phase phase : {Phase::upgrade, Phase::downgrade}) {
    const Step* open = nullptr;
    for (const Step& step : ctx.steps()) {
      if (step.phase != phase) continue;
      const auto* op = step.as<TransactionControl>();
      if (op == nullptr || step.op->in_function) continue;
      if (op->kind == TransactionKind::begin && open == nullptr) open = &step;
      if (op->kind == TransactionKind::commit || op->kind == TransactionKind::rollback)
        open = nullptr;
    }
    if (open != nullptr) {
      ctx.report(*open,
                 "this transaction is never committed: the migration's changes are rolled back "
                 "when the session ends, or the runner commits them at an unexpected point",
                 "end the transaction with COMMIT");
    }
  }
}

extern const RuleDef ban_uncommitted_transaction_rule{.id = "ban-uncommitted-transaction",
                                                      .severity = Severity::error,
                                                      .category = "process",
                                                      .check = &ban_uncommitted_transaction};

}  // namespace schemagate::rules
