#include "frontends/sql/split.hpp"
#include "frontends/sql/sql_frontend.hpp"

#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>

namespace schemagate::sql {

namespace {

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
};

// Splits the tokens of `sql` at top-level semicolons. `BEGIN ATOMIC ... END` bodies
// (SQL-standard function bodies) keep their inner semicolons.
void split_tokens(const PgQuery__ScanResult& scan, std::size_t size, std::vector<ByteRange>& out) {
  std::size_t start = 0;
  int atomic_depth = 0;
  PgQuery__Token previous = PG_QUERY__TOKEN__NUL;
  for (std::size_t i = 0; i < scan.n_tokens; ++i) {
    const PgQuery__ScanToken& t = *scan.tokens[i];
    if (t.token == PG_QUERY__TOKEN__ATOMIC && previous == PG_QUERY__TOKEN__BEGIN_P) ++atomic_depth;
    if (t.token == PG_QUERY__TOKEN__END_P && atomic_depth > 0) --atomic_depth;
    if (t.token == PG_QUERY__TOKEN__ASCII_59 && atomic_depth == 0) {
      out.push_back({start, static_cast<std::size_t>(t.start)});
      start = static_cast<std::size_t>(t.end);
    }
    if (t.token != PG_QUERY__TOKEN__SQL_COMMENT && t.token != PG_QUERY__TOKEN__C_COMMENT) {
      previous = t.token;
    }
  }
  if (start < size) out.push_back({start, size});
}

}  // namespace

SplitOutcome split_statements(std::string_view sql) {
  SplitOutcome out;
  std::string text(sql);
  ScanResult scan(text);
  if (scan.result.error == nullptr && scan.tokens != nullptr) {
    split_tokens(*scan.tokens, sql.size(), out.statements);
    return out;
  }
  out.failed = true;
  out.error = scan.result.error != nullptr ? scan.result.error->message : "could not scan the SQL";
  // cursorpos counts characters, 1-based.
  int pos = scan.result.error != nullptr ? scan.result.error->cursorpos : 0;
  out.error_at = pos > 0 ? code_point_offset(sql, static_cast<std::size_t>(pos - 1)) : 0;
  // Everything before the bad token scans; the statements that end before it are whole.
  if (out.error_at > 0) {
    std::string prefix(sql.substr(0, out.error_at));
    ScanResult before(prefix);
    if (before.result.error == nullptr && before.tokens != nullptr) {
      split_tokens(*before.tokens, prefix.size(), out.statements);
      if (!out.statements.empty() && out.statements.back().end == prefix.size()) {
        out.statements.pop_back();  // the statement the bad token is in
      }
    }
  }
  return out;
}

std::vector<ByteRange> comment_ranges(std::string_view sql) {
  std::vector<ByteRange> out;
  std::string text(sql);
  ScanResult scan(text);
  if (scan.tokens == nullptr) return out;
  for (std::size_t i = 0; i < scan.tokens->n_tokens; ++i) {
    const PgQuery__ScanToken& t = *scan.tokens->tokens[i];
    if (t.token == PG_QUERY__TOKEN__SQL_COMMENT || t.token == PG_QUERY__TOKEN__C_COMMENT) {
      out.push_back({static_cast<std::size_t>(t.start), static_cast<std::size_t>(t.end)});
    }
  }
  return out;
}

}  // namespace schemagate::sql
