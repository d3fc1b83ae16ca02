// The intermediate representation: one Operation per schema or data change, the same
// whichever frontend (SQL, Alembic) produced it. Rules only ever see this.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "schemagate/layout.hpp"
#include "schemagate/source.hpp"

namespace schemagate {

// A possibly schema-qualified object name, as written (the parser already folded unquoted
// identifiers to lower case).
struct QualifiedName {
  std::string schema;  // empty when not written
  std::string name;

  // "schema.name" with "public" for an unqualified name: the key replay uses.
  [[nodiscard]] std::string key() const;
  // As written: "name" or "schema.name".
  [[nodiscard]] std::string display() const;
  [[nodiscard]] bool empty() const { return name.empty(); }
};

// A column type, normalised to PostgreSQL's internal names where the parser gives them
// ("int4", "varchar", "timestamptz", "numeric", ...).
struct TypeName {
  std::string name;                     // lower case, without the pg_catalog prefix
  std::vector<std::int64_t> modifiers;  // e.g. {64} for varchar(64), {10, 2} for numeric(10,2)
  bool array = false;
  std::string text;  // as the user wrote it, for messages ("varchar(64)")
  // In an Alembic revision, the SQLAlchemy type as the revision wrote it ("postgresql.UUID()"),
  // for helps that write the column again; empty in SQL, or when the type isn't one SQLAlchemy
  // spells for PostgreSQL.
  std::string python;
  [[nodiscard]] bool empty() const { return name.empty(); }
};

struct DefaultValue {
  std::string text;        // the expression as written
  bool volatile_ = false;  // calls a volatile (or unknown) function: every row gets its own value
};

struct ColumnDef {
  std::string name;
  TypeName type;
  bool not_null = false;
  bool primary_key = false;
  bool unique = false;
  std::optional<DefaultValue> default_value;
  bool generated = false;                   // GENERATED ALWAYS AS (expr) STORED
  bool identity = false;                    // GENERATED ... AS IDENTITY
  bool serial = false;                      // serial / bigserial / smallserial
  std::optional<QualifiedName> references;  // inline REFERENCES
  // A DEFAULT clause is written, DEFAULT NULL included (which `default_value` leaves out): on
  // ADD COLUMN, PostgreSQL then checks the existing rows against the statement's new foreign
  // keys, as it does for a serial or generated column; otherwise it skips that check.
  bool default_written = false;
  // The column's own definition in the operation's file (SQL: from its name to the end of its
  // clauses; Alembic: the sa.Column(...) call inside the op.*(...) call), when the frontend
  // knows it exactly; findings about one column point here.
  std::optional<ByteRange> range;
};

enum class ConstraintKind { primary_key, unique, foreign_key, check, exclusion, not_null };

// A table-level FOREIGN KEY (...) REFERENCES constraint of CREATE TABLE.
struct TableForeignKey {
  std::string name;                  // empty when PostgreSQL picks it
  std::vector<std::string> columns;  // the referencing columns
  QualifiedName table;               // the referenced table
};

struct CreateTable {
  QualifiedName table;
  std::vector<ColumnDef> columns;
  bool if_not_exists = false;
  bool as_select = false;  // CREATE TABLE AS / SELECT INTO / CREATE MATERIALIZED VIEW
  // Table-level FOREIGN KEY (...) REFERENCES constraints.
  std::vector<TableForeignKey> foreign_keys;
  // PARTITION OF parent, or INHERITS (parent): the parent table.
  std::optional<QualifiedName> parent;
  bool partition = false;  // PARTITION OF
  // CREATE TABLE name OF type: the composite type of a typed table.
  std::optional<QualifiedName> of_type;
  // Table-level PRIMARY KEY, UNIQUE and EXCLUDE constraints: their names (empty when
  // PostgreSQL picks it) and columns. Column-level ones are on the ColumnDefs.
  struct Key {
    std::string name;
    std::vector<std::string> columns;
  };
  std::vector<Key> keys;
  // The statement may make indexes `keys` doesn't list: LIKE ... INCLUDING INDEXES, an
  // EXCLUDE over an expression, a constraint or argument the frontend could not read.
  bool keys_unknown = false;
};
struct DropTable {
  QualifiedName table;
  bool if_exists = false;
  bool cascade = false;
};
struct RenameTable {
  QualifiedName table;
  std::string new_name;
};
struct AddColumn {
  QualifiedName table;
  ColumnDef column;
  bool if_not_exists = false;
  // PostgreSQL checks the existing rows against the column's REFERENCES: the column has a
  // default (ColumnDef::default_written, serial, GENERATED ... STORED). Otherwise every new
  // value is NULL and it skips the check (transformAlterTableStmt; before PostgreSQL 13 a
  // default on another column the same ALTER TABLE adds made it check too).
  bool references_checked = true;
};
struct DropColumn {
  QualifiedName table;
  std::string column;
  bool if_exists = false;
};
struct RenameColumn {
  QualifiedName table;
  std::string column;
  std::string new_name;
};
struct AlterColumnType {
  QualifiedName table;
  std::string column;
  std::optional<TypeName> from;  // when the frontend knows it (Alembic existing_type)
  TypeName to;
  bool has_using = false;
  // SQL: the sub-command, from the column's name to the end of its clauses, when known.
  std::optional<ByteRange> range;
  // A USING clause (Alembic: postgresql_using=) is written, even one that converts as none
  // does (`USING price::numeric(12,2)`): PostgreSQL then never refuses for want of a cast.
  bool using_written = false;
};
struct SetNotNull {
  QualifiedName table;
  std::string column;
};
struct DropNotNull {
  QualifiedName table;
  std::string column;
};
struct SetDefault {
  QualifiedName table;
  std::string column;
  std::optional<DefaultValue> value;  // empty: DROP DEFAULT
};
struct CreateIndex {
  std::string name;  // empty when PostgreSQL picks it
  QualifiedName table;
  std::vector<std::string> columns;
  bool unique = false;
  bool concurrently = false;
  bool if_not_exists = false;
  // The columns the index reads besides the plain ones of `columns`: those its expressions
  // and WHERE clause name (a type change of any of them rebuilds the index), and, apart, its
  // INCLUDE (...) columns (stored, not compared: PostgreSQL keeps the index when one of
  // them changes type without a rewrite, unless the index has expressions or a WHERE).
  std::vector<std::string> other_columns;
  std::vector<std::string> included_columns;
  // It may read columns that neither lists (an expression or a WHERE the frontend did not
  // read: Alembic's sa.text(...), postgresql_where=).
  bool reads_unknown_columns = false;
};
struct DropIndex {
  QualifiedName index;
  bool concurrently = false;
  bool if_exists = false;
  QualifiedName table;  // when the migration says (Alembic's table_name=)
};
struct Reindex {
  std::string target_kind;  // "index", "table", "schema", "database", "system"
  QualifiedName name;
  bool concurrently = false;
};
struct AddConstraint {
  QualifiedName table;
  std::string name;
  ConstraintKind kind = ConstraintKind::check;
  bool not_valid = false;
  bool using_index = false;
  std::vector<std::string> columns;
  std::optional<QualifiedName> references;     // foreign keys
  std::string check_expression;                // check constraints, as written
  std::optional<std::string> not_null_column;  // CHECK (col IS NOT NULL)
  // CHECK (col IS NOT NULL), or with further terms ANDed to it: once validated, PostgreSQL
  // 12+ sets NOT NULL on the column without a scan.
  std::optional<std::string> proves_not_null;
};
struct ValidateConstraint {
  QualifiedName table;
  std::string name;
};
struct DropConstraint {
  QualifiedName table;
  std::string name;
  bool if_exists = false;
};

enum class DataChangeKind { update, insert, delete_, copy, merge };

struct DataChange {
  DataChangeKind kind = DataChangeKind::update;
  QualifiedName table;
  bool has_where = false;
  bool batched = false;  // a LIMIT-ed key subquery or a key-range predicate
  // SQL UPDATE/DELETE as written: the SET list and the WHERE condition (empty when not
  // written or not known), and whether FROM or USING joins other tables.
  std::string set_list;
  std::string condition;
  std::string target;  // the table as written, with ONLY and its alias

