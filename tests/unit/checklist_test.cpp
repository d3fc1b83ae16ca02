// The checklist enforcer: every item met, unmet, attested and not required; attestations in
// SQL headers and Alembic docstrings; checklist-incomplete findings when it is enforced.
#include <catch2/catch.hpp>
#include <string>

#include "config/config_text.hpp"
#include "schemagate/checklist.hpp"
#include "schemagate/config.hpp"
#include "schemagate/engine.hpp"

using namespace schemagate;

namespace {

LintOptions collecting() {
  LintOptions o;
  o.checklist.collect = true;
  return o;
}

MigrationChecklist checklist_of(const std::string& path, const std::string& text,
                                const LintOptions& options = collecting()) {
  LintResult r = lint_text(path, text, options);
  REQUIRE(r.checklists.size() == 1);
  return r.checklists.front();
}

const ChecklistItem& item(const MigrationChecklist& l, const std::string& id) {
  for (const ChecklistItem& i : l.items) {
    if (i.id == id) return i;
  }
  FAIL("no item " << id);
  throw;
}

constexpr const char* kAttested = R"(-- Checklist:
--   [x] staging-tested: staging 2026-11-20, 2 s
--   [x] rollback-tested: downgrade on staging
)";

std::string revision(const std::string& docstring, const std::string& upgrade,
                     const std::string& downgrade = "    op.drop_table(\"t\")\n") {
  return "\"\"\"a revision\n\n" + docstring +
         "\nRevision ID: a1\nRevises:\n\"\"\"\nfrom alembic import op\nimport sqlalchemy as "
         "sa\n\nrevision = \"a1\"\ndown_revision = None\n\n\ndef upgrade():\n" +
         upgrade + "\n\ndef downgrade():\n" + downgrade;
}

}  // namespace

TEST_CASE("checklist: every item is listed, in stage order, with its requirement") {
  auto items = checklist_items();
  REQUIRE(items.size() == 13);
  for (std::size_t i = 1; i < items.size(); ++i) {
    CHECK(items[i - 1].stage <= items[i].stage);
  }
  CHECK(find_checklist_item("backup-taken")->default_requirement == Requirement::when_needed);
  CHECK(find_checklist_item("staging-tested")->default_requirement == Requirement::always);
  CHECK(find_checklist_item("app-healthy")->default_requirement == Requirement::never);
  CHECK(find_checklist_item("nope") == nullptr);
  CHECK(parse_requirement("when-needed") == Requirement::when_needed);
  CHECK_FALSE(parse_requirement("sometimes"));
}

TEST_CASE("checklist: attestations in a SQL header, with positions and notes") {
  auto l = checklist_of("m.sql", std::string("-- Add notes.\n--\n") + kAttested +
                                     "--   - [X] app-healthy: dashboards green\n"
                                     "--   [ ] no-performance-regression\n"
                                     "CREATE TABLE notes (id bigint);\n");
  REQUIRE(l.block_at);
  CHECK(l.block_at->line == 3);
  const ChecklistItem& staging = item(l, "staging-tested");
  CHECK(staging.status == ItemStatus::met);
  CHECK(staging.evidence == "staging 2026-11-20, 2 s");
  REQUIRE(staging.attested_at);
  CHECK(staging.attested_at->line == 4);
  CHECK(item(l, "app-healthy").status == ItemStatus::met);  // attested, though not required
  CHECK(item(l, "no-performance-regression").status == ItemStatus::open);  // [ ]: a reminder
  CHECK(l.complete());
  CHECK(l.problems.empty());
}

TEST_CASE("checklist: a block comment header works, a block after the first statement doesn't") {
  auto in_block =
      checklist_of("m.sql",
                   "/* Add notes.\n * Checklist:\n *   [x] staging-tested\n"
                   " *   [x] rollback-tested: yes\n */\nCREATE TABLE notes (id int8);\n");
  CHECK(item(in_block, "staging-tested").status == ItemStatus::met);
  CHECK(item(in_block, "staging-tested").evidence == "attested");
  CHECK(in_block.complete());

  auto late = checklist_of("m.sql", std::string("CREATE TABLE notes (id bigint);\n") + kAttested);
  CHECK_FALSE(late.block_at);
  CHECK(item(late, "staging-tested").status == ItemStatus::unmet);
  CHECK(item(late, "staging-tested").evidence == "not attested");
}

