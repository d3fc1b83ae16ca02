// Helps that say what to write where a change can't be made as an edit: the real types,
// tables, columns and statements the migrations know, and words where they don't know them;
// never a placeholder for the user to fill in.
#include <algorithm>
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "schemagate/engine.hpp"
#include "support.hpp"

using namespace schemagate;
using schemagate::test::TempDir;
using schemagate::test::write;

namespace {

// The help of the one finding of `rule`.
std::string help_of(const LintResult& r, const std::string& rule) {
  std::vector<const Diagnostic*> found;
  for (const Diagnostic& d : r.diagnostics) {
    if (d.rule == rule) found.push_back(&d);
  }
  REQUIRE(found.size() == 1);
  return found[0]->help;
}

// A golang-migrate folder of two migrations: `first` creates what `second` changes.
LintResult sql_project(const std::string& first, const std::string& second) {
  TempDir dir("helps-sql");
  write(dir.path() / "000001_create.up.sql", first);
  write(dir.path() / "000001_create.down.sql", "SELECT 1;\n");
  write(dir.path() / "000002_change.up.sql", "SET lock_timeout = '5s';\n" + second);
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
  TempDir dir("helps-alembic");
  write(dir.path() / "alembic.ini", "[alembic]\nscript_location = %(here)s/migrations\n");
  write(dir.path() / "migrations" / "versions" / "a1_create.py", revision("a1", "", first));
  write(dir.path() / "migrations" / "versions" / "b2_change.py",
        revision("b2", "a1", "    op.execute(\"SET lock_timeout = '5s'\")\n" + second));
  return lint_paths({dir.path().string()}, LintOptions{});
}

}  // namespace

TEST_CASE("renaming-column: the new column has the old one's type, as the user writes it") {
  SECTION("SQL") {
    const std::string help = help_of(
        sql_project("CREATE TABLE jobs (id bigserial PRIMARY KEY, name varchar(255) NOT NULL "
                    "DEFAULT '', seen timestamp with time zone, n serial);\n",
                    "ALTER TABLE jobs RENAME COLUMN name TO simple_name;\n"),
        "renaming-column");
    CHECK(help ==
          "rename in phases:\n"
          "ALTER TABLE jobs ADD COLUMN simple_name varchar(255);\n"
          "-- write to both, backfill in batches, switch the application, then, in a later "
          "migration:\n"
          "ALTER TABLE jobs DROP COLUMN name;");
  }
  SECTION("SQL: a serial column's copy is a plain integer; timestamptz") {
    LintResult r = sql_project("CREATE TABLE jobs (id bigint, n serial, seen timestamptz);\n",
                               "ALTER TABLE jobs RENAME COLUMN n TO num;\n"
                               "ALTER TABLE jobs RENAME COLUMN seen TO seen_at;\n");
    std::vector<std::string> helps;
    for (const Diagnostic& d : r.diagnostics) {
      if (d.rule == "renaming-column") helps.push_back(d.help.substr(0, d.help.find("\n--")));
    }
    CHECK(helps == std::vector<std::string>{
                       "rename in phases:\nALTER TABLE jobs ADD COLUMN num integer;",
                       "rename in phases:\nALTER TABLE jobs ADD COLUMN seen_at timestamptz;"});
  }
  SECTION("SQL: a type replay does not know is said in words") {
    TempDir dir("helps-unknown");
    write(dir.path() / "000001_rename.up.sql",
          "SET lock_timeout = '5s';\nALTER TABLE jobs RENAME COLUMN name TO simple_name;\n");
    write(dir.path() / "000001_rename.down.sql", "SELECT 1;\n");
    const std::string help =
        help_of(lint_paths({dir.path().string()}, LintOptions{}), "renaming-column");
    CHECK(help ==
          "rename in phases:\n"
          "-- add the column simple_name, nullable, with name's type,\n"
          "-- then write to both, backfill in batches, switch the application, then, in a later "
          "migration:\n"
          "ALTER TABLE jobs DROP COLUMN name;");
  }
  SECTION("Alembic") {
    const std::string help =
        help_of(alembic_project("    op.create_table(\"jobs\", sa.Column(\"id\", sa.BigInteger(), "
                                "primary_key=True), sa.Column(\"name\", sa.String(255), "
                                "nullable=False))\n",
                                "    op.alter_column(\"jobs\", \"name\", "
                                "new_column_name=\"simple_name\")\n"),
                "renaming-column");
    CHECK(help ==
          "rename in phases:\n"
          "op.add_column(\"jobs\", sa.Column(\"simple_name\", sa.String(255)))\n"
          "# write to both, backfill in batches, switch the application, then, in a later "
          "revision:\n"
          "op.drop_column(\"jobs\", \"name\")");
  }
  SECTION("Alembic: an enum's SQLAlchemy spelling is not known, its name is") {
    const std::string help = help_of(
        alembic_project("    op.create_table(\"jobs\", sa.Column(\"id\", sa.BigInteger(), "
                        "primary_key=True), sa.Column(\"state\", sa.Enum(\"a\", \"b\", "
                        "name=\"job_state\")))\n",
                        "    op.alter_column(\"jobs\", \"state\", new_column_name=\"status\")\n"),
        "renaming-column");
    CHECK(help ==
          "rename in phases:\n"
          "# add the column status, nullable, of type job_state (state's type),\n"
          "# then write to both, backfill in batches, switch the application, then, in a later "
          "revision:\n"
          "op.drop_column(\"jobs\", \"state\")");
  }
}

