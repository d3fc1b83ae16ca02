#include "frontends/sql/split.hpp"

#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>

#include <algorithm>
#include <memory>

#include "frontends/sql/sql_frontend.hpp"

namespace schemagate::sql {

namespace {

// Bytes scanned at a time; a token longer than this (a huge string literal) gets a window of
// its own.
constexpr std::size_t kWindowBytes = std::size_t{1} << 20U;

struct ScanResult {
  PgQueryScanResult result;
  PgQuery__ScanResult* tokens = nullptr;
  ScanResult(const ScanResult&) = delete;
  ScanResult& operator=(const ScanResult&) = delete;
  explicit ScanResult(const std::string& sql) : result(pg_query_scan(sql.c_str())) {
    if (result.error == nullptr) {
      tokens = pg_query__scan_result__unpack(nullptr, result.pbuf.len,
                                             reinterpret_cast<const uint8_t*>(result.pbuf.data));
    }
  }
  ~ScanResult() {
    if (tokens != nullptr) pg_query__scan_result__free_unpacked(tokens, nullptr);
    pg_query_free_scan_result(result);
  }
  [[nodiscard]] bool ok() const { return result.error == nullptr && tokens != nullptr; }
};

bool is_comment(PgQuery__Token t) {
  return t == PG_QUERY__TOKEN__SQL_COMMENT || t == PG_QUERY__TOKEN__C_COMMENT;
}

// An upper bound of a statement's parse tree depth, from its tokens. Brackets (and CASE ...
// END) open a level. Within a level, every token that can make a node over what precedes it
// (an operator, a cast, a keyword: `a + b + c` nests to the left, one level per `+`) deepens
// the operand being read; `,`, AND and OR separate operands that are siblings in the tree
// (PostgreSQL flattens AND and OR chains); UNION, INTERSECT, EXCEPT and JOIN separate them
// too, but each adds a level over all of them. A closed level is one operand of its parent.
// Identifiers, constants and `.` make leaves or flat lists.
class Nesting {
 public:
  void feed(PgQuery__Token t) {
    if (bound_ > kMaxNesting) return;  // already too deep; the levels are not kept
    switch (t) {
      case PG_QUERY__TOKEN__ASCII_40:  // (
      case PG_QUERY__TOKEN__ASCII_91:  // [
        open(false);
        break;
      case PG_QUERY__TOKEN__CASE:
        open(true);
        break;
      case PG_QUERY__TOKEN__ASCII_41:  // )
      case PG_QUERY__TOKEN__ASCII_93:  // ]
        // An unclosed CASE inside the brackets closes with them.
        while (levels_.size() > 1 && levels_.back().is_case) close();
        if (levels_.size() > 1) close();
        break;
      case PG_QUERY__TOKEN__END_P:
        if (levels_.size() > 1 && levels_.back().is_case) {
          close();
        } else {
          deepen();  // BEGIN ATOMIC's END, or END as a word
        }
        break;
      case PG_QUERY__TOKEN__WHEN:
      case PG_QUERY__TOKEN__THEN:
      case PG_QUERY__TOKEN__ELSE:
        if (levels_.back().is_case) {
          separate();
        } else {
          deepen();
        }
        break;
      case PG_QUERY__TOKEN__ASCII_44:  // ,
      case PG_QUERY__TOKEN__ASCII_59:  // ; (inside BEGIN ATOMIC)
      case PG_QUERY__TOKEN__AND:
      case PG_QUERY__TOKEN__OR:
        separate();
        break;
      case PG_QUERY__TOKEN__UNION:
      case PG_QUERY__TOKEN__INTERSECT:
      case PG_QUERY__TOKEN__EXCEPT:
      case PG_QUERY__TOKEN__JOIN:
        separate();
        ++levels_.back().over_all;
        break;
      case PG_QUERY__TOKEN__IDENT:
      case PG_QUERY__TOKEN__UIDENT:
      case PG_QUERY__TOKEN__ICONST:
      case PG_QUERY__TOKEN__FCONST:
      case PG_QUERY__TOKEN__SCONST:
      case PG_QUERY__TOKEN__USCONST:
      case PG_QUERY__TOKEN__BCONST:
      case PG_QUERY__TOKEN__XCONST:
      case PG_QUERY__TOKEN__PARAM:
      case PG_QUERY__TOKEN__ASCII_46:  // .
      case PG_QUERY__TOKEN__AS:
        break;
      default:
        deepen();
    }
  }

