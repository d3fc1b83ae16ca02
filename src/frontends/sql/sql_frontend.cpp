// SQL text → statements → IR, with exact positions and syntax errors that don't stop the file.
#include "frontends/sql/sql_frontend.hpp"

#include <pg_query.h>

#include <algorithm>
#include <cctype>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "frontends/sql/lower.hpp"
#include "frontends/sql/split.hpp"

namespace schemagate::sql {

std::size_t block_comment_end(std::string_view s, std::size_t pos, std::size_t end) {
  int depth = 0;
  while (pos < end) {
    if (s.substr(pos, 2) == "/*") {
      ++depth;
      pos += 2;
    } else if (s.substr(pos, 2) == "*/") {
      pos += 2;
      if (--depth == 0) break;
    } else {
      ++pos;
    }
  }
  return pos;
}

namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// Skips white space and comments ("--" to the line end, nested "/* */") from `pos`.
std::size_t skip_trivia(std::string_view s, std::size_t pos, std::size_t end) {
  while (pos < end) {
    if (is_space(s[pos])) {
      ++pos;
    } else if (s.substr(pos, 2) == "--") {
      while (pos < end && s[pos] != '\n' && s[pos] != '\r') ++pos;
    } else if (s.substr(pos, 2) == "/*") {
      pos = block_comment_end(s, pos, end);
    } else {
      break;
    }
  }
  return pos;
}

// The statement without the white space and comments around it.
ByteRange trim(std::string_view s, std::size_t begin, std::size_t end) {
  begin = skip_trivia(s, begin, end);
  while (end > begin && is_space(s[end - 1])) --end;
  return {begin, end};
}

struct ParseResult {
  PgQueryParseResult result;
  ParseResult(const ParseResult&) = delete;
  ParseResult& operator=(const ParseResult&) = delete;
  explicit ParseResult(const std::string& sql) : result(pg_query_parse(sql.c_str())) {}
  ~ParseResult() { pg_query_free_parse_result(result); }
};

// simdjson parsers are reused across statements; DO blocks lower SQL while the outer
// document is still being read, so each nesting level leases its own.
class ParserLease {
 public:
  ParserLease() {
    if (depth() == pool().size()) pool().push_back(json::make_parser());
    parser_ = pool()[depth()++].get();
  }
  ParserLease(const ParserLease&) = delete;
  ParserLease& operator=(const ParserLease&) = delete;
  ~ParserLease() { --depth(); }
  simdjson::dom::parser& get() { return *parser_; }

 private:
  static std::vector<std::unique_ptr<simdjson::dom::parser>>& pool() {
    thread_local std::vector<std::unique_ptr<simdjson::dom::parser>> parsers;
    return parsers;
  }
  static std::size_t& depth() {
    thread_local std::size_t d = 0;
    return d;
  }
  simdjson::dom::parser* parser_;
};

// The token at `pos`: a word, or one character.
ByteRange token_at(std::string_view s, std::size_t pos, std::size_t end) {
  auto word = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' ||
           static_cast<unsigned char>(c) >= 0x80;
  };
  if (pos >= end) return {end, end};
  std::size_t stop = pos + 1;
  if (word(s[pos])) {
    while (stop < end && word(s[stop])) ++stop;
  } else {
    while (stop < end && (static_cast<unsigned char>(s[stop]) & 0xC0U) == 0x80U) ++stop;
  }
  return {pos, stop};
}

class FileLowerer {
 public:
  FileLowerer(std::string_view sql, const RangeMap& map, const LowerOptions& options,
              std::vector<Operation>& ops, std::vector<FrontendIssue>& issues)
      : sql_(sql), map_(map), options_(options), ops_(ops), issues_(issues) {}

  void run() {
    std::vector<Statement> batch;
    std::size_t batch_bytes = 0;
    auto error = scan_statements(sql_, [&](const Statement& s) {
      batch.push_back(s);
      batch_bytes += s.range.end - s.range.begin;
      if (batch_bytes >= kBatchBytes) {
        lower_batch(batch);
        batch.clear();
        batch_bytes = 0;
      }
    });
    lower_batch(batch);
    if (error) {
      // The scanner itself failed (an unterminated quote or comment): what follows the bad
      // token can't be read as SQL.
      report_syntax_error(error->message.c_str(), error->at, sql_.size(), false);
    }
  }

 private:
  // Statements are parsed this many bytes at a time (at least one statement at a time), so
  // that the parser's memory stays bounded however large the file.
  static constexpr std::size_t kBatchBytes = std::size_t{1} << 20U;

