// The command line end to end: golden JSON and text output, exit codes, subcommands.
// Set SCHEMAGATE_UPDATE_GOLDEN=1 to rewrite the golden files after a deliberate change.
#include <sys/wait.h>
#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>

#include "report/common.hpp"
#include "schemagate/engine.hpp"
#include "schemagate/rule.hpp"
#include "support.hpp"

namespace fs = std::filesystem;

namespace {

using schemagate::test::Run;
using schemagate::test::slurp;

// Runs `schemagate ARGS` in `dir` with the given environment prefix.
Run run(const std::string& args,
        const fs::path& dir = fs::path(SCHEMAGATE_SOURCE_DIR) / "tests" / "golden",
        const std::string& env = "NO_COLOR=1") {
  return schemagate::test::shell("cd '" + dir.string() + "' && env " + env + " '" +
                                 SCHEMAGATE_BINARY + "' " + args);
}

void replace_all(std::string& text, const std::string& from, const std::string& to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
}

void check_golden(const std::string& actual, const std::string& name) {
  fs::path golden = fs::path(SCHEMAGATE_SOURCE_DIR) / "tests" / "golden" / name;
  // The version changes with releases; the golden files hold a placeholder (JSON writes
  // it compact, SARIF pretty-printed).
  std::string normalized = actual;
  std::string v = std::string(schemagate::version());
  for (const char* key : {"\"version\":", "\"version\": ", "\"semanticVersion\": "}) {
    replace_all(normalized, key + ("\"" + v + "\""), key + std::string("\"VERSION\""));
  }
  if (std::getenv("SCHEMAGATE_UPDATE_GOLDEN") != nullptr) {
    std::ofstream(golden, std::ios::binary) << normalized;
  }
  CHECK(normalized == slurp(golden));
}

}  // namespace

TEST_CASE("cli: JSON output on safe, unsafe, broken and binary files is exactly the golden one") {
  Run r = run("lint --format json input");
  CHECK(r.exit_code == 1);
  CHECK(r.err.empty());
  check_golden(r.out, "expected.json");
  auto doc = nlohmann::json::parse(r.out);
  CHECK(doc["summary"]["files"] == 5);
  for (const auto& d : doc["diagnostics"]) {
    CHECK(d["line"].get<int>() >= 1);
    CHECK(d["column"].get<int>() >= 1);
    CHECK(d["path"].get<std::string>().rfind("input/", 0) == 0);
  }
}

TEST_CASE("cli: text output is exactly the golden one") {
  Run r = run("lint --color never input");
  CHECK(r.exit_code == 1);
  check_golden(r.out, "expected.txt");
}

// The golden folder as the binary sees its working directory (symbolic links resolved), as
// the file URI SARIF gives it.
std::string golden_uri(const std::string& sub = "") {
  fs::path dir = fs::canonical(fs::path(SCHEMAGATE_SOURCE_DIR) / "tests" / "golden");
  if (!sub.empty()) dir /= sub;
  return "file://" + schemagate::report::uri_path(dir.generic_string()) + "/";
}

// tests/golden/ci-input: CRLF line ends, non-ASCII text before a finding's column, names
// that need escaping in every format, inline ignores, identical flagged lines.
const std::string kReportInputs = "input ci-input";

