// The lock model against a list written from the PostgreSQL documentation: statement →
// lock mode on its table and the work done, at versions on both sides of a change.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "engine/replay.hpp"
#include "frontends/sql/sql_frontend.hpp"
#include "schemagate/locks.hpp"

namespace {

using namespace schemagate;

// The lock of the last statement of `sql`, replayed after the ones before it.
LockInfo last_lock(const std::string& sql, int pg) {
  SourceFile file{"t.sql", sql};
  Migration m;
  m.file = &file;
  std::vector<FrontendIssue> issues;
  sql::lower(
      file.text, [](ByteRange r) { return r; }, {}, m.upgrade, issues);
  REQUIRE(issues.empty());
  REQUIRE(!m.upgrade.empty());
  SchemaState state;
  std::vector<Step> steps = state.replay(m, Phase::upgrade, m.upgrade);
  return lock_of(steps.back(), pg);
}

struct Expect {
  const char* sql;
  int pg;
  LockMode mode;
  Work work;
};

constexpr const char* kTable = "CREATE TABLE skills (id bigint, name varchar(64), tier text);\n";

}  // namespace

TEST_CASE("lock model: statements against the PostgreSQL documentation") {
  using enum LockMode;
  const std::vector<Expect> cases = {
      // ALTER TABLE ADD COLUMN: a non-volatile default is catalog-only from 11.
      {"ALTER TABLE skills ADD COLUMN tier text DEFAULT 'x'", 10, access_exclusive, Work::rewrite},
      {"ALTER TABLE skills ADD COLUMN tier text DEFAULT 'x'", 11, access_exclusive, Work::catalog},
      {"ALTER TABLE skills ADD COLUMN tier text", 10, access_exclusive, Work::catalog},
      {"ALTER TABLE skills ADD COLUMN r float8 DEFAULT random()", 15, access_exclusive,
       Work::rewrite},
      {"ALTER TABLE skills ADD COLUMN n bigserial", 15, access_exclusive, Work::rewrite},
      {"ALTER TABLE skills DROP COLUMN tier", 15, access_exclusive, Work::catalog},
      {"ALTER TABLE skills RENAME COLUMN tier TO level", 15, access_exclusive, Work::catalog},
      {"ALTER TABLE skills RENAME TO abilities", 15, access_exclusive, Work::catalog},
      {"ALTER TABLE skills ALTER COLUMN tier SET DEFAULT 'x'", 15, access_exclusive, Work::catalog},
      {"ALTER TABLE skills ALTER COLUMN tier DROP DEFAULT", 15, access_exclusive, Work::catalog},
      {"ALTER TABLE skills ALTER COLUMN tier DROP NOT NULL", 15, access_exclusive, Work::catalog},
      // SET NOT NULL scans, unless a validated CHECK (col IS NOT NULL) proves it (from 12).
      {"ALTER TABLE skills ALTER COLUMN tier SET NOT NULL", 15, access_exclusive, Work::scan},
      {"ALTER TABLE skills ADD CONSTRAINT c CHECK (tier IS NOT NULL) NOT VALID;\n"
       "ALTER TABLE skills VALIDATE CONSTRAINT c;\n"
       "ALTER TABLE skills ALTER COLUMN tier SET NOT NULL",
       12, access_exclusive, Work::catalog},
      {"ALTER TABLE skills ADD CONSTRAINT c CHECK (tier IS NOT NULL) NOT VALID;\n"
       "ALTER TABLE skills VALIDATE CONSTRAINT c;\n"
       "ALTER TABLE skills ALTER COLUMN tier SET NOT NULL",
       11, access_exclusive, Work::scan},
      // ALTER COLUMN TYPE rewrites unless binary-coercible.
      {"ALTER TABLE skills ALTER COLUMN name TYPE text", 15, access_exclusive, Work::catalog},
      {"ALTER TABLE skills ALTER COLUMN name TYPE varchar(128)", 15, access_exclusive,
       Work::catalog},
      {"ALTER TABLE skills ALTER COLUMN name TYPE varchar(32)", 15, access_exclusive,
       Work::rewrite},
      {"ALTER TABLE skills ALTER COLUMN id TYPE int4", 15, access_exclusive, Work::rewrite},
      // Constraints: ACCESS EXCLUSIVE, except FOREIGN KEY (SHARE ROW EXCLUSIVE on both).
      {"ALTER TABLE skills ADD CONSTRAINT c CHECK (id > 0)", 15, access_exclusive, Work::scan},
      {"ALTER TABLE skills ADD CONSTRAINT c CHECK (id > 0) NOT VALID", 15, access_exclusive,
       Work::catalog},
      {"ALTER TABLE skills ADD CONSTRAINT fk FOREIGN KEY (id) REFERENCES users (id)", 15,
       share_row_exclusive, Work::scan},
      {"ALTER TABLE skills ADD CONSTRAINT fk FOREIGN KEY (id) REFERENCES users (id) NOT VALID", 15,
       share_row_exclusive, Work::catalog},
      {"ALTER TABLE skills VALIDATE CONSTRAINT fk", 15, share_update_exclusive, Work::scan},
      {"ALTER TABLE skills ADD CONSTRAINT u UNIQUE (name)", 15, access_exclusive, Work::scan},
      {"ALTER TABLE skills ADD CONSTRAINT u UNIQUE USING INDEX ix", 15, access_exclusive,
       Work::catalog},
      {"ALTER TABLE skills DROP CONSTRAINT u", 15, access_exclusive, Work::catalog},
      // Indexes.
      {"CREATE INDEX ix ON skills (name)", 15, share, Work::scan},
      {"CREATE INDEX CONCURRENTLY ix ON skills (name)", 15, share_update_exclusive, Work::scan},
      {"DROP INDEX ix", 15, access_exclusive, Work::catalog},
      {"DROP INDEX CONCURRENTLY ix", 15, share_update_exclusive, Work::catalog},
      {"REINDEX TABLE skills", 15, share, Work::scan},
      {"REINDEX INDEX ix", 11, share, Work::scan},
      {"REINDEX TABLE CONCURRENTLY skills", 12, share_update_exclusive, Work::scan},
      // Data and maintenance.
      {"UPDATE skills SET tier = 'x'", 15, row_exclusive, Work::rows},
      {"INSERT INTO skills (id) VALUES (1)", 15, row_exclusive, Work::rows},
      {"DELETE FROM skills WHERE id = 1", 15, row_exclusive, Work::rows},
      {"TRUNCATE skills", 15, access_exclusive, Work::catalog},
      {"VACUUM FULL skills", 15, access_exclusive, Work::rewrite},
      {"VACUUM skills", 15, share_update_exclusive, Work::scan},
      {"CLUSTER skills USING ix", 15, access_exclusive, Work::rewrite},
      {"DROP TABLE skills", 15, access_exclusive, Work::catalog},
      // No lock on an existing table.
      {"SET lock_timeout = '2s'", 15, none, Work::none},
      {"CREATE TYPE mood AS ENUM ('a')", 15, none, Work::catalog},
      {"ALTER TYPE mood ADD VALUE 'b'", 15, none, Work::catalog},
  };
  for (const Expect& e : cases) {
    INFO(e.sql << " on PostgreSQL " << e.pg);
    LockInfo info = last_lock(std::string(kTable) + e.sql, e.pg);
    CHECK(to_string(info.mode) == to_string(e.mode));
    CHECK(to_string(info.work) == to_string(e.work));
  }
}

