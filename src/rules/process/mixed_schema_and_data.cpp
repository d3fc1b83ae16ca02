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
  if (step.table_is_new) return false;
  return step.op->is<DataChange>() || step.op->is<Truncate>();
}

}  // namespace

static void mixed_schema_and_data(RuleContext& ctx) {
  for (Phase phase : {Phase::upgrade, Phase::downgrade}) {
    const Step* schema = nullptr;
    const Step* data = nullptr;
    for (const Step& step : ctx.steps()) {
      if (step.phase != phase) continue;
      if (schema == nullptr && changes_schema(step)) schema = &step;
      if (data == nullptr && changes_data(step)) data = &step;
    }
    if (schema == nullptr || data == nullptr) continue;
    const QualifiedName* table = target_table(*data->op);
    std::string what = operation_name(*data->op) + (table ? " of " + quoted(*table) : "");
    const LockInfo lock = lock_of(*schema, ctx.settings().pg_version);
    std::string held = "the schema change's locks";
    if (lock.mode != LockMode::none) {
      const std::string on = !lock.table.empty() ? quoted(lock.table) : lock.target;
      held = "the schema change's " + std::string(to_string(lock.mode)) + " lock" +
             (on.empty() ? "" : " on " + on) + ", which blocks " +
             std::string(to_string(lock.blocks)) + ",";
    }
    ctx.report(*data,
               what + " in the same migration as " + operation_name(*schema->op) +
                   ": schema and data changes run and roll back together, holding " + held +
                   " for as long as the data change takes",
               "move the " + operation_name(*data->op) + " into its own " +
                   (alembic(ctx) ? "revision" : "migration") + ", after this one" +
                   (data->op->is<Truncate>() ? "" : ", and batch it (see unbatched-backfill)") +
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
