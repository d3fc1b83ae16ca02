// DO blocks: the SQL statements inside a PL/pgSQL body, found with pg_query_parse_plpgsql.
#include <pg_query.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <memory>
#include <string>

#include "frontends/sql/lower.hpp"

namespace schemagate::sql {

using json::element;

namespace {

struct PlpgsqlResult {
  PgQueryPlpgsqlParseResult result;
  PlpgsqlResult(const PlpgsqlResult&) = delete;
  PlpgsqlResult& operator=(const PlpgsqlResult&) = delete;
  explicit PlpgsqlResult(const std::string& sql) : result(pg_query_parse_plpgsql(sql.c_str())) {}
  ~PlpgsqlResult() { pg_query_free_plpgsql_parse_result(result); }
};

// DO blocks inside DO blocks (EXECUTE-free: written out in the body) followed.
constexpr int kMaxDoNesting = 8;

// A DO block (or part of one) that is not analysed: reported, and an operation nobody can see
// through.
void not_checked(const StatementContext& ctx, std::string message) {
  Operation op;
  op.kind = Unanalyzable{message};
  op.range = ctx.map(ctx.range);
  op.in_loop = ctx.options.in_loop;
  op.in_function = true;
  op.autocommit = ctx.options.autocommit;
  ctx.ops.push_back(std::move(op));
  ctx.issues.push_back({"unsupported-operation", ctx.map(ctx.range), std::move(message),
                        "simplify the DO block, or check it by hand"});
}

// Does the statement start with the keyword DO?
bool starts_with_do(std::string_view query) {
  std::size_t at = query.find_first_not_of(" \t\r\n");
  if (at == std::string_view::npos || query.size() - at < 3) return false;
  auto upper = [](char c) {
    return static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  };
  char after = query[at + 2];
  return upper(query[at]) == 'D' && upper(query[at + 1]) == 'O' &&
         (after == ' ' || after == '\t' || after == '\r' || after == '\n' || after == '$' ||
          after == '\'');
}

bool is_loop(std::string_view kind) {
  return kind == "PLpgSQL_stmt_loop" || kind == "PLpgSQL_stmt_while" ||
         kind == "PLpgSQL_stmt_fori" || kind == "PLpgSQL_stmt_fors" ||
         kind == "PLpgSQL_stmt_forc" || kind == "PLpgSQL_stmt_foreach_a" ||
         kind == "PLpgSQL_stmt_dynfors";
}

class BodyWalker {
 public:
  BodyWalker(std::string_view body, ByteRange where, const StatementContext& ctx)
      : body_(body), where_(where), ctx_(ctx) {}

  void walk(element e, bool in_loop, int depth) {
    if (depth > kMaxWalkDepth) {
      if (!deep_reported_) {
        deep_reported_ = true;
        not_checked(ctx_,
                    "this DO block nests too deeply to analyse; the statements of its innermost "
                    "blocks are not checked");
      }
      return;
    }
    if (e.is_array()) {
      for (element c : simdjson::dom::array(e)) walk(c, in_loop, depth + 1);
      return;
    }
    simdjson::dom::object o;
    if (e.get(o) != simdjson::SUCCESS) return;
    for (auto [kind, v] : o) {
      if (kind == "PLpgSQL_stmt_execsql") {
        if (auto q = json::field(v, "sqlstmt")) {
          if (auto expr = json::as(*q, "PLpgSQL_expr")) {
            embedded(json::str(*expr, "query"), json::integer(v, "lineno"), in_loop);
          }
        }
        continue;
      }
      if (kind == "PLpgSQL_stmt_call") {
        // DO inside a DO block runs its body now (CALL runs a procedure: not followed, as
        // function bodies are not).
        if (auto q = json::field(v, "expr")) {
          if (auto expr = json::as(*q, "PLpgSQL_expr")) {
            std::string_view query = json::str(*expr, "query");
            if (starts_with_do(query)) embedded(query, json::integer(v, "lineno"), in_loop);
          }
        }
        continue;
      }
      if (kind == "PLpgSQL_stmt_dynexecute" || kind == "PLpgSQL_stmt_dynfors") {
        dynamic();
      }
      bool loop = in_loop || is_loop(kind);
      if (v.is_object() || v.is_array()) walk(v, loop, depth + 1);
    }
  }

 private:
  // Byte offset in the body of the start of 1-based `line` (0 when unknown).
  [[nodiscard]] std::size_t line_start(std::int64_t line) const {
    std::size_t at = 0;
    for (std::int64_t l = 1; l < line && at < body_.size(); ++l) {
      std::size_t nl = body_.find('\n', at);
      if (nl == std::string_view::npos) return at;
      at = nl + 1;
    }
    return at;
  }