TEST_CASE("renaming-enum-value: one batched UPDATE per column of the type") {
  SECTION("SQL") {
    const std::string help = help_of(
        sql_project("CREATE TYPE vis AS ENUM ('Public', 'LocalOnly');\n"
                    "CREATE TABLE community (id bigint PRIMARY KEY, visibility vis NOT NULL);\n"
                    "CREATE TABLE mod_log (id bigint PRIMARY KEY, old vis, seen vis[]);\n"
                    "CREATE TABLE other (id bigint PRIMARY KEY, note text);\n",
                    "ALTER TYPE vis RENAME VALUE 'LocalOnly' TO 'LocalOnlyPrivate';\n"),
        "renaming-enum-value");
    CHECK(help ==
          "add the new value instead, move the rows to it once it has committed (PostgreSQL "
          "refuses a new value in the transaction that added it), in batches of each table's "
          "key (id here), each in its own transaction, from a script or job after this "
          "migration, then move the application to 'LocalOnlyPrivate', then stop using "
          "'LocalOnly':\n"
          "ALTER TYPE vis ADD VALUE 'LocalOnlyPrivate';\n"
          "UPDATE community SET visibility = 'LocalOnlyPrivate' WHERE visibility = 'LocalOnly' "
          "AND id > 0 AND id <= 1000;\n"
          "UPDATE mod_log SET old = 'LocalOnlyPrivate' WHERE old = 'LocalOnly' AND id > 0 AND "
          "id <= 1000;\n"
          "UPDATE mod_log SET seen = array_replace(seen, 'LocalOnly', 'LocalOnlyPrivate') WHERE "
          "'LocalOnly' = ANY(seen) AND id > 0 AND id <= 1000;\n"
          "-- then id > 1000 AND id <= 2000, and so on up to the table's largest id");
  }
  SECTION("SQL: no column known to use the type") {
    TempDir dir("helps-enum");
    write(dir.path() / "000001_rename.up.sql", "ALTER TYPE vis RENAME VALUE 'a' TO 'b';\n");
    write(dir.path() / "000001_rename.down.sql", "SELECT 1;\n");
    CHECK(help_of(lint_paths({dir.path().string()}, LintOptions{}), "renaming-enum-value") ==
          "add the new value instead (ALTER TYPE vis ADD VALUE 'b';), and once it has committed "
          "move the rows of every column of type vis from 'a' to 'b' in batches (see "
          "unbatched-backfill), then move the application to 'b', then stop using 'a'");
  }
  SECTION("Alembic") {
    const std::string help =
        help_of(alembic_project(
                    "    op.execute(\"CREATE TYPE vis AS ENUM ('a', 'b')\")\n"
                    "    op.execute(\"CREATE TABLE community (id bigint PRIMARY KEY, v vis)\")\n",
                    "    op.execute(\"ALTER TYPE vis RENAME VALUE 'a' TO 'c'\")\n"),
                "renaming-enum-value");
    CHECK(help ==
          "add the new value instead, move the rows to it in a later revision (PostgreSQL "
          "refuses a new value in the transaction that added it), in batches of each table's "
          "key (id here), each committed on its own, then move the application to 'c', then "
          "stop using 'a':\n"
          "op.execute(\"ALTER TYPE vis ADD VALUE 'c'\")\n"
          "# then, in a later revision:\n"
          "with op.get_context().autocommit_block():\n"
          "    bind = op.get_bind()\n"
          "    for start in range(0, bind.execute(sa.text(\"SELECT max(id) FROM community\"))"
          ".scalar() or 0, 1000):\n"
          "        bind.execute(sa.text(\"UPDATE community SET v = 'c' WHERE v = 'a' AND id > "
          ":start AND id <= :start + 1000\"), {\"start\": start})");
  }
}

TEST_CASE("transaction-nesting: the statements after a COMMIT go in the autocommit block") {
  TempDir dir("helps-commit");
  write(dir.path() / "alembic.ini", "[alembic]\nscript_location = %(here)s/migrations\n");
  auto lint = [&](const std::string& up) {
    write(dir.path() / "migrations" / "versions" / "a1_commit.py", revision("a1", "", up));
    return help_of(lint_paths({dir.path().string()}, LintOptions{}), "transaction-nesting");
  };
  CHECK(lint("    op.execute(\"COMMIT\")\n"
             "    op.create_index(\n"
             "        \"ix_jobs_name\", \"jobs\", [\"name\"],\n"
             "        postgresql_concurrently=True,\n"
             "    )\n"
             "    op.execute(\"\"\"\n        CREATE INDEX CONCURRENTLY ix_jobs_at\n"
             "            ON jobs (at)\n    \"\"\")\n") ==
        "remove this COMMIT and let Alembic manage the transaction; run the statements that "
        "must run outside a transaction in an autocommit block:\n"
        "with op.get_context().autocommit_block():\n"
        "    op.create_index(\n"
        "        \"ix_jobs_name\", \"jobs\", [\"name\"],\n"
        "        postgresql_concurrently=True,\n"
        "    )\n"
        "    op.execute(\"CREATE INDEX CONCURRENTLY ix_jobs_at ON jobs (at)\")");
  CHECK(lint("    op.get_bind().execute(\"COMMIT\")\n"
             "    op.drop_column(\"jobs\", \"name\")\n") ==
        "remove this COMMIT and let Alembic manage the transaction; a statement that must run "
        "outside a transaction (such as CREATE INDEX CONCURRENTLY) goes in a `with "
        "op.get_context().autocommit_block():` block");
}

