// mixed-schema-and-data: one migration changes both the schema and the data of existing tables.
#include "rules/common.hpp"
#include "rules/rules.hpp"

namespace schemagate::rules {

namespace {

bool changes_schema(const Step& step) {
  const Operation& op = *step.op;
  bool ddl = op.is<RenameTable>() || op.is<AddColumn>() || op.is<DropColumn>() ||
             op.is<RenameColumn>() || op.is<AlterColumnType>() || op.is<SetNotNull>() ||
             op.is<DropNotNull>() || op.is<SetDefault>() || op.is<CreateIndex>() ||
             op.is<DropIndex>() || op.is<AddConstraint>() || op.is<DropConstraint>() ||
             op.is<DropTable>();
  return ddl && !step.table_is_new;
}

bool changes_data(const Step& step) {
  // A table created, or emptied, earlier in the transaction has no rows to change.
  if (step.table_is_new || step.table_emptied) return false;
  return step.op->is<DataChange>() || step.op->is<Truncate>();
}

// "UPDATE of `t`".
std::string describe(const Step& step) {
  const QualifiedName* table = target_table(*step.op);
  return operation_name(*step.op) + (table ? " of " + quoted(*table) : "");
}

}  // namespace

// The schema change's lock, as a message says it: "the schema change's ACCESS EXCLUSIVE lock
// on `t`, which blocks all reads and writes,".
static std::string lock_held(const RuleContext& ctx, const Step& schema) {
  const LockInfo lock = lock_of(schema, ctx.settings().pg_version);
  if (lock.mode == LockMode::none) return "the schema change's locks";
  const std::string on = !lock.table.empty() ? quoted(lock.table) : lock.target;
  return "the schema change's " + std::string(to_string(lock.mode)) + " lock" +
         (on.empty() ? "" : " on " + on) + ", which blocks " + std::string(to_string(lock.blocks)) +
         ",";
}

static void mixed_schema_and_data(RuleContext& ctx) {
  const std::string own = alembic(ctx) ? "revision" : "migration";
  for (Phase phase : {Phase::upgrade, Phase::downgrade}) {
    // Per transaction of the phase (and once for the steps outside any): its first schema
    // change and its first data change. The first transaction that has both is the finding.
    const Step* schema = nullptr;
    const Step* data = nullptr;
    const Step* loose_schema = nullptr;
    const Step* loose_data = nullptr;
    const Step* open = nullptr;  // the first step of the current transaction
    for (const Step& step : ctx.steps()) {
      if (step.phase != phase) continue;
      if (!step.in_transaction) {
        if (step.op->is<TransactionControl>()) continue;
        if (loose_schema == nullptr && changes_schema(step)) loose_schema = &step;
        if (loose_data == nullptr && changes_data(step)) loose_data = &step;
        continue;
      }
      if (open == nullptr || !same_transaction(*open, step)) {
        if (step.op->is<TransactionControl>()) {
          open = nullptr;
          schema = data = nullptr;
          continue;
        }
        open = &step;
        schema = data = nullptr;
      }
      if (schema == nullptr && changes_schema(step)) schema = &step;
      if (data == nullptr && changes_data(step)) data = &step;
      if (schema != nullptr && data != nullptr) break;
    }
    if (schema == nullptr || data == nullptr) {
      schema = loose_schema;
      data = loose_data;
      if (schema == nullptr || data == nullptr) continue;
      ctx.report(*data,
                 describe(*data) + " in the same migration as " + operation_name(*schema->op) +
                     ", with no transaction around them: a failure between them leaves the "
                     "schema changed and the data half converted, and running the migration "
                     "again fails on the schema change already made",
                 "move the " + operation_name(*data->op) + " into its own " + own +
                     (data < schema ? ", before this one" : ", after this one"));
      continue;
    }
    const std::string name = operation_name(*data->op);
    const bool batch = !data->op->is<Truncate>();
    if (data < schema) {
      // The data change first (a backfill or cleanup the schema change needs): its row locks
      // are held until the schema change has done its work and committed.
      const LockInfo lock = lock_of(*schema, ctx.settings().pg_version);
      const std::string on = !lock.table.empty() ? quoted(lock.table) : lock.target;
      const std::string takes = lock.mode == LockMode::none
                                    ? "has done its work"
                                    : "has taken its " + std::string(to_string(lock.mode)) +
                                          " lock" + (on.empty() ? "" : " on " + on) +
                                          " and done its work";
      ctx.report(*data,
                 describe(*data) + " before " + operation_name(*schema->op) +
                     " in the same transaction: the rows it changes stay locked until the "
                     "transaction commits, after the schema change " +
                     takes + ", and the two roll back together",
                 phase == Phase::downgrade
                     ? "a rollback runs no other migration: run the " + name +
                           " in a transaction of its own before the schema change (" +
                           (alembic(ctx) ? "`with op.get_context().autocommit_block():` at the "
                                           "start of downgrade()"
                                         : "a COMMIT between them, where the down migration "
                                           "may have one") +
                           ")"
                     : "move the " + name + " into its own " + own + ", before this one" +
                           (batch ? ", and batch it (see unbatched-backfill)" : "") +
                           ": the schema change then finds the data it needs already in place");
      continue;
    }
    const std::string message = describe(*data) + " after " + operation_name(*schema->op) +
                                " in the same transaction: it runs holding " +
                                lock_held(ctx, *schema) +
                                " for as long as the data change takes, and both roll back "
                                "together";
    if (phase == Phase::downgrade) {
      // A rollback runs no later migration.
      ctx.report(*data, message,
                 "run the " + name +
                     " before the schema change if it doesn't depend on it, or in " +
                     later_migration(ctx, *data));
      continue;
    }
    ctx.report(*data, message,
               "move the " + name + " into its own " + own + ", after this one" +
                   (batch ? ", and batch it (see unbatched-backfill)" : "") +
                   (alembic_one_transaction(ctx)
                        ? "; Alembic runs all pending revisions in one transaction, so pass "
                          "transaction_per_migration=True to context.configure() in env.py, "
                          "for the locks of this revision to be released before the next one "
                          "runs"
                        : ""));
  }
}

extern const RuleDef mixed_schema_and_data_rule{.id = "mixed-schema-and-data",
                                                .severity = Severity::warning,
                                                .category = "process",
                                                .check = &mixed_schema_and_data,
                                                .checklist_item = "schema-data-separated"};

}  // namespace schemagate::rules