TEST_CASE("checklist: CRLF line ends and a byte order mark change nothing") {
  auto l = checklist_of("m.sql",
                        "\xEF\xBB\xBF-- Checklist:\r\n--   [x] staging-tested: yes\r\n"
                        "--   [x] rollback-tested: on staging\r\n"
                        "CREATE TABLE notes (id bigint);\r\n");
  CHECK(item(l, "staging-tested").evidence == "yes");
  CHECK(item(l, "rollback-tested").evidence == "on staging");
  REQUIRE(item(l, "rollback-tested").attested_at);
  CHECK(*item(l, "rollback-tested").attested_at == Position{3, 1});
  CHECK(l.complete());
}

TEST_CASE("checklist: the block ends at the first line that is no entry") {
  auto l = checklist_of("m.sql",
                        "-- Checklist:\n--   [x] staging-tested: yes\n"
                        "-- Other prose.\n--   [x] rollback-tested: too late\n"
                        "CREATE TABLE notes (id bigint);\n");
  CHECK(item(l, "staging-tested").status == ItemStatus::met);
  CHECK(item(l, "rollback-tested").status == ItemStatus::unmet);
}

TEST_CASE("checklist: attestations in an Alembic docstring") {
  auto l = checklist_of(
      "a1_notes.py",
      revision(
          "Checklist:\n    [x] staging-tested: staging\n    [x] rollback-tested: staging\n",
          "    op.create_table(\"t\", sa.Column(\"id\", sa.BigInteger(), primary_key=True))\n"));
  CHECK(l.migration == "a1");
  CHECK(item(l, "staging-tested").status == ItemStatus::met);
  CHECK(item(l, "rollback-tested").evidence == "staging");
  CHECK(item(l, "reversible").status == ItemStatus::met);
  CHECK(l.complete());
}

TEST_CASE("checklist: verified items are met, unmet, accepted or not required") {
  std::string header = kAttested;
  SECTION("met: no finding of theirs") {
    auto l = checklist_of("m.sql", header +
                                       "SET lock_timeout = '5s';\n"
                                       "ALTER TABLE orders ADD COLUMN note text;\n");
    for (const char* id :
         {"zero-downtime", "reversible", "batched-and-concurrent", "schema-data-separated"}) {
      CHECK(item(l, id).status == ItemStatus::met);
      CHECK(item(l, id).findings.empty());
    }
  }
  SECTION("unmet: the findings behind each") {
    auto l = checklist_of("m.sql", header +
                                       "SET lock_timeout = '5s';\n"
                                       "ALTER TABLE orders RENAME COLUMN a TO b;\n"
                                       "CREATE INDEX ix ON orders (b);\n"
                                       "UPDATE orders SET b = 1;\n");
    const ChecklistItem& zero = item(l, "zero-downtime");
    CHECK(zero.status == ItemStatus::unmet);
    REQUIRE(zero.findings.size() == 1);
    CHECK(zero.findings[0].rule == "renaming-column");
    const ChecklistItem& batched = item(l, "batched-and-concurrent");
    CHECK(batched.status == ItemStatus::unmet);
    REQUIRE(batched.findings.size() == 2);
    CHECK(batched.findings[0].rule == "require-concurrent-index-creation");  // sorted by line
    CHECK(batched.findings[1].rule == "unbatched-backfill");
    CHECK(item(l, "schema-data-separated").status == ItemStatus::unmet);
    CHECK_FALSE(l.complete());
  }
  SECTION("accepted: an inline ignore with a reason meets the item") {
    auto l = checklist_of("m.sql", header +
                                       "SET lock_timeout = '5s';\n"
                                       "-- schemagate: ignore renaming-column -- no reader yet\n"
                                       "ALTER TABLE orders RENAME COLUMN a TO b;\n");
    const ChecklistItem& zero = item(l, "zero-downtime");
    CHECK(zero.status == ItemStatus::met);
    CHECK(zero.evidence == "accepted: renaming-column (no reader yet)");
    REQUIRE(zero.findings.size() == 1);
    CHECK(zero.findings[0].suppressed == "no reader yet");
    // A compatibility rule fired, accepted or not: the application must cope.
    CHECK(item(l, "app-compatible").status == ItemStatus::unmet);
    CHECK(item(l, "app-compatible").needed_because == "a compatibility rule fired");
  }
  SECTION("not required: shown, never unmet") {
    LintOptions o = collecting();
    o.checklist.require["zero-downtime"] = Requirement::never;
    auto l = checklist_of("m.sql",
                          header +
                              "SET lock_timeout = '5s';\n"
                              "ALTER TABLE orders RENAME COLUMN a TO b;\n"
                              "-- schemagate: ignore renaming-column\n",
                          o);
    CHECK(item(l, "zero-downtime").status == ItemStatus::open);
    CHECK_FALSE(item(l, "zero-downtime").required);
    CHECK(item(l, "zero-downtime").findings.size() == 1);
  }
  SECTION("a syntax error leaves every verified item unmet") {
    auto l = checklist_of("m.sql", header + "ALTER TABLE orders ADDD COLUMN x int8;\n");
    for (const char* id :
         {"zero-downtime", "reversible", "batched-and-concurrent", "schema-data-separated"}) {
      CHECK(item(l, id).status == ItemStatus::unmet);
      REQUIRE_FALSE(item(l, id).findings.empty());
      CHECK(item(l, id).findings[0].rule == "syntax-error");
    }
  }
  SECTION("reversible: an Alembic downgrade that does nothing") {
    auto l = checklist_of(
        "a1_notes.py",
        revision("", "    op.create_table(\"t\", sa.Column(\"id\", sa.BigInteger()))\n",
                 "    pass\n"));
    CHECK(item(l, "reversible").status == ItemStatus::unmet);
    CHECK(item(l, "reversible").findings.at(0).rule == "missing-downgrade");
  }
}