TEST_CASE("ban-drop-column: a NOT NULL column without a default is made nullable first") {
  SECTION("SQL") {
    LintResult r = sql_project(
        "CREATE TABLE jobs (id bigint PRIMARY KEY, name text NOT NULL, kind text NOT NULL "
        "DEFAULT 'x', note text);\n",
        "ALTER TABLE jobs DROP COLUMN name;\n");
    CHECK(help_of(r, "ban-drop-column") ==
          "the column is NOT NULL without a default, so code that stops writing it fails its "
          "inserts: first drop NOT NULL (or give it a default) and deploy that with code that no "
          "longer uses the column (and its ORM models), then drop it in a later migration:\n"
          "ALTER TABLE jobs ALTER COLUMN name DROP NOT NULL;\n"
          "-- then, in a later migration:\n"
          "ALTER TABLE jobs DROP COLUMN name;");
  }
  SECTION("SQL: with a default, nullable, or given a default later: the usual help") {
    LintResult r = sql_project(
        "CREATE TABLE jobs (id bigint PRIMARY KEY, name text NOT NULL, kind text NOT NULL "
        "DEFAULT 'x', note text);\n"
        "ALTER TABLE jobs ALTER COLUMN name SET DEFAULT '';\n",
        "ALTER TABLE jobs DROP COLUMN kind, DROP COLUMN note, DROP COLUMN name;\n");
    std::vector<std::string> helps;
    for (const Diagnostic& d : r.diagnostics) {
      if (d.rule == "ban-drop-column") helps.push_back(d.help);
    }
    CHECK(helps ==
          std::vector<std::string>{
              "stop using the column in the application (and in its ORM models) and deploy, then "
              "drop it in a later migration: ALTER TABLE jobs DROP COLUMN kind;",
              "stop using the column in the application (and in its ORM models) and deploy, then "
              "drop it in a later migration: ALTER TABLE jobs DROP COLUMN name;",
              "stop using the column in the application (and in its ORM models) and deploy, then "
              "drop it in a later migration: ALTER TABLE jobs DROP COLUMN note;"});
  }
  SECTION("Alembic") {
    LintResult r = alembic_project(
        "    op.create_table(\"jobs\", sa.Column(\"id\", sa.BigInteger(), primary_key=True),\n"
        "                    sa.Column(\"name\", sa.Text(), nullable=False))",
        "    op.drop_column(\"jobs\", \"name\")");
    CHECK(help_of(r, "ban-drop-column") ==
          "the column is NOT NULL without a default, so code that stops writing it fails its "
          "inserts: first drop NOT NULL (or give it a default) and deploy that with code that no "
          "longer uses the column (and its ORM models), then drop it in a later revision:\n"
          "op.alter_column(\"jobs\", \"name\", nullable=True)\n"
          "# then, in a later revision:\n"
          "op.drop_column(\"jobs\", \"name\")");
  }
}