  // The bound for the tokens fed so far (capped at kMaxNesting + 1).
  [[nodiscard]] std::size_t bound() {
    update();
    return std::min(bound_, kMaxNesting + 1);
  }

 private:
  struct Level {
    std::size_t operand = 0;   // depth of the operand being read
    std::size_t siblings = 0;  // deepest operand before the last separator
    std::size_t over_all = 0;  // UNION, JOIN, ... seen at this level
    bool is_case = false;
  };

  // Each level: its deepest operand, its set operations and joins, and a few nodes of its
  // own (the call, sublink, list or boolean node that holds it).
  static constexpr std::size_t kLevelNodes = 4;

  [[nodiscard]] static std::size_t depth(const Level& l) {
    return std::max(l.operand, l.siblings) + l.over_all + kLevelNodes;
  }

  void deepen() {
    if (++levels_.back().operand > kMaxNesting) bound_ = levels_.back().operand;
  }

  void open(bool is_case) {
    levels_.push_back({});
    levels_.back().is_case = is_case;
    // Every level adds kLevelNodes: more levels than this are too deep whatever they hold.
    if (levels_.size() * kLevelNodes > kMaxNesting) bound_ = levels_.size() * kLevelNodes;
  }

  void separate() {
    Level& l = levels_.back();
    l.siblings = std::max(l.siblings, l.operand);
    l.operand = 0;
  }

  void close() {
    std::size_t d = depth(levels_.back());
    levels_.pop_back();
    Level& parent = levels_.back();
    parent.operand = std::max(parent.operand, d);
    if (parent.operand > kMaxNesting) bound_ = parent.operand;
  }

  // The depth if every open level closed now. (Depths only grow: deepen, open and close
  // note a depth past the limit at once, and the rest is computed when asked.)
  void update() {
    std::size_t d = 0;
    for (auto it = levels_.rbegin(); it != levels_.rend(); ++it) {
      Level l = *it;
      l.operand = std::max(l.operand, d);
      d = depth(l);
    }
    bound_ = std::max(bound_, d);
  }

  std::vector<Level> levels_{Level{}};
  std::size_t bound_ = 0;
};

// Cuts the token stream at top-level semicolons.
class Splitter {
 public:
  Splitter(const std::function<void(const Statement&)>& statement,
           const std::function<void(ByteRange)>& comment)
      : statement_(statement), comment_(comment) {}

  void feed(const PgQuery__ScanToken& t, std::size_t base) {
    auto begin = base + static_cast<std::size_t>(t.start);
    auto end = base + static_cast<std::size_t>(t.end);
    if (is_comment(t.token)) {
      if (comment_) comment_({begin, end});
      return;
    }
    if (t.token == PG_QUERY__TOKEN__ATOMIC && previous_ == PG_QUERY__TOKEN__BEGIN_P) {
      ++atomic_depth_;
    }
    if (t.token == PG_QUERY__TOKEN__END_P && atomic_depth_ > 0) --atomic_depth_;
    previous_ = t.token;
    if (t.token == PG_QUERY__TOKEN__ASCII_59 && atomic_depth_ == 0) {
      statement_({{start_, begin}, nesting_.bound()});
      start_ = end;
      nesting_ = Nesting();
      return;
    }
    nesting_.feed(t.token);
  }

  // The text ends at `end`: the statement after the last semicolon, if any.
  void finish(std::size_t end) {
    if (start_ < end) statement_({{start_, end}, nesting_.bound()});
  }

 private:
  const std::function<void(const Statement&)>& statement_;
  const std::function<void(ByteRange)>& comment_;
  std::size_t start_ = 0;
  int atomic_depth_ = 0;
  PgQuery__Token previous_ = PG_QUERY__TOKEN__NUL;
  Nesting nesting_;
};

// A fast path for scan_statements: a small lexer that finds the same statement boundaries
// and comments as libpg_query's scanner, and tokens from which Nesting computes a bound no
// lower than the scanner's tokens give (every word it does not know counts as a keyword;
// every operator character as an operator). Whenever it is not sure — an E'' string with a
// backslash, a `$` it can't place, an unterminated quote or comment, a character SQL does
// not use, or a bound near the limit — it gives up and the scanner does the work. The
// scanner's protobuf output costs more than parsing the statements does.
class FastLexer {
 public:
  explicit FastLexer(std::string_view s) : s_(s) {}

