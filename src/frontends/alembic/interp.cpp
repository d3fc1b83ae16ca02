// Statements: blocks, branches (dialect and offline-mode tests), loops, with blocks
// (batch_alter_table, autocommit_block), assignments, imports and helper calls.
#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <string>

#include "frontends/alembic/interp.hpp"

namespace schemagate::alembic {

namespace {

constexpr int kMaxBlockDepth = 1000;  // nested blocks followed (the stack guard comes first)
constexpr int kMaxCallDepth = 8;      // helper calls followed
constexpr std::uintptr_t kStackBudget = 1024 * 1024;  // needs 2 MiB of stack per thread
constexpr std::size_t kMaxUnroll = 16;                // loop iterations over a known list

// What makes two operations at the same place the same.
std::string signature(const Operation& op) {
  std::string out = std::to_string(op.range.begin) + ":" + std::to_string(op.range.end) + ":" +
                    std::to_string(op.kind.index()) + ":" + operation_name(op) + ":";
  if (const QualifiedName* t = target_table(op)) out += t->key();
  std::visit(overloaded{
                 [&](const AddColumn& x) { out += ":" + x.column.name; },
                 [&](const DropColumn& x) { out += ":" + x.column; },
                 [&](const RenameColumn& x) { out += ":" + x.column + ">" + x.new_name; },
                 [&](const AlterColumnType& x) { out += ":" + x.column + ">" + x.to.text; },
                 [&](const SetNotNull& x) { out += ":" + x.column; },
                 [&](const DropNotNull& x) { out += ":" + x.column; },
                 [&](const SetDefault& x) { out += ":" + x.column; },
                 [&](const CreateIndex& x) { out += ":" + x.name; },
                 [&](const DropIndex& x) { out += ":" + x.index.key(); },
                 [&](const AddConstraint& x) { out += ":" + x.name; },
                 [&](const DropConstraint& x) { out += ":" + x.name; },
                 [&](const RenameTable& x) { out += ":" + x.new_name; },
                 [&](const Unanalyzable& x) { out += ":" + x.reason; },
                 [&](const auto&) {},
             },
             op.kind);
  return out;
}

bool docstring(py::Node s) {
  std::vector<py::Node> inner = py::named_children(s);
  return py::is(s, "expression_statement") && inner.size() == 1 && py::is(inner[0], "string");
}

bool is_statement_kind(std::string_view t) {
  return t.ends_with("_statement") || t == "function_definition" || t == "decorated_definition" ||
         t == "class_definition";
}

}  // namespace

Interp::Interp(Migration& migration, const AlembicOptions& options, PyFile& revision)
    : m_(migration), options_(options), revision_(revision) {
  char here = 0;
  stack_base_ = reinterpret_cast<std::uintptr_t>(&here);
}

bool Interp::too_deep(const Frame& f, py::Node at) {
  char here = 0;
  auto now = reinterpret_cast<std::uintptr_t>(&here);
  std::uintptr_t used = now < stack_base_ ? stack_base_ - now : now - stack_base_;
  if (used < kStackBudget) return false;
  if (!deep_reported_ && !f.quiet) {
    deep_reported_ = true;
    issue("unsupported-operation", at, f,
          "the code here is nested too deeply to follow; what it does is not checked",
          "flatten the nesting (fewer nested blocks, brackets or helper calls)");
  }
  return true;
}

void Interp::load_module(PyFile& file) {
  Frame f;
  f.file = &file;
  f.quiet = true;
  std::vector<Operation> none;
  f.ops = &none;
  block(file.tree->root(), f, 0);
}

void Interp::run_phase(std::string_view function, std::vector<Operation>& ops) {
  auto it = revision_.globals.find(std::string(function));
  if (it == revision_.globals.end() || it->second.kind != ValueKind::function) return;
  if (it->second.file != &revision_) return;
  Frame f;
  f.file = &revision_;
  f.ops = &ops;
  Value fn = it->second;
  Args none;
  call_function(fn, fn.node, none, f, 0);
  // A loop over a list or a helper called twice can yield the same operation at the same
  // place more than once; one finding there is enough. It counts as in a loop (or in an
  // autocommit block) only when every time it runs is.
  std::map<std::string, std::size_t> seen;
  std::vector<Operation> kept;
  for (Operation& op : ops) {
    auto [at, fresh] = seen.emplace(signature(op), kept.size());
    if (fresh) {
      kept.push_back(std::move(op));
    } else {
      Operation& first = kept[at->second];
      first.in_loop = first.in_loop && op.in_loop;
      first.autocommit = first.autocommit && op.autocommit;
    }
  }
  ops = std::move(kept);
}

void Interp::bind_name(const std::string& name, Value v, Frame& f) {
  if (f.locals != nullptr) {
    (*f.locals)[name] = std::move(v);
  } else if (f.file != nullptr) {
    f.file->globals[name] = std::move(v);
  }
}

bool Interp::block(py::Node b, Frame& f, int depth) {
  if (depth > kMaxBlockDepth || too_deep(f, b)) return false;
  for (py::Node s : py::named_children(b)) {
    if (statement(s, f, depth)) return true;
  }
  return false;
}

bool Interp::statement(py::Node s, Frame& f, int depth) {
  if (--budget_ < 0) {
    if (!budget_reported_ && !f.quiet) {
      budget_reported_ = true;
      issue("unsupported-operation", s, f,
            "this revision is too large to follow completely; the statements from here on are "
            "not checked",
            "split the revision, or simplify its loops and helper calls");
    }
    return true;
  }
  std::string_view t = py::type(s);
  std::string_view src = f.file->text;
  if (t == "expression_statement") {
    for (py::Node c : py::named_children(s)) {
      if (py::is(c, "assignment")) {
        std::vector<py::Node> targets;
        py::Node right = c;
        for (int guard = 0; guard < 64 && py::is(right, "assignment"); ++guard) {
          targets.push_back(py::field(right, "left"));
          right = py::field(right, "right");
        }
        if (py::null(right)) continue;  // an annotation only
        Value v = eval(right, f, depth + 1);
        for (py::Node target : targets) assign(target, v, f, depth);
      } else if (py::is(c, "augmented_assignment")) {
        // `sql += " WHERE ..."` keeps building a string.
        py::Node left = py::field(c, "left");
        Value add = eval(py::field(c, "right"), f, depth + 1);
        std::string_view sym = py::text(src, py::field(c, "operator"));
        Value old =
            py::is(left, "identifier") ? lookup(std::string(py::text(src, left)), f) : Value{};
        if (sym == "+=" && old.kind == ValueKind::string && old.literal && old.file == f.file) {
          py::Literal lit = *old.literal;
          if (add.kind == ValueKind::string && add.literal && add.file == f.file) {
            lit.append(*add.literal);
          } else {
            lit.append_hole(py::range(py::field(c, "right")),
                            "concatenation with a value known only at run time");
          }
          old.literal = std::make_shared<const py::Literal>(std::move(lit));
          assign(left, old, f, depth);
        } else {
          assign(left, Value{}, f, depth);
        }
      } else {
        effects(c, f, depth + 1);
      }
    }
    return false;
  }
  if (t == "if_statement") return if_statement(s, f, depth);
  if (t == "for_statement") return for_statement(s, f, depth);
  if (t == "with_statement") return with_statement(s, f, depth);
  if (t == "while_statement") {
    effects(py::field(s, "condition"), f, depth + 1);
    Frame g = f;
    g.in_loop = true;
    g.uncertain = true;
    block(py::field(s, "body"), g, depth + 1);
    if (py::Node alt = py::field(s, "alternative"); !py::null(alt)) {
      block(py::field(alt, "body"), f, depth + 1);
    }
    return false;
  }
  if (t == "try_statement") {
    // The body, statement by statement: an op call that certainly raises (raised_call_) ends
    // it there; the handlers run, the else clause doesn't.
    bool returns = false;
    bool raised = false;
    py::Node body = py::field(s, "body");
    if (depth + 1 > kMaxBlockDepth || too_deep(f, body)) return false;
    for (py::Node st : py::named_children(body)) {
      raised_call_ = {};
      ++try_depth_;
      const bool stops = statement(st, f, depth + 1);
      --try_depth_;
      if (stops) {
        returns = true;
        break;
      }
      const std::vector<py::Node> inner = py::named_children(st);
      if (!py::null(raised_call_) && py::is(st, "expression_statement") && inner.size() == 1 &&
          ts_node_eq(py::unparen(inner.front()), raised_call_)) {
        raised = true;
        break;
      }
    }
    raised_call_ = {};
    bool all_handlers_return = true;
    Frame handler = f;
    handler.uncertain = true;
    for (py::Node c : py::named_children(s)) {
      std::string_view ct = py::type(c);
      if (ct == "except_clause" || ct == "except_group_clause") {
        for (py::Node b : py::named_children(c)) {
          if (py::is(b, "block"))
            all_handlers_return = block(b, handler, depth + 1) && all_handlers_return;
        }
      } else if (ct == "else_clause") {
        if (!raised) returns = block(py::field(c, "body"), f, depth + 1) || returns;
      } else if (ct == "finally_clause") {
        for (py::Node b : py::named_children(c)) {
          if (py::is(b, "block") && block(b, f, depth + 1)) return true;
        }
      }
    }
    return (returns || raised) && all_handlers_return;
  }
  if (t == "match_statement") {
    effects(py::field(s, "subject"), f, depth + 1);
    Frame g = f;
    g.uncertain = true;
    for (py::Node body : py::named_children(s)) {
      if (!py::is(body, "block")) continue;
      for (py::Node c : py::named_children(body)) {
        if (py::is(c, "case_clause")) block(py::field(c, "consequence"), g, depth + 1);
      }
    }
    return false;
  }
  if (t == "function_definition" || t == "decorated_definition") {
    py::Node def = t == "decorated_definition" ? py::field(s, "definition") : s;
    if (!py::is(def, "function_definition")) return false;
    Value v = make(ValueKind::function, def, f);
    bind_name(std::string(py::text(src, py::field(def, "name"))), std::move(v), f);
    return false;
  }
  if (t == "return_statement") {
    for (py::Node c : py::named_children(s)) {
      Value v = eval(c, f, depth + 1);
      if (f.returned != nullptr && !f.returned->has_value()) *f.returned = std::move(v);
    }
    return true;
  }
  if (t == "raise_statement") return true;
  if (t == "import_statement" || t == "import_from_statement") {
    import_statement(s, f);
    return false;
  }
  if (t == "ERROR" || t == "block" || t == "module") {
    // What tree-sitter could still read around a syntax error.
    for (py::Node c : py::named_children(s)) {
      if (is_statement_kind(py::type(c)) || py::is(c, "ERROR")) {
        if (statement(c, f, depth + 1)) return true;
      } else {
        effects(c, f, depth + 1);
      }
    }
    return false;
  }
  if (t == "class_definition") {
    // An ORM model: its table, for session.query(Model)... and Model.__table__.
    for (py::Node item : py::named_children(py::field(s, "body"))) {
      py::Node a = py::named_children(item).empty() ? py::Node{} : py::named_children(item)[0];
      if (!py::is(item, "expression_statement") || !py::is(a, "assignment")) continue;
      if (py::text(src, py::field(a, "left")) != "__tablename__") continue;
      Frame q = f;
      q.quiet = true;
      if (auto name = name_value(eval(py::field(a, "right"), q, depth + 1))) {
        Value v = make(ValueKind::table, s, f);
        v.table.name = *name;
        bind_name(std::string(py::text(src, py::field(s, "name"))), std::move(v), f);
      }
    }
    return false;
  }
  if (t == "pass_statement" || t == "global_statement" || t == "nonlocal_statement" ||
      t == "future_import_statement" || t == "break_statement" || t == "continue_statement" ||
      t == "comment") {
    return false;
  }
  for (py::Node c : py::named_children(s)) effects(c, f, depth + 1);
  return false;
}

bool Interp::if_statement(py::Node s, Frame& f, int depth) {
  // Each clause whose test can be true on PostgreSQL is walked; a test known to be false on
  // PostgreSQL (`dialect.name == "sqlite"`) skips its clause, one known to be true skips the
  // others. Offline (--sql) mode tests count as false: the online branch is what runs when
  // the application migrates, and linting both would report the same change twice.
  // A clause after a test of unknown value may not run (env.py: see Frame::uncertain).
  bool continues = false;
  Frame maybe = f;
  auto clause = [&](py::Node cond, py::Node body) -> bool {  // true: stop here
    Tri t = on_postgres(cond, maybe, depth + 1);
    if (t == Tri::no) return false;
    if (t == Tri::unknown) maybe.uncertain = true;
    if (!block(body, maybe, depth + 1)) continues = true;
    return t == Tri::yes;
  };
  if (clause(py::field(s, "condition"), py::field(s, "consequence"))) return !continues;
  for (py::Node alt : py::named_children(s)) {
    if (py::is(alt, "elif_clause")) {
      if (clause(py::field(alt, "condition"), py::field(alt, "consequence"))) return !continues;
    } else if (py::is(alt, "else_clause")) {
      if (!block(py::field(alt, "body"), maybe, depth + 1)) continues = true;
      return !continues;
    }
  }
  return false;  // no clause may run
}

bool Interp::for_statement(py::Node s, Frame& f, int depth) {
  py::Node left = py::field(s, "left");
  Value items = eval(py::field(s, "right"), f, depth + 1);
  Frame g = f;
  g.in_loop = true;
  if (items.kind == ValueKind::list && !items.items.empty() && items.items.size() <= kMaxUnroll) {
    for (const Value& item : items.items) {
      assign(left, item, g, depth);
      block(py::field(s, "body"), g, depth + 1);
    }
  } else {
    assign(left, Value{}, g, depth);
    block(py::field(s, "body"), g, depth + 1);
  }
  if (py::Node alt = py::field(s, "alternative"); !py::null(alt)) {
    block(py::field(alt, "body"), f, depth + 1);
  }
  return false;
}

bool Interp::with_statement(py::Node s, Frame& f, int depth) {
  Frame g = f;
  std::string_view src = f.file->text;
  for (py::Node clause : py::named_children(s)) {
    if (!py::is(clause, "with_clause")) continue;
    for (py::Node item : py::named_children(clause)) {
      py::Node value = py::field(item, "value");
      py::Node alias{};
      if (py::is(value, "as_pattern")) {
        std::vector<py::Node> parts = py::named_children(value);
        alias = py::field(value, "alias");
        if (!py::null(alias) && ts_node_named_child_count(alias) == 1) {
          alias = ts_node_named_child(alias, 0);
        }
        value = parts.empty() ? py::Node{} : parts[0];
      }
      value = py::unparen(value);
      py::Node fn = py::field(value, "function");
      std::string_view method = py::is(value, "call") && py::is(fn, "attribute")
                                    ? py::text(src, py::field(fn, "attribute"))
                                    : std::string_view();
      if (method == "autocommit_block") {
        g.autocommit = true;
        continue;
      }
      // env.py: context.begin_transaction(), or a transaction of the connection (`.begin()`).
      if (method == "begin_transaction") g.in_runner_transaction = true;
      if (method == "begin") g.in_connection_transaction = true;
      Value v = eval(value, g, depth + 1);
      if (!py::null(alias)) assign(alias, v, g, depth);
    }
  }
  return block(py::field(s, "body"), g, depth + 1);
}

void Interp::assign(py::Node target, const Value& v, Frame& f, int depth) {
  std::string_view t = py::type(target);
  if (t == "identifier") {
    bind_name(std::string(py::text(f.file->text, target)), v, f);
    return;
  }
  if (depth > kMaxBlockDepth) return;
  if (t == "pattern_list" || t == "tuple_pattern" || t == "list_pattern" || t == "tuple" ||
      t == "list" || t == "parenthesized_expression") {
    std::vector<py::Node> parts = py::named_children(target);
    bool spread = v.kind == ValueKind::list && v.items.size() == parts.size();
    for (std::size_t i = 0; i < parts.size(); ++i) {
      assign(parts[i], spread ? v.items[i] : Value{}, f, depth + 1);
    }
  }
}

void Interp::import_statement(py::Node s, Frame& f) {
  std::string_view src = f.file->text;
  auto bind_module = [&](const std::string& dotted_name, const std::string& as) {
    Value v;
    v.file = f.file;
    if (dotted_name == "alembic.op") {
      v.kind = ValueKind::op;
    } else if (dotted_name == "alembic.context") {
      v.kind = ValueKind::context;
    } else {
      v.kind = ValueKind::module;
      v.text = dotted_name;
    }
    bind_name(as, std::move(v), f);
  };
  if (py::is(s, "import_statement")) {
    for (py::Node n : py::named_children(s)) {
      if (py::is(n, "dotted_name")) {
        std::string full(py::text(src, n));
        bind_module(full.substr(0, full.find('.')), full.substr(0, full.find('.')));
      } else if (py::is(n, "aliased_import")) {
        bind_module(std::string(py::text(src, py::field(n, "name"))),
                    std::string(py::text(src, py::field(n, "alias"))));
      }
    }
    return;
  }
  std::string module(py::text(src, py::field(s, "module_name")));
  for (py::Node n : py::named_children(s)) {
    if (ts_node_start_byte(n) == ts_node_start_byte(py::field(s, "module_name"))) continue;
    std::string name;
    std::string as;
    if (py::is(n, "dotted_name")) {
      name = as = std::string(py::text(src, n));
    } else if (py::is(n, "aliased_import")) {
      name = std::string(py::text(src, py::field(n, "name")));
      as = std::string(py::text(src, py::field(n, "alias")));
    } else if (py::is(n, "wildcard_import")) {
      // `from helpers import *`: the module's functions become ours.
      if (f.file != &revision_ || external_module(module)) continue;
      if (PyFile* mod = resolve_module(module, *f.file)) {
        for (const auto& [k, v] : mod->globals) {
          if (v.kind == ValueKind::function && !k.starts_with("_")) bind_name(k, v, f);
        }
      }
      continue;
    } else {
      continue;
    }
    Value v;
    v.file = f.file;
    if (module == "alembic" && (name == "op" || name == "context")) {
      v.kind = name == "op" ? ValueKind::op : ValueKind::context;
    } else {
      v.kind = ValueKind::imported;
      v.text = module;
      v.name = name;
    }
    bind_name(as, std::move(v), f);
  }
}

Value Interp::call_function(const Value& fn, py::Node call, const Args& args, Frame& f, int depth) {
  if (fn.file == nullptr || py::null(fn.node)) return Value{};
  std::pair<const PyFile*, std::size_t> key{fn.file, ts_node_start_byte(fn.node)};
  if (active_.contains(key) || f.call_depth >= kMaxCallDepth || too_deep(f, call)) return Value{};
  // Evaluating for a value only (quiet), a function is followed when all it does is return
  // something: `def users_table(): return sa.table("users", ...)`.
  py::Node lone_return{};
  if (f.quiet) {
    std::vector<py::Node> body = py::named_children(py::field(fn.node, "body"));
    if (!body.empty() && docstring(body[0])) body.erase(body.begin());
    if (body.size() != 1 || !py::is(body[0], "return_statement") ||
        ts_node_named_child_count(body[0]) != 1) {
      return Value{};
    }
    lone_return = ts_node_named_child(body[0], 0);
  }
  // Arguments are evaluated where the call is.
  std::vector<Value> positional;
  for (const Arg& a : args.positional) positional.push_back(arg(a, f, depth));
  std::vector<std::pair<std::string, Value>> keywords;
  for (const auto& [k, a] : args.keywords) keywords.emplace_back(k, arg(a, f, depth));

  Scope locals;
  Frame callee = f;
  callee.file = fn.file;
  callee.locals = &locals;
  callee.enclosing = nullptr;
  callee.call_depth = f.call_depth + 1;
  if (fn.file != &revision_ && !callee.call_site) callee.call_site = where(call, f.file, f);
  std::string_view src = fn.file->text;
  std::size_t next = 0;
  auto provided = [&](const std::string& name) -> std::optional<Value> {
    for (auto& [k, v] : keywords) {
      if (k == name) return v;
    }
    if (next < positional.size()) return positional[next++];
    return std::nullopt;
  };
  for (py::Node p : py::named_children(py::field(fn.node, "parameters"))) {
    std::string_view pt = py::type(p);
    py::Node inner = p;
    if (pt == "typed_parameter" && ts_node_named_child_count(p) > 0) {
      inner = ts_node_named_child(p, 0);
      pt = py::type(inner);
    }
    if (pt == "identifier") {
      std::string name(py::text(src, inner));
      if (auto v = provided(name)) locals[name] = *v;
    } else if (pt == "default_parameter" || pt == "typed_default_parameter") {
      std::string name(py::text(src, py::field(inner, "name")));
      if (auto v = provided(name)) {
        locals[name] = *v;
      } else {
        Frame q = callee;
        q.quiet = true;
        locals[name] = eval(py::field(inner, "value"), q, depth + 1);
      }
    } else if (pt == "list_splat_pattern") {
      Value rest;
      rest.kind = ValueKind::list;
      rest.file = f.file;
      while (next < positional.size()) rest.items.push_back(positional[next++]);
      std::vector<py::Node> id = py::named_children(inner);
      if (!id.empty()) locals[std::string(py::text(src, id[0]))] = std::move(rest);
    }
  }
  std::optional<Value> returned;
  callee.returned = &returned;
  active_.insert(key);
  if (py::null(lone_return)) {
    block(py::field(fn.node, "body"), callee, depth + 1);
  } else {
    returned = eval(lone_return, callee, depth + 1);
  }
  active_.erase(key);
  return returned.value_or(Value{});
}

Value Interp::call_imported(const Value& imp, py::Node call, const Args& args, Frame& f,
                            int depth) {
  auto evaluate_args = [&] {
    arg_effects(args, f, depth);
    return Value{};
  };
  // Helpers are followed one level: from the revision into its project's modules.
  if (f.quiet || imp.file != &revision_ || f.file != &revision_) return evaluate_args();
  PyFile* mod = resolve_module(imp.text, *imp.file);
  if (mod != nullptr) {
    auto it = mod->globals.find(imp.name);
    if (it != mod->globals.end() && it->second.kind == ValueKind::function) {
      Value fn = it->second;
      return call_function(fn, call, args, f, depth);
    }
    return evaluate_args();
  }
  // Neither the module nor its top-level package is found below the project root or the
  // folders above the revision: an installed library, which linting from elsewhere would not
  // find either. A package without __init__.py (a namespace package) is the project's when a
  // folder of its name holds the revision or a module read from the project.
  const std::string top = imp.text.substr(0, imp.text.find('.'));
  auto in_folder_named = [&](const std::string& path) {
    const std::string p = "/" + path;
    return p.find("/" + top + "/") != std::string::npos;
  };
  const bool library =
      !imp.text.starts_with(".") && resolve_module(top, *imp.file) == nullptr &&
      !in_folder_named(revision_.path) &&
      std::none_of(modules_.begin(), modules_.end(),
                   [&](const std::unique_ptr<PyFile>& m) { return in_folder_named(m->path); });
  if (library && !reaches_database(args, f, depth) && !migration_module(imp.text)) {
    // Given nothing that reaches the database, and not from a package of migration helpers
    // (which may use alembic.op itself): a validator called with a string, say, can't change
    // the schema.
    return evaluate_args();
  }
  py::Node parent = ts_node_parent(call);
  if (py::is(parent, "await")) parent = ts_node_parent(parent);
  if (py::is(parent, "expression_statement")) {
    std::string callee(py::text(f.file->text, py::field(call, "function")));
    if (library) {
      issue("unsupported-operation", call, f,
            "`" + callee + "(...)` calls a helper of `" + imp.text +
                "`, a package not found in the repository (an installed library); the schema "
                "changes it makes are not checked",
            "check by hand what the helper does (in the library's documentation or source)");
    } else {
      issue("unsupported-operation", call, f,
            "`" + callee + "(...)` calls a helper imported from `" + imp.text +
                "`, which was not found in the project (a module outside the folders linted); "
                "the schema changes it makes are not checked",
            "lint the project from its root folder so that the helper's module can be read, or "
            "check what the helper does by hand");
    }
  }
  return evaluate_args();
}

bool Interp::reaches_database(const Args& args, const Frame& f, int depth) {
  Frame q = f;
  q.quiet = true;
  auto reaches = [](const Value& v) {
    return v.kind == ValueKind::op || v.kind == ValueKind::batch || v.kind == ValueKind::bind ||
           v.kind == ValueKind::context;
  };
  auto any = [&](const Value& v) {
    return reaches(v) || std::any_of(v.items.begin(), v.items.end(), reaches);
  };
  for (const Arg& a : args.positional) {
    if (any(arg(a, q, depth))) return true;
  }
  for (const auto& kw : args.keywords) {
    if (any(arg(kw.second, q, depth))) return true;
  }
  return false;
}

bool Interp::migration_module(std::string_view module) {
  std::string lower;
  for (char c : module) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower.find("migrat") != std::string::npos || lower.find("alembic") != std::string::npos;
}

ByteRange Interp::where(py::Node n, const PyFile* file, const Frame& f) const {
  if (file == &revision_ || !f.call_site) return py::range(n);
  return *f.call_site;
}

namespace {

bool blank(char c) { return c == ' ' || c == '\t'; }

// The line starts among `lines` (byte offsets in text order) that are not inside a string
// literal of `stmt`, the statement they are lines of. A byte is inside a string literal when
// a string node starts before it and ends after it (the nodes that hold a byte are a chain
// from the root down; siblings do not overlap): one of the statement's ancestors, or a node
// of its subtree, searched only below the nodes that span one of the lines.
std::vector<std::size_t> outside_strings(py::Node stmt, const std::vector<std::size_t>& lines) {
  std::vector<bool> inside(lines.size(), false);
  // The first of `lines` strictly inside node `n`, or lines.size().
  auto first_inside = [&](py::Node n) {
    std::size_t b = ts_node_start_byte(n);
    std::size_t e = ts_node_end_byte(n);
    auto it = std::upper_bound(lines.begin(), lines.end(), b);
    return it != lines.end() && *it < e ? static_cast<std::size_t>(it - lines.begin())
                                        : lines.size();
  };
  auto mark = [&](py::Node n, std::size_t from) {
    if (!py::is(n, "string")) return;
    for (std::size_t i = from; i < lines.size() && lines[i] < ts_node_end_byte(n); ++i) {
      inside[i] = true;
    }
  };
  for (py::Node p = ts_node_parent(stmt); !py::null(p); p = ts_node_parent(p)) {
    mark(p, first_inside(p));
  }
  TSTreeCursor cursor = ts_tree_cursor_new(stmt);
  for (;;) {
    py::Node n = ts_tree_cursor_current_node(&cursor);
    std::size_t from = first_inside(n);
    if (from < lines.size()) {
      mark(n, from);
      if (ts_tree_cursor_goto_first_child(&cursor)) continue;
    }
    bool more = false;
    while (!(more = ts_tree_cursor_goto_next_sibling(&cursor))) {
      if (!ts_tree_cursor_goto_parent(&cursor)) break;
    }
    if (!more) break;
  }
  ts_tree_cursor_delete(&cursor);
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (!inside[i]) out.push_back(lines[i]);
  }
  return out;
}

}  // namespace

