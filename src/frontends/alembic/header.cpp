// The revision header alone: what the engine needs to order a project's revisions before
// it reads them in full (ids, parents, branch labels, the docstring header).
#include <algorithm>
#include <array>
#include <exception>
#include <memory>
#include <string>
#include <vector>

#include "frontends/alembic/alembic_frontend.hpp"
#include "frontends/alembic/interp.hpp"

namespace schemagate::alembic {

namespace {

bool newline(char c) { return c == '\n' || c == '\r'; }

// Skips a string literal starting at the quote at `i`; returns the offset past it.
std::size_t skip_string(std::string_view t, std::size_t i) {
  char q = t[i];
  auto three = [&](std::size_t k) { return k + 2 < t.size() && t[k + 1] == q && t[k + 2] == q; };
  bool triple = three(i);
  std::size_t at = i + (triple ? 3 : 1);
  while (at < t.size()) {
    char c = t[at];
    if (c == '\\') {
      at += 2;
    } else if (triple && c == q && three(at)) {
      return at + 3;
    } else if (!triple && (c == q || newline(c))) {
      return at + 1;
    } else {
      ++at;
    }
  }
  return t.size();
}

// Where the first top-level `def`, `async def`, `class` or decorator starts: the docstring,
// imports and revision variables come before it in every revision Alembic writes.
std::size_t header_end(std::string_view t) {
  std::size_t i = 0;
  int depth = 0;
  bool line_start = true;
  while (i < t.size()) {
    char c = t[i];
    if (line_start && depth == 0) {
      std::string_view rest = t.substr(i);
      if (rest.starts_with("def ") || rest.starts_with("async def ") ||
          rest.starts_with("class ") || rest.starts_with("@")) {
        return i;
      }
    }
    line_start = false;
    if (newline(c)) {
      line_start = true;
      ++i;
    } else if (c == '#') {
      while (i < t.size() && !newline(t[i])) ++i;
    } else if (c == '\'' || c == '"') {
      i = skip_string(t, i);
    } else if (c == '\\') {
      i += 2;  // a line continuation: the next line is not a line start
    } else {
      if (c == '(' || c == '[' || c == '{') ++depth;
      if ((c == ')' || c == ']' || c == '}') && depth > 0) --depth;
      ++i;
    }
  }
  return t.size();
}

void read_part(const SourceFile& file, std::string_view text, const AlembicOptions& options,
               Migration& m) {
  PyFile revision;
  revision.path = file.path;
  revision.text = text;
  revision.revision = true;
  revision.tree = std::make_unique<py::Tree>(revision.text);
  Interp interp(m, options, revision);
  interp.load_module(revision);
  read_revision(revision, m);
}

// The header as Alembic writes it, read without tree-sitter: a docstring, comments, imports
// and `name = <literal>` assignments (optionally annotated), each on lines of its own and
// each in the simplest spelling. Anything else (a backslash, a bracket across lines, a
// string prefix, a non-ASCII byte, an indented line, another statement...) gives up, and
// the header is read with the parser and the interpreter instead, so what this accepts is
// read exactly as they read it: the same values, the same ranges.
class QuickHeader {
 public:
  explicit QuickHeader(std::string_view text) : t_(text) {}

  // False when the text is not of that shape (then `m` is to be thrown away).
  bool read(Migration& m) {
    RevisionInfo& info = m.revision;
    bool first = true;  // the module's first statement: a string there is the docstring
    while (i_ < t_.size()) {
      char c = t_[i_];
      if (c == '\n') {
        ++i_;
        continue;
      }
      if (c == '\r') {
        if (!line_break()) return false;
        continue;
      }
      if (c == '#') {
        if (!comment()) return false;
        continue;
      }
      std::size_t start = i_;
      if (c == '"' || c == '\'') {
        std::string value;
        if (!string(value, true) || !end_of_line()) return false;
        if (first) read_docstring_header(value, {start, literal_end_}, info);
      } else if (name_start(c)) {
        std::string_view w = word();
        if (w == "import") {
          if (!import_statement()) return false;
        } else if (w == "from") {
          if (!from_statement()) return false;
        } else if (reserved(w)) {
          return false;
        } else if (!assignment(w, start, info)) {
          return false;
        }
      } else {
        return false;
      }
      first = false;
    }
    if (vars_[kRevision].kind != Kind::string || vars_[kRevision].text.empty()) return false;
    m.id = vars_[kRevision].text;
    m.parents = ids(vars_[kDownRevision]);
    info.branch_labels = ids(vars_[kBranchLabels]);
    info.depends_on = ids(vars_[kDependsOn]);
    info.is_revision = false;  // upgrade() comes after the header
    m.downgrade_kind = DowngradeKind::absent;
    return true;
  }

 private:
  enum class Kind { unset, none, string, list };
  struct Var {
    Kind kind = Kind::unset;
    std::string text;
    std::vector<std::string> items;
  };
  static constexpr std::size_t kRevision = 0;
  static constexpr std::size_t kDownRevision = 1;
  static constexpr std::size_t kBranchLabels = 2;
  static constexpr std::size_t kDependsOn = 3;
  static constexpr std::array<std::string_view, 4> kVars = {"revision", "down_revision",
                                                            "branch_labels", "depends_on"};

