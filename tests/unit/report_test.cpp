// The CI reporters (SARIF, GitHub, GitLab, JUnit) on findings made up for the purpose:
// fingerprints, escaping, paths and URIs, suppressed findings. cli_test.cpp holds their
// golden files; cmake/validate_reports.cmake runs third-party validators on them.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "report/common.hpp"
#include "schemagate/engine.hpp"
#include "schemagate/report.hpp"
#include "schemagate/rule.hpp"

using namespace schemagate;

namespace {

Diagnostic finding(std::string rule, std::string path, std::uint32_t line, std::string source,
                   Severity severity = Severity::warning) {
  Diagnostic d;
  d.rule = std::move(rule);
  d.severity = severity;
  d.path = std::move(path);
  d.begin = {line, 1};
  d.end = {line, static_cast<std::uint32_t>(count_code_points(source) + 1)};
  d.message = "message of " + d.rule;
  d.source_line = std::move(source);
  return d;
}

// The SARIF fingerprints of a linted text, in report order.
std::vector<std::string> sarif_fingerprints(const std::string& path, const std::string& text) {
  LintResult r = lint_text(path, text, LintOptions{});
  std::ostringstream out;
  write_sarif(out, r, SarifOptions{"/work", "/work"});
  std::vector<std::string> fps;
  auto doc = nlohmann::json::parse(out.str());
  for (const auto& res : doc["runs"][0]["results"]) {
    fps.push_back(res["ruleId"].get<std::string>() + " " +
                  res["partialFingerprints"]["schemagate/v1"].get<std::string>());
  }
  return fps;
}

}  // namespace

TEST_CASE("report: fingerprints survive lines moving, not a change of the flagged line") {
  std::string text =
      "SET lock_timeout = '5s';\nDROP TABLE a;\nDROP TABLE b;\nDROP TABLE a;\n"
      "DROP TABLE c;  -- schemagate: ignore ban-drop-table\n";
  std::vector<std::string> before = sarif_fingerprints("m/1.sql", text);
  REQUIRE(before.size() == 4);
  // The two identical lines differ by their occurrence index.
  CHECK(before[0] != before[2]);
  // Lines added above, and white space changed on the flagged lines: the same fingerprints.
  std::string moved =
      "-- a comment\n\nSET lock_timeout = '5s';\n\nDROP  TABLE a;\nDROP TABLE b;\n"
      "\tDROP TABLE a;\nDROP TABLE c;  -- schemagate: ignore ban-drop-table\n";
  CHECK(sarif_fingerprints("m/1.sql", moved) == before);
  // Another path, or another statement on the line: other fingerprints.
  std::vector<std::string> other = sarif_fingerprints("m/2.sql", text);
  CHECK(other[0] != before[0]);
  std::vector<std::string> edited = sarif_fingerprints(
      "m/1.sql", "SET lock_timeout = '5s';\nDROP TABLE a2;\nDROP TABLE b;\nDROP TABLE a;\n");
  CHECK(edited[0] != before[0]);
  CHECK(edited[1] == before[1]);
}

TEST_CASE("report: an ignore added or removed changes no other finding's fingerprint") {
  // GitLab counts occurrences over every finding, the suppressed ones too.
  LintResult plain;
  plain.diagnostics = {finding("ban-drop-table", "a.sql", 1, "DROP TABLE t;"),
                       finding("ban-drop-table", "a.sql", 2, "DROP TABLE t;")};
  LintResult ignored;
  ignored.suppressed = {plain.diagnostics[0]};
  ignored.suppressed[0].suppressed = "";
  ignored.diagnostics = {plain.diagnostics[1]};
  std::ostringstream a;
  std::ostringstream b;
  write_gitlab(a, plain, RootedPaths{"/w", "/w"});
  write_gitlab(b, ignored, RootedPaths{"/w", "/w"});
  auto all = nlohmann::json::parse(a.str());
  auto kept = nlohmann::json::parse(b.str());
  REQUIRE(all.size() == 2);
  REQUIRE(kept.size() == 1);
  CHECK(kept[0]["fingerprint"] == all[1]["fingerprint"]);
  CHECK(all[0]["fingerprint"] != all[1]["fingerprint"]);
}

TEST_CASE("report: paths relative to a root, and as URIs") {
  using report::relative_to;
  CHECK(relative_to("x/y.sql", "/r", "/r") == "x/y.sql");
  CHECK(relative_to("./a//b.sql", "/r", "/r") == "a/b.sql");
  CHECK(relative_to("s/t.sql", "/r", "s") == "t.sql");
  CHECK(relative_to("/r/s/t.sql", "/w", "/r") == "s/t.sql");
  CHECK(relative_to("../z.sql", "/r/s", "/r/s").empty());
  CHECK(relative_to("/elsewhere/z.sql", "/r", "/r").empty());
  CHECK(relative_to("/r2/z.sql", "/r", "/r").empty());
  CHECK(report::clean_path("./m//1.sql") == "m/1.sql");
  CHECK(report::uri_path("a b/\xC3\xA9%#?,:.sql") == "a%20b/%C3%A9%25%23%3F%2C%3A.sql");
  CHECK(report::file_uri("/abs/x y.sql") == "file:///abs/x%20y.sql");
  CHECK(report::valid_utf8("a\xFF"
                           "b\xC3") ==
        "a\xEF\xBF\xBD"
        "b\xEF\xBF\xBD");
  CHECK(report::valid_utf8("caf\xC3\xA9") == "caf\xC3\xA9");
  CHECK(report::normalized_line("  DROP \t TABLE  t; \r") == "DROP TABLE t;");
}

