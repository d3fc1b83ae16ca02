// One hazard, one finding (a foreign key without NOT VALID reported once, sub-commands of one
// statement as one finding, one checklist-incomplete per migration); syntax errors of
// statements that may be newer than the bundled parser; how to accept a data-only migration
// without a downgrade.
#include <algorithm>
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "schemagate/engine.hpp"
#include "support.hpp"

using namespace schemagate;

namespace {

std::size_t count(const LintResult& r, const std::string& rule) {
  return static_cast<std::size_t>(
      std::count_if(r.diagnostics.begin(), r.diagnostics.end(),
                    [&](const Diagnostic& d) { return d.rule == rule; }));
}

const Diagnostic& only(const LintResult& r, const std::string& rule) {
  REQUIRE(count(r, rule) == 1);
  return *std::find_if(r.diagnostics.begin(), r.diagnostics.end(),
                       [&](const Diagnostic& d) { return d.rule == rule; });
}

constexpr const char* kAlembicHead =
    "\"\"\"m\n\nRevision ID: 1a2b3c4d5e6f\nRevises:\n\"\"\"\nfrom alembic import op\n\n"
    "revision = \"1a2b3c4d5e6f\"\ndown_revision = None\n\n\n";

}  // namespace

TEST_CASE("one hazard: a foreign key without NOT VALID is one finding, ignored by either id") {
  const std::string fk =
      "SET lock_timeout = '5s';\n"
      "ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) "
      "REFERENCES customers (id);\n";
  LintResult r = lint_text("m.sql", fk, {});
  REQUIRE(r.diagnostics.size() == 1);
  CHECK(r.diagnostics[0].rule == "adding-foreign-key-constraint");
  CHECK(r.diagnostics[0].help.find("NOT VALID") != std::string::npos);
  for (const char* id : {"adding-foreign-key-constraint", "constraint-missing-not-valid"}) {
    std::string with = fk;
    with.insert(with.find("ALTER"), "-- schemagate: ignore " + std::string(id) + " -- 40 rows\n");
    LintResult ignored = lint_text("m.sql", with, {});
    CHECK(ignored.diagnostics.empty());  // suppressed, and the ignore is used
    REQUIRE(ignored.suppressed.size() == 1);
    CHECK(ignored.suppressed[0].suppressed == "40 rows");
  }
  // Alembic too.
  std::string py = std::string(kAlembicHead) +
                   "def upgrade():\n    op.execute(\"SET lock_timeout = '5s'\")\n"
                   "    # schemagate: ignore constraint-missing-not-valid -- 12 rows\n"
                   "    op.create_foreign_key(\"fk\", \"orders\", \"shops\", [\"shop_id\"], "
                   "[\"id\"])\n\n\ndef downgrade():\n    op.drop_constraint(\"fk\", \"orders\", "
                   "type_=\"foreignkey\")\n";
  LintResult a = lint_text("m.py", py, {});
  CHECK(count(a, "adding-foreign-key-constraint") == 0);
  CHECK(count(a, "constraint-missing-not-valid") == 0);
  CHECK(count(a, "unused-ignore") == 0);
  REQUIRE(a.suppressed.size() == 1);
  CHECK(a.suppressed[0].rule == "adding-foreign-key-constraint");
}