TEST_CASE("lock model: what each mode blocks, from the conflict matrix") {
  CHECK(blocks_of(LockMode::access_exclusive) == Blocks::reads_and_writes);
  CHECK(blocks_of(LockMode::exclusive) == Blocks::writes);
  CHECK(blocks_of(LockMode::share_row_exclusive) == Blocks::writes);
  CHECK(blocks_of(LockMode::share) == Blocks::writes);
  CHECK(blocks_of(LockMode::share_update_exclusive) == Blocks::ddl);
  CHECK(blocks_of(LockMode::row_exclusive) == Blocks::ddl);
  CHECK(blocks_of(LockMode::none) == Blocks::nothing);
  // The matrix is symmetric, and SHARE does not conflict with itself.
  for (int a = 0; a < 9; ++a) {
    for (int b = 0; b < 9; ++b) {
      CHECK(conflicts(static_cast<LockMode>(a), static_cast<LockMode>(b)) ==
            conflicts(static_cast<LockMode>(b), static_cast<LockMode>(a)));
    }
  }
  CHECK_FALSE(conflicts(LockMode::share, LockMode::share));
  CHECK(conflicts(LockMode::share_update_exclusive, LockMode::share_update_exclusive));
}

TEST_CASE("lock model: the foreign key's referenced table, transactions and messages") {
  LockInfo fk =
      last_lock(std::string(kTable) +
                    "ALTER TABLE skills ADD CONSTRAINT fk FOREIGN KEY (id) REFERENCES users (id)",
                15);
  CHECK(fk.other_table == "users");
  CHECK(fk.other_mode == LockMode::share_row_exclusive);
  CHECK(fk.describe() ==
        "SHARE ROW EXCLUSIVE on skills blocks writes while the table is scanned; "
        "SHARE ROW EXCLUSIVE on users blocks writes");

  LockInfo rewrite = last_lock("ALTER TABLE skills ADD COLUMN tier text DEFAULT 'x'", 10);
  CHECK(rewrite.describe() ==
        "ACCESS EXCLUSIVE on skills blocks all reads and writes while the table is rewritten");
  CHECK_FALSE(rewrite.version_note.empty());

  CHECK(last_lock("CREATE INDEX CONCURRENTLY ix ON skills (name)", 15).no_transaction);
  CHECK_FALSE(last_lock("CREATE INDEX ix ON skills (name)", 15).no_transaction);
  CHECK(last_lock("ALTER TYPE mood ADD VALUE 'b'", 11).no_transaction);
  CHECK_FALSE(last_lock("ALTER TYPE mood ADD VALUE 'b'", 12).no_transaction);
  CHECK(last_lock("DROP INDEX ix", 15).describe() ==
        "ACCESS EXCLUSIVE on the table of index ix blocks all reads and writes for a "
        "catalog-only change");
}

