// One parsed statement (libpg_query JSON) → IR operations.
#include "frontends/sql/lower.hpp"

#include <algorithm>
#include <cctype>
#include <optional>
#include <string>
#include <vector>

#include "frontends/sql/split.hpp"

namespace schemagate::sql {

using json::element;

namespace {

TableCommand table_cmd(std::string what, QualifiedName table, QualifiedName other,
                       bool concurrently, std::string option) {
  TableCommand c;
  c.what = std::move(what);
  c.table = std::move(table);
  c.other = std::move(other);
  c.concurrently = concurrently;
  c.option = std::move(option);
  return c;
}

// The relations a query reads: every RangeVar in its tree (a CTE's name too, which replay
// does not know as a table). Walked with a stack of its own: the tree may be deep.
std::vector<QualifiedName> range_vars(element query) {
  std::vector<QualifiedName> out;
  std::vector<element> todo{query};
  while (!todo.empty()) {
    element e = todo.back();
    todo.pop_back();
    json::object o;
    json::array a;
    if (e.get(o) == simdjson::SUCCESS) {
      for (auto [k, v] : o) {
        if (k == "RangeVar") {
          QualifiedName n = relation_name(v);
          bool seen = false;
          for (const QualifiedName& x : out) seen = seen || x.key() == n.key();
          if (!seen) out.push_back(std::move(n));
        } else {
          todo.push_back(v);
        }
      }
    } else if (e.get(a) == simdjson::SUCCESS) {
      for (element x : a) todo.push_back(x);
    }
  }
  return out;
}

class Lowerer {
 public:
  explicit Lowerer(const StatementContext& ctx) : ctx_(ctx) {}

  template <typename T>
  void emit(T kind) {
    Operation op;
    op.kind = std::move(kind);
    op.range = ctx_.map(ctx_.range);
    op.in_loop = ctx_.options.in_loop;
    op.in_function = ctx_.options.in_function;
    op.autocommit = ctx_.options.autocommit;
    if (!ctx_.options.in_function) op.points.statement_end = statement_end();
    ctx_.ops.push_back(std::move(op));
  }

  // A position of ctx_.sql in the source.
  std::size_t to_file(std::size_t p) const { return ctx_.map({p, p}).begin; }

  // Where the statement's tokens are, comments left out (ranges of ctx_.sql), scanned once,
  // only for the statements that have edit points: by the quick lexer, else the scanner.
  const std::vector<ByteRange>& tokens() {
    if (!tokens_) {
      std::size_t base = ctx_.range.begin;
      std::string_view stmt = ctx_.sql.substr(base, ctx_.range.end - base);
      if (auto quick = quick_token_ranges(stmt)) {
        tokens_ = std::move(*quick);
      } else {
        tokens_.emplace();
        (void)scan_tokens(stmt, [&](const Token& t) {
          if (t.kind != TokenKind::comment) tokens_->push_back(t.range);
        });
      }
      for (ByteRange& r : *tokens_) r = {r.begin + base, r.end + base};
    }
    return *tokens_;
  }

  // The index of the first token that starts at or after byte `at` of ctx_.sql (the tokens
  // are in text order).
  std::size_t first_token_at(std::size_t at) {
    const auto& t = tokens();
    return static_cast<std::size_t>(
        std::partition_point(t.begin(), t.end(),
                             [&](const ByteRange& token) { return token.begin < at; }) -
        t.begin());
  }

  // Is token `i` the keyword `kw` (upper case)?
  bool word_is(std::size_t i, std::string_view kw) {
    const auto& t = tokens();
    if (i >= t.size()) return false;
    std::string_view w = ctx_.sql.substr(t[i].begin, t[i].end - t[i].begin);
    if (w.size() != kw.size()) return false;
    for (std::size_t k = 0; k < w.size(); ++k) {
      if (std::toupper(static_cast<unsigned char>(w[k])) != kw[k]) return false;
    }
    return true;
  }

  // The end of the statement in the source, after its `;` when one follows.
  std::size_t statement_end() {
    std::size_t end = ctx_.range.end;
    std::string_view sql = ctx_.sql;
    std::size_t p = end;
    while (p < sql.size() && (sql[p] == ' ' || sql[p] == '\t')) ++p;
    if (p < sql.size() && sql[p] == ';') end = p + 1;
    return ctx_.map({end, end}).begin;
  }

  // Where CONCURRENTLY goes: before token `after` (the one after the statement's keywords).
  // Nothing in a function body, which never runs concurrently.
  std::optional<std::size_t> concurrently_point(std::size_t after) {
    if (ctx_.options.in_function || after >= tokens().size()) return std::nullopt;
    if (word_is(after, "CONCURRENTLY")) return std::nullopt;
    return to_file(tokens()[after].begin);
  }

  // The end of a table element (column definition, constraint) whose first token starts at
  // `start` (a byte of ctx_.sql): its last token before a `,` outside parentheses, the `)`
  // that closes the table's elements, or the statement's end.
  std::optional<std::size_t> element_end(std::size_t start) {
    const auto& t = tokens();
    std::size_t i = first_token_at(start);
    if (i >= t.size() || t[i].begin != start) return std::nullopt;
    int depth = 0;
    std::optional<std::size_t> end;
    for (; i < t.size(); ++i) {
      char c = ctx_.sql[t[i].begin];
      bool punctuation = t[i].end == t[i].begin + 1;
      if (punctuation && c == '(') ++depth;
      if (punctuation && c == ')' && --depth < 0) break;
      if (punctuation && depth == 0 && (c == ',' || c == ';')) break;
      end = t[i].end;
    }
    return end;
  }

  // The end of the constraint that starts at `location` (counted from ctx_.base), in the file.
  std::optional<std::size_t> constraint_end(std::size_t location) {
    std::optional<std::size_t> end = element_end(ctx_.base + location);
    if (!end) return std::nullopt;
    return to_file(*end);
  }

