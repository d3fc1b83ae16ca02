// The data-driven fixture runner. Every file under tests/fixtures/ is linted on its own,
// with no configuration, and its findings must match the expectations written in it:
//
//   -- expect: rule-id[@column][, rule-id...]     (SQL)
//   #  expect: rule-id[@column][, rule-id...]     (Python)
//
// An expectation comment after code marks its own line; one alone on its line marks the
// next line that holds something else. A file without expectations must have no findings.
// A first-line `-- fixture: pg-version N` (or `# fixture: ...`) sets the target version.
#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "schemagate/engine.hpp"

namespace fs = std::filesystem;
using namespace schemagate;

namespace {

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
      if (words >> key >> value && key == "pg-version") f.options.settings.pg_version = value;
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

std::vector<fs::path> fixtures() {
  std::vector<fs::path> out;
  for (const auto& entry :
       fs::recursive_directory_iterator(fs::path(SCHEMAGATE_SOURCE_DIR) / "tests" / "fixtures")) {
    auto ext = entry.path().extension();
    if (entry.is_regular_file() && (ext == ".sql" || ext == ".py")) out.push_back(entry.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE("fixtures: findings match the inline expectations") {
  auto files = fixtures();
  REQUIRE(files.size() > 10);
  for (const fs::path& path : files) {
    DYNAMIC_SECTION(fs::relative(path, SCHEMAGATE_SOURCE_DIR).generic_string()) {
      std::ifstream in(path, std::ios::binary);
      std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      Fixture fx = read_fixture(text, path.extension() == ".py" ? "#" : "--");
      LintResult result = lint_text(path.generic_string(), text, fx.options);

      std::vector<Expectation> missing = fx.expectations;
      std::vector<std::string> unexpected;
      for (const Diagnostic& d : result.diagnostics) {
        auto match = std::find_if(missing.begin(), missing.end(), [&](const Expectation& e) {
          return e.rule == d.rule && e.line == d.begin.line &&
                 (e.column == 0 || e.column == d.begin.column);
        });
        if (match != missing.end()) {
          missing.erase(match);
        } else {
          unexpected.push_back(std::to_string(d.begin.line) + ":" + std::to_string(d.begin.column) +
                               " " + d.rule + ": " + d.message);
        }
      }
      std::string report;
      for (const Expectation& e : missing) report += "  missing:    " + describe(e) + "\n";
      for (const std::string& u : unexpected) report += "  unexpected: " + u + "\n";
      INFO(report);
      CHECK(report.empty());
    }
  }
}