TEST_CASE("lock model: DROP INDEX and REINDEX INDEX name the index's table when replay knows it") {
  std::string prefix = std::string(kTable) + "CREATE INDEX ix_skills_tier ON skills (tier);\n";
  CHECK(last_lock(prefix + "DROP INDEX ix_skills_tier;", 15).table == "skills");
  CHECK(last_lock(prefix + "REINDEX INDEX ix_skills_tier;", 15).table == "skills");
  LockInfo unknown = last_lock("DROP INDEX ix_elsewhere;", 15);
  CHECK(unknown.table.empty());
  CHECK(unknown.target == "the table of index ix_elsewhere");
}

TEST_CASE("lock model: a USING of the column itself converts as no USING does") {
  const std::string table = "CREATE TABLE goods (p numeric(8,2), q numeric(8,2));\n";
  auto work = [&](const std::string& sql) { return last_lock(table + sql, 15).work; };
  CHECK(work("ALTER TABLE goods ALTER COLUMN p TYPE numeric(11,2) USING p::numeric(11,2)") ==
        Work::catalog);
  CHECK(
      work("ALTER TABLE goods ALTER COLUMN p TYPE numeric(11,2) USING CAST(p AS numeric(11,2))") ==
      Work::catalog);
  CHECK(work("ALTER TABLE goods ALTER COLUMN p TYPE numeric(11,2) USING p") == Work::catalog);
  CHECK(work("ALTER TABLE goods ALTER COLUMN p TYPE numeric(11,2) USING p::numeric(11,3)") ==
        Work::rewrite);
  CHECK(work("ALTER TABLE goods ALTER COLUMN p TYPE numeric(11,2) USING q::numeric(11,2)") ==
        Work::rewrite);
  CHECK(work("ALTER TABLE goods ALTER COLUMN p TYPE numeric(11,2) USING p + 0") == Work::rewrite);
}