TEST_CASE("one hazard: the constraints of one statement are one finding with one fix") {
  LintResult r =
      lint_text("m.sql",
                "SET lock_timeout = '5s';\n"
                "ALTER TABLE returns\n"
                "    ADD CONSTRAINT r_buyer_fk FOREIGN KEY (buyer_id) REFERENCES people,\n"
                "    ADD CONSTRAINT r_seller_fk FOREIGN KEY (seller_id) REFERENCES people,\n"
                "    ADD CONSTRAINT r_qty CHECK (qty > 0),\n"
                "    ADD CONSTRAINT r_amount CHECK (amount > 0),\n"
                "    ADD CONSTRAINT r_code_key UNIQUE (code),\n"
                "    ADD CONSTRAINT r_ref_key UNIQUE (ref);\n",
                {});
  const Diagnostic& fk = only(r, "adding-foreign-key-constraint");
  CHECK(fk.help ==
        "ALTER TABLE returns\n"
        "    ADD CONSTRAINT r_buyer_fk FOREIGN KEY (buyer_id) REFERENCES people NOT VALID,\n"
        "    ADD CONSTRAINT r_seller_fk FOREIGN KEY (seller_id) REFERENCES people NOT VALID,\n"
        "    ADD CONSTRAINT r_qty CHECK (qty > 0),\n"
        "    ADD CONSTRAINT r_amount CHECK (amount > 0),\n"
        "    ADD CONSTRAINT r_code_key UNIQUE (code),\n"
        "    ADD CONSTRAINT r_ref_key UNIQUE (ref);\n"
        "-- then, in a later migration:\n"
        "ALTER TABLE returns VALIDATE CONSTRAINT r_buyer_fk;\n"
        "ALTER TABLE returns VALIDATE CONSTRAINT r_seller_fk;");
  REQUIRE(fk.fix);
  CHECK(fk.fix->edits.size() == 2);
  const Diagnostic& check = only(r, "constraint-missing-not-valid");
  CHECK(check.help.find("CHECK (qty > 0) NOT VALID,\n") != std::string::npos);
  CHECK(check.help.find("CHECK (amount > 0) NOT VALID,\n") != std::string::npos);
  CHECK(check.help.find("VALIDATE CONSTRAINT r_qty;\nALTER TABLE returns VALIDATE CONSTRAINT "
                        "r_amount;") != std::string::npos);
  REQUIRE(check.fix);
  CHECK(check.fix->edits.size() == 2);
  const Diagnostic& unique = only(r, "disallowed-unique-constraint");
  CHECK(unique.help ==
        "CREATE UNIQUE INDEX CONCURRENTLY r_code_key ON returns (code); CREATE UNIQUE INDEX "
        "CONCURRENTLY r_ref_key ON returns (ref); (run it outside a transaction) then ALTER TABLE "
        "returns ADD CONSTRAINT r_code_key UNIQUE USING INDEX r_code_key, ADD CONSTRAINT "
        "r_ref_key UNIQUE USING INDEX r_ref_key;");
  // Unnamed: the index gets the name PostgreSQL would give the constraint, from all its
  // columns (tests/pg/automatic_names_test.cpp), numbered on a clash within the statement.
  LintResult unnamed = lint_text("m.sql",
                                 "SET lock_timeout = '5s';\n"
                                 "ALTER TABLE returns ADD UNIQUE (shop_id, code), ADD UNIQUE "
                                 "(shop_id, code);\n",
                                 {});
  CHECK(only(unnamed, "disallowed-unique-constraint").help ==
        "CREATE UNIQUE INDEX CONCURRENTLY returns_shop_id_code_key ON returns (shop_id, code); "
        "CREATE UNIQUE INDEX CONCURRENTLY returns_shop_id_code_key1 ON returns (shop_id, code); "
        "(run it outside a transaction) then ALTER TABLE returns ADD CONSTRAINT "
        "returns_shop_id_code_key "
        "UNIQUE USING INDEX returns_shop_id_code_key, ADD CONSTRAINT returns_shop_id_code_key1 "
        "UNIQUE USING INDEX returns_shop_id_code_key1;");

  // Inline REFERENCES on several columns with a default (the rows are checked): one
  // finding, each clause moved out.
  LintResult cols = lint_text("m.sql",
                              "SET lock_timeout = '5s';\n"
                              "ALTER TABLE jobs ADD COLUMN a integer DEFAULT 0 REFERENCES builds "
                              "(id), ADD COLUMN b integer DEFAULT 0 REFERENCES builds (id);\n",
                              {});
  const Diagnostic& both = only(cols, "adding-foreign-key-constraint");
  CHECK(both.help ==
        "ALTER TABLE jobs ADD COLUMN a integer DEFAULT 0, ADD COLUMN b integer DEFAULT 0;\n"
        "ALTER TABLE jobs ADD FOREIGN KEY (a) REFERENCES builds (id) NOT VALID;\n"
        "ALTER TABLE jobs ADD FOREIGN KEY (b) REFERENCES builds (id) NOT VALID;\n"
        "-- then, in a later migration:\n"
        "ALTER TABLE jobs VALIDATE CONSTRAINT jobs_a_fkey;\n"
        "ALTER TABLE jobs VALIDATE CONSTRAINT jobs_b_fkey;");

  // A DO block with several EXECUTEs: one dynamic-sql.
  LintResult dyn =
      lint_text("m.sql", "DO $$ BEGIN EXECUTE 'ANALYZE a'; EXECUTE 'ANALYZE b'; END $$;\n", {});
  CHECK(count(dyn, "dynamic-sql") == 1);
}