  // Consecutive statements: parsed together when they all can be; when something does not
  // parse, one by one, so that the error lands on its statement and the others are linted.
  void lower_batch(const std::vector<Statement>& batch) {
    if (batch.empty()) return;
    bool together = std::all_of(batch.begin(), batch.end(), [](const Statement& s) {
      return s.nesting <= kMaxNesting && s.range.end - s.range.begin <= kMaxStatementBytes;
    });
    if (together) {
      std::size_t begin = batch.front().range.begin;
      std::size_t end = batch.back().range.end;
      ParseResult whole(std::string(sql_.substr(begin, end - begin)));
      if (whole.result.error == nullptr &&
          lower_tree(whole.result.parse_tree, begin, end, batch.size() > 1)) {
        return;
      }
    }
    for (const Statement& s : batch) {
      ByteRange r = trim(sql_, s.range.begin, s.range.end);
      if (r.begin >= r.end) continue;
      if (s.range.end - s.range.begin > kMaxStatementBytes) {
        not_checked(r, "this statement is too large to analyse (" +
                           std::to_string((r.end - r.begin) >> 20U) + " MiB; the limit is " +
                           std::to_string(kMaxStatementBytes >> 20U) + " MiB); it is not checked");
        continue;
      }
      if (s.nesting > kMaxNesting) {
        not_checked(r, "this statement nests too deeply to analyse (more than " +
                           std::to_string(kMaxNesting) +
                           " levels of expressions, subqueries, unions or joins); it is not "
                           "checked");
        continue;
      }
      ParseResult parsed(std::string(sql_.substr(r.begin, r.end - r.begin)));
      if (parsed.result.error != nullptr) {
        std::size_t at = char_offset(r.begin, r.end, parsed.result.error->cursorpos);
        report_syntax_error(parsed.result.error->message, at, r.end);
        if (!lower_without_named_not_null(r)) salvage_create_table(r);
        continue;
      }
      lower_tree(parsed.result.parse_tree, r.begin, r.end);
    }
  }

  // A token of a statement: keywords and bare names lower-cased; a quoted identifier as
  // written, or, with `unquote`, its name (empty for U&"...", not read).
  struct Word {
    ByteRange range;
    std::string text;
    TokenKind kind;
  };
  // The tokens of `text`, comments left out, at most `limit` of them.
  static std::vector<Word> words_of(std::string_view text, bool unquote,
                                    std::size_t limit = std::numeric_limits<std::size_t>::max()) {
    std::vector<Word> words;
    (void)scan_tokens(text, [&](const Token& t) {
      if (t.kind == TokenKind::comment || words.size() >= limit) return;
      std::string w(text.substr(t.range.begin, t.range.end - t.range.begin));
      if (t.kind != TokenKind::quoted_identifier) {
        for (char& c : w) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      } else if (unquote) {
        std::string name;
        if (w.size() >= 2 && w.front() == '"') {
          for (std::size_t i = 1; i + 1 < w.size(); ++i) {
            name += w[i];
            if (w[i] == '"') ++i;  // "" stands for one "
          }
        }
        w = std::move(name);
      }
      words.push_back({t.range, std::move(w), t.kind});
    });
    return words;
  }

  // PostgreSQL 18's named NOT NULL constraints (`CONSTRAINT c NOT NULL col` in a CREATE
  // TABLE, `ADD CONSTRAINT c NOT NULL col` in an ALTER TABLE), which the PostgreSQL 15 parser
  // rejects: with those elements (and a comma next to each) blanked out, the rest of the
  // statement is lowered as written, at the same offsets, so that replay knows the columns
  // and tables it creates (lemmy rebuilds tables and columns this way in its downgrades).
  // The syntax error stays reported. False when there is no such element or the statement
  // still does not parse.
  bool lower_without_named_not_null(ByteRange r) {
    std::string text(sql_.substr(r.begin, r.end - r.begin));
    const std::vector<Word> words = words_of(text, false);
    auto is = [&](std::size_t i, std::string_view keyword) {
      return i < words.size() && words[i].kind != TokenKind::quoted_identifier &&
             words[i].text == keyword;
    };
    auto identifier = [&](std::size_t i) {
      return i < words.size() &&
             (words[i].kind == TokenKind::name || words[i].kind == TokenKind::quoted_identifier);
    };
    auto blank = [&](std::size_t from, std::size_t to) {
      for (std::size_t k = from; k < to; ++k) {
        if (text[k] != '\n' && text[k] != '\r') text[k] = ' ';
      }
    };
    bool changed = false;
    for (std::size_t i = 0; i + 4 < words.size(); ++i) {
      if (!is(i, "constraint") || !identifier(i + 1) || !is(i + 2, "not") || !is(i + 3, "null") ||
          !identifier(i + 4)) {
        continue;
      }
      std::size_t first = i > 0 && is(i - 1, "add") ? i - 1 : i;
      std::size_t last = i + 4;
      if (is(last + 1, ",")) {
        ++last;
      } else if (first > 0 && is(first - 1, ",")) {
        --first;
      } else {
        continue;  // the statement's only element: nothing is left to lower
      }
      blank(words[first].range.begin, words[last].range.end);
      changed = true;
      i = last;
    }
    if (!changed) return false;
    ParseResult parsed(text);
    if (parsed.result.error != nullptr) return false;
    return lower_tree(parsed.result.parse_tree, r.begin, r.end);
  }

