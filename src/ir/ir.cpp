#include "schemagate/ir.hpp"

namespace schemagate {

std::string QualifiedName::key() const {
  return (schema.empty() ? std::string("public") : schema) + "." + name;
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
          [](const Truncate& o) -> const QualifiedName* {
            return o.tables.size() == 1 ? &o.tables.front() : nullptr;
          },
          [](const auto&) -> const QualifiedName* { return nullptr; },
      },
      op.kind);
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
          [](const Unanalyzable&) -> std::string { return "dynamic statement"; },
          [](const Other& o) -> std::string { return o.statement_kind; },
      },
      op.kind);
}

}  // namespace schemagate
