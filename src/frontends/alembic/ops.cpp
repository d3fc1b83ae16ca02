// op.* and batch_op.* calls → IR operations, reading Alembic's positional and keyword
// arguments as its Operations API defines them.
#include <map>
#include <string>

#include "frontends/alembic/interp.hpp"
#include "frontends/sql/sql_frontend.hpp"

namespace schemagate::alembic {

namespace {

struct Signature {
  std::vector<std::string_view> params;
  int table = -1;  // the parameter a batch_op call leaves out
};

const std::map<std::string_view, Signature, std::less<>>& signatures() {
  static const std::map<std::string_view, Signature, std::less<>> sigs = {
      {"create_table", {{"table_name"}, 0}},
      {"drop_table", {{"table_name"}, 0}},
      {"rename_table", {{"old_table_name", "new_table_name"}, 0}},
      {"add_column", {{"table_name", "column"}, 0}},
      {"drop_column", {{"table_name", "column_name"}, 0}},
      {"alter_column", {{"table_name", "column_name"}, 0}},
      {"create_index", {{"index_name", "table_name", "columns"}, 1}},
      {"drop_index", {{"index_name", "table_name"}, 1}},
      {"create_unique_constraint", {{"constraint_name", "table_name", "columns"}, 1}},
      {"create_primary_key", {{"constraint_name", "table_name", "columns"}, 1}},
      {"create_foreign_key",
       {{"constraint_name", "source_table", "referent_table", "local_cols", "remote_cols"}, 1}},
      {"create_check_constraint", {{"constraint_name", "table_name", "condition"}, 1}},
      {"create_exclude_constraint", {{"constraint_name", "table_name"}, 1}},
      {"drop_constraint", {{"constraint_name", "table_name", "type_"}, 1}},
      {"execute", {{"sqltext"}, -1}},
      {"bulk_insert", {{"table", "rows"}, -1}},
      {"create_table_comment", {{"table_name", "comment"}, 0}},
      {"drop_table_comment", {{"table_name"}, 0}},
  };
  return sigs;
}

bool is_int_type(const TypeName& t) {
  return t.name == "int2" || t.name == "int4" || t.name == "int8";
}

struct ColumnInfo {
  ColumnDef def;
  bool index = false;
  std::optional<bool> autoincrement;
  std::optional<QualifiedName> fk_table;
  std::string fk_name;
};

// The "[schema.]table.column" of a ForeignKey, when known before run time: a table named by
// an f-string field or a .format() hole is left out rather than guessed.
std::optional<std::string> known_spec(const Value& v) {
  const Value& first = v.kind == ValueKind::list && !v.items.empty() ? v.items.front() : v;
  if (first.kind != ValueKind::string || !first.literal || first.literal->dynamic()) {
    return std::nullopt;
  }
  return first.literal->value;
}

// "schema.table.column" / "table.column" of a ForeignKey.
QualifiedName referenced_table(const std::string& spec) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    std::size_t dot = spec.find('.', start);
    parts.push_back(spec.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  if (parts.size() >= 3) return {parts[parts.size() - 3], parts[parts.size() - 2]};
  if (parts.size() == 2) return {{}, parts[0]};
  return {{}, spec};
}

}  // namespace

class OpReader {
 public:
  OpReader(Interp& in, const Value& recv, std::string_view name, py::Node call, const Args& args,
           Frame& f, int depth)
      : in_(in), recv_(recv), name_(name), call_(call), args_(args), f_(f), depth_(depth) {
    batch_ = recv.kind == ValueKind::batch;
    if (auto it = signatures().find(name); it != signatures().end()) sig_ = &it->second;
  }