  // A column definition's REFERENCES clause: from its constraint's location to the next
  // constraint's, or to the end of the column definition.
  std::optional<ByteRange> references_clause(element cd) {
    std::vector<element> constraints;
    for (element c : json::list(cd, "constraints")) {
      if (auto k = json::as(c, "Constraint")) constraints.push_back(*k);
    }
    for (std::size_t i = 0; i < constraints.size(); ++i) {
      if (json::str(constraints[i], "contype") != "CONSTR_FOREIGN") continue;
      auto location = static_cast<std::size_t>(json::integer(constraints[i], "location"));
      std::optional<std::size_t> end;
      if (i + 1 < constraints.size()) {
        std::size_t next =
            ctx_.base + static_cast<std::size_t>(json::integer(constraints[i + 1], "location"));
        // The last token before the next constraint.
        if (std::size_t k = first_token_at(next); k > 0) end = to_file(tokens()[k - 1].end);
      } else {
        end = constraint_end(location);
      }
      if (!end) return std::nullopt;
      std::size_t begin = to_file(ctx_.base + location);
      if (*end <= begin) return std::nullopt;
      return ByteRange{begin, *end};
    }
    return std::nullopt;
  }

  // A column definition of CREATE TABLE, ADD COLUMN or ALTER COLUMN TYPE that starts at its
  // node's `location` (its name): up to its last token before a `,` outside parentheses, the
  // `)` that closes the table's elements, or the statement's end. Nothing in a function body.
  std::optional<ByteRange> column_range(element cd) {
    if (ctx_.options.in_function) return std::nullopt;
    std::int64_t location = json::integer(cd, "location", -1);
    if (location < 0) return std::nullopt;
    std::size_t start = ctx_.base + static_cast<std::size_t>(location);
    std::optional<std::size_t> end = element_end(start);
    if (!end) return std::nullopt;
    ByteRange r{to_file(start), to_file(*end)};
    if (r.end <= r.begin) return std::nullopt;
    return r;
  }

  // The index of the first token after the keywords of `REINDEX [( ... )] KIND`, or none.
  std::optional<std::size_t> after_reindex_kind() {
    std::size_t i = 1;
    if (i < tokens().size() && ctx_.sql[tokens()[i].begin] == '(') {
      int depth = 0;
      for (; i < tokens().size(); ++i) {
        char c = ctx_.sql[tokens()[i].begin];
        if (c == '(') ++depth;
        if (c == ')' && --depth == 0) break;
      }
      ++i;
    }
    if (word_is(i, "INDEX") || word_is(i, "TABLE") || word_is(i, "SCHEMA") ||
        word_is(i, "DATABASE")) {
      return i + 1;
    }
    return std::nullopt;
  }

  void other(std::string_view kind) { emit(Other{std::string(kind)}); }

  void statement(std::string_view kind, element v) {
    if (kind == "CreateStmt") return create_table(v);
    if (kind == "CreateTableAsStmt") return create_table_as(v);
    if (kind == "SelectStmt" && json::field(v, "intoClause")) {
      auto into = json::field(*json::field(v, "intoClause"), "rel");
      CreateTable t;
      if (into) t.table = relation_name(*into);
      t.as_select = true;
      return emit(std::move(t));
    }
    if (kind == "CreateFunctionStmt") return create_function(v);
    if ((kind == "SelectStmt" || kind == "CallStmt") && calls_dynamic_function(v)) return;
    if (kind == "DropStmt") return drop(v);
    if (kind == "DropdbStmt") return emit(DropDatabase{std::string(json::str(v, "dbname"))});
    if (kind == "RenameStmt") return rename(v);
    if (kind == "AlterTableStmt") return alter_table(v);
    if (kind == "IndexStmt") return create_index(v);
    if (kind == "ReindexStmt") return reindex(v);
    if (kind == "UpdateStmt") return data_change(DataChangeKind::update, v);
    if (kind == "DeleteStmt") return data_change(DataChangeKind::delete_, v);
    if (kind == "InsertStmt") return data_change(DataChangeKind::insert, v);
    if (kind == "MergeStmt") return data_change(DataChangeKind::merge, v);
    if (kind == "CopyStmt") {
      if (json::boolean(v, "is_from")) return data_change(DataChangeKind::copy, v);
      return other(kind);
    }
    if (kind == "TruncateStmt") return truncate(v);
    if (kind == "VariableSetStmt") return set(v);
    if (kind == "TransactionStmt") return transaction(v);
    if (kind == "CreateEnumStmt") {
      return emit(CreateType{dotted_name(json::strings(v, "typeName")), true});
    }
    if (kind == "CompositeTypeStmt" || kind == "CreateRangeStmt") {
      auto tv = json::field(v, "typevar");
      return emit(
          CreateType{tv ? relation_name(*tv) : dotted_name(json::strings(v, "typeName")), false});
    }
    if (kind == "AlterEnumStmt") return alter_enum(v);
    if (kind == "CreateDomainStmt") {
      return emit(CreateDomain{dotted_name(json::strings(v, "domainname")),
                               !json::list(v, "constraints").empty()});
    }
    if (kind == "AlterDomainStmt") {
      // subtype: C add constraint, V validate, O set not null, N drop not null, T default, ...
      std::string_view sub = json::str(v, "subtype");
      bool skip = false;
      if (auto def = json::field(v, "def")) {
        if (auto k = json::as(*def, "Constraint")) skip = json::boolean(*k, "skip_validation");
      }
      return emit(AlterDomain{dotted_name(json::strings(v, "typeName")), sub == "C",
                              (sub == "C" && !skip) || sub == "V" || sub == "O"});
    }
    if (kind == "VacuumStmt") return vacuum(v);
    if (kind == "ClusterStmt") {
      auto rel = json::field(v, "relation");
      return emit(Cluster{rel ? relation_name(*rel) : QualifiedName{}});
    }
    if (kind == "DoStmt") return do_block(v);
    if (kind == "CreateTrigStmt") {
      TableCommand c = table_cmd("CREATE TRIGGER", {}, {}, false, {});
      if (auto r = json::field(v, "relation")) c.table = relation_name(*r);
      c.name = std::string(json::str(v, "trigname"));
      c.function = dotted_name(json::strings(v, "funcname"));
      return emit(std::move(c));
    }
    if (kind == "ViewStmt") {
      TableCommand c =
          table_cmd(json::boolean(v, "replace") ? "CREATE OR REPLACE VIEW" : "CREATE VIEW", {}, {},
                    false, {});
      if (auto r = json::field(v, "view")) c.table = relation_name(*r);
      if (auto q = json::field(v, "query")) c.sources = range_vars(*q);
      return emit(std::move(c));
    }
    if (kind == "RefreshMatViewStmt") {
      TableCommand c =
          table_cmd("REFRESH MATERIALIZED VIEW", {}, {}, json::boolean(v, "concurrent"), {});
      if (auto r = json::field(v, "relation")) c.table = relation_name(*r);
      if (json::boolean(v, "skipData")) c.option = "WITH NO DATA";
      bool plain = !c.concurrently && c.option.empty();
      emit(std::move(c));
      // REFRESH MATERIALIZED VIEW [CONCURRENTLY] name (not with WITH NO DATA).
      if (plain && word_is(2, "VIEW")) ctx_.ops.back().points.concurrently = concurrently_point(3);
      return;
    }
    if (kind == "AlterSeqStmt") return on_relation("ALTER SEQUENCE", v, "sequence");
    if (kind == "LockStmt") return lock(v);
    if (kind == "CommentStmt") return comment(v);
    if (kind == "CreateStatsStmt") {
      for (element r : json::list(v, "relations")) {
        if (auto rv = json::as(r, "RangeVar")) {
          emit(table_cmd("CREATE STATISTICS", relation_name(*rv), {}, false, {}));
        }
      }
      return;
    }
    if (kind == "AlterObjectSchemaStmt") {
      std::string_view type = json::str(v, "objectType");
      if (type == "OBJECT_TABLE" || type == "OBJECT_VIEW" || type == "OBJECT_MATVIEW" ||
          type == "OBJECT_SEQUENCE") {
        return on_relation("SET SCHEMA", v, "relation");
      }
    }
    if (kind == "CreatePolicyStmt") return on_relation("CREATE POLICY", v, "table");
    if (kind == "RuleStmt") return on_relation("CREATE RULE", v, "relation");
    other(kind);
  }

