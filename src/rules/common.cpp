// Helpers shared by rules that need more than a line.
#include "rules/common.hpp"

#include <algorithm>
#include <cstddef>
#include <span>
#include <string>
#include <vector>

namespace schemagate::rules {

std::span<const Step> statement_of(std::span<const Step> steps, std::size_t at) {
  const Step& step = steps[at];
  auto same = [&](const Step& s) {
    return s.phase == step.phase && !s.op->shares_query && !step.op->shares_query &&
           s.op->range.begin == step.op->range.begin && s.op->range.end == step.op->range.end;
  };
  std::size_t begin = at;
  while (begin > 0 && same(steps[begin - 1])) --begin;
  std::size_t end = at + 1;
  while (end < steps.size() && same(steps[end])) ++end;
  return steps.subspan(begin, end - begin);
}

std::string subcommand_words(const Operation& op) {
  auto list = [](const std::vector<std::string>& columns) {
    std::string out;
    for (const std::string& c : columns) out += (out.empty() ? "" : ", ") + sql_ident(c);
    return " (" + out + ")";
  };
  if (const auto* o = op.as<DropColumn>()) return "DROP COLUMN " + sql_ident(o->column);
  if (const auto* o = op.as<AddColumn>()) return "ADD COLUMN " + sql_ident(o->column.name);
  if (const auto* o = op.as<DropConstraint>()) return "DROP CONSTRAINT " + sql_ident(o->name);
  if (const auto* o = op.as<ValidateConstraint>()) {
    return "VALIDATE CONSTRAINT " + sql_ident(o->name);
  }
  if (const auto* o = op.as<AddConstraint>()) {
    std::string out = "ADD ";
    if (!o->name.empty()) out += "CONSTRAINT " + sql_ident(o->name) + " ";
    switch (o->kind) {
      case ConstraintKind::primary_key:
        return out + "PRIMARY KEY" + (o->using_index ? " USING INDEX" : list(o->columns));
      case ConstraintKind::unique:
        return out + "UNIQUE" + (o->using_index ? " USING INDEX" : list(o->columns));
      case ConstraintKind::foreign_key:
        return out + "FOREIGN KEY" + list(o->columns);
      case ConstraintKind::check:
        return out + "CHECK";
      default:
        return o->name.empty() ? "ADD CONSTRAINT" : "ADD CONSTRAINT " + sql_ident(o->name);
    }
  }
  if (const auto* o = op.as<RenameColumn>()) {
    return "RENAME COLUMN " + sql_ident(o->column) + " TO " + sql_ident(o->new_name);
  }
  std::string out = operation_name(op);
  if (const auto* o = op.as<AlterColumnType>())
    out = "ALTER COLUMN " + sql_ident(o->column) + " TYPE";
  if (const auto* o = op.as<SetNotNull>())
    out = "ALTER COLUMN " + sql_ident(o->column) + " SET NOT NULL";
  if (const auto* o = op.as<DropNotNull>())
    out = "ALTER COLUMN " + sql_ident(o->column) + " DROP NOT NULL";
  return out;
}

const Step* column_name_given_back(std::span<const Step> steps, std::size_t at,
                                   const QualifiedName& table, const std::string& column,
                                   bool added) {
  const Step& step = steps[at];
  if (!step.in_transaction || step.op->in_function) return nullptr;
  for (std::size_t i = at + 1; i < steps.size(); ++i) {
    const Step& s = steps[i];
    if (!same_transaction(step, s)) break;
    if (const auto* r = s.as<RenameTable>(); r != nullptr && r->table.key() == table.key()) {
      break;  // the table no longer has its name
    }
    if (s.op->in_function) continue;
    if (const auto* add = s.as<AddColumn>();
        added && add != nullptr && add->table.key() == table.key() && add->column.name == column) {
      return &s;
    }
    const auto* rename = s.as<RenameColumn>();
    if (rename == nullptr || rename->table.key() != table.key()) continue;
    if (rename->new_name == column) return &s;
    if (rename->column == column) break;  // the name is taken away, not given back
  }
  return nullptr;
}

bool maybe_made_at_run_time(std::span<const Step> steps, const Step& step) {
  if (!step.never_seen) return false;
  for (const Step& s : steps) {
    if (&s == &step) break;
    if (s.phase == step.phase && s.op->is<Unanalyzable>()) return true;
  }
  return false;
}

// The table a step's lock is on: its target table, or, for DROP INDEX and REINDEX INDEX,
// the index's table when known.
static const QualifiedName* locked_table(const Step& s) {
  if ((s.op->is<DropIndex>() || s.op->is<Reindex>()) && s.index_table) return &*s.index_table;
  return target_table(*s.op);
}

bool already_locked(std::span<const Step> steps, std::size_t at, const QualifiedName& table,
                    int pg_version) {
  const Step& step = steps[at];
  if (!step.in_transaction) return false;
  for (std::size_t i = at; i-- > 0;) {
    const Step& s = steps[i];
    if (!same_transaction(step, s)) break;
    const QualifiedName* t = locked_table(s);
    if (t != nullptr && t->key() == table.key() && !s.op->in_function &&
        lock_of(s, pg_version).mode == LockMode::access_exclusive) {
      return true;
    }
  }
  return false;
}

bool unnamed_table_of_upgrade(std::span<const Step> steps, const Step& step,
                              const QualifiedName& table) {
  if (step.phase != Phase::downgrade || !table.name.empty()) return false;
  return std::any_of(steps.begin(), steps.end(), [](const Step& s) {
    const auto* c = s.as<CreateTable>();
    return c != nullptr && s.phase == Phase::upgrade && c->table.name.empty();
  });
}

bool table_dropped_before(std::span<const Step> steps, const Step& step,
                          const QualifiedName& table) {
  if (table.name.empty()) return false;
  for (const Step& s : steps) {
    if (&s == &step) return false;
    const auto* drop = s.as<DropTable>();
    if (drop != nullptr && s.phase == step.phase && drop->table.key() == table.key()) return true;
  }
  return false;
}

std::string lock_description(const RuleContext& ctx, const Step& step) {
  const int pg = ctx.settings().pg_version;
  const LockInfo lock = lock_of(step, pg);
  std::string out = lock.describe();
  const std::span<const Step> steps = ctx.steps();
  const QualifiedName* table = target_table(*step.op);
  if (lock.mode != LockMode::none && lock.mode < LockMode::access_exclusive && table != nullptr &&
      !step.op->autocommit && !table->name.empty() && &step >= steps.data() &&
      &step < steps.data() + steps.size() &&
      already_locked(steps, static_cast<std::size_t>(&step - steps.data()), *table, pg)) {
    out +=
        ", and reads too: an earlier statement of this transaction holds ACCESS EXCLUSIVE "
        "on " +
        table->display() + " until the commit";
  }
  return out;
}

bool busy_under_lock(std::span<const Step> steps, const Step& step, const QualifiedName& table,
                     int pg_version) {
  // Outside a transaction, or in the implicit one of a query string sent in an autocommit
  // block (Alembic's autocommit_block(): each string is a transaction of its own).
  if (!step.in_transaction || step.op->autocommit || &step < steps.data() ||
      &step >= steps.data() + steps.size()) {
    return false;
  }
  const std::size_t at = static_cast<std::size_t>(&step - steps.data());
  // The sub-commands of one ALTER TABLE run in one pass (one scan checks all its
  // constraints): the statement's own work is the step's, reported with it.
  const std::span<const Step> statement = statement_of(steps, at);
  bool busy = false;  // heavy work on the table after the step being looked at
  for (std::size_t i = at; i-- > 0;) {
    const Step& s = steps[i];
    if (&s >= statement.data() && &s < statement.data() + statement.size()) continue;
    if (!same_transaction(step, s) || s.op->autocommit) break;
    const QualifiedName* t = locked_table(s);
    if (t == nullptr || t->key() != table.key() || s.op->in_function) continue;
    const LockInfo lock = lock_of(s, pg_version);
    const auto* change = s.as<DataChange>();
    // Work of the step's own kind (another index build before an index build, another CHECK
    // before a CHECK) doesn't count: each has its own finding and fix, and fixing one would
    // leave the other without its finding.
    const bool same_kind = s.op->kind.index() == step.op->kind.index();
    busy = busy ||
           (!same_kind &&
            (lock.work == Work::rewrite || lock.work == Work::scan ||
             (change != nullptr && change->kind != DataChangeKind::insert && !change->has_where)));
    if (busy && lock.mode == LockMode::access_exclusive) return true;
  }
  return false;
}

}  // namespace schemagate::rules
