// Fixes over every fixture: applying a finding's fix makes that finding go away, leaves a
// text that still parses, and the help shows the user's statement with the fix applied.
#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "rules/fixes.hpp"
#include "schemagate/engine.hpp"
#include "support.hpp"

namespace fs = std::filesystem;
using namespace schemagate;

namespace {

std::size_t count(const LintResult& r, const std::string& rule) {
  return static_cast<std::size_t>(
      std::count_if(r.diagnostics.begin(), r.diagnostics.end(),
                    [&](const Diagnostic& d) { return d.rule == rule; }));
}

// Lines without their indentation and line breaks, blank ones left out.
std::vector<std::string> stripped_lines(const std::string& text) {
  std::vector<std::string> out;
  std::size_t at = 0;
  while (at <= text.size()) {
    std::size_t eol = text.find('\n', at);
    std::string line = text.substr(at, eol == std::string::npos ? std::string::npos : eol - at);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::size_t first = line.find_first_not_of(" \t");
    if (first != std::string::npos) out.push_back(line.substr(first));
    if (eol == std::string::npos) break;
    at = eol + 1;
  }
  return out;
}

// Is `part` (line by line, indentation aside) a run of consecutive lines of `whole`?
bool lines_within(const std::string& part, const std::string& whole) {
  auto p = stripped_lines(part);
  auto w = stripped_lines(whole);
  if (p.empty()) return false;
  // The first and last lines may be parts of a line (a statement after others on its line).
  for (std::size_t i = 0; i + p.size() <= w.size(); ++i) {
    bool ok = true;
    for (std::size_t k = 0; k < p.size() && ok; ++k) {
      const std::string& a = p[k];
      const std::string& b = w[i + k];
      if (k == 0 || k + 1 == p.size()) {
        ok = b.find(a) != std::string::npos;
      } else {
        ok = a == b;
      }
    }
    if (ok) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("fixes: every fix in the fixtures removes its finding, parses, and is its help") {
  std::size_t fixes = 0;
  std::size_t unsafe = 0;
  for (const char* dir : {"fixtures/sql", "fixtures/alembic"}) {
    for (const auto& entry : fs::directory_iterator(dir)) {
      std::string path = entry.path().generic_string();
      std::string text = schemagate::test::slurp(path);
      LintOptions options;
      LintResult before = lint_text(path, text, options);
      for (const Diagnostic& d : before.diagnostics) {
        if (!d.fix) continue;
        INFO(path << ":" << d.begin.line + 1 << " " << d.rule << ": " << d.fix->title);
        ++fixes;
        if (d.fix->applicability == Applicability::unsafe) ++unsafe;
        std::string fixed = apply_edits(text, d.fix->edits);
        REQUIRE(fixed != text);
        LintResult after = lint_text(path, fixed, options);
        // The finding is gone (one fewer of its rule), nothing fails to parse that parsed.
        CHECK(count(after, d.rule) < count(before, d.rule));
        CHECK(count(after, "syntax-error") <= count(before, "syntax-error"));
        // The help's code is the fixed statement as it stands in the fixed file (up to the
        // steps that follow in a later migration, after a "then" comment line).
        std::string code = d.help;
        for (const char* then : {"\n-- then", "\n# then"}) {
          if (std::size_t at = code.find(then); at != std::string::npos) code.resize(at);
        }
        if (std::size_t at = code.find(":\n"); at != std::string::npos) code.erase(0, at + 2);
        CHECK(lines_within(code, fixed));
        // A fix never leaves CONCURRENTLY inside a transaction.
        CHECK(count(after, "ban-concurrent-index-creation-in-transaction") <=
              count(before, "ban-concurrent-index-creation-in-transaction"));
      }
    }
  }
  // The fixtures exercise fixes of both kinds.
  CHECK(fixes >= 10);
  CHECK(unsafe >= 2);
}

TEST_CASE("fixes: applied to a fixed point, a second pass changes nothing") {
  for (const char* dir : {"fixtures/sql", "fixtures/alembic"}) {
    for (const auto& entry : fs::directory_iterator(dir)) {
      std::string path = entry.path().generic_string();
      std::string text = schemagate::test::slurp(path);
      LintOptions options;
      int pass = 0;
      for (; pass < 50; ++pass) {
        LintResult r = lint_text(path, text, options);
        auto it = std::find_if(r.diagnostics.begin(), r.diagnostics.end(),
                               [](const Diagnostic& d) { return d.fix.has_value(); });
        if (it == r.diagnostics.end()) break;
        text = apply_edits(text, it->fix->edits);
      }
      INFO(path);
      CHECK(pass < 50);
      LintResult last = lint_text(path, text, options);
      CHECK(std::none_of(last.diagnostics.begin(), last.diagnostics.end(),
                         [](const Diagnostic& d) { return d.fix.has_value(); }));
    }
  }
}

TEST_CASE("fixes: the automatic constraint names are PostgreSQL 15's") {
  using schemagate::AddConstraint;
  using schemagate::ConstraintKind;
  AddConstraint fk;
  fk.table = {"", "orders"};
  fk.kind = ConstraintKind::foreign_key;
  fk.columns = {"shop_id", "region"};
  CHECK(schemagate::rules::constraint_name(fk) == "orders_shop_id_region_fkey");
  // Names observed on PostgreSQL 15 for ADD FOREIGN KEY / ADD CHECK without a name: the
  // longer part is cut a byte at a time until the name fits in 63 bytes.
  fk.table = {"", "a_very_long_table_name_that_goes_on_and_on_and_on_forever_x"};
  fk.columns = {"a_very_long_column_name_that_also_goes_on_and_on"};
  CHECK(schemagate::rules::constraint_name(fk) ==
        "a_very_long_table_name_that_g_a_very_long_column_name_that_fkey");
  AddConstraint check;
  check.table = {"", "orders"};
  check.kind = ConstraintKind::check;
  check.not_null_column = "amount";
  CHECK(schemagate::rules::constraint_name(check) == "orders_amount_check");
  // A CHECK whose columns aren't known: no guess.
  check.not_null_column.reset();
  CHECK_FALSE(schemagate::rules::constraint_name(check).has_value());
  check.name = "positive";
  CHECK(schemagate::rules::constraint_name(check) == "positive");
}

TEST_CASE("helps: a backfill is batched with the user's own SET list and condition") {
  // The tables come from an earlier migration, with the integer primary key batched by.
  schemagate::test::TempDir dir("fix-backfill");
  auto lint_second = [&](const std::string& sql) {
    schemagate::test::write(dir.path() / "000001_create.up.sql",
                            "CREATE TABLE users (id bigint PRIMARY KEY, email text, n int);\n"
                            "CREATE TABLE builds (id bigint PRIMARY KEY, resource_id bigint);\n"
                            "CREATE TABLE sessions (id bigint PRIMARY KEY, expired boolean);\n");
    schemagate::test::write(dir.path() / "000001_create.down.sql", "SELECT 1;\n");
    schemagate::test::write(dir.path() / "000002_change.up.sql", sql);
    schemagate::test::write(dir.path() / "000002_change.down.sql", "SELECT 1;\n");
    return lint_paths({dir.path().string()}, LintOptions{});
  };
  LintResult r = lint_second(
      "UPDATE users SET email = lower(email), n = (SELECT 1 FROM t WHERE x) WHERE email <> "
      "lower(email) RETURNING id;\n");
  auto it = std::find_if(r.diagnostics.begin(), r.diagnostics.end(),
                         [](const Diagnostic& d) { return d.rule == "unbatched-backfill"; });
  REQUIRE(it != r.diagnostics.end());
  CHECK(it->help.find("UPDATE users SET email = lower(email), n = (SELECT 1 FROM t WHERE x) "
                      "WHERE (email <> lower(email)) AND id > 0 AND id <= 1000;") !=
        std::string::npos);
  CHECK(it->help.find("...") == std::string::npos);
  // The table keeps its alias, which the condition uses.
  r = lint_second(
      "UPDATE builds b SET resource_id = NULL WHERE NOT EXISTS (SELECT 1 FROM resources "
      "WHERE build_id = b.id);\nDELETE FROM ONLY sessions s WHERE s.expired;\n");
  std::vector<std::string> helps;
  for (const Diagnostic& d : r.diagnostics) {
    if (d.rule == "unbatched-backfill") helps.push_back(d.help);
  }
  REQUIRE(helps.size() == 2);
  CHECK(helps[0].find("UPDATE builds b SET resource_id = NULL WHERE (NOT EXISTS (SELECT 1 FROM "
                      "resources WHERE build_id = b.id)) AND id > 0 AND id <= 1000;") !=
        std::string::npos);
  CHECK(helps[1].find("DELETE FROM ONLY sessions s WHERE (s.expired) AND id > 0") !=
        std::string::npos);
}

TEST_CASE("helps: a template expression schemagate has no value for is named as written") {
  LintOptions options;
  LintResult r =
      lint_text("migrations/20240101000000_x.up.sql",
                "ALTER TABLE {{ index .Options \"Namespace\" }}.users DROP COLUMN bio;\n", options);
  REQUIRE_FALSE(r.diagnostics.empty());
  for (const Diagnostic& d : r.diagnostics) {
    INFO(d.rule << ": " << d.message);
    CHECK(d.message.find("_namespace") == std::string::npos);
    CHECK(d.help.find("_namespace") == std::string::npos);
  }
  CHECK(r.diagnostics[0].message.find("{{ index .Options \"Namespace\" }}.users") !=
        std::string::npos);
}

namespace {

// The text with the fix of the first finding of `rule` applied, and that finding.
std::pair<std::string, const Diagnostic*> fixed_by(const LintResult& r, const std::string& text,
                                                   const std::string& rule) {
  for (const Diagnostic& d : r.diagnostics) {
    if (d.rule == rule && d.fix) return {apply_edits(text, d.fix->edits), &d};
  }
  return {text, nullptr};
}

std::string retyped(std::string_view text, schemagate::rules::Retype to) {
  // The whole text is the column definition.
  auto edit = schemagate::rules::column_type_edit(text, {0, text.size()}, to);
  return edit ? apply_edits(text, {*edit}) : std::string("(none)");
}

}  // namespace

TEST_CASE("fixes: a column's type is changed where it is written, the rest kept") {
  using schemagate::rules::Retype;
  CHECK(retyped("at timestamp NOT NULL", Retype::timestamptz) == "at timestamptz NOT NULL");
  CHECK(retyped("at TIMESTAMP(3) without  time zone DEFAULT now()", Retype::timestamptz) ==
        "at timestamptz(3) DEFAULT now()");
  CHECK(retyped("\"Seen \"\"At\"\"\" pg_catalog.timestamp[]", Retype::timestamptz) ==
        "\"Seen \"\"At\"\"\" timestamptz[]");
  CHECK(retyped("at timestamp with time zone", Retype::timestamptz) == "(none)");
  CHECK(retyped("n int4 NOT NULL", Retype::bigint) == "n bigint NOT NULL");
  CHECK(retyped("id smallserial PRIMARY KEY", Retype::bigint) == "id bigserial PRIMARY KEY");
  CHECK(retyped("n numeric(10, 2)", Retype::bigint) == "(none)");
  CHECK(retyped("sa.Column(\"at\", sa.DateTime(), nullable=False)", Retype::timestamptz) ==
        "sa.Column(\"at\", sa.DateTime(timezone=True), nullable=False)");
  CHECK(retyped("sa.Column(\"at\", sa.DateTime)", Retype::timestamptz) ==
        "sa.Column(\"at\", sa.DateTime(timezone=True))");
  CHECK(retyped("sa.Column(\"at\", postgresql.TIMESTAMP(precision=3))", Retype::timestamptz) ==
        "sa.Column(\"at\", postgresql.TIMESTAMP(timezone=True, precision=3))");
  CHECK(retyped("sa.Column(\"at\", sa.TIMESTAMP(timezone=False))", Retype::timestamptz) ==
        "sa.Column(\"at\", sa.TIMESTAMP(timezone=True))");
  CHECK(retyped("sa.Column(\"at\", sa.DateTime(tz))", Retype::timestamptz) == "(none)");
  CHECK(retyped("sa.Column(\"n\", type_=sa.SmallInteger(), comment=\"a, b\")", Retype::bigint) ==
        "sa.Column(\"n\", type_=sa.BigInteger(), comment=\"a, b\")");
  CHECK(retyped("sa.Column(\"n\", postgresql.INTEGER)", Retype::bigint) ==
        "sa.Column(\"n\", postgresql.BIGINT)");
  // A bare name: BigInteger may not be imported.
  CHECK(retyped("sa.Column(\"n\", Integer)", Retype::bigint) == "(none)");
}

TEST_CASE("fixes: bigint and timestamptz only where a column is defined") {
  LintOptions options;
  std::string text =
      "ALTER TABLE t ALTER COLUMN n TYPE integer;\n"
      "ALTER TABLE t ALTER COLUMN at TYPE timestamp;\n";
  LintResult r = lint_text("m.sql", text, options);
  std::size_t seen = 0;
  for (const Diagnostic& d : r.diagnostics) {
    if (d.rule != "prefer-bigint-over-int" && d.rule != "prefer-timestamptz") continue;
    ++seen;
    CHECK_FALSE(d.fix.has_value());
  }
  CHECK(seen == 2);
  text = "ALTER TABLE t ADD COLUMN n integer, ADD COLUMN at timestamp;\n";
  r = lint_text("m.sql", text, options);
  auto [widened, d1] = fixed_by(r, text, "prefer-bigint-over-int");
  REQUIRE(d1 != nullptr);
  CHECK(d1->fix->applicability == Applicability::unsafe);
  CHECK(widened == "ALTER TABLE t ADD COLUMN n bigint, ADD COLUMN at timestamp;\n");
  auto [zoned, d2] = fixed_by(r, text, "prefer-timestamptz");
  REQUIRE(d2 != nullptr);
  CHECK(d2->fix->applicability == Applicability::unsafe);
  CHECK(zoned == "ALTER TABLE t ADD COLUMN n integer, ADD COLUMN at timestamptz;\n");
}

TEST_CASE("fixes: SET lock_timeout goes before the migration's first statement") {
  LintOptions options;
  // After the comments at the top; unsafe in a file that runs outside a transaction.
  std::string text = "-- add a column\nALTER TABLE users ADD COLUMN bio text;\n";
  LintResult r = lint_text("m.sql", text, options);
  auto [fixed, d] = fixed_by(r, text, "require-lock-timeout");
  REQUIRE(d != nullptr);
  CHECK(fixed ==
        "-- add a column\nSET lock_timeout = '5s';\nALTER TABLE users ADD COLUMN bio text;\n");
  CHECK(d->fix->applicability == Applicability::unsafe);
  CHECK(d->help.ends_with(":\nSET lock_timeout = '5s';"));
  // After the BEGIN of a file that is one transaction: safe.
  text =
      "BEGIN;\n  ALTER TABLE users ADD COLUMN bio text;\n  ALTER TABLE users ADD COLUMN x text;\n"
      "COMMIT;\n";
  r = lint_text("m.sql", text, options);
  std::tie(fixed, d) = fixed_by(r, text, "require-lock-timeout");
  REQUIRE(d != nullptr);
  CHECK(fixed ==
        "BEGIN;\nSET lock_timeout = '5s';\n  ALTER TABLE users ADD COLUMN bio text;\n  "
        "ALTER TABLE users ADD COLUMN x text;\nCOMMIT;\n");
  CHECK(d->fix->applicability == Applicability::safe);
  // The migration switches it off itself before the statement: its SET is the one to change.
  text = "SET lock_timeout = 0;\nALTER TABLE users ADD COLUMN bio text;\n";
  r = lint_text("m.sql", text, options);
  std::tie(fixed, d) = fixed_by(r, text, "require-lock-timeout");
  CHECK(d == nullptr);
  // Alembic: the first line of upgrade(), after its docstring, in the revision's transaction.
  text =
      "from alembic import op\nimport sqlalchemy as sa\n\nrevision = \"a1\"\ndown_revision = "
      "None\n\n\ndef upgrade():\n    \"\"\"Bio.\n\n    More.\n    \"\"\"\n    # note\n    "
      "op.add_column(\"users\", sa.Column(\"bio\", sa.Text()))\n\n\ndef downgrade():\n    "
      "op.drop_column(\"users\", \"bio\")\n";
  r = lint_text("versions/a1_bio.py", text, options);
  std::tie(fixed, d) = fixed_by(r, text, "require-lock-timeout");
  REQUIRE(d != nullptr);
  CHECK(fixed.find("    \"\"\"\n    op.execute(\"SET lock_timeout = '5s'\")\n    # note\n") !=
        std::string::npos);
  CHECK(d->fix->applicability == Applicability::safe);
  LintResult again = lint_text("versions/a1_bio.py", fixed, options);
  CHECK(count(again, "require-lock-timeout") == 0);
}

TEST_CASE(
    "fixes: DROP INDEX CONCURRENTLY gets IF EXISTS, CREATE INDEX CONCURRENTLY no IF NOT EXISTS") {
  LintOptions options;
  std::string text = "DROP INDEX users_email_idx;\nCREATE INDEX users_bio_idx ON users (bio);\n";
  LintResult r = lint_text("m.sql", text, options);
  auto [dropped, d] = fixed_by(r, text, "require-concurrent-index-deletion");
  REQUIRE(d != nullptr);
  CHECK(dropped.starts_with("DROP INDEX CONCURRENTLY IF EXISTS users_email_idx;\n"));
  auto [created, c] = fixed_by(r, text, "require-concurrent-index-creation");
  REQUIRE(c != nullptr);
  CHECK(created.ends_with("CREATE INDEX CONCURRENTLY users_bio_idx ON users (bio);\n"));
  CHECK(c->help.find("INVALID") != std::string::npos);
  // Moved out of Alembic's transaction: the statement in op.execute gets IF EXISTS too.
  text =
      "from alembic import op\n\nrevision = \"a1\"\ndown_revision = None\n\n\ndef upgrade():\n"
      "    op.execute(\"DROP INDEX CONCURRENTLY ix_old\")\n\n\ndef downgrade():\n    pass\n";
  r = lint_text("versions/a1_x.py", text, options);
  std::tie(dropped, d) = fixed_by(r, text, "ban-concurrent-index-creation-in-transaction");
  REQUIRE(d != nullptr);
  CHECK(dropped.find("    with op.get_context().autocommit_block():\n        op.execute(\"DROP "
                     "INDEX CONCURRENTLY IF EXISTS ix_old\")\n") != std::string::npos);
}