 private:
  // CREATE FUNCTION / PROCEDURE: a PL/pgSQL body with EXECUTE runs SQL built at run time, so
  // a later call of it in the file changes what no one can see statically.
  void create_function(element v) {
    std::string_view language;
    std::string_view body;
    for (element a : json::list(v, "options")) {
      auto d = json::as(a, "DefElem");
      auto arg = d ? json::field(*d, "arg") : std::nullopt;
      if (!arg) continue;
      std::string_view name = json::str(*d, "defname");
      if (name == "language") {
        if (auto str = json::as(*arg, "String")) language = json::str(*str, "sval");
      } else if (name == "as") {
        auto list = json::as(*arg, "List");
        std::vector<element> items = list ? json::list(*list, "items") : std::vector<element>{};
        auto str = items.empty() ? std::nullopt : json::as(items[0], "String");
        if (str) body = json::str(*str, "sval");
      }
    }
    std::vector<std::string> name = json::strings(v, "funcname");
    if (ctx_.dynamic_functions != nullptr && !name.empty() && language == "plpgsql" &&
        runs_dynamic_sql(body)) {
      ctx_.dynamic_functions->push_back(name.back());
    }
    other("CreateFunctionStmt");
  }

  // Does a PL/pgSQL body hold an EXECUTE statement?
  static bool runs_dynamic_sql(std::string_view body) {
    auto ident = [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '$';
    };
    constexpr std::string_view kWord = "execute";
    for (std::size_t i = 0; i + kWord.size() < body.size(); ++i) {
      if (i > 0 && ident(body[i - 1])) continue;
      std::size_t k = 0;
      while (k < kWord.size() &&
             std::tolower(static_cast<unsigned char>(body[i + k])) == kWord[k]) {
        ++k;
      }
      if (k == kWord.size() && !ident(body[i + k])) return true;
    }
    return false;
  }

  // A SELECT or CALL of a function the file defined with EXECUTE: one opaque operation and
  // a dynamic-sql finding, instead of a read that changes nothing.
  bool calls_dynamic_function(element v) {
    if (ctx_.dynamic_functions == nullptr || ctx_.dynamic_functions->empty()) return false;
    std::vector<element> todo{v};
    while (!todo.empty()) {
      element e = todo.back();
      todo.pop_back();
      json::object o;
      json::array a;
      if (e.get(o) == simdjson::SUCCESS) {
        for (auto [k, x] : o) {
          if (k == "FuncCall") {
            std::vector<std::string> name = json::strings(x, "funcname");
            const std::vector<std::string>& known = *ctx_.dynamic_functions;
            if (!name.empty() &&
                std::find(known.begin(), known.end(), name.back()) != known.end()) {
              std::string message = "calls " + name.back() +
                                    "(), which this file defines with EXECUTE: the SQL it runs "
                                    "is built at run time and can't be checked";
              emit(Unanalyzable{message});
              ctx_.issues.push_back({"dynamic-sql", ctx_.map(ctx_.range), std::move(message),
                                     "review the statements it generates by hand"});
              return true;
            }
          }
          todo.push_back(x);
        }
      } else if (e.get(a) == simdjson::SUCCESS) {
        for (element x : a) todo.push_back(x);
      }
    }
    return false;
  }

  // NULL, or NULL cast to a type (NULL::int, CAST(NULL AS int)).
  static bool is_null_constant(element e) {
    auto [kind, v] = json::node(e);
    if (kind == "A_Const") return json::boolean(v, "isnull");
    if (kind == "TypeCast") {
      auto arg = json::field(v, "arg");
      return arg && is_null_constant(*arg);
    }
    return false;
  }

  // A TableCommand on the relation in field `field` (a RangeVar).
  void on_relation(const std::string& what, element v, std::string_view field) {
    TableCommand c = table_cmd(what, {}, {}, false, {});
    if (auto r = json::field(v, field)) c.table = relation_name(*r);
    emit(std::move(c));
  }

  void lock(element v) {
    // LockStmt's mode: 1 ACCESS SHARE ... 8 ACCESS EXCLUSIVE (lockdefs.h).
    static constexpr std::string_view kModes[] = {
        "",      "ACCESS SHARE",        "ROW SHARE", "ROW EXCLUSIVE",   "SHARE UPDATE EXCLUSIVE",
        "SHARE", "SHARE ROW EXCLUSIVE", "EXCLUSIVE", "ACCESS EXCLUSIVE"};
    std::int64_t mode = json::integer(v, "mode", 8);
    if (mode < 1 || mode > 8) mode = 8;
    for (element r : json::list(v, "relations")) {
      if (auto rv = json::as(r, "RangeVar")) {
        emit(table_cmd("LOCK", relation_name(*rv), {}, false,
                       std::string(kModes[static_cast<std::size_t>(mode)])));
      }
    }
  }

