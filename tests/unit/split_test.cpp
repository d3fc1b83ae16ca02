// The SQL frontend's own lexer against libpg_query's scanner: wherever the lexer answers, it
// finds the same statements and comments, and a nesting bound no lower than the scanner's.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "frontends/sql/split.hpp"
#include "support.hpp"

namespace fs = std::filesystem;
using namespace schemagate;
using namespace schemagate::sql;

namespace {

using schemagate::test::slurp;

struct Scan {
  std::vector<Statement> statements;
  std::vector<ByteRange> comments;
  std::vector<std::size_t> order;  // 0: a statement, 1: a comment, in call order
  bool failed = false;
};

template <typename Fn>
Scan run(std::string_view sql, Fn scan) {
  Scan out;
  auto error = scan(
      sql,
      [&](const Statement& s) {
        out.statements.push_back(s);
        out.order.push_back(0);
      },
      [&](ByteRange c) {
        out.comments.push_back(c);
        out.order.push_back(1);
      });
  out.failed = error.has_value();
  return out;
}

// Compares the two on `sql`; true when the lexer answered (the scanner had nothing to add).
void compare(std::string_view sql) {
  Scan fast = run(sql, [](auto... a) { return scan_statements(a...); });
  Scan slow = run(sql, [](auto... a) { return scanner_statements(a...); });
  INFO(std::string(sql));
  REQUIRE(fast.failed == slow.failed);
  REQUIRE(fast.statements.size() == slow.statements.size());
  for (std::size_t i = 0; i < fast.statements.size(); ++i) {
    CHECK(fast.statements[i].range == slow.statements[i].range);
    bool fast_ok = fast.statements[i].nesting <= kMaxNesting;
    bool slow_ok = slow.statements[i].nesting <= kMaxNesting;
    CHECK(fast_ok == slow_ok);
    CHECK(fast.statements[i].nesting >= std::min(slow.statements[i].nesting, kMaxNesting + 1));
  }
  CHECK(fast.comments == slow.comments);
  CHECK(fast.order == slow.order);
}

}  // namespace

TEST_CASE("the SQL lexer splits every fixture and example as the scanner does") {
  std::size_t files = 0;
  for (const char* dir : {"tests/fixtures", "examples", "tests/golden"}) {
    for (const auto& e : fs::recursive_directory_iterator(fs::path(SCHEMAGATE_SOURCE_DIR) / dir)) {
      if (!e.is_regular_file() || e.path().extension() != ".sql") continue;
      ++files;
      compare(slurp(e.path()));
    }
  }
  CHECK(files > 50);
}

TEST_CASE("the SQL lexer agrees with the scanner on random SQL-like text") {
  // Pieces chosen for what a lexer can get wrong: quotes of every kind, escapes, dollar
  // quotes and parameters, nested comments, operators next to comment starts, semicolons.
  const std::vector<std::string> pieces = {
      "SELECT",     " ",           "\n",        "a",
      "\"q\"\"x\"", "'s'",         "'it''s'",   "E'a\\'b'",
      "e'x'",       "U&'d\\0061'", "$$",        "$f$",
      "$1",         "a$b",         "$$body;$$", "$f$ $$ ; $f$",
      "--c;\n",     "/*",          "*/",        "/* a /* b */ */",
      ";",          "(",           ")",         "[",
      "]",          ",",           ".",         "::",
      "+",          "-",           "*/-",       "<>",
      "CASE",       "WHEN",        "THEN",      "ELSE",
      "END",        "AND",         "or",        "UNION",
      "JOIN",       "AS",          "BEGIN",     "ATOMIC",
      "1",          "1.5e3",       "x'1F'",     "\xC3\xA9",
      "\t",         "\r\n",        "{",         "\\",
      "'",          "\"",          "$"};
  std::mt19937 rng(20261124);
  for (int i = 0; i < 20000; ++i) {
    std::string sql;
    int n = static_cast<int>(rng() % 24);
    for (int k = 0; k < n; ++k) sql += pieces[rng() % pieces.size()];
    compare(sql);
  }
}

TEST_CASE("the SQL lexer leaves deep nesting to the scanner") {
  std::string deep = "SELECT " + std::string(3000, '(') + "1" + std::string(3000, ')') + ";";
  compare(deep);
  std::string chain = "SELECT 1";
  for (int i = 0; i < 3000; ++i) chain += " + 1";
  compare(chain);
}

namespace {

// The quick lexer's token ranges against the scanner's (comments left out), where it answers.
// True when it answered.
bool compare_tokens(std::string_view sql) {
  std::optional<std::vector<ByteRange>> quick = quick_token_ranges(sql);
  if (!quick) return false;
  std::vector<ByteRange> scanned;
  auto error = scan_tokens(sql, [&](const Token& t) {
    if (t.kind != TokenKind::comment) scanned.push_back(t.range);
  });
  INFO(std::string(sql));
  CHECK_FALSE(error.has_value());
  CHECK(*quick == scanned);
  return true;
}

}  // namespace

TEST_CASE("the quick lexer finds the scanner's tokens in every fixture and example") {
  std::size_t answered = 0;
  for (const char* dir : {"tests/fixtures", "examples", "tests/golden"}) {
    for (const auto& e : fs::recursive_directory_iterator(fs::path(SCHEMAGATE_SOURCE_DIR) / dir)) {
      if (!e.is_regular_file() || e.path().extension() != ".sql") continue;
      std::string sql = slurp(e.path());
      answered += compare_tokens(sql) ? 1 : 0;
      (void)scan_statements(sql, [&](const Statement& s) {
        answered +=
            compare_tokens(std::string_view(sql).substr(s.range.begin, s.range.end - s.range.begin))
                ? 1
                : 0;
      });
    }
  }
  CHECK(answered > 500);
}

TEST_CASE("the quick lexer agrees with the scanner on random SQL-like text") {
  // Pieces for what token boundaries depend on: numbers, operators (the scanner cuts `=-` in
  // two, not `?-`), comment starts inside operators, prefixed and continued strings.
  const std::vector<std::string> pieces = {
      "SELECT", " ",  "\n",  "a",        "\"q\"\"x\"", "'s'",     "'it''s'", "E'a\\'b'", "e'x'",
      "U&'d'",  "$$", "$f$", "$1",       "a$b",        "$$b;$$",  "--c;\n",  "/*",       "*/",
      ";",      "(",  ")",   "[",        "]",          ",",       ".",       "::",       ":=",
      "=>",     "+",  "-",   "*/-",      "<>",         "!=",      "||",      "->>",      "@>",
      "?-",     "=-", "-1",  "1",        "1.5",        "1.5e3",   ".5",      "1.",       "1..2",
      "12abc",  "x",  "_a",  "\xC3\xA9", "\t",         "\r\n",    "\f",      "\v",       "{",
      "\\",     "'",  "\"",  "$",        "'a'\n'b'",   "'a' 'b'", "/**/",    "**/",      "%",
      "^",      "~",  "`",   "#",        "&",          "|",       "<",       ">",        "="};
  std::mt19937 rng(20261207);
  std::size_t answered = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string sql;
    int n = static_cast<int>(rng() % 16);
    for (int k = 0; k < n; ++k) sql += pieces[rng() % pieces.size()];
    answered += compare_tokens(sql) ? 1 : 0;
  }
  CHECK(answered > 1000);
}
