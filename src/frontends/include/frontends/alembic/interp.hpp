// Internal to the Alembic frontend: a small abstract interpreter over the revision's Python.
// It never runs anything: it follows upgrade()/downgrade() statement by statement, tracks
// what names stand for (op, a batch_op, a connection, a table, a string, a helper
// function...), and lowers every op.* call and every piece of executed SQL to the IR.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "frontends/alembic/alembic_frontend.hpp"
#include "frontends/alembic/binds.hpp"
#include "frontends/alembic/python.hpp"
#include "schemagate/ir.hpp"

namespace schemagate::alembic {

struct PyFile;

// What an expression stands for, as far as the migration is concerned.
enum class ValueKind {
  unknown,
  none,
  boolean,
  number,
  string,        // `literal` holds it (with holes when built at run time)
  op,            // alembic.op
  batch,         // a batch_op: `table`
  bind,          // a connection (op.get_bind()); `session` for an ORM session
  context,       // op.get_context() / alembic.context
  dialect,       // <bind>.dialect
  dialect_name,  // <bind>.dialect.name; `text` "driver" for a URL's drivername
                 // ("postgresql+psycopg2"), "url" for the URL as a string
  url,           // an engine URL object: <bind>.engine.url
  condition,     // a test whose value on PostgreSQL is known: `flag`
  table,         // sa.table("x") / sa.Table("x", ...): `table`
  core,          // a SQLAlchemy Core statement: `change`, `table`, `flag` (has WHERE)
  select,        // a SQLAlchemy Core SELECT (or an ORM select()): executing it changes nothing
  query,         // session.query(X)...: `flag` (filtered)
  list,          // list / tuple / set display: `items`
  function,      // a def: `node` is the function_definition in `file`
  module,        // an imported module: `text` is its dotted path
  imported,      // `from text import name`
};

struct Value {
  ValueKind kind = ValueKind::unknown;
  PyFile* file = nullptr;  // where `node` is written
  py::Node node{};         // the expression (null when synthetic)
  std::string text;        // module path, dotted name of a call, ...
  std::string name;        // imported name
  QualifiedName table;
  DataChangeKind change = DataChangeKind::update;
  bool flag = false;
  bool session = false;
  bool text_clause = false;  // a string passed through sa.text(): its binds are `:name`
  std::shared_ptr<const py::Literal> literal;
  std::vector<Value> items;
};

using Scope = std::unordered_map<std::string, Value>;

// A Python file: the revision itself, or a project module a revision imports helpers from.
struct PyFile {
  std::string path;
  std::string owned_text;  // helper modules own their text
  std::string_view text;
  std::unique_ptr<py::Tree> tree;
  Scope globals;
  bool revision = false;
};

// The state of one walk: where we are and what applies to the operations found.
struct Frame {
  PyFile* file = nullptr;
  Scope* locals = nullptr;  // null at module level
  // Inside a comprehension, `locals` holds its loop variables and this the scope around it.
  const Scope* enclosing = nullptr;
  std::vector<Operation>* ops = nullptr;
  bool in_loop = false;
  bool autocommit = false;
  bool quiet = false;  // evaluating for a value only: emit nothing
  // Inside a helper from another file: every operation points at this call in the revision.
  std::optional<ByteRange> call_site;
  int call_depth = 0;
  // Inside a function: where its first `return <value>` puts the value.
  std::optional<Value>* returned = nullptr;
  // Reading env.py: what runs here may not run (under a test whose value on PostgreSQL is
  // unknown, in an except handler, a while loop, a match case), and which transaction is open
  // (`with context.begin_transaction():`, `with <connection>.begin():`).
  bool uncertain = false;
  bool in_runner_transaction = false;
  bool in_connection_transaction = false;
};

// What a walk of env.py found (environment.cpp), in the order it ran.
struct EnvironmentWalk {
  struct Setting {
    SetSetting set;
    bool in_transaction = false;  // executed inside an open transaction
  };
  std::vector<Setting> settings;  // SETs that certainly run, and connection options
  // transaction_per_migration of each context.configure(...) call, as far as it is known.
  std::vector<std::optional<bool>> configures;
  // transactional_ddl of each context.configure(...) call (true when not given: PostgreSQL's
  // default), as far as it is known.
  std::vector<std::optional<bool>> transactional_ddl;
  // SQL was executed on the connection and not committed since: with SQLAlchemy 2.0 the
  // connection is in a transaction (autobegin), which Alembic then takes for the caller's.
  bool connection_used = false;
};

// One argument of a call: an expression (evaluated lazily), or an element of a `*list`
// already evaluated.
struct Arg {
  py::Node node{};
  PyFile* file = nullptr;  // where `node` is written
  std::shared_ptr<const Value> known;
  [[nodiscard]] bool null() const { return py::null(node) && !known; }
};

struct Args {
  std::vector<Arg> positional;
  std::vector<std::pair<std::string, Arg>> keywords;
  [[nodiscard]] Arg keyword(std::string_view name) const;
  [[nodiscard]] Arg at(std::size_t i) const {
    return i < positional.size() ? positional[i] : Arg{};
  }
};

enum class Tri { no, yes, unknown };

class OpReader;

class Interp {
 public:
  Interp(Migration& migration, const AlembicOptions& options, PyFile& revision);

