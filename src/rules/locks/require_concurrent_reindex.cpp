// require-concurrent-reindex: REINDEX without CONCURRENTLY on an existing table or index.
#include <cstddef>
#include <set>
#include <span>

#include "rules/common.hpp"
#include "rules/fixes.hpp"
#include "rules/rules.hpp"
#include "schemagate/locks.hpp"

namespace schemagate::rules {

static void require_concurrent_reindex(RuleContext& ctx) {
  const int pg = ctx.settings().pg_version;
  // Tables and indexes created earlier in this migration (per phase): rebuilding them
  // locks out nobody. Replay does not resolve REINDEX targets, so the rule tracks them.
  std::set<std::string> new_tables;
  std::set<std::string> new_indexes;
  Phase phase = Phase::upgrade;
  const std::span<const Step> steps = ctx.steps();
  for (std::size_t at = 0; at < steps.size(); ++at) {
    const Step& step = steps[at];
    if (step.phase != phase) {
      phase = step.phase;
      new_tables.clear();
      new_indexes.clear();
    }
    if (const auto* t = step.as<CreateTable>()) new_tables.insert(t->table.key());
    if (const auto* i = step.as<CreateIndex>(); i != nullptr && !i->name.empty()) {
      if (new_tables.contains(i->table.key())) {
        new_indexes.insert(QualifiedName{i->table.schema, i->name}.key());
      }
    }
    const auto* op = step.as<Reindex>();
    if (op == nullptr || op->concurrently) continue;
    if (op->target_kind == "table" && new_tables.contains(op->name.key())) continue;
    if (op->target_kind == "index" && new_indexes.contains(op->name.key())) continue;
    // An earlier statement of the transaction holds ACCESS EXCLUSIVE on the table (an ALTER
    // TABLE of it): the REINDEX blocks nobody that isn't blocked already, until the same
    // commit (lemmy's REINDEX after changing a column's type, or after a bulk UPDATE with the
    // table's indexes switched off).
    if (op->target_kind == "table" && already_locked(steps, at, op->name, pg)) continue;
    if (op->target_kind == "index" && step.index_table &&
        already_locked(steps, at, *step.index_table, pg)) {
      continue;
    }
    std::string kind = op->target_kind;
    for (char& c : kind) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    std::string what = "REINDEX " + kind + (op->name.empty() ? "" : " " + op->name.display());
    std::string message;
    if (op->target_kind == "index") {
      message = what + " takes an ACCESS EXCLUSIVE lock on the index and a SHARE lock on its " +
                "table, blocking all writes to the table, and reads that use the index, " +
                "until the index is rebuilt";
    } else if (op->target_kind == "table") {
      message = what + " takes a SHARE lock on " + quoted(op->name) +
                " and an ACCESS EXCLUSIVE lock on each of its indexes, blocking all writes " +
                "to it, and reads that use its indexes, until every index is rebuilt";
    } else {
      message = what + " takes a SHARE lock on every table it reaches and an ACCESS " +
                "EXCLUSIVE lock on each of their indexes, blocking writes to them while " +
                "they are rebuilt one by one";
    }
    std::string help;
    std::optional<Fix> fix;
    if (op->target_kind == "system") {
      help =
          "REINDEX SYSTEM can't run concurrently: run it in a maintenance window, not in a "
          "migration";
    } else if (pg < 12) {
      help = "REINDEX CONCURRENTLY only exists from PostgreSQL 12 (the target is " +
             std::to_string(pg) +
             "): build a replacement with CREATE INDEX CONCURRENTLY, drop the old index with "
             "DROP INDEX CONCURRENTLY and give the new one the old one's name with ALTER INDEX "
             "RENAME TO, "
             "outside a transaction";
    } else {
      Proposal p = concurrently(ctx, step);
      help = std::move(p.help);
      fix = std::move(p.fix);
    }
    ctx.report(step, message, help, std::move(fix));
  }
}

extern const RuleDef require_concurrent_reindex_rule{.id = "require-concurrent-reindex",
                                                     .severity = Severity::warning,
                                                     .category = "locks",
                                                     .check = &require_concurrent_reindex,
                                                     .checklist_item = "batched-and-concurrent"};

}  // namespace schemagate::rules
