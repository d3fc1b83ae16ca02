// SQL executed by a revision (op.execute, conn.execute, ...): string literals go through
// the SQL frontend with every byte mapped back into the .py file; SQLAlchemy Core statements
// become data changes; SQL built at run time is reported as dynamic-sql.
#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "frontends/alembic/interp.hpp"
#include "frontends/sql/split.hpp"
#include "frontends/sql/sql_frontend.hpp"

namespace schemagate::alembic {

namespace {

// SQLAlchemy DDL elements people pass to op.execute().
bool ddl_element(std::string_view name) {
  for (std::string_view n :
       {"CreateSequence", "DropSequence", "CreateTable", "DropTable", "CreateIndex", "DropIndex",
        "AddConstraint", "DropConstraint", "CreateSchema", "DropSchema", "CreateColumn",
        "SetTableComment", "DropTableComment", "SetColumnComment", "DropColumnComment",
        "CreateView", "DropView", "ReplaceableObject"}) {
    if (name == n) return true;
  }
  return false;
}

bool word(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         static_cast<unsigned char>(c) >= 0x80;
}

// Binds (interp.hpp) says which bind parameters a call's SQL has; this finds them and gives
// each a neutral value, a string literal as psycopg substitutes one, which parses wherever a
// driver's value can go (`SET lock_timeout = '%s'`, `INTERVAL '%s'`, `LIMIT '%s'`). The
// string holds the placeholder as written: a finding that quotes the value shows it, and it
// does not read as a number (SET lock_timeout = '0' would switch the timeout off). After IN
// the value is a tuple, which psycopg adapts to a list and SQLAlchemy expands (an expanding
// bindparam): ('%s'). The escapes become what the database receives (%% → %, \: → :).
// Placeholders are found outside string literals, quoted identifiers and comments with
// libpg_query's scanner (after an unterminated quote or comment, nowhere: the SQL frontend
// reports it); the escapes everywhere, as psycopg and SQLAlchemy apply them to the whole
// string.
// - Binds::text (SQLAlchemy's compiler): `:name` where the regex
//   (?<![:\w$\\]):([\w$]+)(?![:\w$]) finds it: not after a word character, a colon or a
//   backslash, not followed by a colon, so `x::int` and `a[1:2]` stay (and so does
//   `:name::int`, which SQLAlchemy leaves as it is). `\:` followed by a name that is not
//   followed by a colon is an escaped colon. `%` and `?` are themselves.
// - Binds::driver, driver_params (psycopg's paramstyle): %s and %(name)s; %% is one percent
//   sign. With parameters and no %s or %(name)s, a `?` where a value goes is a qmark
//   placeholder (sqlite3, pyodbc): a `?` operator after no operand, or ending an operator
//   (`=?` scans as one); never after an operand (`data ? 'k'`, `(a->'b') ? 'k'`: jsonb's
//   operator), and `?|`, `?&`, `@?` are operators. When there are qmarks the driver is not
//   psycopg, and %% stays.
// - Binds::raw: the SQL goes as it is.
class BindValues {
 public:
  BindValues(std::string_view sql, Binds binds) : sql_(sql), binds_(binds) {}

  sql::Expanded run() {
    std::string_view marks = binds_ == Binds::text ? ":\\" : "%?";
    if (binds_ == Binds::raw || sql_.find_first_of(marks) == std::string_view::npos) {
      return {std::string(sql_), {}, {}};
    }
    if (binds_ == Binds::text) {
      text_binds();
    } else {
      bool placeholders = percent_binds();
      if (binds_ == Binds::driver_params && !placeholders) {
        std::vector<Edit> escapes = std::move(edits_);
        edits_.clear();
        t_ = 0;
        qmark_binds();
        if (edits_.empty()) edits_ = std::move(escapes);  // psycopg after all
      }
    }
    return expanded();
  }

 private:
  struct Edit {
    std::size_t begin = 0;
    std::size_t end = 0;
    std::string text;
  };

