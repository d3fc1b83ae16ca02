// changing-column-type: ALTER COLUMN TYPE that rewrites the table.
#include "rules/common.hpp"
#include "rules/rules.hpp"

namespace schemagate::rules {

namespace {

bool is_text_like(const TypeName& t) { return t.name == "text" || t.name == "varchar"; }

std::int64_t modifier(const TypeName& t, std::size_t i) {
  return i < t.modifiers.size() ? t.modifiers[i] : -1;
}

// True when PostgreSQL changes only the catalog: the old values are valid as they are.
bool binary_coercible(const TypeName& from, const TypeName& to) {
  // Array columns are rewritten whenever the element type changes.
  if (from.array || to.array)
    return from.array == to.array && from.name == to.name && from.modifiers == to.modifiers;
  if (to.name == "text") return is_text_like(from);
  if (to.name == "varchar" && is_text_like(from)) {
    if (to.modifiers.empty()) return true;  // varchar without a limit
    return from.name == "varchar" && !from.modifiers.empty() &&
           modifier(to, 0) >= modifier(from, 0);
  }
  if (to.name == "numeric" && from.name == "numeric") {
    if (to.modifiers.empty()) return true;
    if (from.modifiers.empty()) return false;
    return modifier(to, 0) >= modifier(from, 0) && modifier(to, 1) == modifier(from, 1);
  }
  if (to.name == "varbit" && (from.name == "varbit" || from.name == "bit")) {
    return to.modifiers.empty() ||
           (!from.modifiers.empty() && modifier(to, 0) >= modifier(from, 0));
  }
  if (to.name == "inet" && from.name == "cidr") return true;
  return from.name == to.name && from.modifiers == to.modifiers;
}

}  // namespace

void changing_column_type(RuleContext& ctx) {
  for (const Step& step : ctx.steps()) {
    const auto* op = step.as<AlterColumnType>();
    if (op == nullptr || !on_existing_table(step)) continue;
    if (step.previous_type && !op->has_using && binary_coercible(*step.previous_type, op->to)) {
      continue;
    }
    std::string change = step.previous_type
                             ? "from " + step.previous_type->text + " to " + op->to.text
                             : "to " + op->to.text;
    ctx.report(step,
               "changing the type of " + quoted(op->table, op->column) + " " + change +
                   " rewrites the table and its indexes under an ACCESS EXCLUSIVE lock, "
                   "blocking all reads and writes",
               "add a new column of the new type, fill it in batches and keep it in sync, switch "
               "the application to it, then drop the old column (widening varchar or numeric "
               "and varchar → text need no rewrite)");
  }
}

}  // namespace schemagate::rules