  void comment(element v) {
    std::string_view type = json::str(v, "objtype");
    const bool relation = type == "OBJECT_TABLE" || type == "OBJECT_VIEW" ||
                          type == "OBJECT_MATVIEW" || type == "OBJECT_FOREIGN_TABLE";
    if (!relation && type != "OBJECT_COLUMN") return other("CommentStmt");
    auto obj = json::field(v, "object");
    auto l = obj ? json::as(*obj, "List") : std::nullopt;
    if (!l) return other("CommentStmt");
    std::vector<std::string> names = json::strings(*l, "items");
    if (type == "OBJECT_COLUMN" && !names.empty()) names.pop_back();
    emit(table_cmd("COMMENT", dotted_name(names), {}, false, {}));
  }

  static ColumnDef column(element cd) {
    ColumnDef c;
    c.name = std::string(json::str(cd, "colname"));
    if (auto tn = json::field(cd, "typeName")) c.type = type_name(*tn);
    if (c.type.name == "serial" || c.type.name == "bigserial" || c.type.name == "smallserial" ||
        c.type.name == "serial2" || c.type.name == "serial4" || c.type.name == "serial8") {
      c.serial = true;
      c.not_null = true;
      c.default_value = DefaultValue{"nextval()", true};
    }
    for (element con : json::list(cd, "constraints")) {
      auto k = json::as(con, "Constraint");
      if (!k) continue;
      std::string_view type = json::str(*k, "contype");
      if (type == "CONSTR_NOTNULL") {
        c.not_null = true;
      } else if (type == "CONSTR_PRIMARY") {
        c.primary_key = true;
        c.not_null = true;
      } else if (type == "CONSTR_UNIQUE") {
        c.unique = true;
      } else if (type == "CONSTR_DEFAULT") {
        // DEFAULT NULL is no default: PostgreSQL stores none (no rewrite, rows get NULL).
        auto e = json::field(*k, "raw_expr");
        if (e && !is_null_constant(*e)) c.default_value = default_value(*e);
        c.default_written = true;
      } else if (type == "CONSTR_IDENTITY") {
        c.identity = true;
        c.not_null = true;
      } else if (type == "CONSTR_GENERATED") {
        c.generated = true;
      } else if (type == "CONSTR_FOREIGN") {
        if (auto pk = json::field(*k, "pktable")) c.references = relation_name(*pk);
      }
    }
    return c;
  }

  void create_table(element v) {
    CreateTable t;
    if (auto rel = json::field(v, "relation")) t.table = relation_name(*rel);
    t.if_not_exists = json::boolean(v, "if_not_exists");
    std::vector<std::string> primary;
    for (element e : json::list(v, "tableElts")) {
      if (auto cd = json::as(e, "ColumnDef")) {
        t.columns.push_back(column(*cd));
        t.columns.back().range = column_range(*cd);
      }
      if (auto k = json::as(e, "Constraint"); k && json::str(*k, "contype") == "CONSTR_PRIMARY") {
        primary = json::strings(*k, "keys");
      }
      if (auto k = json::as(e, "Constraint")) {
        std::string_view type = json::str(*k, "contype");
        if (type == "CONSTR_PRIMARY" || type == "CONSTR_UNIQUE") {
          std::vector<std::string> keys = json::strings(*k, "keys");
          if (keys.empty()) t.keys_unknown = true;
          t.keys.push_back({std::string(json::str(*k, "conname")), std::move(keys)});
        } else if (type == "CONSTR_EXCLUSION") {
          t.keys_unknown = true;  // its elements may be expressions
        }
      }
      if (json::as(e, "TableLikeClause")) t.keys_unknown = true;
      if (auto k = json::as(e, "Constraint"); k && json::str(*k, "contype") == "CONSTR_FOREIGN") {
        if (auto pk = json::field(*k, "pktable")) {
          t.foreign_keys.push_back({std::string(json::str(*k, "conname")),
                                    json::strings(*k, "fk_attrs"), relation_name(*pk)});
        }
      }
    }
    // A table's PRIMARY KEY (a, b) makes its columns NOT NULL.
    for (ColumnDef& c : t.columns) {
      c.not_null = c.not_null || std::find(primary.begin(), primary.end(), c.name) != primary.end();
    }
    for (element p : json::list(v, "inhRelations")) {
      if (auto rv = json::as(p, "RangeVar")) {
        t.parent = relation_name(*rv);
        break;
      }
    }
    t.partition = t.parent && json::field(v, "partbound").has_value();
    if (auto of = json::field(v, "ofTypename")) {
      if (std::vector<std::string> n = json::strings(*of, "names"); !n.empty()) {
        t.of_type = dotted_name(n);
      }
    }
    emit(std::move(t));
  }

  void create_table_as(element v) {
    if (json::str(v, "objtype") != "OBJECT_TABLE") {
      // Runs its query (unless WITH NO DATA); the new view is locked, but nobody sees it yet.
      TableCommand c = table_cmd("CREATE MATERIALIZED VIEW", {}, {}, false, {});
      if (auto into = json::field(v, "into")) {
        if (auto rel = json::field(*into, "rel")) c.table = relation_name(*rel);
        if (json::boolean(*into, "skipData")) c.option = "WITH NO DATA";
      }
      if (auto q = json::field(v, "query")) c.sources = range_vars(*q);
      return emit(std::move(c));
    }
    CreateTable t;
    t.as_select = true;
    t.if_not_exists = json::boolean(v, "if_not_exists");
    if (auto into = json::field(v, "into")) {
      if (auto rel = json::field(*into, "rel")) t.table = relation_name(*rel);
    }
    emit(std::move(t));
  }

