// Rules and their docs can't drift: every registered rule has rules/<id>.md with the fixed
// headings, and every doc belongs to a registered rule.
#include <algorithm>
#include <catch2/catch.hpp>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "schemagate/rule.hpp"

using namespace schemagate;

TEST_CASE("the registry is sorted by id, with no duplicates") {
  auto rules = all_rules();
  REQUIRE(!rules.empty());
  for (std::size_t i = 1; i < rules.size(); ++i) CHECK(rules[i - 1].id < rules[i].id);
  for (const RuleInfo& r : rules) CHECK(find_rule(r.id) == &r);
  CHECK(find_rule("no-such-rule") == nullptr);
}

TEST_CASE("rules.def is the one sorted list, one line per rule, named after its id") {
  std::ifstream in(std::string(SCHEMAGATE_SOURCE_DIR) + "/src/rules/rules.def");
  std::vector<std::string> listed;
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with("SCHEMAGATE_RULE(")) listed.push_back(line);
  }
  std::vector<std::string> expected;
  for (const RuleInfo& r : all_rules()) {
    std::string name(r.id);
    std::replace(name.begin(), name.end(), '-', '_');
    expected.push_back("SCHEMAGATE_RULE(" + name + ")");
  }
  CHECK(listed == expected);
}

TEST_CASE("every registered rule has a doc, and every doc a rule") {
  std::vector<std::string_view> registered;
  for (const RuleInfo& r : all_rules()) registered.push_back(r.id);
  std::vector<std::string_view> documented = documented_rules();
  std::sort(documented.begin(), documented.end());
  CHECK(registered == documented);
}

TEST_CASE("every doc has the fixed headings, in order, and states the registered severity") {
  const std::vector<std::string> headings = {"## What it does", "## Why is this bad?",
                                             "## Example",      "## Use instead",
                                             "## Options",      "## References"};
  for (const RuleInfo& r : all_rules()) {
    INFO(r.id);
    std::string_view doc = rule_doc(r.id);
    REQUIRE(!doc.empty());
    CHECK(doc.substr(0, r.id.size() + 3) == "# " + std::string(r.id) + "\n");
    CHECK(doc.find("**Severity:** " + std::string(to_string(r.severity))) !=
          std::string_view::npos);
    CHECK(doc.find("**Category:** " + std::string(r.category)) != std::string_view::npos);
    std::size_t at = 0;
    for (const std::string& h : headings) {
      std::size_t found = doc.find("\n" + h + "\n", at);
      CHECK(found != std::string_view::npos);
      if (found != std::string_view::npos) at = found + 1;
    }
  }
}

TEST_CASE("README lists every rule with a link to its doc") {
  std::ifstream in(std::string(SCHEMAGATE_SOURCE_DIR) + "/README.md");
  std::string readme((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  for (const RuleInfo& r : all_rules()) {
    INFO(r.id);
    std::string link = "[" + std::string(r.id) + "](rules/" + std::string(r.id) + ".md)";
    CHECK(readme.find(link) != std::string::npos);
  }
}
