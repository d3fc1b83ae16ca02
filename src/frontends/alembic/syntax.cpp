// Python syntax errors from the tree-sitter tree: the first ERROR or MISSING node, and the
// Python 2 forms that the grammar still accepts. Walks are iterative: trees can be deep.
#include <algorithm>
#include <array>
#include <cstring>
#include <functional>
#include <queue>
#include <span>
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
    std::vector<py::Node> kids = py::children(x);
    stack.insert(stack.end(), kids.rbegin(), kids.rend());
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

namespace {

// The node types python2_syntax looks at.
enum class Py2 : unsigned char {
  other,
  print_statement,
  exec_statement,
  not_equal,
  except_clause,
  raise_statement,
  string_start,
  integer,
  tuple_pattern
};

// Py2 by symbol id, read once from the grammar's symbol names.
const std::vector<Py2>& py2_kinds() {
  static const std::vector<Py2> kinds = [] {
    const std::vector<std::string_view>& names = py::symbol_names();
    std::vector<Py2> out(names.size(), Py2::other);
    for (std::size_t i = 0; i < names.size(); ++i) {
      std::string_view t = names[i];
      if (t == "print_statement") out[i] = Py2::print_statement;
      if (t == "exec_statement") out[i] = Py2::exec_statement;
      if (t == "<>") out[i] = Py2::not_equal;
      if (t == "except_clause") out[i] = Py2::except_clause;
      if (t == "raise_statement") out[i] = Py2::raise_statement;
      if (t == "string_start") out[i] = Py2::string_start;
      if (t == "integer") out[i] = Py2::integer;
      if (t == "tuple_pattern") out[i] = Py2::tuple_pattern;
    }
    return out;
  }();
  return kinds;
}

std::optional<SyntaxProblem> python2_node(std::string_view text, py::Node n, Py2 kind) {
  std::size_t at = ts_node_start_byte(n);
  switch (kind) {
    case Py2::print_statement: {
      bool chevron = false;
      for (py::Node c : py::named_children(n)) chevron = chevron || py::is(c, "chevron");
      if (!chevron) {
        return SyntaxProblem{at,
                             "Missing parentheses in call to 'print'. Did you mean print(...)?"};
      }
      break;
    }
    case Py2::exec_statement:
      return SyntaxProblem{at, "Missing parentheses in call to 'exec'. Did you mean exec(...)?"};
    case Py2::not_equal:
      return SyntaxProblem{at, "invalid Python syntax near `<>` (Python 2's not-equal; use !=)"};
    case Py2::except_clause:
      for (py::Node c : py::children(n)) {
        if (py::is(c, ",")) {
          return SyntaxProblem{ts_node_start_byte(c),
                               "multiple exception types must be parenthesized (Python 2's "
                               "`except E, e:` is `except E as e:` in Python 3)"};
        }
      }
      break;
    case Py2::raise_statement:
      for (py::Node c : py::named_children(n)) {
        if (py::is(c, "expression_list")) {
          return SyntaxProblem{ts_node_start_byte(c),
                               "invalid Python syntax: Python 2's "
                               "`raise E, message`"};
        }
      }
      break;
    case Py2::string_start: {
      std::string_view s = py::text(text, n);
      bool u = s.find_first_of("uU") != std::string_view::npos;
      if (s.starts_with("`")) {
        return SyntaxProblem{at, "invalid Python syntax near `` ` `` (Python 2's backquotes)"};
      }
      if (u && s.find_first_of("rRbBfF") != std::string_view::npos) {
        return SyntaxProblem{at, "invalid Python syntax: string prefix `" +
                                     std::string(s.substr(0, s.find_first_of("'\""))) + "`"};
      }
      break;
    }
    case Py2::integer: {
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
      break;
    }
    case Py2::tuple_pattern:
      if (py::is(ts_node_parent(n), "parameters") ||
          py::is(ts_node_parent(n), "lambda_parameters")) {
        return SyntaxProblem{at, "invalid Python syntax: Python 2's tuple parameter"};
      }
      break;
    case Py2::other:
      break;
  }
  return std::nullopt;
}

}  // namespace

