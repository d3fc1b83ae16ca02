// adding-foreign-key-constraint: ADD FOREIGN KEY without NOT VALID, or an inline
// REFERENCES on ADD COLUMN, on an existing table.
#include "rules/common.hpp"
#include "rules/rules.hpp"

namespace schemagate::rules {

namespace {

std::string join(const std::vector<std::string>& v, const char* sep, const char* quote) {
  std::string out;
  for (const std::string& s : v) {
    if (!out.empty()) out += sep;
    out += quote + s + quote;
  }
  return out;
}

std::string help_for(bool alembic, const QualifiedName& table, const std::string& name,
                     const std::vector<std::string>& columns, const QualifiedName& ref) {
  if (alembic) {
    return "op.create_foreign_key(\"" + name + "\", \"" + table.display() + "\", \"" +
           ref.display() + "\", [" + join(columns, ", ", "\"") +
           "], [...], postgresql_not_valid=True), then in a later revision op.execute(\"ALTER "
           "TABLE " +
           table.display() + " VALIDATE CONSTRAINT " + name + "\")";
  }
  return "ALTER TABLE " + table.display() + " ADD CONSTRAINT " + name + " FOREIGN KEY (" +
         join(columns, ", ", "") + ") REFERENCES " + ref.display() +
         " NOT VALID; then, in a later migration, ALTER TABLE " + table.display() +
         " VALIDATE CONSTRAINT " + name + ";";
}

std::string message_for(const QualifiedName& table, const QualifiedName& ref) {
  return "ADD FOREIGN KEY takes SHARE ROW EXCLUSIVE on " + quoted(table) + " and " + quoted(ref) +
         ", blocking writes to both while every row is checked";
}

}  // namespace

static void adding_foreign_key_constraint(RuleContext& ctx) {
  const bool alembic = traits(ctx.migration().layout).language == Language::python;
  for (const Step& step : ctx.steps()) {
    if (!on_existing_table(step)) continue;
    if (const auto* op = step.as<AddConstraint>()) {
      if (op->kind != ConstraintKind::foreign_key || op->not_valid || !op->references) continue;
      std::string name = op->name;
      if (name.empty()) {
        name = op->table.name + "_" + (op->columns.empty() ? "" : op->columns.front()) + "_fkey";
      }
      ctx.report(step, message_for(op->table, *op->references),
                 help_for(alembic, op->table, name, op->columns, *op->references));
    } else if (const auto* add = step.as<AddColumn>()) {
      if (!add->column.references) continue;
      const std::string& col = add->column.name;
      std::string name = add->table.name + "_" + col + "_fkey";
      std::string help =
          alembic ? "add " + col + " without ForeignKey(...), then " +
                        help_for(true, add->table, name, {col}, *add->column.references)
                  : "ALTER TABLE " + add->table.display() + " ADD COLUMN " + col + " " +
                        add->column.type.text + "; then " +
                        help_for(false, add->table, name, {col}, *add->column.references);
      ctx.report(step, message_for(add->table, *add->column.references), help);
    }
  }
}

extern const RuleDef adding_foreign_key_constraint_rule{.id = "adding-foreign-key-constraint",
                                                        .severity = Severity::warning,
                                                        .category = "locks",
                                                        .check = &adding_foreign_key_constraint};

}  // namespace schemagate::rules