TEST_CASE("one hazard: a statement both phases run is one finding") {
  std::string py = std::string(kAlembicHead) +
                   "def purge():\n    op.execute(\"DELETE FROM sessions\")\n\n\n"
                   "def upgrade():\n    purge()\n\n\ndef downgrade():\n    purge()\n";
  LintResult r = lint_text("m.py", py, {});
  const Diagnostic& d = only(r, "unbatched-backfill");
  CHECK(d.begin.line == 13);
}

TEST_CASE("one hazard: an enforced checklist is one checklist-incomplete per migration") {
  LintOptions enforce;
  enforce.checklist.enforce = true;
  LintResult r = lint_text("m.sql",
                           "-- Checklist:\n--   [x] staging-tested: yes\n--   [ ] rollback-tested\n"
                           "CREATE INDEX i ON t (a);\nUPDATE t SET a = 1;\n",
                           enforce);
  const Diagnostic& d = only(r, "checklist-incomplete");
  CHECK(d.begin.line == 1);  // the block: several items are unmet
  CHECK(d.message.starts_with("checklist: 6 required items are unmet: "));
  for (const char* item :
       {"zero-downtime (Designed for zero downtime): require-lock-timeout at 4:1",
        "batched-and-concurrent", "schema-data-separated", "backup-taken",
        "execution-time-estimated",
        "rollback-tested (Rollback tested): not "
        "attested"}) {
    CHECK(d.message.find(item) != std::string::npos);
  }
  CHECK(d.help.find("`[x] backup-taken:` (how, when)") != std::string::npos);
  CHECK(d.help.find("fix the findings behind zero-downtime") != std::string::npos);
  // The rules' own findings stay warnings.
  CHECK(only(r, "unbatched-backfill").severity == Severity::warning);
}

TEST_CASE("newer syntax: above the parser's version, a syntax error says it may be newer") {
  const std::string text = "ALTER TABLE orders ADD CONSTRAINT c NOT NULL note;\n";
  LintResult today = lint_text("m.sql", text, {});
  const Diagnostic& old = only(today, "syntax-error");
  CHECK(old.message == "syntax error at or near \"NOT\"");
  CHECK(old.help ==
        "fix the SQL so that PostgreSQL can parse it; the other statements are still checked");
  LintOptions pg18;
  pg18.settings.pg_version = 18;
  LintResult r = lint_text("m.sql", text, pg18);
  const Diagnostic& d = only(r, "syntax-error");
  CHECK(d.message ==
        "syntax error at or near \"NOT\" (schemagate's parser is PostgreSQL 15's: this may be "
        "valid syntax of a newer release, up to PostgreSQL 18)");
  CHECK(
      d.help.starts_with("if PostgreSQL 18 accepts this statement, schemagate cannot check "
                         "it: review it by hand and mark it `-- schemagate: ignore "
                         "syntax-error -- valid on PostgreSQL 18`; otherwise fix the SQL"));
  // PostgreSQL 16's subquery in FROM without an alias, in an Alembic revision: `#` comments.
  LintOptions pg16;
  pg16.settings.pg_version = 16;
  std::string py = std::string(kAlembicHead) +
                   "def upgrade():\n    op.execute(\"UPDATE t SET n = 1 FROM (SELECT 1)\")\n\n\n"
                   "def downgrade():\n    pass\n";
  LintResult a = lint_text("m.py", py, pg16);
  const Diagnostic& s = only(a, "syntax-error");
  CHECK(
      s.message.ends_with("(schemagate's parser is PostgreSQL 15's: this may be valid syntax "
                          "of a newer release, up to PostgreSQL 16)"));
  CHECK(s.help.find("`# schemagate: ignore syntax-error -- valid on PostgreSQL 16`") !=
        std::string::npos);
  // An unterminated string is an error in every release: no such words.
  LintResult quote = lint_text("m.sql", "SELECT 'never closed;\n", pg18);
  CHECK(only(quote, "syntax-error").message.find("newer release") == std::string::npos);
}

