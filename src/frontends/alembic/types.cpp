// SQLAlchemy column types and server defaults → the PostgreSQL names the SQL frontend uses.
#include <algorithm>
#include <cctype>
#include <iterator>
#include <map>
#include <string>

#include "frontends/alembic/interp.hpp"
#include "frontends/sql/sql_frontend.hpp"

namespace schemagate::alembic {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

struct Spelled {
  std::string_view pg;  // PostgreSQL's internal name
  bool has_length = false;
};

// Lower-cased SQLAlchemy / dialect class names.
const std::map<std::string, Spelled, std::less<>>& type_names() {
  static const std::map<std::string, Spelled, std::less<>> names = {
      {"string", {"varchar", true}},
      {"unicode", {"varchar", true}},
      {"varchar", {"varchar", true}},
      {"nvarchar", {"varchar", true}},
      {"text", {"text"}},
      {"unicodetext", {"text"}},
      {"clob", {"text"}},
      {"citext", {"citext"}},
      {"integer", {"int4"}},
      {"int", {"int4"}},
      {"biginteger", {"int8"}},
      {"bigint", {"int8"}},
      {"smallinteger", {"int2"}},
      {"smallint", {"int2"}},
      {"boolean", {"bool"}},
      {"date", {"date"}},
      {"time", {"time"}},
      {"interval", {"interval"}},
      {"numeric", {"numeric"}},
      {"decimal", {"numeric"}},
      {"float", {"float8"}},
      {"real", {"float4"}},
      {"double", {"float8"}},
      {"double_precision", {"float8"}},
      {"json", {"json"}},
      {"jsonb", {"jsonb"}},
      {"uuid", {"uuid"}},
      {"char", {"bpchar", true}},
      {"nchar", {"bpchar", true}},
      {"largebinary", {"bytea"}},
      {"binary", {"bytea"}},
      {"varbinary", {"bytea"}},
      {"blob", {"bytea"}},
      {"bytea", {"bytea"}},
      {"pickletype", {"bytea"}},
      {"inet", {"inet"}},
      {"cidr", {"cidr"}},
      {"macaddr", {"macaddr"}},
      {"macaddr8", {"macaddr8"}},
      {"tsvector", {"tsvector"}},
      {"tsquery", {"tsquery"}},
      {"hstore", {"hstore"}},
      {"money", {"money"}},
      {"oid", {"oid"}},
      {"bit", {"bit", true}},
      {"int4range", {"int4range"}},
      {"int8range", {"int8range"}},
      {"numrange", {"numrange"}},
      {"daterange", {"daterange"}},
      {"tsrange", {"tsrange"}},
      {"tstzrange", {"tstzrange"}},
      {"geometry", {"geometry"}},
      {"geography", {"geography"}},
      {"ltree", {"ltree"}},
      {"emailtype", {"varchar", true}},
      {"urltype", {"varchar", true}},
      {"uuidtype", {"uuid"}},
      {"jsontype", {"json"}},  // sqlalchemy_utils: postgresql.JSON on PostgreSQL
      {"ipaddresstype", {"varchar", true}},
      {"colortype", {"varchar", true}},
      {"countrytype", {"varchar", true}},
      {"localetype", {"varchar", true}},
      {"timezonetype", {"varchar", true}},
  };
  return names;
}

py::Node keyword(py::Node call, std::string_view source, std::string_view name) {
  py::Node list = py::field(call, "arguments");
  for (py::Node n : py::named_children(list)) {
    if (py::is(n, "keyword_argument") && py::text(source, py::field(n, "name")) == name) {
      return py::field(n, "value");
    }
  }
  return py::Node{};
}

// A SQL expression as the revision wrote it, on one line: runs of blanks and line breaks
// outside quotes become one space. Nullopt where that could change it (a comment, dollar
// quoting).
std::optional<std::string> one_line(std::string_view sql) {
  if (sql.find("--") != std::string_view::npos || sql.find("/*") != std::string_view::npos ||
      sql.find('$') != std::string_view::npos) {
    return std::nullopt;
  }
  std::string out;
  char quote = 0;
  bool blank = false;
  for (char c : sql) {
    const bool space = c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
    if (quote == 0 && space) {
      blank = true;
      continue;
    }
    if (blank && !out.empty()) out += ' ';
    blank = false;
    out += c;
    if (quote == 0 && (c == '\'' || c == '"')) {
      quote = c;
    } else if (c == quote) {
      quote = 0;
    }
  }
  return out;
}

// A type expression that reads the same anywhere in the revision: a dotted class, called with
// literals or such expressions only (postgresql.UUID(as_uuid=True), sa.ARRAY(sa.String(64))),
// on one line. A name bound elsewhere (sa.String(LENGTH)) is not.
bool self_contained(std::string_view source, py::Node n, int depth) {
  n = py::unparen(n);
  if (py::null(n) || depth > 8) return false;
  if (py::is(n, "integer") || py::is(n, "float") || py::is(n, "string") || py::is(n, "true") ||
      py::is(n, "false") || py::is(n, "none")) {
    return py::text(source, n).find('\n') == std::string_view::npos;
  }
  if (py::is(n, "attribute")) return !py::dotted(source, n).empty();
  if (!py::is(n, "call") || py::dotted(source, py::field(n, "function")).empty()) return false;
  for (py::Node a : py::named_children(py::field(n, "arguments"))) {
    if (py::is(a, "keyword_argument")) a = py::field(a, "value");
    if (!self_contained(source, a, depth + 1)) return false;
  }
  return py::text(source, n).find('\n') == std::string_view::npos;
}

std::vector<py::Node> positional(py::Node call) {
  std::vector<py::Node> out;
  for (py::Node n : py::named_children(py::field(call, "arguments"))) {
    if (!py::is(n, "keyword_argument") && !py::is(n, "list_splat") &&
        !py::is(n, "dictionary_splat")) {
      out.push_back(n);
    }
  }
  return out;
}

// The module a type's class is taken from, when the revision says: `app.db.types.JSON` through
// `import app` (as autogenerate renders a project's TypeDecorator): "app.db.types"; `JSON`
// imported by name (`from app.db.types import JSON`): "app.db.types". Nullopt otherwise (an
// attribute of an imported object, such as Flask-SQLAlchemy's `db.JSON`, or a local name).
std::optional<std::string> type_module(const TypeReader& r, py::Node callee,
                                       const std::string& dotted) {
  py::Node root = callee;
  while (py::is(root, "attribute")) root = py::field(root, "object");
  if (!py::is(root, "identifier")) return std::nullopt;
  Value v = r.eval(root);
  if (ts_node_eq(root, callee)) {
    if (v.kind == ValueKind::imported && !v.text.empty()) return v.text;
    return std::nullopt;
  }
  if (v.kind != ValueKind::module || v.text.empty()) return std::nullopt;
  // The module, then the attributes between it and the class.
  std::string out = v.text;
  std::size_t first = dotted.find('.');
  std::size_t last = dotted.rfind('.');
  if (first != last) out += dotted.substr(first, last - first);
  return out;
}

// SQLAlchemy and the packages whose types are SQLAlchemy's (or known to the table above).
bool sqlalchemy_module(std::string_view module) {
  static constexpr std::string_view kTypes[] = {"sqlalchemy",  "sqlmodel", "sqlalchemy_utils",
                                                "geoalchemy2", "citext",   "sqlalchemy_utc",
                                                "alembic"};
  std::string_view top = module.substr(0, module.find('.'));
  return std::find(std::begin(kTypes), std::end(kTypes), top) != std::end(kTypes);
}

}  // namespace

