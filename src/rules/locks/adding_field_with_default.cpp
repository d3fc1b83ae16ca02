// adding-field-with-default: ADD COLUMN whose default makes PostgreSQL rewrite the table.
#include "rules/common.hpp"
#include "rules/rules.hpp"

namespace schemagate::rules {

namespace {

// Why the column's default forces a rewrite; empty when it doesn't.
std::string rewrite_reason(const ColumnDef& c, int pg_version) {
  if (c.generated) return "a generated STORED column is computed for every row";
  if (c.identity) return "an identity column gets a value for every row";
  if (c.serial) return "a serial column takes nextval() for every row";
  if (!c.default_value) return {};
  if (c.default_value->volatile_) {
    return "the volatile default " + c.default_value->text + " is evaluated for every row";
  }
  if (pg_version < 11) {
    return "before PostgreSQL 11 any default (" + c.default_value->text +
           ") is written to every row";
  }
  return {};
}

}  // namespace

void adding_field_with_default(RuleContext& ctx) {
  for (const Step& step : ctx.steps()) {
    const auto* op = step.as<AddColumn>();
    if (op == nullptr || !on_existing_table(step)) continue;
    std::string reason = rewrite_reason(op->column, ctx.settings().pg_version);
    if (reason.empty()) continue;
    ctx.report(step,
               "adding column " + quoted(op->column.name) + " rewrites " + quoted(op->table) +
                   " under an ACCESS EXCLUSIVE lock, blocking all reads and writes: " + reason,
               "add the column without a default (or with a constant one), then fill it in "
               "batches in a separate migration, then set the default");
  }
}

}  // namespace schemagate::rules
