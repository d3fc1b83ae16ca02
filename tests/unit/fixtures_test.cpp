// The data-driven fixture runner. Every file under tests/fixtures/ is linted on its own,
// with no configuration, and its findings must match the expectations written in it:
//
//   -- expect: rule-id[@column][, rule-id...]     (SQL)
//   #  expect: rule-id[@column][, rule-id...]     (Python)
//
// An expectation comment after code marks its own line; one alone on its line marks the
// next line that holds something else. A file without expectations must have no findings.
// A first-line `-- fixture: pg-version N` (or `# fixture: ...`) sets the target version;
// `-- fixture: enable RULE...` switches on opt-in rules; `-- fixture: checklist-enforce
// [item=always|when-needed|never...]` enforces the checklist (checklist-incomplete);
// `-- fixture: assume-in-transaction` lints as --assume-in-transaction does.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "schemagate/engine.hpp"
#include "support.hpp"

namespace fs = std::filesystem;
using namespace schemagate;

namespace {

using schemagate::test::slurp;

struct Expectation {
  std::uint32_t line = 0;
  std::string rule;
  std::uint32_t column = 0;  // 0: any column
};

std::string trim(std::string s) {
  auto not_space = [](unsigned char c) { return !std::isspace(c); };
  s.erase(s.begin(), std::find_if(s.begin(), s.end(), not_space));
  s.erase(std::find_if(s.rbegin(), s.rend(), not_space).base(), s.end());
  return s;
}

struct Fixture {
  std::vector<Expectation> expectations;
  LintOptions options;
};

Fixture read_fixture(const std::string& text, const std::string& marker) {
  Fixture f;
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) {
    if (!l.empty() && l.back() == '\r') l.pop_back();
    lines.push_back(l);
  }
  const std::string expect = marker + " expect:";
  const std::string fixture = marker + " fixture:";
  std::vector<Expectation> pending;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string& l = lines[i];
    auto line_no = static_cast<std::uint32_t>(i + 1);
    std::size_t at = l.find(expect);
    if (i == 0 && l.rfind(fixture, 0) == 0) {
      std::istringstream words(l.substr(fixture.size()));
      std::string key;
      int value = 0;
      if (words >> key && key == "enable") {
        for (std::string id; words >> id;) f.options.enable.insert(id);
      } else if (key == "assume-in-transaction") {
        f.options.assume_in_transaction = true;
      } else if (key == "checklist-enforce") {
        f.options.checklist.enforce = true;
        for (std::string word; words >> word;) {  // item=always|when-needed|never
          auto eq = word.find('=');
          REQUIRE(eq != std::string::npos);
          auto requirement = parse_requirement(word.substr(eq + 1));
          REQUIRE(requirement);
          f.options.checklist.require[word.substr(0, eq)] = *requirement;
        }
      } else if (words >> value && key == "pg-version") {
        f.options.settings.pg_version = value;
      }
      continue;
    }
    if (at == std::string::npos) {
      if (!trim(l).empty()) {
        for (Expectation& e : pending) e.line = line_no;
        f.expectations.insert(f.expectations.end(), pending.begin(), pending.end());
        pending.clear();
      }
      continue;
    }
    bool own_line = trim(l.substr(0, at)).empty();
    std::istringstream ids(l.substr(at + expect.size()));
    for (std::string id; std::getline(ids, id, ',');) {
      id = trim(id);
      if (id.empty()) continue;
      Expectation e;
      e.line = line_no;
      if (auto c = id.find('@'); c != std::string::npos) {
        e.column = static_cast<std::uint32_t>(std::stoul(id.substr(c + 1)));
        id = id.substr(0, c);
      }
      e.rule = id;
      (own_line ? pending : f.expectations).push_back(e);
    }
  }
  REQUIRE(pending.empty());  // an expectation with no line after it
  return f;
}

std::string describe(const Expectation& e) {
  return std::to_string(e.line) + (e.column ? ":" + std::to_string(e.column) : "") + " " + e.rule;
}

bool is_fixture(const fs::path& p) { return p.extension() == ".sql" || p.extension() == ".py"; }

Fixture read_fixture_file(const fs::path& path) {
  return read_fixture(slurp(path), path.extension() == ".py" ? "#" : "--");
}