  // Walks a module-level function (upgrade, downgrade) into `ops`.
  void run_phase(std::string_view function, std::vector<Operation>& ops);
  // Reads the module's imports, assignments and defs into its globals (no effects).
  void load_module(PyFile& file);
  // Walks the revision file as env.py (environment.cpp): its top level, then each of its
  // functions that nothing in it calls by name (callbacks such as run_sync's), into `walk`.
  void run_environment(EnvironmentWalk& walk);

 private:
  friend class OpReader;

  // Statements (interp.cpp). Return true when the block certainly returns or raises.
  bool block(py::Node block, Frame& f, int depth);
  bool statement(py::Node s, Frame& f, int depth);
  bool if_statement(py::Node s, Frame& f, int depth);
  bool for_statement(py::Node s, Frame& f, int depth);
  bool with_statement(py::Node s, Frame& f, int depth);
  void assign(py::Node target, const Value& v, Frame& f, int depth);
  void import_statement(py::Node s, Frame& f);
  void bind_name(const std::string& name, Value v, Frame& f);

  // Expressions (eval.cpp).
  Value eval(py::Node e, Frame& f, int depth);
  Value eval_attribute(py::Node e, Frame& f, int depth);
  Value eval_call(py::Node call, Frame& f, int depth);
  Value eval_binary(py::Node e, Frame& f, int depth);

  // Strings (strings.cpp): f-string fields, `%`, .format(), str.join.
  void fill_fields(Value& v, py::Node e, Frame& f, int depth);
  static Value percent_format(const Value& left, const Value& right, py::Node e);
  std::optional<Value> string_method(const Value& recv, std::string_view name, py::Node call,
                                     const Args& args, Frame& f, int depth);
  Value call_named(std::string_view name, py::Node call, const Args& args, Frame& f, int depth);
  Value method(const Value& recv, std::string_view name, py::Node call, const Args& args, Frame& f,
               int depth);
  Value call_function(const Value& fn, py::Node call, const Args& args, Frame& f, int depth);
  Value call_imported(const Value& imp, py::Node call, const Args& args, Frame& f, int depth);
  Value lookup(const std::string& name, const Frame& f) const;
  void effects(py::Node e, Frame& f, int depth);

  // Dialect tests (dialect.cpp): is a condition true when the database is PostgreSQL?
  Tri on_postgres(py::Node cond, Frame& f, int depth);
  Tri compare_on_postgres(py::Node cond, Frame& f, int depth);
  // An attribute (`args` null) or a method of a connection, an engine URL or a dialect name
  // that names the dialect; nullopt when `name` is nothing of the kind.
  std::optional<Value> dialect_member(const Value& recv, std::string_view name, const Args* args,
                                      py::Node at, Frame& f, int depth);
  Args args_of(py::Node call, Frame& f, int depth);
  Value arg(const Arg& a, Frame& f, int depth);
  void arg_effects(const Args& args, Frame& f, int depth);
  [[nodiscard]] Value make(ValueKind kind, py::Node node, const Frame& f) const;

  // Modules (modules.cpp).
  PyFile* resolve_module(const std::string& module, const PyFile& from);
  [[nodiscard]] static bool external_module(std::string_view module);
  // Does a call's argument reach the database: op, a batch, the migration context, a
  // connection or session, or something derived from them (read quietly)? A list of them too.
  [[nodiscard]] bool reaches_database(const Args& args, const Frame& f, int depth);
  // A module of migration helpers by its name ("billing.migrations.utils", "alembic_utils"),
  // which may use alembic.op itself without being given it.
  [[nodiscard]] static bool migration_module(std::string_view module);

