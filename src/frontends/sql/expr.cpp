// Reading types, default expressions and WHERE clauses out of the parse tree.
#include <algorithm>
#include <array>
#include <cctype>
#include <map>
#include <string>

#include "frontends/sql/lower.hpp"
#include "frontends/sql/sql_frontend.hpp"

namespace schemagate::sql {

using json::element;

QualifiedName relation_name(element range_var) {
  return {std::string(json::str(range_var, "schemaname")),
          std::string(json::str(range_var, "relname"))};
}

QualifiedName dotted_name(const std::vector<std::string>& parts) {
  if (parts.empty()) return {};
  if (parts.size() == 1) return {{}, parts[0]};
  return {parts[parts.size() - 2], parts.back()};
}

namespace {

std::string_view display_type(std::string_view name) {
  static const std::map<std::string_view, std::string_view> names = {
      {"int2", "smallint"},
      {"int4", "integer"},
      {"int8", "bigint"},
      {"float4", "real"},
      {"float8", "double precision"},
      {"bool", "boolean"},
      {"bpchar", "char"},
      {"varchar", "varchar"},
      {"timestamptz", "timestamptz"},
      {"timestamp", "timestamp"},
      {"interval", "interval"},
      {"numeric", "numeric"},
  };
  auto it = names.find(name);
  return it == names.end() ? name : it->second;
}

}  // namespace

std::string type_text(const TypeName& type) {
  std::string out(display_type(type.name));
  // "timestamp with time zone" arrives as timestamptz; interval fields are typmods too.
  if (!type.modifiers.empty() && type.name != "interval") {
    out += '(';
    for (std::size_t i = 0; i < type.modifiers.size(); ++i) {
      if (i) out += ", ";
      out += std::to_string(type.modifiers[i]);
    }
    out += ')';
  }
  if (type.array) out += "[]";
  return out;
}

TypeName type_name(element tn) {
  TypeName out;
  std::vector<std::string> names = json::strings(tn, "names");
  if (names.size() > 1 && names.front() == "pg_catalog") names.erase(names.begin());
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i) out.name += '.';
    out.name += names[i];
  }
  for (element m : json::list(tn, "typmods")) {
    if (auto c = json::as(m, "A_Const")) {
      if (auto iv = json::field(*c, "ival")) out.modifiers.push_back(json::integer(*iv, "ival"));
    }
  }
  out.array = !json::list(tn, "arrayBounds").empty();
  out.text = type_text(out);
  return out;
}

