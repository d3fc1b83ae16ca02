// A project's env.py, read statically with the revision interpreter: what Alembic's runner does
// around every revision. Timeouts set on the migration connection (SET executed on it, or the
// connection's own options), and whether each revision runs in its own transaction
// (context.configure(transaction_per_migration=True)) or all pending revisions in one
// (Alembic's default).
//
// Alembic (runtime/migration.py) decides the transaction once per run: begin_transaction()
// opens one transaction around all pending revisions unless transaction_per_migration is set,
// in which case run_migrations() opens one per revision. If the connection is already in a
// transaction when context.configure() is called (a `with connection.begin():` around it, or,
// with SQLAlchemy 2.0, any SQL executed on the connection before it and not committed), Alembic
// takes that transaction for the caller's: begin_transaction() does nothing and every revision
// runs in it, whatever transaction_per_migration says. autocommit_block() commits the
// transaction open at that point (with the revisions before it in the run, by default).
#include <algorithm>
#include <cctype>
#include <exception>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "frontends/alembic/interp.hpp"
#include "frontends/alembic/syntax.hpp"

namespace schemagate::alembic {

namespace {

// Names of the functions that something in the file calls by name (`f(...)`).
std::set<std::string> called_names(const PyFile& file) {
  std::set<std::string> out;
  std::vector<py::Node> todo{file.tree->root()};
  while (!todo.empty()) {
    py::Node n = todo.back();
    todo.pop_back();
    if (py::is(n, "call")) {
      py::Node fn = py::field(n, "function");
      if (py::is(fn, "identifier")) out.emplace(py::text(file.text, fn));
    }
    for (py::Node c : py::named_children(n)) todo.push_back(c);
  }
  return out;
}

// libpq's `options` are server command-line switches: words split at white space (a
// backslash escapes the next character), settings as `-c name=value`, `-cname=value` or
// `--name=value`, a dash in the name read as an underscore.
std::vector<SetSetting> option_settings(std::string_view options) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  for (std::size_t i = 0; i < options.size(); ++i) {
    char c = options[i];
    if (c == '\\' && i + 1 < options.size()) {
      word += options[++i];
      in_word = true;
    } else if (std::isspace(static_cast<unsigned char>(c)) != 0) {
      if (in_word) words.push_back(std::move(word));
      word.clear();
      in_word = false;
    } else {
      word += c;
      in_word = true;
    }
  }
  if (in_word) words.push_back(std::move(word));
  std::vector<SetSetting> out;
  for (std::size_t i = 0; i < words.size(); ++i) {
    std::string setting;
    if (words[i] == "-c" && i + 1 < words.size()) {
      setting = words[++i];
    } else if (words[i].starts_with("--")) {
      setting = words[i].substr(2);
    } else if (words[i].starts_with("-c")) {
      setting = words[i].substr(2);
    } else {
      continue;
    }
    std::size_t eq = setting.find('=');
    if (eq == std::string::npos || eq == 0) continue;
    SetSetting s;
    for (char c : setting.substr(0, eq)) {
      s.name += c == '-' ? '_' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    s.value = setting.substr(eq + 1);
    out.push_back(std::move(s));
  }
  return out;
}

RunnerEnvironment summarize(const EnvironmentWalk& walk, std::string path) {
  RunnerEnvironment out;
  out.path = std::move(path);
  // Every context.configure(...) that runs must agree; none leaves Alembic's default.
  std::optional<bool> per_migration = false;
  for (std::size_t i = 0; i < walk.configures.size(); ++i) {
    if (i == 0 || walk.configures[i] != per_migration) {
      per_migration = i == 0 ? walk.configures[i] : std::nullopt;
    }
  }
  out.transaction_per_migration = per_migration;
  for (std::size_t i = 0; i < walk.transactional_ddl.size(); ++i) {
    if (i == 0 || walk.transactional_ddl[i] != out.transactional_ddl) {
      out.transactional_ddl = i == 0 ? walk.transactional_ddl[i] : std::nullopt;
    }
  }
  for (const EnvironmentWalk::Setting& s : walk.settings) {
    // A SET LOCAL lasts until its transaction ends: it holds for the revisions only when they
    // all run in the transaction it was made in.
    // transactional_ddl=False: no transaction holds them all.
    if (s.set.local &&
        (!s.in_transaction || per_migration != false || out.transactional_ddl != true)) {
      continue;
    }
    out.settings.push_back(s.set);
  }
  return out;
}

}  // namespace

void Interp::run_environment(EnvironmentWalk& walk) {
  env_ = &walk;
  std::vector<Operation> ops;
  Frame top;
  top.file = &revision_;
  top.ops = &ops;
  block(revision_.tree->root(), top, 0);
  // Functions that run without being called from the file: connection.run_sync(f), event
  // listeners. In the order they are written.
  std::set<std::string> called = called_names(revision_);
  std::vector<Value> entries;
  for (const auto& [name, v] : revision_.globals) {
    if (v.kind == ValueKind::function && v.file == &revision_ && !called.contains(name)) {
      entries.push_back(v);
    }
  }
  std::sort(entries.begin(), entries.end(), [](const Value& a, const Value& b) {
    return ts_node_start_byte(a.node) < ts_node_start_byte(b.node);
  });
  for (const Value& fn : entries) {
    Frame f;
    f.file = &revision_;
    f.ops = &ops;
    Args none;
    call_function(fn, fn.node, none, f, 0);
  }
  env_ = nullptr;
}

void Interp::environment_sql(const Frame& f, std::size_t first) {
  env_->connection_used = true;
  if (f.ops == nullptr) return;
  for (std::size_t i = first; i < f.ops->size(); ++i) {
    const Operation& op = (*f.ops)[i];
    if (const auto* t = op.as<TransactionControl>()) {
      env_->connection_used =
          t->kind != TransactionKind::commit && t->kind != TransactionKind::rollback;
      continue;
    }
    env_->connection_used = true;
    const auto* s = op.as<SetSetting>();
    if (s == nullptr || f.uncertain) continue;
    env_->settings.push_back({*s, f.in_runner_transaction || f.in_connection_transaction});
  }
}

void Interp::environment_configure(py::Node call, const Args& args, Frame& f, int depth) {
  Frame q = f;
  q.quiet = true;
  std::optional<bool> per_migration = false;
  if (Arg a = args.keyword("transaction_per_migration"); !a.null()) {
    per_migration = bool_value(arg(a, q, depth));
  } else {
    // configure(**options): the options are not followed.
    for (py::Node n : py::named_children(py::field(call, "arguments"))) {
      if (py::is(n, "dictionary_splat")) per_migration = std::nullopt;
    }
  }
  // The connection is in a transaction already: Alembic runs every revision in it. With
  // SQLAlchemy 2.0, SQL executed on the connection has begun one; before 2.0 it has not.
  if (f.in_connection_transaction) {
    per_migration = false;
  } else if (per_migration == true && env_->connection_used) {
    per_migration = std::nullopt;
  }
  if (f.uncertain && per_migration != false) per_migration = std::nullopt;
  env_->configures.push_back(per_migration);
  // transactional_ddl=False: Alembic opens no transaction around all pending revisions.
  std::optional<bool> transactional = true;
  if (Arg a = args.keyword("transactional_ddl"); !a.null()) {
    transactional = bool_value(arg(a, q, depth));
  } else {
    for (py::Node n : py::named_children(py::field(call, "arguments"))) {
      if (py::is(n, "dictionary_splat")) transactional = std::nullopt;
    }
  }
  if (f.uncertain && transactional != true) transactional = std::nullopt;
  env_->transactional_ddl.push_back(transactional);
  arg_effects(args, f, depth);
}

void Interp::environment_engine(const Args& args, Frame& f, int depth) {
  arg_effects(args, f, depth);
  Arg connect_args = args.keyword("connect_args");
  if (connect_args.null() || f.uncertain) return;
  PyFile* file = connect_args.file != nullptr ? connect_args.file : f.file;
  Frame q = f;
  q.quiet = true;
  auto value_of = [&](py::Node n) {
    Value v = arg(Arg{n, file, nullptr}, q, depth);
    if (auto s = string_value(v)) return s;
    py::Node u = py::unparen(n);
    if (py::is(u, "integer") || py::is(u, "float")) {
      return std::optional<std::string>(std::string(py::text(file->text, u)));
    }
    return std::optional<std::string>();
  };
  // A dict written in the call; one held in a name is not followed.
  auto pairs = [&](py::Node dict) {
    std::vector<std::pair<std::string, py::Node>> out;
    if (!py::is(py::unparen(dict), "dictionary")) return out;
    for (py::Node p : py::named_children(py::unparen(dict))) {
      std::vector<py::Node> kv = py::named_children(p);  // key, value
      if (!py::is(p, "pair") || kv.size() != 2) continue;
      if (auto key = value_of(kv[0])) out.emplace_back(*key, kv[1]);
    }
    return out;
  };
  for (const auto& [key, value] : pairs(connect_args.node)) {
    if (key == "options") {  // psycopg2, psycopg: libpq's options
      if (auto text = value_of(value)) {
        for (SetSetting& s : option_settings(*text))
          env_->settings.push_back({std::move(s), false});
      }
    } else if (key == "server_settings") {  // asyncpg
      for (const auto& [name, v] : pairs(value)) {
        auto text = value_of(v);
        if (!text) continue;
        SetSetting s;
        for (char c : name)
          s.name += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        s.value = *text;
        env_->settings.push_back({std::move(s), false});
      }
    }
  }
}

RunnerEnvironment read_environment(const SourceFile& file, const AlembicOptions& options) {
  RunnerEnvironment none;
  none.path = file.path;
  try {
    Migration scratch;  // what the interpreter reports about env.py is not for the revisions
    scratch.file = &file;
    PyFile env;
    env.path = file.path;
    env.text = file.text;
    env.revision = true;
    TokenizerResult tokens = tokenize_check(file.text);
    env.tree = std::make_unique<py::Tree>(env.text);
    if (env.tree->has_error() && !tokens.tokenizer_error && tokens.joined_differs) {
      auto joined = std::make_unique<py::Tree>(tokens.bracket_joined);
      if (!joined->has_error()) env.tree = std::move(joined);
    }
    Interp interp(scratch, options, env);
    interp.load_module(env);
    EnvironmentWalk walk;
    interp.run_environment(walk);
    RunnerEnvironment out = summarize(walk, file.path);
    std::string lower = file.text;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out.other_databases =
        lower.find("sqlite") != std::string::npos || lower.find("mysql") != std::string::npos ||
        lower.find("mssql") != std::string::npos || lower.find("oracle") != std::string::npos;
    return out;
  } catch (const std::exception&) {
    return none;  // out of memory: as if there were no env.py
  }
}

}  // namespace schemagate::alembic