  // The statements and comments; false when the scanner must decide.
  bool run(std::vector<Statement>& statements, std::vector<ByteRange>& comments) {
    std::function<void(const Statement&)> statement = [&](const Statement& st) {
      statements.push_back(st);
    };
    std::function<void(ByteRange)> comment = [&](ByteRange c) { comments.push_back(c); };
    Splitter splitter(statement, comment);
    while (i_ < s_.size()) {
      char c = s_[i_];
      std::size_t begin = i_;
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
        ++i_;
      } else if (c == '-' && at("--")) {
        while (i_ < s_.size() && s_[i_] != '\n' && s_[i_] != '\r') ++i_;
        feed(splitter, PG_QUERY__TOKEN__SQL_COMMENT, begin);
      } else if (c == '/' && at("/*")) {
        if (!block_comment()) return false;
        feed(splitter, PG_QUERY__TOKEN__C_COMMENT, begin);
      } else if (c == '\'') {
        bool escapes = begin > 0 && (s_[begin - 1] == 'e' || s_[begin - 1] == 'E');
        if (!quoted('\'', escapes)) return false;
        feed(splitter, PG_QUERY__TOKEN__SCONST, begin);
      } else if (c == '"') {
        // (An empty "" is an error the scanner reports.)
        if (!quoted('"', false) || i_ == begin + 2) return false;
        feed(splitter, PG_QUERY__TOKEN__IDENT, begin);
      } else if (c == '$') {
        if (!dollar()) return false;
        feed(splitter, PG_QUERY__TOKEN__SCONST, begin);
      } else if (word_start(c)) {
        while (i_ < s_.size() && word_char(s_[i_])) ++i_;
        feed(splitter, keyword(s_.substr(begin, i_ - begin)), begin);
      } else if (c >= '0' && c <= '9') {
        while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') ++i_;
        // A number with letters after it (1e3, 0x1F, 12abc) is the scanner's to judge:
        // PostgreSQL 15 calls some of them trailing junk.
        std::size_t after = i_;
        while (after < s_.size() && ((s_[after] >= '0' && s_[after] <= '9') || s_[after] == '.')) {
          ++after;
        }
        if (after < s_.size() && word_start(s_[after])) return false;
        feed(splitter, PG_QUERY__TOKEN__ICONST, begin);
      } else if (c == '.' && at("..")) {
        i_ += 2;  // the scanner's DOT_DOT, which counts as an operator
        feed(splitter, PG_QUERY__TOKEN__DOT_DOT, begin);
      } else if (auto t = punctuation(c)) {
        ++i_;
        feed(splitter, *t, begin);
      } else if (std::string_view("+-*/<>=~!@#%^&|`?:").find(c) != std::string_view::npos) {
        ++i_;
        feed(splitter, PG_QUERY__TOKEN__Op, begin);
      } else {
        return false;
      }
    }
    splitter.finish(s_.size());
    return std::none_of(statements.begin(), statements.end(),
                        [](const Statement& st) { return st.nesting > kMaxNesting; });
  }

 private:
  [[nodiscard]] bool at(std::string_view p) const { return s_.substr(i_, p.size()) == p; }

  static bool word_start(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
           static_cast<unsigned char>(c) >= 0x80;
  }
  static bool word_char(char c) { return word_start(c) || (c >= '0' && c <= '9') || c == '$'; }

  static std::optional<PgQuery__Token> punctuation(char c) {
    switch (c) {
      case '(':
        return PG_QUERY__TOKEN__ASCII_40;
      case ')':
        return PG_QUERY__TOKEN__ASCII_41;
      case '[':
        return PG_QUERY__TOKEN__ASCII_91;
      case ']':
        return PG_QUERY__TOKEN__ASCII_93;
      case ',':
        return PG_QUERY__TOKEN__ASCII_44;
      case ';':
        return PG_QUERY__TOKEN__ASCII_59;
      case '.':
        return PG_QUERY__TOKEN__ASCII_46;
      default:
        return std::nullopt;
    }
  }