TEST_CASE("cli: SARIF output is exactly the golden one, and consistent") {
  Run r = run("lint --format sarif --sarif-root . " + kReportInputs);
  CHECK(r.exit_code == 1);
  CHECK(r.err.empty());
  auto doc = nlohmann::json::parse(r.out);
  const auto& sarif_run = doc["runs"][0];
  std::string root = golden_uri();
  CHECK(sarif_run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == root);
  // Each rule's help is its whole doc (checked here); the golden file names the doc instead,
  // so that editing a rule's doc doesn't change it.
  std::string normalized = r.out;
  replace_all(normalized, root, "file:///GOLDEN/");
  for (const auto& rule : sarif_run["tool"]["driver"]["rules"]) {
    std::string id = rule["id"].get<std::string>();
    std::string text(schemagate::rule_doc(id));
    CHECK(rule["help"]["text"] == text);
    CHECK(rule["help"]["markdown"] == text);
    std::string escaped = nlohmann::json(text).dump();
    replace_all(normalized, ": " + escaped, ": \"(rules/" + id + ".md)\"");
  }
  check_golden(normalized, "expected.sarif");

  CHECK(doc["version"] == "2.1.0");
  CHECK(sarif_run["columnKind"] == "unicodeCodePoints");
  const auto& rules = sarif_run["tool"]["driver"]["rules"];
  CHECK(rules.size() == schemagate::all_rules().size());
  // The findings the JSON output reports, plus the two that ignored.sql's ignores suppress.
  auto json = nlohmann::json::parse(run("lint --format json " + kReportInputs).out);
  const auto& results = sarif_run["results"];
  CHECK(results.size() == json["diagnostics"].size() + 2);
  std::set<std::string> fingerprints;
  std::vector<std::string> justifications;
  for (const auto& res : results) {
    CHECK(rules[res["ruleIndex"].get<std::size_t>()]["id"] == res["ruleId"]);
    fingerprints.insert(res["partialFingerprints"]["schemagate/v1"].get<std::string>());
    if (res.contains("suppressions")) {
      const auto& s = res["suppressions"][0];
      CHECK(s["kind"] == "inSource");
      justifications.push_back(s.value("justification", "(none)"));
    }
  }
  CHECK(fingerprints.size() == results.size());  // the identical lines of ignored.sql too
  CHECK(justifications == std::vector<std::string>{"archived in 2024.05, dump kept", "(none)"});
}

TEST_CASE("cli: GitHub, GitLab and JUnit output are exactly the golden ones") {
  auto json = nlohmann::json::parse(run("lint --format json " + kReportInputs).out);
  std::size_t findings = json["diagnostics"].size();

  Run github = run("lint --format github --sarif-root . " + kReportInputs);
  CHECK(github.exit_code == 1);
  check_golden(github.out, "expected.github.txt");
  std::size_t commands = 0;
  for (std::size_t at = 0; (at = github.out.find("\n::", at)) != std::string::npos; ++at) {
    ++commands;
  }
  CHECK(github.out.rfind("::", 0) == 0);
  CHECK(commands + 1 == findings);

  Run gitlab = run("lint --format gitlab --sarif-root . " + kReportInputs);
  CHECK(gitlab.exit_code == 1);
  check_golden(gitlab.out, "expected.gitlab.json");
  auto issues = nlohmann::json::parse(gitlab.out);
  CHECK(issues.size() == findings);
  // The same fingerprints as SARIF's (the paths are relative to the same directory).
  auto sarif =
      nlohmann::json::parse(run("lint --format sarif --sarif-root . " + kReportInputs).out);
  std::set<std::string> sarif_fingerprints;
  for (const auto& res : sarif["runs"][0]["results"]) {
    sarif_fingerprints.insert(res["partialFingerprints"]["schemagate/v1"].get<std::string>());
  }
  for (const auto& issue : issues) {
    CHECK(sarif_fingerprints.contains(issue["fingerprint"].get<std::string>()));
    CHECK(issue["location"]["lines"]["begin"].get<int>() >= 1);
  }

  Run junit = run("lint --format junit " + kReportInputs);
  CHECK(junit.exit_code == 1);
  check_golden(junit.out, "expected.junit.xml");
  CHECK(junit.out.find("<testsuite name=\"schemagate\" tests=\"8\"") != std::string::npos);
}

TEST_CASE("cli: --output writes the report to a file while the terminal gets the text") {
  fs::path dir =
      fs::temp_directory_path() / ("schemagate-cli-output-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  Run r = run("lint --color never --format junit --output '" + (dir / "report.xml").string() +
              "' " + kReportInputs);
  CHECK(r.exit_code == 1);
  CHECK(r.out == run("lint --color never " + kReportInputs).out);
  check_golden(slurp(dir / "report.xml"), "expected.junit.xml");
  // --format text: the file gets the text too, never colored.
  Run text = run("lint --color always --output '" + (dir / "report.txt").string() + "' input");
  CHECK(text.exit_code == 1);
  CHECK(text.out.find("\x1b[") != std::string::npos);
  CHECK(slurp(dir / "report.txt") ==
        slurp(fs::path(SCHEMAGATE_SOURCE_DIR) / "tests" / "golden" / "expected.txt"));
  // A file that cannot be written: a usage error, said on stderr.
  Run bad = run("lint --format sarif --output '" + (dir / "missing" / "x.sarif").string() +
                "' input/safe.sql");
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find("--output") != std::string::npos);
  fs::remove_all(dir);
}

