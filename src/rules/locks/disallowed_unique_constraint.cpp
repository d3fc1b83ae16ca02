// disallowed-unique-constraint: ADD UNIQUE without USING INDEX on an existing table.
#include <algorithm>
#include <iterator>

#include "rules/common.hpp"
#include "rules/fixes.hpp"
#include "rules/rules.hpp"
#include "schemagate/names.hpp"

namespace schemagate::rules {

namespace {

std::string join(const std::vector<std::string>& v, const char* quote) {
  std::string out;
  for (const std::string& s : v) {
    if (!out.empty()) out += ", ";
    out += quote + s + quote;
  }
  return out;
}

// One statement's UNIQUE constraints on one table (ALTER TABLE t ADD UNIQUE (a), ADD UNIQUE
// (b) is one finding, with one help for all of them).
struct Found {
  const Step* step;
  QualifiedName table;
  std::vector<std::pair<std::string, std::vector<std::string>>> indexes;  // name, columns
};

std::string help_for(const RuleContext& ctx, const Found& f, bool alembic) {
  // Where the concurrent build runs: outside the transaction, as the layout allows it.
  const std::string outside = "(" + leave_transaction_words(ctx, *f.step) + ")";
  std::string t = f.table.display();
  // A table, name or column only known at run time (a model's __tablename__, an f-string, an
  // expression): the statements can't be written out.
  bool known = !t.empty();
  for (const auto& [name, columns] : f.indexes) {
    known = known && !name.empty() && name.find('{') == std::string::npos;
    for (const std::string& c : columns) known = known && !c.empty() && c.front() != '(';
  }
  if (!known) {
    return "build the unique index first with CREATE UNIQUE INDEX CONCURRENTLY " + outside +
           ", then add the constraint on it with ADD CONSTRAINT and UNIQUE USING INDEX, which "
           "only takes a short lock";
  }
  std::string build;
  std::string attach;
  for (const auto& [name, columns] : f.indexes) {
    if (alembic) {
      build += "\n    op.create_index(\"" + name + "\", \"" + t + "\", [" + join(columns, "\"") +
               "], unique=True, postgresql_concurrently=True)";
      attach += std::string(attach.empty() ? "" : "\n") + "op.execute(\"ALTER TABLE " + t +
                " ADD CONSTRAINT " + name + " UNIQUE USING INDEX " + name + "\")";
    } else {
      build += "CREATE UNIQUE INDEX CONCURRENTLY " + name + " ON " + t + " (" + join(columns, "") +
               "); ";
      attach += std::string(attach.empty() ? "ALTER TABLE " + t + " " : ", ") + "ADD CONSTRAINT " +
                name + " UNIQUE USING INDEX " + name;
    }
  }
  if (alembic) return "with op.get_context().autocommit_block():" + build + "\nthen " + attach;
  return build + outside + " then " + attach + ";";
}

}  // namespace

static void disallowed_unique_constraint(RuleContext& ctx) {
  const bool alembic = traits(ctx.migration().layout).language == Language::python;
  std::vector<Found> found;
  for (const Step& step : ctx.steps()) {
    if (!on_existing_table(step)) continue;
    if (const QualifiedName* t = target_table(*step.op);
        t != nullptr && busy_under_lock(ctx.steps(), step, *t, ctx.settings().pg_version)) {
      continue;
    }
    // The same ALTER TABLE rewrites the table (a serial or volatile-default column): the new
    // index is built with the rewrite, one hazard, which the rewrite's finding reports.
    const std::span<const Step> statement =
        statement_of(ctx.steps(), static_cast<std::size_t>(&step - ctx.steps().data()));
    if (std::any_of(statement.begin(), statement.end(), [&](const Step& s) {
          return &s != &step && lock_of(s, ctx.settings().pg_version).work == Work::rewrite;
        })) {
      continue;
    }
    QualifiedName table;
    std::string name;
    std::vector<std::string> columns;
    if (const auto* op = step.as<AddConstraint>()) {
      if (op->kind != ConstraintKind::unique || op->using_index) continue;
      table = op->table;
      columns = op->columns;
      name = op->name;
    } else if (const auto* add = step.as<AddColumn>()) {
      if (!add->column.unique) continue;
      table = add->table;
      columns = {add->column.name};
    } else {
      continue;
    }
    auto same = std::find_if(found.begin(), found.end(), [&](const Found& f) {
      return f.step->phase == step.phase && f.step->op->range.begin == step.op->range.begin &&
             f.step->op->range.end == step.op->range.end && f.table.key() == table.key();
    });
    if (same == found.end()) {
      found.push_back({&step, table, {}});
      same = std::prev(found.end());
    }
    // The name PostgreSQL would give it: <table>_<col1>_<col2>_key within 63 bytes, numbered
    // past the ones this statement gives before it.
    if (name.empty()) {
      name = names::unique_key(table.name, columns, [&](const std::string& n) {
        return std::any_of(same->indexes.begin(), same->indexes.end(),
                           [&](const auto& i) { return i.first == n; });
      });
    }
    same->indexes.emplace_back(std::move(name), std::move(columns));
  }
  for (const Found& f : found) {
    ctx.report(*f.step,
               "ADD UNIQUE builds a unique index on " + quoted(f.table) +
                   " under an ACCESS EXCLUSIVE lock, blocking all reads and writes until the "
                   "whole table is indexed",
               help_for(ctx, f, alembic));
  }
}

extern const RuleDef disallowed_unique_constraint_rule{.id = "disallowed-unique-constraint",
                                                       .severity = Severity::warning,
                                                       .category = "locks",
                                                       .check = &disallowed_unique_constraint};

}  // namespace schemagate::rules