  bool joins = false;
  // INSERT ... SELECT: the relations its query reads (rows copied out of them).
  std::vector<QualifiedName> sources;
};
struct Truncate {
  std::vector<QualifiedName> tables;
  bool cascade = false;
};
struct SetSetting {
  std::string name;  // lower case: "lock_timeout", "statement_timeout", ...
  std::string value;
  bool local = false;
};

enum class TransactionKind { begin, commit, rollback, savepoint, release, rollback_to, prepare };

struct TransactionControl {
  TransactionKind kind = TransactionKind::begin;
};
struct CreateType {
  QualifiedName name;
  bool is_enum = false;
};
struct AlterEnum {
  QualifiedName name;
  std::string new_value;  // ADD VALUE
  std::string old_value;  // RENAME VALUE old TO new
  bool rename = false;
  bool if_not_exists = false;  // ADD VALUE IF NOT EXISTS
};
struct CreateDomain {
  QualifiedName name;
  bool has_constraint = false;
};
struct AlterDomain {
  QualifiedName name;
  bool add_constraint = false;
  // Checks every value already stored in a column of the domain: ADD CONSTRAINT without NOT
  // VALID, VALIDATE CONSTRAINT, SET NOT NULL.
  bool checks_values = false;
};
struct DropDatabase {
  std::string name;
};
struct DropSchema {
  std::string name;
  bool cascade = false;
};
struct Vacuum {
  bool full = false;
  std::vector<QualifiedName> tables;
};
struct Cluster {
  QualifiedName table;
};
// A statement, or an ALTER TABLE subcommand, on an existing relation that the operations above
// don't cover; the lock model (locks.cpp) looks its lock up by `what`.
struct TableCommand {
  // "ENABLE TRIGGER", "DISABLE TRIGGER", "CREATE TRIGGER", "DROP TRIGGER", "SET LOGGED",
  // "SET UNLOGGED", "SET TABLESPACE", "SET ACCESS METHOD", "SET STATISTICS", "SET" / "RESET"
  // (storage parameters), "ATTACH PARTITION", "DETACH PARTITION", "REFRESH MATERIALIZED VIEW",
  // "LOCK", "ANALYZE", "COMMENT", "ALTER SEQUENCE", "CREATE OR REPLACE VIEW", "DROP VIEW", ...
  std::string what;
  QualifiedName table;  // the relation
  QualifiedName other;  // ATTACH / DETACH PARTITION: the partition; INHERIT: the parent
  bool concurrently = false;
  // LOCK: the mode as written ("SHARE ROW EXCLUSIVE"); SET / RESET: the storage parameters,
  // comma separated; SET ACCESS METHOD: the method; REFRESH: "WITH NO DATA".
  std::string option;
  // The object of the command on the relation: the trigger of CREATE / DROP / ENABLE /
  // DISABLE TRIGGER, the column of an ALTER COLUMN sub-command (... IDENTITY, SET STATISTICS).
  std::string name;
  // CREATE TRIGGER: the trigger's function.
  QualifiedName function;
  bool if_exists = false;
  // DROP VIEW / DROP MATERIALIZED VIEW ... CASCADE: the views built on it go too.
  bool cascade = false;
  // CREATE [OR REPLACE] [MATERIALIZED] VIEW: the relations its query reads.
  std::vector<QualifiedName> sources;
};
// A statement on a type, domain, function or procedure that reaches the tables using it (known
// from replay): DROP TYPE / DOMAIN / FUNCTION / PROCEDURE, ALTER TYPE ... ATTRIBUTE of a
// composite type (CASCADE alters its typed tables).
struct ObjectCommand {
  std::string what;  // "DROP TYPE", "DROP DOMAIN", "DROP FUNCTION", "DROP PROCEDURE", "ALTER TYPE"
  QualifiedName name;
  bool cascade = false;
  bool if_exists = false;
};
// Something that can't be analysed statically (dynamic SQL, an unknown helper).
struct Unanalyzable {
  std::string reason;
};
// A statement that is understood but not modelled further (SELECT, GRANT, COMMENT, ...).
struct Other {
  std::string statement_kind;  // e.g. "SelectStmt"
};

using OperationKind =
    std::variant<CreateTable, DropTable, RenameTable, AddColumn, DropColumn, RenameColumn,
                 AlterColumnType, SetNotNull, DropNotNull, SetDefault, CreateIndex, DropIndex,
                 Reindex, AddConstraint, ValidateConstraint, DropConstraint, DataChange, Truncate,
                 SetSetting, TransactionControl, CreateType, AlterEnum, CreateDomain, AlterDomain,
                 DropDatabase, DropSchema, Vacuum, Cluster, TableCommand, ObjectCommand,
                 Unanalyzable, Other>;

// Where an operation came from, and how it runs.
// Places in the user's text that fixes edit: offsets of the operation's file, set by the
// frontends when they know them exactly.
struct EditPoints {
  // SQL (also inside an Alembic string): where `CONCURRENTLY ` goes in CREATE [UNIQUE] INDEX,
  // DROP INDEX (one index, no CASCADE), REINDEX INDEX|TABLE|SCHEMA|DATABASE and REFRESH
  // MATERIALIZED VIEW; where ` CONCURRENTLY` goes (after the partition's name) in ALTER TABLE
  // ... DETACH PARTITION.
  std::optional<std::size_t> concurrently;
  // SQL: the end of the statement with its `;`.
  std::optional<std::size_t> statement_end;
  // SQL: ALTER TABLE ... ADD [CONSTRAINT name] CHECK | FOREIGN KEY: the end of the
  // constraint's definition (before the `,` of a next sub-command, or the statement's end),
  // where ` NOT VALID` goes.
  std::optional<std::size_t> constraint_end;
  // SQL: ALTER TABLE ... ADD COLUMN ... REFERENCES: the column's REFERENCES clause as written,
  // with its `CONSTRAINT name` when it has one.
  std::optional<ByteRange> references_clause;
  // Alembic: the op.*(...) call: where `, name=value` goes (after its last argument), or
  // where `name=value` goes when it has none.
  std::optional<std::size_t> keyword_at;
  std::string keyword_prefix;  // ", ", or a line break and indentation after a trailing comma
  std::string keyword_suffix;  // "," after a trailing comma
  // Alembic: the Python statement that holds the operation, when it stands alone on its
  // lines: the start of its first line, its indentation, and the starts of its further lines
  // that begin in code (not inside a string), which move with it into a block.
  std::optional<std::size_t> line_start;
  std::optional<std::size_t> lines_end;  // the end of the statement's last line
  std::string indent;
  std::vector<std::size_t> more_lines;
};

struct Operation {
  OperationKind kind;
  ByteRange range;  // what the user wrote: the SQL statement or the op.*(...) call
  EditPoints points;
  bool in_loop = false;      // inside a loop (PL/pgSQL or Python): counts as batched
  bool autocommit = false;   // runs outside the runner's transaction (Alembic autocommit_block)
  bool in_function = false;  // inside a DO block: always one transaction of its own
  // One of several statements in one query string (Alembic `op.execute("A; B")`): PostgreSQL
  // runs them as one implicit transaction, in an autocommit_block() too.
  bool shares_query = false;