  void drop(element v) {
    std::string_view type = json::str(v, "removeType");
    bool if_exists = json::boolean(v, "missing_ok");
    bool cascade = json::str(v, "behavior") == "DROP_CASCADE";
    for (element obj : json::list(v, "objects")) {
      QualifiedName name;
      if (auto l = json::as(obj, "List")) {
        name = dotted_name(json::strings(*l, "items"));
      } else if (auto s = json::as(obj, "String")) {
        name = {{}, std::string(json::str(*s, "sval"))};
      }
      if (type == "OBJECT_TABLE") {
        emit(DropTable{name, if_exists, cascade});
      } else if (type == "OBJECT_INDEX") {
        bool concurrent = json::boolean(v, "concurrent");
        emit(DropIndex{name, concurrent, if_exists, {}});
        // DROP INDEX CONCURRENTLY takes one index and no CASCADE.
        if (!concurrent && !cascade && json::list(v, "objects").size() == 1 &&
            word_is(1, "INDEX")) {
          ctx_.ops.back().points.concurrently = concurrently_point(2);
        }
      } else if (type == "OBJECT_SCHEMA") {
        emit(DropSchema{name.name, cascade});
      } else if (type == "OBJECT_VIEW" || type == "OBJECT_MATVIEW" || type == "OBJECT_SEQUENCE") {
        std::string what = type == "OBJECT_VIEW"      ? "DROP VIEW"
                           : type == "OBJECT_MATVIEW" ? "DROP MATERIALIZED VIEW"
                                                      : "DROP SEQUENCE";
        TableCommand c = table_cmd(what, name, {}, false, {});
        c.cascade = cascade;
        emit(std::move(c));
      } else if (type == "OBJECT_TRIGGER" || type == "OBJECT_POLICY" || type == "OBJECT_RULE") {
        // [schema.]table.name: the object's table.
        std::vector<std::string> parts;
        if (auto l = json::as(obj, "List")) parts = json::strings(*l, "items");
        std::string object;
        if (!parts.empty()) {
          object = parts.back();
          parts.pop_back();
        }
        TableCommand c = table_cmd("DROP " + std::string(type.substr(type.find('_') + 1)),
                                   dotted_name(parts), {}, false, {});
        c.name = std::move(object);
        c.if_exists = if_exists;
        emit(std::move(c));
      } else if (type == "OBJECT_FUNCTION" || type == "OBJECT_PROCEDURE" || type == "OBJECT_TYPE" ||
                 type == "OBJECT_DOMAIN") {
        // A function's object is ObjectWithArgs; a type's a TypeName.
        if (auto f = json::as(obj, "ObjectWithArgs")) {
          name = dotted_name(json::strings(*f, "objname"));
        } else if (auto tn = json::as(obj, "TypeName")) {
          name = dotted_name(json::strings(*tn, "names"));
        }
        emit(ObjectCommand{"DROP " + std::string(type.substr(type.find('_') + 1)), name, cascade,
                           if_exists});
      } else {
        other("DROP " + std::string(type.substr(type.find('_') + 1)));
      }
    }
  }

  void rename(element v) {
    std::string_view type = json::str(v, "renameType");
    QualifiedName rel;
    if (auto r = json::field(v, "relation")) rel = relation_name(*r);
    std::string new_name(json::str(v, "newname"));
    if (type == "OBJECT_TABLE") return emit(RenameTable{rel, new_name});
    if (type == "OBJECT_COLUMN" && json::str(v, "relationType") == "OBJECT_TABLE") {
      return emit(RenameColumn{rel, std::string(json::str(v, "subname")), new_name});
    }
    if (type == "OBJECT_TABCONSTRAINT" || type == "OBJECT_TRIGGER" || type == "OBJECT_VIEW" ||
        type == "OBJECT_MATVIEW" || type == "OBJECT_SEQUENCE" || type == "OBJECT_COLUMN" ||
        type == "OBJECT_POLICY" || type == "OBJECT_RULE") {
      // Named as the statement writes it ("RENAME CONSTRAINT", not the parser's TABCONSTRAINT).
      std::string object = type == "OBJECT_TABCONSTRAINT" ? "CONSTRAINT"
                           : type == "OBJECT_MATVIEW"
                               ? "MATERIALIZED VIEW"
                               : std::string(type.substr(type.find('_') + 1));
      return emit(table_cmd("RENAME " + object, rel, {}, false, {}));
    }
    other("RENAME " + std::string(type.substr(type.find('_') + 1)));
  }

  static ConstraintKind constraint_kind(std::string_view contype) {
    if (contype == "CONSTR_PRIMARY") return ConstraintKind::primary_key;
    if (contype == "CONSTR_UNIQUE") return ConstraintKind::unique;
    if (contype == "CONSTR_FOREIGN") return ConstraintKind::foreign_key;
    if (contype == "CONSTR_EXCLUSION") return ConstraintKind::exclusion;
    if (contype == "CONSTR_NOTNULL") return ConstraintKind::not_null;
    return ConstraintKind::check;
  }

  // CHECK (col IS NOT NULL): the column, if that is the whole check.
  static std::optional<std::string> not_null_check(element expr) {
    auto nt = json::as(expr, "NullTest");
    if (!nt || json::str(*nt, "nulltesttype") != "IS_NOT_NULL") return std::nullopt;
    auto arg = json::field(*nt, "arg");
    if (!arg) return std::nullopt;
    auto ref = json::as(*arg, "ColumnRef");
    if (!ref) return std::nullopt;
    std::vector<std::string> f = json::strings(*ref, "fields");
    if (f.empty()) return std::nullopt;
    return f.back();
  }

  // A column the CHECK proves not null: `col IS NOT NULL` alone or as a term of an AND (the
  // first such column). PostgreSQL 12+ takes a validated one as proof for SET NOT NULL:
  // a CHECK that is not false has every term of its AND not false.
  static std::optional<std::string> not_null_proof(element expr, int depth) {
    if (auto c = not_null_check(expr)) return c;
    auto be = json::as(expr, "BoolExpr");
    if (!be || depth > 64 || json::str(*be, "boolop") != "AND_EXPR") return std::nullopt;
    auto args = json::field(*be, "args");
    if (!args || !args->is_array()) return std::nullopt;
    for (element a : simdjson::dom::array(*args)) {
      if (auto c = not_null_proof(a, depth + 1)) return c;
    }
    return std::nullopt;
  }

  // The distinct columns an expression names, in order of appearance (PostgreSQL names a CHECK
  // on exactly one column <table>_<column>_check; heap.c, AddRelationNewConstraints).
  static void referenced_columns(element e, std::vector<std::string>& out, int depth) {
    if (depth > 128) return;
    if (e.is_array()) {
      for (element c : simdjson::dom::array(e)) referenced_columns(c, out, depth + 1);
      return;
    }
    simdjson::dom::object o;
    if (e.get(o) != simdjson::SUCCESS) return;
    for (auto [key, child] : o) {
      if (key == "ColumnRef") {
        std::vector<std::string> f = json::strings(child, "fields");
        if (!f.empty() && std::find(out.begin(), out.end(), f.back()) == out.end()) {
          out.push_back(f.back());
        }
      } else if (child.is_object() || child.is_array()) {
        referenced_columns(child, out, depth + 1);
      }
    }
  }

