// Helpers shared by rules that need more than a line.
#include "rules/common.hpp"

#include <cstddef>
#include <span>
#include <string>

namespace schemagate::rules {

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

bool already_locked(std::span<const Step> steps, std::size_t at, const QualifiedName& table,
                    int pg_version) {
  const Step& step = steps[at];
  if (!step.in_transaction) return false;
  for (std::size_t i = at; i-- > 0;) {
    const Step& s = steps[i];
    if (!same_transaction(step, s)) break;
    const QualifiedName* t = target_table(*s.op);
    if (t != nullptr && t->key() == table.key() && !s.op->in_function &&
        lock_of(s, pg_version).mode == LockMode::access_exclusive) {
      return true;
    }
  }
  return false;
}

}  // namespace schemagate::rules