TEST_CASE("missing-downgrade: a data-only migration's help shows how to accept it") {
  std::string data = std::string(kAlembicHead) +
                     "def upgrade():\n    op.execute(\"UPDATE customers SET email = "
                     "lower(email) WHERE id < 100\")\n\n\ndef downgrade():\n    pass\n";
  LintResult r = lint_text("m.py", data, {});
  const Diagnostic& d = only(r, "missing-downgrade");
  CHECK(d.help ==
        "write downgrade() to undo every change of upgrade(), in reverse order; a data change "
        "that truly has no inverse can be accepted deliberately, with the reason, by an ignore "
        "on the line above this finding: `# schemagate: ignore missing-downgrade -- <why it "
        "can't be undone>`");
  // Doing what it says suppresses it.
  std::string accepted = data;
  accepted.replace(accepted.find("def downgrade"), 0,
                   "# schemagate: ignore missing-downgrade -- lower-casing loses the case\n");
  LintResult ok = lint_text("m.py", accepted, {});
  CHECK(count(ok, "missing-downgrade") == 0);
  CHECK(count(ok, "unused-ignore") == 0);
  // A schema change: write the downgrade, no ignore offered.
  std::string schema = std::string(kAlembicHead) +
                       "def upgrade():\n    op.execute(\"CREATE TABLE notes (id bigint)\")\n\n\n"
                       "def downgrade():\n    pass\n";
  CHECK(only(lint_text("m.py", schema, {}), "missing-downgrade").help ==
        "write downgrade() to undo every change of upgrade(), in reverse order");

  // golang-migrate: an empty .down.sql, SQL comment syntax. The finding is in the up file
  // (line 1, a statement), and the ignore-file there suppresses it.
  schemagate::test::TempDir dir("data-only");
  schemagate::test::write(dir.path() / "000001_lower.up.sql",
                          "UPDATE customers SET email = lower(email) WHERE id < 100;\n");
  schemagate::test::write(dir.path() / "000001_lower.down.sql", "");
  LintResult sql = lint_paths({dir.path().string()}, {});
  const Diagnostic& s = only(sql, "missing-downgrade");
  CHECK(
      s.help.ends_with("by an ignore in the file this finding is in: `-- schemagate: "
                       "ignore-file missing-downgrade -- <why it can't be undone>`"));
  // The down file is there, empty: it is filled, not added.
  CHECK(
      s.help.starts_with("fill the empty 000001_lower.down.sql with the statements that undo "
                         "every change, in reverse order; "));
  CHECK(s.path.ends_with("000001_lower.up.sql"));
  schemagate::test::write(dir.path() / "000001_lower.up.sql",
                          "-- schemagate: ignore-file missing-downgrade -- the case is lost\n"
                          "UPDATE customers SET email = lower(email) WHERE id < 100;\n");
  LintResult quiet = lint_paths({dir.path().string()}, {});
  CHECK(count(quiet, "missing-downgrade") == 0);
  CHECK(count(quiet, "unused-ignore") == 0);
  CHECK(std::count_if(quiet.suppressed.begin(), quiet.suppressed.end(),
                      [](const Diagnostic& q) { return q.rule == "missing-downgrade"; }) == 1);
  // A schema change with an empty down file; and with none, where one is added.
  schemagate::test::write(dir.path() / "000002_notes.up.sql", "CREATE TABLE notes (id bigint);\n");
  schemagate::test::write(dir.path() / "000002_notes.down.sql", "\n");
  schemagate::test::write(dir.path() / "000003_tags.up.sql", "CREATE TABLE tags (id bigint);\n");
  LintResult schema_sql = lint_paths({dir.path().string()}, {});
  std::vector<std::string> helps;
  for (const Diagnostic& diag : schema_sql.diagnostics) {
    if (diag.rule == "missing-downgrade") helps.push_back(diag.help);
  }
  CHECK(helps == std::vector<std::string>{
                     "fill the empty 000002_notes.down.sql with the statements that undo every "
                     "change, in reverse order",
                     "add the matching .down.sql that undoes every change"});
}