  AddConstraint constraint(const QualifiedName& table, element k) const {
    AddConstraint c;
    c.table = table;
    c.name = std::string(json::str(k, "conname"));
    c.kind = constraint_kind(json::str(k, "contype"));
    c.not_valid = json::boolean(k, "skip_validation");
    c.using_index = !json::str(k, "indexname").empty();
    c.columns = json::strings(k, c.kind == ConstraintKind::foreign_key ? "fk_attrs" : "keys");
    if (auto pk = json::field(k, "pktable")) c.references = relation_name(*pk);
    if (auto e = json::field(k, "raw_expr")) {
      c.not_null_column = not_null_check(*e);
      if (c.kind == ConstraintKind::check) c.proves_not_null = not_null_proof(*e, 0);
      c.check_expression = default_value(*e).text;
      if (c.kind == ConstraintKind::check) referenced_columns(*e, c.columns, 0);
    }
    return c;
  }

  // An ALTER TABLE subcommand the operations above don't cover.
  void table_command(const QualifiedName& table, std::string_view sub, element cmd) {
    TableCommand c = table_cmd("", table, {}, false, {});
    c.name = std::string(json::str(cmd, "name"));
    auto def = json::field(cmd, "def");
    if (sub.starts_with("AT_Enable") && sub.find("Trig") != std::string_view::npos) {
      c.what = "ENABLE TRIGGER";
    } else if (sub.starts_with("AT_Disable") && sub.find("Trig") != std::string_view::npos) {
      c.what = "DISABLE TRIGGER";
    } else if (sub == "AT_SetLogged") {
      c.what = "SET LOGGED";
    } else if (sub == "AT_SetUnLogged") {
      c.what = "SET UNLOGGED";
    } else if (sub == "AT_SetTableSpace") {
      c.what = "SET TABLESPACE";
    } else if (sub == "AT_SetAccessMethod") {
      c.what = "SET ACCESS METHOD";
      c.option = std::string(json::str(cmd, "name"));
    } else if (sub == "AT_SetStatistics") {
      c.what = "SET STATISTICS";
    } else if (sub == "AT_SetOptions" || sub == "AT_ResetOptions") {
      c.what = "ALTER COLUMN SET (...)";
    } else if (sub == "AT_SetRelOptions" || sub == "AT_ResetRelOptions") {
      c.what = sub == "AT_SetRelOptions" ? "SET (...)" : "RESET (...)";
      if (def) {
        if (auto l = json::as(*def, "List")) {
          for (element o : json::list(*l, "items")) {
            auto d = json::as(o, "DefElem");
            if (!d) continue;
            if (!c.option.empty()) c.option += ",";
            std::string_view ns = json::str(*d, "defnamespace");
            c.option +=
                (ns.empty() ? "" : std::string(ns) + ".") + std::string(json::str(*d, "defname"));
          }
        }
      }
    } else if (sub == "AT_AttachPartition" || sub == "AT_DetachPartition" ||
               sub == "AT_DetachPartitionFinalize") {
      c.what = sub == "AT_AttachPartition" ? "ATTACH PARTITION" : "DETACH PARTITION";
      if (def) {
        if (auto pc = json::as(*def, "PartitionCmd")) {
          if (auto n = json::field(*pc, "name")) c.other = relation_name(*n);
          c.concurrently = json::boolean(*pc, "concurrent");
        }
      }
      if (sub == "AT_DetachPartitionFinalize") c.option = "FINALIZE";
    } else if (sub == "AT_AddInherit" || sub == "AT_DropInherit") {
      c.what = sub == "AT_AddInherit" ? "INHERIT" : "NO INHERIT";
      if (def) {
        if (auto rv = json::as(*def, "RangeVar")) c.other = relation_name(*rv);
      }
    } else {
      c.what = statement_name("ALTER TABLE " + std::string(sub.substr(3)));
      if (c.what.starts_with("ALTER TABLE ")) c.what = c.what.substr(12);
    }
    emit(std::move(c));
  }

  void alter_table(element v) {
    QualifiedName table;
    if (auto r = json::field(v, "relation")) table = relation_name(*r);
    std::string_view objtype = json::str(v, "objtype");
    if (objtype == "OBJECT_VIEW" || objtype == "OBJECT_MATVIEW" ||
        objtype == "OBJECT_FOREIGN_TABLE") {
      for (element c : json::list(v, "cmds")) {
        if (auto cmd = json::as(c, "AlterTableCmd")) {
          table_command(table, json::str(*cmd, "subtype"), *cmd);
        }
      }
      return;
    }
    if (objtype == "OBJECT_TYPE") {
      // ALTER TYPE ... ADD / DROP / ALTER ATTRIBUTE of a composite type: CASCADE alters its
      // typed tables too.
      bool cascade = false;
      for (element c : json::list(v, "cmds")) {
        if (auto cmd = json::as(c, "AlterTableCmd")) {
          cascade = cascade || json::str(*cmd, "behavior") == "DROP_CASCADE";
        }
      }
      return emit(ObjectCommand{"ALTER TYPE", table, cascade, false});
    }
    if (objtype != "OBJECT_TABLE") {
      return other("ALTER " + std::string(objtype.substr(objtype.find('_') + 1)));
    }
    for (element c : json::list(v, "cmds")) {
      auto cmd = json::as(c, "AlterTableCmd");
      if (!cmd) continue;
      std::string_view sub = json::str(*cmd, "subtype");
      std::string name(json::str(*cmd, "name"));
      auto def = json::field(*cmd, "def");
      bool missing_ok = json::boolean(*cmd, "missing_ok");
      if (sub == "AT_AddColumn" && def) {
        if (auto cd = json::as(*def, "ColumnDef")) {
          ColumnDef added = column(*cd);
          added.range = column_range(*cd);
          // PostgreSQL (from 13, where each sub-command is transformed alone) checks the rows
          // against the column's foreign key when the column has a default: any DEFAULT
          // clause, even DEFAULT NULL, serial, GENERATED; an identity column is counted too.
          bool checked = added.default_written || added.serial || added.generated || added.identity;
          emit(AddColumn{table, std::move(added), missing_ok, checked});
          if (!ctx_.options.in_function) {
            ctx_.ops.back().points.references_clause = references_clause(*cd);
          }
        }
      } else if (sub == "AT_DropColumn") {
        emit(DropColumn{table, name, missing_ok});
      } else if (sub == "AT_AlterColumnType" && def) {
        AlterColumnType t{table, name, std::nullopt, {}, false, std::nullopt, false};
        if (auto cd = json::as(*def, "ColumnDef")) {
          if (auto tn = json::field(*cd, "typeName")) t.to = type_name(*tn);
          // A USING of the column itself (cast to the new type) is the conversion
          // PostgreSQL makes without one.
          auto using_expr = json::field(*cd, "raw_default");
          t.has_using = using_expr && !using_is_column(*using_expr, name, t.to);
          t.using_written = using_expr.has_value();
          t.range = column_range(*cd);
        }
        emit(std::move(t));
      } else if (sub == "AT_SetNotNull") {
        emit(SetNotNull{table, name});
      } else if (sub == "AT_DropNotNull") {
        emit(DropNotNull{table, name});
      } else if (sub == "AT_ColumnDefault") {
        std::optional<DefaultValue> value;
        if (def) value = default_value(*def);
        emit(SetDefault{table, name, value});
      } else if (sub == "AT_AddConstraint" && def) {
        if (auto k = json::as(*def, "Constraint")) {
          AddConstraint added = constraint(table, *k);
          bool checked =
              added.kind == ConstraintKind::check || added.kind == ConstraintKind::foreign_key;
          bool mark = checked && !added.not_valid && !ctx_.options.in_function;
          emit(std::move(added));
          if (mark) {
            ctx_.ops.back().points.constraint_end =
                constraint_end(static_cast<std::size_t>(json::integer(*k, "location")));
          }
        }
      } else if (sub == "AT_ValidateConstraint") {
        emit(ValidateConstraint{table, name});
      } else if (sub == "AT_DropConstraint") {
        emit(DropConstraint{table, name, missing_ok});
      } else {
        table_command(table, sub, *cmd);
        // DETACH PARTITION name: ` CONCURRENTLY` goes after the name, in an ALTER TABLE of
        // this one subcommand (PostgreSQL refuses CONCURRENTLY beside others).
        if (sub == "AT_DetachPartition" && json::list(v, "cmds").size() == 1 &&
            !ctx_.ops.back().as<TableCommand>()->concurrently) {
          ctx_.ops.back().points.concurrently = after_partition_name();
        }
      }
    }
  }

