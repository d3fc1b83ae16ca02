// The man page (man/schemagate.1) can't drift from the command line: every subcommand that
// `schemagate --help` lists has its section, and every option that `schemagate --help` and
// `schemagate SUBCOMMAND --help` print appears in it. groff renders it without a warning.
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>
#include "support.hpp"

namespace fs = std::filesystem;

namespace {

using schemagate::test::Run;
using schemagate::test::shell;
using schemagate::test::slurp;

fs::path man_page() { return fs::path(SCHEMAGATE_SOURCE_DIR) / "man" / "schemagate.1"; }

std::string help(const std::string& subcommand) {
  Run r = shell("NO_COLOR=1 '" + std::string(SCHEMAGATE_BINARY) + "' " + subcommand + " --help");
  INFO("schemagate " << subcommand << " --help: " << r.err);
  REQUIRE(r.exit_code == 0);
  return r.out;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// The man page as text: font changes (\fB, \fI, \fR, \fP) dropped, `\-` as `-`.
std::string man_text() {
  std::string roff = slurp(man_page());
  std::string text;
  for (std::size_t i = 0; i < roff.size(); ++i) {
    if (roff[i] == '\\' && i + 1 < roff.size() && roff[i + 1] == 'f' && i + 2 < roff.size()) {
      i += 2;
    } else if (roff[i] == '\\' && i + 1 < roff.size() && roff[i + 1] == '-') {
      text += '-';
      ++i;
    } else {
      text += roff[i];
    }
  }
  return text;
}

bool word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-'; }

// `word` occurs in `text` as a whole word (an option: not part of a longer one).
bool has_word(const std::string& text, const std::string& word) {
  for (auto at = text.find(word); at != std::string::npos; at = text.find(word, at + 1)) {
    bool starts = at == 0 || !word_char(text[at - 1]);
    bool ends = at + word.size() == text.size() || !word_char(text[at + word.size()]);
    if (starts && ends) return true;
  }
  return false;
}

// The subcommands of `schemagate --help` (CLI11 lists them under "Subcommands:").
std::vector<std::string> subcommands(const std::string& top_help) {
  std::vector<std::string> names;
  bool in_list = false;
  for (const std::string& line : lines_of(top_help)) {
    if (line.starts_with("Subcommands:")) {
      in_list = true;
    } else if (in_list && line.size() > 2 && line.starts_with("  ") && line[2] != ' ') {
      names.push_back(line.substr(2, line.find(' ', 2) - 2));
    } else if (in_list && !line.empty() && line[0] != ' ') {
      in_list = false;
    }
  }
  return names;
}

// The option names of a --help text: the first column of each option line ("-j,--jobs").
std::vector<std::string> options(const std::string& help_text) {
  std::vector<std::string> names;
  for (const std::string& line : lines_of(help_text)) {
    if (!line.starts_with("  -")) continue;
    std::string column = line.substr(2, line.find(' ', 2) - 2);
    std::istringstream parts(column);
    for (std::string name; std::getline(parts, name, ',');) {
      if (name.starts_with("-")) names.push_back(name);
    }
  }
  return names;
}

}  // namespace

TEST_CASE("docs: the man page has a section for every subcommand and every option of --help") {
  std::string text = man_text();
  REQUIRE(!text.empty());
  std::string top = help("");
  std::vector<std::string> subs = subcommands(top);
  // The list is read from the help, so a new subcommand needs its section here too.
  REQUIRE(subs.size() >= 7);
  for (const std::string& option : options(top)) {
    INFO("schemagate " << option);
    CHECK(has_word(text, option));
  }
  std::vector<std::string> headings;
  for (const std::string& line : lines_of(text)) {
    if (line.starts_with(".SS ")) headings.push_back(line);
  }
  for (const std::string& sub : subs) {
    INFO("subcommand " << sub);
    bool found = false;
    for (const std::string& h : headings) found = found || has_word(h, "schemagate " + sub);
    CHECK(found);
    for (const std::string& option : options(help(sub))) {
      INFO("schemagate " << sub << " " << option);
      CHECK(has_word(text, option));
    }
  }
}

TEST_CASE("docs: the option names are read from --help") {
  // The parsing above must see the options it checks (a test that reads nothing passes).
  std::vector<std::string> lint = options(help("lint"));
  for (const char* expected : {"-h", "--help", "--format", "--output", "-j", "--jobs", "--since",
                               "--only-migrations", "--no-config"}) {
    INFO(expected);
    CHECK(std::find(lint.begin(), lint.end(), expected) != lint.end());
  }
  CHECK(has_word("see --fail-on.", "--fail-on"));
  CHECK(!has_word("--no-config", "--config"));
  CHECK(!has_word("--format-x", "--format"));
}

TEST_CASE("docs: groff renders the man page without a warning") {
  if (shell("command -v groff").exit_code != 0) {
    WARN("groff is not installed (Debian: groff-base): the man page was not rendered");
    return;
  }
  Run r = shell("groff -man -ww -z '" + man_page().string() + "'");
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.err.empty());
}
