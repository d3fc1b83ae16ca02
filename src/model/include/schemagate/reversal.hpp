// Which downgrade operation reverses which upgrade operation: the one notion of "this downgrade
// undoes its upgrade" that every rule consults. Names are followed through the renames of both
// phases, unnamed constraints and indexes get PostgreSQL's automatic names (names.hpp), and
// objects dropped implicitly (DROP TABLE takes its columns, indexes and constraints; DROP
// COLUMN the indexes and constraints on the column) count as dropped.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "schemagate/ir.hpp"

namespace schemagate {

// What the downgrade does about one upgrade operation.
enum class Undo : std::uint8_t {
  nothing_to_undo,  // no schema change to undo (DML, SET, an object made and dropped in the
                    // upgrade itself, ...)
  undone,           // the downgrade reverses it (explicitly or by dropping what holds it)
  left,             // the downgrade leaves it in place
  unknown,          // can't be told statically (a name only known at run time, a downgrade
                    // that runs SQL schemagate can't read): say nothing
};

struct Reversals {
  // Per downgrade operation (same index as Migration::downgrade): the upgrade operation it
  // reverses without doing any work the upgrade didn't (dropping a table, column, index or
  // constraint the upgrade created, DROP NOT NULL of a column the upgrade made NOT NULL,
  // renaming back, dropping or restoring a default the upgrade set, renaming an enum value
  // back), or null. Recreating what the upgrade dropped is not listed here: it takes its own
  // locks and does its own work.
  std::vector<const Operation*> reverses;
  // Per upgrade operation (same index as Migration::upgrade).
  std::vector<Undo> undo;
  // Per upgrade operation whose undo is `left`: the object as the message names it
  // ("table `t`", "index `t_a_idx`", ...) and what the downgrade should do.
  std::vector<std::string> what;
};

// The reversals of one migration's downgrade of its upgrade.
[[nodiscard]] Reversals find_reversals(const Migration& migration);

}  // namespace schemagate
