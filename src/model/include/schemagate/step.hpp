// One replayed operation in its context: what the lock model and the rules look at.
#pragma once

#include <optional>

#include "schemagate/ir.hpp"

namespace schemagate {

// One operation in its context, as schema replay sees it when the operation runs.
struct Step {
  const Operation* op = nullptr;
  Phase phase = Phase::upgrade;
  bool in_transaction = false;        // an explicit BEGIN, or the runner's own transaction
  bool explicit_transaction = false;  // inside BEGIN ... COMMIT written in the migration
  // The table the operation works on (for DROP INDEX: the index's table, when known) was
  // created earlier in this same migration: locking or dropping it harms nobody.
  bool table_is_new = false;
  // The column, index or constraint the operation drops, renames or changes was created
  // earlier in this same migration (e.g. a downgrade undoing its own upgrade).
  bool object_is_new = false;
  // DROP INDEX / REINDEX INDEX: the index's table, when replay or the migration knows it.
  std::optional<QualifiedName> index_table;
  // The table is listed in the configuration's large_tables.
  bool table_is_large = false;
  // SET NOT NULL: a validated CHECK (column IS NOT NULL) exists on the column.
  bool not_null_proven = false;
  // ALTER COLUMN TYPE: the column's type before, when replay knows it.
  std::optional<TypeName> previous_type;
  // A downgrade operation that only undoes the upgrade operation this points to (drops what
  // it created, renames back, ...; reversal.hpp): no compatibility or lock rule reports it.
  const Operation* reverses = nullptr;

  template <typename T>
  [[nodiscard]] const T* as() const {
    return op->as<T>();
  }
};

}  // namespace schemagate
