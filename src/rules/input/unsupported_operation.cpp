// unsupported-operation: a SQL statement the analyser understands only by kind (Other)
// and that can take locks or break the application: its lock and effect go unchecked.
// Plainly harmless statements (SELECT, GRANT, CREATE VIEW/FUNCTION/EXTENSION, ...) are not
// reported, nor the statements the lock model knows (TableCommand: triggers, partitions,
// SET LOGGED / TABLESPACE, REFRESH MATERIALIZED VIEW, LOCK, ...), which other rules check. The
// Alembic frontend reports op.* calls it does not model itself (FrontendIssue), so this rule leaves
// those alone.
#include <array>
#include <cctype>
#include <string_view>

#include "rules/common.hpp"
#include "rules/rules.hpp"

namespace schemagate::rules {

namespace {

// "SetTableSpace" -> "SET TABLE SPACE"; "DropStmt" -> "DROP".
std::string words(std::string_view kind) {
  if (kind.ends_with("Stmt")) kind.remove_suffix(4);
  std::string out;
  for (std::size_t i = 0; i < kind.size(); ++i) {
    auto c = static_cast<unsigned char>(kind[i]);
    if (i > 0 && std::isupper(c) != 0 &&
        std::islower(static_cast<unsigned char>(kind[i - 1])) != 0) {
      out += ' ';
    }
    out += kind[i] == '_' ? ' ' : static_cast<char>(std::toupper(c));
  }
  return out;
}

// ALTER TABLE sub-commands that only touch the catalog and lock nothing for long.
constexpr std::array kHarmlessAlterTable = {
    std::string_view("ChangeOwner"),        std::string_view("EnableRowSecurity"),
    std::string_view("DisableRowSecurity"), std::string_view("ForceRowSecurity"),
    std::string_view("NoForceRowSecurity"), std::string_view("GenericOptions"),
};

// Whole statements (libpg_query node names, or the frontend's own names) worth a look.
constexpr std::array kReported = {
    std::string_view("ALTER INDEX"),
    std::string_view("ALTER MATVIEW"),
    std::string_view("ALTER TYPE"),
    std::string_view("ALTER FOREIGN_TABLE"),
    std::string_view("AlterTypeStmt"),
    std::string_view("AlterObjectSchemaStmt"),
    std::string_view("AlterTableMoveAllStmt"),
    std::string_view("DropOwnedStmt"),
    std::string_view("DO"),
};

std::optional<std::string> describe(std::string_view kind) {
  if (kind.starts_with("ALTER TABLE ")) {
    std::string_view sub = kind.substr(12);
    for (std::string_view h : kHarmlessAlterTable) {
      if (sub == h) return std::nullopt;
    }
    return "ALTER TABLE ... " + words(sub);
  }
  for (std::string_view r : kReported) {
    if (kind == r) {
      if (kind == "AlterObjectSchemaStmt") return std::string("ALTER ... SET SCHEMA");
      if (kind == "AlterTableMoveAllStmt") return std::string("ALTER ... ALL IN TABLESPACE");
      if (kind == "DO") return std::string("DO in a language other than plpgsql");
      return words(kind);
    }
  }
  return std::nullopt;
}

}  // namespace

static void unsupported_operation(RuleContext& ctx) {
  const bool alembic = traits(ctx.migration().layout).language == Language::python;
  for (const Step& step : ctx.steps()) {
    const auto* op = step.as<Other>();
    if (op == nullptr) continue;
    auto what = describe(op->statement_kind);
    if (!what) continue;
    ctx.report(step,
               *what +
                   " is not modelled: schemagate can't tell which lock it takes, whether it "
                   "rewrites a table, or whether it breaks the running application",
               std::string("check its lock in the PostgreSQL documentation; once reviewed, "
                           "silence it with `") +
                   (alembic ? "#" : "--") +
                   " schemagate: ignore unsupported-operation`, followed by `--` and what the "
                   "review found");
  }
}

extern const RuleDef unsupported_operation_rule{.id = "unsupported-operation",
                                                .severity = Severity::info,
                                                .category = "input",
                                                .check = &unsupported_operation,
                                                .blocks_analysis = true};

}  // namespace schemagate::rules