  // The keywords Nesting and Splitter treat specially; any other word counts as a keyword
  // that deepens (an identifier would not: the bound only grows).
  static PgQuery__Token keyword(std::string_view w) {
    static constexpr std::pair<std::string_view, PgQuery__Token> kWords[] = {
        {"and", PG_QUERY__TOKEN__AND},
        {"as", PG_QUERY__TOKEN__AS},
        {"atomic", PG_QUERY__TOKEN__ATOMIC},
        {"begin", PG_QUERY__TOKEN__BEGIN_P},
        {"case", PG_QUERY__TOKEN__CASE},
        {"else", PG_QUERY__TOKEN__ELSE},
        {"end", PG_QUERY__TOKEN__END_P},
        {"except", PG_QUERY__TOKEN__EXCEPT},
        {"intersect", PG_QUERY__TOKEN__INTERSECT},
        {"join", PG_QUERY__TOKEN__JOIN},
        {"or", PG_QUERY__TOKEN__OR},
        {"then", PG_QUERY__TOKEN__THEN},
        {"union", PG_QUERY__TOKEN__UNION},
        {"when", PG_QUERY__TOKEN__WHEN},
    };
    if (w.size() <= 9) {
      char lower[9];
      for (std::size_t k = 0; k < w.size(); ++k) {
        char c = w[k];
        lower[k] = c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
      }
      std::string_view l(lower, w.size());
      for (const auto& [name, token] : kWords) {
        if (name == l) return token;
      }
    }
    return PG_QUERY__TOKEN__SELECT;  // a keyword that deepens
  }

  void feed(Splitter& splitter, PgQuery__Token token, std::size_t begin) {
    PgQuery__ScanToken t = PG_QUERY__SCAN_TOKEN__INIT;
    t.start = static_cast<int32_t>(begin);
    t.end = static_cast<int32_t>(i_);
    t.token = token;
    splitter.feed(t, 0);
  }

  bool block_comment() {
    int depth = 0;
    while (i_ < s_.size()) {
      if (at("/*")) {
        ++depth;
        i_ += 2;
      } else if (at("*/")) {
        i_ += 2;
        if (--depth == 0) return true;
      } else {
        ++i_;
      }
    }
    return false;
  }

  // A quoted string or identifier; doubled quotes stay inside. With backslash escapes (an
  // E'' string), a backslash is not ours to judge.
  bool quoted(char q, bool escapes) {
    ++i_;
    while (i_ < s_.size()) {
      char c = s_[i_++];
      if (c == '\\' && escapes) return false;
      if (c != q) continue;
      if (i_ < s_.size() && s_[i_] == q) {
        ++i_;
        continue;
      }
      return true;
    }
    return false;
  }

  // A parameter ($1) or a dollar-quoted string ($tag$ ... $tag$).
  bool dollar() {
    std::size_t begin = i_++;
    if (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') {
      while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') ++i_;
      return i_ >= s_.size() || !word_char(s_[i_]);
    }
    if (i_ < s_.size() && word_start(s_[i_])) {
      while (i_ < s_.size() && word_char(s_[i_]) && s_[i_] != '$') ++i_;
    }
    if (i_ >= s_.size() || s_[i_] != '$') return false;
    ++i_;
    std::string_view delimiter = s_.substr(begin, i_ - begin);
    std::size_t close = s_.find(delimiter, i_);
    if (close == std::string_view::npos) return false;
    i_ = close + delimiter.size();
    return true;
  }