  void run() {
    if (sig_ == nullptr) return unsupported();
    if (name_ == "create_table") return create_table();
    if (name_ == "drop_table")
      return emit(DropTable{table("table_name"), flag("if_exists"), false});
    if (name_ == "rename_table") {
      return emit(RenameTable{table("old_table_name"), str("new_table_name")});
    }
    if (name_ == "add_column") return add_column();
    if (name_ == "drop_column") {
      return emit(DropColumn{table("table_name"), column_str("column_name"), flag("if_exists")});
    }
    if (name_ == "alter_column") return alter_column();
    if (name_ == "create_index") {
      CreateIndex i;
      i.name = str("index_name");
      i.table = table("table_name");
      i.columns = strings(param("columns"));
      i.unique = flag("unique");
      i.concurrently = flag("postgresql_concurrently");
      i.if_not_exists = flag("if_not_exists");
      i.reads_unknown_columns =
          !args_.keyword("postgresql_where").null() ||
          !args_.keyword("postgresql_include").null() ||
          std::find(i.columns.begin(), i.columns.end(), "(expression)") != i.columns.end();
      return emit(std::move(i));
    }
    if (name_ == "drop_index") {
      QualifiedName index{str_kw("schema"), str("index_name")};
      return emit(DropIndex{index, flag("postgresql_concurrently"), flag("if_exists"),
                            table("table_name")});
    }
    if (name_ == "create_unique_constraint" || name_ == "create_primary_key" ||
        name_ == "create_exclude_constraint") {
      AddConstraint c;
      c.table = table("table_name");
      c.name = str("constraint_name");
      c.kind = name_ == "create_unique_constraint"
                   ? ConstraintKind::unique
                   : (name_ == "create_primary_key" ? ConstraintKind::primary_key
                                                    : ConstraintKind::exclusion);
      if (c.kind != ConstraintKind::exclusion) c.columns = strings(param("columns"));
      return emit(std::move(c));
    }
    if (name_ == "create_foreign_key") {
      AddConstraint c;
      c.kind = ConstraintKind::foreign_key;
      c.name = str("constraint_name");
      c.table = table("source_table", "source_schema");
      c.references = QualifiedName{str_kw("referent_schema"), str("referent_table")};
      c.columns = strings(param("local_cols"));
      c.not_valid = flag("postgresql_not_valid");
      return emit(std::move(c));
    }
    if (name_ == "create_check_constraint") return check_constraint();
    if (name_ == "drop_constraint") {
      // Emitted even when it raises: replay and reversal pairing see the drop it was meant to
      // be (a downgrade's drop_constraint(None, ...) of its upgrade's unnamed constraint).
      unnamed_drop();
      return emit(DropConstraint{table("table_name"), str("constraint_name"), flag("if_exists")});
    }
    if (name_ == "execute") return in_.execute(param("sqltext"), call_, f_, depth_);
    if (name_ == "bulk_insert") {
      Value t = value(param("table"));
      DataChange d;
      d.kind = DataChangeKind::insert;
      if (t.kind == ValueKind::table) d.table = t.table;
      return emit(d);
    }
    if (name_ == "create_table_comment" || name_ == "drop_table_comment") {
      return emit(Other{"CommentStmt"});
    }
    unsupported();
  }

 private:
  void emit(OperationKind k) { in_.emit(std::move(k), call_, f_); }

  // op.drop_constraint(None, ...): SQLAlchemy refuses to compile DROP CONSTRAINT for a
  // constraint without a name (CompileError, before anything reaches the database). A naming
  // convention doesn't name it either: the constraint Alembic builds for the drop has no
  // columns (a convention with %(column_0_name)s or %(constraint_name)s fails too), except a
  // primary key's, whose usual convention (pk_%(table_name)s) needs none: left as it is.
  void unnamed_drop() {
    Arg n = param("constraint_name");
    if (n.null() || n.known || !py::is(py::unparen(n.node), "none")) return;
    if (str("type_") == "primary" || f_.quiet) return;
    in_.raised_call_ = call_;
    const std::string callee(py::text(f_.file->text, py::field(call_, "function")));
    const QualifiedName t = table("table_name");
    const std::string list = t.name.empty() ? std::string("psql's \\d on the table lists them")
                                            : "`\\d " + t.display() + "` in psql lists them";
    const bool in_try = in_.try_depth_ > 0;
    in_.issue("unsupported-operation", call_, f_,
              "`" + callee +
                  "()` with the name None can't run: SQLAlchemy raises CompileError (\"Can't "
                  "emit DROP CONSTRAINT ...; it has no name\") before anything reaches the "
                  "database" +
                  (in_try ? ". The statements after it in the `try` block never run, and an "
                            "`except` may hide the error: schemagate doesn't check them"
                          : ": the migration fails here"),
              "write the constraint's name (" + list +
                  "; PostgreSQL names an unnamed foreign key after its table and column, "
                  "ending in _fkey)" +
                  (in_try ? ", and don't let an `except` swallow a migration's failures" : ""));
  }