void Interp::points_of(py::Node call, Frame& f, std::size_t first) {
  if (f.file != &revision_ || f.call_site || f.ops == nullptr || !py::is(call, "call")) return;
  std::string_view text = f.file->text;
  EditPoints pt;
  py::Node args = py::field(call, "arguments");
  if (py::is(args, "argument_list")) {
    std::vector<py::Node> items = py::named_children(args);
    if (items.empty()) {
      pt.keyword_at = ts_node_start_byte(args) + 1;
    } else {
      std::size_t last = ts_node_end_byte(items.back());
      std::size_t close = ts_node_end_byte(args) - 1;
      std::size_t comma = last;
      while (comma < close && blank(text[comma])) ++comma;
      bool trailing = comma < close && text[comma] == ',';
      bool broken = text.substr(last, close - last).find('\n') != std::string_view::npos;
      if (trailing && broken) {
        // One argument per line: a new line like the last argument's.
        std::size_t line = ts_node_start_byte(items.back());
        while (line > 0 && text[line - 1] != '\n') --line;
        std::size_t code = line;
        while (code < text.size() && blank(text[code])) ++code;
        pt.keyword_at = comma + 1;
        pt.keyword_prefix = "\n" + std::string(text.substr(line, code - line));
        pt.keyword_suffix = ",";
      } else {
        pt.keyword_at = last;
        pt.keyword_prefix = ", ";
      }
    }
  }
  // The statement that is the call, alone on its lines (op.*: a batch_alter_table's operations
  // run when its block ends, so they can't move into another block).
  py::Node stmt = ts_node_parent(call);
  bool op_call = py::text(text, py::field(call, "function")).starts_with("op.");
  if (op_call && py::is(stmt, "expression_statement") &&
      ts_node_start_byte(stmt) == ts_node_start_byte(call)) {
    std::size_t begin = ts_node_start_byte(stmt);
    std::size_t end = ts_node_end_byte(stmt);
    std::size_t line = begin;
    while (line > 0 && text[line - 1] != '\n' && text[line - 1] != '\r') --line;
    bool alone = true;
    for (std::size_t i = line; i < begin; ++i) alone = alone && blank(text[i]);
    std::size_t after = end;
    while (after < text.size() && blank(text[after])) ++after;
    alone = alone && (after >= text.size() || text[after] == '\n' || text[after] == '\r' ||
                      text[after] == '#');
    if (alone) {
      pt.line_start = line;
      pt.lines_end = end;
      pt.indent = std::string(text.substr(line, begin - line));
      std::vector<std::size_t> lines;
      for (std::size_t i = begin; i < end; ++i) {
        if (text[i] != '\n' && !(text[i] == '\r' && (i + 1 >= text.size() || text[i + 1] != '\n')))
          continue;
        std::size_t next = i + 1;
        std::size_t code = next;
        while (code < end && blank(text[code])) ++code;
        if (code >= end || text[code] == '\n' || text[code] == '\r') continue;  // blank line
        lines.push_back(next);
      }
      if (!lines.empty()) pt.more_lines = outside_strings(stmt, lines);
    }
  }
  for (std::size_t i = first; i < f.ops->size(); ++i) {
    EditPoints& p = (*f.ops)[i].points;
    // SQL inside the call's string keeps its own points; the call's are added.
    p.keyword_at = pt.keyword_at;
    p.keyword_prefix = pt.keyword_prefix;
    p.keyword_suffix = pt.keyword_suffix;
    p.line_start = pt.line_start;
    p.lines_end = pt.lines_end;
    p.indent = pt.indent;
    p.more_lines = pt.more_lines;
  }
}

void Interp::emit(OperationKind kind, py::Node at, Frame& f) {
  if (f.quiet || f.ops == nullptr) return;
  Operation op;
  op.kind = std::move(kind);
  op.range = where(at, f.file, f);
  op.in_loop = f.in_loop;
  op.autocommit = f.autocommit;
  f.ops->push_back(std::move(op));
  points_of(py::unparen(at), f, f.ops->size() - 1);
}

void Interp::issue(std::string rule, py::Node at, const Frame& f, std::string message,
                   std::string help, const PyFile* file) {
  if (f.quiet) return;
  FrontendIssue i{std::move(rule), where(at, file != nullptr ? file : f.file, f),
                  std::move(message), std::move(help)};
  for (const FrontendIssue& old : m_.issues) {
    if (old.rule == i.rule && old.range == i.range && old.message == i.message) return;
  }
  m_.issues.push_back(std::move(i));
}

}  // namespace schemagate::alembic
