// Schema replay: walks a migration's operations in order, tracking which tables, columns,
// indexes and constraints exist and which migration made them, and gives each operation
// its context (a Step).
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "schemagate/rule.hpp"

namespace schemagate {

class SchemaState {
 public:
  // Replays `ops` (one phase of `migration`), returning one Step per operation.
  std::vector<Step> replay(const Migration& migration, Phase phase,
                           const std::vector<Operation>& ops);

  // The same, then puts the state back as it was: a downgrade is checked against the state
  // after its upgrade, while later migrations build on the upgrade. Costs what the
  // operations touch, not the size of the schema.
  std::vector<Step> replay_and_undo(const Migration& migration, Phase phase,
                                    const std::vector<Operation>& ops);

 private:
  // created_by: the migration that made the object; named_by: the one that gave it its
  // current name (created or renamed it), whose downgrade may rename or drop it back.
  struct Column {
    TypeName type;
    const Migration* created_by = nullptr;
    const Migration* named_by = nullptr;
    // NOT NULL, as the operations replay read set it (CREATE TABLE, ADD COLUMN, SET/DROP NOT
    // NULL, PRIMARY KEY); nullopt when unknown.
    std::optional<bool> not_null;
    // A default fills it when an INSERT leaves it out (DEFAULT, identity, serial, generated);
    // nullopt when unknown.
    std::optional<bool> has_default;
  };
  // A CHECK (column IS NOT NULL) constraint.
  struct NotNullCheck {
    std::string column;
    bool validated = false;
  };
  struct ForeignKey {
    std::vector<std::string> columns;
    std::string references;  // the referenced table's key
  };
  struct Table {
    const Migration* created_by = nullptr;
    const Migration* named_by = nullptr;
    // The phase of named_by that renamed the table (RENAME TO), when it was renamed.
    std::optional<Phase> renamed_in;
    std::map<std::string, Column> columns;
    std::map<std::string, const Migration*> constraints;  // name → creator
    std::map<std::string, NotNullCheck> not_null_checks;  // constraint name → its check
    // Second relations (keys, as PostgreSQL names them when the migration does not):
    std::string parent;  // PARTITION OF / INHERITS / ATTACH PARTITION / INHERIT
    bool partition = false;
    std::string of_type;                             // a typed table's composite type
    std::map<std::string, ForeignKey> foreign_keys;  // constraint name → its key
    std::map<std::string, std::string> triggers;     // trigger name → its function's key
    bool triggers_known = true;  // false after a RENAME TRIGGER (the IR has no new name)
    std::map<std::string, std::string> sequences;  // identity / serial column → sequence key
    std::vector<std::string> sources;              // a view: the relations its query reads
    // The primary key's columns, when replay saw it made (a column's PRIMARY KEY, ADD
    // PRIMARY KEY) and not dropped since; empty when unknown.
    std::vector<std::string> primary_key;
    // Indexes that are not in indexes_: those of PRIMARY KEY, UNIQUE and EXCLUDE constraints
    // (by constraint name, empty when PostgreSQL picks it) and unnamed CREATE INDEXes (no
    // name); the columns they read (none: not known, any).
    std::vector<CreateTable::Key> keys;
    // replay saw every index of the table made (Step::column_indexed): the table's CREATE
    // TABLE was read whole, and no statement since made one it can't see; opaque_seen is
    // opaque_count_ when the table was created.
    bool indexes_known = false;
    std::size_t opaque_seen = 0;
    // The same for its columns: not CREATE TABLE ... AS, LIKE or a child's inherited ones.
    bool columns_known = false;
    // The migration that last copied its rows into another table (INSERT ... SELECT).
    const Migration* rows_copied_by = nullptr;
  };
  struct Index {
    std::string table;  // table key
    const Migration* created_by = nullptr;
    std::vector<std::string> columns;  // as CreateIndex has them ("(expression)" for one)
    // The columns it reads (plain ones, and those of its expressions, INCLUDE and WHERE);
    // empty: not known, any.
    std::vector<std::string> reads;
  };
  // Step::column_indexed of `column` of table `key`.
  [[nodiscard]] std::optional<bool> column_indexed(const std::string& key, const Table& table,
                                                   const std::string& column) const;

  void apply(const Migration& migration, const Operation& op, Step& step);
  // Step::key_index_name of ops[at], from the state before it runs.
  [[nodiscard]] std::string key_index_name(const std::vector<Operation>& ops, std::size_t at) const;
  // The second relations `op` locks (Step::related), from the state before it runs.
  void relate(const Migration& migration, const Operation& op, Step& step) const;
  // Keys of the tables whose parent is `key`, at any depth (partitions only, or all
  // children), sorted.
  [[nodiscard]] std::vector<std::string> children(const std::string& key,
                                                  bool partitions_only) const;
  // A foreign key of `table` to `references`, named as PostgreSQL names it when unnamed.
  void add_foreign_key(Table& table, const std::string& table_name, std::string name,
                       std::vector<std::string> columns, const QualifiedName& references);
  // Before a table or index changes: keeps its value for replay_and_undo (when journaling).
  void touch_table(const std::string& key);
  void touch_index(const std::string& key);
  // Removes a table (touched first, as above).
  void erase_table(const std::string& key);

  std::unordered_map<std::string, Table> tables_;
  std::unordered_map<std::string, Index> indexes_;
  // Some table has been given a parent (PARTITION OF, INHERITS, ATTACH PARTITION, INHERIT);
  // never reset, so it also covers the tables an undo restores.
  bool any_parent_ = false;
  // Statements replay could not read (Unanalyzable) so far: any of them may have made an
  // index on any table.
  std::size_t opaque_count_ = 0;
  // While journaling: the value each touched key had before (nullopt: it did not exist).
  bool journaling_ = false;
  std::unordered_map<std::string, std::optional<Table>> saved_tables_;
  std::unordered_map<std::string, std::optional<Index>> saved_indexes_;
};

}  // namespace schemagate