std::optional<SyntaxProblem> python2_syntax_walk(std::string_view text, py::Node root) {
  if (py::null(root)) return std::nullopt;
  // Every node in document order, with a cursor (iterative: trees can be deep); only the
  // few types above are looked at, by symbol id.
  const std::vector<Py2>& kinds = py2_kinds();
  std::optional<SyntaxProblem> found;
  TSTreeCursor cursor = ts_tree_cursor_new(root);
  for (bool more = true; more;) {
    py::Node n = ts_tree_cursor_current_node(&cursor);
    TSSymbol sym = ts_node_symbol(n);
    if (sym < kinds.size() && kinds[sym] != Py2::other) {
      found = python2_node(text, n, kinds[sym]);
      if (found) break;
    }
    if (ts_tree_cursor_goto_first_child(&cursor)) continue;
    while (!ts_tree_cursor_goto_next_sibling(&cursor)) {
      if (!ts_tree_cursor_goto_parent(&cursor)) {
        more = false;
        break;
      }
    }
  }
  ts_tree_cursor_delete(&cursor);
  return found;
}

namespace {

bool ascii_word_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

bool string_prefix_char(char c) {
  return c == 'f' || c == 'F' || c == 'r' || c == 'R' || c == 'b' || c == 'B' || c == 'u' ||
         c == 'U';
}

bool integer_char(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == '_' ||
         c == 'x' || c == 'X' || c == 'o' || c == 'O';
}

// Whether a token can start at `i`: not right after a letter, digit or underscore, which
// would have been read as part of the token before (a name, a keyword or a number; two
// numbers or a number and a name side by side are a syntax error).
bool token_can_start(std::string_view text, std::size_t i) {
  return i == 0 || !ascii_word_char(text[i - 1]);
}

// Whether the parameters after `def name` / `lambda` (from `i`) may hold a tuple pattern:
// false only when they plainly hold no parenthesis (`def upgrade() -> None:`, `lambda x:`).
bool may_have_tuple_parameter(std::string_view text, std::size_t i, bool lambda) {
  if (!lambda) {
    while (i < text.size() && (ascii_word_char(text[i]) || text[i] == ' ' || text[i] == '\t')) ++i;
    if (i >= text.size() || text[i] != '(') return true;
    ++i;
  }
  for (; i < text.size(); ++i) {
    char c = text[i];
    if (c == (lambda ? ':' : ')')) return false;
    if (!ascii_word_char(c) && c != ' ' && c != '\t' && c != ',' && c != '=' && c != '*' &&
        c != '.' && c != ':' && c != '-' && c != '>') {
      return true;
    }
  }
  return true;
}

// Where, in a text that parsed without errors, a node python2_syntax reports can start:
// every node it looks for begins with a keyword, an operator or a literal that the text
// shows (more places than that is fine: each is looked up in the tree).
//   print, exec, raise, except statements and clauses: their keyword;
//   `<>`: itself;
//   a string_start: its prefix letters and quote (or a backquote);
//   an integer with a leading zero: a `0` followed by digits (or `_`) with a nonzero one;
//   an integer with an L suffix: the digit that starts the hexadecimal run before `l`/`L`;
//   a tuple parameter: the def (`def`, `async`) or `lambda` whose parameters may hold
//     one; their tuple_pattern children are looked up when the function is found.
// A keyword can't run on into a name, nor start inside one (tree-sitter reads keywords as
// whole words).
std::vector<std::size_t> python2_candidates(std::string_view text) {
  std::vector<std::size_t> out;
  // The bytes a candidate can start at, or that end an L-suffixed integer.
  static const std::array<bool, 256> kFirst = [] {
    std::array<bool, 256> t{};
    for (unsigned char c : std::string_view("perdalL<`'\"0")) t[c] = true;
    return t;
  }();
  auto keyword = [&](std::size_t i, std::string_view w) {
    if (i + w.size() > text.size()) return false;
    for (std::size_t k = 1; k < w.size(); ++k) {
      if (text[i + k] != w[k]) return false;
    }
    return i + w.size() == text.size() || !ascii_word_char(text[i + w.size()]);
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (!kFirst[static_cast<unsigned char>(c)]) continue;
    if (c == 'l' || c == 'L') {
      std::size_t p = i;
      while (p > 0 && integer_char(text[p - 1])) --p;
      if (p < i && text[p] >= '0' && text[p] <= '9' && token_can_start(text, p)) out.push_back(p);
    }
    // A letter inside a word starts no keyword (and these keywords' statements, clauses,
    // defs and lambdas don't follow a name or a number either).
    if (c >= 'a' && c <= 'z' && !token_can_start(text, i)) continue;
    switch (c) {
      case 'p':
        if (keyword(i, "print")) out.push_back(i);
        break;
      case 'e':
        if (keyword(i, "exec") || keyword(i, "except")) out.push_back(i);
        break;
      case 'r':
        if (keyword(i, "raise")) out.push_back(i);
        break;
      case 'd':
        if (keyword(i, "def") && may_have_tuple_parameter(text, i + 3, false)) out.push_back(i);
        break;
      case 'a':
        if (keyword(i, "async") && may_have_tuple_parameter(text, i + 5, false)) {
          out.push_back(i);
        }
        break;
      case 'l':
        if (keyword(i, "lambda") && may_have_tuple_parameter(text, i + 6, true)) {
          out.push_back(i);
        }
        break;
      case '<':
        if (i + 1 < text.size() && text[i + 1] == '>') out.push_back(i);
        break;
      case '`':
      case '\'':
      case '"': {
        if (c == '`') out.push_back(i);
        bool u = false;
        bool other = false;
        for (std::size_t p = i; p-- > 0 && string_prefix_char(text[p]);) {
          u = u || text[p] == 'u' || text[p] == 'U';
          other = other || (text[p] != 'u' && text[p] != 'U');
          if (u && other) out.push_back(p);
        }
        break;
      }
      case '0': {
        if (!token_can_start(text, i)) break;
        bool nonzero = false;
        for (std::size_t j = i + 1;
             j < text.size() && ((text[j] >= '0' && text[j] <= '9') || text[j] == '_'); ++j) {
          nonzero = nonzero || (text[j] >= '1' && text[j] <= '9');
        }
        if (nonzero) out.push_back(i);
        break;
      }
      default:
        break;
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

// The nodes that start at a byte and contain it, for bytes in increasing order: the path
// from the root to the last byte is kept, and the walk down starts where the paths part.
class NodesAt {
 public:
  explicit NodesAt(py::Node root) : root_(root) {}

  // The nodes starting at `at` (not before the last `at`), outermost first.
  std::span<const py::Node> operator()(std::size_t at) {
    auto goal = static_cast<std::uint32_t>(at);
    while (!path_.empty() && ts_node_end_byte(path_.back()) <= goal) path_.pop_back();
    py::Node n = path_.empty() ? root_ : path_.back();
    while (true) {
      py::Node c = ts_node_first_child_for_byte(n, goal);
      if (py::null(c) || ts_node_start_byte(c) > goal) break;
      path_.push_back(c);
      n = c;
    }
    std::size_t first = path_.size();
    while (first > 0 && ts_node_start_byte(path_[first - 1]) == goal) --first;
    return std::span<const py::Node>(path_).subspan(first);
  }

 private:
  py::Node root_;
  std::vector<py::Node> path_;  // nodes containing the last byte, outermost first
};

}  // namespace

std::optional<SyntaxProblem> python2_syntax(std::string_view text, py::Node root) {
  if (py::null(root)) return std::nullopt;
  // A tree with errors can hold anything anywhere: every node is looked at.
  if (ts_node_has_error(root)) return python2_syntax_walk(text, root);
  // Without errors, only the nodes starting where the text allows one python2_syntax_walk
  // reports, in the same (document) order: nodes start in document order, an ancestor
  // before the nodes that start where it does.
  const std::vector<Py2>& kinds = py2_kinds();
  std::vector<std::size_t> candidates = python2_candidates(text);
  std::priority_queue<std::size_t, std::vector<std::size_t>, std::greater<>> tuples;
  NodesAt nodes_at(root);
  std::size_t next = 0;
  std::size_t last = std::string_view::npos;
  while (next < candidates.size() || !tuples.empty()) {
    std::size_t at = 0;
    if (!tuples.empty() && (next >= candidates.size() || tuples.top() < candidates[next])) {
      at = tuples.top();
      tuples.pop();
    } else {
      at = candidates[next++];
    }
    if (at == last) continue;
    last = at;
    for (py::Node n : nodes_at(at)) {
      TSSymbol sym = ts_node_symbol(n);
      Py2 kind = sym < kinds.size() ? kinds[sym] : Py2::other;
      if (kind != Py2::other) {
        if (auto found = python2_node(text, n, kind)) return found;
        continue;
      }
      std::string_view t = py::type(n);
      if (t == "function_definition" || t == "lambda") {
        for (py::Node p : py::children(py::field(n, "parameters"))) {
          TSSymbol ps = ts_node_symbol(p);
          if (ps < kinds.size() && kinds[ps] == Py2::tuple_pattern) {
            tuples.push(ts_node_start_byte(p));
          }
        }
      }
    }
  }
  return std::nullopt;
}

}  // namespace schemagate::alembic