  [[nodiscard]] static bool quoted(sql::TokenKind k) {
    return k == sql::TokenKind::comment || k == sql::TokenKind::string ||
           k == sql::TokenKind::quoted_identifier;
  }
  [[nodiscard]] static bool operand(sql::TokenKind k) {
    return k == sql::TokenKind::name || k == sql::TokenKind::constant ||
           k == sql::TokenKind::close || k == sql::TokenKind::string ||
           k == sql::TokenKind::quoted_identifier;
  }

  // Scans the SQL's tokens, once, when a place that may hold a placeholder is first asked
  // about: most SQL has none (its colons are casts, or inside words and literals).
  void scan() {
    if (scanned_) return;
    scanned_ = true;
    auto failed = sql::scan_tokens(sql_, [&](const sql::Token& t) { tokens_.push_back(t); });
    code_end_ = failed ? failed->at : sql_.size();
  }
  // Moves the token cursor to the first token that ends after `i` (calls come in text order).
  void seek(std::size_t i) {
    scan();
    while (t_ < tokens_.size() && tokens_[t_].range.end <= i) ++t_;
  }
  // Is `i` in code (not in a literal, a quoted identifier or a comment)?
  [[nodiscard]] bool code(std::size_t i) {
    scan();
    if (i >= code_end_) return false;
    seek(i);
    return t_ >= tokens_.size() || tokens_[t_].range.begin > i || !quoted(tokens_[t_].kind);
  }
  // What comes before a placeholder at `i`, comments skipped: nullopt at the start; `op` when
  // the placeholder begins inside an operator (`=%s` scans as `=%` and `s`).
  [[nodiscard]] std::optional<sql::TokenKind> before(std::size_t i) {
    seek(i);
    if (t_ < tokens_.size() && tokens_[t_].range.begin < i) return sql::TokenKind::op;
    for (std::size_t k = t_; k > 0; --k) {
      if (tokens_[k - 1].kind != sql::TokenKind::comment) return tokens_[k - 1].kind;
    }
    return std::nullopt;
  }
  void value(std::size_t begin, std::size_t end) {
    std::string text = "'";
    for (char c : sql_.substr(begin, end - begin)) {
      if (c == '\'') text += c;
      text += c;
    }
    text += '\'';
    if (before(begin) == sql::TokenKind::in) text = "(" + text + ")";
    edits_.push_back({begin, end, std::move(text)});
  }

  void text_binds() {
    auto name_char = [](char c) { return word(c) || c == '$'; };
    for (std::size_t i = 0; i < sql_.size(); ++i) {
      if (sql_[i] == '\\' && i + 1 < sql_.size() && sql_[i + 1] == ':') {
        std::size_t j = i + 2;
        while (j < sql_.size() && name_char(sql_[j])) ++j;
        if (j == sql_.size() || sql_[j] != ':') edits_.push_back({i, i + 1, ""});
        ++i;  // the colon after a backslash is no bind
        continue;
      }
      if (sql_[i] != ':' || (i > 0 && (name_char(sql_[i - 1]) || sql_[i - 1] == ':'))) continue;
      std::size_t j = i + 1;
      while (j < sql_.size() && name_char(sql_[j])) ++j;
      if (j == i + 1 || (j < sql_.size() && sql_[j] == ':') || !code(i)) {
        i = j - 1;
        continue;
      }
      value(i, j);
      i = j - 1;
    }
  }

  // psycopg's %s, %(name)s and %%; true when there is a placeholder.
  bool percent_binds() {
    bool found = false;
    for (std::size_t i = 0; i + 1 < sql_.size(); ++i) {
      if (sql_[i] != '%') continue;
      char next = sql_[i + 1];
      if (next == '%') {
        edits_.push_back({i, i + 2, "%"});
        ++i;
      } else if (next == 's' && code(i)) {
        value(i, i + 2);
        found = true;
        ++i;
      } else if (next == '(' && code(i)) {
        std::size_t close = sql_.find_first_of(")%", i + 2);
        if (close == std::string_view::npos || sql_[close] != ')' || close + 1 >= sql_.size() ||
            sql_[close + 1] != 's') {
          continue;
        }
        value(i, close + 2);
        found = true;
        i = close + 1;
      }
    }
    return found;
  }