  // What ids() in revision.cpp gives for the value.
  static std::vector<std::string> ids(const Var& v) {
    if (v.kind == Kind::string) {
      return v.text.empty() ? std::vector<std::string>{} : std::vector<std::string>{v.text};
    }
    return v.kind == Kind::list ? v.items : std::vector<std::string>{};
  }

  static bool name_start(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
  }
  static bool name_char(char c) { return name_start(c) || (c >= '0' && c <= '9'); }
  // Python's keywords and soft keywords, and the grammar's Python 2 statements.
  static bool reserved(std::string_view w) {
    static constexpr std::array<std::string_view, 40> kWords = {
        "False",  "None",  "True",    "and",      "as",       "assert", "async", "await",
        "break",  "case",  "class",   "continue", "def",      "del",    "elif",  "else",
        "except", "exec",  "finally", "for",      "from",     "global", "if",    "import",
        "in",     "is",    "lambda",  "match",    "nonlocal", "not",    "or",    "pass",
        "print",  "raise", "return",  "try",      "type",     "while",  "with",  "yield"};
    return std::find(kWords.begin(), kWords.end(), w) != kWords.end();
  }
  static std::size_t var_index(std::string_view name) {
    for (std::size_t k = 0; k < kVars.size(); ++k) {
      if (kVars[k] == name) return k;
    }
    return kVars.size();
  }
  // A printable ASCII byte or a tab: all that comments and strings may hold here.
  static bool plain(char c) { return c == '\t' || (c >= ' ' && c <= '~'); }

  [[nodiscard]] bool at(char c) const { return i_ < t_.size() && t_[i_] == c; }
  [[nodiscard]] bool at_blank() const { return at(' ') || at('\t'); }
  void blanks() {
    while (at_blank()) ++i_;
  }
  std::string_view word() {
    std::size_t start = i_;
    while (i_ < t_.size() && name_char(t_[i_])) ++i_;
    return t_.substr(start, i_ - start);
  }
  // A name that is not a keyword (`constants`: None, True and False are fine too).
  bool name(std::string_view* out = nullptr, bool constants = false) {
    if (i_ >= t_.size() || !name_start(t_[i_])) return false;
    std::string_view w = word();
    if (out != nullptr) *out = w;
    if (constants && (w == "None" || w == "True" || w == "False")) return true;
    return !reserved(w);
  }
  bool dotted_name() {
    if (!name()) return false;
    while (at('.')) {
      ++i_;
      if (!name()) return false;
    }
    return true;
  }

  bool line_break() {
    if (at('\n')) {
      ++i_;
      return true;
    }
    if (at('\r') && i_ + 1 < t_.size() && t_[i_ + 1] == '\n') {
      i_ += 2;
      return true;
    }
    return false;
  }
  bool comment() {
    while (i_ < t_.size() && t_[i_] != '\n' && t_[i_] != '\r') {
      if (!plain(t_[i_])) return false;
      ++i_;
    }
    return true;
  }
  // The rest of a statement's line: blanks, maybe a comment, the line break (or the end).
  bool end_of_line() {
    blanks();
    if (at('#') && !comment()) return false;
    return i_ >= t_.size() || line_break();
  }

  // A string literal without prefix or backslash (its value is its text); only a
  // triple-quoted docstring spans lines. Sets literal_end_.
  bool string(std::string& value, bool docstring) {
    char q = t_[i_];
    bool triple = i_ + 2 < t_.size() && t_[i_ + 1] == q && t_[i_ + 2] == q;
    std::size_t open = triple ? 3 : 1;
    std::size_t j = i_ + open;
    for (; j < t_.size(); ++j) {
      char c = t_[j];
      if (c == q && (!triple || (j + 2 < t_.size() && t_[j + 1] == q && t_[j + 2] == q))) break;
      if (c == '\n' || c == '\r') {
        if (!triple || !docstring) return false;
        if (c == '\r' && (j + 1 >= t_.size() || t_[j + 1] != '\n')) return false;
        continue;
      }
      if (!plain(c) || c == '\\') return false;
    }
    if (j >= t_.size()) return false;
    value.assign(t_.substr(i_ + open, j - i_ - open));
    i_ = j + open;
    literal_end_ = i_;
    return true;
  }

