// identifier-too-long: a table, column, index or constraint name over 63 bytes, which
// PostgreSQL silently truncates.
#include <cctype>
#include <optional>
#include <string>
#include <string_view>

#include "rules/rules.hpp"
#include "rules/types/type_rules.hpp"

namespace schemagate::rules {

namespace {

constexpr std::size_t kMaxIdentifierBytes = 63;  // NAMEDATALEN - 1

// What PostgreSQL keeps: the first 63 bytes, cut back to a whole UTF-8 character.
std::string truncated(std::string_view name) {
  if (name.size() <= kMaxIdentifierBytes) return std::string(name);
  std::size_t n = kMaxIdentifierBytes;
  while (n > 0 && (static_cast<unsigned char>(name[n]) & 0xC0U) == 0x80U) --n;
  return std::string(name.substr(0, n));
}

// UTF-8 characters in `name` (bytes that don't continue one).
std::size_t characters(std::string_view name) {
  std::size_t n = 0;
  for (char c : name) n += (static_cast<unsigned char>(c) & 0xC0U) != 0x80U ? 1 : 0;
  return n;
}

bool ident_byte(char c) {
  auto u = static_cast<unsigned char>(c);
  return (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || u == '_' ||
         u == '$' || u >= 0x80;
}

// A quoted identifier starting after the `"` at `at - 1`, with `""` unescaped; nullopt when
// it isn't closed.
std::optional<std::string> quoted_at(std::string_view text, std::size_t at) {
  std::string out;
  for (std::size_t i = at; i < text.size(); ++i) {
    if (text[i] != '"') {
      out += text[i];
    } else if (i + 1 < text.size() && text[i + 1] == '"') {
      out += '"';
      ++i;
    } else {
      return out;
    }
  }
  return std::nullopt;
}

// An unquoted identifier starting at `at`, folded to lower case as PostgreSQL folds it
// (ASCII letters only).
std::string unquoted_at(std::string_view text, std::size_t at) {
  std::string out;
  for (std::size_t i = at; i < text.size() && ident_byte(text[i]); ++i) {
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(text[i])));
  }
  return out;
}

// The SQL parser already truncated the name to 63 bytes (cut back to a whole character), as
// PostgreSQL does: find the name as written in the statement, quoted or not, whose first 63
// bytes it is.
std::string as_written(std::string_view text, const std::string& name) {
  for (std::size_t at = 0; at < text.size(); ++at) {
    if (at > 0 && text[at - 1] == '"') {
      if (auto q = quoted_at(text, at); q && q->size() > name.size() && truncated(*q) == name) {
        return *q;
      }
      continue;
    }
    if (!ident_byte(text[at]) || (at > 0 && ident_byte(text[at - 1]))) continue;
    std::string u = unquoted_at(text, at);
    if (u.size() > name.size() && truncated(u) == name) return u;
  }
  return name;
}

// A name an Alembic revision builds with an f-string field or a .format() hole whose value is
// known only at run time: the frontend keeps the hole as written (`{prefix}`), so its length
// is not the name's.
bool unrendered_template(std::string_view name) {
  std::size_t open = name.find('{');
  return open != std::string_view::npos && name.find('}', open) != std::string_view::npos;
}

enum class Use { create, lookup };

// `at`: where the name is written (a column's definition), when known; else the operation.
void check(RuleContext& ctx, const Step& step, std::string_view kind, std::string name,
           Use use = Use::create, const std::optional<ByteRange>& at = std::nullopt) {
  if (types::is_alembic(ctx) && unrendered_template(name)) return;
  // A name cut to 63 bytes ends at most 3 bytes short of them (a 4-byte character).
  if (name.size() + 3 >= kMaxIdentifierBytes && name.size() <= kMaxIdentifierBytes) {
    if (const SourceFile* file = ctx.migration().file_of(step.phase); file != nullptr) {
      ByteRange r = step.op->range;
      std::string_view text = file->text;
      if (r.begin < r.end && r.end <= text.size()) {
        name = as_written(text.substr(r.begin, r.end - r.begin), name);
      }
    }
  }
  if (name.size() <= kMaxIdentifierBytes) return;
  std::string kept = truncated(name);
  const std::size_t cut = name.size() - kept.size();
  const std::string shorter = std::to_string(cut) + (cut == 1 ? " byte" : " bytes") + " shorter";
  std::string bytes = std::to_string(name.size()) + " bytes";
  if (std::size_t chars = characters(name); chars != name.size()) {
    bytes += " (" + std::to_string(chars) + " characters)";
  }
  if (use == Use::lookup) {
    ctx.report_at(
        step, at,
        std::string(kind) + " name " + quoted(name) + " is " + bytes +
            ": PostgreSQL silently truncates it to 63 bytes, " + quoted(kept) +
            ", before looking it up, so this statement acts on the " + std::string(kind) +
            " named " + quoted(kept),
        "write the " + std::string(kind) + "'s name as PostgreSQL stores it: " + quoted(kept));
    return;
  }
  ctx.report_at(step, at,
                std::string(kind) + " name " + quoted(name) + " is " + bytes +
                    ": PostgreSQL silently truncates it to 63 bytes, " + quoted(kept) +
                    ": SQL that writes the full name still finds it (it is cut the same way), "
                    "but code that compares the name as text (catalog queries, ORM "
                    "reflection and autogenerate, errors matched by constraint name) does not, "
                    "and names that share those 63 bytes collide",
                std::string(kind == "index" ? "choose an " : "choose a ") + std::string(kind) +
                    " name of at most 63 bytes (" + shorter + ")");
}

}  // namespace

static void identifier_too_long(RuleContext& ctx) {
  bool alembic = types::is_alembic(ctx);
  for (const Step& step : ctx.steps()) {
    if (step.phase != Phase::upgrade) continue;
    const Operation& op = *step.op;
    if (const auto* t = op.as<CreateTable>()) {
      check(ctx, step, "table", t->table.name);
      for (const ColumnDef& c : t->columns)
        check(ctx, step, "column", c.name, Use::create, c.range);
      for (const TableForeignKey& fk : t->foreign_keys) {
        if (!fk.name.empty()) check(ctx, step, "constraint", fk.name);
      }
    } else if (const auto* d = op.as<DropTable>()) {
      check(ctx, step, "table", d->table.name, Use::lookup);
    } else if (const auto* di = op.as<DropIndex>()) {
      check(ctx, step, "index", di->index.name, Use::lookup);
    } else if (const auto* a = op.as<AddColumn>()) {
      check(ctx, step, "column", a->column.name, Use::create, a->column.range);
    } else if (const auto* r = op.as<RenameTable>()) {
      check(ctx, step, "table", r->new_name);
    } else if (const auto* rc = op.as<RenameColumn>()) {
      check(ctx, step, "column", rc->new_name);
    } else if (const auto* i = op.as<CreateIndex>()) {
      // SQLAlchemy names an `index=True` index itself, and shortens a long name with a hash.
      bool generated = alembic && i->columns.size() == 1 &&
                       i->name == "ix_" + i->table.name + "_" + i->columns.front();
      if (!generated) check(ctx, step, "index", i->name);
    } else if (const auto* k = op.as<AddConstraint>()) {
      check(ctx, step, "constraint", k->name);
    }
  }
}

extern const RuleDef identifier_too_long_rule{.id = "identifier-too-long",
                                              .severity = Severity::warning,
                                              .category = "types",
                                              .check = &identifier_too_long};

}  // namespace schemagate::rules
