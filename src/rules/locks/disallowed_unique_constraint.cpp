// disallowed-unique-constraint: ADD UNIQUE without USING INDEX on an existing table.
#include "rules/common.hpp"
#include "rules/rules.hpp"

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

}  // namespace

static void disallowed_unique_constraint(RuleContext& ctx) {
  const bool alembic = traits(ctx.migration().layout).language == Language::python;
  for (const Step& step : ctx.steps()) {
    if (!on_existing_table(step)) continue;
    QualifiedName table;
    std::string name;
    std::vector<std::string> columns;
    if (const auto* op = step.as<AddConstraint>()) {
      if (op->kind != ConstraintKind::unique || op->using_index) continue;
      table = op->table;
      columns = op->columns;
      name = op->name.empty() ? table.name + "_" + (columns.empty() ? "" : columns.front()) + "_key"
                              : op->name;
    } else if (const auto* add = step.as<AddColumn>()) {
      if (!add->column.unique) continue;
      table = add->table;
      columns = {add->column.name};
      name = table.name + "_" + add->column.name + "_key";
    } else {
      continue;
    }
    std::string t = table.display();
    std::string help =
        alembic ? "with op.get_context().autocommit_block():\n    op.create_index(\"" + name +
                      "\", \"" + t + "\", [" + join(columns, "\"") +
                      "], unique=True, postgresql_concurrently=True)\nthen "
                      "op.execute(\"ALTER TABLE " +
                      t + " ADD CONSTRAINT " + name + " UNIQUE USING INDEX " + name + "\")"
                : "CREATE UNIQUE INDEX CONCURRENTLY " + name + " ON " + t + " (" +
                      join(columns, "") + "); (outside a transaction) then ALTER TABLE " + t +
                      " ADD CONSTRAINT " + name + " UNIQUE USING INDEX " + name + ";";
    ctx.report(step,
               "ADD UNIQUE builds a unique index on " + quoted(table) +
                   " under an ACCESS EXCLUSIVE lock, blocking all reads and writes until the "
                   "whole table is indexed",
               help);
  }
}

extern const RuleDef disallowed_unique_constraint_rule{.id = "disallowed-unique-constraint",
                                                       .severity = Severity::warning,
                                                       .category = "locks",
                                                       .check = &disallowed_unique_constraint};

}  // namespace schemagate::rules
