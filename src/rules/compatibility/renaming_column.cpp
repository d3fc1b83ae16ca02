// renaming-column: one-step column rename on an existing table.
#include <array>
#include <cctype>
#include <cstddef>
#include <set>
#include <span>
#include <string_view>
#include <tuple>

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
    t.python.clear();  // the serial type's spelling
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
  if (!t.python.empty()) return t.python;                          // as the revisions write it
  if (t.name.find('.') != std::string::npos) return std::nullopt;  // the project's class
  std::string s = sa_type(t);
  if (s.find("postgresql.ENUM(") != std::string::npos) return std::nullopt;
  return s;
}

// Does SQL text name `identifier` as a whole word (any case, quoted or not)?
bool mentions_identifier(std::string_view text, std::string_view identifier) {
  auto lower = [](unsigned char c) { return static_cast<char>(std::tolower(c)); };
  auto word = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '$';
  };
  if (identifier.empty() || text.size() < identifier.size()) return false;
  for (std::size_t at = 0; at + identifier.size() <= text.size(); ++at) {
    bool same = true;
    for (std::size_t k = 0; k < identifier.size() && same; ++k) {
      same = lower(static_cast<unsigned char>(text[at + k])) ==
             lower(static_cast<unsigned char>(identifier[k]));
    }
    if (!same) continue;
    const std::size_t end = at + identifier.size();
    if ((at == 0 || !word(text[at - 1])) && (end == text.size() || !word(text[end]))) return true;
  }
  return false;
}

// After a column added under the old name (steps[at]), is it filled from the renamed column
// before the commit: an UPDATE of the table that sets it (or whose SET list is not known), or
// SQL that can't be read? Running code then finds the data under the name when it commits
// (lemmy's newest_comment_time, fides' enum column moved row by row).
bool filled_before_commit(std::span<const Step> steps, std::size_t at, const QualifiedName& table,
                          const std::string& column) {
  const Step& added = steps[at];
  for (std::size_t i = at + 1; i < steps.size(); ++i) {
    const Step& s = steps[i];
    if (!same_transaction(added, s)) break;
    if (s.op->is<Unanalyzable>()) return true;
    const auto* change = s.as<DataChange>();
    if (change == nullptr || change->kind != DataChangeKind::update ||
        change->table.key() != table.key()) {
      continue;
    }
    if (change->set_list.empty() || mentions_identifier(change->set_list, column)) return true;
  }
  return false;
}

}  // namespace

static void renaming_column(RuleContext& ctx) {
  const std::span<const Step> steps = ctx.steps();
  // Renames already reported, per phase: the same rename again (superset retries it in an
  // `except` branch after dropping a MySQL check) is the same hazard.
  std::set<std::tuple<Phase, std::string, std::string, std::string>> seen;
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const Step& step = steps[i];
    const auto* op = step.as<RenameColumn>();
    if (op == nullptr || !on_existing_object(step)) continue;
    if (!seen.emplace(step.phase, op->table.key(), op->column, op->new_name).second) continue;
    // The old name is given back in the same transaction (rename x to x_old, add a new x, to
    // move x to a new type): running queries still find a column named x at commit, but it
    // holds other values. The hazard is the data they read and write, not a missing name.
    if (const Step* back = column_name_given_back(steps, i, op->table, op->column, true)) {
      const auto* other = back->as<RenameColumn>();
      if (other == nullptr &&
          filled_before_commit(steps, static_cast<std::size_t>(back - steps.data()), op->table,
                               op->column)) {
        continue;
      }
      const std::string now = other != nullptr
                                  ? "the values of " + quoted(other->column) + ", renamed to it"
                                  : "a new column (NULL or its default in every existing row)";
      ctx.report(step,
                 "renaming " + quoted(op->table, op->column) + " to " + quoted(op->new_name) +
                     " and giving " + quoted(op->column) +
                     " to another column in the same transaction: running code that uses " +
                     quoted(op->column) + " now reads and writes " + now + ", not the data it had",
                 step.phase == Phase::downgrade
                     ? rollback_help(quoted(op->column),
                                     "keep it on its data in the downgrade and give the new "
                                     "column another name")
                     : "keep " + quoted(op->column) +
                           " on its data until the application has moved: add the replacement "
                           "under a new name, keep it in sync (trigger), backfill it in batches, "
                           "switch the application to it, then drop " +
                           quoted(op->column) + " in " + later_migration(ctx, step));
      continue;
    }
    const std::string message = "renaming " + quoted(op->table, op->column) + " to " +
                                quoted(op->new_name) +
                                " breaks every running query that still uses the old name";
    if (step.phase == Phase::downgrade) {
      ctx.report(step, message,
                 rollback_help("the name " + quoted(op->column), "keep it in the downgrade"));
      continue;
    }
    // The new column is added nullable and without a default (catalog only), with the old
    // column's type when replay knows it.
    std::optional<TypeName> type;
    if (step.column_type) type = copy_type(*step.column_type);
    const std::string then =
        "write to both, backfill in batches, switch the application, then, "
        "in " +
        later_migration(ctx, step) + ":";
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
    ctx.report(step, message, "rename in phases:\n" + lines(code));
  }
}

extern const RuleDef renaming_column_rule{.id = "renaming-column",
                                          .severity = Severity::warning,
                                          .category = "compatibility",
                                          .check = &renaming_column};

}  // namespace schemagate::rules