// A rollback runs no later migration: the helps of findings in a downgrade say what works
// inside the downgrade (after it commits, or in the downgrade itself), never "in a later
// migration".
TEST_CASE("helps in a downgrade don't send the change to a later migration") {
  const std::string create =
      "CREATE TABLE teams (id bigint PRIMARY KEY);\n"
      "CREATE TABLE jobs (id bigint PRIMARY KEY, team_id bigint, config text NOT NULL, "
      "seen timestamp, legacy text);\n";
  SECTION("SQL") {
    TempDir dir("helps-rollback-sql");
    write(dir.path() / "000001_create.up.sql", create);
    write(dir.path() / "000001_create.down.sql", "DROP TABLE jobs;\nDROP TABLE teams;\n");
    write(dir.path() / "000002_change.up.sql",
          "SET lock_timeout = '5s';\n"
          "ALTER TABLE jobs ALTER COLUMN config DROP NOT NULL;\n"
          "ALTER TABLE jobs ALTER COLUMN seen TYPE timestamptz;\n");
    write(dir.path() / "000002_change.down.sql",
          "SET lock_timeout = '5s';\n"
          // First: built after the scans below, it would be under their lock (busy_under_lock).
          "CREATE INDEX jobs_team_idx ON jobs (team_id);\n"
          "ALTER TABLE jobs ALTER COLUMN config SET NOT NULL;\n"
          "ALTER TABLE jobs ALTER COLUMN seen TYPE timestamp;\n"
          "ALTER TABLE jobs ADD CONSTRAINT jobs_team_fkey FOREIGN KEY (team_id) "
          "REFERENCES teams (id);\n"
          "ALTER TABLE jobs DROP COLUMN legacy;\n"
          "ALTER TABLE teams RENAME TO squads;\n"
          // Last: past it, the table is empty (Step::table_must_be_empty).
          "ALTER TABLE jobs ADD COLUMN owner bigint NOT NULL;\n");
    const LintResult r = lint_paths({dir.path().string()}, LintOptions{});
    std::vector<std::string> rules;
    for (const Diagnostic& d : r.diagnostics) {
      if (d.path.find("000002_change.down.sql") == std::string::npos) continue;
      rules.push_back(d.rule);
      INFO(d.rule << ": " << d.help);
      CHECK(d.help.find("later migration") == std::string::npos);
      CHECK(d.help.find("later revision") == std::string::npos);
    }
    std::sort(rules.begin(), rules.end());
    CHECK(rules == std::vector<std::string>{"adding-foreign-key-constraint",
                                            "adding-not-nullable-field", "adding-required-field",
                                            "ban-drop-column", "changing-column-type",
                                            "renaming-table", "require-concurrent-index-creation"});
    for (const Diagnostic& d : r.diagnostics) {
      if (d.path.find("000002_change.down.sql") == std::string::npos) continue;
      if (d.rule == "adding-not-nullable-field" || d.rule == "adding-foreign-key-constraint") {
        CHECK(d.help.find("once this down migration has committed") != std::string::npos);
      } else if (d.rule == "require-concurrent-index-creation") {
        CHECK(d.help.find("a rollback runs no other migration") != std::string::npos);
      } else {
        CHECK(d.help.find("a rollback") != std::string::npos);
      }
    }
  }
  SECTION("Alembic") {
    TempDir dir("helps-rollback-alembic");
    write(dir.path() / "alembic.ini", "[alembic]\nscript_location = %(here)s/migrations\n");
    write(dir.path() / "migrations" / "versions" / "a1_create.py",
          revision("a1", "",
                   "    op.execute(\"" + create.substr(0, create.find('\n')) +
                       "\")\n    op.execute(\"" +
                       create.substr(create.find('\n') + 1, create.size() - create.find('\n') - 2) +
                       "\")\n"));
    write(dir.path() / "migrations" / "versions" / "b2_change.py",
          "from alembic import op\nimport sqlalchemy as sa\n\nrevision = \"b2\"\n"
          "down_revision = \"a1\"\n\n\ndef upgrade():\n"
          "    op.execute(\"SET lock_timeout = '5s'\")\n"
          "    op.alter_column(\"jobs\", \"config\", nullable=True)\n\n\n"
          "def downgrade():\n"
          "    op.execute(\"SET lock_timeout = '5s'\")\n"
          "    op.alter_column(\"jobs\", \"config\", nullable=False)\n"
          "    op.create_foreign_key(\"jobs_team_fkey\", \"jobs\", \"teams\", [\"team_id\"], "
          "[\"id\"])\n");
    const LintResult r = lint_paths({dir.path().string()}, LintOptions{});
    std::vector<std::string> rules;
    for (const Diagnostic& d : r.diagnostics) {
      // The upgrade's DROP NOT NULL is reported as usual.
      if (d.path.find("b2_change.py") == std::string::npos || d.rule == "ban-drop-not-null") {
        continue;
      }
      rules.push_back(d.rule);
      INFO(d.rule << ": " << d.help);
      CHECK(d.help.find("later revision") == std::string::npos);
      CHECK(d.help.find("autocommit_block") != std::string::npos);
    }
    std::sort(rules.begin(), rules.end());
    CHECK(rules ==
          std::vector<std::string>{"adding-foreign-key-constraint", "adding-not-nullable-field"});
  }
}

// The compatibility view keeps the columns renamed before it under their old names, and this
// migration's downgrade drops it before renaming the table back.
TEST_CASE("renaming-table: the view keeps renamed columns and the downgrade drops it") {
  TempDir dir("helps-rename-table");
  write(dir.path() / "000001_create.up.sql",
        "CREATE TABLE post_tag (post_id bigint, tag_id bigint);\n");
  write(dir.path() / "000001_create.down.sql", "DROP TABLE post_tag;\n");
  write(dir.path() / "000002_rename.up.sql",
        "SET lock_timeout = '5s';\n"
        "ALTER TABLE post_tag RENAME COLUMN tag_id TO community_tag_id;\n"
        "ALTER TABLE post_tag RENAME TO post_community_tag;\n");
  write(dir.path() / "000002_rename.down.sql",
        "SET lock_timeout = '5s';\n"
        "ALTER TABLE post_community_tag RENAME TO post_tag;\n"
        "ALTER TABLE post_tag RENAME COLUMN community_tag_id TO tag_id;\n");
  const LintResult r = lint_paths({dir.path().string()}, LintOptions{});
  const std::string help = help_of(r, "renaming-table");
  CHECK(help.find("CREATE VIEW post_tag AS SELECT *, community_tag_id AS tag_id FROM "
                  "post_community_tag;") != std::string::npos);
  CHECK(help.find("-- and in this migration's downgrade, before renaming back:\n"
                  "DROP VIEW IF EXISTS post_tag;") != std::string::npos);
}

