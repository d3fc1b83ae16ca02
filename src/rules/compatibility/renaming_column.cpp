// renaming-column: one-step column rename on an existing table.
#include <array>
#include <cstddef>
#include <span>
#include <string_view>

#include "rules/common.hpp"
#include "rules/rules.hpp"

namespace schemagate::rules {

namespace {

// The type a copy of a column gets: a serial column's copy is a plain integer (a serial type
// would make a second sequence and fill every row from it).
TypeName copy_type(TypeName t) {
  auto plain = [&](const char* name, const char* text) {
    t.name = name;
    t.text = t.array ? std::string(text) + "[]" : text;
  };
  if (t.name == "serial" || t.name == "serial4") plain("int4", "integer");
  if (t.name == "bigserial" || t.name == "serial8") plain("int8", "bigint");
  if (t.name == "smallserial" || t.name == "serial2") plain("int2", "smallint");
  return t;
}

// sa_type's spelling, when SQLAlchemy has that type: its own classes, or a PostgreSQL type
// of sqlalchemy.dialects.postgresql. Not an enum or a type the project defines, whose
// SQLAlchemy spelling the rule cannot know.
std::optional<std::string> known_sa_type(const TypeName& t) {
  if (t.name == "timetz") {
    return t.array ? "postgresql.ARRAY(sa.Time(timezone=True))" : "sa.Time(timezone=True)";
  }
  const std::string s = sa_type(t);
  std::string_view inner = s;
  if (inner.starts_with("postgresql.ARRAY(")) {
    inner.remove_prefix(std::string_view("postgresql.ARRAY(").size());
    inner.remove_suffix(1);
  }
  if (!inner.starts_with("postgresql.")) return s;
  static constexpr std::array<std::string_view, 19> dialect = {
      "postgresql.BIT()",       "postgresql.CIDR()",      "postgresql.CITEXT()",
      "postgresql.DATERANGE()", "postgresql.HSTORE()",    "postgresql.INET()",
      "postgresql.INT4RANGE()", "postgresql.INT8RANGE()", "postgresql.JSONB()",
      "postgresql.MACADDR()",   "postgresql.MACADDR8()",  "postgresql.MONEY()",
      "postgresql.NUMRANGE()",  "postgresql.OID()",       "postgresql.REGCLASS()",
      "postgresql.TSQUERY()",   "postgresql.TSRANGE()",   "postgresql.TSTZRANGE()",
      "postgresql.TSVECTOR()"};
  for (std::string_view d : dialect) {
    if (inner == d) return s;
  }
  return std::nullopt;
}

}  // namespace

static void renaming_column(RuleContext& ctx) {
  const std::span<const Step> steps = ctx.steps();
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const Step& step = steps[i];
    const auto* op = step.as<RenameColumn>();
    if (op == nullptr || !on_existing_object(step)) continue;
    // The old name is given back in the same transaction (rename x to x_old, add a new x):
    // running queries still find a column named x at commit.
    if (column_name_given_back(steps, i, op->table, op->column, true)) continue;
    // The new column is added nullable and without a default (catalog only), with the old
    // column's type when replay knows it.
    std::optional<TypeName> type;
    if (step.column_type) type = copy_type(*step.column_type);
    const std::string then =
        "write to both, backfill in batches, switch the application, then, "
        "in " +
        later_migration(ctx) + ":";
    std::string add;
    if (alembic(ctx)) {
      std::optional<std::string> sa = type ? known_sa_type(*type) : std::nullopt;
      if (sa) {
        add = "op.add_column(" + py_str(op->table.name) + ", sa.Column(" + py_str(op->new_name) +
              ", " + *sa + ")" + py_schema(op->table) + ")";
      }
    } else if (type) {
      add = "ALTER TABLE " + sql_table(op->table) + " ADD COLUMN " + sql_ident(op->new_name) + " " +
            sql_type(*type) + ";";
    }
    std::vector<std::string> code;
    if (!add.empty()) {
      code = {add, comment(ctx, then)};
    } else {
      // The type in words: the one replay knows, else the old column's, whatever it is.
      const std::string of = type && type->name != "enum"
                                 ? "of type " + sql_type(*type) + " (" + op->column + "'s type)"
                                 : "with " + op->column + "'s type";
      code = {comment(ctx, "add the column " + op->new_name + ", nullable, " + of + ","),
              comment(ctx, "then " + then)};
    }
    code.push_back(alembic(ctx) ? "op.drop_column(" + py_str(op->table.name) + ", " +
                                      py_str(op->column) + py_schema(op->table) + ")"
                                : "ALTER TABLE " + sql_table(op->table) + " DROP COLUMN " +
                                      sql_ident(op->column) + ";");
    ctx.report(step,
               "renaming " + quoted(op->table, op->column) + " to " + quoted(op->new_name) +
                   " breaks every running query that still uses the old name",
               "rename in phases:\n" + lines(code));
  }
}

extern const RuleDef renaming_column_rule{.id = "renaming-column",
                                          .severity = Severity::warning,
                                          .category = "compatibility",
                                          .check = &renaming_column};

}  // namespace schemagate::rules
