// What the lock rules say about a statement, on small projects of two migrations: the first
// creates the tables, the second changes them. The words follow PostgreSQL's lock conflict
// table and what the server really does (tests/pg/lock_model_differential.cpp).
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "schemagate/engine.hpp"
#include "support.hpp"

using namespace schemagate;
using schemagate::test::TempDir;
using schemagate::test::write;

namespace {

std::vector<const Diagnostic*> of_rule(const LintResult& r, const std::string& rule) {
  std::vector<const Diagnostic*> found;
  for (const Diagnostic& d : r.diagnostics) {
    if (d.rule == rule) found.push_back(&d);
  }
  return found;
}

// The message of the one finding of `rule`.
std::string message_of(const LintResult& r, const std::string& rule) {
  std::vector<const Diagnostic*> found = of_rule(r, rule);
  REQUIRE(found.size() == 1);
  return found[0]->message;
}

// A golang-migrate folder of two migrations: `first` creates what `second` changes.
LintResult sql_project(const std::string& first, const std::string& second) {
  TempDir dir("lock-messages-sql");
  write(dir.path() / "000001_create.up.sql", first);
  write(dir.path() / "000001_create.down.sql", "SELECT 1;\n");
  write(dir.path() / "000002_change.up.sql", second);
  write(dir.path() / "000002_change.down.sql", "SELECT 1;\n");
  return lint_paths({dir.path().string()}, LintOptions{});
}

std::string revision(const std::string& id, const std::string& parent, const std::string& up) {
  return "from alembic import op\nimport sqlalchemy as sa\n\nrevision = \"" + id +
         "\"\ndown_revision = " + (parent.empty() ? std::string("None") : "\"" + parent + "\"") +
         "\n\n\ndef upgrade():\n" + up + "\n\ndef downgrade():\n    pass\n";
}

// An Alembic project of two revisions: `first` creates what `second` changes.
LintResult alembic_project(const std::string& first, const std::string& second) {
  TempDir dir("lock-messages-alembic");
  write(dir.path() / "alembic.ini", "[alembic]\nscript_location = %(here)s/migrations\n");
  write(dir.path() / "migrations" / "versions" / "a1_create.py", revision("a1", "", first));
  write(dir.path() / "migrations" / "versions" / "b2_change.py", revision("b2", "a1", second));
  return lint_paths({dir.path().string()}, LintOptions{});
}

const std::string kCommunity =
    "CREATE TABLE community (id bigint PRIMARY KEY, name text);\n"
    "CREATE MATERIALIZED VIEW community_names AS SELECT id, name FROM community;\n"
    "CREATE UNIQUE INDEX community_names_id ON community_names (id);\n";

const std::string kCommunityAlembic =
    "    op.create_table(\"community\", sa.Column(\"id\", sa.BigInteger(), primary_key=True),\n"
    "                    sa.Column(\"name\", sa.Text()))\n";

}  // namespace

TEST_CASE("require-lock-timeout: the message says what the statement's lock mode blocks") {
  const std::string writes =
      "blocks every INSERT, UPDATE and DELETE on community meanwhile "
      "(plain SELECTs go on)";
  const std::string everything = "blocks every other query on community meanwhile";
  SECTION("SHARE ROW EXCLUSIVE on a referenced table blocks writes, not reads (SQL)") {
    const std::string m = message_of(sql_project(kCommunity,
                                                 "CREATE TABLE tag (id bigint PRIMARY KEY, "
                                                 "community_id bigint REFERENCES community);\n"),
                                     "require-lock-timeout");
    CHECK(m.find("SHARE ROW EXCLUSIVE on community") != std::string::npos);
    CHECK(m.find("waits behind any long transaction that writes to community") !=
          std::string::npos);
    CHECK(m.find(writes) != std::string::npos);
    CHECK(m.find("every other query") == std::string::npos);
  }
  SECTION("SHARE of CREATE INDEX blocks writes (Alembic)") {
    const std::string m = message_of(
        alembic_project(kCommunityAlembic,
                        "    op.create_index(\"community_name_idx\", \"community\", [\"name\"])\n"),
        "require-lock-timeout");
    CHECK(m.find("CREATE INDEX takes SHARE on community") != std::string::npos);
    CHECK(m.find(writes) != std::string::npos);
  }
  SECTION("EXCLUSIVE lets plain SELECTs through, nothing else") {
    const std::string m = message_of(sql_project(kCommunity,
                                                 "REFRESH MATERIALIZED VIEW CONCURRENTLY "
                                                 "community_names;\n"),
                                     "require-lock-timeout");
    CHECK(m.find("takes EXCLUSIVE on community_names") != std::string::npos);
    CHECK(m.find("blocks every query on community_names but plain SELECTs meanwhile") !=
          std::string::npos);
  }
  SECTION("ACCESS EXCLUSIVE blocks every query (SQL and Alembic)") {
    CHECK(message_of(sql_project(kCommunity, "ALTER TABLE community DROP COLUMN name;\n"),
                     "require-lock-timeout")
              .find(everything) != std::string::npos);
    CHECK(message_of(
              alembic_project(kCommunityAlembic, "    op.drop_column(\"community\", \"name\")\n"),
              "require-lock-timeout")
              .find(everything) != std::string::npos);
  }
}