TEST_CASE("report: SARIF rules, regions in code points, suppressions") {
  LintResult r;
  Diagnostic d = finding("ban-drop-table", "m/é.sql", 3, "/* é→😀 */ DROP TABLE t;");
  d.begin.column = 11;
  d.end.column = 24;
  d.help = "a help";
  d.migration = "v3";
  r.diagnostics.push_back(d);
  Diagnostic own = finding("team-rule", "m/é.sql", 4, "SELECT 1;", Severity::info);
  r.diagnostics.push_back(own);
  Diagnostic ignored = finding("ban-drop-column", "/elsewhere/x.sql", 1, "ALTER TABLE t;");
  ignored.suppressed = "kept for the audit";
  r.suppressed.push_back(ignored);
  std::ostringstream out;
  write_sarif(out, r, SarifOptions{"/w", "."});
  auto run = nlohmann::json::parse(out.str())["runs"][0];

  // Every rule with its doc; an embedder's own rule appended, so that every result has one.
  const auto& rules = run["tool"]["driver"]["rules"];
  REQUIRE(rules.size() == all_rules().size() + 1);
  for (std::size_t i = 0; i < all_rules().size(); ++i) {
    const RuleInfo& info = all_rules()[i];
    CHECK(rules[i]["id"] == std::string(info.id));
    CHECK(rules[i]["shortDescription"]["text"] == std::string(info.summary));
    CHECK(rules[i]["help"]["markdown"] == std::string(rule_doc(info.id)));
    CHECK(rules[i]["properties"]["tags"][0] == std::string(info.category));
    CHECK(rules[i]["defaultConfiguration"].contains("enabled") == info.opt_in);
  }
  CHECK(rules.back()["id"] == "team-rule");
  auto drop = std::find_if(rules.begin(), rules.end(),
                           [](const auto& rule) { return rule["id"] == "ban-drop-table"; });
  REQUIRE(drop != rules.end());
  CHECK((*drop)["name"] == "BanDropTable");
  // The summary paragraph of rules/ban-drop-table.md as plain text, then its "What it does".
  CHECK((*drop)["shortDescription"]["text"] ==
        "Reports DROP TABLE of an existing table, which loses its data and breaks code that "
        "still uses it.");
  CHECK((*drop)["fullDescription"]["text"] ==
        "Reports `DROP TABLE` and Alembic's `op.drop_table(name)`. A table created earlier in the "
        "same migration is not reported, and neither is a `downgrade()` that drops a table this "
        "revision's own `upgrade()` created: that is the expected inverse.");
  CHECK((*drop)["defaultConfiguration"]["level"] == "warning");

  const auto& results = run["results"];
  REQUIRE(results.size() == 3);
  // Sorted by path: the suppressed finding outside the root comes first.
  CHECK(results[0]["ruleId"] == "ban-drop-column");
  const auto& outside = results[0]["locations"][0]["physicalLocation"]["artifactLocation"];
  CHECK(outside == nlohmann::json{{"uri", "file:///elsewhere/x.sql"}});
  CHECK(results[0]["suppressions"][0]["justification"] == "kept for the audit");
  const auto& loc = results[1]["locations"][0]["physicalLocation"];
  CHECK(loc["artifactLocation"]["uri"] == "m/%C3%A9.sql");
  CHECK(loc["artifactLocation"]["uriBaseId"] == "%SRCROOT%");
  CHECK(loc["region"]["startColumn"] == 11);
  CHECK(loc["region"]["endColumn"] == 24);
  CHECK(loc["region"]["snippet"]["text"] == "DROP TABLE t;");
  CHECK(results[1]["message"]["text"] == "message of ban-drop-table\nhelp: a help");
  CHECK(results[1]["properties"]["migration"] == "v3");
  CHECK(!results[1].contains("suppressions"));
  CHECK(results[2]["level"] == "note");
  CHECK(results[2]["ruleIndex"] == all_rules().size());
  CHECK(run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == "file:///w/");
}

