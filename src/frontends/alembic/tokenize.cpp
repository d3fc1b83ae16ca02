// A CPython-like tokenizer pass over Python source: strings, comments, brackets and
// indentation, to report the errors CPython's tokenizer reports, at the same place.
#include <string>
#include <utility>
#include <vector>

#include "frontends/alembic/syntax.hpp"

namespace schemagate::alembic {

namespace {

constexpr std::size_t kMaxBracketDepth = 200;  // CPython's MAXLEVEL
constexpr std::size_t kMaxIndentLevels = 100;  // CPython's MAXINDENT
constexpr int kMaxStringNesting = 16;          // f-strings inside f-strings

bool ident_char(char c) {
  auto u = static_cast<unsigned char>(c);
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         u >= 0x80;
}

bool newline(char c) { return c == '\n' || c == '\r'; }

std::string line_of(std::string_view s, std::size_t at) {
  std::size_t line = 1;
  for (std::size_t i = 0; i < at && i < s.size(); ++i) {
    if (s[i] == '\n' || (s[i] == '\r' && (i + 1 >= s.size() || s[i + 1] != '\n'))) ++line;
  }
  return std::to_string(line);
}

class Tokenizer {
 public:
  explicit Tokenizer(std::string_view s) : s_(s) {
    out_.bracket_joined = std::string(s);
    if (s_.substr(0, 3) == "\xEF\xBB\xBF") i_ = 3;
  }

  TokenizerResult run() {
    bool line_start = true;
    while (i_ < s_.size() && !out_.tokenizer_error) {
      if (line_start) {
        line_start = false;
        if (brackets_.empty()) indentation();
        continue;
      }
      char c = s_[i_];
      if (c == '#') {
        std::size_t begin = i_;
        while (i_ < s_.size() && !newline(s_[i_])) ++i_;
        if (!brackets_.empty()) blank(begin, i_);
      } else if (c == '\\') {
        std::size_t n = i_ + 1;
        if (n < s_.size() && newline(s_[n])) {
          i_ = n + ((s_[n] == '\r' && n + 1 < s_.size() && s_[n + 1] == '\n') ? 2 : 1);
        } else if (n >= s_.size()) {
          error(i_, "unexpected EOF while parsing");
        } else {
          error(i_, "unexpected character after line continuation character");
        }
      } else if (newline(c)) {
        std::size_t len = (c == '\r' && i_ + 1 < s_.size() && s_[i_ + 1] == '\n') ? 2 : 1;
        if (!brackets_.empty()) {
          blank(i_, i_ + len);
        } else {
          if (line_has_tokens_) pending_block_ = last_ == ':';
          line_start = true;
        }
        i_ += len;
      } else if (string_start(i_)) {
        string(0);
        last_ = 's';
      } else if (c == '(' || c == '[' || c == '{') {
        if (brackets_.size() >= kMaxBracketDepth) {
          error(i_, "too many nested parentheses");
          break;
        }
        brackets_.emplace_back(c, i_);
        last_ = c;
        ++i_;
      } else if (c == ')' || c == ']' || c == '}') {
        close(c);
        last_ = c;
        ++i_;
      } else {
        if (c != ' ' && c != '\t' && c != '\f') last_ = c;
        if (ident_char(c)) {
          while (i_ < s_.size() && ident_char(s_[i_])) ++i_;
        } else {
          ++i_;
        }
      }
    }
    if (!out_.tokenizer_error && !brackets_.empty()) {
      auto [c, at] = brackets_.back();
      error(at, std::string("'") + c + "' was never closed");
    }
    if (line_has_tokens_ && brackets_.empty()) pending_block_ = pending_block_ || last_ == ':';
    if (!out_.tokenizer_error && pending_block_ && !out_.indentation_error) {
      out_.indentation_error = SyntaxProblem{s_.size(), "expected an indented block"};
    }
    return std::move(out_);
  }