  void unsupported() {
    std::string callee(py::text(f_.file->text, py::field(call_, "function")));
    emit(Unanalyzable{"`" + callee + "(...)` is not analysed"});
    in_.issue("unsupported-operation", call_, f_,
              "`" + callee + "(...)` is not analysed: its effect on the schema is not checked",
              "check what it does by hand; SQL passed to op.execute() is checked");
  }

  // The argument for parameter `p`: by keyword, or by position (a batch_op call has no
  // table parameter).
  [[nodiscard]] Arg param(std::string_view p) const {
    Arg kw = args_.keyword(p);
    if (!kw.null()) return kw;
    int index = -1;
    for (std::size_t i = 0; i < sig_->params.size(); ++i) {
      if (sig_->params[i] == p) index = static_cast<int>(i);
    }
    if (index < 0) return Arg{};
    if (batch_ && sig_->table >= 0) {
      if (index == sig_->table) return Arg{};
      if (index > sig_->table) --index;
    }
    return args_.at(static_cast<std::size_t>(index));
  }

  // Positional arguments after the named parameters (create_table's columns).
  [[nodiscard]] std::vector<Arg> rest() const {
    std::size_t from = sig_->params.size() - (batch_ && sig_->table >= 0 ? 1 : 0);
    std::vector<Arg> out;
    for (std::size_t i = from; i < args_.positional.size(); ++i) out.push_back(args_.positional[i]);
    return out;
  }

  // Evaluates quietly, where the expression is written.
  Value value(const Arg& a) {
    Frame q = f_;
    q.quiet = true;
    return in_.arg(a, q, depth_);
  }
  Value value(py::Node n, PyFile* file) { return value(Arg{n, file, nullptr}); }

  std::string str(std::string_view p) { return name_value(value(param(p))).value_or(""); }
  // A column name; also read from a Column passed where the name goes (`sa.Column("x")`).
  std::string column_str(std::string_view p) {
    Arg a = param(p);
    if (auto s = name_value(value(a))) return *s;
    py::Node n = py::unparen(a.node);
    if (a.file == nullptr || !py::is(n, "call")) return "";
    std::string fn = py::last_part(py::dotted(a.file->text, py::field(n, "function")));
    std::vector<py::Node> inner = py::named_children(py::field(n, "arguments"));
    if ((fn != "Column" && fn != "column") || inner.empty()) return "";
    return name_value(value(inner[0], a.file)).value_or("");
  }
  std::string str_kw(std::string_view k) {
    return name_value(value(args_.keyword(k))).value_or("");
  }
  bool flag(std::string_view k) { return bool_value(value(args_.keyword(k))).value_or(false); }

  std::vector<std::string> strings(const Arg& a) {
    if (a.null()) return {};
    Value v = value(a);
    std::vector<std::string> out;
    auto one = [&](const Value& x) {
      if (auto s = name_value(x)) {
        out.push_back(*s);
      } else {
        out.emplace_back("(expression)");
      }
    };
    if (v.kind == ValueKind::list) {
      // sa.text("lower(b)") in a column list is an expression, as in SQL.
      std::vector<py::Node> written = py::named_children(v.node);
      bool same = written.size() == v.items.size();
      for (std::size_t i = 0; i < v.items.size(); ++i) {
        if (same && py::is(py::unparen(written[i]), "call")) {
          out.emplace_back("(expression)");
        } else {
          one(v.items[i]);
        }
      }
    } else {
      one(v);
    }
    return out;
  }

  QualifiedName table(std::string_view p, std::string_view schema_kw = "schema") {
    if (batch_) return recv_.table;
    return {str_kw(schema_kw), str(p)};
  }

  TypeReader reader(PyFile* file) {
    PyFile* at = file != nullptr ? file : f_.file;
    return TypeReader{at->text, at, [this, at](py::Node n) { return value(n, at); }};
  }