  // A `?` where a value goes: a `?` token after no operand, or ending an operator that is
  // followed by a value (`=?`, scanned as one operator).
  void qmark_binds() {
    static constexpr std::string_view kBefore[] = {
        "=", "<>", "!=", "<", ">", "<=", ">=", "+", "-", "*", "/", "||"};
    for (std::size_t i = sql_.find('?'); i != std::string_view::npos; i = sql_.find('?', i + 1)) {
      if (!code(i) || t_ >= tokens_.size() || tokens_[t_].range.begin > i ||
          tokens_[t_].kind != sql::TokenKind::op) {
        continue;
      }
      ByteRange op = tokens_[t_].range;
      std::string_view text = sql_.substr(op.begin, op.end - op.begin);
      bool placeholder = false;
      if (text == "?") {
        auto b = before(i);
        placeholder = !b || !operand(*b);
      } else if (i + 1 == op.end) {
        std::string_view head = text.substr(0, text.size() - 1);
        for (std::string_view o : kBefore) placeholder = placeholder || head == o;
      }
      if (placeholder) value(i, i + 1);
    }
  }

  sql::Expanded expanded() {
    std::sort(edits_.begin(), edits_.end(),
              [](const Edit& a, const Edit& b) { return a.begin < b.begin; });
    sql::Expanded out;
    std::size_t pos = 0;
    for (const Edit& e : edits_) {
      out.text.append(sql_.substr(pos, e.begin - pos));
      sql::TemplateEdit te;
      te.in_begin = e.begin;
      te.in_end = e.end;
      te.out_begin = out.text.size();
      out.text.append(e.text);
      te.out_end = out.text.size();
      out.edits.push_back(te);
      pos = e.end;
    }
    out.text.append(sql_.substr(pos));
    return out;
  }