  // The end of the partition's name in `... DETACH PARTITION [schema.]name`.
  std::optional<std::size_t> after_partition_name() {
    if (ctx_.options.in_function) return std::nullopt;
    const auto& t = tokens();
    for (std::size_t i = 0; i + 2 < t.size(); ++i) {
      if (!word_is(i, "DETACH") || !word_is(i + 1, "PARTITION")) continue;
      std::size_t name = i + 2;
      while (name + 2 < t.size() && ctx_.sql[t[name + 1].begin] == '.') name += 2;
      if (name + 1 < t.size() && ctx_.sql[t[name + 1].begin] != ';') return std::nullopt;
      return to_file(t[name].end);
    }
    return std::nullopt;
  }

  void create_index(element v) {
    CreateIndex i;
    i.name = std::string(json::str(v, "idxname"));
    if (auto r = json::field(v, "relation")) i.table = relation_name(*r);
    for (element p : json::list(v, "indexParams")) {
      if (auto e = json::as(p, "IndexElem")) {
        std::string_view n = json::str(*e, "name");
        i.columns.emplace_back(n.empty() ? std::string_view("(expression)") : n);
        if (auto x = json::field(*e, "expr")) referenced_columns(*x, i.other_columns, 0);
      }
    }
    for (element p : json::list(v, "indexIncludingParams")) {
      if (auto e = json::as(p, "IndexElem")) {
        if (std::string_view n = json::str(*e, "name"); !n.empty()) {
          i.included_columns.emplace_back(n);
        }
      }
    }
    if (auto w = json::field(v, "whereClause")) referenced_columns(*w, i.other_columns, 0);
    i.unique = json::boolean(v, "unique");
    i.concurrently = json::boolean(v, "concurrent");
    i.if_not_exists = json::boolean(v, "if_not_exists");
    std::size_t after = word_is(1, "UNIQUE") ? 3 : 2;  // CREATE [UNIQUE] INDEX
    std::optional<std::size_t> point;
    if (!i.concurrently && word_is(after - 1, "INDEX")) point = concurrently_point(after);
    emit(std::move(i));
    ctx_.ops.back().points.concurrently = point;
  }

  void reindex(element v) {
    Reindex r;
    std::string_view kind = json::str(v, "kind");  // REINDEX_OBJECT_INDEX, ...
    r.target_kind = std::string(kind.substr(std::string_view("REINDEX_OBJECT_").size()));
    for (char& ch : r.target_kind)
      ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (auto rel = json::field(v, "relation")) {
      r.name = relation_name(*rel);
    } else {
      r.name = {{}, std::string(json::str(v, "name"))};
    }
    for (element p : json::list(v, "params")) {
      if (auto d = json::as(p, "DefElem"); d && json::str(*d, "defname") == "concurrently") {
        r.concurrently = true;
      }
    }
    std::optional<std::size_t> point;
    if (!r.concurrently) {
      if (auto after = after_reindex_kind()) point = concurrently_point(*after);
    }
    emit(std::move(r));
    ctx_.ops.back().points.concurrently = point;
  }

  void data_change(DataChangeKind kind, element v) {
    DataChange d;
    d.kind = kind;
    if (auto r = json::field(v, "relation")) d.table = relation_name(*r);
    d.has_where = json::field(v, "whereClause").has_value();
    d.batched = is_batched(v);
    // Only an UPDATE's or DELETE's clauses are read (unbatched-backfill's help): an INSERT of
    // seed rows is not scanned token by token.
    if (kind == DataChangeKind::update || kind == DataChangeKind::delete_) clauses(d);
    if (kind == DataChangeKind::insert) {
      if (auto q = json::field(v, "selectStmt")) d.sources = range_vars(*q);
    }
    emit(std::move(d));
  }