std::optional<TypeName> sa_type(const TypeReader& r, py::Node n, int depth) {
  n = py::unparen(n);
  if (py::null(n) || depth > 16) return std::nullopt;
  py::Node call{};
  py::Node callee = n;
  if (py::is(n, "call")) {
    call = n;
    callee = py::field(n, "function");
    // sa.String(64).with_variant(...), .evaluates_none(), ...: the type they start from.
    if (py::is(callee, "attribute")) {
      std::string_view method = py::text(r.source, py::field(callee, "attribute"));
      if (method == "with_variant") {
        // with_variant(T, "postgresql", ...): PostgreSQL gets T.
        std::vector<py::Node> pos = positional(n);
        for (std::size_t i = 1; i < pos.size(); ++i) {
          std::optional<std::string> dialect = string_value(r.eval(pos[i]));
          if (dialect && (*dialect == "postgresql" || *dialect == "postgres")) {
            return sa_type(r, pos[0], depth + 1);
          }
        }
      }
      if (method == "with_variant" || method == "evaluates_none" || method == "as_generic" ||
          method == "copy") {
        return sa_type(r, py::field(callee, "object"), depth + 1);
      }
    }
  }
  std::string dotted = py::dotted(r.source, callee);
  if (dotted.empty()) {
    // A name bound to a type instance elsewhere (`id_type = sa.BigInteger()`).
    Value v = r.eval(n);
    if (v.file == r.file && !py::null(v.node) && !ts_node_eq(v.node, n) &&
        (py::is(v.node, "call") || py::is(v.node, "attribute"))) {
      return sa_type(r, v.node, depth + 1);
    }
    return std::nullopt;
  }
  std::string cls(py::last_part(dotted));
  std::string key = lower(cls);
  TypeName t;
  // A class of a module of the project (or of another library): not SQLAlchemy's class of the
  // same name (prefect's JSON is a TypeDecorator over JSONB), so its SQL type is not known.
  if (auto module = type_module(r, callee, dotted); module && !sqlalchemy_module(*module)) {
    t.name = lower(*module + "." + cls);
    t.text = dotted;
    return t;
  }
  auto arg = [&](std::size_t i, std::string_view kw) -> std::optional<long long> {
    if (py::null(call)) return std::nullopt;
    py::Node k = keyword(call, r.source, kw);
    std::vector<py::Node> pos = positional(call);
    py::Node x = !py::null(k) ? k : (i < pos.size() ? pos[i] : py::Node{});
    if (py::null(x)) return std::nullopt;
    return int_value(r.eval(x), r.source);
  };
  // A boolean argument, by keyword or at its position (sa.DateTime(True)).
  auto flag = [&](std::string_view kw, std::size_t index) {
    if (py::null(call)) return false;
    py::Node k = keyword(call, r.source, kw);
    std::vector<py::Node> pos = positional(call);
    py::Node x = !py::null(k) ? k : (index < pos.size() ? pos[index] : py::Node{});
    return !py::null(x) && bool_value(r.eval(x)).value_or(false);
  };
  if (key == "datetime" || key == "timestamp") {
    t.name = flag("timezone", 0) ? "timestamptz" : "timestamp";
  } else if (key == "time" && flag("timezone", 0)) {
    t.name = "timetz";
  } else if (key == "enum") {
    py::Node name = py::null(call) ? py::Node{} : keyword(call, r.source, "name");
    std::string enum_name;
    if (!py::null(name)) enum_name = string_value(r.eval(name)).value_or("");
    std::vector<py::Node> pos = py::null(call) ? std::vector<py::Node>{} : positional(call);
    if (enum_name.empty() && pos.size() == 1 && !py::is(pos[0], "string")) {
      enum_name = lower(py::last_part(py::dotted(r.source, pos[0])));  // sa.Enum(PyEnum)
    }
    t.name = enum_name.empty() ? "enum" : enum_name;
    t.text = t.name;
    return t;
  } else if (key == "array") {
    std::vector<py::Node> pos = py::null(call) ? std::vector<py::Node>{} : positional(call);
    py::Node item = pos.empty() ? keyword(call, r.source, "item_type") : pos[0];
    auto inner = sa_type(r, item, depth + 1);
    if (!inner) return std::nullopt;
    inner->array = true;
    inner->text = inner->text.empty() ? "array" : inner->text + "[]";
    inner->python = !inner->python.empty() && self_contained(r.source, n, 0)
                        ? std::string(py::text(r.source, n))
                        : std::string();
    return inner;
  } else if (auto it = type_names().find(key); it != type_names().end()) {
    t.name = std::string(it->second.pg);
    if (it->second.has_length) {
      if (auto len = arg(0, "length")) t.modifiers.push_back(*len);
    }
    if (t.name == "numeric") {
      if (auto p = arg(0, "precision")) {
        t.modifiers.push_back(*p);
        if (auto s = arg(1, "scale")) t.modifiers.push_back(*s);
      }
    }
    if (key == "float") {
      if (auto p = arg(0, "precision"); p && *p <= 24) t.name = "float4";
    }
  } else {
    // A custom or dialect type we don't know: keep its name.
    t.name = key;
    t.text = cls;
    return t;
  }
  t.text = sql::type_text(t);
  if (self_contained(r.source, n, 0)) t.python = std::string(py::text(r.source, n));
  return t;
}