TEST_CASE("checklist: attested items are required always, when needed, or never") {
  SECTION("staging-tested: required always; unmet until attested") {
    auto l = checklist_of("m.sql", "CREATE TABLE notes (id bigint);\n");
    CHECK(item(l, "staging-tested").status == ItemStatus::unmet);
    CHECK(item(l, "staging-tested").required);
    CHECK(item(l, "rollback-tested").status == ItemStatus::unmet);
  }
  SECTION("configured never: open") {
    LintOptions o = collecting();
    o.checklist.require["staging-tested"] = Requirement::never;
    auto l = checklist_of("m.sql", "CREATE TABLE notes (id bigint);\n", o);
    CHECK(item(l, "staging-tested").status == ItemStatus::open);
    CHECK(item(l, "staging-tested").evidence == "not required");
  }
  SECTION("backup-taken: needed when data is dropped or overwritten") {
    std::string header = kAttested;
    auto drop = checklist_of("m.sql", header +
                                          "SET lock_timeout = '5s';\n"
                                          "-- schemagate: ignore ban-drop-column\n"
                                          "ALTER TABLE orders DROP COLUMN note;\n");
    CHECK(item(drop, "backup-taken").status == ItemStatus::unmet);
    CHECK(item(drop, "backup-taken").needed_because == "DROP COLUMN on orders");
    auto create = checklist_of("m.sql", header + "CREATE TABLE notes (id bigint);\n");
    CHECK(item(create, "backup-taken").status == ItemStatus::open);
    CHECK(item(create, "backup-taken").evidence.starts_with("not needed"));
    auto attested = checklist_of("m.sql", header +
                                              "--   [x] backup-taken: snapshot 11-20\n"
                                              "SET lock_timeout = '5s';\n"
                                              "DELETE FROM orders WHERE id = 1;\n");
    CHECK(item(attested, "backup-taken").status == ItemStatus::met);
    CHECK(item(attested, "backup-taken").needed_because == "DELETE on orders");
    LintOptions always = collecting();
    always.checklist.require["backup-taken"] = Requirement::always;
    auto forced = checklist_of("m.sql", header + "CREATE TABLE notes (id bigint);\n", always);
    CHECK(item(forced, "backup-taken").status == ItemStatus::unmet);
  }
  SECTION("execution-time-estimated: rewrites, scans and large tables") {
    std::string header = std::string(kAttested) + "SET lock_timeout = '5s';\n";
    auto rewrite = checklist_of("m.sql", header + "ALTER TABLE orders ALTER COLUMN n TYPE text;\n");
    CHECK(item(rewrite, "execution-time-estimated").status == ItemStatus::unmet);
    CHECK(item(rewrite, "execution-time-estimated").needed_because ==
          "ALTER COLUMN TYPE rewrites orders");
    auto scan = checklist_of("m.sql", header + "CREATE INDEX CONCURRENTLY ix ON orders (n);\n");
    CHECK(item(scan, "execution-time-estimated").needed_because ==
          "CREATE INDEX CONCURRENTLY scans orders");
    auto quick = checklist_of("m.sql", header + "ALTER TABLE orders ADD COLUMN n text;\n");
    CHECK(item(quick, "execution-time-estimated").status == ItemStatus::open);
    LintOptions large = collecting();
    large.settings.large_tables["orders"] = 50'000'000;
    auto big = checklist_of("m.sql", header + "ALTER TABLE orders ADD COLUMN n text;\n", large);
    CHECK(item(big, "execution-time-estimated").status == ItemStatus::unmet);
    CHECK(item(big, "execution-time-estimated").needed_because ==
          "ADD COLUMN on orders, listed in large_tables");
    auto estimated =
        checklist_of("m.sql", std::string(kAttested) +
                                  "--   [x] execution-time-estimated: 12 min on staging\n"
                                  "SET lock_timeout = '5s';\n"
                                  "ALTER TABLE orders ALTER COLUMN n TYPE text;\n");
    CHECK(item(estimated, "execution-time-estimated").status == ItemStatus::met);
  }
  SECTION("app-compatible: not needed without a compatibility finding") {
    auto l = checklist_of("m.sql", std::string(kAttested) + "CREATE TABLE notes (id bigint);\n");
    CHECK(item(l, "app-compatible").status == ItemStatus::open);
    CHECK_FALSE(item(l, "app-compatible").required);
  }
}

