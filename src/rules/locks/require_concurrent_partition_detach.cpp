// require-concurrent-partition-detach: ALTER TABLE ... DETACH PARTITION without CONCURRENTLY on
// a partitioned table that already exists: ACCESS EXCLUSIVE on it and on the partition.
// DETACH ... CONCURRENTLY inside a transaction is ban-concurrent-index-creation-in-transaction's.
#include "rules/common.hpp"
#include "rules/fixes.hpp"
#include "rules/rules.hpp"

namespace schemagate::rules {

static void require_concurrent_partition_detach(RuleContext& ctx) {
  const int pg = ctx.settings().pg_version;
  for (const Step& step : ctx.steps()) {
    const auto* op = step.as<TableCommand>();
    if (op == nullptr || op->what != "DETACH PARTITION" || op->concurrently) continue;
    if (op->option == "FINALIZE") continue;  // completes an interrupted concurrent detach
    if (!on_existing_table(step)) continue;
    const std::string partition = op->other.empty() ? "the partition" : quoted(op->other);
    std::string message = "DETACH PARTITION " + op->other.display() +
                          " takes an ACCESS EXCLUSIVE lock on " + quoted(op->table) + " and on " +
                          partition +
                          ", blocking all reads and writes of the partitioned table, whichever "
                          "partition they touch, while it waits for its lock and runs";
    std::string help;
    std::optional<Fix> fix;
    if (pg < 14) {
      help = "DETACH PARTITION CONCURRENTLY only exists from PostgreSQL 14 (the target is " +
             std::to_string(pg) +
             "): detach in a quiet moment, with a short lock_timeout and retries";
    } else {
      Proposal p = concurrently(ctx, step);
      help = "detach it CONCURRENTLY (SHARE UPDATE EXCLUSIVE on " + quoted(op->table) +
             ": queries of the other partitions go on); it runs in two transactions of its own, "
             "so it can't run in a transaction block, and PostgreSQL refuses it when the table "
             "has a DEFAULT partition; if it is interrupted, finish it with ALTER TABLE " +
             op->table.display() + " DETACH PARTITION " + op->other.display() + " FINALIZE";
      const bool inside = step.in_transaction && !step.op->autocommit;
      const std::string leave = leave_transaction_words(ctx, step);
      if (p.help.starts_with("add CONCURRENTLY")) {
        // No edit point (a name the lowering could not place, several subcommands).
        if (inside) help += "; " + leave;
      } else {
        help += (inside && p.help.starts_with(leave) ? "; " : ":\n") + p.help;
      }
      fix = std::move(p.fix);
      // PostgreSQL refuses it when a DEFAULT partition exists, which schemagate can't see.
      if (fix) fix->applicability = Applicability::unsafe;
    }
    ctx.report(step, std::move(message), std::move(help), std::move(fix));
  }
}

extern const RuleDef require_concurrent_partition_detach_rule{
    .id = "require-concurrent-partition-detach",
    .severity = Severity::warning,
    .category = "locks",
    .check = &require_concurrent_partition_detach,
    .checklist_item = "batched-and-concurrent"};

}  // namespace schemagate::rules