std::optional<DefaultValue> server_default(const TypeReader& r, py::Node n, bool& given,
                                           int depth) {
  n = py::unparen(n);
  given = !py::null(n);
  if (!given || py::is(n, "none")) return std::nullopt;
  if (depth > 16) return DefaultValue{std::string(py::text(r.source, n)), false};
  std::string_view src = r.source;
  auto from_sql = [](const std::string& expr) {
    if (auto d = sql::default_expression(expr)) {
      // The user's own text, which keeps their parentheses and spelling.
      if (auto written = one_line(expr)) d->text = std::move(*written);
      return *d;
    }
    // Not one SQL expression: keep the text; a call in it may be volatile.
    return DefaultValue{expr, expr.find('(') != std::string::npos};
  };
  if (py::is(n, "call")) {
    py::Node fn = py::field(n, "function");
    std::string dotted = py::dotted(src, fn);
    std::string name = py::last_part(dotted);
    std::vector<py::Node> pos = positional(n);
    if (name == "text" || name == "literal_column") {
      if (pos.empty()) return std::nullopt;
      if (auto s = string_value(r.eval(pos[0]))) return from_sql(*s);
      return DefaultValue{std::string(py::text(src, n)), true};
    }
    if (name == "DefaultClause" && !pos.empty()) return server_default(r, pos[0], given, depth + 1);
    if (name == "null") return std::nullopt;
    if (name == "true" || name == "false") return DefaultValue{std::string(name), false};
    if (dotted.find("func.") != std::string::npos) {
      std::string fname = lower(name);
      py::Node call_args = py::field(n, "arguments");
      std::string written = py::null(call_args) ? "()" : std::string(py::text(src, call_args));
      bool keywords = written.find('=') != std::string::npos;
      return DefaultValue{fname + written, keywords || sql::is_volatile_call(fname, pos.size())};
    }
  }
  Value v = r.eval(n);
  if (auto s = string_value(v)) {
    std::string quoted = "'";
    for (char c : *s) {
      quoted += c;
      if (c == '\'') quoted += '\'';
    }
    return DefaultValue{quoted + "'", false};
  }
  if (v.kind == ValueKind::none) return std::nullopt;
  if (v.file == r.file && !py::null(v.node) && !ts_node_eq(v.node, n) && py::is(v.node, "call")) {
    return server_default(r, v.node, given, depth + 1);
  }
  return DefaultValue{std::string(py::text(src, n)), false};
}

}  // namespace schemagate::alembic