  std::string_view sql_;
  Binds binds_;
  std::vector<sql::Token> tokens_;
  bool scanned_ = false;
  std::size_t t_ = 0;
  std::size_t code_end_ = 0;
  std::vector<Edit> edits_;
};

// Where the byte at `in` of the original is in the expanded text (a byte replaced: where its
// replacement begins).
std::size_t expanded_offset(const sql::Expanded& x, std::size_t in) {
  std::size_t out = in;
  for (const sql::TemplateEdit& e : x.edits) {
    if (e.in_begin > in) break;
    if (in < e.in_end) return e.out_begin;
    out = e.out_end + (in - e.in_end);
  }
  return out;
}

bool blank(std::string_view s) {
  return s.find_first_not_of(" \t\r\n\f\v;") == std::string_view::npos;
}

}  // namespace

sql::Expanded bind_values(std::string_view sql, Binds binds) {
  return BindValues(sql, binds).run();
}

std::function<ByteRange(ByteRange)> Interp::literal_map(std::shared_ptr<const py::Literal> lit,
                                                        const PyFile* file, py::Node call,
                                                        const Frame& f) const {
  if (file == &revision_) {
    return [lit](ByteRange r) { return lit->map(r); };
  }
  ByteRange at = where(call, f.file, f);
  return [at](ByteRange) { return at; };
}

void Interp::execute(const Arg& sql, py::Node call, Frame& f, int depth, Binds binds) {
  if (f.quiet || sql.null()) return;
  Value v = arg(sql, f, depth);
  std::size_t first = f.ops != nullptr ? f.ops->size() : 0;
  execute_value(v, sql, call, f, binds);
  points_of(call, f, first);
  if (env_ != nullptr) environment_sql(f, first);
}

void Interp::execute_value(const Value& v, const Arg& sql, py::Node call, Frame& f, Binds binds) {
  py::Node at = py::null(sql.node) ? call : sql.node;
  const PyFile* at_file = py::null(sql.node) ? f.file : sql.file;
  sql::LowerOptions options;
  options.in_loop = f.in_loop;
  options.autocommit = f.autocommit;
  if (v.kind == ValueKind::string && v.literal) {
    auto to_file = literal_map(v.literal, v.file, call, f);
    const py::Literal& lit = *v.literal;
    // The SQL the database receives; its ranges map to the literal's, then into the file.
    sql::Expanded bound = bind_values(lit.value, v.text_clause ? Binds::text : binds);
    sql::RangeMap map = [&to_file, &bound](ByteRange r) { return to_file(bound.to_source(r)); };
    // Several statements in one string are sent as one query: one implicit transaction.
    const std::size_t first = f.ops->size();
    auto shared = [&] {
      // Statements are what the server parses: a comment after the last `;` is none.
      std::size_t statements = 0;
      bool content = false;
      // A token (not a comment); a one-byte `;` is the separator (a string holds quotes).
      auto token = [&](ByteRange r) {
        bool end = r.end == r.begin + 1 && bound.text[r.begin] == ';';
        if (end && content) ++statements;
        content = !end;
      };
      if (auto quick = sql::quick_token_ranges(bound.text)) {
        for (ByteRange r : *quick) token(r);
      } else {
        (void)sql::scan_tokens(bound.text, [&](const sql::Token& t) {
          if (t.kind != sql::TokenKind::comment) token(t.range);
        });
      }
      if (content) ++statements;
      if (statements < 2) return;
      for (std::size_t i = first; i < f.ops->size(); ++i) (*f.ops)[i].shares_query = true;
    };
    if (!lit.dynamic()) {
      sql::lower(bound.text, map, options, *f.ops, m_.issues);
      shared();
      return;
    }
    // Built at run time: lint the statements that are entirely literal.
    std::vector<std::size_t> holes;
    holes.reserve(lit.holes.size());
    for (std::size_t h : lit.holes) holes.push_back(expanded_offset(bound, h));
    sql::SplitOutcome split = sql::split_statements(bound.text);
    bool linted = false;
    for (ByteRange r : split.statements) {
      std::string_view stmt = std::string_view(bound.text).substr(r.begin, r.end - r.begin);
      bool has_hole = false;
      for (std::size_t h : holes) has_hole = has_hole || (h >= r.begin && h < r.end);
      if (has_hole || blank(stmt)) continue;
      std::size_t base = r.begin;
      sql::RangeMap shifted = [&map, base](ByteRange x) {
        return map({x.begin + base, x.end + base});
      };
      sql::lower(stmt, shifted, options, *f.ops, m_.issues);
      linted = true;
    }
    shared();
    emit(Unanalyzable{"SQL built at run time (" + lit.dynamic_reason + ")"}, call, f);
    issue("dynamic-sql", at, f,
          "this SQL is built at run time (" + lit.dynamic_reason + ") and can't be checked" +
              (linted ? "; its literal statements are checked" : ""),
          "write the SQL as one literal and pass values with sa.text() and .bindparams(), or "
          "check it by hand and add `# schemagate: ignore dynamic-sql`",
          at_file);
    return;
  }
  if (v.kind == ValueKind::select) return;  // a read: nothing to check
  if (v.kind == ValueKind::core) {
    DataChange d;
    d.kind = v.change;
    d.table = v.table;
    d.has_where = v.flag;
    emit(d, call, f);
    return;
  }
  py::Node n = py::unparen(at);
  std::string_view at_text = at_file != nullptr ? at_file->text : f.file->text;
  if (py::is(n, "call")) {
    std::string fn = py::dotted(at_text, py::field(n, "function"));
    if (ddl_element(py::last_part(fn))) {
      emit(Unanalyzable{"SQLAlchemy DDL element " + std::string(py::last_part(fn))}, call, f);
      issue("unsupported-operation", call, f,
            "executing a SQLAlchemy `" + std::string(py::last_part(fn)) +
                "(...)` element is not analysed",
            "check what it does by hand, or write the statement as SQL in an op.execute() call");
      return;
    }
  }
  emit(Unanalyzable{"SQL not known statically"}, call, f);
  std::string what(py::text(at_text, n));
  if (what.size() > 40) what = what.substr(0, 37) + "...";
  issue("dynamic-sql", at, f,
        "the SQL executed here comes from `" + what +
            "`, whose value is only known at run time; "
            "it can't be checked",
        "write the SQL as a literal in the call, or check it by hand and add "
        "`# schemagate: ignore dynamic-sql`",
        at_file);
}

}  // namespace schemagate::alembic