TEST_CASE("checklist: cleanup-scheduled for the first phase of a multi-phase change") {
  std::string header = std::string(kAttested) + "--   [x] backup-taken: snapshot\n";
  std::string body =
      "SET lock_timeout = '5s';\n"
      "ALTER TABLE orders ADD COLUMN status text;\n"
      "-- schemagate: ignore mixed-schema-and-data, unbatched-backfill -- small\n"
      "UPDATE orders SET status = state;\n";
  auto unnamed = checklist_of("m.sql", header + "--   [x] cleanup-scheduled\n" + body);
  const ChecklistItem& c = item(unnamed, "cleanup-scheduled");
  CHECK(c.status == ItemStatus::unmet);
  CHECK(c.evidence == "attested without naming the follow-up migration");
  CHECK(c.needed_because.starts_with("adds orders.status and fills it"));

  auto named = checklist_of(
      "m.sql", header + "--   [x] cleanup-scheduled: 0043 drops orders.state\n" + body);
  CHECK(item(named, "cleanup-scheduled").status == ItemStatus::met);
  CHECK(item(named, "cleanup-scheduled").evidence == "0043 drops orders.state");
  CHECK(named.complete());

  auto not_valid = checklist_of("m.sql", std::string(kAttested) +
                                             "SET lock_timeout = '5s';\n"
                                             "ALTER TABLE orders ADD CONSTRAINT c CHECK (n > 0) "
                                             "NOT VALID;\n");
  CHECK(item(not_valid, "cleanup-scheduled").needed_because ==
        "adds c NOT VALID: VALIDATE CONSTRAINT goes in a follow-up");
  auto validated = checklist_of("m.sql", std::string(kAttested) +
                                             "SET lock_timeout = '5s';\n"
                                             "ALTER TABLE orders ADD CONSTRAINT c CHECK (n > 0) "
                                             "NOT VALID;\n"
                                             "ALTER TABLE orders VALIDATE CONSTRAINT c;\n");
  CHECK(item(validated, "cleanup-scheduled").status == ItemStatus::open);
  auto copy = checklist_of(
      "m.sql", std::string(kAttested) + "CREATE TABLE orders_v2 AS SELECT * FROM orders;\n");
  CHECK(item(copy, "cleanup-scheduled")
            .needed_because.starts_with("copies existing data into the new table orders_v2"));
}

