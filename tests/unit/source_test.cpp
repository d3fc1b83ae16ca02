// Position mapping: lines and columns never shift with CRLF, tabs or multibyte UTF-8.
#include <catch2/catch.hpp>
#include <stdexcept>

#include "schemagate/engine.hpp"
#include "schemagate/source.hpp"

using namespace schemagate;

TEST_CASE("positions count characters on lines split by LF, CRLF and CR") {
  std::string text = "ab\r\n\tcé\nx\ry";
  LineIndex idx(text);
  CHECK(idx.line_count() == 4);
  CHECK(idx.position(0) == Position{1, 1});
  CHECK(idx.position(1) == Position{1, 2});
  CHECK(idx.position(4) == Position{2, 1});  // the tab
  CHECK(idx.position(5) == Position{2, 2});  // c: a tab is one column
  CHECK(idx.position(6) == Position{2, 3});  // é (2 bytes)
  CHECK(idx.position(8) == Position{2, 4});  // after é
  CHECK(idx.position(9) == Position{3, 1});
  CHECK(idx.position(11) == Position{4, 1});  // after a lone CR
  CHECK(idx.line_text(2) == "\tcé");
  CHECK(idx.line_text(1) == "ab");
  CHECK(idx.position(1000) == Position{4, 2});  // clamped to the end
}

TEST_CASE("UTF-8 validation finds the first bad byte") {
  CHECK_FALSE(find_invalid_utf8("plain ascii é 日本 😀").has_value());
  CHECK(find_invalid_utf8("ab\xff") == std::optional<std::size_t>(2));
  CHECK(find_invalid_utf8("a\xc3") == std::optional<std::size_t>(1));         // truncated
  CHECK(find_invalid_utf8("a\xc0\xaf") == std::optional<std::size_t>(1));     // overlong
  CHECK(find_invalid_utf8("\xed\xa0\x80") == std::optional<std::size_t>(0));  // surrogate
  CHECK(count_code_points("日本x") == 3);
  CHECK(code_point_offset("日本x", 2) == 6);
}

// These tests look at one finding: the runner sets lock_timeout, so require-lock-timeout
// stays silent.
namespace {
LintOptions runner_sets_lock_timeout() {
  LintOptions options;
  options.settings.rule_options["require-lock-timeout"]["set_by_runner"] = true;
  return options;
}
}  // namespace

TEST_CASE("findings keep exact columns with CRLF, tabs and multibyte text before them") {
  std::string text =
      "-- 注释 ünïcödé\r\n"
      "SELECT 'é';\r\n"
      "\t\tDROP TABLE users;\r\n";
  LintResult r = lint_text("t.sql", text, runner_sets_lock_timeout());
  REQUIRE(r.diagnostics.size() == 1);
  const Diagnostic& d = r.diagnostics[0];
  CHECK(d.rule == "ban-drop-table");
  CHECK(d.begin == Position{3, 3});
  CHECK(d.end == Position{3, 19});
  CHECK(d.source_line == "\t\tDROP TABLE users;");
}

TEST_CASE("a syntax error after multibyte text is reported at its character column") {
  std::string text = "SELECT 'ééé'; CREATE TABLE x (a int,);\nDROP TABLE users;\n";
  LintResult r = lint_text("t.sql", text, runner_sets_lock_timeout());
  REQUIRE(r.diagnostics.size() == 2);
  CHECK(r.diagnostics[0].rule == "syntax-error");
  CHECK(r.diagnostics[0].begin == Position{1, 37});
  CHECK(r.diagnostics[1].rule == "ban-drop-table");
  CHECK(r.diagnostics[1].begin == Position{2, 1});
}

TEST_CASE("a UTF-8 byte order mark takes no column and is not SQL") {
  std::string text =
      "\xEF\xBB\xBF"
      "DROP TABLE users;\n";
  LineIndex idx(text);
  CHECK(idx.position(3) == Position{1, 1});
  CHECK(idx.line_text(1) == "DROP TABLE users;");
  LintResult r = lint_text("bom.sql", text, runner_sets_lock_timeout());
  REQUIRE(r.diagnostics.size() == 1);
  CHECK(r.diagnostics[0].rule == "ban-drop-table");
  CHECK(r.diagnostics[0].begin == Position{1, 1});
  CHECK(r.diagnostics[0].end == Position{1, 17});
}

TEST_CASE("an exception inside a rule becomes an internal-error naming the rule") {
  LintOptions options = runner_sets_lock_timeout();
  options.extra_rules.push_back(RuleInfo{{.id = "exploding-rule",
                                          .severity = Severity::warning,
                                          .category = "test",
                                          .check =
                                              [](RuleContext& ctx) {
                                                ctx.report(ctx.steps().front(), "half a finding",
                                                           "");
                                                throw std::runtime_error("boom");
                                              }},
                                         "throws"});
  LintResult r = lint_text("t.sql", "DROP TABLE users;\n", options);
  REQUIRE(r.diagnostics.size() == 2);
  CHECK(r.diagnostics[0].rule == "ban-drop-table");  // the other rules still ran
  CHECK(r.diagnostics[1].rule == "internal-error");
  CHECK(r.diagnostics[1].message == "rule exploding-rule failed: boom");
  CHECK(r.diagnostics[1].severity == Severity::error);
}

TEST_CASE("replay tells rules which tables the configuration lists as large") {
  LintOptions options;
  options.settings.large_tables = {{"events", 100000000}, {"audit.log", std::nullopt}};
  options.extra_rules.push_back(RuleInfo{{.id = "large-table-probe",
                                          .severity = Severity::info,
                                          .category = "test",
                                          .check =
                                              [](RuleContext& ctx) {
                                                for (const Step& s : ctx.steps()) {
                                                  if (s.table_is_large) ctx.report(s, "large", "");
                                                }
                                              }},
                                         "probe"});
  LintResult r = lint_text("t.sql",
                           "ALTER TABLE events ADD COLUMN a text;\n"
                           "ALTER TABLE public.events ADD COLUMN b text;\n"
                           "ALTER TABLE audit.log ADD COLUMN c text;\n"
                           "ALTER TABLE small ADD COLUMN d text;\n",
                           options);
  std::vector<std::uint32_t> lines;
  for (const Diagnostic& d : r.diagnostics) {
    if (d.rule == "large-table-probe") lines.push_back(d.begin.line);
  }
  CHECK(lines == std::vector<std::uint32_t>{1, 2, 3});
}
