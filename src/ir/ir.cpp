#include "schemagate/ir.hpp"

#include <algorithm>
#include <cctype>
#include <vector>

namespace schemagate {

std::string QualifiedName::key() const {
  // One allocation: keys are made for every lookup of replay and reversal pairing.
  std::string_view s = schema.empty() ? std::string_view("public") : std::string_view(schema);
  std::string out;
  out.reserve(s.size() + 1 + name.size());
  out.append(s).append(1, '.').append(name);
  return out;
}

std::string QualifiedName::display() const { return schema.empty() ? name : schema + "." + name; }

const QualifiedName* target_table(const Operation& op) {
  return std::visit(
      overloaded{
          [](const CreateTable& o) -> const QualifiedName* { return &o.table; },
          [](const DropTable& o) -> const QualifiedName* { return &o.table; },
          [](const RenameTable& o) -> const QualifiedName* { return &o.table; },
          [](const AddColumn& o) -> const QualifiedName* { return &o.table; },
          [](const DropColumn& o) -> const QualifiedName* { return &o.table; },
          [](const RenameColumn& o) -> const QualifiedName* { return &o.table; },
          [](const AlterColumnType& o) -> const QualifiedName* { return &o.table; },
          [](const SetNotNull& o) -> const QualifiedName* { return &o.table; },
          [](const DropNotNull& o) -> const QualifiedName* { return &o.table; },
          [](const SetDefault& o) -> const QualifiedName* { return &o.table; },
          [](const CreateIndex& o) -> const QualifiedName* { return &o.table; },
          [](const AddConstraint& o) -> const QualifiedName* { return &o.table; },
          [](const ValidateConstraint& o) -> const QualifiedName* { return &o.table; },
          [](const DropConstraint& o) -> const QualifiedName* { return &o.table; },
          [](const DataChange& o) -> const QualifiedName* { return &o.table; },
          [](const Cluster& o) -> const QualifiedName* { return &o.table; },
          [](const TableCommand& o) -> const QualifiedName* { return &o.table; },
          [](const Truncate& o) -> const QualifiedName* {
            return o.tables.size() == 1 ? &o.tables.front() : nullptr;
          },
          [](const auto&) -> const QualifiedName* { return nullptr; },
      },
      op.kind);
}

namespace {

// CreateForeignTable → CREATE FOREIGN TABLE
std::string upper_words(std::string_view camel) {
  std::string out;
  for (std::size_t i = 0; i < camel.size(); ++i) {
    char c = camel[i];
    if (i > 0 && c >= 'A' && c <= 'Z' && camel[i - 1] >= 'a' && camel[i - 1] <= 'z') out += ' ';
    out += c == '_' ? ' ' : static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  }
  return out;
}

}  // namespace

std::string statement_name(std::string_view kind) {
  if (kind.starts_with("ALTER TABLE ")) {
    // An ALTER TABLE sub-command by its parser name: "ALTER TABLE SetTableSpace".
    std::string_view sub = kind.substr(12);
    static constexpr std::pair<std::string_view, std::string_view> kSubcommands[] = {
        {"SetTableSpace", "SET TABLESPACE"},
        {"SetRelOptions", "SET (...)"},
        {"ResetRelOptions", "RESET (...)"},
        {"SetStatistics", "ALTER COLUMN SET STATISTICS"},
        {"SetStorage", "ALTER COLUMN SET STORAGE"},
        {"ClusterOn", "CLUSTER ON"},
        {"DropCluster", "SET WITHOUT CLUSTER"},
        {"ReplicaIdentity", "REPLICA IDENTITY"},
        {"ChangeOwner", "OWNER TO"},
    };
    for (const auto& [node, name] : kSubcommands) {
      if (node == sub) return "ALTER TABLE " + std::string(name);
    }
    if (sub.find(' ') == std::string_view::npos) return "ALTER TABLE " + upper_words(sub);
    return std::string(kind);
  }
  if (!kind.ends_with("Stmt")) return std::string(kind);  // already as written ("ALTER VIEW")
  kind.remove_suffix(4);
  // libpg_query's node names that don't spell the statement word by word.
  static constexpr std::pair<std::string_view, std::string_view> kNames[] = {
      {"Select", "SELECT"},
      {"VariableSet", "SET"},
      {"VariableShow", "SHOW"},
      {"Grant", "GRANT"},
      {"GrantRole", "GRANT ROLE"},
      {"Comment", "COMMENT"},
      {"CreateFunction", "CREATE FUNCTION"},
      {"AlterFunction", "ALTER FUNCTION"},
      {"CreateTrig", "CREATE TRIGGER"},
      {"CreateSeq", "CREATE SEQUENCE"},
      {"AlterSeq", "ALTER SEQUENCE"},
      {"View", "CREATE VIEW"},
      {"CreateTableAs", "CREATE TABLE AS"},
      {"Explain", "EXPLAIN"},
      {"Do", "DO"},
      {"Call", "CALL"},
      {"Lock", "LOCK"},
      {"Notify", "NOTIFY"},
      {"Listen", "LISTEN"},
      {"Discard", "DISCARD"},
      {"CheckPoint", "CHECKPOINT"},
      {"RefreshMatView", "REFRESH MATERIALIZED VIEW"},
      {"CreateExtension", "CREATE EXTENSION"},
      {"CreateSchema", "CREATE SCHEMA"},
      {"CreateRole", "CREATE ROLE"},
      {"CreatePolicy", "CREATE POLICY"},
      {"CreateStats", "CREATE STATISTICS"},
      {"Rule", "CREATE RULE"},
      {"CreateEnum", "CREATE TYPE"},
      {"CompositeType", "CREATE TYPE"},
      {"Define", "CREATE"},
      {"AlterOwner", "ALTER OWNER"},
      {"AlterObjectSchema", "ALTER SET SCHEMA"},
      {"Prepare", "PREPARE"},
      {"Execute", "EXECUTE"},
      {"Deallocate", "DEALLOCATE"},
      {"Reindex", "REINDEX"},
      {"Vacuum", "VACUUM"},
      {"Cluster", "CLUSTER"},
      {"Copy", "COPY"},
      {"Truncate", "TRUNCATE"},
  };
  for (const auto& [node, name] : kNames) {
    if (node == kind) return std::string(name);
  }
  return upper_words(kind);
}

bool changes_nothing(const Operation& op, std::string_view text) {
  if (op.is<TransactionControl>() || op.is<SetSetting>()) return true;
  const auto* other = op.as<Other>();
  if (other == nullptr || other->statement_kind != "SelectStmt") return false;
  // A function may do anything (setval, a procedure of the team's own): only a SELECT without
  // a parenthesis is surely a read.
  if (op.range.end > text.size() || op.range.begin >= op.range.end) return false;
  return text.substr(op.range.begin, op.range.end - op.range.begin).find('(') ==
         std::string_view::npos;
}

bool changes_nothing(const std::vector<Operation>& ops, std::string_view text) {
  return std::all_of(ops.begin(), ops.end(),
                     [&](const Operation& op) { return changes_nothing(op, text); });
}

std::string operation_name(const Operation& op) {
  return std::visit(
      overloaded{
          [](const CreateTable& o) -> std::string {
            return o.as_select ? "CREATE TABLE AS" : "CREATE TABLE";
          },
          [](const DropTable&) -> std::string { return "DROP TABLE"; },
          [](const RenameTable&) -> std::string { return "RENAME TABLE"; },
          [](const AddColumn&) -> std::string { return "ADD COLUMN"; },
          [](const DropColumn&) -> std::string { return "DROP COLUMN"; },
          [](const RenameColumn&) -> std::string { return "RENAME COLUMN"; },
          [](const AlterColumnType&) -> std::string { return "ALTER COLUMN TYPE"; },
          [](const SetNotNull&) -> std::string { return "SET NOT NULL"; },
          [](const DropNotNull&) -> std::string { return "DROP NOT NULL"; },
          [](const SetDefault& o) -> std::string {
            return o.value ? "SET DEFAULT" : "DROP DEFAULT";
          },
          [](const CreateIndex& o) -> std::string {
            return o.concurrently ? "CREATE INDEX CONCURRENTLY" : "CREATE INDEX";
          },
          [](const DropIndex& o) -> std::string {
            return o.concurrently ? "DROP INDEX CONCURRENTLY" : "DROP INDEX";
          },
          [](const Reindex& o) -> std::string {
            return o.concurrently ? "REINDEX CONCURRENTLY" : "REINDEX";
          },
          [](const AddConstraint&) -> std::string { return "ADD CONSTRAINT"; },
          [](const ValidateConstraint&) -> std::string { return "VALIDATE CONSTRAINT"; },
          [](const DropConstraint&) -> std::string { return "DROP CONSTRAINT"; },
          [](const DataChange& o) -> std::string {
            switch (o.kind) {
              case DataChangeKind::update:
                return "UPDATE";
              case DataChangeKind::insert:
                return "INSERT";
              case DataChangeKind::delete_:
                return "DELETE";
              case DataChangeKind::copy:
                return "COPY";
              case DataChangeKind::merge:
                return "MERGE";
            }
            return "DATA CHANGE";
          },
          [](const Truncate&) -> std::string { return "TRUNCATE"; },
          [](const SetSetting&) -> std::string { return "SET"; },
          [](const TransactionControl& o) -> std::string {
            switch (o.kind) {
              case TransactionKind::begin:
                return "BEGIN";
              case TransactionKind::commit:
                return "COMMIT";
              case TransactionKind::rollback:
                return "ROLLBACK";
              case TransactionKind::savepoint:
                return "SAVEPOINT";
              case TransactionKind::release:
                return "RELEASE SAVEPOINT";
              case TransactionKind::rollback_to:
                return "ROLLBACK TO SAVEPOINT";
              case TransactionKind::prepare:
                return "PREPARE TRANSACTION";
            }
            return "TRANSACTION";
          },
          [](const CreateType&) -> std::string { return "CREATE TYPE"; },
          [](const AlterEnum& o) -> std::string {
            return o.rename ? "ALTER TYPE RENAME VALUE" : "ALTER TYPE ADD VALUE";
          },
          [](const CreateDomain&) -> std::string { return "CREATE DOMAIN"; },
          [](const AlterDomain&) -> std::string { return "ALTER DOMAIN"; },
          [](const DropDatabase&) -> std::string { return "DROP DATABASE"; },
          [](const DropSchema&) -> std::string { return "DROP SCHEMA"; },
          [](const Vacuum& o) -> std::string { return o.full ? "VACUUM FULL" : "VACUUM"; },
          [](const Cluster&) -> std::string { return "CLUSTER"; },
          [](const TableCommand& o) -> std::string { return o.what; },
          [](const ObjectCommand& o) -> std::string { return o.what; },
          [](const Unanalyzable&) -> std::string { return "dynamic statement"; },
          [](const Other& o) -> std::string { return statement_name(o.statement_kind); },
      },
      op.kind);
}

int compare_versions(std::string_view a, std::string_view b) {
  // Cuts the next part (parts are separated by '.', '_' and '-') off `v`; `more` is false
  // once the last part is taken. A version with fewer parts compares as if followed by "0"s.
  auto next = [](std::string_view& v, bool& more) -> std::string_view {
    if (!more) return "0";
    std::size_t end = v.find_first_of("._-");
    std::string_view part = v.substr(0, end);
    if (end == std::string_view::npos) {
      more = false;
      v = {};
    } else {
      v.remove_prefix(end + 1);
    }
    return part;
  };
  auto digits = [](std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
      return std::isdigit(static_cast<unsigned char>(c));
    });
  };
  bool more_a = true;
  bool more_b = true;
  while (more_a || more_b) {
    std::string_view x = next(a, more_a);
    std::string_view y = next(b, more_b);
    if (digits(x) && digits(y)) {
      x.remove_prefix(std::min(x.find_first_not_of('0'), x.size()));
      y.remove_prefix(std::min(y.find_first_not_of('0'), y.size()));
      if (x.size() != y.size()) return x.size() < y.size() ? -1 : 1;
    }
    if (int c = x.compare(y); c != 0) return c < 0 ? -1 : 1;
  }
  return 0;
}

}  // namespace schemagate