  std::string_view s_;
  std::size_t i_ = 0;
};

// Where the scanner failed in `text` (a byte offset), and why.
ScanError scan_error(const ScanResult& scan, std::string_view text) {
  ScanError e;
  e.message = scan.result.error != nullptr ? scan.result.error->message : "could not scan the SQL";
  // cursorpos counts characters, 1-based.
  int pos = scan.result.error != nullptr ? scan.result.error->cursorpos : 0;
  e.at = pos > 0 ? code_point_offset(text, static_cast<std::size_t>(pos - 1)) : 0;
  return e;
}

// Feeds libpg_query's scanner tokens of `sql` to `feed` (with the offset of the window they
// were scanned in), window by window. When the scanner fails, the tokens before the bad one
// have been fed and its error is returned.
std::optional<ScanError> scan_windows(
    std::string_view sql,
    const std::function<void(const PgQuery__ScanToken&, std::size_t base)>& feed) {
  std::size_t pos = 0;  // where the next window starts: always between two tokens
  std::size_t window = kWindowBytes;
  while (pos < sql.size()) {
    std::size_t end = sql.size() - pos <= window ? sql.size() : pos + window;
    // Never cut a UTF-8 character in two.
    while (end < sql.size() && end > pos &&
           (static_cast<unsigned char>(sql[end]) & 0xC0U) == 0x80U) {
      --end;
    }
    const bool last = end == sql.size();
    std::string text(sql.substr(pos, end - pos));
    auto scan = std::make_unique<ScanResult>(text);
    std::optional<ScanError> failed;
    if (!scan->ok()) {
      // The tokens before the bad one are good: scan them alone. A window that cuts a quote
      // or comment fails there too; the next window starts before it.
      failed = scan_error(*scan, text);
      text.resize(failed->at);
      scan = std::make_unique<ScanResult>(text);
      if (!scan->ok()) {
        // Should not happen: fail at the start of the prefix.
        failed->at = 0;
        text.clear();
        scan.reset();
      }
    }
    std::size_t count = scan ? scan->tokens->n_tokens : 0;
    if (last) {
      for (std::size_t i = 0; i < count; ++i) feed(*scan->tokens->tokens[i], pos);
      if (failed) failed->at += pos;
      return failed;
    }
    // Not the last window: its last token may be cut by the window's end; it is scanned
    // again at the start of the next one.
    if (count < 2) {
      window *= 2;  // one token longer than the window
      continue;
    }
    for (std::size_t i = 0; i + 1 < count; ++i) feed(*scan->tokens->tokens[i], pos);
    pos += static_cast<std::size_t>(scan->tokens->tokens[count - 1]->start);
    window = kWindowBytes;
  }
  return std::nullopt;
}

TokenKind token_kind(const PgQuery__ScanToken& t, std::string_view sql, std::size_t begin) {
  switch (t.token) {
    case PG_QUERY__TOKEN__SQL_COMMENT:
    case PG_QUERY__TOKEN__C_COMMENT:
      return TokenKind::comment;
    case PG_QUERY__TOKEN__SCONST:
    case PG_QUERY__TOKEN__USCONST:
    case PG_QUERY__TOKEN__BCONST:
    case PG_QUERY__TOKEN__XCONST:
      return TokenKind::string;
    case PG_QUERY__TOKEN__IDENT:
    case PG_QUERY__TOKEN__UIDENT:
      // "name" and U&"name" are quoted; a bare name is folded to lower case.
      return t.token == PG_QUERY__TOKEN__UIDENT || (begin < sql.size() && sql[begin] == '"')
                 ? TokenKind::quoted_identifier
                 : TokenKind::name;
    case PG_QUERY__TOKEN__ICONST:
    case PG_QUERY__TOKEN__FCONST:
    case PG_QUERY__TOKEN__PARAM:
      return TokenKind::constant;
    case PG_QUERY__TOKEN__ASCII_41:  // )
    case PG_QUERY__TOKEN__ASCII_93:  // ]
      return TokenKind::close;
    case PG_QUERY__TOKEN__IN_P:
      return TokenKind::in;
    case PG_QUERY__TOKEN__Op:
      return TokenKind::op;
    default:
      // An unreserved keyword can name a column (`data`, `value`, `key`): an operand, as a
      // name is. Other keywords (WHERE, LIKE, VALUES, ...) are followed by an operand.
      return t.keyword_kind == PG_QUERY__KEYWORD_KIND__UNRESERVED_KEYWORD ? TokenKind::name
                                                                          : TokenKind::other;
  }
}

}  // namespace

std::optional<ScanError> scan_statements(std::string_view sql,
                                         const std::function<void(const Statement&)>& statement,
                                         const std::function<void(ByteRange)>& comment) {
  if (sql.size() <= kWindowBytes) {
    std::vector<Statement> statements;
    std::vector<ByteRange> comments;
    if (FastLexer(sql).run(statements, comments)) {
      // In text order, as the scanner would: a statement once its end is reached.
      std::size_t c = 0;
      for (const Statement& st : statements) {
        for (; c < comments.size() && comments[c].begin < st.range.end; ++c) {
          if (comment) comment(comments[c]);
        }
        statement(st);
      }
      for (; c < comments.size(); ++c) {
        if (comment) comment(comments[c]);
      }
      return std::nullopt;
    }
  }
  return scanner_statements(sql, statement, comment);
}

