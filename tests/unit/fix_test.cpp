// Fixes over every fixture: applying a finding's fix makes that finding go away, leaves a
// text that still parses, and the help shows the user's statement with the fix applied.
#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
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
      for (; pass < 10; ++pass) {
        LintResult r = lint_text(path, text, options);
        auto it = std::find_if(r.diagnostics.begin(), r.diagnostics.end(),
                               [](const Diagnostic& d) { return d.fix.has_value(); });
        if (it == r.diagnostics.end()) break;
        text = apply_edits(text, it->fix->edits);
      }
      INFO(path);
      CHECK(pass < 10);
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
  LintOptions options;
  LintResult r = lint_text(
      "m.sql",
      "UPDATE users SET email = lower(email), n = (SELECT 1 FROM t WHERE x) WHERE email <> "
      "lower(email) RETURNING id;\n",
      options);
  auto it = std::find_if(r.diagnostics.begin(), r.diagnostics.end(),
                         [](const Diagnostic& d) { return d.rule == "unbatched-backfill"; });
  REQUIRE(it != r.diagnostics.end());
  CHECK(it->help.find("UPDATE users SET email = lower(email), n = (SELECT 1 FROM t WHERE x) "
                      "WHERE (email <> lower(email)) AND id > 0 AND id <= 1000;") !=
        std::string::npos);
  CHECK(it->help.find("...") == std::string::npos);
  // The table keeps its alias, which the condition uses.
  r = lint_text("m.sql",
                "UPDATE builds b SET resource_id = NULL WHERE NOT EXISTS (SELECT 1 FROM resources "
                "WHERE build_id = b.id);\nDELETE FROM ONLY sessions s WHERE s.expired;\n",
                options);
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