TEST_CASE("lock model: timestamp to timestamptz keeps the rows in UTC from PostgreSQL 12") {
  const std::string table =
      "CREATE TABLE logs (at timestamp, tz timestamptz, bare timestamp);\n"
      "CREATE INDEX logs_at_idx ON logs (at);\nCREATE INDEX logs_tz_idx ON logs (tz);\n";
  auto work = [&](const std::string& sql, int pg) { return last_lock(table + sql, pg).work; };
  const std::string change = "ALTER TABLE logs ALTER COLUMN at TYPE timestamptz";
  CHECK(work(change, 15) == Work::rewrite);
  // The rows are kept; the column's indexes are rebuilt (a scan). Without an index on the
  // column, only the catalog changes.
  CHECK(work("SET TIME ZONE 'UTC';\n" + change, 15) == Work::scan);
  CHECK(work("SET TIME ZONE 'UTC';\nALTER TABLE logs ALTER COLUMN bare TYPE timestamptz", 15) ==
        Work::catalog);
  CHECK(work("ALTER TABLE logs ALTER COLUMN bare TYPE timestamptz", 15) == Work::rewrite);
  CHECK(work("SET TIME ZONE 'UTC';\n" + change, 11) == Work::rewrite);
  CHECK(work("SET timezone = 'Etc/UTC';\n" + change, 15) == Work::scan);
  CHECK(work("SET TIME ZONE 0;\n" + change, 15) == Work::scan);
  CHECK(work("SET TIME ZONE 'UTC';\nALTER TABLE logs ALTER COLUMN tz TYPE timestamp", 15) ==
        Work::scan);
  CHECK(work("SET TIME ZONE 'Europe/Paris';\n" + change, 15) == Work::rewrite);
  CHECK(work("SET TIME ZONE 'UTC';\nRESET timezone;\n" + change, 15) == Work::rewrite);
  CHECK(work("SET TIME ZONE 'UTC';\nSET TIME ZONE LOCAL;\n" + change, 15) == Work::rewrite);
  CHECK(work("SET TIME ZONE 'UTC';\n" + change + " USING at AT TIME ZONE 'UTC'", 15) ==
        Work::rewrite);
  CHECK(work("SET TIME ZONE 'UTC';\nALTER TABLE logs ALTER COLUMN at TYPE timestamptz(0)", 15) ==
        Work::rewrite);
  // SET LOCAL lasts until its transaction ends; a ROLLBACK undoes a SET.
  CHECK(work("BEGIN;\nSET LOCAL TIME ZONE 'UTC';\n" + change, 15) == Work::scan);
  CHECK(work("BEGIN;\nSET LOCAL TIME ZONE 'UTC';\nCOMMIT;\n" + change, 15) == Work::rewrite);
  CHECK(work("BEGIN;\nSET TIME ZONE 'UTC';\nROLLBACK;\n" + change, 15) == Work::rewrite);
  CHECK(work("BEGIN;\nSET TIME ZONE 'UTC';\nCOMMIT;\n" + change, 15) == Work::scan);
}