// A backfill that a later schema change of its table needs runs before that change: in a
// migration of its own before this one, or in a rollback before the change.
TEST_CASE("unbatched-backfill: the batches run before the schema change that needs them") {
  TempDir dir("helps-backfill-order");
  write(dir.path() / "000001_create.up.sql",
        "CREATE TABLE jobs (id bigint PRIMARY KEY, config text, note text);\n"
        "CREATE TABLE notes (id bigint PRIMARY KEY, body text);\n");
  write(dir.path() / "000001_create.down.sql", "DROP TABLE notes;\nDROP TABLE jobs;\n");
  write(dir.path() / "000002_change.up.sql",
        "SET lock_timeout = '5s';\n"
        "UPDATE jobs SET config = '{}' WHERE config IS NULL;\n"
        "ALTER TABLE jobs ALTER COLUMN config SET NOT NULL;\n"
        "UPDATE notes SET body = '' WHERE body IS NULL;\n");
  write(dir.path() / "000002_change.down.sql",
        "SET lock_timeout = '5s';\n"
        "UPDATE jobs SET note = NULL WHERE note = '';\n"
        "ALTER TABLE jobs ALTER COLUMN note SET NOT NULL;\n"
        "ALTER TABLE jobs ALTER COLUMN config DROP NOT NULL;\n");
  const LintResult r = lint_paths({dir.path().string()}, LintOptions{});
  std::vector<std::string> helps;
  for (const Diagnostic& d : r.diagnostics) {
    if (d.rule == "unbatched-backfill") helps.push_back(d.help);
  }
  REQUIRE(helps.size() == 3);
  std::sort(helps.begin(), helps.end());
  const auto has = [&](const std::string& words) {
    return std::count_if(helps.begin(), helps.end(),
                         [&](const std::string& h) { return h.find(words) != std::string::npos; });
  };
  CHECK(has("in a migration of its own before this one (the SET NOT NULL after it") == 1);
  CHECK(has("from a script or job after this migration") == 1);
  CHECK(has("in the down migration before the SET NOT NULL that follows it") == 1);
}

TEST_CASE(
    "adding-serial-primary-key-field: the index gets a name that is free, the ALTER keeps "
    "its other sub-commands") {
  SECTION("the key replaces a serial key in the same ALTER TABLE: its name is still taken") {
    LintResult r = sql_project(
        "CREATE TABLE ib (id serial PRIMARY KEY, person_id int NOT NULL, instance_id int NOT "
        "NULL, UNIQUE (person_id, instance_id));\n",
        "ALTER TABLE ib DROP COLUMN id, ADD PRIMARY KEY (person_id, instance_id), DROP "
        "CONSTRAINT ib_person_id_instance_id_key;\n");
    CHECK(help_of(r, "adding-serial-primary-key-field") ==
          "CREATE UNIQUE INDEX CONCURRENTLY ib_pkey_new ON ib (person_id, instance_id); (outside "
          "a transaction) then, in this ALTER TABLE, ADD CONSTRAINT ib_pkey PRIMARY KEY USING "
          "INDEX ib_pkey_new in place of ADD PRIMARY KEY (person_id, instance_id): its other "
          "sub-commands (DROP COLUMN id, DROP CONSTRAINT ib_person_id_instance_id_key) stay, in "
          "their order");
  }
  SECTION("a table without a key: the key's own name") {
    LintResult r =
        sql_project("CREATE TABLE ev (a int NOT NULL);\n", "ALTER TABLE ev ADD PRIMARY KEY (a);\n");
    CHECK(help_of(r, "adding-serial-primary-key-field") ==
          "CREATE UNIQUE INDEX CONCURRENTLY ev_pkey ON ev (a); (outside a transaction) then ALTER "
          "TABLE ev ADD CONSTRAINT ev_pkey PRIMARY KEY USING INDEX ev_pkey;");
  }
  SECTION("an index has the key's name, and the first free one") {
    LintResult r = sql_project(
        "CREATE TABLE ev (a int NOT NULL);\nCREATE INDEX ev_pkey ON ev (a);\n"
        "CREATE INDEX ev_pkey_new ON ev (a);\n",
        "ALTER TABLE ev ADD PRIMARY KEY (a);\n");
    CHECK(help_of(r, "adding-serial-primary-key-field") ==
          "CREATE UNIQUE INDEX CONCURRENTLY ev_pkey_new1 ON ev (a); (outside a transaction) then "
          "ALTER TABLE ev ADD CONSTRAINT ev_pkey PRIMARY KEY USING INDEX ev_pkey_new1;");
  }
}