TEST_CASE("report: GitHub workflow commands escape data and properties") {
  LintResult r;
  Diagnostic d = finding("ban-drop-table", "./a,b:c%.sql", 2, "DROP TABLE x;", Severity::info);
  d.begin.column = 3;
  d.end = {2, 5};
  d.message = "50% off\r\nnext: a, b";
  r.diagnostics.push_back(d);
  r.diagnostics.push_back(finding("x", "e.sql", 1, "", Severity::error));
  r.suppressed.push_back(finding("y", "s.sql", 1, ""));
  std::ostringstream out;
  write_github(out, r, RootedPaths{"/w", "/w"});
  CHECK(out.str() ==
        "::notice file=a%2Cb%3Ac%25.sql,line=2,col=3,endLine=2,endColumn=5,"
        "title=schemagate%3A ban-drop-table::50%25 off%0D%0Anext: a, b\n"
        "::error file=e.sql,line=1,col=1,endLine=1,endColumn=1,title=schemagate%3A x::message of "
        "x\n");
}

TEST_CASE("report: GitLab severities, paths made relative to the working directory") {
  LintResult r;
  r.diagnostics = {finding("a", "/w/m/1.sql", 1, "x", Severity::error),
                   finding("b", "./m/2.sql", 1, "x", Severity::warning),
                   finding("c", "/other/3.sql", 1, "x", Severity::info)};
  std::ostringstream out;
  write_gitlab(out, r, RootedPaths{"/w", "/w"});
  auto issues = nlohmann::json::parse(out.str());
  REQUIRE(issues.size() == 3);
  // In report order (sorted by path as given).
  CHECK(issues[0]["severity"] == "major");
  CHECK(issues[0]["location"]["path"] == "m/2.sql");
  CHECK(issues[1]["severity"] == "info");
  CHECK(issues[1]["location"]["path"] == "/other/3.sql");
  CHECK(issues[2]["severity"] == "critical");
  CHECK(issues[2]["location"]["path"] == "m/1.sql");
  CHECK(issues[2]["check_name"] == "a");
  CHECK(issues[2]["description"] == "message of a");
  CHECK(issues[2]["location"]["lines"]["begin"] == 1);
  std::ostringstream empty;
  write_gitlab(empty, LintResult{}, RootedPaths{"/w", "/w"});
  CHECK(empty.str() == "[]\n");
}

TEST_CASE("report: JUnit escapes XML and lists failures at or above --fail-on") {
  LintResult r;
  r.paths = {"m/1.sql", "m/<2>.sql"};
  Diagnostic d = finding("ban-drop-table", "m/1.sql", 1, "", Severity::warning);
  d.message = "a<b>&\"c\" \x01 \xFF\r";
  d.help = "tab\there";
  r.diagnostics.push_back(d);
  r.diagnostics.push_back(finding("prefer-jsonb", "m/<2>.sql", 1, "", Severity::info));
  r.diagnostics.push_back(finding("io-error", "gone.sql", 1, "", Severity::error));
  std::ostringstream out;
  write_junit(out, r, Severity::warning);
  std::string xml = out.str();
  CHECK(xml.find("<testsuite name=\"schemagate\" tests=\"3\" failures=\"2\" errors=\"0\" "
                 "skipped=\"0\">") != std::string::npos);
  CHECK(xml.find("<testcase name=\"m/&lt;2&gt;.sql\" classname=\"schemagate\" "
                 "file=\"m/&lt;2&gt;.sql\"/>") != std::string::npos);
  CHECK(
      xml.find("<failure message=\"a&lt;b&gt;&amp;&quot;c&quot; \xEF\xBF\xBD \xEF\xBF\xBD&#13;\" "
               "type=\"ban-drop-table\">m/1.sql:1:1: warning[ban-drop-table] a&lt;b&gt;&amp;\"c\" "
               "\xEF\xBF\xBD \xEF\xBF\xBD&#13;\nhelp: tab\there</failure>") != std::string::npos);
  CHECK(xml.find("<testcase name=\"gone.sql\"") != std::string::npos);
  CHECK(xml.find("prefer-jsonb") == std::string::npos);
  std::ostringstream all;
  write_junit(all, r, Severity::info);
  CHECK(all.str().find("type=\"prefer-jsonb\"") != std::string::npos);
}

TEST_CASE("report: suppressed findings are kept apart, with the ignore's reason") {
  LintResult r = lint_text("m.sql",
                           "SET lock_timeout = '5s';\n"
                           "-- schemagate: ignore ban-drop-table -- archived\n"
                           "DROP TABLE a;\n"
                           "DROP TABLE b;  -- schemagate: ignore ban-drop-table\n"
                           "DROP TABLE c;\n",
                           LintOptions{});
  REQUIRE(r.diagnostics.size() == 1);
  CHECK(r.diagnostics[0].begin.line == 5);
  CHECK(!r.diagnostics[0].suppressed);
  REQUIRE(r.suppressed.size() == 2);
  CHECK(r.suppressed[0].begin.line == 3);
  CHECK(r.suppressed[0].suppressed == std::optional<std::string>("archived"));
  CHECK(r.suppressed[1].begin.line == 4);
  CHECK(r.suppressed[1].suppressed == std::optional<std::string>(""));
}
