// adding-serial-primary-key-field: ADD PRIMARY KEY without USING INDEX, or ADD COLUMN of
// a primary key column, on an existing table.
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

std::string recipe(bool alembic, const std::string& t, const std::string& name,
                   const std::vector<std::string>& columns) {
  if (alembic) {
    return "with op.get_context().autocommit_block():\n    op.create_index(\"" + name + "\", \"" +
           t + "\", [" + join(columns, "\"") +
           "], unique=True, postgresql_concurrently=True)\nthen op.execute(\"ALTER TABLE " + t +
           " ADD CONSTRAINT " + name + " PRIMARY KEY USING INDEX " + name + "\")";
  }
  return "CREATE UNIQUE INDEX CONCURRENTLY " + name + " ON " + t + " (" + join(columns, "") +
         "); (outside a transaction) then ALTER TABLE " + t + " ADD CONSTRAINT " + name +
         " PRIMARY KEY USING INDEX " + name + ";";
}

}  // namespace

static void adding_serial_primary_key_field(RuleContext& ctx) {
  const bool alembic = traits(ctx.migration().layout).language == Language::python;
  for (const Step& step : ctx.steps()) {
    if (!on_existing_table(step)) continue;
    if (const auto* op = step.as<AddConstraint>()) {
      if (op->kind != ConstraintKind::primary_key || op->using_index) continue;
      std::string name = op->name.empty() ? op->table.name + "_pkey" : op->name;
      ctx.report(step,
                 "ADD PRIMARY KEY builds its index on " + quoted(op->table) +
                     " under an ACCESS EXCLUSIVE lock, blocking all reads and writes until the "
                     "whole table is indexed",
                 recipe(alembic, op->table.display(), name, op->columns));
    } else if (const auto* add = step.as<AddColumn>()) {
      const ColumnDef& c = add->column;
      if (!c.primary_key) continue;
      std::string t = add->table.display();
      std::string name = add->table.name + "_pkey";
      std::string fill = c.serial || c.identity ? " fills every row from a sequence, rewriting"
                                                : " builds its index on";
      ctx.report_at(step, c.range,
                    "ADD COLUMN " + c.name + " " + c.type.text + " PRIMARY KEY" + fill + " " +
                        quoted(add->table) +
                        " under an ACCESS EXCLUSIVE lock, blocking all reads and writes until it "
                        "is done",
                    "add " + c.name +
                        " as a plain nullable column, backfill it in batches, then build the key "
                        "concurrently: " +
                        recipe(alembic, t, name, {c.name}));
    }
  }
}

extern const RuleDef adding_serial_primary_key_field_rule{
    .id = "adding-serial-primary-key-field",
    .severity = Severity::warning,
    .category = "locks",
    .check = &adding_serial_primary_key_field};

}  // namespace schemagate::rules
