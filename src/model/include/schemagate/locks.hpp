// The lock model: which table lock each operation takes, what that lock blocks, and how much
// work PostgreSQL does while holding it (rewrite the table, scan it, or only touch the
// catalog), by PostgreSQL major version. One table, from the PostgreSQL documentation:
// https://www.postgresql.org/docs/current/explicit-locking.html (lock modes and their
// conflicts) and the pages of ALTER TABLE, CREATE INDEX, REINDEX, ALTER TYPE, ...
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "schemagate/ir.hpp"
#include "schemagate/step.hpp"

namespace schemagate {

// "ACCESS EXCLUSIVE", ...; "" for none.
[[nodiscard]] std::string_view to_string(LockMode mode);

// The conflict matrix of explicit-locking.html (table 13.2).
[[nodiscard]] bool conflicts(LockMode a, LockMode b);

// What a lock blocks, from the conflict matrix: SELECT takes ACCESS SHARE, INSERT/UPDATE/DELETE
// take ROW EXCLUSIVE, VACUUM / CREATE INDEX CONCURRENTLY / most DDL take SHARE UPDATE EXCLUSIVE
// or stronger.
enum class Blocks { nothing, ddl, writes, reads_and_writes };

[[nodiscard]] Blocks blocks_of(LockMode mode);
// "all reads and writes", "writes", "DDL only", "nothing".
[[nodiscard]] std::string_view to_string(Blocks blocks);

// The work done while the lock is held.
enum class Work {
  none,     // nothing on a table (SET, BEGIN, ...)
  catalog,  // only the catalog changes: the lock is held briefly
  rows,     // DML: writes the rows it touches
  scan,     // reads the whole table (validation, index build)
  rewrite,  // writes a new copy of the table (and rebuilds its indexes)
};

// "catalog-only", "rows", "scan", "rewrite", "none".
[[nodiscard]] std::string_view to_string(Work work);

struct LockInfo {
  LockMode mode = LockMode::none;
  Blocks blocks = Blocks::nothing;
  Work work = Work::none;
  std::string table;  // the locked table as written ("skills", "app.skills"); may be empty
  // What is locked when `table` is not known by name: "the table of index ix_name",
  // "the tables using domain positive_int", "every table".
  std::string target;
  // A second table locked too: the referenced table of a foreign key.
  std::string other_table;
  LockMode other_mode = LockMode::none;
  // Further relations locked too: the other tables of TRUNCATE a, b, and the second relations
  // schema replay knows (Step::related: partitions, the other end of a dropped foreign key,
  // identity sequences, ...).
  struct Other {
    std::string table;
    LockMode mode = LockMode::none;
    std::string why;      // "partition of events", ...; may be empty
    bool is_new = false;  // created earlier in this same migration (Related::is_new)
  };
  std::vector<Other> others;
  // PostgreSQL refuses to run the statement inside a transaction block (CONCURRENTLY,
  // VACUUM, ALTER TYPE ... ADD VALUE before 12).
  bool no_transaction = false;
  // How the behaviour depends on the version, when it does ("rewrites before PostgreSQL 11").
  std::string version_note;

  // For rule messages: "ACCESS EXCLUSIVE on skills blocks all reads and writes while the
  // table is rewritten".
  [[nodiscard]] std::string describe() const;
  // Every relation locked besides the operation's own: other_table, then others.
  [[nodiscard]] std::vector<Other> also() const;
};

// The PostgreSQL release the model is checked against, statement by statement, on a real
// server (tests/pg/lock_model_differential.cpp); other releases' differences follow the
// documentation.
inline constexpr int kCheckedPgVersion = 15;

// The lock and work of one replayed operation on PostgreSQL `pg_version` (a major version).
[[nodiscard]] LockInfo lock_of(const Step& step, int pg_version);

// ALTER COLUMN TYPE from → to changes only the catalog (no rewrite): the old values are
// valid as they are (varchar(n) → varchar(m ≥ n) or text, numeric precision raised, ...).
[[nodiscard]] bool binary_coercible(const TypeName& from, const TypeName& to);

// ALTER COLUMN TYPE from → to keeps the rows, as binary_coercible does, but an index on the
// column changes operator class (text_ops and citext_ops) and is rebuilt: the casts between
// citext and text or varchar that pg_cast marks binary (castmethod 'b': varchar or text to
// citext, citext to text, varchar or bpchar without a length). A length limit on the new type
// (citext to varchar(n)) still rewrites. Checked on PostgreSQL 15 by relfilenode
// (tests/pg/lock_model_differential.cpp).
[[nodiscard]] bool binary_coercible_rebuilding_indexes(const TypeName& from, const TypeName& to);

// ALTER COLUMN TYPE without USING converts the old values with the assignment cast from the
// old type to the new one. Where there is none (varchar to integer, integer to boolean, text
// to uuid, ...) PostgreSQL refuses the statement: "column ... cannot be cast automatically to
// type ...". true: refused; false: it converts; nullopt: not known here (an enum, a domain, an
// array, a type this list doesn't have). Checked against the server for every pair it knows
// (tests/pg/type_change_test.cpp).
[[nodiscard]] std::optional<bool> refused_without_using(const TypeName& from, const TypeName& to);

}  // namespace schemagate
