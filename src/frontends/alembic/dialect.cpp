// Dialect tests: which side of `if bind.dialect.name == "sqlite": ... else: ...` runs on
// PostgreSQL. The database is named by its dialect or engine name ("postgresql"), by the
// engine URL's driver name ("postgresql+psycopg2") or by the URL itself
// ("postgresql+psycopg2://app@db/app"), and tested by comparison, membership,
// startswith/endswith, isinstance on the dialect class, `is True`/`is False`, or through
// an is_postgres()-style name or a function that returns such a test.
#include <algorithm>
#include <cctype>
#include <string>

#include "frontends/alembic/interp.hpp"

namespace schemagate::alembic {

namespace {

constexpr int kMaxDepth = 1000;
constexpr std::string_view kPostgres = "postgresql";

bool one_of(std::string_view s, std::initializer_list<std::string_view> list) {
  return std::find(list.begin(), list.end(), s) != list.end();
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

Tri negate(Tri t) {
  if (t == Tri::yes) return Tri::no;
  if (t == Tri::no) return Tri::yes;
  return Tri::unknown;
}

Tri from_bool(bool b) { return b ? Tri::yes : Tri::no; }

// Any of the tests is true (`startswith(("a", "b"))`, `x in ("a", "b")`).
Tri any_of(const std::vector<Tri>& tests) {
  if (tests.empty()) return Tri::unknown;
  bool all_no = true;
  for (Tri t : tests) {
    if (t == Tri::yes) return Tri::yes;
    all_no = all_no && t == Tri::no;
  }
  return all_no ? Tri::no : Tri::unknown;
}

// Does the text name another database than PostgreSQL?
bool names_other_database(std::string_view s) {
  std::string n = lower(s);
  for (std::string_view other : {"sqlite", "mysql", "maria", "mssql", "oracle", "firebird",
                                 "sybase", "snowflake", "duckdb", "cockroach", "redshift"}) {
    if (n.find(other) != std::string::npos) return true;
  }
  return false;
}

// The name a dialect class stands for, as far as PostgreSQL is concerned.
Tri dialect_class(std::string_view dotted_name) {
  std::string n = lower(dotted_name);
  if (n.find("postgres") != std::string::npos || n.find("pg") != std::string::npos) return Tri::yes;
  return names_other_database(n) ? Tri::no : Tri::unknown;
}

// `is_sqlite()`, `is_postgres`... named tests.
Tri named_test(std::string_view name) {
  std::string n = lower(name);
  if (!n.starts_with("is_")) return Tri::unknown;
  n = n.substr(3);
  if (n.ends_with("_dialect")) n.resize(n.size() - 8);
  if (one_of(n, {"postgres", "postgresql", "pg", "psql"})) return Tri::yes;
  if (one_of(n, {"sqlite", "mysql", "mariadb", "mssql", "oracle"})) return Tri::no;
  return Tri::unknown;
}

// A string test on what names the dialect, on PostgreSQL. `form` is the dialect_name's:
// "" for the dialect name itself (exactly "postgresql"), "driver" for a driver name
// ("postgresql" or "postgresql+<driver>"), "url" for a URL ("postgresql[+<driver>]://...").
// `test` is "==", "startswith", "endswith", "has" (`s in name`) or "within" (`name in s`).
Tri name_test(std::string_view form, std::string_view test, std::string_view s) {
  const bool exact = form.empty();
  if (test == "==") {
    if (exact) return from_bool(s == kPostgres);
    return s.starts_with("postgres") ? Tri::unknown : Tri::no;
  }
  if (test == "startswith") {
    if (kPostgres.starts_with(s)) return Tri::yes;
    if (exact) return Tri::no;
    return s.starts_with(kPostgres) ? Tri::unknown : Tri::no;
  }
  if (test == "endswith") {
    if (exact) return from_bool(kPostgres.ends_with(s));
    return names_other_database(s) ? Tri::no : Tri::unknown;
  }
  if (test == "has") {
    if (kPostgres.find(s) != std::string_view::npos) return Tri::yes;
    if (exact) return Tri::no;
    return names_other_database(s) ? Tri::no : Tri::unknown;
  }
  if (test == "within") {
    if (exact) return from_bool(s.find(kPostgres) != std::string_view::npos);
    return s.find("postgres") == std::string_view::npos ? Tri::no : Tri::unknown;
  }
  return Tri::unknown;
}

// The strings a test compares with: one string, or a list or tuple of them.
std::optional<std::vector<std::string>> test_strings(const Value& v, bool& is_list) {
  is_list = v.kind == ValueKind::list;
  std::vector<std::string> out;
  if (auto s = string_value(v)) {
    out.push_back(*s);
    return out;
  }
  if (!is_list || v.items.empty()) return std::nullopt;
  for (const Value& item : v.items) {
    auto s = string_value(item);
    if (!s) return std::nullopt;
    out.push_back(*s);
  }
  return out;
}

}  // namespace

std::optional<Value> Interp::dialect_member(const Value& recv, std::string_view name,
                                            const Args* args, py::Node at, Frame& f, int depth) {
  auto named = [&](std::string form) {
    Value v = make(ValueKind::dialect_name, at, f);
    v.text = std::move(form);
    return v;
  };
  if (args == nullptr) {
    if (recv.kind == ValueKind::bind && name == "url") return make(ValueKind::url, at, f);
    if (recv.kind == ValueKind::url && name == "drivername") return named("driver");
    return std::nullopt;
  }
  Arg first = args->at(0);
  if (recv.kind == ValueKind::url) {
    if (name == "get_backend_name") return named("");
    if (name == "render_as_string" || name == "__str__") return named("url");
    if (name == "get_dialect") return make(ValueKind::dialect, at, f);
    return std::nullopt;
  }
  if (recv.kind == ValueKind::dialect_name) {
    if (one_of(name, {"lower", "casefold", "strip", "lstrip", "rstrip"})) return recv;
    if (name != "startswith" && name != "endswith") return std::nullopt;
    Value test = first.null() ? Value{} : arg(first, f, depth);
    bool is_list = false;
    auto strings = test_strings(test, is_list);
    if (!strings || args->positional.size() != 1) return Value{};
    std::vector<Tri> tests;
    for (const std::string& s : *strings) tests.push_back(name_test(recv.text, name, s));
    Tri r = any_of(tests);
    if (r == Tri::unknown) return Value{};
    Value v = make(ValueKind::condition, at, f);
    v.flag = r == Tri::yes;
    return v;
  }
  // config.get_main_option("sqlalchemy.url"): the URL alembic.ini connects to.
  if (name == "get_main_option" && args->positional.size() == 1) {
    Frame q = f;
    q.quiet = true;
    if (string_value(arg(first, q, depth)) == "sqlalchemy.url") return named("url");
  }
  return std::nullopt;
}

Tri Interp::compare_on_postgres(py::Node cond, Frame& f, int depth) {
  std::vector<py::Node> operands = py::named_children(cond);
  std::vector<std::string_view> ops;
  for (py::Node c : py::children(cond)) {
    if (!ts_node_is_named(c)) ops.push_back(py::type(c));
  }
  std::vector<Value> values;
  for (py::Node o : operands) values.push_back(eval(o, f, depth + 1));
  if (values.size() != 2 || ops.size() != 1) return Tri::unknown;
  std::string_view op = ops[0];
  const bool negated = op == "!=" || op == "is not" || op == "not in";

  // `url.startswith("sqlite") is False`, `is_pg == True`.
  bool lb = values[0].kind == ValueKind::boolean;
  bool rb = values[1].kind == ValueKind::boolean;
  if (lb != rb && one_of(op, {"is", "is not", "==", "!="})) {
    const Value& b = lb ? values[0] : values[1];
    const Value& other = lb ? values[1] : values[0];
    py::Node other_node = py::unparen(lb ? operands[1] : operands[0]);
    Tri r = Tri::unknown;
    if (other.kind == ValueKind::condition) {
      r = from_bool(other.flag);
    } else if (py::is(other_node, "call")) {
      r = named_test(py::last_part(py::dotted(f.file->text, py::field(other_node, "function"))));
    } else {
      r = named_test(py::last_part(py::dotted(f.file->text, other_node)));
    }
    if (!b.flag) r = negate(r);
    return negated ? negate(r) : r;
  }

  bool left = values[0].kind == ValueKind::dialect_name;
  bool right = values[1].kind == ValueKind::dialect_name;
  if (left == right) return Tri::unknown;
  const Value& name = left ? values[0] : values[1];
  bool is_list = false;
  auto strings = test_strings(left ? values[1] : values[0], is_list);
  if (!strings) return Tri::unknown;
  std::vector<Tri> tests;
  if (op == "==" || op == "!=") {
    if (is_list) return Tri::unknown;
    tests.push_back(name_test(name.text, "==", strings->front()));
  } else if (op == "in" || op == "not in") {
    if (left) {  // name in ("postgresql", "postgres") / name in "postgresql+psycopg2"
      for (const std::string& s : *strings) {
        tests.push_back(name_test(name.text, is_list ? "==" : "within", s));
      }
    } else {  // "sqlite" in url
      if (is_list) return Tri::unknown;
      tests.push_back(name_test(name.text, "has", strings->front()));
    }
  } else {
    return Tri::unknown;
  }
  Tri r = any_of(tests);
  return negated ? negate(r) : r;
}

Tri Interp::on_postgres(py::Node cond, Frame& f, int depth) {
  cond = py::unparen(cond);
  if (py::null(cond) || depth > kMaxDepth || too_deep(f, cond)) return Tri::unknown;
  std::string_view t = py::type(cond);
  std::string_view src = f.file->text;
  if (t == "not_operator") return negate(on_postgres(py::field(cond, "argument"), f, depth + 1));
  if (t == "boolean_operator") {
    Tri l = on_postgres(py::field(cond, "left"), f, depth + 1);
    Tri r = on_postgres(py::field(cond, "right"), f, depth + 1);
    bool is_and = py::text(src, py::field(cond, "operator")) == "and";
    if (is_and) {
      if (l == Tri::no || r == Tri::no) return Tri::no;
      return l == Tri::yes && r == Tri::yes ? Tri::yes : Tri::unknown;
    }
    if (l == Tri::yes || r == Tri::yes) return Tri::yes;
    return l == Tri::no && r == Tri::no ? Tri::no : Tri::unknown;
  }
  if (t == "comparison_operator") return compare_on_postgres(cond, f, depth);
  if (t == "call") {
    py::Node fn = py::field(cond, "function");
    std::string name = py::dotted(src, fn);
    Frame q = f;
    q.quiet = true;
    Args args = args_of(cond, q, depth);
    if (name == "isinstance" && args.positional.size() == 2) {
      Value what = arg(args.positional[0], q, depth);
      if (what.kind != ValueKind::dialect) return Tri::unknown;
      py::Node cls = py::unparen(args.positional[1].node);
      std::vector<py::Node> classes =
          py::is(cls, "tuple") ? py::named_children(cls) : std::vector<py::Node>{cls};
      bool any_unknown = false;
      for (py::Node c : classes) {
        Tri d = dialect_class(py::text(src, c));
        if (d == Tri::yes) return Tri::yes;
        any_unknown = any_unknown || d == Tri::unknown;
      }
      return any_unknown ? Tri::unknown : Tri::no;
    }
    Tri named = named_test(py::last_part(name));
    if (named != Tri::unknown) return named;
    // A function of the revision that returns a dialect test:
    // `def uses_sqlite(): return op.get_bind().dialect.name == "sqlite"`.
    Value callee = py::is(fn, "identifier") ? lookup(std::string(name), f) : Value{};
    if (callee.kind == ValueKind::function && callee.file != nullptr && args.positional.empty() &&
        args.keywords.empty()) {
      std::pair<const PyFile*, std::size_t> key{callee.file, ts_node_start_byte(callee.node)};
      std::vector<py::Node> body = py::named_children(py::field(callee.node, "body"));
      if (!body.empty() && py::is(body[0], "expression_statement") &&
          py::is(py::named_children(body[0]).empty() ? py::Node{} : py::named_children(body[0])[0],
                 "string")) {
        body.erase(body.begin());  // the docstring
      }
      if (!active_.contains(key) && !body.empty() && py::is(body[0], "return_statement") &&
          ts_node_named_child_count(body[0]) == 1) {
        Scope locals;
        Frame g = q;
        g.file = callee.file;
        g.locals = &locals;
        g.enclosing = nullptr;
        active_.insert(key);
        Tri r = on_postgres(ts_node_named_child(body[0], 0), g, depth + 1);
        active_.erase(key);
        if (r != Tri::unknown) return r;
      }
    }
  }
  if (t == "identifier" || t == "attribute") {
    Tri named = named_test(py::last_part(py::dotted(src, cond)));
    if (named != Tri::unknown) return named;
  }
  Value v = eval(cond, f, depth + 1);
  if (v.kind == ValueKind::condition) return v.flag ? Tri::yes : Tri::no;
  return Tri::unknown;
}

}  // namespace schemagate::alembic
