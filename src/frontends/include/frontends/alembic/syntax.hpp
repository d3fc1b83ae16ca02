// Internal to the Alembic frontend: finding Python syntax errors where Python itself finds
// them. tree-sitter-python is more lenient than CPython in places (indentation, Python 2
// statements) and stricter in a few others (a dedent inside brackets), so a small tokenizer
// pass mirrors CPython's, and its findings win as they do in CPython.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "frontends/alembic/python.hpp"
#include "schemagate/source.hpp"

namespace schemagate::alembic {

struct SyntaxProblem {
  std::size_t at = 0;   // byte offset of the offending token
  std::string message;  // CPython's wording where it has one
};

struct TokenizerResult {
  // What CPython's tokenizer rejects (unterminated strings, unbalanced brackets, more than
  // 200 nested brackets, inconsistent dedents or tabs): reported before any parser error.
  std::optional<SyntaxProblem> tokenizer_error;
  // "unexpected indent" / "expected an indented block": parser errors tree-sitter misses.
  std::optional<SyntaxProblem> indentation_error;
  // The text with line breaks and comments inside brackets blanked (same length), for a
  // second parse when tree-sitter trips over a dedent inside brackets that Python ignores.
  std::string bracket_joined;
  bool joined_differs = false;
};

[[nodiscard]] TokenizerResult tokenize_check(std::string_view text);

// The first error tree-sitter reports (an ERROR or MISSING node), with a hint.
[[nodiscard]] std::optional<SyntaxProblem> first_tree_error(std::string_view text, py::Node root);

// Python 2 syntax that tree-sitter-python accepts and Python 3 rejects (print and exec
// statements, `<>`, `except E, e`, backticks, 0777, 10L, ur"", `raise E, "m"`).
[[nodiscard]] std::optional<SyntaxProblem> python2_syntax(std::string_view text, py::Node root);
// The same by looking at every node of the tree (what python2_syntax does for a tree with
// errors; it looks only where the text allows such a node otherwise).
[[nodiscard]] std::optional<SyntaxProblem> python2_syntax_walk(std::string_view text,
                                                               py::Node root);

// The byte range of the token at `at` (a word, or one character), for the span.
[[nodiscard]] ByteRange token_range(std::string_view text, std::size_t at);

}  // namespace schemagate::alembic
