// One replayed operation in its context: what the lock model and the rules look at.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "schemagate/ir.hpp"

namespace schemagate {

// Table-level lock modes, weakest first (explicit-locking.html, "Table-Level Locks").
enum class LockMode {
  none,  // no lock on an existing table (SET, BEGIN, CREATE TYPE, ...)
  access_share,
  row_share,
  row_exclusive,
  share_update_exclusive,
  share,
  share_row_exclusive,
  exclusive,
  access_exclusive,
};

// A relation besides the operation's own table that the statement locks, as schema replay
// knows it from the migrations before: a partition or inheritance child the statement recurses
// to, the table at the other end of a foreign key it drops, the sequence of an identity or
// serial column, the table of a trigger whose function is dropped, a view over a table dropped
// with CASCADE, a typed table of an altered type, a table with a column of a domain, ...
struct Related {
  QualifiedName table;
  // The mode taken on it; nullopt: the same as on the operation's own table (PostgreSQL
  // recurses to partitions and inheritance children).
  std::optional<LockMode> mode;
  std::string why;  // "partition of events", "references parent", ...
  // Created earlier in this same migration (in either phase), like Step::table_is_new: an
  // owned sequence of a new table is new too.
  bool is_new = false;
  // TRUNCATE ... CASCADE empties it: it has a foreign key to a table the statement empties.
  bool cascade = false;
};

// One operation in its context, as schema replay sees it when the operation runs.
struct Step {
  const Operation* op = nullptr;
  Phase phase = Phase::upgrade;
  bool in_transaction = false;        // an explicit BEGIN, or the runner's own transaction
  bool explicit_transaction = false;  // inside BEGIN ... COMMIT written in the migration
  // The table the operation works on (for DROP INDEX: the index's table, when known) was
  // created earlier in this same migration: locking or dropping it harms nobody.
  bool table_is_new = false;
  // The table was renamed (RENAME TO) earlier in this same phase of this migration, and not
  // created by it: the running application, which knows it only by its old name, cannot use
  // it any more, and renaming-table reports that break once.
  bool table_renamed = false;
  // The table was truncated earlier in the same transaction, which still holds ACCESS
  // EXCLUSIVE on it: it holds only the rows the migration wrote since, and nobody else can
  // reach it until the commit. Lock rules report the TRUNCATE's lock, not the statements
  // after it (an index or constraint built on the empty table blocks no one further).
  bool table_emptied = false;
  // A NOT NULL column without a default (nor identity, serial or generation) was added to the
  // table earlier in the same transaction: PostgreSQL refuses that on a table with rows, so if
  // the migration gets here the table is empty, and ACCESS EXCLUSIVE on it is held until the
  // commit. adding-required-field reports that column; the statements after it build on an
  // empty table (an index, a constraint, a type change) and block no one further.
  bool table_must_be_empty = false;
  // The column, index or constraint the operation drops, renames or changes was created
  // earlier in this same migration (e.g. a downgrade undoing its own upgrade).
  bool object_is_new = false;
  // DROP INDEX / REINDEX INDEX: the index's table, when replay or the migration knows it.
  std::optional<QualifiedName> index_table;
  // DROP INDEX: the index's columns, when replay saw it built ("(expression)" for an
  // expression); empty when unknown.
  std::vector<std::string> index_columns;
  // UPDATE / DELETE: the table's primary key when replay knows it is one integer column
  // (smallint, integer, bigint, or a serial): the key to batch by.
  std::optional<std::string> integer_key;
  // The table is listed in the configuration's large_tables.
  bool table_is_large = false;
  // The operation changes nothing replay knows of (the lock is still taken): DROP NOT NULL of
  // a column that is already nullable, SET NOT NULL of one that is NOT NULL already.
  bool unchanged = false;
  // SET NOT NULL: a validated CHECK (column IS NOT NULL) exists on the column.
  bool not_null_proven = false;
  // The migration set the session's TimeZone to UTC (`SET TIME ZONE 'UTC'`) before this step,
  // and it is still in effect: PostgreSQL 12+ then converts timestamp to timestamptz (and
  // back) without rewriting the rows.
  bool utc_session = false;
  // ALTER COLUMN TYPE: the column's type before, when replay knows it.
  std::optional<TypeName> previous_type;
  // ALTER COLUMN TYPE: whether an index covers the column (its own, a primary key, unique or
  // exclusion constraint, or an index on an expression of the table); nullopt when replay
  // can't know every index of the table (made outside the linted migrations, CREATE TABLE
  // ... LIKE, a partition or inheritance child, a statement replay could not read since).
  // A type change that keeps the rows rebuilds only the column's indexes: none, no scan.
  std::optional<bool> column_indexed;
  // DROP COLUMN: replay knows the column is NOT NULL without a default, so code that stops
  // writing it fails its inserts until NOT NULL is dropped (or a default given).
  bool column_required = false;
  // DROP COLUMN: replay knows the column is (part of) the table's primary key, which goes with
  // it: a primary key added after it (in the same ALTER TABLE or later) needs the drop first.
  bool column_in_primary_key = false;
  // ADD PRIMARY KEY without USING INDEX, ADD COLUMN ... PRIMARY KEY: a name replay knows is
  // free for the key's unique index built beforehand (CREATE UNIQUE INDEX CONCURRENTLY, then
  // ADD CONSTRAINT ... PRIMARY KEY USING INDEX, which gives the index the key's name): the
  // key's own name (<table>_pkey when unnamed), unless an index, relation or constraint replay
  // knows has it, or the table may still have its old primary key then (replay knows one, or
  // the same statement drops a column or constraint); else that name with "_new" (numbered).
  std::string key_index_name;
  // RENAME COLUMN: the column's type, when replay knows it.
  std::optional<TypeName> column_type;
  // ALTER TYPE ... RENAME VALUE: the table columns of that type (or arrays of it), as replay
  // knows them, sorted by table and column.
  struct TypedColumn {
    QualifiedName table;
    std::string column;
    bool array = false;
  };
  std::vector<TypedColumn> typed_columns;
  // A downgrade operation that only undoes the upgrade operation this points to (drops what
  // it created, renames back, ...; reversal.hpp): no compatibility or lock rule reports it.
  const Operation* reverses = nullptr;
  // Second relations the statement locks too, in a stable order.
  std::vector<Related> related;
  // TRUNCATE ... CASCADE: the tables it empties that replay has not seen created, so which
  // tables have a foreign key to them is not known.
  std::vector<QualifiedName> unknown_tables;
  // IF [NOT] EXISTS finds the object as replay knows it and PostgreSQL skips the statement:
  // CREATE INDEX IF NOT EXISTS of an existing index (the table is still locked, nothing is
  // built), DROP TRIGGER IF EXISTS of a trigger the table does not have.
  bool skipped = false;
  // DROP TABLE / DROP INDEX ... IF EXISTS of an object no migration replay has seen creates
  // (a leftover of an older tool, a creation long since commented out): most likely there is
  // nothing to drop, and nothing for a downgrade to put back.
  bool never_seen = false;
  // DROP TABLE: an earlier migration copied the table's rows into another one (INSERT ...
  // SELECT ... FROM it): the table was retired then, its data moved, and the code of the
  // releases since reads the new table.
  bool rows_moved_earlier = false;

  template <typename T>
  [[nodiscard]] const T* as() const {
    return op->as<T>();
  }
};

}  // namespace schemagate