 private:
  void error(std::size_t at, std::string message) {
    if (!out_.tokenizer_error) out_.tokenizer_error = SyntaxProblem{at, std::move(message)};
  }
  void indentation_problem(std::size_t at, std::string message) {
    if (!out_.indentation_error) out_.indentation_error = SyntaxProblem{at, std::move(message)};
  }

  void blank(std::size_t begin, std::size_t end) {
    for (std::size_t k = begin; k < end; ++k) {
      if (out_.bracket_joined[k] != ' ') {
        out_.bracket_joined[k] = ' ';
        out_.joined_differs = true;
      }
    }
  }

  // At the start of a logical line: measure its indentation as CPython does (tabs to
  // multiples of 8, and again with tabs as 1 to catch inconsistent mixing).
  void indentation() {
    std::size_t col = 0;
    std::size_t alt = 0;
    std::size_t j = i_;
    for (; j < s_.size(); ++j) {
      if (s_[j] == ' ') {
        ++col;
        ++alt;
      } else if (s_[j] == '\t') {
        col = (col / 8 + 1) * 8;
        ++alt;
      } else if (s_[j] == '\f') {
        col = alt = 0;
      } else {
        break;
      }
    }
    i_ = j;
    if (j >= s_.size() || s_[j] == '#' || newline(s_[j])) {
      line_has_tokens_ = false;  // blank or comment-only lines don't count
      return;
    }
    line_has_tokens_ = true;
    last_ = 0;
    bool block = pending_block_;
    pending_block_ = false;
    if (col == indents_.back()) {
      if (alt != alt_indents_.back()) return tab_error(j);
      if (block) indentation_problem(j, "expected an indented block");
    } else if (col > indents_.back()) {
      if (indents_.size() >= kMaxIndentLevels) return error(j, "too many levels of indentation");
      if (alt <= alt_indents_.back()) return tab_error(j);
      if (!block) indentation_problem(j, "unexpected indent");
      indents_.push_back(col);
      alt_indents_.push_back(alt);
    } else {
      while (indents_.size() > 1 && col < indents_.back()) {
        indents_.pop_back();
        alt_indents_.pop_back();
      }
      if (col != indents_.back()) {
        return error(j, "unindent does not match any outer indentation level");
      }
      if (alt != alt_indents_.back()) return tab_error(j);
      if (block) indentation_problem(j, "expected an indented block");
    }
  }

  void tab_error(std::size_t at) {
    error(at, "inconsistent use of tabs and spaces in indentation");
  }

  void close(char c) {
    char want = c == ')' ? '(' : (c == ']' ? '[' : '{');
    if (brackets_.empty()) return error(i_, std::string("unmatched '") + c + "'");
    auto [open, at] = brackets_.back();
    if (open != want) {
      std::string message = std::string("closing parenthesis '") + c +
                            "' does not match opening parenthesis '" + open + "'";
      std::string open_line = line_of(s_, at);
      if (open_line != line_of(s_, i_)) message += " on line " + open_line;
      return error(i_, message);
    }
    brackets_.pop_back();
  }

  // Is there a string literal (with its prefix) at `at`?
  [[nodiscard]] bool string_start(std::size_t at) const {
    // Every prefix below is made of these letters (the quick answer for most characters).
    char first = static_cast<char>(s_[at] | 0x20);
    if (s_[at] != '"' && s_[at] != '\'' && first != 'r' && first != 'u' && first != 'b' &&
        first != 'f' && first != 't') {
      return false;
    }
    if (at > 0 && ident_char(s_[at - 1])) return false;
    std::size_t j = at;
    std::string prefix;
    while (j < s_.size() && j - at < 3 && ident_char(s_[j])) {
      prefix += static_cast<char>(s_[j] | 0x20);
      ++j;
    }
    if (j >= s_.size() || (s_[j] != '"' && s_[j] != '\'')) return false;
    static const char* const kPrefixes[] = {"",   "r",  "u",  "b",  "f",  "t",
                                            "br", "rb", "fr", "rf", "tr", "rt"};
    for (const char* p : kPrefixes) {
      if (prefix == p) return true;
    }
    return false;
  }