  std::optional<ColumnInfo> column(const Value& v) {
    py::Node call = py::unparen(v.node);
    if (!py::is(call, "call") || v.file == nullptr) return std::nullopt;
    std::string_view src = v.file->text;
    if (py::last_part(py::dotted(src, py::field(call, "function"))) != "Column")
      return std::nullopt;
    TypeReader r = reader(v.file);
    ColumnInfo c;
    Frame q = f_;
    q.quiet = true;
    q.file = v.file;
    if (v.file != f_.file) {
      q.locals = nullptr;
      q.enclosing = nullptr;
    }
    Args a = in_.args_of(call, q, depth_);
    auto kw = [&](std::string_view k) { return a.keyword(k).node; };
    auto kwflag = [&](std::string_view k) -> std::optional<bool> {
      Arg n = a.keyword(k);
      return n.null() ? std::nullopt : bool_value(value(n));
    };
    bool have_type = false;
    for (const Arg& arg : a.positional) {
      py::Node p = arg.node;
      Value pv = value(arg);
      if (auto s = name_value(pv); s && c.def.name.empty() && !have_type) {
        c.def.name = *s;
        continue;
      }
      py::Node pc = py::unparen(p);
      std::string callee =
          py::is(pc, "call")
              ? std::string(py::last_part(py::dotted(src, py::field(pc, "function"))))
              : std::string();
      if (callee == "ForeignKey") {
        Args fa = in_.args_of(pc, q, depth_);
        if (auto spec = known_spec(value(fa.at(0)))) c.fk_table = referenced_table(*spec);
        c.fk_name = name_value(value(fa.keyword("name"))).value_or("");
      } else if (callee == "Identity") {
        c.def.identity = true;
      } else if (callee == "Computed") {
        c.def.generated = true;
      } else if (!have_type && callee != "Sequence" && !callee.ends_with("Constraint")) {
        if (auto t = sa_type(r, p)) {
          c.def.type = *t;
          have_type = true;
        }
      }
    }
    if (py::Node n = kw("name"); !py::null(n))
      c.def.name = name_value(value(n, v.file)).value_or("");
    if (py::Node n = kw("type_"); !py::null(n)) {
      if (auto t = sa_type(r, n)) c.def.type = *t;
    }
    c.def.primary_key = kwflag("primary_key").value_or(false);
    c.def.unique = kwflag("unique").value_or(false);
    c.index = kwflag("index").value_or(false);
    c.autoincrement = kwflag("autoincrement");
    std::optional<bool> nullable = kwflag("nullable");
    c.def.not_null = nullable ? !*nullable : c.def.primary_key;
    if (c.def.identity) c.def.not_null = true;
    bool given = false;
    if (py::Node d = kw("server_default"); !py::null(d)) {
      c.def.default_value = server_default(r, d, given);
    }
    if (c.fk_table) c.def.references = c.fk_table;
    // Findings about the column point at its sa.Column(...) when it is written inside the
    // op.*(...) call (or the call of the helper that makes it) in the revision itself; a
    // Column built elsewhere (a variable, a shared helper) leaves them on the operation.
    if (v.file == &in_.revision_) {
      ByteRange written = py::range(call);
      ByteRange op = in_.where(call_, f_.file, f_);
      if (op.begin <= written.begin && written.end <= op.end) c.def.range = written;
    }
    return c;
  }

  // SQLAlchemy renders a lone integer primary key column as SERIAL (autoincrement="auto").
  static void make_serial(ColumnDef& def, std::optional<bool> autoincrement) {
    if (!def.primary_key || !is_int_type(def.type) || def.identity || def.references ||
        def.default_value || autoincrement == false) {
      return;
    }
    def.serial = true;
    def.type.name = def.type.name == "int8" ? "bigserial"
                                            : (def.type.name == "int2" ? "smallserial" : "serial");
    def.type.text = def.type.name;
    def.default_value = DefaultValue{"nextval()", true};
  }

  // The index of sa.Column(..., index=True), as SQLAlchemy names it.
  static CreateIndex column_index(const QualifiedName& table, const std::string& column,
                                  bool unique) {
    CreateIndex i;
    i.name = "ix_" + table.name + "_" + column;
    i.table = table;
    i.columns = {column};
    i.unique = unique;
    return i;
  }