  // ` as name` after an imported name, if there; `bound` is the name the import binds.
  bool as_name(std::string_view& bound) {
    std::size_t back = i_;
    blanks();
    if (i_ > back && t_.substr(i_).starts_with("as") &&
        (i_ + 2 >= t_.size() || !name_char(t_[i_ + 2]))) {
      i_ += 2;
      if (!at_blank()) return false;
      blanks();
      return name(&bound);
    }
    i_ = back;
    return true;
  }
  // The names an import binds, comma-separated; none of them a revision variable.
  bool imported_names(bool dotted) {
    while (true) {
      std::string_view bound;
      if (!name(&bound)) return false;
      while (dotted && at('.')) {
        ++i_;
        if (!name()) return false;
      }
      if (!as_name(bound) || var_index(bound) < kVars.size()) return false;
      blanks();
      if (!at(',')) return end_of_line();
      ++i_;
      blanks();
    }
  }
  // `import a.b`, `import a.b as c, d`.
  bool import_statement() {
    if (!at_blank()) return false;
    blanks();
    return imported_names(true);
  }
  // `from a.b import c, d as e`, `from . import c` (not `*`, not in brackets).
  bool from_statement() {
    if (!at_blank()) return false;
    blanks();
    bool dots = false;
    while (at('.')) {
      ++i_;
      dots = true;
    }
    if (!at_blank()) {
      if (!dotted_name()) return false;
    } else if (!dots) {
      return false;
    }
    if (!at_blank()) return false;
    blanks();
    if (word() != "import" || !at_blank()) return false;
    blanks();
    return imported_names(false);
  }

  // A type annotation: names, dotted names, subscripts and `|`.
  bool annotation(int depth = 0) {
    if (depth > 8) return false;
    while (true) {
      if (!name(nullptr, true)) return false;
      while (at('.')) {
        ++i_;
        if (!name()) return false;
      }
      if (at('[')) {
        ++i_;
        while (true) {
          blanks();
          if (!annotation(depth + 1)) return false;
          if (!at(',')) break;
          ++i_;
        }
        if (!at(']')) return false;
        ++i_;
      }
      blanks();
      if (!at('|')) return true;
      ++i_;
      blanks();
    }
  }

  // None, a string, or a tuple or list of strings on one line (a string in parentheses
  // is the string). Sets literal_end_.
  bool literal(Var& v) {
    if (at('"') || at('\'')) {
      v.kind = Kind::string;
      return string(v.text, false);
    }
    if (at('(') || at('[')) {
      char close = at('(') ? ')' : ']';
      ++i_;
      blanks();
      v.kind = Kind::list;
      bool comma = false;
      while (!at(close)) {
        if (!at('"') && !at('\'')) return false;
        std::string item;
        if (!string(item, false)) return false;
        v.items.push_back(std::move(item));
        blanks();
        if (at(',')) {
          ++i_;
          comma = true;
          blanks();
        } else if (!at(close)) {
          return false;
        }
      }
      ++i_;
      if (close == ')' && !comma && v.items.size() == 1) {
        v.kind = Kind::string;  // ("x") is "x"
        v.text = std::move(v.items[0]);
        v.items.clear();
      }
      literal_end_ = i_;
      return true;
    }
    std::string_view w;
    if (!name(&w, true) || w != "None") return false;
    v.kind = Kind::none;
    literal_end_ = i_;
    return true;
  }

  // `name = literal` or `name: annotation = literal`, `name` read from `start`.
  bool assignment(std::string_view name, std::size_t start, RevisionInfo& info) {
    blanks();
    if (at(':')) {
      ++i_;
      blanks();
      if (!annotation()) return false;
    }
    if (!at('=') || (i_ + 1 < t_.size() && t_[i_ + 1] == '=')) return false;
    ++i_;
    blanks();
    Var v;
    if (!literal(v)) return false;
    ByteRange range{start, literal_end_};
    if (!end_of_line()) return false;
    std::size_t k = var_index(name);
    if (k == kRevision) info.revision_range = range;
    if (k == kDownRevision) info.down_revision_range = range;
    if (k < kVars.size()) vars_[k] = std::move(v);
    return true;
  }

  std::string_view t_;
  std::size_t i_ = 0;
  std::size_t literal_end_ = 0;  // where the last literal read ends
  std::array<Var, 4> vars_;
};

}  // namespace

Migration read_revision_header(const SourceFile& file, const AlembicOptions& options) {
  try {
    Migration m;
    m.file = &file;
    m.layout = Layout::alembic;
    m.runner_transaction = RunnerTransaction::per_migration;
    std::string_view text = file.text;
    if (QuickHeader(text.substr(0, header_end(text))).read(m)) return m;
  } catch (const std::exception&) {
  } catch (...) {
  }
  return read_revision_header_parsed(file, options);
}

Migration read_revision_header_parsed(const SourceFile& file, const AlembicOptions& options) {
  Migration m;
  m.file = &file;
  m.layout = Layout::alembic;
  m.runner_transaction = RunnerTransaction::per_migration;
  try {
    std::string_view text = file.text;
    std::size_t end = header_end(text);
    read_part(file, text.substr(0, end), options, m);
    if (m.id.empty() && end < text.size()) {
      // Revision variables after the functions: read the whole module.
      Migration whole;
      whole.file = &file;
      whole.layout = m.layout;
      whole.runner_transaction = m.runner_transaction;
      read_part(file, text, options, whole);
      m = std::move(whole);
    }
  } catch (const std::exception&) {
    // parse_file reports the failure when the file is read in full.
  } catch (...) {
  }
  m.issues.clear();
  m.upgrade.clear();
  m.downgrade.clear();
  return m;
}

}  // namespace schemagate::alembic