  // The SET list and WHERE condition of an UPDATE or DELETE as written: the text between its
  // keywords outside parentheses.
  void clauses(DataChange& d) {
    const auto& t = tokens();
    std::optional<std::size_t> set_at;
    std::optional<std::size_t> where_at;
    std::optional<std::size_t> set_end;
    std::size_t end = t.empty() ? 0 : t.back().end;
    std::optional<std::size_t> where_end;
    // The table as written, with ONLY and its alias (`builds b`).
    std::optional<std::size_t> target_at;
    std::optional<std::size_t> target_end;
    int depth = 0;
    for (std::size_t i = 0; i < t.size(); ++i) {
      char c = ctx_.sql[t[i].begin];
      bool punctuation = t[i].end == t[i].begin + 1;
      if (punctuation && (c == '(' || c == '[')) ++depth;
      if (punctuation && (c == ')' || c == ']')) --depth;
      if (depth != 0) continue;
      if (punctuation && c == ';') {
        end = t[i].begin;
        break;
      }
      if (!target_at && d.kind == DataChangeKind::update && word_is(i, "UPDATE")) {
        target_at = t[i].end;
      } else if (!target_at && d.kind != DataChangeKind::update && word_is(i, "DELETE") &&
                 word_is(i + 1, "FROM")) {
        target_at = t[++i].end;
      } else if (word_is(i, "SET") && !set_at) {
        if (target_at && !target_end) target_end = t[i].begin;
        set_at = t[i].end;
      } else if ((word_is(i, "FROM") || word_is(i, "USING")) &&
                 (set_at || d.kind != DataChangeKind::update)) {
        d.joins = d.joins || word_is(i, "USING") || set_at.has_value();
        if (set_at && !set_end) set_end = t[i].begin;
        if (target_at && !target_end) target_end = t[i].begin;
      } else if (word_is(i, "WHERE") && !where_at) {
        if (set_at && !set_end) set_end = t[i].begin;
        if (target_at && !target_end) target_end = t[i].begin;
        where_at = t[i].end;
      } else if (word_is(i, "RETURNING")) {
        if (target_at && !target_end) target_end = t[i].begin;
        if (set_at && !set_end) set_end = t[i].begin;
        if (where_at && !where_end) where_end = t[i].begin;
      }
    }
    auto text = [&](std::size_t b, std::size_t e) {
      std::string_view s = ctx_.sql.substr(b, e > b ? e - b : 0);
      while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
      while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
      return std::string(s);
    };
    if (set_at) d.set_list = text(*set_at, set_end.value_or(end));
    if (where_at) d.condition = text(*where_at, where_end.value_or(end));
    if (target_at) d.target = text(*target_at, target_end.value_or(end));
  }

  void truncate(element v) {
    Truncate t;
    for (element r : json::list(v, "relations")) {
      if (auto rv = json::as(r, "RangeVar")) t.tables.push_back(relation_name(*rv));
    }
    t.cascade = json::str(v, "behavior") == "DROP_CASCADE";
    emit(std::move(t));
  }

  void set(element v) {
    SetSetting s;
    s.name = std::string(json::str(v, "name"));
    s.local = json::boolean(v, "is_local");
    for (element a : json::list(v, "args")) {
      if (!s.value.empty()) s.value += ", ";
      std::string text = default_value(a).text;
      if (text.size() >= 2 && text.front() == '\'' && text.back() == '\'') {
        text = text.substr(1, text.size() - 2);
      }
      s.value += text;
    }
    emit(std::move(s));
  }

  void transaction(element v) {
    std::string_view kind = json::str(v, "kind");
    TransactionKind k = TransactionKind::begin;
    if (kind == "TRANS_STMT_BEGIN" || kind == "TRANS_STMT_START") {
      k = TransactionKind::begin;
    } else if (kind == "TRANS_STMT_COMMIT" || kind == "TRANS_STMT_COMMIT_PREPARED") {
      k = TransactionKind::commit;
    } else if (kind == "TRANS_STMT_ROLLBACK" || kind == "TRANS_STMT_ROLLBACK_PREPARED") {
      k = TransactionKind::rollback;
    } else if (kind == "TRANS_STMT_SAVEPOINT") {
      k = TransactionKind::savepoint;
    } else if (kind == "TRANS_STMT_RELEASE") {
      k = TransactionKind::release;
    } else if (kind == "TRANS_STMT_ROLLBACK_TO") {
      k = TransactionKind::rollback_to;
    } else if (kind == "TRANS_STMT_PREPARE") {
      k = TransactionKind::prepare;
    }
    emit(TransactionControl{k});
    // COMMIT AND CHAIN / ROLLBACK AND CHAIN start a new transaction at once.
    bool ends = k == TransactionKind::commit || k == TransactionKind::rollback;
    if (ends && json::boolean(v, "chain")) emit(TransactionControl{TransactionKind::begin});
  }

  void alter_enum(element v) {
    AlterEnum a;
    a.name = dotted_name(json::strings(v, "typeName"));
    a.new_value = std::string(json::str(v, "newVal"));
    a.old_value = std::string(json::str(v, "oldVal"));
    a.rename = !a.old_value.empty();
    a.if_not_exists = json::boolean(v, "skipIfNewValExists");
    emit(std::move(a));
  }

  void vacuum(element v) {
    Vacuum vac;
    for (element o : json::list(v, "options")) {
      if (auto d = json::as(o, "DefElem"); d && json::str(*d, "defname") == "full") vac.full = true;
    }
    for (element r : json::list(v, "rels")) {
      if (auto vr = json::as(r, "VacuumRelation")) {
        if (auto rel = json::field(*vr, "relation")) vac.tables.push_back(relation_name(*rel));
      }
    }
    if (!json::boolean(v, "is_vacuumcmd")) {
      if (vac.tables.empty()) return other("ANALYZE");
      for (const QualifiedName& t : vac.tables) emit(table_cmd("ANALYZE", t, {}, false, {}));
      return;
    }
    emit(std::move(vac));
  }

  void do_block(element v) {
    std::string_view language = "plpgsql";
    std::string_view body;
    for (element a : json::list(v, "args")) {
      auto d = json::as(a, "DefElem");
      if (!d) continue;
      auto arg = json::field(*d, "arg");
      std::string_view value;
      if (arg) {
        if (auto s = json::as(*arg, "String")) value = json::str(*s, "sval");
      }
      if (json::str(*d, "defname") == "as") body = value;
      if (json::str(*d, "defname") == "language") language = value;
    }
    if (language != "plpgsql") return other("DO");
    // Dollar-quoted bodies stand verbatim in the statement: find them for exact positions.
    std::string_view stmt = ctx_.sql.substr(ctx_.range.begin, ctx_.range.end - ctx_.range.begin);
    std::size_t at = body.empty() ? std::string_view::npos : stmt.find(body);
    ByteRange where{};
    if (at != std::string_view::npos) {
      where = {ctx_.range.begin + at, ctx_.range.begin + at + body.size()};
    }
    lower_do_block(body, where, ctx_);
  }

  const StatementContext& ctx_;
  std::optional<std::vector<ByteRange>> tokens_;
};

}  // namespace

void lower_statement(element stmt, const StatementContext& ctx) {
  auto [kind, v] = json::node(stmt);
  Lowerer(ctx).statement(kind, v);
}

}  // namespace schemagate::sql