  void create_table() {
    CreateTable t;
    t.table = table("table_name");
    t.if_not_exists = flag("if_not_exists");
    std::vector<ColumnInfo> columns;
    std::vector<std::string> primary;
    std::vector<CreateIndex> indexes;
    for (const Arg& n : rest()) {
      Value v = value(n);
      if (auto c = column(v)) {
        columns.push_back(std::move(*c));
        continue;
      }
      py::Node call = py::unparen(v.node);
      if (!py::is(call, "call") || v.file == nullptr) {
        t.keys_unknown = true;  // a column or constraint not read (a variable, *columns)
        continue;
      }
      std::string_view src = v.file->text;
      std::string kind(py::last_part(py::dotted(src, py::field(call, "function"))));
      Frame q = f_;
      q.quiet = true;
      q.file = v.file;
      if (v.file != f_.file) {
        q.locals = nullptr;
        q.enclosing = nullptr;
      }
      Args a = in_.args_of(call, q, depth_);
      std::vector<std::string> names;
      for (const Arg& p : a.positional) {
        for (const std::string& s : strings(p)) names.push_back(s);
      }
      if (kind == "PrimaryKeyConstraint" || kind == "UniqueConstraint") {
        // Column names as strings; a Column object or an expression is not read.
        if (names.size() != a.positional.size() || names.empty()) t.keys_unknown = true;
        t.keys.push_back({name_value(value(a.keyword("name"))).value_or(""), names});
      } else if (kind == "ExcludeConstraint") {
        t.keys_unknown = true;
      }
      if (kind == "PrimaryKeyConstraint") {
        primary.insert(primary.end(), names.begin(), names.end());
      } else if (kind == "UniqueConstraint" && names.size() == 1) {
        for (ColumnInfo& c : columns) c.def.unique = c.def.unique || c.def.name == names[0];
      } else if (kind == "ForeignKeyConstraint") {
        // sa.ForeignKeyConstraint(columns, refcolumns, name=...): refcolumns are
        // "[schema.]table.column".
        Arg cols = a.positional.empty() ? a.keyword("columns") : a.positional[0];
        Arg refs = a.positional.size() < 2 ? a.keyword("refcolumns") : a.positional[1];
        if (auto ref = known_spec(value(refs))) {
          t.foreign_keys.push_back({name_value(value(a.keyword("name"))).value_or(""),
                                    strings(cols), referenced_table(*ref)});
        }
      } else if (kind == "Index" && !names.empty()) {
        CreateIndex i;
        i.name = names.front();
        i.table = t.table;
        i.columns.assign(names.begin() + 1, names.end());
        i.unique = bool_value(value(a.keyword("unique"))).value_or(false);
        // An expression (sa.text(...), a column object) is not among the names.
        i.reads_unknown_columns = names.size() != a.positional.size() ||
                                  !a.keyword("postgresql_where").null() ||
                                  !a.keyword("postgresql_include").null();
        indexes.push_back(std::move(i));
      }
    }
    std::size_t pk_count = 0;
    for (ColumnInfo& c : columns) {
      for (const std::string& p : primary) {
        if (p == c.def.name) c.def.primary_key = true;
      }
      if (c.def.primary_key) {
        c.def.not_null = true;
        ++pk_count;
      }
    }
    for (ColumnInfo& c : columns) {
      if (pk_count == 1) make_serial(c.def, c.autoincrement);
      if (c.index) {
        indexes.insert(indexes.begin(), column_index(t.table, c.def.name, c.def.unique));
        c.def.unique = false;
      }
      t.columns.push_back(c.def);
    }
    emit(std::move(t));
    for (CreateIndex& i : indexes) emit(std::move(i));
  }

  void add_column() {
    QualifiedName t = table("table_name");
    Value v = value(param("column"));
    ColumnInfo c = column(v).value_or(ColumnInfo{});
    make_serial(c.def, c.autoincrement);
    // Alembic adds the column, then its unique constraint or index and its foreign key,
    // each in a statement of its own.
    ColumnDef def = c.def;
    def.unique = false;
    def.references.reset();
    emit(AddColumn{t, def, flag("if_not_exists")});
    if (c.index) {
      emit(column_index(t, def.name, c.def.unique));
    } else if (c.def.unique) {
      AddConstraint u;
      u.table = t;
      u.kind = ConstraintKind::unique;
      u.columns = {def.name};
      emit(std::move(u));
    }
    if (c.fk_table) {
      AddConstraint fk;
      fk.table = t;
      fk.name = c.fk_name;
      fk.kind = ConstraintKind::foreign_key;
      fk.columns = {def.name};
      fk.references = c.fk_table;
      emit(std::move(fk));
    }
  }

