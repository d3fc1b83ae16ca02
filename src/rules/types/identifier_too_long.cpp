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
  std::size_t n = kMaxIdentifierBytes;
  while (n > 0 && (static_cast<unsigned char>(name[n]) & 0xC0U) == 0x80U) --n;
  return std::string(name.substr(0, n));
}

bool ident_byte(char c) {
  auto u = static_cast<unsigned char>(c);
  return (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || u == '_' ||
         u == '$' || u >= 0x80;
}

bool same_ci(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto x = static_cast<unsigned char>(a[i]);
    auto y = static_cast<unsigned char>(b[i]);
    if (x != y && !(x < 0x80 && y < 0x80 && std::tolower(x) == std::tolower(y))) return false;
  }
  return true;
}

// The SQL parser already truncated the name to 63 bytes, as PostgreSQL does: find the
// name as written in the statement, where it runs on.
std::string as_written(std::string_view text, const std::string& name) {
  for (std::size_t at = 0; at + name.size() < text.size(); ++at) {
    if (at > 0 && ident_byte(text[at - 1]) && text[at - 1] != '"') continue;
    if (!same_ci(text.substr(at, name.size()), name)) continue;
    std::size_t end = at + name.size();
    bool quoted_name = at > 0 && text[at - 1] == '"';
    std::string full = name;
    if (quoted_name) {
      while (end < text.size() && text[end] != '"') full += text[end++];
    } else {
      while (end < text.size() && ident_byte(text[end])) {
        full += static_cast<char>(std::tolower(static_cast<unsigned char>(text[end++])));
      }
    }
    if (full.size() > name.size()) return full;
  }
  return name;
}

// `at`: where the name is written (a column's definition), when known; else the operation.
void check(RuleContext& ctx, const Step& step, std::string_view kind, std::string name,
           const std::optional<ByteRange>& at = std::nullopt) {
  if (name.size() == kMaxIdentifierBytes) {
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
  ctx.report_at(step, at,
                std::string(kind) + " name " + quoted(name) + " is " + std::to_string(name.size()) +
                    " bytes: PostgreSQL silently truncates it to 63 bytes, " + quoted(kept) +
                    ", so code and later migrations using the full name don't find it, and names "
                    "that share those bytes collide",
                "choose a " + std::string(kind) + " name of at most 63 bytes (" +
                    std::to_string(name.size() - kept.size()) + " bytes shorter)");
}

}  // namespace

static void identifier_too_long(RuleContext& ctx) {
  bool alembic = types::is_alembic(ctx);
  for (const Step& step : ctx.steps()) {
    if (step.phase != Phase::upgrade) continue;
    const Operation& op = *step.op;
    if (const auto* t = op.as<CreateTable>()) {
      check(ctx, step, "table", t->table.name);
      for (const ColumnDef& c : t->columns) check(ctx, step, "column", c.name, c.range);
    } else if (const auto* a = op.as<AddColumn>()) {
      check(ctx, step, "column", a->column.name, a->column.range);
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