TEST_CASE("ban-drop-column: a key column's drop moves with what needs it") {
  SECTION("in an ALTER TABLE that adds the new key: the whole statement") {
    LintResult r = sql_project(
        "CREATE TABLE pf (id serial PRIMARY KEY, a int NOT NULL, b int NOT NULL, UNIQUE (a, "
        "b));\n",
        "ALTER TABLE pf DROP COLUMN id, ADD PRIMARY KEY (a, b), DROP CONSTRAINT pf_a_b_key;\n");
    CHECK(help_of(r, "ban-drop-column") ==
          "stop using the column in the application (and in its ORM models) and deploy, then "
          "drop it in a later migration, moving there the whole ALTER TABLE pf statement, all its "
          "sub-commands together (DROP COLUMN id, ADD PRIMARY KEY (a, b), DROP CONSTRAINT "
          "pf_a_b_key), as they may depend on the drop: id is part of the table's primary key, "
          "which the table keeps until the drop, so a new primary key can only be added after "
          "it");
  }
  SECTION("a key added by a later statement moves too") {
    LintResult r =
        sql_project("CREATE TABLE pf (id serial PRIMARY KEY, a int NOT NULL, b int NOT NULL);\n",
                    "ALTER TABLE pf DROP COLUMN id;\nALTER TABLE pf ADD PRIMARY KEY (a, b);\n");
    CHECK(help_of(r, "ban-drop-column") ==
          "stop using the column in the application (and in its ORM models) and deploy, then "
          "drop it in a later migration, and the ADD PRIMARY KEY (a, b) after it in this "
          "migration there too, after the drop (id is part of the table's primary key, which the "
          "table keeps until the drop): ALTER TABLE pf DROP COLUMN id;");
  }
}

TEST_CASE(
    "unsupported-operation: a library's helper is reported when given the connection, "
    "with no lint from the root to suggest") {
  LintResult r = alembic_project(
      "    op.create_table(\"jobs\", sa.Column(\"id\", sa.BigInteger(), primary_key=True))",
      "    from keylib.validation import validate_key\n"
      "    from keylib.sync import sync_schema\n"
      "    validate_key(\"jobs\")\n"
      "    sync_schema(op.get_bind())");
  CHECK(help_of(r, "unsupported-operation") ==
        "check by hand what the helper does (in the library's documentation or source)");
}

// The drop the help moves to a later migration is the user's own statement.
TEST_CASE("ban-drop-table: the help keeps the user's DROP TABLE as written") {
  SECTION("SQL") {
    const std::string help =
        help_of(sql_project("CREATE TABLE legacy_tokens (id bigint PRIMARY KEY);\n",
                            "DROP TABLE IF EXISTS legacy_tokens CASCADE;\n"),
                "ban-drop-table");
    CHECK(
        help.ends_with("then drop it in a later migration: DROP TABLE IF EXISTS legacy_tokens "
                       "CASCADE;"));
  }
  SECTION("Alembic") {
    const std::string help = help_of(
        alembic_project("    op.execute(\"CREATE TABLE tagmanifest (id bigint PRIMARY KEY)\")\n",
                        "    op.execute(\"DROP TABLE IF EXISTS tagmanifest\")\n"),
        "ban-drop-table");
    CHECK(help.ends_with(
        "then drop it in a later revision: op.execute(\"DROP TABLE IF EXISTS tagmanifest\")"));
  }
}

namespace {

// The one finding of `rule`, copied: callers pass a LintResult that lives for the call only.
Diagnostic finding_of(const LintResult& r, const std::string& rule) {
  std::vector<const Diagnostic*> found;
  for (const Diagnostic& d : r.diagnostics) {
    if (d.rule == rule) found.push_back(&d);
  }
  REQUIRE(found.size() == 1);
  return *found[0];
}

}  // namespace

// The parse tree has no parentheses: the deparsed default puts back those the operators
// need; in Alembic the default and the type are the revision's own text.
TEST_CASE("adding-field-with-default: the default keeps its parentheses, the type its spelling") {
  SECTION("SQL") {
    const Diagnostic& d = finding_of(
        sql_project("CREATE TABLE forms (id bigint PRIMARY KEY);\n",
                    "ALTER TABLE forms ADD COLUMN n int DEFAULT floor(random()*(11-8+1) + 8);\n"),
        "adding-field-with-default");
    CHECK(d.message.find("the volatile default floor(random() * (11 - 8 + 1) + 8) is") !=
          std::string::npos);
    CHECK(d.help.find("ALTER TABLE forms ALTER COLUMN n SET DEFAULT floor(random() * (11 - 8 + "
                      "1) + 8);") != std::string::npos);
  }
  SECTION("SQL: unary minus, powers, casts and other operators") {
    LintResult r = sql_project(
        "CREATE TABLE forms (id bigint PRIMARY KEY);\n",
        "ALTER TABLE forms ADD COLUMN m text DEFAULT -(random() - 1) * 2 ^ (3 ^ 2) - (4 - 5) "
        "|| (6 < 7)::text;\n");
    CHECK(finding_of(r, "adding-field-with-default")
              .help.find("SET DEFAULT -(random() - 1) * 2 ^ (3 ^ 2) - (4 - 5) || (6 < "
                         "7)::text;") != std::string::npos);
  }
  SECTION("Alembic") {
    const Diagnostic& d = finding_of(
        alembic_project("    op.create_table(\"forms\", sa.Column(\"id\", sa.BigInteger(), "
                        "primary_key=True))\n",
                        "    from sqlalchemy.dialects import postgresql\n"
                        "    op.add_column(\"forms\", sa.Column(\"uuid\", postgresql.UUID(), "
                        "nullable=False, server_default=sa.text('''\n"
                        "        md5(random()::text)::cstring ||\n"
                        "        to_hex(floor(random()*(11-8+1) + 8)::int)''')))\n"),
        "adding-field-with-default");
    CHECK(d.message.find("the volatile default md5(random()::text)::cstring || "
                         "to_hex(floor(random()*(11-8+1) + 8)::int) is") != std::string::npos);
    CHECK(d.help.find("op.add_column(\"forms\", sa.Column(\"uuid\", postgresql.UUID(), "
                      "nullable=True))") != std::string::npos);
    CHECK(d.help.find("server_default=sa.text(\"md5(random()::text)::cstring || "
                      "to_hex(floor(random()*(11-8+1) + 8)::int)\")") != std::string::npos);
  }
}