  // A CREATE TABLE the parser rejects (a newer release's syntax: PostgreSQL 18's
  // `CONSTRAINT c NOT NULL col`, 16's subquery without an alias in a CREATE TABLE AS) still
  // creates its table when the migration runs: its name, read from the statement's head,
  // tells replay that the table is new, so that the statements after it on that table are not
  // taken for changes to an existing one (lemmy's post_read, built again and indexed in a
  // downgrade; post_actions, made by a CREATE TABLE AS). Its columns stay unknown.
  void salvage_create_table(ByteRange r) {
    // The statement's first tokens: the head of a CREATE TABLE.
    const std::vector<Word> words = words_of(sql_.substr(r.begin, r.end - r.begin), true, 11);
    std::size_t at = 0;
    auto next = [&]() -> const Word* { return at < words.size() ? &words[at++] : nullptr; };
    auto is = [&](const Word* w, std::string_view keyword) {
      return w != nullptr && w->kind != TokenKind::quoted_identifier && w->text == keyword;
    };
    auto identifier = [](const Word* w) {
      return w != nullptr && !w->text.empty() &&
             (w->kind == TokenKind::name || w->kind == TokenKind::quoted_identifier);
    };
    if (!is(next(), "create")) return;
    const Word* w = next();
    if (is(w, "global") || is(w, "local")) w = next();
    if (is(w, "temp") || is(w, "temporary")) return;  // gone at the end of the session
    if (is(w, "unlogged")) w = next();
    if (!is(w, "table")) return;
    CreateTable create;
    w = next();
    if (is(w, "if")) {
      if (!is(next(), "not") || !is(next(), "exists")) return;
      create.if_not_exists = true;
      w = next();
    }
    if (!identifier(w)) return;
    create.table.name = w->text;
    w = next();
    if (is(w, ".")) {
      w = next();
      if (!identifier(w)) return;
      create.table.schema = std::move(create.table.name);
      create.table.name = w->text;
      w = next();
    }
    // CREATE TABLE name AS SELECT ... (PostgreSQL 16's subquery without an alias, lemmy's
    // post_actions): a new table with the query's rows.
    create.as_select = is(w, "as");
    if (!is(w, "(") && !create.as_select) return;
    create.keys_unknown = true;  // its constraints are not read
    push(std::move(create), r);
  }

  // An operation of the statement at `r`, with the options' context.
  void push(OperationKind kind, ByteRange r) {
    Operation op;
    op.kind = std::move(kind);
    op.range = map_(r);
    op.in_loop = options_.in_loop;
    op.in_function = options_.in_function;
    op.autocommit = options_.autocommit;
    ops_.push_back(std::move(op));
  }

  // A statement that is not analysed: reported, and an operation nobody can see through.
  void not_checked(ByteRange r, std::string message) {
    ByteRange where = map_(token_at(sql_, r.begin, r.end));
    push(Unanalyzable{message}, r);
    issues_.push_back({"unsupported-operation", where, std::move(message),
                       "split the statement into smaller ones, or check it by hand"});
  }

  // Byte offset of 1-based character `cursorpos` counted from `base` (0: unknown → base).
  [[nodiscard]] std::size_t char_offset(std::size_t base, std::size_t end, int cursorpos) const {
    if (cursorpos <= 0) return base;
    std::string_view rest = sql_.substr(base, end - base);
    return base + code_point_offset(rest, static_cast<std::size_t>(cursorpos - 1));
  }

