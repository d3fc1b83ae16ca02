// Schema replay: walks a migration's operations in order, tracking which tables, columns,
// indexes and constraints exist and which migration made them, and gives each operation
// its context (a Step).
#pragma once

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
  };
  // A CHECK (column IS NOT NULL) constraint.
  struct NotNullCheck {
    std::string column;
    bool validated = false;
  };
  struct Table {
    const Migration* created_by = nullptr;
    const Migration* named_by = nullptr;
    std::map<std::string, Column> columns;
    std::map<std::string, const Migration*> constraints;  // name → creator
    std::map<std::string, NotNullCheck> not_null_checks;  // constraint name → its check
  };
  struct Index {
    std::string table;  // table key
    const Migration* created_by = nullptr;
  };

  void apply(const Migration& migration, const Operation& op, Step& step);
  // Before a table or index changes: keeps its value for replay_and_undo (when journaling).
  void touch_table(const std::string& key);
  void touch_index(const std::string& key);

  std::unordered_map<std::string, Table> tables_;
  std::unordered_map<std::string, Index> indexes_;
  // While journaling: the value each touched key had before (nullopt: it did not exist).
  bool journaling_ = false;
  std::unordered_map<std::string, std::optional<Table>> saved_tables_;
  std::unordered_map<std::string, std::optional<Index>> saved_indexes_;
};

}  // namespace schemagate