// varchar to citext keeps the rows (a binary cast): only the column's indexes are rebuilt.
TEST_CASE("changing-column-type: text, varchar and citext keep the rows, rebuild the indexes") {
  const LintResult r = sql_project(
      "CREATE TABLE users (id bigint PRIMARY KEY, username varchar(255));\n"
      "CREATE UNIQUE INDEX users_username ON users (username);\n",
      "CREATE EXTENSION IF NOT EXISTS citext;\n"
      "ALTER TABLE users ALTER COLUMN username TYPE citext;\n");
  const Diagnostic& d = finding_of(r, "changing-column-type");
  CHECK(d.message ==
        "changing the type of `users.username` from varchar(255) to citext: ACCESS EXCLUSIVE on "
        "users blocks all reads and writes while the table is scanned: varchar(255) converts "
        "to citext without a change to the stored values (a binary cast), so the rows are "
        "kept, but every index on the column is rebuilt under the lock, in its new operator "
        "class; a unique index on it fails if two values differ only in case");
}

// Without CASCADE, every table with a foreign key to one truncated must be named too.
TEST_CASE("ban-truncate-cascade: the help names the tables CASCADE reaches") {
  SECTION("replay knows the foreign keys") {
    const LintResult r = sql_project(
        "CREATE TABLE versions (id bigint PRIMARY KEY);\n"
        "CREATE TABLE inputs (id bigint PRIMARY KEY, version_id bigint REFERENCES versions "
        "(id));\n"
        "CREATE TABLE next_inputs (id bigint, input_id bigint, CONSTRAINT fk FOREIGN KEY "
        "(input_id) REFERENCES inputs (id));\n"
        "CREATE TABLE other (id bigint);\n",
        "TRUNCATE TABLE versions CASCADE;\n");
    CHECK(help_of(r, "ban-truncate-cascade") ==
          "name every table you mean to empty, without CASCADE, with the tables CASCADE "
          "reaches through their foreign keys (`inputs`, `next_inputs`) (PostgreSQL then "
          "refuses the statement if another table still references one of them): TRUNCATE "
          "versions, inputs, next_inputs;");
  }
  SECTION("a table the migrations don't show") {
    const LintResult r =
        sql_project("CREATE TABLE other (id bigint);\n", "TRUNCATE TABLE versions CASCADE;\n");
    CHECK(help_of(r, "ban-truncate-cascade") ==
          "name every table you mean to empty, without CASCADE; the migrations linted don't "
          "show which tables have a foreign key to `versions`: add each of them to the list "
          "(PostgreSQL refuses the statement while a table that references one it empties is "
          "missing from it, \"cannot truncate a table referenced in a foreign key "
          "constraint\"): TRUNCATE versions;");
  }
}

// golang-migrate sends a file of several statements as one query string: one transaction,
// in which DROP INDEX CONCURRENTLY fails. The statement moves to a file of its own.
TEST_CASE("require-concurrent-index-deletion: golang-migrate's statement moves to its own file") {
  const LintResult r = sql_project(
      "CREATE TABLE users (id bigint PRIMARY KEY, token text);\n"
      "CREATE INDEX token_idx ON users (token);\n",
      "DROP INDEX IF EXISTS token_idx;\n");
  const Diagnostic& d = finding_of(r, "require-concurrent-index-deletion");
  CHECK(d.help ==
        "move it into a migration of its own, alone in its file (golang-migrate sends a file "
        "as one query string, which PostgreSQL runs as one transaction when it holds several "
        "statements):\n"
        "DROP INDEX CONCURRENTLY IF EXISTS token_idx;");
  CHECK_FALSE(d.fix.has_value());  // CONCURRENTLY can't be added where it stays in the file
}