namespace {

// Functions whose value is the same for every row of one statement (immutable or stable):
// a default calling only these is evaluated once, and PostgreSQL 11+ stores it in the catalog.
constexpr std::array kNonVolatile = {
    "abs",
    "array_agg",
    "btrim",
    "ceil",
    "coalesce",
    "concat",
    "concat_ws",
    "current_database",
    "current_date",
    "current_schema",
    "current_setting",
    "current_time",
    "current_timestamp",
    "current_user",
    "date_trunc",
    "floor",
    "greatest",
    "json_build_array",
    "json_build_object",
    "jsonb_build_array",
    "jsonb_build_object",
    "least",
    "left",
    "length",
    "localtime",
    "localtimestamp",
    "lower",
    "lpad",
    "ltrim",
    "make_date",
    "make_interval",
    "make_timestamp",
    "make_timestamptz",
    "md5",
    "now",
    "nullif",
    "replace",
    "right",
    "round",
    "rpad",
    "rtrim",
    "session_user",
    "statement_timestamp",
    "substr",
    "substring",
    "timezone",
    "to_char",
    "to_date",
    "to_json",
    "to_jsonb",
    "to_number",
    "to_timestamp",
    "transaction_timestamp",
    "trim",
    "trunc",
    "upper",
    "uuid_nil",
};

// Volatile functions a default often calls, with the only number of arguments they take: a
// call with another number is one PostgreSQL rejects ("function random(integer) does not
// exist"), no evidence of a volatile default.
struct Arity {
  std::string_view name;
  std::size_t args;
};
constexpr std::array kVolatile = {
    Arity{"clock_timestamp", 0},
    Arity{"gen_random_uuid", 0},
    Arity{"nextval", 1},
    Arity{"random", 0},
    Arity{"timeofday", 0},
    Arity{"uuid_generate_v1", 0},
    Arity{"uuid_generate_v1mc", 0},
    Arity{"uuid_generate_v4", 0},
};
// Known functions with one fixed number of arguments (the others take several forms).
constexpr std::array kFixedArity = {
    Arity{"current_database", 0},      Arity{"now", 0},      Arity{"statement_timestamp", 0},
    Arity{"transaction_timestamp", 0}, Arity{"uuid_nil", 0},
};

// How tightly an expression binds, as PostgreSQL's grammar orders its operators (gram.y): the
// deparser puts back the parentheses the parse tree no longer shows where an operand binds less
// tightly than its operator ("random() * (11 - 8 + 1)"). Anything but an operator is atomic.
int binding(element e) {
  auto [kind, v] = json::node(e);
  if (kind != "A_Expr") return 100;
  if (json::str(v, "kind") != "AEXPR_OP") return 2;  // IN, LIKE, BETWEEN, ANY, ...
  if (!json::field(v, "lexpr")) return 7;            // a prefix operator: - x
  std::vector<std::string> op = json::strings(v, "name");
  const std::string name = op.size() == 1 ? op[0] : std::string();
  if (name == "=" || name == "<" || name == ">" || name == "<=" || name == ">=" || name == "<>" ||
      name == "!=") {
    return 1;
  }
  if (name == "+" || name == "-") return 4;
  if (name == "*" || name == "/" || name == "%") return 5;
  if (name == "^") return 6;
  return 3;  // any other operator (||, ->>, ~, ...)
}

void describe(element e, std::string& out, bool& is_volatile, int depth);

// `e`, in parentheses when `parens`.
void describe_operand(element e, bool parens, std::string& out, bool& is_volatile, int depth) {
  if (parens) out += '(';
  describe(e, out, is_volatile, depth);
  if (parens) out += ')';
}

void describe(element e, std::string& out, bool& is_volatile, int depth) {
  if (depth > 64) {
    out += "...";
    return;
  }
  auto [kind, v] = json::node(e);
  if (kind == "A_Const") {
    if (json::boolean(v, "isnull")) {
      out += "NULL";
    } else if (auto s = json::field(v, "sval")) {
      out += '\'';
      out += json::str(*s, "sval");
      out += '\'';
    } else if (auto i = json::field(v, "ival")) {
      out += std::to_string(json::integer(*i, "ival"));
    } else if (auto f = json::field(v, "fval")) {
      out += json::str(*f, "fval");
    } else if (auto b = json::field(v, "boolval")) {
      out += json::boolean(*b, "boolval") ? "true" : "false";
    } else {
      out += "0";
    }
  } else if (kind == "TypeCast") {
    // :: binds tighter than any operator: (a + b)::int.
    if (auto arg = json::field(v, "arg")) {
      describe_operand(*arg, binding(*arg) < 100, out, is_volatile, depth + 1);
    }
    if (auto tn = json::field(v, "typeName")) {
      out += "::";
      out += type_name(*tn).text;
    }
  } else if (kind == "FuncCall") {
    std::vector<std::string> names = json::strings(v, "funcname");
    std::string name = names.empty() ? std::string("function") : names.back();
    if (is_volatile_call(name, json::list(v, "args").size())) is_volatile = true;
    out += name;
    out += '(';
    bool first = true;
    for (element a : json::list(v, "args")) {
      if (!first) out += ", ";
      first = false;
      describe(a, out, is_volatile, depth + 1);
    }
    out += ')';
  } else if (kind == "SQLValueFunction") {
    std::string_view op = json::str(v, "op");  // SVFOP_CURRENT_TIMESTAMP, ...
    if (op.starts_with("SVFOP_")) op.remove_prefix(6);
    std::string name(op);
    for (char& c : name) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    out += name;
  } else if (kind == "ColumnRef") {
    std::vector<std::string> names = json::strings(v, "fields");
    out += names.empty() ? std::string("column") : names.back();
  } else if (kind == "A_Expr") {
    std::vector<std::string> op = json::strings(v, "name");
    // Left-associative: an operand of the same level keeps its place on the left only (the
    // comparisons don't associate at all).
    const int level = binding(e);
    const auto l = json::field(v, "lexpr");
    if (l) {
      const int left = binding(*l);
      describe_operand(*l, left < level || (left == level && level <= 2), out, is_volatile,
                       depth + 1);
      out += ' ';
    }
    out += op.empty() ? std::string("op") : op.back();
    out += l ? " " : "";
    if (auto r = json::field(v, "rexpr")) {
      describe_operand(*r, binding(*r) <= level, out, is_volatile, depth + 1);
    }
  } else if (kind == "NextValueExpr") {
    is_volatile = true;
    out += "nextval()";
  } else {
    // Anything else (subqueries, CASE, arrays, ...): look for function calls inside.
    std::string inner;
    bool inner_volatile = false;
    simdjson::dom::object o;
    if (v.get(o) == simdjson::SUCCESS) {
      for (auto [k, child] : o) {
        if (child.is_object()) describe(child, inner, inner_volatile, depth + 1);
        if (child.is_array()) {
          for (element c : simdjson::dom::array(child))
            describe(c, inner, inner_volatile, depth + 1);
        }
      }
    }
    is_volatile = is_volatile || inner_volatile || kind == "SubLink";
    out += "expression";
  }
}

// Lower and upper bounds found on each column of a WHERE clause.
struct Bounds {
  bool lower = false;
  bool upper = false;
};

void collect_bounds(element e, std::map<std::string, Bounds>& bounds, bool& between, int depth) {
  if (depth > 64) return;
  auto [kind, v] = json::node(e);
  if (kind == "BoolExpr" && json::str(v, "boolop") == "AND_EXPR") {
    for (element a : json::list(v, "args")) collect_bounds(a, bounds, between, depth + 1);
    return;
  }
  if (kind != "A_Expr") return;
  std::string_view k = json::str(v, "kind");
  if (k == "AEXPR_BETWEEN" || k == "AEXPR_BETWEEN_SYM") {
    between = true;
    return;
  }
  if (k != "AEXPR_OP") return;
  std::vector<std::string> op = json::strings(v, "name");
  if (op.size() != 1) return;
  auto lexpr = json::field(v, "lexpr");
  auto rexpr = json::field(v, "rexpr");
  if (!lexpr || !rexpr) return;
  auto column_of = [](element x) -> std::string {
    if (auto c = json::as(x, "ColumnRef")) {
      std::vector<std::string> f = json::strings(*c, "fields");
      return f.empty() ? std::string() : f.back();
    }
    return {};
  };
  std::string col = column_of(*lexpr);
  bool flipped = false;
  if (col.empty()) {
    col = column_of(*rexpr);
    flipped = true;
  }
  if (col.empty()) return;
  bool greater = op[0] == ">" || op[0] == ">=";
  bool less = op[0] == "<" || op[0] == "<=";
  if (flipped) std::swap(greater, less);
  if (greater) bounds[col].lower = true;
  if (less) bounds[col].upper = true;
}

// Does any SELECT below `e` carry a LIMIT (a batch of keys)?
bool has_limited_select(element e, int depth) {
  if (depth > 128) return false;
  if (e.is_array()) {
    for (element c : simdjson::dom::array(e)) {
      if (has_limited_select(c, depth + 1)) return true;
    }
    return false;
  }
  simdjson::dom::object o;
  if (e.get(o) != simdjson::SUCCESS) return false;
  for (auto [k, child] : o) {
    if (k == "SelectStmt" && json::field(child, "limitCount")) return true;
    if ((child.is_object() || child.is_array()) && has_limited_select(child, depth + 1)) {
      return true;
    }
  }
  return false;
}

}  // namespace