  template <typename T>
  [[nodiscard]] const T* as() const {
    return std::get_if<T>(&kind);
  }
  template <typename T>
  [[nodiscard]] bool is() const {
    return std::holds_alternative<T>(kind);
  }
};

// For std::visit with a set of lambdas.
template <class... Fs>
struct overloaded : Fs... {
  using Fs::operator()...;
};
// Spelled out for compilers without C++20's aggregate deduction (Clang 14, which builds the
// fuzz targets).
template <class... Fs>
overloaded(Fs...) -> overloaded<Fs...>;

// The table an operation works on, if it works on exactly one.
[[nodiscard]] const QualifiedName* target_table(const Operation& op);

// A statement as users write it ("SELECT", "CREATE FUNCTION") for a parser node name
// ("SelectStmt", "CreateFunctionStmt"); other names unchanged.
[[nodiscard]] std::string statement_name(std::string_view kind);

// A short human name for the operation ("CREATE INDEX", "ADD COLUMN", ...).
[[nodiscard]] std::string operation_name(const Operation& op);

// Does a migration phase of these operations (SQL in `text`) leave schema and data as they
// were? Only transaction control, settings, and SELECTs that call no function (diesel's
// `SELECT 1` placeholder, a Sqitch revert still holding its template's BEGIN; COMMIT;).
[[nodiscard]] bool changes_nothing(const Operation& op, std::string_view text);
[[nodiscard]] bool changes_nothing(const std::vector<Operation>& ops, std::string_view text);

enum class Phase { upgrade, downgrade };

// Does the runner wrap each migration in a transaction?
enum class RunnerTransaction { none, per_migration };

// What the migration runner does around every migration of a project, read once per project
// from the runner's own code (Alembic: env.py, read statically, never run).
struct RunnerEnvironment {
  std::string path;  // the file it was read from (env.py); empty when none was found
  // SET statements in effect when each migration starts, in the order they run: SETs executed
  // on the migration connection and options of the connection itself (`-c lock_timeout=5s`).
  // Only those made whatever the condition; a SET LOCAL only when it lasts through the
  // migrations (run in the one transaction that holds them all), until an autocommit block.
  std::vector<SetSetting> settings;
  // Alembic: context.configure(transaction_per_migration=True) runs each revision in its own
  // transaction; false (Alembic's default) runs all pending revisions in one, so that a failure
  // rolls back the revisions before it too. Nullopt: env.py sets it in a way not known
  // statically.
  std::optional<bool> transaction_per_migration = false;
  // Alembic: context.configure(transactional_ddl=False) opens no transaction around all pending
  // revisions: recent Alembic versions run each revision in a transaction of its own, older ones
  // none (each statement committing on its own). True when env.py does not set it (PostgreSQL's
  // default); nullopt when it sets it in a way not known statically.
  std::optional<bool> transactional_ddl = true;
  // Alembic: env.py names another database (SQLite, MySQL, SQL Server, Oracle): the revisions
  // run there too, and SQL only PostgreSQL takes (SET lock_timeout) needs a dialect check.
  bool other_databases = false;
};

// A problem the frontend found in the input itself (syntax error, dynamic SQL, ...).
struct FrontendIssue {
  std::string rule;  // "syntax-error", "dynamic-sql", ...
  ByteRange range;
  std::string message;
  std::string help;
  // A syntax error from PostgreSQL's own (bundled) parser: the statement may be syntax of a
  // newer release than the parser's, which the engine says when the target is newer.
  bool from_parser = false;
};

// What the migration's downgrade is, for missing-downgrade.
enum class DowngradeKind {
  absent,       // no downgrade at all (no downgrade(), no .down.sql, ...)
  empty,        // defined but does nothing: `pass`, `...`, a docstring only, an empty file
  only_raises,  // defined but only raises (NotImplementedError, ...)
  real,         // does something
};

// Revision metadata, as read from an Alembic file (or a versioned SQL file's name).
struct RevisionInfo {
  bool is_revision = false;       // assigns `revision` and defines upgrade()
  ByteRange revision_range;       // the `revision = ...` assignment
  ByteRange down_revision_range;  // the `down_revision = ...` assignment
  std::vector<std::string> branch_labels;
  // `branch_labels` is assigned a value that can't be read statically (a name imported from
  // the project, say): the revision starts a branch whose label is unknown.
  bool branch_labels_unknown = false;
  std::vector<std::string> depends_on;
  // The docstring header ("Revision ID: x", "Revises: a, b"), when present.
  std::optional<std::string> header_id;
  std::optional<std::vector<std::string>> header_parents;
  ByteRange header_range;  // the docstring
  std::string message;     // the docstring's first line
};

// One migration (a revision, a versioned SQL file, ...) as the rules see it.
struct Migration {
  std::string id;                    // revision id or version; empty for a bare file
  std::vector<std::string> parents;  // down revisions
  // The file of the upgrade. Byte ranges of `upgrade`, `issues`, `revision` and
  // `downgrade_range` point into it.
  const SourceFile* file = nullptr;
  // The file of the downgrade when it is a file of its own (golang-migrate .down.sql,
  // Flyway U..., Sqitch revert/, diesel down.sql); null when the downgrade lives in `file`
  // (Alembic, dbmate). The ranges of `downgrade` point into file_of(Phase::downgrade).
  const SourceFile* down_file = nullptr;
  Layout layout = Layout::sql;
  RunnerTransaction runner_transaction = RunnerTransaction::none;
  DowngradeKind downgrade_kind = DowngradeKind::absent;
  ByteRange downgrade_range;  // the downgrade definition (or where it should be)
  RevisionInfo revision;
  std::vector<Operation> upgrade;
  std::vector<Operation> downgrade;
  std::vector<FrontendIssue> issues;
  // Identifiers the frontend put in place of template expressions it has no value for, with
  // the expression as written: findings name the expression, not the stand-in.
  std::vector<std::pair<std::string, std::string>> written_as;

  // The file that the ranges of one phase's operations point into.
  [[nodiscard]] const SourceFile* file_of(Phase phase) const {
    return phase == Phase::downgrade && down_file != nullptr ? down_file : file;
  }
};

// Orders migration versions as the runners do: dot- (or underscore-) separated parts,
// each compared numerically when both are digits ("1.2.10" after "1.2.9", "001" == "1"),
// missing trailing parts counting as 0 ("1.0" == "1"). Negative, zero or positive.
[[nodiscard]] int compare_versions(std::string_view a, std::string_view b);

}  // namespace schemagate