std::optional<ScanError> scanner_statements(std::string_view sql,
                                            const std::function<void(const Statement&)>& statement,
                                            const std::function<void(ByteRange)>& comment) {
  Splitter splitter(statement, comment);
  auto failed = scan_windows(
      sql, [&](const PgQuery__ScanToken& t, std::size_t base) { splitter.feed(t, base); });
  // The statement the bad token is in is not passed on.
  if (!failed) splitter.finish(sql.size());
  return failed;
}

std::optional<ScanError> scan_tokens(std::string_view sql,
                                     const std::function<void(const Token&)>& token) {
  return scan_windows(sql, [&](const PgQuery__ScanToken& t, std::size_t base) {
    std::size_t begin = base + static_cast<std::size_t>(t.start);
    std::size_t end = base + static_cast<std::size_t>(t.end);
    if (t.token == PG_QUERY__TOKEN__UIDENT || t.token == PG_QUERY__TOKEN__USCONST) {
      // The scanner ends U&"..." and U&'...' short (at its start, or one byte after it): the
      // quoted text ends at its first quote that is not doubled.
      std::size_t q = begin + 2;
      if (q < sql.size() && (sql[q] == '"' || sql[q] == '\'')) {
        end = sql.size();
        for (std::size_t i = q + 1; i < sql.size(); ++i) {
          if (sql[i] != sql[q]) continue;
          if (i + 1 < sql.size() && sql[i + 1] == sql[q]) {
            ++i;
            continue;
          }
          end = i + 1;
          break;
        }
      }
    }
    token({{begin, end}, token_kind(t, sql, begin)});
  });
}

