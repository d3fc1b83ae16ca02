// Shared by the type hygiene rules: the columns whose type a migration chooses, and how
// to spell a replacement in the migration's own language.
#pragma once

#include <algorithm>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "rules/common.hpp"
#include "rules/fixes.hpp"

namespace schemagate::rules::types {

// A column whose type the upgrade chooses: a CREATE TABLE column, an ADD COLUMN, or the
// target of ALTER COLUMN TYPE. A downgrade only restores what was there before.
struct TypedColumn {
  const Step* step = nullptr;
  const QualifiedName* table = nullptr;
  const std::string* column = nullptr;
  const TypeName* type = nullptr;
  const ColumnDef* def = nullptr;  // null for ALTER COLUMN TYPE
  // Where the column is written (its definition, or the ALTER COLUMN sub-command), when known.
  std::optional<ByteRange> range;
};

template <typename F>
void for_each_typed_column(RuleContext& ctx, bool include_type_changes, F&& f) {
  for (const Step& step : ctx.steps()) {
    if (step.phase != Phase::upgrade) continue;
    if (const auto* t = step.as<CreateTable>()) {
      for (const ColumnDef& c : t->columns) {
        f(TypedColumn{&step, &t->table, &c.name, &c.type, &c, c.range});
      }
    } else if (const auto* a = step.as<AddColumn>()) {
      f(TypedColumn{&step, &a->table, &a->column.name, &a->column.type, &a->column,
                    a->column.range});
    } else if (const auto* t2 = step.as<AlterColumnType>(); t2 != nullptr && include_type_changes) {
      f(TypedColumn{&step, &t2->table, &t2->column, &t2->to, nullptr, t2->range});
    }
  }
}

inline bool is_alembic(const RuleContext& ctx) { return alembic(ctx); }
using rules::py_str;
using rules::sql_ident;
using rules::sql_table;

// The type as the user wrote it, for messages.
inline std::string written(const TypeName& t) { return quoted(t.text.empty() ? t.name : t.text); }

// "`users.id`"
inline std::string label(const TypedColumn& c) { return quoted(*c.table, *c.column); }

// What to write instead, in the file's language: the column with the new type (SQL type
// `sql_type`, SQLAlchemy type `sa_type`), or the ALTER COLUMN TYPE with the new target.
// `sql_extra` / `sa_extra` follow the type (e.g. an identity clause).
inline std::string replacement(const RuleContext& ctx, const TypedColumn& c,
                               const std::string& sql_type, const std::string& sa_type,
                               const std::string& sql_extra = "",
                               const std::string& sa_extra = "") {
  bool array = c.type->array;
  std::string out;
  if (is_alembic(ctx)) {
    std::string type = array ? "postgresql.ARRAY(" + sa_type + ")" : sa_type;
    if (c.def == nullptr) {
      out =
          "op.alter_column(" + py_str(c.table->name) + ", " + py_str(*c.column) + ", type_=" + type;
      if (!c.table->schema.empty()) out += ", schema=" + py_str(c.table->schema);
      return out + ")";
    }
    out = "sa.Column(" + py_str(*c.column) + ", " + type + sa_extra;
    if (c.def->primary_key) out += ", primary_key=True";
    if (c.def->not_null && !c.def->primary_key && sa_extra.empty()) out += ", nullable=False";
    out += ")";
  } else {
    std::string type = array ? sql_type + "[]" : sql_type;
    if (c.def == nullptr) {
      return "ALTER TABLE " + sql_table(*c.table) + " ALTER COLUMN " + sql_ident(*c.column) +
             " TYPE " + type + ";";
    }
    out = sql_ident(*c.column) + " " + type + sql_extra;
    if (c.def->primary_key) {
      out += " PRIMARY KEY";
    } else if (c.def->not_null && sql_extra.empty()) {
      out += " NOT NULL";
    }
  }
  return out;
}

// The help: "write `<replacement>`", and what else of the column to keep.
inline std::string write_instead(const RuleContext& ctx, const TypedColumn& c,
                                 const std::string& sql_type, const std::string& sa_type,
                                 const std::string& sql_extra = "",
                                 const std::string& sa_extra = "") {
  std::string out = "write `" + replacement(ctx, c, sql_type, sa_type, sql_extra, sa_extra) + "`";
  if (c.def != nullptr && ((c.def->default_value && !c.def->serial) || c.def->references ||
                           c.def->unique || c.def->generated)) {
    out += ", keeping the column's other clauses";
  }
  return out;
}

// The column's type changed where the migration writes it (rules/fixes.hpp, column_type_edit),
// with `words` before the changed definition as help. Only for a column definition (CREATE TABLE
// element, ADD COLUMN, sa.Column(...)): a type change (ALTER COLUMN TYPE) gets none.
inline std::optional<Proposal> retyped(const RuleContext& ctx, const TypedColumn& c, Retype to,
                                       const std::string& title, const std::string& words) {
  if (c.def == nullptr || !c.range) return std::nullopt;
  std::string_view text = text_of(ctx, *c.step);
  std::optional<Edit> edit = column_type_edit(text, *c.range, to);
  if (!edit) return std::nullopt;
  Proposal p;
  p.fix = Fix{title, Applicability::unsafe, {*edit}};
  p.help = words + ":\n" + preview(text, *c.range, {*edit});
  return p;
}

// prefer-bigint-over-int and prefer-bigint-over-smallint: a new column of a narrow integer
// type (`plain`) or its serial spelling, with why it is too small.
// Is `column` of the step's CREATE TABLE or ADD COLUMN a foreign key column (an inline
// REFERENCES / sa.ForeignKey, or one of a table-level FOREIGN KEY's columns)?
inline bool references_another_key(const Step& step, const ColumnDef& column) {
  if (column.references) return true;
  const auto* t = step.as<CreateTable>();
  if (t == nullptr) return false;
  return std::any_of(t->foreign_keys.begin(), t->foreign_keys.end(), [&](const auto& fk) {
    return std::find(fk.columns.begin(), fk.columns.end(), column.name) != fk.columns.end();
  });
}

inline void report_narrow_integer(RuleContext& ctx, std::string_view plain,
                                  std::initializer_list<std::string_view> serials,
                                  std::string_view why) {
  for_each_typed_column(ctx, true, [&](const TypedColumn& c) {
    const std::string& n = c.type->name;
    bool serial = std::find(serials.begin(), serials.end(), n) != serials.end();
    if (n != plain && !serial) return;
    // A foreign key column takes the type of the key it references: the advice belongs to
    // that key (a 32-bit id referenced by a 64-bit column gains nothing).
    if (c.def != nullptr && !serial && references_another_key(*c.step, *c.def)) return;
    std::string help = serial
                           ? write_instead(ctx, c, "bigint", "sa.BigInteger()",
                                           " GENERATED BY DEFAULT AS IDENTITY", ", sa.Identity()")
                           : write_instead(ctx, c, "bigint", "sa.BigInteger()");
    // Unsafe: the application reads and writes 64-bit values.
    std::string words =
        !serial ? "make it 64-bit now, while the column is new"
        : is_alembic(ctx)
            ? "make it 64-bit now, while the column is new (or an identity column, "
              "`sa.BigInteger(), sa.Identity()`: see prefer-identity)"
            : "make it bigserial now, while the column is new (or an identity column, "
              "`bigint GENERATED BY DEFAULT AS IDENTITY`: see prefer-identity)";
    std::optional<Proposal> p =
        retyped(ctx, c, Retype::bigint,
                serial ? "Change the type to bigserial" : "Change the type to bigint", words);
    if (p) help = std::move(p->help);
    ctx.report_at(*c.step, c.range,
                  "column " + label(c) + " is " + written(*c.type) + " " + std::string(why), help,
                  p ? std::move(p->fix) : std::nullopt);
  });
}

}  // namespace schemagate::rules::types
