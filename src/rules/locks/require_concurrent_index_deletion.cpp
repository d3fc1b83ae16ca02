// require-concurrent-index-deletion: DROP INDEX without CONCURRENTLY.
#include <algorithm>
#include <string>
#include <vector>

#include "rules/common.hpp"
#include "rules/fixes.hpp"
#include "rules/rules.hpp"

namespace schemagate::rules {

namespace {

// Is the index of `drop` (a DROP INDEX in a transaction) dropped before its table is, or
// before one of its columns is, in that same transaction? DROP TABLE and DROP COLUMN take
// ACCESS EXCLUSIVE on the table, held to the commit, like the DROP INDEX's lock (and DROP
// COLUMN drops the column's indexes itself): CONCURRENTLY (which can't run in a transaction
// anyway) would spare nothing, and the later drop has its own findings. The index's columns
// must be known (replay saw it built): the dropped column is one of them, not only read by an
// expression.
bool table_dropped_in_same_transaction(const RuleContext& ctx, const Step& drop) {
  // A table named at run time (a model's __tablename__) is no table we can tell apart.
  if (!drop.index_table || drop.index_table->name.empty() || !drop.in_transaction ||
      drop.op->autocommit) {
    return false;
  }
  const std::string table = drop.index_table->key();
  // "(expression)" for an expression: it matches no column.
  const std::vector<std::string>& columns = drop.index_columns;
  bool after = false;
  for (const Step& step : ctx.steps()) {
    if (&step == &drop) {
      after = true;
      continue;
    }
    if (!after) continue;
    if (step.phase != drop.phase || !step.in_transaction || step.op->autocommit) return false;
    if (const auto* tc = step.as<TransactionControl>();
        tc != nullptr && tc->kind != TransactionKind::begin &&
        tc->kind != TransactionKind::savepoint && tc->kind != TransactionKind::release) {
      return false;  // COMMIT, ROLLBACK [TO], PREPARE: the drop may not follow in it
    }
    if (const auto* t = step.as<DropTable>(); t != nullptr && t->table.key() == table) {
      return true;
    }
    if (const auto* c = step.as<DropColumn>();
        c != nullptr && c->table.key() == table &&
        std::find(columns.begin(), columns.end(), c->column) != columns.end()) {
      return true;
    }
    // Any later statement that takes ACCESS EXCLUSIVE on the table in the same transaction
    // (indico's ALTER TABLEs right after the drop): the table is locked until the commit all
    // the same.
    if (const QualifiedName* t = target_table(*step.op);
        t != nullptr && t->key() == table && !step.op->in_function &&
        lock_of(step, ctx.settings().pg_version).mode == LockMode::access_exclusive) {
      return true;
    }
  }
  return false;
}

}  // namespace

static void require_concurrent_index_deletion(RuleContext& ctx) {
  for (const Step& step : ctx.steps()) {
    const auto* op = step.as<DropIndex>();
    if (op == nullptr || op->concurrently || !on_existing_table(step)) continue;
    if (table_dropped_in_same_transaction(ctx, step)) continue;
    // Its table was dropped before it in the phase (a downgrade's op.drop_table, then the
    // drop of an index that went with it): no table to lock.
    if (step.index_table && (table_dropped_before(ctx.steps(), step, *step.index_table) ||
                             unnamed_table_of_upgrade(ctx.steps(), step, *step.index_table))) {
      continue;
    }
    // The table is under ACCESS EXCLUSIVE already, from an earlier statement of the
    // transaction (lemmy drops an index for a bulk UPDATE of a table it has altered): the
    // drop waits for no one more, and CONCURRENTLY (outside the transaction) would spare
    // nothing.
    if (step.index_table && !step.index_table->name.empty() &&
        already_locked(ctx.steps(), static_cast<std::size_t>(&step - ctx.steps().data()),
                       *step.index_table, ctx.settings().pg_version)) {
      continue;
    }
    Proposal p = concurrently(ctx, step);
    ctx.report(step,
               "DROP INDEX " + quoted(op->index) +
                   " without CONCURRENTLY: " + lock_description(ctx, step) +
                   ", but first it waits for running queries, and every new query queues behind it",
               std::move(p.help), std::move(p.fix));
  }
}

extern const RuleDef require_concurrent_index_deletion_rule{
    .id = "require-concurrent-index-deletion",
    .severity = Severity::warning,
    .category = "locks",
    .check = &require_concurrent_index_deletion,
    .checklist_item = "batched-and-concurrent"};

}  // namespace schemagate::rules