TEST_CASE("adding-foreign-key-constraint: a table referencing itself is named once") {
  const std::string first = "CREATE TABLE local_user (id bigint PRIMARY KEY, name text);\n";
  const std::string m =
      message_of(sql_project(first,
                             "SET lock_timeout = '5s';\nALTER TABLE local_user ADD COLUMN "
                             "invited_by bigint DEFAULT 0 REFERENCES local_user (id);\n"),
                 "adding-foreign-key-constraint");
  CHECK(m.find("`local_user` and `local_user`") == std::string::npos);
  CHECK(m.find("SHARE ROW EXCLUSIVE on `local_user` (the foreign key references its own table)") !=
        std::string::npos);
  // With no default, every value of the new column is NULL: PostgreSQL checks no row.
  CHECK(of_rule(sql_project(first,
                            "SET lock_timeout = '5s';\nALTER TABLE local_user ADD COLUMN "
                            "invited_by bigint REFERENCES local_user (id);\n"),
                "adding-foreign-key-constraint")
            .empty());
}

TEST_CASE("unbatched-backfill: the batches walk the table's real primary key") {
  auto help_of = [](const LintResult& r) {
    std::vector<const Diagnostic*> found = of_rule(r, "unbatched-backfill");
    REQUIRE(found.size() == 1);
    return found[0]->help;
  };
  SECTION("an integer primary key not named id (SQL)") {
    const std::string h = help_of(sql_project(
        "CREATE TABLE jobs (job_no bigint PRIMARY KEY, state text);\n",
        "SET lock_timeout = '5s';\nUPDATE jobs SET state = 'done' WHERE state = 'old';\n"));
    CHECK(h.find("job_no > 0 AND job_no <= 1000") != std::string::npos);
    CHECK(h.find("SELECT max(job_no) FROM jobs") != std::string::npos);
    CHECK(h.find(" id ") == std::string::npos);
  }
  SECTION("a varchar id gets no integer ranges (Alembic, as fides' tables)") {
    const std::string h = help_of(alembic_project(
        "    op.create_table(\"ctl_systems\", sa.Column(\"id\", sa.String(), nullable=False),\n"
        "                    sa.Column(\"state\", sa.Text()), sa.PrimaryKeyConstraint(\"id\"))\n",
        "    op.execute(\"SET lock_timeout = '5s'\")\n"
        "    op.execute(\"UPDATE ctl_systems SET state = 'done' WHERE state = 'old'\")\n"));
    CHECK(h.find("id > ") == std::string::npos);
    CHECK(h.find("max(id)") == std::string::npos);
    CHECK(h.find("walking the table's primary key") != std::string::npos);
  }
  SECTION("an integer primary key (Alembic)") {
    const std::string h = help_of(alembic_project(
        "    op.create_table(\"events\", sa.Column(\"id\", sa.Integer(), primary_key=True),\n"
        "                    sa.Column(\"state\", sa.Text()))\n",
        "    op.execute(\"SET lock_timeout = '5s'\")\n"
        "    op.execute(\"UPDATE events SET state = 'done'\")\n"));
    CHECK(h.find("SELECT max(id) FROM events") != std::string::npos);
    CHECK(h.find("id > :start AND id <= :start + 1000") != std::string::npos);
  }
  SECTION("a table replay doesn't know: the help says it in words") {
    const std::string h = help_of(sql_project(
        "SELECT 1;\n", "SET lock_timeout = '5s';\nDELETE FROM sessions WHERE expired;\n"));
    CHECK(h.find("id > ") == std::string::npos);
    CHECK(h.find("walking the table's primary key") != std::string::npos);
  }
}