TEST_CASE("checklist: malformed entries are problems") {
  auto l = checklist_of("m.sql", std::string(kAttested) +
                                     "--   [x] bakup-taken: typo\n"
                                     "--   [x] zero-downtime\n"
                                     "--   [x] staging-tested: twice\n"
                                     "CREATE TABLE notes (id bigint);\n");
  REQUIRE(l.problems.size() == 3);
  CHECK(l.problems[0].at.line == 4);
  CHECK(l.problems[0].message.find("unknown checklist item 'bakup-taken'") != std::string::npos);
  CHECK(l.problems[1].message.find("can't be attested") != std::string::npos);
  CHECK(l.problems[2].message.find("listed twice") != std::string::npos);
  CHECK(item(l, "staging-tested").evidence == "staging 2026-11-20, 2 s");  // the first counts
  CHECK_FALSE(l.complete());
}

TEST_CASE("checklist: enforced, unmet items are checklist-incomplete findings") {
  std::string text =
      "-- Checklist:\n--   [x] staging-tested: yes\n--   [ ] rollback-tested\n"
      "CREATE TABLE notes (id bigint);\n";
  LintResult quiet = lint_text("m.sql", text, LintOptions{});
  CHECK(quiet.checklists.empty());
  CHECK(quiet.diagnostics.empty());

  LintOptions enforce;
  enforce.checklist.enforce = true;
  LintResult r = lint_text("m.sql", text, enforce);
  CHECK(r.checklists.empty());  // enforced, not collected
  REQUIRE(r.diagnostics.size() == 1);
  const Diagnostic& d = r.diagnostics[0];
  CHECK(d.rule == "checklist-incomplete");
  CHECK(d.severity == Severity::error);
  CHECK(d.begin.line == 3);  // the item's own entry
  CHECK(d.message == "checklist: rollback-tested (Rollback tested) is unmet: not attested");

  // Without an entry: at the Checklist: line; without a block: on the first line. Several
  // unmet items are one finding that lists them.
  LintResult no_block = lint_text("m.sql", "CREATE TABLE notes (id bigint);\n", enforce);
  REQUIRE(no_block.diagnostics.size() == 1);
  CHECK(no_block.diagnostics[0].begin.line == 1);
  CHECK(no_block.diagnostics[0].message ==
        "checklist: 2 required items are unmet: staging-tested (Tested against staging): not "
        "attested; rollback-tested (Rollback tested): not attested");

  // Switched off like any rule; an inline ignore suppresses it like any finding.
  LintOptions off = enforce;
  off.disable.insert("checklist-incomplete");
  CHECK(lint_text("m.sql", text, off).diagnostics.empty());
  LintResult ignored = lint_text(
      "m.sql", "-- schemagate: ignore-file checklist-incomplete -- legacy\n" + text, enforce);
  CHECK(ignored.diagnostics.empty());
  REQUIRE(ignored.suppressed.size() == 1);
  CHECK(ignored.suppressed[0].suppressed == "legacy");
}

TEST_CASE("checklist: configuration keys are checked") {
  ConfigResult ok = parse_config_text(
      ".schemagate.yaml",
      "checklist:\n  enforce: true\n  require:\n    backup-taken: always\n    app-healthy: "
      "when-needed\n");
  REQUIRE(ok.config);
  CHECK(ok.config->checklist_enforce == true);
  CHECK(ok.config->checklist_require.at("backup-taken") == Requirement::always);
  CHECK(ok.config->checklist_require.at("app-healthy") == Requirement::when_needed);

  ConfigResult bad =
      parse_config_text(".schemagate.yaml",
                        "checklist:\n  enforce: yes please\n  require:\n    bakup-taken: always\n"
                        "    backup-taken: sometimes\n  strict: true\n");
  REQUIRE(bad.errors.size() == 4);
  CHECK(bad.errors[0].message == "checklist.enforce must be true or false, not a string");
  CHECK(bad.errors[1].position.line == 4);
  CHECK(bad.errors[1].message.starts_with("unknown checklist item 'bakup-taken'"));
  CHECK(bad.errors[2].message ==
        "checklist.require.backup-taken must be always, when-needed or never, not 'sometimes'");
  CHECK(bad.errors[3].message == "unknown key 'checklist.strict' (known: enforce, require)");

  ConfigResult toml =
      parse_config_text("pyproject.toml",
                        "[tool.schemagate.checklist]\nenforce = true\n"
                        "[tool.schemagate.checklist.require]\nrollback-tested = \"never\"\n");
  REQUIRE(toml.config);
  CHECK(toml.config->checklist_require.at("rollback-tested") == Requirement::never);
}
