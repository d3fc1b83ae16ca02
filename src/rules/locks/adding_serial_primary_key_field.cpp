// adding-serial-primary-key-field: ADD PRIMARY KEY without USING INDEX, or ADD COLUMN of
// a primary key column, on an existing table.
#include <cstddef>
#include <span>
#include <string>
#include <vector>

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

// ": the statement's other sub-commands (...) stay, in their order", or "" when it has none.
std::string others_stay(std::span<const Step> statement, const Step& key) {
  std::string others;
  for (const Step& s : statement) {
    if (&s != &key) others += (others.empty() ? "" : ", ") + subcommand_words(*s.op);
  }
  return others.empty()
             ? ""
             : "; the ALTER TABLE's other sub-commands (" + others + ") stay, in their order";
}

// Builds the key's unique index `index` concurrently, then attaches it as the key `name`
// (ADD CONSTRAINT ... USING INDEX renames the index to `name`). `statement` is the key's ALTER
// TABLE with its sub-commands; when it has others (DROP COLUMN id, DROP CONSTRAINT ...), the
// USING INDEX takes the key's place among them and they stay, in their order.
std::string recipe(bool alembic, std::span<const Step> statement, const Step& key,
                   const std::string& t, const std::string& name, const std::string& index,
                   const std::vector<std::string>& columns) {
  const std::string attach = "ADD CONSTRAINT " + name + " PRIMARY KEY USING INDEX " + index;
  std::string others;
  for (const Step& s : statement) {
    if (&s != &key) others += (others.empty() ? "" : ", ") + subcommand_words(*s.op);
  }
  std::string then;
  if (others.empty()) {
    then = alembic ? "then op.execute(\"ALTER TABLE " + t + " " + attach + "\")"
                   : "then ALTER TABLE " + t + " " + attach + ";";
  } else {
    then = "then, in this ALTER TABLE, " + attach + " in place of " + subcommand_words(*key.op) +
           ": its other sub-commands (" + others + ") stay, in their order";
  }
  if (alembic) {
    return "with op.get_context().autocommit_block():\n    op.create_index(\"" + index + "\", \"" +
           t + "\", [" + join(columns, "\"") + "], unique=True, postgresql_concurrently=True)\n" +
           then;
  }
  return "CREATE UNIQUE INDEX CONCURRENTLY " + index + " ON " + t + " (" + join(columns, "") +
         "); (outside a transaction) " + then;
}

}  // namespace

static void adding_serial_primary_key_field(RuleContext& ctx) {
  const bool alembic = traits(ctx.migration().layout).language == Language::python;
  const std::span<const Step> steps = ctx.steps();
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const Step& step = steps[i];
    if (!on_existing_table(step)) continue;
    if (const QualifiedName* t = target_table(*step.op);
        t != nullptr && busy_under_lock(steps, step, *t, ctx.settings().pg_version)) {
      continue;
    }
    const std::span<const Step> statement = statement_of(steps, i);
    if (const auto* op = step.as<AddConstraint>()) {
      if (op->kind != ConstraintKind::primary_key || op->using_index) continue;
      std::string name = op->name.empty() ? op->table.name + "_pkey" : op->name;
      std::string index = step.key_index_name.empty() ? name : step.key_index_name;
      ctx.report(step,
                 "ADD PRIMARY KEY builds its index on " + quoted(op->table) +
                     " under an ACCESS EXCLUSIVE lock, blocking all reads and writes until the "
                     "whole table is indexed",
                 recipe(alembic, statement, step, op->table.display(), name, index, op->columns));
    } else if (const auto* add = step.as<AddColumn>()) {
      const ColumnDef& c = add->column;
      if (!c.primary_key) continue;
      std::string t = add->table.display();
      std::string name = add->table.name + "_pkey";
      std::string index = step.key_index_name.empty() ? name : step.key_index_name;
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
                        recipe(alembic, statement.subspan(0, 0), step, t, name, index, {c.name}) +
                        others_stay(statement, step));
    }
  }
}

extern const RuleDef adding_serial_primary_key_field_rule{
    .id = "adding-serial-primary-key-field",
    .severity = Severity::warning,
    .category = "locks",
    .check = &adding_serial_primary_key_field};

}  // namespace schemagate::rules
