// Python syntax errors from the tree-sitter tree: the first ERROR or MISSING node, and the
// Python 2 forms that the grammar still accepts. Walks are iterative: trees can be deep.
#include <cstring>
#include <string>
#include <vector>

#include "frontends/alembic/syntax.hpp"

namespace schemagate::alembic {

namespace {

bool word_char(char c) {
  auto u = static_cast<unsigned char>(c);
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         u >= 0x80;
}

bool is_error(py::Node n) { return ts_node_is_missing(n) || py::is(n, "ERROR"); }

// The first ERROR or MISSING node in document order below `n` (n included).
py::Node first_error_node(py::Node n) {
  std::vector<py::Node> stack{n};
  while (!stack.empty()) {
    py::Node x = stack.back();
    stack.pop_back();
    if (!ts_node_has_error(x) && !ts_node_is_missing(x)) continue;
    if (is_error(x)) return x;
    for (std::uint32_t i = ts_node_child_count(x); i-- > 0;) stack.push_back(ts_node_child(x, i));
  }
  return py::Node{};
}

std::size_t line_end(std::string_view text, std::size_t from) {
  while (from < text.size() && text[from] != '\n' && text[from] != '\r') ++from;
  return from;
}

std::string hint(std::string_view text, std::size_t at) {
  if (at >= text.size()) return "invalid Python syntax: unexpected end of file";
  if (text[at] == '\n' || text[at] == '\r') return "invalid Python syntax at the end of this line";
  ByteRange t = token_range(text, at);
  std::string token(text.substr(t.begin, t.end - t.begin));
  return "invalid Python syntax near `" + token + "`";
}

// An ERROR that starts with a compound statement's keyword whose line doesn't end with
// the colon: `if x` / `def f()`.
std::optional<SyntaxProblem> missing_colon(std::string_view text, py::Node e) {
  if (!py::is(e, "ERROR") || ts_node_child_count(e) < 2) return std::nullopt;
  std::string_view first = py::type(ts_node_child(e, 0));
  bool compound = false;
  for (std::string_view kw : {"if", "elif", "else", "for", "while", "with", "def", "class", "try",
                              "except", "finally", "match", "case"}) {
    compound = compound || first == kw;
  }
  if (!compound) return std::nullopt;
  std::size_t begin = ts_node_start_byte(e);
  std::size_t end = line_end(text, begin);
  char quote = 0;  // a trailing comment ends the line's code
  for (std::size_t i = begin; i < end; ++i) {
    char c = text[i];
    if (quote != 0) {
      if (c == '\\')
        ++i;
      else if (c == quote)
        quote = 0;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '#') {
      end = i;
      break;
    }
  }
  while (end > begin && (text[end - 1] == ' ' || text[end - 1] == '\t')) --end;
  if (end > begin && text[end - 1] == ':') return std::nullopt;
  return SyntaxProblem{end, "invalid Python syntax: expected ':'"};
}

}  // namespace

ByteRange token_range(std::string_view text, std::size_t at) {
  if (at >= text.size()) return {text.size(), text.size()};
  std::size_t end = at + 1;
  if (word_char(text[at])) {
    while (end < text.size() && word_char(text[end])) ++end;
  } else {
    while (end < text.size() && (static_cast<unsigned char>(text[end]) & 0xC0U) == 0x80U) ++end;
  }
  return {at, end};
}

std::optional<SyntaxProblem> first_tree_error(std::string_view text, py::Node root) {
  if (py::null(root)) return SyntaxProblem{0, "the Python parser failed on this file"};
  py::Node e = first_error_node(root);
  if (auto colon = missing_colon(text, e)) return colon;
  // An ERROR spanning lines that wraps other errors: the inner one is nearer the cause.
  for (int guard = 0; guard < 64 && py::is(e, "ERROR"); ++guard) {
    ByteRange r = py::range(e);
    if (line_end(text, r.begin) >= r.end) break;
    py::Node inner{};
    for (py::Node c : py::children(e)) {
      if (ts_node_has_error(c) || ts_node_is_missing(c)) {
        inner = first_error_node(c);
        break;
      }
    }
    if (py::null(inner)) break;
    e = inner;
    if (auto colon = missing_colon(text, e)) return colon;
  }
  if (py::null(e)) return std::nullopt;
  std::size_t at = ts_node_start_byte(e);
  if (ts_node_is_missing(e)) {
    std::string what = ts_node_type(e);
    return SyntaxProblem{at, "invalid Python syntax: expected `" + what + "`"};
  }
  // ERROR nodes hold either the tokens the parser skipped (the error is at the first) or
  // the pieces it had read before it got stuck (the error follows the last of them on the
  // first line).
  std::vector<py::Node> kids = py::children(e);
  if (kids.size() > 1) {
    std::size_t first_line_end = line_end(text, at);
    for (py::Node k : kids) {
      if (ts_node_start_byte(k) < first_line_end) at = ts_node_end_byte(k);
    }
    while (at < text.size() && (text[at] == ' ' || text[at] == '\t')) ++at;
  }
  return SyntaxProblem{at, hint(text, at)};
}

std::optional<SyntaxProblem> python2_syntax(std::string_view text, py::Node root) {
  if (py::null(root)) return std::nullopt;
  std::vector<py::Node> stack{root};
  while (!stack.empty()) {
    py::Node n = stack.back();
    stack.pop_back();
    std::string_view t = py::type(n);
    std::size_t at = ts_node_start_byte(n);
    if (t == "print_statement") {
      bool chevron = false;
      for (py::Node c : py::named_children(n)) chevron = chevron || py::is(c, "chevron");
      if (!chevron) {
        return SyntaxProblem{at,
                             "Missing parentheses in call to 'print'. Did you mean print(...)?"};
      }
    } else if (t == "exec_statement") {
      return SyntaxProblem{at, "Missing parentheses in call to 'exec'. Did you mean exec(...)?"};
    } else if (t == "<>") {
      return SyntaxProblem{at, "invalid Python syntax near `<>` (Python 2's not-equal; use !=)"};
    } else if (t == "except_clause") {
      for (py::Node c : py::children(n)) {
        if (py::is(c, ",")) {
          return SyntaxProblem{ts_node_start_byte(c),
                               "multiple exception types must be parenthesized (Python 2's "
                               "`except E, e:` is `except E as e:` in Python 3)"};
        }
      }
    } else if (t == "raise_statement") {
      for (py::Node c : py::named_children(n)) {
        if (py::is(c, "expression_list")) {
          return SyntaxProblem{ts_node_start_byte(c),
                               "invalid Python syntax: Python 2's "
                               "`raise E, message`"};
        }
      }
    } else if (t == "string_start") {
      std::string_view s = py::text(text, n);
      bool u = s.find_first_of("uU") != std::string_view::npos;
      if (s.starts_with("`")) {
        return SyntaxProblem{at, "invalid Python syntax near `` ` `` (Python 2's backquotes)"};
      }
      if (u && s.find_first_of("rRbBfF") != std::string_view::npos) {
        return SyntaxProblem{at, "invalid Python syntax: string prefix `" +
                                     std::string(s.substr(0, s.find_first_of("'\""))) + "`"};
      }
    } else if (t == "integer") {
      std::string_view s = py::text(text, n);
      if (!s.empty() && (s.back() == 'l' || s.back() == 'L')) {
        return SyntaxProblem{at, "invalid decimal literal (Python 2's long suffix)"};
      }
      if (s.size() > 1 && s[0] == '0' &&
          s.find_first_not_of("0123456789_") == std::string_view::npos &&
          s.find_first_not_of("0_") != std::string_view::npos) {
        return SyntaxProblem{at,
                             "leading zeros in decimal integer literals are not permitted; "
                             "use an 0o prefix for octal integers"};
      }
    } else if (t == "tuple_pattern" && (py::is(ts_node_parent(n), "parameters") ||
                                        py::is(ts_node_parent(n), "lambda_parameters"))) {
      return SyntaxProblem{at, "invalid Python syntax: Python 2's tuple parameter"};
    }
    for (std::uint32_t i = ts_node_child_count(n); i-- > 0;) stack.push_back(ts_node_child(n, i));
  }
  return std::nullopt;
}

}  // namespace schemagate::alembic