// popx runs each migration in a transaction, but not the `.autocommit.` files.
TEST_CASE("require-concurrent-index-deletion: popx's statement moves to an autocommit file") {
  TempDir dir("helps-popx");
  write(dir.path() / "20240101000000_create.postgres.up.sql",
        "CREATE TABLE users (id bigint PRIMARY KEY, token text);\n"
        "CREATE INDEX token_idx ON users (token);\n");
  write(dir.path() / "20240102000000_change.up.sql",
        "SET lock_timeout = '5s';\nDROP INDEX IF EXISTS token_idx;\n");
  const LintResult r = lint_paths({dir.path().string()}, LintOptions{});
  const Diagnostic& d = finding_of(r, "require-concurrent-index-deletion");
  CHECK(d.help ==
        "move it into a migration of its own, in a file whose name carries `.autocommit` "
        "before `.up.sql`, which popx runs outside a transaction:\n"
        "DROP INDEX CONCURRENTLY IF EXISTS token_idx;");
  CHECK_FALSE(d.fix.has_value());
}

// A lock weaker than ACCESS EXCLUSIVE on a table an earlier statement of the transaction
// holds ACCESS EXCLUSIVE on: reads wait too, and the message says so.
TEST_CASE("lock messages: reads wait too under an earlier ACCESS EXCLUSIVE") {
  const LintResult r = sql_project("CREATE TABLE items (id bigint PRIMARY KEY, note text);\n",
                                   "ALTER TABLE items ADD COLUMN sku text;\n"
                                   "CREATE INDEX items_sku_idx ON items (sku);\n");
  const Diagnostic d = finding_of(r, "require-concurrent-index-creation");
  CHECK(d.message.find("SHARE on items blocks writes while the table is scanned, and reads too: "
                       "an earlier statement of this transaction holds ACCESS EXCLUSIVE on "
                       "items until the commit") != std::string::npos);
  const LintResult alone = sql_project("CREATE TABLE items (id bigint PRIMARY KEY, note text);\n",
                                       "CREATE INDEX items_note_idx ON items (note);\n");
  CHECK(finding_of(alone, "require-concurrent-index-creation").message.find("reads too") ==
        std::string::npos);
}

// Code copied from a help runs: the names it uses that the revision doesn't import come with
// the import to add; an enum is written as SQLAlchemy can name it.
TEST_CASE("Alembic helps: the imports they need, and enum types by name") {
  SECTION("postgresql. without the import") {
    const Diagnostic d = finding_of(
        alembic_project("    op.create_table(\"docs\", sa.Column(\"id\", sa.BigInteger(), "
                        "primary_key=True))\n",
                        "    op.add_column(\"docs\", sa.Column(\"body\", sa.JSON()))\n"),
        "prefer-jsonb");
    CHECK(d.help.find("postgresql.JSONB()") != std::string::npos);
    CHECK(
        d.help.ends_with("(at the top of the file, which doesn't import it yet:\n"
                         "from sqlalchemy.dialects import postgresql)"));
  }
  SECTION("imported: nothing added") {
    const Diagnostic d = finding_of(
        alembic_project("    op.create_table(\"docs\", sa.Column(\"id\", sa.BigInteger(), "
                        "primary_key=True))\n",
                        "    from sqlalchemy.dialects import postgresql\n"
                        "    op.add_column(\"docs\", sa.Column(\"body\", sa.JSON()))\n"),
        "prefer-jsonb");
    CHECK(d.help.find("at the top of the file") == std::string::npos);
  }
  SECTION("an enum type") {
    const Diagnostic d = finding_of(
        alembic_project("    op.execute(\"CREATE TYPE mood AS ENUM ('ok', 'bad')\")\n"
                        "    op.create_table(\"people\", sa.Column(\"id\", sa.BigInteger(), "
                        "primary_key=True), sa.Column(\"m\", sa.Text()))\n",
                        "    op.execute(\"ALTER TABLE people ALTER COLUMN m TYPE mood USING "
                        "m::mood\")\n"),
        "changing-column-type");
    CHECK(d.help.find("postgresql.ENUM(name=\"mood\", create_type=False)") != std::string::npos);
    CHECK(d.help.find("postgresql.MOOD") == std::string::npos);
  }
}

// A project whose env.py names another database runs its revisions there too: the SET that
// only PostgreSQL takes is put behind a dialect check.
TEST_CASE("require-lock-timeout: behind a dialect check in a project that runs elsewhere too") {
  TempDir dir("helps-dialects");
  write(dir.path() / "alembic.ini", "[alembic]\nscript_location = %(here)s/migrations\n");
  write(dir.path() / "migrations" / "env.py",
        "from alembic import context\n\nif 'sqlite' in context.config.get_main_option("
        "'sqlalchemy.url'):\n    pass\n");
  write(dir.path() / "migrations" / "versions" / "a1_change.py",
        revision("a1", "", "    op.add_column(\"users\", sa.Column(\"bio\", sa.Text()))\n"));
  const Diagnostic d =
      finding_of(lint_paths({dir.path().string()}, LintOptions{}), "require-lock-timeout");
  CHECK(d.help.find("if op.get_bind().dialect.name == \"postgresql\":\n    "
                    "op.execute(\"SET lock_timeout = '5s'\")") != std::string::npos);
  CHECK(d.help.find("when it is PostgreSQL's") != std::string::npos);
}