  // `from_parser`: PostgreSQL's parser rejected the statement (not the scanner: an
  // unterminated quote or comment is an error in every release).
  void report_syntax_error(const char* message, std::size_t at, std::size_t end,
                           bool from_parser = true) {
    FrontendIssue issue;
    issue.rule = "syntax-error";
    issue.range = map_(token_at(sql_, at, end));
    issue.message = message != nullptr ? message : "syntax error";
    // The parser quotes the rest of the input after an unterminated string: keep one line.
    if (auto nl = issue.message.find_first_of("\r\n"); nl != std::string::npos) {
      issue.message.resize(nl);
      issue.message += "...\"";
    }
    issue.help =
        "fix the SQL so that PostgreSQL can parse it; the other statements are still checked";
    issue.from_parser = from_parser;
    issues_.push_back(std::move(issue));
  }

  // Lowers the statements of a parse tree whose locations are relative to `base`. False,
  // with nothing lowered, when the tree nests too deeply to read and `several` statements
  // are in it (the caller then lowers them one at a time); for one statement, that is
  // reported.
  bool lower_tree(const char* tree, std::size_t base, std::size_t limit, bool several = false) {
    simdjson::dom::element root;
    std::string_view json(tree);
    ParserLease parser;
    if (auto error = parser.get().parse(json.data(), json.size()).get(root);
        error != simdjson::SUCCESS) {
      if (error == simdjson::DEPTH_ERROR) {
        if (several) return false;
        not_checked(trim(sql_, base, limit),
                    "this statement nests too deeply to analyse; it is not checked");
        return true;
      }
      FrontendIssue issue{"internal-error", map_({base, base}),
                          "could not read the parser's output for this statement", ""};
      issues_.push_back(std::move(issue));
      return true;
    }
    for (json::element s : json::list(root, "stmts")) {
      auto stmt = json::field(s, "stmt");
      if (!stmt) continue;
      std::size_t begin = base + static_cast<std::size_t>(json::integer(s, "stmt_location"));
      auto len = static_cast<std::size_t>(json::integer(s, "stmt_len"));
      std::size_t end = len == 0 ? limit : begin + len;
      ByteRange r = trim(sql_, begin, end);
      StatementContext ctx{sql_, r, base, map_, options_, ops_, issues_, &dynamic_functions_};
      lower_statement(*stmt, ctx);
    }
    return true;
  }

  std::string_view sql_;
  const RangeMap& map_;
  const LowerOptions& options_;
  std::vector<Operation>& ops_;
  std::vector<FrontendIssue>& issues_;
  std::vector<std::string> dynamic_functions_;
};

}  // namespace

int parser_major_version() { return PG_VERSION_NUM / 10000; }

void lower(std::string_view sql, const RangeMap& map, const LowerOptions& options,
           std::vector<Operation>& ops, std::vector<FrontendIssue>& issues) {
  FileLowerer(sql, map, options, ops, issues).run();
}

namespace {

// `expr` read as one SQL expression (`SELECT expr`), handed to `use`; nullopt when it isn't one.
template <typename Use>
auto with_expression(std::string_view expr, Use use)
    -> std::optional<decltype(use(std::declval<json::element>()))> {
  if (expr.find_first_not_of(" \t\r\n") == std::string_view::npos) return std::nullopt;
  std::string sql = "SELECT " + std::string(expr);
  if (sql.size() > kMaxStatementBytes || statement_nesting(sql) > kMaxNesting) return std::nullopt;
  ParseResult parsed(sql);
  if (parsed.result.error != nullptr) return std::nullopt;
  simdjson::dom::element root;
  std::string_view tree(parsed.result.parse_tree);
  ParserLease parser;
  if (parser.get().parse(tree.data(), tree.size()).get(root) != simdjson::SUCCESS) {
    return std::nullopt;
  }
  std::vector<json::element> stmts = json::list(root, "stmts");
  if (stmts.size() != 1) return std::nullopt;
  auto stmt = json::field(stmts[0], "stmt");
  auto select = stmt ? json::as(*stmt, "SelectStmt") : std::nullopt;
  if (!select || json::field(*select, "fromClause")) return std::nullopt;
  std::vector<json::element> targets = json::list(*select, "targetList");
  if (targets.size() != 1) return std::nullopt;
  auto target = json::as(targets[0], "ResTarget");
  auto val = target ? json::field(*target, "val") : std::nullopt;
  if (!val) return std::nullopt;
  return use(*val);
}

}  // namespace

std::optional<DefaultValue> default_expression(std::string_view expr) {
  return with_expression(expr, [](json::element e) { return default_value(e); });
}

bool using_expression_is_column(std::string_view expr, std::string_view column,
                                const TypeName& to) {
  return with_expression(expr, [&](json::element e) { return using_is_column(e, column, to); })
      .value_or(false);
}

}  // namespace schemagate::sql