TEST_CASE("constraint-missing-not-valid: in a string of several statements, only the one changed") {
  const std::string first =
      "    op.create_table(\"orders\", sa.Column(\"id\", sa.BigInteger(), primary_key=True),\n"
      "                    sa.Column(\"n\", sa.BigInteger()), sa.Column(\"m\", sa.BigInteger()))\n";
  const std::string second =
      "    op.execute(\"SET lock_timeout = '5s'\")\n"
      "    op.execute('''\n"
      "        ALTER TABLE orders DROP CONSTRAINT IF EXISTS ck_old_one;\n"
      "        ALTER TABLE orders ADD CONSTRAINT ck_n CHECK (n > 0);\n"
      "        ALTER TABLE orders DROP CONSTRAINT IF EXISTS ck_old_two;\n"
      "    ''')\n";
  const LintResult r = alembic_project(first, second);
  std::vector<const Diagnostic*> found = of_rule(r, "constraint-missing-not-valid");
  REQUIRE(found.size() == 1);
  const std::string& h = found[0]->help;
  CHECK(
      h.starts_with("in the op.execute() string, which holds other statements too, write this "
                    "one as:\nALTER TABLE orders ADD CONSTRAINT ck_n CHECK (n > 0) NOT VALID;"));
  CHECK(h.find("ck_old_one") == std::string::npos);
  CHECK(h.find("ck_old_two") == std::string::npos);
  CHECK(h.find("op.execute('''") == std::string::npos);
  CHECK(h.find("VALIDATE CONSTRAINT ck_n") != std::string::npos);
}

TEST_CASE("changing-column-type: a change PostgreSQL refuses without USING is said to fail") {
  const std::string first = "CREATE TABLE organizations (id varchar(255) PRIMARY KEY);\n";
  const LintResult sql = sql_project(
      first, "SET lock_timeout = '5s';\nALTER TABLE organizations ALTER COLUMN id TYPE integer;\n");
  std::vector<const Diagnostic*> found = of_rule(sql, "changing-column-type");
  REQUIRE(found.size() == 1);
  CHECK(found[0]->message.find("from varchar(255) to integer fails") != std::string::npos);
  CHECK(found[0]->message.find("rewritten") == std::string::npos);
  CHECK(found[0]->help.find("USING id::integer") != std::string::npos);
  // Alembic's existing_type tells the old type: the help writes postgresql_using.
  const LintResult alembic = alembic_project(
      "    op.create_table(\"organizations\", sa.Column(\"id\", sa.String(255), "
      "primary_key=True))\n",
      "    op.execute(\"SET lock_timeout = '5s'\")\n"
      "    op.alter_column(\"organizations\", \"id\", existing_type=sa.String(255), "
      "type_=sa.Integer())\n");
  found = of_rule(alembic, "changing-column-type");
  REQUIRE(found.size() == 1);
  CHECK(found[0]->message.find("fails") != std::string::npos);
  CHECK(found[0]->help.find("postgresql_using=\"id::integer\"") != std::string::npos);
  // With the conversion written, the change is a rewrite, not a failure.
  const LintResult cast = sql_project(first,
                                      "SET lock_timeout = '5s';\nALTER TABLE organizations ALTER "
                                      "COLUMN id TYPE integer USING id::integer;\n");
  CHECK(message_of(cast, "changing-column-type").find("rewritten") != std::string::npos);
}
