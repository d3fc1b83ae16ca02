// constraint-missing-not-valid: ADD CHECK or FOREIGN KEY without NOT VALID on an existing
// table; or ADD ... NOT VALID followed by VALIDATE CONSTRAINT in the same transaction.
#include <map>

#include "rules/common.hpp"
#include "rules/fixes.hpp"
#include "rules/rules.hpp"

namespace schemagate::rules {

namespace {

std::string key_of(const QualifiedName& table, const std::string& name) {
  return table.key() + "/" + name;
}

}  // namespace

static void constraint_missing_not_valid(RuleContext& ctx) {
  const bool alembic = traits(ctx.migration().layout).language == Language::python;
  // Constraints added NOT VALID, with the transaction they were added in.
  std::map<std::string, int> not_valid;
  int tx = 0;  // the current transaction; 0 outside any
  int next_tx = 1;
  bool was_in_tx = false;
  Phase phase = Phase::upgrade;
  // The CHECKs without NOT VALID of the statement being read, reported once it is over.
  struct Found {
    const Step* step;
    QualifiedName table;
    std::vector<Proposal> proposals;
  };
  std::vector<Found> checks;
  auto flush = [&] {
    for (Found& f : checks) {
      Proposal p = combined(text_of(ctx, *f.step), std::move(f.proposals));
      ctx.report(*f.step,
                 "ADD CHECK on " + quoted(f.table) +
                     " validates every existing row while holding an ACCESS EXCLUSIVE lock, "
                     "blocking all reads and writes until the whole table is scanned",
                 std::move(p.help), std::move(p.fix));
    }
    checks.clear();
  };
  for (const Step& step : ctx.steps()) {
    if (step.phase != phase) {
      phase = step.phase;
      not_valid.clear();
      was_in_tx = false;
    }
    // Each statement outside a transaction commits on its own; a new transaction starts
    // when one is entered again (after COMMIT, after an autocommit block).
    if (!step.in_transaction || step.op->autocommit) {
      tx = 0;
      was_in_tx = false;
    } else if (!was_in_tx) {
      tx = next_tx++;
      was_in_tx = true;
    }
    if (const auto* tc = step.as<TransactionControl>()) {
      if (tc->kind == TransactionKind::commit || tc->kind == TransactionKind::rollback ||
          tc->kind == TransactionKind::prepare) {
        was_in_tx = false;  // whatever follows is another transaction
      }
      continue;
    }
    if (const auto* op = step.as<AddConstraint>()) {
      bool checked = op->kind == ConstraintKind::check || op->kind == ConstraintKind::foreign_key;
      if (!checked || op->using_index) continue;
      if (op->not_valid) {
        if (!op->name.empty() && tx != 0) not_valid[key_of(op->table, op->name)] = tx;
        continue;
      }
      if (!on_existing_table(step) ||
          busy_under_lock(ctx.steps(), step, op->table, ctx.settings().pg_version)) {
        continue;
      }
      // A foreign key is adding-foreign-key-constraint's finding (the same hazard, with the
      // locks of both tables): one hazard, one finding.
      if (op->kind == ConstraintKind::foreign_key) continue;
      // The CHECKs of one statement (ALTER TABLE t ADD CHECK ..., ADD CHECK ...) are one
      // finding, with one fix for all of them.
      if (!checks.empty() && checks.back().step->phase == step.phase &&
          checks.back().step->op->range.begin == step.op->range.begin &&
          checks.back().step->op->range.end == step.op->range.end) {
        checks.back().proposals.push_back(rules::not_valid(ctx, step, *op));
        continue;
      }
      flush();
      checks.push_back({&step, op->table, {}});
      checks.back().proposals.push_back(rules::not_valid(ctx, step, *op));
    } else if (const auto* v = step.as<ValidateConstraint>()) {
      flush();
      auto it = not_valid.find(key_of(v->table, v->name));
      if (it == not_valid.end() || tx == 0 || it->second != tx) continue;
      ctx.report(step,
                 "VALIDATE CONSTRAINT " + v->name +
                     " runs in the same transaction as the ADD "
                     "CONSTRAINT ... NOT VALID, so the lock that ADD took on " +
                     quoted(v->table) +
                     " (ACCESS EXCLUSIVE, or SHARE ROW EXCLUSIVE for a foreign key) is still "
                     "held while every row is checked",
                 alembic ? "move op.execute(\"ALTER TABLE " + v->table.display() +
                               " VALIDATE CONSTRAINT " + v->name + "\") to " +
                               later_migration(ctx, step)
                         : "move `ALTER TABLE " + v->table.display() + " VALIDATE CONSTRAINT " +
                               v->name + ";` to " + later_migration(ctx, step) +
                               (step.phase == Phase::upgrade ? " (or after a COMMIT)" : ""));
    }
  }
  flush();
}

extern const RuleDef constraint_missing_not_valid_rule{.id = "constraint-missing-not-valid",
                                                       .severity = Severity::warning,
                                                       .category = "locks",
                                                       .check = &constraint_missing_not_valid};

}  // namespace schemagate::rules