std::optional<std::vector<ByteRange>> quick_token_ranges(std::string_view sql) {
  if (sql.size() > kWindowBytes) return std::nullopt;  // scan_tokens' windows decide there
  auto at = [&](std::size_t i, std::string_view p) { return sql.substr(i, p.size()) == p; };
  auto word_start = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
           static_cast<unsigned char>(c) >= 0x80;
  };
  auto word_char = [&](char c) { return word_start(c) || (c >= '0' && c <= '9') || c == '$'; };
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  auto op_char = [](char c) {
    return std::string_view("~!@#^&|`?+-*/%<>=").find(c) != std::string_view::npos;
  };
  // After a quoted string: white space up to another quote (or a comment, which may hide
  // one) continues the string on the next line, as one token. Left to the scanner.
  auto continues = [&](std::size_t i) {
    while (i < sql.size() && (sql[i] == ' ' || sql[i] == '\t' || sql[i] == '\n' || sql[i] == '\r' ||
                              sql[i] == '\f')) {
      ++i;
    }
    return i < sql.size() && (sql[i] == '\'' || at(i, "--") || at(i, "/*"));
  };
  std::vector<ByteRange> out;
  std::size_t i = 0;
  while (i < sql.size()) {
    const char c = sql[i];
    const std::size_t begin = i;
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
      ++i;
      continue;
    }
    if (at(i, "--")) {
      while (i < sql.size() && sql[i] != '\n' && sql[i] != '\r') ++i;
      continue;
    }
    if (at(i, "/*")) {
      int depth = 0;
      while (i < sql.size()) {
        if (at(i, "/*")) {
          ++depth;
          i += 2;
        } else if (at(i, "*/")) {
          i += 2;
          if (--depth == 0) break;
        } else {
          ++i;
        }
      }
      if (depth != 0) return std::nullopt;
      continue;
    }
    if (c == '\'' || c == '"') {
      // Doubled quotes stay inside; no backslash escapes (no E prefix: see words).
      ++i;
      bool closed = false;
      while (i < sql.size()) {
        if (sql[i++] != c) continue;
        if (i < sql.size() && sql[i] == c) {
          ++i;
          continue;
        }
        closed = true;
        break;
      }
      if (!closed || (c == '"' && i == begin + 2) || (c == '\'' && continues(i))) {
        return std::nullopt;
      }
    } else if (c == '$') {
      ++i;
      if (i < sql.size() && digit(sql[i])) {  // a parameter: $1
        while (i < sql.size() && digit(sql[i])) ++i;
        if (i < sql.size() && word_char(sql[i])) return std::nullopt;
      } else {  // a dollar-quoted string: $tag$ ... $tag$
        if (i < sql.size() && word_start(sql[i])) {
          while (i < sql.size() && word_char(sql[i]) && sql[i] != '$') ++i;
        }
        if (i >= sql.size() || sql[i] != '$') return std::nullopt;
        ++i;
        std::string_view delimiter = sql.substr(begin, i - begin);
        std::size_t close = sql.find(delimiter, i);
        if (close == std::string_view::npos) return std::nullopt;
        i = close + delimiter.size();
      }
    } else if (word_start(c)) {
      while (i < sql.size() && word_char(sql[i])) ++i;
      // A prefixed string or identifier (E'', B'', X'', N'', U&'', U&""): the scanner's.
      if (i < sql.size() && (sql[i] == '\'' || sql[i] == '"' || sql[i] == '&')) {
        return std::nullopt;
      }
    } else if (digit(c) || (c == '.' && i + 1 < sql.size() && digit(sql[i + 1]))) {
      // A number: 12, 1.5, .5, 1. (1..2 is an integer before `..`). An exponent, trailing
      // junk (12abc) or another dot after a fraction is the scanner's.
      while (i < sql.size() && digit(sql[i])) ++i;
      if (i < sql.size() && sql[i] == '.' && !at(i, "..")) {
        ++i;
        while (i < sql.size() && digit(sql[i])) ++i;
        if (i < sql.size() && sql[i] == '.') return std::nullopt;
      }
      if (i < sql.size() && word_char(sql[i])) return std::nullopt;
    } else if (c == '.') {
      i += at(i, "..") ? 2 : 1;
    } else if (c == ':') {
      i += at(i, "::") || at(i, ":=") ? 2 : 1;
    } else if (c == '(' || c == ')' || c == '[' || c == ']' || c == ',' || c == ';') {
      ++i;
    } else if (op_char(c)) {
      // The scanner's operator rule: the longest run of operator characters, cut before a
      // comment start; a multi-character operator does not end in + or - unless it holds a
      // character that no SQL operator has (`=-` is two operators, `?-` one).
      while (i < sql.size() && op_char(sql[i])) ++i;
      std::string_view run = sql.substr(begin, i - begin);
      std::size_t n = std::min(run.find("/*"), run.find("--"));
      if (n == std::string_view::npos) n = run.size();
      if (n > 1 && (run[n - 1] == '+' || run[n - 1] == '-') &&
          run.substr(0, n - 1).find_first_of("~!@#^&|`?%") == std::string_view::npos) {
        do {
          --n;
        } while (n > 1 && (run[n - 1] == '+' || run[n - 1] == '-'));
      }
      if (n == 0) return std::nullopt;  // a comment start: handled above, never here
      i = begin + n;
    } else {
      return std::nullopt;
    }
    out.push_back({begin, i});
  }
  return out;
}

std::size_t statement_nesting(std::string_view sql) {
  std::size_t deepest = 0;
  auto error =
      scan_statements(sql, [&](const Statement& s) { deepest = std::max(deepest, s.nesting); });
  return error ? kMaxNesting + 1 : deepest;
}

SplitOutcome split_statements(std::string_view sql) {
  SplitOutcome out;
  auto error = scan_statements(sql, [&](const Statement& s) { out.statements.push_back(s.range); });
  if (error) {
    out.failed = true;
    out.error = std::move(error->message);
    out.error_at = error->at;
  }
  return out;
}

std::string significant_tokens(std::string_view sql) {
  std::string out;
  auto error = scan_tokens(sql, [&](const Token& t) {
    std::string_view text = sql.substr(t.range.begin, t.range.end - t.range.begin);
    if (text.starts_with("--") || text.starts_with("/*")) return;
    out += text;
    out += '\n';
  });
  return error ? std::string(sql) : out;
}

std::vector<ByteRange> comment_ranges(std::string_view sql) {
  std::vector<ByteRange> out;
  (void)scan_statements(
      sql, [](const Statement&) {}, [&](ByteRange r) { out.push_back(r); });
  return out;
}

}  // namespace schemagate::sql