TEST_CASE("cli: --sarif-root: URIs relative to it, absolute file URIs outside it") {
  Run r = run("lint --format sarif --sarif-root input input/unsafe.sql ci-input/ignored.sql");
  CHECK(r.exit_code == 1);
  auto doc = nlohmann::json::parse(r.out);
  CHECK(doc["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"] == golden_uri("input"));
  std::set<std::string> uris;
  for (const auto& res : doc["runs"][0]["results"]) {
    const auto& artifact = res["locations"][0]["physicalLocation"]["artifactLocation"];
    CHECK(artifact.contains("uriBaseId") == (artifact["uri"] == "unsafe.sql"));
    uris.insert(artifact["uri"].get<std::string>());
  }
  CHECK(uris == std::set<std::string>{"unsafe.sql", golden_uri() + "ci-input/ignored.sql"});
  CHECK(run("lint --format sarif --sarif-root no-such-dir input/safe.sql").exit_code == 2);
}

TEST_CASE("cli: inline-ignored findings count nowhere, and are suppressed results in SARIF") {
  fs::path dir =
      fs::temp_directory_path() / ("schemagate-cli-ignored-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "1.sql") << "SET lock_timeout = '5s';\n"
                                  "DROP TABLE t;  -- schemagate: ignore ban-drop-table -- why\n";
  Run json = run("lint --format json 1.sql", dir);
  CHECK(json.exit_code == 0);
  CHECK(nlohmann::json::parse(json.out)["diagnostics"].empty());
  CHECK(run("lint 1.sql", dir).out == "No findings (0 errors, 0 warnings, 0 infos) in 1 file.\n");
  CHECK(run("lint --format github 1.sql", dir).out.empty());
  CHECK(run("lint --format gitlab 1.sql", dir).out == "[]\n");
  CHECK(run("lint --format junit 1.sql", dir).out.find("<failure") == std::string::npos);
  Run sarif = run("lint --format sarif 1.sql", dir);
  CHECK(sarif.exit_code == 0);
  auto results = nlohmann::json::parse(sarif.out)["runs"][0]["results"];
  REQUIRE(results.size() == 1);
  CHECK(results[0]["ruleId"] == "ban-drop-table");
  CHECK(
      results[0]["suppressions"] ==
      nlohmann::json::parse(R"([{"kind":"inSource","status":"accepted","justification":"why"}])"));
  fs::remove_all(dir);
}

TEST_CASE("cli: exit codes") {
  CHECK(run("lint input/safe.sql").exit_code == 0);
  CHECK(run("lint input/unsafe.sql").exit_code == 1);
  CHECK(run("lint --fail-on error input/broken.sql").exit_code == 1);  // syntax-error is an error
  CHECK(run("lint --fail-on error input/safe.sql").exit_code == 0);
  CHECK(run("lint --format yaml input").exit_code == 2);
  for (const char* format : {"sarif", "github", "gitlab", "junit"}) {
    CHECK(run(std::string("lint --format ") + format + " input/safe.sql").exit_code == 0);
    CHECK(run(std::string("lint --format ") + format + " input/unsafe.sql").exit_code == 1);
  }
  CHECK(run("lint --no-such-flag").exit_code == 2);
  CHECK(run("").exit_code == 2);
}

TEST_CASE("cli: warnings alone pass with --fail-on error") {
  // unsafe.sql has an error (adding-required-field); broken.sql's DROPs are warnings but
  // its syntax error is an error. A warnings-only file:
  fs::path dir = fs::temp_directory_path() / "schemagate-cli-warn";
  fs::create_directories(dir);
  std::ofstream(dir / "w.sql") << "DROP TABLE t;\n";
  CHECK(run("lint w.sql", dir).exit_code == 1);
  CHECK(run("lint --fail-on error w.sql", dir).exit_code == 0);
  fs::remove_all(dir);
}

TEST_CASE("cli: a missing path is an I/O error (exit 2) and the other files are still linted") {
  Run r = run("lint --format json input/unsafe.sql input/does-not-exist.sql");
  CHECK(r.exit_code == 2);
  auto doc = nlohmann::json::parse(r.out);
  bool io = false;
  bool lint = false;
  for (const auto& d : doc["diagnostics"]) {
    io = io || (d["rule"] == "io-error" && d["path"] == "input/does-not-exist.sql");
    lint = lint || d["rule"] == "adding-required-field";
  }
  CHECK(io);
  CHECK(lint);
}

TEST_CASE("cli: rules, rule, --version, --help") {
  Run rules = run("rules");
  CHECK(rules.exit_code == 0);
  for (const auto& r : schemagate::all_rules()) {
    CHECK(rules.out.find(std::string(r.id) + " ") != std::string::npos);
  }
  Run doc = run("rule require-concurrent-index-creation");
  CHECK(doc.exit_code == 0);
  CHECK(doc.out.rfind("# require-concurrent-index-creation\n", 0) == 0);
  Run unknown = run("rule no-such-rule");
  CHECK(unknown.exit_code == 2);
  CHECK(unknown.err.find("unknown rule") != std::string::npos);
  Run version = run("--version");
  CHECK(version.exit_code == 0);
  CHECK(version.out == "schemagate " + std::string(schemagate::version()) + "\n");
  CHECK(run("--help").exit_code == 0);
  CHECK(run("lint --help").exit_code == 0);
}

TEST_CASE("cli: color follows --color and NO_COLOR") {
  CHECK(run("lint --color always input/unsafe.sql").out.find("\x1b[") != std::string::npos);
  CHECK(run("lint --color never input/unsafe.sql",
            fs::path(SCHEMAGATE_SOURCE_DIR) / "tests" / "golden", "TERM=xterm")
            .out.find("\x1b[") == std::string::npos);
  // auto: never when NO_COLOR is set (and never when stdout is not a terminal).
  CHECK(run("lint input/unsafe.sql").out.find("\x1b[") == std::string::npos);
}

TEST_CASE("cli: graph prints heads, bases and merge points as `alembic heads` would") {
  fs::path projects = fs::path(SCHEMAGATE_SOURCE_DIR) / "tests" / "fixtures" / "projects";
  Run json = run("graph --format json merged_heads", projects);
  CHECK(json.exit_code == 0);
  auto doc = nlohmann::json::parse(json.out);
  REQUIRE(doc["projects"].size() == 1);
  const auto& p = doc["projects"][0];
  CHECK(p["heads"] == nlohmann::json::array({"d4"}));
  CHECK(p["bases"] == nlohmann::json::array({"a1"}));
  CHECK(p["merges"] == nlohmann::json::array({"d4"}));
  REQUIRE(p["history"].size() == 4);
  CHECK(p["history"][0]["revision"] == "a1");  // parents first
  CHECK(p["history"][3]["revision"] == "d4");
  CHECK(p["history"][3]["down_revisions"] == nlohmann::json::array({"b2", "c3"}));

  Run text = run("graph multiple_heads", projects);
  CHECK(text.exit_code == 0);
  CHECK(text.out.find("heads:         b2, c3") != std::string::npos);
  CHECK(text.out.find("a1 -> b2 (head)") != std::string::npos);

  Run labels = run("graph --format json branch_labels", projects);
  auto l = nlohmann::json::parse(labels.out)["projects"][0];
  CHECK(l["heads"] == nlohmann::json::array({"b2", "y2"}));
  CHECK(l["bases"] == nlohmann::json::array({"a1", "x1"}));
}

TEST_CASE("cli: a revision named alone is linted with its siblings as context") {
  fs::path projects = fs::path(SCHEMAGATE_SOURCE_DIR) / "tests" / "fixtures" / "projects";
  // c3's parent b2 lives next to it: no missing-parent-revision, and only c3 is reported
  // (its upgrade sets no lock_timeout; its downgrade only undoes the upgrade).
  Run r = run("lint --format json linear_ok/versions/c3_third.py", projects);
  CHECK(r.exit_code == 1);
  auto doc = nlohmann::json::parse(r.out);
  REQUIRE(doc["diagnostics"].size() == 1);
  for (const auto& d : doc["diagnostics"]) {
    CHECK(d["rule"] == "require-lock-timeout");
    CHECK(d["migration"] == "c3");
  }
  CHECK(doc["summary"]["files"] == 1);
  // b2 is one of two heads: named alone, its own finding is reported, c3's is not.
  Run heads = run("lint --format json multiple_heads/versions/b2_left.py", projects);
  CHECK(heads.exit_code == 1);
  auto h = nlohmann::json::parse(heads.out);
  REQUIRE(h["diagnostics"].size() == 2);  // its downgrade only undoes its upgrade
  CHECK(h["diagnostics"][0]["rule"] == "multiple-heads");
  for (const auto& d : h["diagnostics"]) {
    CHECK(d["path"] == "multiple_heads/versions/b2_left.py");
    CHECK(d["migration"] == "b2");
  }
  CHECK(h["diagnostics"][1]["rule"] == "require-lock-timeout");
}

TEST_CASE("cli: the configuration file is found, applied, and overridden by flags") {
  fs::path dir =
      fs::temp_directory_path() / ("schemagate-cli-config-" + std::to_string(::getpid()));
  fs::create_directories(dir / "migrations");
  std::ofstream(dir / "migrations" / "001.sql") << "DROP TABLE t;\nCREATE INDEX i ON t (a);\n";
  std::ofstream(dir / ".schemagate.yaml")
      << "rules:\n  disable: [ban-drop-table]\n  severity:\n    require-concurrent-index-creation: "
         "info\nfail_on: error\nlock_timeout_set_by_runner: true\n";
  Run r = run("lint --format json migrations", dir);
  CHECK(r.exit_code == 0);  // only an info finding is left, and fail_on is error
  auto doc = nlohmann::json::parse(r.out);
  REQUIRE(doc["diagnostics"].size() == 1);
  CHECK(doc["diagnostics"][0]["rule"] == "require-concurrent-index-creation");
  CHECK(doc["diagnostics"][0]["severity"] == "info");

  // Flags merge over the file key by key: --enable wins over the file's disable.
  Run flags = run("lint --format json --enable ban-drop-table --fail-on info migrations", dir);
  CHECK(flags.exit_code == 1);
  CHECK(nlohmann::json::parse(flags.out)["diagnostics"].size() == 2);
  CHECK(run("lint --no-config migrations", dir).exit_code == 1);

  Run shown = run("config --disable changing-column-type", dir);
  CHECK(shown.exit_code == 0);
  CHECK(shown.out.find("(from ") != std::string::npos);
  CHECK(shown.out.find("  disable:\n    - \"ban-drop-table\"\n    - \"changing-column-type\"\n") !=
        std::string::npos);
  CHECK(shown.out.find("fail_on: error") != std::string::npos);

  // A broken configuration never lints with wrong settings: it stops, exit 2.
  std::ofstream(dir / ".schemagate.yaml") << "rules:\n  disable: [no-such-rule]\n";
  Run bad = run("lint migrations", dir);
  CHECK(bad.exit_code == 2);
  CHECK(bad.out.empty());
  CHECK(bad.err.find(".schemagate.yaml:2:13: error: unknown rule 'no-such-rule'") !=
        std::string::npos);
  CHECK(run("lint --no-config --enable no-such-rule migrations", dir).exit_code == 2);
  fs::remove_all(dir);
}

TEST_CASE("cli: --since reports only what changed since the merge base, replaying the rest") {
  fs::path dir = fs::temp_directory_path() / ("schemagate-cli-git-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "migrations");
  auto sh = [&](const std::string& cmd) {
    std::string full = "cd '" + dir.string() + "' && " + cmd + " >/dev/null 2>&1";
    REQUIRE(std::system(full.c_str()) == 0);
  };
  std::ofstream(dir / "migrations" / "001_create.sql")
      << "CREATE TABLE t (id bigint, a text);\nDROP TABLE old;\n";
  sh("git init -q -b main . && git add -A && git -c user.name=t -c user.email=t@t commit -qm one");
  sh("git checkout -q -b feature");
  // Committed on the branch: a new migration, and an edit of the applied one.
  std::ofstream(dir / "migrations" / "002_index.sql") << "CREATE INDEX i ON t (a);\n";
  // (What it runs changed: an edit of comments alone is no edit, see first_contact_test.)
  std::ofstream(dir / "migrations" / "001_create.sql")
      << "CREATE TABLE t (id bigint, a text);\nDROP TABLE older;\n";
  sh("git add -A && git -c user.name=t -c user.email=t@t commit -qm two");
  // Not committed yet: another new migration.
  std::ofstream(dir / "migrations" / "003_rename.sql") << "ALTER TABLE t RENAME COLUMN a TO b;\n";

  Run r = run("lint --format json --since main migrations", dir);
  CHECK(r.exit_code == 1);
  auto doc = nlohmann::json::parse(r.out);
  std::multiset<std::string> seen;
  for (const auto& d : doc["diagnostics"]) {
    seen.insert(d["path"].get<std::string>() + " " + d["rule"].get<std::string>());
  }
  // 001 was edited, so it is linted again, and flagged as an applied migration that changed.
  CHECK(seen == std::multiset<std::string>{
                    "migrations/001_create.sql ban-drop-table",
                    "migrations/001_create.sql modified-applied-migration",
                    "migrations/001_create.sql require-lock-timeout",
                    "migrations/002_index.sql require-concurrent-index-creation",
                    "migrations/002_index.sql require-lock-timeout",
                    "migrations/003_rename.sql renaming-column",
                    "migrations/003_rename.sql require-lock-timeout",
                });
  CHECK(doc["summary"]["files"] == 3);
  // Nothing changed since HEAD but the untracked file.
  Run head = run("lint --format json --since HEAD migrations", dir);
  auto h = nlohmann::json::parse(head.out);
  REQUIRE(h["diagnostics"].size() == 2);
  CHECK(h["diagnostics"][0]["rule"] == "renaming-column");
  CHECK(h["diagnostics"][0]["path"] == "migrations/003_rename.sql");
  CHECK(h["diagnostics"][1]["rule"] == "require-lock-timeout");
  CHECK(h["diagnostics"][1]["path"] == "migrations/003_rename.sql");
  CHECK(run("lint --since no-such-ref migrations", dir).exit_code == 2);
  // The checklist of what changed, the same way.
  auto lists = nlohmann::json::parse(
      run("checklist --format json --since HEAD migrations", dir).out)["migrations"];
  REQUIRE(lists.size() == 1);
  CHECK(lists[0]["path"] == "migrations/003_rename.sql");
  CHECK(run("checklist --since no-such-ref migrations", dir).exit_code == 2);
  fs::remove_all(dir);
}

TEST_CASE("cli: checklist on the bundled examples: golden Markdown and JSON, --enforce blocks") {
  fs::path root = SCHEMAGATE_SOURCE_DIR;
  Run md = run("checklist --enforce --format markdown examples", root);
  CHECK(md.exit_code == 1);
  CHECK(md.err.empty());
  check_golden(md.out, "expected.checklist.md");
  // Complete migrations fold away; blocked ones show their table, the findings behind each ❌.
  CHECK(md.out.find("<details><summary>✅ <code>examples/alembic/migrations/versions/"
                    "2b3c4d5e6f70_add_tier.py</code>") != std::string::npos);
  CHECK(md.out.find("### ❌ `examples/alembic/migrations/versions/"
                    "6f708192a3b4_safe_concurrent_index.py`") != std::string::npos);
  CHECK(md.out.find("`require-concurrent-index-creation` line 3:") != std::string::npos);

  Run json = run("checklist --enforce --format json examples", root);
  CHECK(json.exit_code == 1);
  check_golden(json.out, "expected.checklist.json");
  auto doc = nlohmann::json::parse(json.out);
  std::size_t complete = 0;
  for (const auto& m : doc["migrations"]) {
    complete += m["complete"].get<bool>() ? 1 : 0;
    // The safe concurrent index is blocked by its missing attestations alone.
    if (m["migration"] != "6f708192a3b4") continue;
    for (const auto& i : m["items"]) {
      bool attested = !i["verified"].get<bool>();
      CHECK((i["status"] == "unmet") == (attested && i["required"].get<bool>()));
    }
  }
  CHECK(doc["summary"]["complete"] == complete);
  CHECK(doc["summary"]["migrations"] == doc["migrations"].size());

  // Without --enforce it informs and passes; text lists each migration.
  Run text = run("checklist examples/sql", root);
  CHECK(text.exit_code == 0);
  CHECK(text.out.find("examples/sql/003_backfill_tier.sql (003): blocked\n") != std::string::npos);
  CHECK(text.out.find("    [!] rollback-tested: not attested\n") != std::string::npos);
  CHECK(run("checklist --enforce examples/sql/001_create_skills.sql", root).exit_code == 0);
  CHECK(run("checklist --format html examples", root).exit_code == 2);
}

TEST_CASE("cli: checklist.enforce in the configuration makes lint report checklist-incomplete") {
  fs::path dir =
      fs::temp_directory_path() / ("schemagate-cli-checklist-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "migrations");
  std::ofstream(dir / "migrations" / "001_notes.sql")
      << "-- Checklist:\n--   [x] staging-tested: yes\n--   [ ] rollback-tested\n"
         "CREATE TABLE notes (id bigint);\n";
  CHECK(run("lint migrations", dir).exit_code == 0);
  std::ofstream(dir / ".schemagate.yaml") << "checklist:\n  enforce: true\n";
  Run r = run("lint --format json migrations", dir);
  CHECK(r.exit_code == 1);
  auto d = nlohmann::json::parse(r.out)["diagnostics"];
  REQUIRE(d.size() == 1);
  CHECK(d[0]["rule"] == "checklist-incomplete");
  CHECK(d[0]["line"] == 3);
  CHECK(run("checklist migrations", dir).exit_code == 1);  // enforced by the configuration
  std::ofstream(dir / ".schemagate.yaml")
      << "checklist:\n  enforce: true\n  require:\n    rollback-tested: never\n";
  CHECK(run("lint migrations", dir).exit_code == 0);
  Run shown = run("config", dir);
  CHECK(shown.out.find("checklist:\n  enforce: true\n  require:\n") != std::string::npos);
  CHECK(shown.out.find("    rollback-tested: never\n") != std::string::npos);
  fs::remove_all(dir);
}

TEST_CASE("cli: configuration reaches layouts: flyway.undo, placeholders, exclude, layouts") {
  fs::path dir =
      fs::temp_directory_path() / ("schemagate-cli-layout-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "db" / "migrations");
  fs::create_directories(dir / "db" / "legacy");
  std::ofstream(dir / "db" / "migrations" / "V1__create.sql")
      << "CREATE TABLE ${prefix}_t (id bigint);\n";
  std::ofstream(dir / "db" / "legacy" / "old.sql") << "DROP TABLE everything;\n";
  auto rules = [](const Run& r) {
    std::multiset<std::string> out;
    auto doc = nlohmann::json::parse(r.out);
    for (const auto& d : doc["diagnostics"]) {
      out.insert(d["path"].get<std::string>() + " " + d["rule"].get<std::string>());
    }
    return out;
  };
  // Without configuration: no undo expected, the legacy drop is reported.
  CHECK(rules(run("lint --format json db", dir)) ==
        std::multiset<std::string>{"db/legacy/old.sql ban-drop-table",
                                   "db/legacy/old.sql require-lock-timeout"});
  std::ofstream(dir / ".schemagate.yaml")
      << "flyway:\n  undo: true\nexclude: [\"db/legacy/**\"]\nplaceholders:\n  prefix: app\n";
  CHECK(rules(run("lint --format json db", dir)) ==
        std::multiset<std::string>{"db/migrations/V1__create.sql missing-downgrade"});
  // A layout override: the same folder read as bare SQL has no downgrade to miss.
  std::ofstream(dir / ".schemagate.yaml")
      << "flyway:\n  undo: true\nexclude: [\"db/legacy/**\"]\nlayouts:\n  \"*migrations\": sql\n";
  CHECK(rules(run("lint --format json db", dir)).empty());
  fs::remove_all(dir);
}

TEST_CASE(
    "cli: rules.require-lock-timeout.set_by_runner (or lock_timeout_set_by_runner) silences "
    "require-lock-timeout") {
  fs::path dir =
      fs::temp_directory_path() / ("schemagate-cli-lock-timeout-" + std::to_string(::getpid()));
  fs::create_directories(dir / "migrations");
  std::ofstream(dir / "migrations" / "001.sql") << "ALTER TABLE users ADD COLUMN bio text;\n";
  auto rules = [](const Run& r) {
    std::multiset<std::string> out;
    auto doc = nlohmann::json::parse(r.out);
    for (const auto& d : doc["diagnostics"]) out.insert(d["rule"].get<std::string>());
    return out;
  };
  CHECK(rules(run("lint --format json migrations", dir)) ==
        std::multiset<std::string>{"require-lock-timeout"});
  std::ofstream(dir / ".schemagate.yaml") << "lock_timeout_set_by_runner: true\n";
  CHECK(rules(run("lint --format json migrations", dir)).empty());
  std::ofstream(dir / ".schemagate.yaml") << "lock_timeout_set_by_runner: false\n";
  CHECK(rules(run("lint --format json migrations", dir)) ==
        std::multiset<std::string>{"require-lock-timeout"});
  std::ofstream(dir / ".schemagate.yaml")
      << "rules:\n  require-lock-timeout:\n    set_by_runner: true\n";
  CHECK(rules(run("lint --format json migrations", dir)).empty());
  // `schemagate config` prints the option with its effective value.
  CHECK(run("config", dir).out.find("  require-lock-timeout:\n    set_by_runner: true  # ") !=
        std::string::npos);
  fs::remove_all(dir);
}

TEST_CASE("cli: --start-after treats a revision or version and its past as history") {
  fs::path projects = fs::path(SCHEMAGATE_SOURCE_DIR) / "tests" / "fixtures" / "projects";
  auto rules = [](const Run& r) {
    std::multiset<std::string> out;
    auto doc = nlohmann::json::parse(r.out);
    for (const auto& d : doc["diagnostics"]) {
      out.insert(fs::path(d["path"].get<std::string>()).filename().string() + " " +
                 d["rule"].get<std::string>());
    }
    return out;
  };
  // Alembic: a1 is history; b2, built on a1's table, is still checked against it.
  Run alembic = run("lint --format json --start-after a1 cross_revision", projects);
  CHECK(rules(alembic) ==
        std::multiset<std::string>{"b2_index.py require-concurrent-index-creation",
                                   "b2_index.py require-lock-timeout"});
  CHECK(nlohmann::json::parse(alembic.out)["summary"]["files"] == 1);
  // SQL versions: 1 and 2 are history (000002 sorts as 2).
  Run sql = run("lint --format json --start-after 2 golang_migrate", projects);
  CHECK(rules(sql) ==
        std::multiset<std::string>{
            "000003_concurrent.up.sql missing-downgrade", "000003_other.down.sql ban-drop-column",
            "000003_other.down.sql require-lock-timeout",
            "000003_other.up.sql duplicate-migration-version",
            "000003_other.up.sql incomplete-downgrade", "000003_other.up.sql require-lock-timeout",
            "10_after_nine.up.sql ban-drop-table", "10_after_nine.up.sql require-lock-timeout"});
  Run unknown = run("lint --start-after nope cross_revision", projects);
  CHECK(unknown.exit_code == 2);
  CHECK(unknown.err.find("--start-after nope") != std::string::npos);
}

TEST_CASE("cli: each linted path gets the configuration found above it") {
  fs::path dir = fs::temp_directory_path() / ("schemagate-cli-two-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "a");
  fs::create_directories(dir / "b");
  std::ofstream(dir / "a" / "1.sql") << "SET lock_timeout = '5s';\nDROP TABLE t;\n";
  std::ofstream(dir / "b" / "1.sql") << "SET lock_timeout = '5s';\nDROP TABLE t;\n";
  std::ofstream(dir / "a" / ".schemagate.yaml") << "rules:\n  disable: [ban-drop-table]\n";
  Run r = run("lint --format json a b", dir);
  CHECK(r.exit_code == 1);
  auto doc = nlohmann::json::parse(r.out);
  REQUIRE(doc["diagnostics"].size() == 1);
  CHECK(doc["diagnostics"][0]["path"] == "b/1.sql");
  CHECK(doc["summary"]["files"] == 2);
  fs::remove_all(dir);
}