  // Reads the string literal at i_ (prefix included).
  void string(int nesting) {
    std::size_t begin = i_;
    bool fstring = false;
    bool raw = false;
    while (s_[i_] != '"' && s_[i_] != '\'') {
      char lower = static_cast<char>(s_[i_] | 0x20);
      if (lower == 'f' || lower == 't') fstring = true;
      if (lower == 'r') raw = true;
      ++i_;
    }
    char quote = s_[i_];
    bool triple = s_.substr(i_, 3) == std::string(3, quote);
    i_ += triple ? 3 : 1;
    while (true) {
      if (i_ >= s_.size()) return unterminated(begin, triple);
      char c = s_[i_];
      if (c == '\\') {
        char n = i_ + 1 < s_.size() ? s_[i_ + 1] : '\0';
        if (fstring && (n == '{' || n == '}')) {
          ++i_;  // the brace is read on its own: `\{{` is a backslash and an escaped brace
        } else if (fstring && !raw && n == 'N' && i_ + 2 < s_.size() && s_[i_ + 2] == '{') {
          std::size_t close = s_.find('}', i_);
          i_ = close == std::string_view::npos ? s_.size() : close + 1;  // \N{NAME}
        } else {
          i_ += (n == '\r' && i_ + 2 < s_.size() && s_[i_ + 2] == '\n') ? 3 : 2;
        }
        continue;
      }
      if (c == quote) {
        if (!triple) {
          ++i_;
          return;
        }
        if (s_.substr(i_, 3) == std::string(3, quote)) {
          i_ += 3;
          return;
        }
      }
      if (!triple && newline(c)) return unterminated(begin, false);
      if (fstring && (c == '{' || c == '}')) {
        if (i_ + 1 < s_.size() && s_[i_ + 1] == c) {
          i_ += 2;
          continue;
        }
        if (c == '{' && nesting < kMaxStringNesting) {
          replacement_field(nesting);
          if (out_.tokenizer_error) return;
          continue;
        }
      }
      ++i_;
    }
  }

  void unterminated(std::size_t begin, bool triple) {
    error(begin, std::string(triple ? "unterminated triple-quoted string literal"
                                    : "unterminated string literal") +
                     " (detected at line " +
                     line_of(s_, i_ >= s_.size() && !s_.empty() ? s_.size() - 1 : i_) + ")");
  }

  // An f-string's {expression!conversion:format spec} (PEP 701: strings inside may reuse
  // the outer quote). i_ is at the '{'.
  void replacement_field(int nesting) {
    ++i_;
    int depth = 0;
    bool spec = false;
    while (i_ < s_.size()) {
      char c = s_[i_];
      if (spec) {
        if (c == '{') {
          replacement_field(nesting + 1);
          continue;
        }
        if (c == '}') {
          ++i_;
          return;
        }
        ++i_;
        continue;
      }
      if (string_start(i_)) {
        string(nesting + 1);
        if (out_.tokenizer_error) return;
        continue;
      }
      if (c == '\\') {
        i_ += 2;
        continue;
      }
      if (c == '(' || c == '[' || c == '{') ++depth;
      if (c == ')' || c == ']') --depth;
      if (c == '}') {
        if (depth == 0) {
          ++i_;
          return;
        }
        --depth;
      }
      if (c == ':' && depth == 0 && (i_ + 1 >= s_.size() || s_[i_ + 1] != '=')) spec = true;
      ++i_;
    }
  }

  std::string_view s_;
  std::size_t i_ = 0;
  std::vector<std::pair<char, std::size_t>> brackets_;
  std::vector<std::size_t> indents_{0};
  std::vector<std::size_t> alt_indents_{0};
  bool pending_block_ = false;  // the last logical line ended with ':'
  bool line_has_tokens_ = false;
  char last_ = 0;  // the last significant character of the logical line ('s': a string)
  TokenizerResult out_;
};

}  // namespace

TokenizerResult tokenize_check(std::string_view text) { return Tokenizer(text).run(); }

}  // namespace schemagate::alembic
