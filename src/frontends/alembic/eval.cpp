// Expressions: what a name or a call stands for, and the effects of calls (op.* calls,
// executed SQL, followed helpers). Recursion is bounded: deep expressions are cut off.
#include <algorithm>
#include <string>

#include "frontends/alembic/interp.hpp"

namespace schemagate::alembic {

namespace {

constexpr int kMaxDepth = 1000;           // expression nesting followed (the stack guard first)
constexpr std::size_t kMaxItems = 2000;   // list display items kept
constexpr std::size_t kMaxUnrolled = 64;  // comprehension items computed

bool one_of(std::string_view s, std::initializer_list<std::string_view> list) {
  return std::find(list.begin(), list.end(), s) != list.end();
}

Value unknown_at(py::Node n, PyFile* file) {
  Value v;
  v.node = n;
  v.file = file;
  return v;
}

}  // namespace

Arg Args::keyword(std::string_view name) const {
  for (const auto& [k, v] : keywords) {
    if (k == name) return v;
  }
  return Arg{};
}

std::optional<std::string> string_value(const Value& v) {
  if (v.kind != ValueKind::string || !v.literal || v.literal->dynamic()) return std::nullopt;
  return v.literal->value;
}

std::optional<bool> bool_value(const Value& v) {
  if (v.kind == ValueKind::boolean || v.kind == ValueKind::condition) return v.flag;
  if (v.kind == ValueKind::none) return false;
  return std::nullopt;
}

std::optional<long long> int_value(const Value& v, std::string_view source) {
  if (v.kind != ValueKind::number || py::null(v.node)) return std::nullopt;
  std::string digits;
  for (char c : py::text(source, v.node)) {
    if (c == '_') continue;
    if (c < '0' || c > '9') return std::nullopt;
    digits += c;
  }
  if (digits.empty() || digits.size() > 15) return std::nullopt;
  return std::stoll(digits);
}

Value Interp::make(ValueKind kind, py::Node node, const Frame& f) const {
  Value v;
  v.kind = kind;
  v.node = node;
  v.file = f.file;
  return v;
}

Args Interp::args_of(py::Node call, Frame& f, int depth) {
  Args a;
  py::Node list = py::field(call, "arguments");
  if (py::is(list, "generator_expression")) {
    a.positional.push_back({list, f.file, nullptr});
    return a;
  }
  for (py::Node n : py::named_children(list)) {
    if (py::is(n, "keyword_argument")) {
      a.keywords.emplace_back(std::string(py::text(f.file->text, py::field(n, "name"))),
                              Arg{py::field(n, "value"), f.file, nullptr});
    } else if (py::is(n, "list_splat")) {
      // f(*columns): the elements, when the list is known.
      std::vector<py::Node> inner = py::named_children(n);
      Value v = inner.empty() ? Value{} : eval(inner[0], f, depth + 1);
      for (const Value& item : v.items) {
        a.positional.push_back({item.node, item.file, std::make_shared<const Value>(item)});
      }
    } else if (!py::is(n, "dictionary_splat")) {
      a.positional.push_back({n, f.file, nullptr});
    }
  }
  return a;
}

Value Interp::arg(const Arg& a, Frame& f, int depth) {
  if (a.known) return *a.known;
  if (py::null(a.node)) return Value{};
  if (a.file == nullptr || a.file == f.file) return eval(a.node, f, depth + 1);
  Frame g = f;
  g.file = a.file;
  g.locals = nullptr;
  g.enclosing = nullptr;
  return eval(a.node, g, depth + 1);
}

void Interp::arg_effects(const Args& args, Frame& f, int depth) {
  for (const Arg& a : args.positional) (void)arg(a, f, depth);
  for (const auto& kw : args.keywords) (void)arg(kw.second, f, depth);
}

Value Interp::lookup(const std::string& name, const Frame& f) const {
  const Value* bound = nullptr;
  if (f.locals != nullptr) {
    if (auto it = f.locals->find(name); it != f.locals->end()) bound = &it->second;
  }
  if (bound == nullptr && f.enclosing != nullptr) {
    if (auto it = f.enclosing->find(name); it != f.enclosing->end()) bound = &it->second;
  }
  if (bound == nullptr && f.file != nullptr) {
    if (auto it = f.file->globals.find(name); it != f.file->globals.end()) bound = &it->second;
  }
  // In env.py, a connection whose value is unknown (`with connectable.connect() as
  // connection:` on an engine from the application's settings) is still the connection.
  if (bound != nullptr && (env_ == nullptr || bound->kind != ValueKind::unknown)) return *bound;
  Value v;
  v.file = f.file;
  if (env_ != nullptr && name.find("conn") != std::string::npos &&
      name.find("connectable") == std::string::npos) {
    v.kind = ValueKind::bind;  // dbapi_connection in a "connect" event listener, sync_conn, ...
  } else if (env_ != nullptr && name.find("cursor") != std::string::npos) {
    v.kind = ValueKind::bind;
    v.flag = true;  // a DB-API cursor
  }
  // Names that conventionally hold Alembic's objects, when nothing bound them (a helper's
  // parameter, `def upgrade(op, ...)`).
  if (name == "op") {
    v.kind = ValueKind::op;
  } else if (name == "context") {
    v.kind = ValueKind::context;
  } else if (name == "batch_op") {
    v.kind = ValueKind::batch;
  } else if (one_of(name, {"conn", "connection", "bind", "session", "db_session"})) {
    v.kind = ValueKind::bind;
    v.session = name.find("session") != std::string::npos;
  }
  return v;
}

void Interp::effects(py::Node e, Frame& f, int depth) { (void)eval(e, f, depth); }

Value Interp::eval(py::Node e, Frame& f, int depth) {
  if (py::null(e) || depth > kMaxDepth || too_deep(f, e)) return unknown_at(e, f.file);
  std::string_view t = py::type(e);
  std::string_view src = f.file->text;
  if (t == "identifier") {
    Value v = lookup(std::string(py::text(src, e)), f);
    if (py::null(v.node)) v.node = e;
    return v;
  }
  if (t == "string" || t == "concatenated_string") {
    auto lit = py::shared_string_literal(src, e);
    if (!lit) return unknown_at(e, f.file);
    Value v = make(ValueKind::string, e, f);
    v.literal = std::move(lit);
    if (v.literal->dynamic()) fill_fields(v, e, f, depth);
    return v;
  }
  if (t == "integer" || t == "float") return make(ValueKind::number, e, f);
  if (t == "true" || t == "false") {
    Value v = make(ValueKind::boolean, e, f);
    v.flag = t == "true";
    return v;
  }
  if (t == "none") return make(ValueKind::none, e, f);
  if (t == "list" || t == "tuple" || t == "set" || t == "expression_list") {
    Value v = make(ValueKind::list, e, f);
    for (py::Node item : py::named_children(e)) {
      Value x = eval(item, f, depth + 1);
      if (v.items.size() < kMaxItems) v.items.push_back(std::move(x));
    }
    return v;
  }
  if (t == "parenthesized_expression") {
    std::vector<py::Node> inner = py::named_children(e);
    if (inner.size() == 1) return eval(inner[0], f, depth + 1);
    return unknown_at(e, f.file);
  }
  if (t == "attribute") return eval_attribute(e, f, depth);
  if (t == "call") return eval_call(e, f, depth);
  if (t == "binary_operator") return eval_binary(e, f, depth);
  if (t == "comparison_operator" || t == "not_operator" || t == "boolean_operator") {
    Tri r = on_postgres(e, f, depth);
    if (r == Tri::unknown) return unknown_at(e, f.file);
    Value v = make(ValueKind::condition, e, f);
    v.flag = r == Tri::yes;
    return v;
  }
  if (t == "lambda" || t == "function_definition" || t == "class_definition") {
    return unknown_at(e, f.file);
  }
  if (t == "list_comprehension" || t == "set_comprehension" || t == "dictionary_comprehension" ||
      t == "generator_expression") {
    Frame g = f;
    g.in_loop = true;
    // [f"coalesce({c}, '')" for c in COLUMNS]: one `for` over a known list is unrolled, in a
    // scope of its own.
    py::Node body = py::field(e, "body");
    std::vector<py::Node> clauses = py::named_children(e);
    std::erase_if(clauses, [&](py::Node c) { return ts_node_eq(c, body) || py::is(c, "comment"); });
    py::Node iterable{};  // evaluated once, here: below, only the rest is
    if (t != "dictionary_comprehension" && clauses.size() == 1 &&
        py::is(clauses[0], "for_in_clause")) {
      iterable = py::field(clauses[0], "right");
      Value items = eval(iterable, f, depth + 1);
      auto n = static_cast<long>(items.items.size());
      if (items.kind == ValueKind::list && items.items.size() <= kMaxUnrolled &&
          n <= unroll_budget_) {
        unroll_budget_ -= n;
        Scope scope = f.enclosing != nullptr ? *f.locals : Scope{};
        g.enclosing = f.enclosing != nullptr ? f.enclosing : f.locals;
        g.locals = &scope;
        Value out = make(ValueKind::list, e, f);
        for (const Value& item : items.items) {
          assign(py::field(clauses[0], "left"), item, g, depth + 1);
          out.items.push_back(eval(body, g, depth + 1));
        }
        return out;
      }
    }
    // Evaluating the iterable a second time would make nested comprehensions cost two to the
    // power of their depth.
    for (py::Node c : py::named_children(e)) {
      if (py::null(iterable) || !ts_node_eq(c, clauses[0])) {
        effects(c, g, depth + 1);
        continue;
      }
      for (py::Node x : py::named_children(c)) {
        if (!ts_node_eq(x, iterable)) effects(x, g, depth + 1);
      }
    }
    return unknown_at(e, f.file);
  }
  if (t == "conditional_expression") {
    // `"true" if is_postgres() else "1"`: the PostgreSQL side, when the test is a dialect's.
    std::vector<py::Node> parts = py::named_children(e);
    if (parts.size() != 3) return unknown_at(e, f.file);
    Tri on_pg = on_postgres(parts[1], f, depth + 1);
    if (on_pg == Tri::yes) return eval(parts[0], f, depth + 1);
    if (on_pg == Tri::no) return eval(parts[2], f, depth + 1);
    effects(parts[0], f, depth + 1);
    effects(parts[2], f, depth + 1);
    return unknown_at(e, f.file);
  }
  if (t == "named_expression") {
    Value v = eval(py::field(e, "value"), f, depth + 1);
    py::Node name = py::field(e, "name");
    if (py::is(name, "identifier")) bind_name(std::string(py::text(src, name)), v, f);
    return v;
  }
  if (t == "await") {
    std::vector<py::Node> inner = py::named_children(e);
    return inner.empty() ? unknown_at(e, f.file) : eval(inner[0], f, depth + 1);
  }
  for (py::Node c : py::named_children(e)) effects(c, f, depth + 1);
  return unknown_at(e, f.file);
}

Value Interp::eval_binary(py::Node e, Frame& f, int depth) {
  py::Node op = py::field(e, "operator");
  std::string_view sym = py::text(f.file->text, op);
  Value left = eval(py::field(e, "left"), f, depth + 1);
  Value right = eval(py::field(e, "right"), f, depth + 1);
  if (sym == "%" && left.kind == ValueKind::string && left.literal) {
    return percent_format(left, right, e);
  }
  if (sym != "+") return unknown_at(e, f.file);
  if (left.kind == ValueKind::list && right.kind == ValueKind::list &&
      left.items.size() + right.items.size() <= kMaxItems) {
    Value v = make(ValueKind::list, e, f);  // ROLE_FLAGS + PERMISSIONS
    v.items = left.items;
    v.items.insert(v.items.end(), right.items.begin(), right.items.end());
    return v;
  }
  bool ls = left.kind == ValueKind::string && left.literal;
  bool rs = right.kind == ValueKind::string && right.literal;
  if (!ls && !rs) return unknown_at(e, f.file);
  py::Literal lit;
  lit.whole = py::range(e);
  auto part = [&](const Value& v, py::Node n) {
    if (v.kind == ValueKind::string && v.literal && v.file == f.file) {
      lit.append(*v.literal);
    } else {
      lit.append_hole(py::range(n), "concatenation with a value known only at run time");
    }
  };
  part(left, py::field(e, "left"));
  part(right, py::field(e, "right"));
  Value v = make(ValueKind::string, e, f);
  v.literal = std::make_shared<const py::Literal>(std::move(lit));
  return v;
}

Value Interp::eval_attribute(py::Node e, Frame& f, int depth) {
  std::string attr(py::text(f.file->text, py::field(e, "attribute")));
  Value o = eval(py::field(e, "object"), f, depth + 1);
  if (o.kind == ValueKind::imported) {
    o.kind = ValueKind::module;
    o.text = o.text.ends_with(".") ? o.text + o.name : o.text + "." + o.name;
  }
  if (auto v = dialect_member(o, attr, nullptr, e, f, depth)) return *v;
  switch (o.kind) {
    case ValueKind::module: {
      std::string path = o.text + "." + attr;
      if (path == "alembic.op") return make(ValueKind::op, e, f);
      if (path == "alembic.context") return make(ValueKind::context, e, f);
      if (!external_module(o.text) && o.file != nullptr && !f.quiet) {
        if (PyFile* m = resolve_module(o.text, *o.file)) {
          if (auto it = m->globals.find(attr); it != m->globals.end()) return it->second;
        }
      }
      if (attr == "session" && !external_module(o.text)) {
        Value v = make(ValueKind::bind, e, f);  // Flask-SQLAlchemy's models.db.session
        v.session = true;
        return v;
      }
      Value v = make(ValueKind::module, e, f);
      v.text = path;
      v.file = o.file;
      return v;
    }
    case ValueKind::context:
      if (attr == "connection" || attr == "bind") return make(ValueKind::bind, e, f);
      if (attr == "dialect") return make(ValueKind::dialect, e, f);
      if (attr == "as_sql") {
        Value v = make(ValueKind::condition, e, f);
        v.flag = false;  // offline (--sql) mode: see on_postgres
        return v;
      }
      break;
    case ValueKind::bind:
      if (attr == "dialect") return make(ValueKind::dialect, e, f);
      if (attr == "name") return make(ValueKind::dialect_name, e, f);
      if (attr == "engine" || attr == "connection") {
        Value v = make(ValueKind::bind, e, f);
        v.session = o.session && attr == "connection";
        return v;
      }
      break;
    case ValueKind::dialect:
      if (attr == "name") return make(ValueKind::dialect_name, e, f);
      break;
    case ValueKind::table:
      if (attr == "__table__") return o;
      break;
    default:
      if (attr == "dialect") return make(ValueKind::dialect, e, f);
      break;
  }
  return unknown_at(e, f.file);
}

Value Interp::eval_call(py::Node call, Frame& f, int depth) {
  py::Node fn = py::field(call, "function");
  std::string_view src = f.file->text;
  if (py::is(fn, "attribute")) {
    std::string name(py::text(src, py::field(fn, "attribute")));
    Value recv = eval(py::field(fn, "object"), f, depth + 1);
    py::Node object = py::field(fn, "object");
    if ((name == "append" || name == "extend") && py::is(object, "identifier") &&
        recv.kind == ValueKind::list) {
      // list.append(x) / .extend(xs): the list a loop will walk later.
      Args args = args_of(call, f, depth);
      Value item = arg(args.at(0), f, depth);
      if (name == "append") {
        if (recv.items.size() < kMaxItems) recv.items.push_back(std::move(item));
      } else {
        for (Value& x : item.items) {
          if (recv.items.size() < kMaxItems) recv.items.push_back(std::move(x));
        }
      }
      bind_name(std::string(py::text(src, object)), std::move(recv), f);
      return unknown_at(call, f.file);
    }
    Args args = args_of(call, f, depth);
    return method(recv, name, call, args, f, depth);
  }
  Args args = args_of(call, f, depth);
  if (py::is(fn, "identifier")) {
    std::string name(py::text(src, fn));
    Value v = lookup(name, f);
    if (v.kind == ValueKind::function) return call_function(v, call, args, f, depth);
    if (v.kind == ValueKind::imported) {
      if (external_module(v.text)) return call_named(v.name, call, args, f, depth);
      return call_imported(v, call, args, f, depth);
    }
    return call_named(name, call, args, f, depth);
  }
  if (py::is(fn, "subscript")) {
    // Alembic's multidb template: globals()["upgrade_%s" % engine_name]()
    py::Node base = py::field(fn, "value");
    py::Node key = py::field(fn, "subscript");
    if (py::is(base, "call") && py::text(src, py::field(base, "function")) == "globals") {
      Value k = eval(key, f, depth + 1);
      if (k.kind == ValueKind::string && k.literal) {
        std::string prefix = k.literal->value.substr(
            0, k.literal->holes.empty() ? std::string::npos : k.literal->holes.front());
        for (const auto& [name, v] : f.file->globals) {
          if (v.kind == ValueKind::function && name.starts_with(prefix) && !prefix.empty()) {
            call_function(v, call, args, f, depth);
          }
        }
      }
      return unknown_at(call, f.file);
    }
  }
  effects(fn, f, depth + 1);
  arg_effects(args, f, depth);
  return unknown_at(call, f.file);
}

Value Interp::call_named(std::string_view name, py::Node call, const Args& args, Frame& f,
                         int depth) {
  Arg first = args.at(0);
  if (one_of(name, {"text", "literal_column", "DDL", "TextClause", "dedent", "cleandoc", "str",
                    "repr"})) {
    if (first.null()) return unknown_at(call, f.file);
    Value v = arg(first, f, depth);
    if (v.kind == ValueKind::dialect_name || (v.kind == ValueKind::string && name != "repr")) {
      if (name == "text" || name == "TextClause") v.text_clause = true;
      return v;
    }
    if (name == "repr" && v.kind == ValueKind::string && v.literal && !v.literal->dynamic()) {
      // repr() of a known string: Python quotes it with ' (with " when it holds a ' and no
      // "); anything it would escape (\, control or non-ASCII characters, both quotes) stays
      // unknown.
      const std::string& s = v.literal->value;
      const bool plain = std::all_of(s.begin(), s.end(),
                                     [](char c) { return c >= 0x20 && c < 0x7f && c != '\\'; });
      const bool single = s.find('\'') != std::string::npos;
      if (plain && !(single && s.find('"') != std::string::npos)) {
        const char q = single ? '"' : '\'';
        py::Literal lit;
        lit.whole = py::range(call);
        lit.value = q + s + q;
        lit.source.assign(lit.value.size(), lit.whole);
        Value r = make(ValueKind::string, call, f);
        r.literal = std::make_shared<const py::Literal>(std::move(lit));
        return r;
      }
      return unknown_at(call, f.file);
    }
    if (v.kind == ValueKind::url && (name == "str" || name == "repr")) {
      v.kind = ValueKind::dialect_name;  // str(bind.engine.url): "postgresql+psycopg2://..."
      v.text = "url";
      v.node = call;
      return v;
    }
    return unknown_at(call, f.file);
  }
  if (name == "get_bind" && args.positional.empty()) return make(ValueKind::bind, call, f);
  if (name == "get_context" && args.positional.empty()) return make(ValueKind::context, call, f);
  if (one_of(name, {"table", "Table", "TableClause"})) {
    Value v = make(ValueKind::table, call, f);
    Frame q = f;
    q.quiet = true;
    if (!first.null()) v.table.name = name_value(arg(first, q, depth)).value_or("");
    if (Arg s = args.keyword("schema"); !s.null()) {
      v.table.schema = name_value(arg(s, q, depth)).value_or("");
    }
    return v;
  }
  if (one_of(name, {"update", "insert", "delete"}) && !first.null()) {
    Value t = arg(first, f, depth);
    Value v = make(ValueKind::core, call, f);
    v.change = name == "update"
                   ? DataChangeKind::update
                   : (name == "insert" ? DataChangeKind::insert : DataChangeKind::delete_);
    if (t.kind == ValueKind::table) v.table = t.table;
    if (auto s = name_value(t)) v.table.name = *s;
    if (!args.keyword("whereclause").null()) v.flag = true;
    return v;
  }
  if (one_of(name, {"list", "tuple", "sorted", "reversed", "set", "frozenset"}) && !first.null()) {
    Value v = arg(first, f, depth);
    if (v.kind != ValueKind::list) return unknown_at(call, f.file);
    if (name == "reversed") std::reverse(v.items.begin(), v.items.end());
    v.node = call;
    return v;
  }
  if (name == "select") {
    arg_effects(args, f, depth);
    return make(ValueKind::select, call, f);
  }
  if (one_of(name, {"Session", "sessionmaker", "scoped_session"})) {
    Value v = make(ValueKind::bind, call, f);
    v.session = true;
    return v;
  }
  if (env_ != nullptr && one_of(name, {"create_engine", "engine_from_config", "create_async_engine",
                                       "async_engine_from_config"})) {
    environment_engine(args, f, depth);  // the migration's engine, and its connect_args
    return make(ValueKind::bind, call, f);
  }
  arg_effects(args, f, depth);
  return unknown_at(call, f.file);
}

namespace {

// `Model.__table__` or a `sa.Table("name", metadata, ...)`, not a model class itself (whose
// own `create` may be the application's helper that inserts a row).
bool sqlalchemy_table(const Value& recv, py::Node call, const Frame& f) {
  py::Node object = py::field(py::field(call, "function"), "object");
  if (py::text(f.file->text, object).ends_with("__table__")) return true;
  if (recv.file == nullptr || !py::is(recv.node, "call")) return false;
  std::string_view fn = py::text(recv.file->text, py::field(recv.node, "function"));
  return fn == "Table" || fn.ends_with(".Table");
}

}  // namespace

Value Interp::method(const Value& recv, std::string_view name, py::Node call, const Args& args,
                     Frame& f, int depth) {
  Arg first = args.at(0);
  auto rest_effects = [&] { arg_effects(args, f, depth); };
  if (auto v = dialect_member(recv, name, &args, call, f, depth)) {
    if (v->kind != ValueKind::unknown) return *v;
    rest_effects();
    return unknown_at(call, f.file);
  }
  if (name == "create_all" || name == "drop_all") {
    // MetaData.create_all() / drop_all(): SQLAlchemy creates or drops the tables of models
    // the revision doesn't spell out. What it changes is not seen, and nothing is assumed.
    rest_effects();
    std::string callee(py::text(f.file->text, py::field(call, "function")));
    emit(Unanalyzable{"`" + callee + "()`"}, call, f);
    issue("unsupported-operation", call, f,
          "`" + callee + "()` " + (name == "create_all" ? "creates" : "drops") +
              " the tables of SQLAlchemy models, which are not read; the schema changes it makes "
              "are not checked",
          "write the tables as op.create_table() and op.drop_table() calls, or check them by "
          "hand");
    return unknown_at(call, f.file);
  }
  switch (recv.kind) {
    case ValueKind::op:
    case ValueKind::batch: {
      if (name == "get_bind") return make(ValueKind::bind, call, f);
      if (name == "get_context") return make(ValueKind::context, call, f);
      if (name == "f" || name == "inline_literal") {
        return first.null() ? unknown_at(call, f.file) : arg(first, f, depth);
      }
      auto named_table = [&](ValueKind kind) {
        Value v = make(kind, call, f);
        Frame q = f;
        q.quiet = true;
        Arg t = first.null() ? args.keyword("table_name") : first;
        v.table.name = name_value(arg(t, q, depth)).value_or("");
        if (Arg s = args.keyword("schema"); !s.null()) {
          v.table.schema = name_value(arg(s, q, depth)).value_or("");
        }
        return v;
      };
      if (name == "batch_alter_table") return named_table(ValueKind::batch);
      if (one_of(name, {"implementation_for", "register_operation", "get_context"})) {
        return unknown_at(call, f.file);
      }
      op_call(recv, name, call, args, f, depth);
      // op.create_table(...) returns the Table, for bulk_insert or insert() later.
      if (name == "create_table" && recv.kind == ValueKind::op) {
        return named_table(ValueKind::table);
      }
      return unknown_at(call, f.file);
    }
    case ValueKind::bind:
      if (name == "execute" || name == "exec_driver_sql") {
        // Parameters: a second argument (not None), or keywords (SQLAlchemy 1.x's
        // execute(sql, **params), 2.0's parameters=); execution_options= is none.
        bool params = args.positional.size() > 1 && !py::is(args.positional[1].node, "none");
        for (const auto& [k, a] : args.keywords) params = params || k != "execution_options";
        Binds binds = params ? Binds::driver_params : Binds::driver;
        if (recv.session && name == "execute") {
          binds = Binds::text;  // the ORM session wraps a str in text()
        } else if (recv.flag && !params) {
          binds = Binds::raw;  // a DB-API cursor without parameters
        }
        execute(first, call, f, depth, binds);
        for (std::size_t i = 1; i < args.positional.size(); ++i)
          (void)arg(args.positional[i], f, depth);
        return unknown_at(call, f.file);
      }
      if (one_of(name, {"begin", "connect", "begin_nested", "connection", "execution_options",
                        "cursor", "get_bind"})) {
        Value v = make(ValueKind::bind, call, f);
        v.session = recv.session && name != "connection" && name != "get_bind";
        v.flag = recv.flag || name == "cursor";  // a DB-API cursor
        return v;
      }
      if ((name == "commit" || name == "rollback") && !recv.session) {
        emit(TransactionControl{name == "commit" ? TransactionKind::commit
                                                 : TransactionKind::rollback},
             call, f);
        if (env_ != nullptr && !f.quiet) env_->connection_used = false;
        return unknown_at(call, f.file);
      }
      if (name == "query") {
        Value q = make(ValueKind::query, call, f);
        Value model = arg(first, f, depth);
        if (model.kind == ValueKind::table) q.table = model.table;
        for (std::size_t i = 1; i < args.positional.size(); ++i)
          (void)arg(args.positional[i], f, depth);
        return q;
      }
      if (recv.session && one_of(name, {"add", "add_all", "merge", "bulk_save_objects",
                                        "bulk_insert_mappings", "bulk_update_mappings"})) {
        rest_effects();
        DataChange d;
        d.kind = name == "bulk_update_mappings" ? DataChangeKind::update : DataChangeKind::insert;
        d.has_where = d.kind == DataChangeKind::update;
        emit(d, call, f);
        return unknown_at(call, f.file);
      }
      break;
    case ValueKind::context:
      if (name == "execute") {
        execute(first, call, f, depth);
        return unknown_at(call, f.file);
      }
      if (name == "configure" && env_ != nullptr) {
        environment_configure(call, args, f, depth);
        return unknown_at(call, f.file);
      }
      if (name == "get_bind") return make(ValueKind::bind, call, f);
      if (name == "is_offline_mode") {
        Value v = make(ValueKind::condition, call, f);
        v.flag = false;
        return v;
      }
      break;
    case ValueKind::query:
      if (one_of(name, {"filter", "filter_by", "where"})) {
        rest_effects();
        Value v = recv;
        v.flag = true;
        return v;
      }
      if (name == "update" || name == "delete") {
        rest_effects();
        DataChange d;
        d.kind = name == "update" ? DataChangeKind::update : DataChangeKind::delete_;
        d.table = recv.table;
        d.has_where = recv.flag;
        emit(d, call, f);
        return unknown_at(call, f.file);
      }
      rest_effects();
      return recv;
    case ValueKind::table:
      if ((name == "create" || name == "drop") && !recv.table.name.empty() &&
          sqlalchemy_table(recv, call, f)) {
        // Model.__table__.create(bind) / sa.Table(...).drop(bind): SQLAlchemy creates or drops
        // the table itself. Replay knows the table from here on; its columns are not read.
        rest_effects();
        Frame q = f;
        q.quiet = true;
        Arg check = args.keyword("checkfirst");
        const bool checkfirst = !check.null() && bool_value(arg(check, q, depth)).value_or(false);
        if (name == "create") {
          CreateTable c;
          c.table = recv.table;
          c.if_not_exists = checkfirst;
          emit(std::move(c), call, f);
        } else {
          DropTable d;
          d.table = recv.table;
          d.if_exists = checkfirst;
          emit(std::move(d), call, f);
        }
        return unknown_at(call, f.file);
      }
      if (name == "select") {
        rest_effects();
        return make(ValueKind::select, call, f);
      }
      if (one_of(name, {"update", "insert", "delete"})) {
        rest_effects();
        Value v = make(ValueKind::core, call, f);
        v.table = recv.table;
        v.change = name == "update"
                       ? DataChangeKind::update
                       : (name == "insert" ? DataChangeKind::insert : DataChangeKind::delete_);
        return v;
      }
      break;
    case ValueKind::select:
      rest_effects();  // .where(), .order_by(), .options()...: still a SELECT
      return recv;
    case ValueKind::core: {
      rest_effects();
      Value v = recv;
      v.node = call;
      if (one_of(name, {"where", "filter", "filter_by"})) v.flag = true;
      return v;
    }
    case ValueKind::string:
      if (auto v = string_method(recv, name, call, args, f, depth)) return *v;
      break;
    case ValueKind::imported: {
      // `from pkg import thing; thing.f()`: a module of the project, or just an object.
      std::string path =
          recv.text.ends_with(".") ? recv.text + recv.name : recv.text + "." + recv.name;
      if (external_module(path)) return call_named(name, call, args, f, depth);
      PyFile* mod = f.quiet || recv.file != &revision_ ? nullptr : resolve_module(path, *recv.file);
      if (mod != nullptr) {
        if (auto it = mod->globals.find(std::string(name));
            it != mod->globals.end() && it->second.kind == ValueKind::function) {
          Value fn = it->second;
          return call_function(fn, call, args, f, depth);
        }
      }
      break;
    }
    case ValueKind::module: {
      if (external_module(recv.text)) return call_named(name, call, args, f, depth);
      Value imp = recv;
      imp.kind = ValueKind::imported;
      imp.name = std::string(name);
      return call_imported(imp, call, args, f, depth);
    }
    case ValueKind::unknown:
      if (one_of(name, {"update", "insert", "delete"}) && args.positional.empty() &&
          args.keywords.empty()) {
        Value v = make(ValueKind::core, call, f);
        v.change = name == "update"
                       ? DataChangeKind::update
                       : (name == "insert" ? DataChangeKind::insert : DataChangeKind::delete_);
        return v;
      }
      if (one_of(name, {"text", "literal_column", "DDL", "dedent", "cleandoc", "table", "Table",
                        "Session", "sessionmaker", "select"}) ||
          (one_of(name, {"update", "insert", "delete"}) && !args.positional.empty())) {
        return call_named(name, call, args, f, depth);
      }
      break;
    default:
      break;
  }
  rest_effects();
  return unknown_at(call, f.file);
}

}  // namespace schemagate::alembic
