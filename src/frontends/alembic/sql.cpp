// SQL executed by a revision (op.execute, conn.execute, ...): string literals go through
// the SQL frontend with every byte mapped back into the .py file; SQLAlchemy Core statements
// become data changes; SQL built at run time is reported as dynamic-sql.
#include <string>

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

// Bind parameters are not PostgreSQL syntax: SQLAlchemy's text() finds `:name` (as the
// regex (?<![:\w\\]):(\w+)(?!:) does, and `\:` is a plain colon); a DB-API driver takes
// %s and %(name)s. Each becomes $1, padded to the same length so positions don't move.
std::string with_parameters(std::string sql, bool driver) {
  auto put = [&](std::size_t at, std::size_t len) {
    sql.replace(at, len, std::string(len > 2 ? len - 2 : 0, ' ') + "$1");  // ends where it did
  };
  for (std::size_t i = 0; i < sql.size(); ++i) {
    if (driver) {
      if (sql[i] != '%' || i + 1 >= sql.size()) continue;
      if (sql[i + 1] == '%') {
        sql[i] = ' ';  // %% is a percent sign
        ++i;
      } else if (sql[i + 1] == 's') {
        put(i, 2);
      } else if (sql[i + 1] == '(') {
        std::size_t close = sql.find(")s", i);
        if (close != std::string::npos) put(i, close + 2 - i);
      }
      continue;
    }
    if (sql[i] == '\\' && i + 1 < sql.size() && sql[i + 1] == ':') {
      sql[i] = ' ';
      ++i;
      continue;
    }
    if (sql[i] != ':' || i + 1 >= sql.size() || !word(sql[i + 1])) continue;
    if (i > 0 && (sql[i - 1] == ':' || word(sql[i - 1]))) continue;
    std::size_t end = i + 1;
    while (end < sql.size() && word(sql[end])) ++end;
    if (end < sql.size() && sql[end] == ':') continue;
    if (end - i >= 2) put(i, end - i);
    i = end - 1;
  }
  return sql;
}

bool blank(std::string_view s) {
  return s.find_first_not_of(" \t\r\n\f\v;") == std::string_view::npos;
}

}  // namespace

std::function<ByteRange(ByteRange)> Interp::literal_map(std::shared_ptr<const py::Literal> lit,
                                                        const PyFile* file, py::Node call,
                                                        const Frame& f) const {
  if (file == &revision_) {
    return [lit](ByteRange r) { return lit->map(r); };
  }
  ByteRange at = where(call, f.file, f);
  return [at](ByteRange) { return at; };
}

void Interp::execute(const Arg& sql, py::Node call, Frame& f, int depth, bool driver) {
  if (f.quiet || sql.null()) return;
  Value v = arg(sql, f, depth);
  std::size_t first = f.ops != nullptr ? f.ops->size() : 0;
  execute_value(v, sql, call, f, driver);
  if (env_ != nullptr) environment_sql(f, first);
}

void Interp::execute_value(const Value& v, const Arg& sql, py::Node call, Frame& f, bool driver) {
  py::Node at = py::null(sql.node) ? call : sql.node;
  const PyFile* at_file = py::null(sql.node) ? f.file : sql.file;
  sql::LowerOptions options;
  options.in_loop = f.in_loop;
  options.autocommit = f.autocommit;
  if (v.kind == ValueKind::string && v.literal) {
    auto map = literal_map(v.literal, v.file, call, f);
    py::Literal lit = *v.literal;
    lit.value = with_parameters(std::move(lit.value), driver);
    if (!lit.dynamic()) {
      sql::lower(lit.value, map, options, *f.ops, m_.issues);
      return;
    }
    // Built at run time: lint the statements that are entirely literal.
    sql::SplitOutcome split = sql::split_statements(lit.value);
    bool linted = false;
    for (ByteRange r : split.statements) {
      std::string_view stmt = std::string_view(lit.value).substr(r.begin, r.end - r.begin);
      bool has_hole = false;
      for (std::size_t h : lit.holes) has_hole = has_hole || (h >= r.begin && h < r.end);
      if (has_hole || blank(stmt)) continue;
      std::size_t base = r.begin;
      sql::RangeMap shifted = [&map, base](ByteRange x) {
        return map({x.begin + base, x.end + base});
      };
      sql::lower(stmt, shifted, options, *f.ops, m_.issues);
      linted = true;
    }
    emit(Unanalyzable{"SQL built at run time (" + lit.dynamic_reason + ")"}, call, f);
    issue("dynamic-sql", at, f,
          "this SQL is built at run time (" + lit.dynamic_reason + ") and can't be checked" +
              (linted ? "; its literal statements are checked" : ""),
          "write the SQL as one literal and pass values with sa.text(...).bindparams(...), or "
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
            "check what it does by hand, or write the statement as SQL in op.execute(\"...\")");
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