  // A statement of the body, starting on body line `line`: lower it where it stands in the
  // body text. Searching from its line keeps an earlier comment or string that happens to
  // hold the same text from being taken for it.
  void embedded(std::string_view query, std::int64_t line, bool in_loop) {
    std::size_t at = std::string_view::npos;
    if (where_.end > where_.begin) {
      at = body_.find(query, std::max(cursor_, line_start(line)));
      if (at == std::string_view::npos) at = body_.find(query, cursor_);
    }
    LowerOptions options = ctx_.options;
    options.in_loop = options.in_loop || in_loop;
    options.in_function = true;
    ++options.do_depth;
    if (at == std::string_view::npos) {
      // Not found verbatim: every finding points at the DO statement.
      ByteRange whole = ctx_.map(ctx_.range);
      RangeMap to_stmt = [whole](ByteRange) { return whole; };
      lower(query, to_stmt, options, ctx_.ops, ctx_.issues);
      return;
    }
    cursor_ = at + query.size();
    std::size_t base = where_.begin + at;
    const RangeMap& outer = ctx_.map;
    RangeMap inner = [&outer, base](ByteRange r) { return outer({base + r.begin, base + r.end}); };
    lower(query, inner, options, ctx_.ops, ctx_.issues);
  }

  // Dynamic SQL in the block: one finding and one opaque operation for the DO statement,
  // however many EXECUTEs it has (each would be reported at the same place, the DO
  // statement, with the same words).
  void dynamic() {
    if (dynamic_reported_) return;
    dynamic_reported_ = true;
    FrontendIssue issue;
    issue.rule = "dynamic-sql";
    issue.range = ctx_.map(ctx_.range);
    issue.message = "EXECUTE in a DO block runs SQL built at run time; it can't be checked";
    issue.help = "write the statements out, or review the generated SQL by hand";
    Operation op;
    op.kind = Unanalyzable{issue.message};
    op.range = issue.range;
    op.in_function = true;
    ctx_.ops.push_back(std::move(op));
    ctx_.issues.push_back(std::move(issue));
  }

  // JSON levels of the PL/pgSQL tree followed (some three per nested block).
  static constexpr int kMaxWalkDepth = 1000;

  std::string_view body_;
  ByteRange where_;
  const StatementContext& ctx_;
  std::size_t cursor_ = 0;
  bool deep_reported_ = false;
  bool dynamic_reported_ = false;
};

}  // namespace

void lower_do_block(std::string_view body_text, ByteRange body, const StatementContext& ctx) {
  if (ctx.options.do_depth >= kMaxDoNesting) {
    not_checked(ctx, "DO blocks nested more than " + std::to_string(kMaxDoNesting) +
                         " deep; this one is not checked");
    return;
  }
  std::string tag = "$sg$";
  for (int i = 0; body_text.find(tag) != std::string_view::npos; ++i) {
    tag = "$sg" + std::to_string(i) + "$";
  }
  std::string prefix = "CREATE FUNCTION schemagate_do() RETURNS void LANGUAGE plpgsql AS " + tag;
  std::string wrapped = prefix + std::string(body_text) + tag + ";";
  PlpgsqlResult parsed(wrapped);
  if (parsed.result.error != nullptr) {
    FrontendIssue issue;
    issue.rule = "syntax-error";
    issue.range = ctx.map(ctx.range);
    int pos = parsed.result.error->cursorpos;
    auto prefix_chars = static_cast<int>(count_code_points(prefix));
    if (body.end > body.begin && pos > prefix_chars) {
      std::size_t off =
          code_point_offset(body_text, static_cast<std::size_t>(pos - prefix_chars - 1));
      std::size_t at = body.begin + std::min(off, body_text.size());
      issue.range = ctx.map({at, std::min(at + 1, body.end)});
    }
    issue.message = std::string("in DO block: ") + parsed.result.error->message;
    issue.help = "fix the PL/pgSQL so that PostgreSQL can parse it";
    issue.from_parser = true;
    ctx.issues.push_back(std::move(issue));
    return;
  }
  std::unique_ptr<simdjson::dom::parser> parser = json::make_parser();
  element root;
  std::string_view json(parsed.result.plpgsql_funcs);
  if (auto error = parser->parse(json.data(), json.size()).get(root); error != simdjson::SUCCESS) {
    if (error == simdjson::DEPTH_ERROR) {
      not_checked(ctx, "this DO block nests too deeply to analyse; it is not checked");
    } else {
      ctx.issues.push_back({"internal-error", ctx.map(ctx.range),
                            "could not read the parser's output for this DO block", ""});
    }
    return;
  }
  BodyWalker(body_text, body, ctx).walk(root, false, 0);
}

}  // namespace schemagate::sql