bool is_nonvolatile_function(std::string_view name) {
  return std::find(kNonVolatile.begin(), kNonVolatile.end(), name) != kNonVolatile.end();
}

bool using_is_column(element expr, std::string_view column, const TypeName& to) {
  auto [kind, v] = json::node(expr);
  if (kind == "TypeCast") {
    auto arg = json::field(v, "arg");
    auto tn = json::field(v, "typeName");
    if (!arg || !tn) return false;
    TypeName cast = type_name(*tn);
    if (cast.name != to.name || cast.modifiers != to.modifiers || cast.array != to.array) {
      return false;
    }
    return json::as(*arg, "ColumnRef") && using_is_column(*arg, column, to);
  }
  if (kind != "ColumnRef") return false;
  std::vector<std::string> names = json::strings(v, "fields");
  return names.size() == 1 && names.front() == column;
}

bool is_volatile_call(std::string_view name, std::size_t args) {
  for (const Arity& f : kVolatile) {
    if (f.name == name) return f.args == args;
  }
  for (const Arity& f : kFixedArity) {
    if (f.name == name && f.args != args) return false;
  }
  return !is_nonvolatile_function(name);
}

DefaultValue default_value(element expr) {
  DefaultValue out;
  describe(expr, out.text, out.volatile_, 0);
  return out;
}

bool is_batched(element stmt) {
  for (std::string_view key : {"whereClause", "fromClause", "usingClause", "withClause"}) {
    if (auto f = json::field(stmt, key); f && has_limited_select(*f, 0)) return true;
  }
  auto where = json::field(stmt, "whereClause");
  if (!where) return false;
  std::map<std::string, Bounds> bounds;
  bool between = false;
  collect_bounds(*where, bounds, between, 0);
  if (between) return true;
  return std::any_of(bounds.begin(), bounds.end(),
                     [](const auto& b) { return b.second.lower && b.second.upper; });
}

}  // namespace schemagate::sql