  // Operations (ops.cpp, sql.cpp).
  void op_call(const Value& recv, std::string_view name, py::Node call, const Args& args, Frame& f,
               int depth);
  // `binds`: how the call writes bind parameters (a text() value always has text's).
  void execute(const Arg& sql, py::Node call, Frame& f, int depth, Binds binds = Binds::text);
  void execute_value(const Value& v, const Arg& sql, py::Node call, Frame& f, Binds binds);
  void emit(OperationKind kind, py::Node at, Frame& f);
  // Records where fixes may edit the call `call` on the operations f.ops[first...] it made.
  void points_of(py::Node call, Frame& f, std::size_t first);
  void issue(std::string rule, py::Node at, const Frame& f, std::string message, std::string help,
             const PyFile* file = nullptr);
  [[nodiscard]] ByteRange where(py::Node n, const PyFile* file, const Frame& f) const;
  // Maps ranges of a literal's value to the revision file (exact when the literal is
  // written there; else the call site).
  [[nodiscard]] std::function<ByteRange(ByteRange)> literal_map(
      std::shared_ptr<const py::Literal> lit, const PyFile* file, py::Node call,
      const Frame& f) const;

  // env.py (environment.cpp): the SETs among `ops` from `first` on, context.configure(...),
  // an engine's connect_args.
  void environment_sql(const Frame& f, std::size_t first);
  void environment_configure(py::Node call, const Args& args, Frame& f, int depth);
  void environment_engine(const Args& args, Frame& f, int depth);

  // Recursion follows the Python's nesting: stop before the C++ stack runs out, whatever the
  // thread's stack size (a worker thread may have only 512 KiB).
  [[nodiscard]] bool too_deep(const Frame& f, py::Node at);

  Migration& m_;
  const AlembicOptions& options_;
  std::uintptr_t stack_base_ = 0;
  bool deep_reported_ = false;
  PyFile& revision_;
  std::vector<std::unique_ptr<PyFile>> modules_;
  std::map<std::string, PyFile*> module_cache_;  // resolved path (or module key) → file
  std::set<std::pair<const PyFile*, std::size_t>> active_;  // functions being walked
  long budget_ = 200000;                                    // statements left to walk
  long unroll_budget_ = 20000;  // comprehension items left to compute one by one
  bool budget_reported_ = false;
  // An op.* call that certainly raises before reaching the database (OpReader: a
  // drop_constraint without a name): a `try` body stops at the statement that is this call.
  py::Node raised_call_{};
  int try_depth_ = 0;               // try bodies being walked
  EnvironmentWalk* env_ = nullptr;  // reading env.py, not a revision
  // Last: gone before the trees of modules_ are.
  py::NodeMemo memo_;
};

// Types and defaults (types.cpp): SQLAlchemy spellings → PostgreSQL names.
struct TypeReader {
  std::string_view source;
  const PyFile* file = nullptr;
  std::function<Value(py::Node)> eval;  // evaluates a nested argument quietly
};
[[nodiscard]] std::optional<TypeName> sa_type(const TypeReader& r, py::Node n, int depth = 0);
[[nodiscard]] std::optional<DefaultValue> server_default(const TypeReader& r, py::Node n,
                                                         bool& given, int depth = 0);

// Revision metadata (revision.cpp): revision, down_revision, branch_labels, depends_on, the
// docstring header and what the downgrade is. Reads the module's globals and top level.
void read_revision(const PyFile& file, Migration& m);
// The docstring header's fields, from the docstring's value and range.
void read_docstring_header(std::string_view value, ByteRange range, RevisionInfo& info);
// The header pass with the tree-sitter parse and the interpreter, whatever the header looks
// like (read_revision_header reads the usual one without them).
[[nodiscard]] Migration read_revision_header_parsed(const SourceFile& file,
                                                    const AlembicOptions& options);

// Reading arguments.
[[nodiscard]] std::optional<std::string> string_value(const Value& v);
// A name (of a table, column, index...): a string, with the parts known only at run time
// spelled as written (`f"{prefix}users"` → "{prefix}users"), so that the same expression
// names the same object.
[[nodiscard]] std::optional<std::string> name_value(const Value& v);
[[nodiscard]] std::optional<bool> bool_value(const Value& v);
[[nodiscard]] std::optional<long long> int_value(const Value& v, std::string_view source);

}  // namespace schemagate::alembic
