// adding-not-nullable-field: SET NOT NULL on an existing table.
#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "rules/common.hpp"
#include "rules/rules.hpp"

namespace schemagate::rules {

// An UPDATE of `table` earlier in the transaction of steps[at].
static bool updated_before(std::span<const Step> steps, std::size_t at,
                           const QualifiedName& table) {
  for (std::size_t i = at; i-- > 0;) {
    if (!same_transaction(steps[at], steps[i])) return false;
    const auto* d = steps[i].as<DataChange>();
    if (d != nullptr && d->kind == DataChangeKind::update && d->table.key() == table.key()) {
      return true;
    }
  }
  return false;
}

static void adding_not_nullable_field(RuleContext& ctx) {
  const std::span<const Step> steps = ctx.steps();
  const int pg = ctx.settings().pg_version;
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const Step& step = steps[i];
    const auto* op = step.as<SetNotNull>();
    if (op == nullptr) continue;
    // The SET NOT NULLs of one ALTER TABLE (the steps that follow with the same statement):
    // PostgreSQL checks them in one scan, one finding.
    std::vector<std::string> columns;
    std::size_t last = i;
    for (std::size_t j = i; j < steps.size(); ++j) {
      if (steps[j].op->range.begin != step.op->range.begin || steps[j].phase != step.phase) {
        break;
      }
      const auto* o = steps[j].as<SetNotNull>();
      if (o == nullptr || o->table.key() != op->table.key()) continue;
      last = j;
      const Step& s = steps[j];
      if (!on_existing_table(s) || busy_under_lock(steps, s, o->table, pg)) continue;
      // PostgreSQL 12+ skips the scan when a validated CHECK (col IS NOT NULL) proves it.
      if (s.not_null_proven && pg >= 12) continue;
      // The column is NOT NULL already: PostgreSQL skips the statement's check.
      if (s.unchanged) continue;
      // A column this migration added and filled, with its table locked since earlier in
      // the same transaction (lemmy's columns rebuilt as x_new, filled, renamed, then made
      // NOT NULL): no one else can reach the table before the commit, and
      // mixed-schema-and-data reports the fill that keeps it locked.
      if (s.object_is_new && already_locked(steps, j, o->table, pg) &&
          updated_before(steps, j, o->table)) {
        continue;
      }
      columns.push_back(o->column);
    }
    const std::size_t first = i;
    i = last;
    if (columns.empty()) continue;
    std::string help =
        pg >= 12 ? "add a CHECK NOT VALID and validate it in " + later_migration(ctx, step) +
                       "; SET NOT NULL then skips the scan:\n"
                 : "before PostgreSQL 12 SET NOT NULL always scans; use a CHECK NOT VALID, "
                   "validated in " +
                       later_migration(ctx, step) + ", instead:\n";
    std::string named;
    for (std::size_t k = 0; k < columns.size(); ++k) {
      named += (k == 0                    ? ""
                : k + 1 == columns.size() ? " and "
                                          : ", ") +
               quoted(op->table, columns[k]);
    }
    ctx.report(steps[first],
               "SET NOT NULL on " + named + ": " + lock_description(ctx, step) +
                   " to check that no row is NULL",
               help + lines(not_null_plan(ctx, step, op->table, columns)));
  }
}

extern const RuleDef adding_not_nullable_field_rule{.id = "adding-not-nullable-field",
                                                    .severity = Severity::warning,
                                                    .category = "locks",
                                                    .check = &adding_not_nullable_field};

}  // namespace schemagate::rules