// `...` or a <word> in angle brackets (not a comparison such as `a <> b` or `x < 5`).
bool has_placeholder(std::string_view help) {
  if (help.find("...") != std::string_view::npos) return true;
  for (std::size_t lt = help.find('<'); lt != std::string_view::npos; lt = help.find('<', lt + 1)) {
    std::size_t gt = help.find('>', lt + 1);
    if (gt == std::string_view::npos || gt == lt + 1) continue;
    std::string_view inside = help.substr(lt + 1, gt - lt - 1);
    bool word = std::isalpha(static_cast<unsigned char>(inside.front())) != 0;
    for (char c : inside) {
      word = word && (std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-' ||
                      c == ' ' || c == ',');
    }
    if (word) return true;
  }
  return false;
}

// Matches findings against expectations; returns a report of what differs (empty: all good).
std::string compare(const std::vector<Diagnostic>& diagnostics,
                    std::map<std::string, std::vector<Expectation>> expected) {
  std::string report;
  for (const Diagnostic& d : diagnostics) {
    // Every finding names what it is about: never an empty identifier (a name known only at
    // run time is written `?`, and said so).
    if (d.message.find("``") != std::string::npos || d.help.find("``") != std::string::npos ||
        d.help.find("(\"\"") != std::string::npos || d.help.find(", \"\"") != std::string::npos) {
      report += "  empty name: " + d.path + ":" + std::to_string(d.begin.line) + " " + d.rule +
                ": " + d.message + "\n";
    }
    // A help says what to write, or says it in words: never a placeholder for the user to
    // fill in (`...`, `<type>`).
    if (has_placeholder(d.help)) {
      report += "  placeholder in help: " + d.path + ":" + std::to_string(d.begin.line) + " " +
                d.rule + ": " + d.help + "\n";
    }
    auto& missing = expected[d.path];
    auto match = std::find_if(missing.begin(), missing.end(), [&](const Expectation& e) {
      return e.rule == d.rule && e.line == d.begin.line &&
             (e.column == 0 || e.column == d.begin.column);
    });
    if (match != missing.end()) {
      missing.erase(match);
    } else {
      report += "  unexpected: " + d.path + ":" + std::to_string(d.begin.line) + ":" +
                std::to_string(d.begin.column) + " " + d.rule + ": " + d.message + "\n";
    }
  }
  for (const auto& [path, missing] : expected) {
    for (const Expectation& e : missing)
      report += "  missing:    " + path + ":" + describe(e) + "\n";
  }
  return report;
}

fs::path fixtures_root() { return fs::path(SCHEMAGATE_SOURCE_DIR) / "tests" / "fixtures"; }

}  // namespace

// Single files: each linted on its own, as an editor would lint one buffer.
TEST_CASE("fixtures: findings match the inline expectations") {
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(fixtures_root())) {
    auto rel = fs::relative(entry.path(), fixtures_root());
    if (*rel.begin() == "projects") continue;
    if (entry.is_regular_file() && is_fixture(entry.path())) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  REQUIRE(files.size() > 10);
  for (const fs::path& path : files) {
    DYNAMIC_SECTION(fs::relative(path, SCHEMAGATE_SOURCE_DIR).generic_string()) {
      Fixture fx = read_fixture_file(path);
      LintResult result = lint_text(path.generic_string(), slurp(path), fx.options);
      std::string report = compare(result.diagnostics, {{path.generic_string(), fx.expectations}});
      INFO(report);
      CHECK(report.empty());
    }
  }
}

// Projects: each folder under tests/fixtures/projects/ is linted as a whole (discovery,
// revision graph, replay across files), with the expectations of all its files.
TEST_CASE("fixtures: projects match the inline expectations of all their files") {
  std::vector<fs::path> projects;
  fs::path root = fixtures_root() / "projects";
  if (fs::exists(root)) {
    for (const auto& entry : fs::directory_iterator(root)) {
      if (entry.is_directory()) projects.push_back(entry.path());
    }
  }
  std::sort(projects.begin(), projects.end());
  REQUIRE(!projects.empty());
  for (const fs::path& project : projects) {
    DYNAMIC_SECTION(fs::relative(project, SCHEMAGATE_SOURCE_DIR).generic_string()) {
      std::map<std::string, std::vector<Expectation>> expected;
      LintOptions options;
      for (const auto& entry : fs::recursive_directory_iterator(project)) {
        if (!entry.is_regular_file() || !is_fixture(entry.path())) continue;
        Fixture fx = read_fixture_file(entry.path());
        expected[entry.path().generic_string()] = fx.expectations;
      }
      LintResult result = lint_paths({project.generic_string()}, options);
      std::string report = compare(result.diagnostics, expected);
      INFO(report);
      CHECK(report.empty());
    }
  }
}