TEST_CASE("lock model: text, varchar and citext convert without a rewrite, indexes rebuilt") {
  // Observed on PostgreSQL 15 (relfilenode of the table and of an index on the column): the
  // casts pg_cast marks binary keep the rows; the operator class changes (text_ops,
  // citext_ops), so the column's indexes are rebuilt: a scan.
  const std::string table =
      "CREATE TABLE users (a varchar(255), b varchar, c text, d citext, e char(10), f text);\n"
      "CREATE INDEX ON users (a);\nCREATE INDEX users_b ON users (b);\n"
      "CREATE UNIQUE INDEX ON users ((lower(c)));\nCREATE INDEX ON users (d);\nCREATE INDEX ON "
      "users (e) INCLUDE (f);\n";
  auto work = [&](const std::string& sql) { return last_lock(table + sql, 15).work; };
  // No index reads the column (f is only INCLUDEd, which keeps the index): nothing is rebuilt.
  CHECK(work("ALTER TABLE users ALTER COLUMN f TYPE citext") == Work::catalog);
  CHECK(work("CREATE INDEX ON users (b) WHERE f <> '';\nALTER TABLE users ALTER COLUMN f TYPE "
             "citext") == Work::scan);
  CHECK(work("ALTER TABLE users ALTER COLUMN a TYPE citext") == Work::scan);
  CHECK(work("ALTER TABLE users ALTER COLUMN b TYPE citext") == Work::scan);
  CHECK(work("ALTER TABLE users ALTER COLUMN c TYPE citext") == Work::scan);
  CHECK(work("ALTER TABLE users ALTER COLUMN d TYPE text") == Work::scan);
  CHECK(work("ALTER TABLE users ALTER COLUMN d TYPE varchar") == Work::scan);
  CHECK(work("ALTER TABLE users ALTER COLUMN d TYPE citext") == Work::catalog);
  // A length limit is checked on every row; char(n) to citext trims (a function cast).
  CHECK(work("ALTER TABLE users ALTER COLUMN d TYPE varchar(100)") == Work::rewrite);
  CHECK(work("ALTER TABLE users ALTER COLUMN d TYPE char(10)") == Work::rewrite);
  CHECK(work("ALTER TABLE users ALTER COLUMN e TYPE citext") == Work::rewrite);
  CHECK(work("ALTER TABLE users ALTER COLUMN a TYPE citext USING lower(a)") == Work::rewrite);
}

TEST_CASE("lock model: SET NOT NULL after a CHECK validated earlier in the same migration") {
  const std::string table = "CREATE TABLE people (email text);\n";
  const std::string check =
      "ALTER TABLE people ADD CONSTRAINT people_email_nn CHECK (email IS NOT NULL) NOT VALID;\n";
  const std::string validate = "ALTER TABLE people VALIDATE CONSTRAINT people_email_nn;\n";
  const std::string set = "ALTER TABLE people ALTER COLUMN email SET NOT NULL";
  CHECK(last_lock(table + check + validate + set, 15).work == Work::catalog);
  CHECK(last_lock(table + check + validate + set, 11).work == Work::scan);
  CHECK(last_lock(table + check + set, 15).work == Work::scan);
  // Unnamed: PostgreSQL names it people_email_check.
  CHECK(last_lock(table + "ALTER TABLE people ADD CHECK (email IS NOT NULL) NOT VALID;\n" +
                      "ALTER TABLE people VALIDATE CONSTRAINT people_email_check;\n" + set,
                  15)
            .work == Work::catalog);
}

TEST_CASE("lock model: a default PostgreSQL rejects is no volatile default") {
  auto work = [](const std::string& sql) { return last_lock(std::string(kTable) + sql, 15).work; };
  CHECK(work("ALTER TABLE skills ADD COLUMN r float8 DEFAULT random()") == Work::rewrite);
  CHECK(work("ALTER TABLE skills ADD COLUMN r float8 DEFAULT random(5)") == Work::catalog);
  CHECK(work("ALTER TABLE skills ADD COLUMN at timestamptz DEFAULT now(123)") == Work::catalog);
  CHECK(work("ALTER TABLE skills ADD COLUMN u uuid DEFAULT gen_random_uuid('x')") == Work::catalog);
  CHECK(work("ALTER TABLE skills ADD COLUMN n bigint DEFAULT nextval('s')") == Work::rewrite);
  CHECK(work("ALTER TABLE skills ADD COLUMN u uuid DEFAULT my_uuid()") == Work::rewrite);
}