  void alter_column() {
    QualifiedName t = table("table_name");
    std::string column = str("column_name");
    TypeReader r = reader(nullptr);
    std::optional<AlterColumnType> type_change;
    const bool using_given = !args_.keyword("postgresql_using").null();
    if (Arg n = args_.keyword("type_"); !n.null()) {
      AlterColumnType a{t, column, std::nullopt, {}, false, std::nullopt, using_given};
      a.to = sa_type(r, n.node).value_or(TypeName{});
      if (Arg e = args_.keyword("existing_type"); !e.null()) a.from = sa_type(r, e.node);
      if (Arg u = args_.keyword("postgresql_using"); !u.null()) {
        // A USING of the column itself, cast to the new type, converts as no USING does.
        std::optional<std::string> text = string_value(value(u));
        a.has_using = !text || !sql::using_expression_is_column(*text, column, a.to);
      }
      type_change = std::move(a);
    }
    // The order Alembic's PostgreSQL implementation emits them in.
    if (type_change && using_given) emit(*type_change);
    if (Arg n = args_.keyword("nullable"); !n.null()) {
      Value v = value(n);
      if (v.kind == ValueKind::boolean && !v.flag) emit(SetNotNull{t, column});
      if (v.kind == ValueKind::boolean && v.flag) emit(DropNotNull{t, column});
    }
    if (Arg n = args_.keyword("server_default"); !n.null()) {
      Value v = value(n);
      if (!(v.kind == ValueKind::boolean && !v.flag)) {  // False: unchanged
        bool given = false;
        emit(SetDefault{t, column, server_default(r, n.node, given)});
      }
    }
    if (type_change && !using_given) emit(*type_change);
    if (Arg n = args_.keyword("comment"); !n.null()) {
      Value v = value(n);
      if (!(v.kind == ValueKind::boolean && !v.flag)) emit(Other{"CommentStmt"});
    }
    if (Arg n = args_.keyword("new_column_name"); !n.null()) {
      if (auto s = name_value(value(n))) emit(RenameColumn{t, column, *s});
    }
  }

  void check_constraint() {
    AddConstraint c;
    c.kind = ConstraintKind::check;
    c.table = table("table_name");
    c.name = str("constraint_name");
    c.not_valid = flag("postgresql_not_valid");
    Arg cond = param("condition");
    Value v = value(cond);
    if (v.kind == ValueKind::string && v.literal && !v.literal->dynamic()) {
      // Read the condition as PostgreSQL would: the SQL frontend's own CHECK handling.
      const std::string prefix = "ALTER TABLE t ADD CHECK (";
      std::string sql = prefix + v.literal->value + ")";
      auto inner = in_.literal_map(v.literal, v.file, call_, f_);
      ByteRange whole = in_.where(call_, f_.file, f_);
      std::size_t size = v.literal->value.size();
      sql::RangeMap map = [&](ByteRange r) {
        if (r.begin < prefix.size() || r.end > prefix.size() + size) return whole;
        return inner({r.begin - prefix.size(), r.end - prefix.size()});
      };
      std::vector<Operation> parsed;
      std::vector<FrontendIssue> problems;
      sql::lower(sql, map, {}, parsed, problems);
      for (const Operation& op : parsed) {
        if (const auto* a = op.as<AddConstraint>()) {
          c.check_expression = a->check_expression;
          c.not_null_column = a->not_null_column;
          c.proves_not_null = a->proves_not_null;
        }
      }
      if (!f_.quiet) {
        for (FrontendIssue& i : problems) in_.m_.issues.push_back(std::move(i));
      }
      c.check_expression = v.literal->value;  // as written
    } else if (!py::null(cond.node) && cond.file != nullptr) {
      c.check_expression = std::string(py::text(cond.file->text, cond.node));
    }
    emit(std::move(c));
  }

  Interp& in_;
  const Value& recv_;
  std::string_view name_;
  py::Node call_;
  const Args& args_;
  Frame& f_;
  int depth_;
  bool batch_ = false;
  const Signature* sig_ = nullptr;
};

void Interp::op_call(const Value& recv, std::string_view name, py::Node call, const Args& args,
                     Frame& f, int depth) {
  if (f.quiet) return;
  OpReader(*this, recv, name, call, args, f, depth).run();
}

}  // namespace schemagate::alembic
