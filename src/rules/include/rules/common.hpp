// Small helpers shared by rules.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "schemagate/locks.hpp"
#include "schemagate/rule.hpp"

namespace schemagate::rules {

// Writes "`name`" for messages; a name the migration computes at run time (a table passed
// in as an argument, a model's __tablename__) has none to print: "`?` (named at run time)".
inline std::string quoted(const std::string& name) {
  return name.empty() ? "`?` (named at run time)" : "`" + name + "`";
}
inline std::string quoted(const QualifiedName& name) {
  return name.name.empty() ? quoted(std::string()) : quoted(name.display());
}
inline std::string quoted(const QualifiedName& table, const std::string& column) {
  if (table.name.empty()) return "`" + column + "` (of a table named at run time)";
  return quoted(table.display() + "." + column);
}

// A downgrade operation that only undoes its own upgrade (drops what the upgrade created,
// renames back, DROP NOT NULL of a column the upgrade made NOT NULL, ...: reversal.hpp). It
// restores the schema the running application had before the upgrade, and takes no lock the
// upgrade's own operation didn't: no compatibility or lock rule reports it.
inline bool reverses_upgrade(const Step& step) { return step.reverses != nullptr; }

// Lock and rewrite rules: the table existed before this migration, the operation is not a
// downgrade undoing its upgrade, and the table was not emptied earlier in the same
// transaction (then it is empty and already locked: Step::table_emptied, a TRUNCATE, and
// Step::table_must_be_empty, a NOT NULL column added without a default).
inline bool on_existing_table(const Step& step) {
  return !step.table_is_new && !reverses_upgrade(step) && !step.table_emptied &&
         !step.table_must_be_empty;
}

// Destructive and compatibility rules: the table, column, index or constraint existed
// before this migration (dropping what the migration itself created, e.g. in a downgrade
// undoing its upgrade, harms nobody), and the table still has the name the running
// application knows (after a RENAME TO earlier in the phase, renaming-table reports the
// break once: one hazard, one finding).
inline bool on_existing_object(const Step& step) {
  return !step.table_is_new && !step.table_renamed && !step.object_is_new &&
         !reverses_upgrade(step);
}

// Is `s`, a step after or before `from` with none of these between, in the same phase and
// the same open transaction as `from` (no BEGIN, COMMIT or autocommit step)?
inline bool same_transaction(const Step& from, const Step& s) {
  return s.phase == from.phase && s.in_transaction && !s.op->is<TransactionControl>();
}

// The steps of the statement that steps[at] is a sub-command of (ALTER TABLE t DROP COLUMN id,
// ADD PRIMARY KEY (a, b), ...), in their order, steps[at] among them: the steps of the same
// phase written at the same place, not the statements of one query string
// (Operation::shares_query). Just steps[at] for a statement of one sub-command.
std::span<const Step> statement_of(std::span<const Step> steps, std::size_t at);

// A sub-command in words, for helps that name the statement's others: "DROP COLUMN id",
// "DROP CONSTRAINT t_a_key", "ADD PRIMARY KEY (a, b)", "ADD COLUMN c".
std::string subcommand_words(const Operation& op);

// The step, later in the same phase and transaction as steps[at], that gives the name
// `column` of `table` back: another column renamed to it (copy into x_new, drop x, rename
// x_new to x) or, with `added`, a column added under it (rename x to x_old, add a new x).
// Running code then still finds a column of that name when the transaction commits. Null
// when there is none.
const Step* column_name_given_back(std::span<const Step> steps, std::size_t at,
                                   const QualifiedName& table, const std::string& column,
                                   bool added);

// DROP TABLE / INDEX IF EXISTS of an object replay never saw, after SQL built at run time
// earlier in the phase (a function of the migration that clones a schema with EXECUTE, then
// drops the copies it doesn't need): the object may well be one that SQL just made. Not
// known, so rules stay quiet about it.
bool maybe_made_at_run_time(std::span<const Step> steps, const Step& step);

// Did the frontend fail to parse part of the migration?
inline bool has_syntax_error(const Migration& m) {
  for (const FrontendIssue& issue : m.issues) {
    if (issue.rule == "syntax-error") return true;
  }
  return false;
}

// ---- Messages and help in the migration's own language ----------------------------------

// Is the migration an Alembic revision (help in Python) rather than a SQL file?
inline bool alembic(const RuleContext& ctx) {
  return traits(ctx.migration().layout).language == Language::python;
}

// Alembic runs all pending revisions in one transaction (its default, env.py not saying
// otherwise: neither transaction_per_migration=True nor transactional_ddl=False).
inline bool alembic_one_transaction(const RuleContext& ctx) {
  return alembic(ctx) && ctx.runner().transaction_per_migration == false &&
         ctx.runner().transactional_ddl == true;
}

// env.py configures Alembic with transactional_ddl=False: no transaction around all pending
// revisions.
inline bool alembic_no_transactional_ddl(const RuleContext& ctx) {
  return alembic(ctx) && ctx.runner().transactional_ddl == false;
}

// The transaction Alembic runs the revision in, as env.py sets it up.
inline std::string alembic_transaction(const RuleContext& ctx) {
  if (alembic_no_transactional_ddl(ctx)) {
    return "the transaction Alembic runs this revision in (env.py sets transactional_ddl=False: "
           "none around all pending revisions, one per revision in recent Alembic versions)";
  }
  const std::optional<bool>& per_migration = ctx.runner().transaction_per_migration;
  if (!per_migration || !ctx.runner().transactional_ddl) {
    return "the transaction Alembic runs this revision in";
  }
  return *per_migration
             ? "the transaction Alembic runs each revision in (transaction_per_migration=True)"
             : "the one transaction Alembic runs all pending revisions in";
}

// The lock an operation takes, for messages: "ACCESS EXCLUSIVE on skills blocks all reads
// and writes while the table is rewritten". A lock weaker than ACCESS EXCLUSIVE on a table an
// earlier statement of the transaction holds ACCESS EXCLUSIVE on says so: reads wait too.
std::string lock_description(const RuleContext& ctx, const Step& step);

// A SQL identifier, double-quoted when it needs to be.
inline std::string sql_ident(std::string_view name) {
  bool plain = !name.empty() && !(name[0] >= '0' && name[0] <= '9');
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) plain = false;
  }
  if (plain) return std::string(name);
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

inline std::string sql_table(const QualifiedName& t) {
  return t.schema.empty() ? sql_ident(t.name) : sql_ident(t.schema) + "." + sql_ident(t.name);
}

// A Python string literal.
inline std::string py_str(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// ", schema=\"app\"" for a schema-qualified table in an op.* call; "" otherwise.
inline std::string py_schema(const QualifiedName& t) {
  return t.schema.empty() ? std::string() : ", schema=" + py_str(t.schema);
}

// The statement `sql` (without its semicolon) as the migration runs it: "sql;" in a SQL file,
// op.execute("sql") in Alembic.
inline std::string execute(const RuleContext& ctx, const std::string& sql) {
  return alembic(ctx) ? "op.execute(" + py_str(sql) + ")" : sql + ";";
}

// A comment line in the migration's language.
inline std::string comment(const RuleContext& ctx, const std::string& text) {
  return (alembic(ctx) ? "# " : "-- ") + text;
}

// Where the second half of a change goes, once the first half has committed: "a later
// revision" / "a later migration" in an upgrade. A downgrade has no later migration (a
// rollback runs none): there it is the end of the downgrade, outside its transaction.
inline std::string later_migration(const RuleContext& ctx, Phase phase) {
  if (phase == Phase::downgrade) {
    return alembic(ctx) ? "`with op.get_context().autocommit_block():` at the end of downgrade() "
                          "(it commits what comes before)"
                        : "a transaction of its own once this down migration has committed";
  }
  return alembic(ctx) ? "a later revision" : "a later migration";
}
inline std::string later_migration(const RuleContext& ctx, const Step& step) {
  return later_migration(ctx, step.phase);
}

// The help of a compatibility finding in a downgrade, where moving the application first
// and finishing in a later migration is no option: a rollback returns to code already
// released and can't wait for another release. `what` is the object ("the column"),
// `otherwise` what to do if that code uses it.
inline std::string rollback_help(const std::string& what, const std::string& otherwise) {
  return "a rollback returns to code already released and can't wait for another release: "
         "make sure that code no longer uses " +
         what + ", or " + otherwise;
}

// Lines of code, one per line.
inline std::string lines(const std::vector<std::string>& code) {
  std::string out;
  for (const std::string& line : code) out += (out.empty() ? "" : "\n") + line;
  return out;
}

// Alembic code run outside the revision's transaction.
inline std::string autocommit_block(const std::vector<std::string>& code) {
  std::string out = "with op.get_context().autocommit_block():";
  for (const std::string& line : code) out += "\n    " + line;
  return out;
}

// The SQL spelling of a column type, as the user wrote it when known.
inline std::string sql_type(const TypeName& t) {
  if (!t.text.empty()) return t.text;
  return t.array ? t.name + "[]" : t.name;
}

// The SQLAlchemy spelling of a column type: the revision's own when it wrote the type
// (TypeName::python), otherwise "sa.Text()", "sa.String(64)", ...
// A type of sqlalchemy.dialects.postgresql, by its PostgreSQL name ("citext" for CITEXT).
inline bool postgresql_dialect_type(std::string_view n) {
  static constexpr std::array<std::string_view, 19> kTypes = {
      "bit",       "cidr",    "citext",    "daterange", "hstore",        "inet", "int4range",
      "int8range", "macaddr", "macaddr8",  "money",     "numrange",      "oid",  "regclass",
      "tsquery",   "tsrange", "tstzrange", "tsvector",  "int4multirange"};
  return std::find(kTypes.begin(), kTypes.end(), n) != kTypes.end();
}

inline std::string sa_type(const TypeName& t) {
  if (!t.python.empty()) return t.python;
  auto mod = [&](std::size_t i) { return std::to_string(t.modifiers[i]); };
  auto with_mods = [&](const std::string& cls) {
    std::string out = cls + "(";
    for (std::size_t i = 0; i < t.modifiers.size(); ++i) out += (i == 0 ? "" : ", ") + mod(i);
    return out + ")";
  };
  const std::string& n = t.name;
  std::string out;
  if (n == "int4" || n == "integer" || n == "int" || n == "serial" || n == "serial4") {
    out = "sa.Integer()";
  } else if (n == "int8" || n == "bigint" || n == "bigserial" || n == "serial8") {
    out = "sa.BigInteger()";
  } else if (n == "int2" || n == "smallint" || n == "smallserial" || n == "serial2") {
    out = "sa.SmallInteger()";
  } else if (n == "text") {
    out = "sa.Text()";
  } else if (n == "varchar") {
    out = with_mods("sa.String");
  } else if (n == "bpchar" || n == "char") {
    out = with_mods("sa.CHAR");
  } else if (n == "bool" || n == "boolean") {
    out = "sa.Boolean()";
  } else if (n == "date") {
    out = "sa.Date()";
  } else if (n == "time") {
    out = "sa.Time()";
  } else if (n == "timetz") {
    out = "sa.Time(timezone=True)";
  } else if (n == "timestamp") {
    out = "sa.DateTime()";
  } else if (n == "timestamptz") {
    out = "sa.DateTime(timezone=True)";
  } else if (n == "interval") {
    out = "sa.Interval()";
  } else if (n == "numeric" || n == "decimal") {
    out = with_mods("sa.Numeric");
  } else if (n == "float8") {
    out = "sa.Float()";
  } else if (n == "float4") {
    out = "sa.REAL()";
  } else if (n == "json") {
    out = "sa.JSON()";
  } else if (n == "jsonb") {
    out = "postgresql.JSONB()";
  } else if (n == "uuid") {
    out = "sa.Uuid()";
  } else if (n == "bytea") {
    out = "sa.LargeBinary()";
  } else if (n.find('.') != std::string::npos) {
    // A class of the project (prefect's prefect.server.utilities.database.UUID), as written.
    out = t.text.empty() ? n : t.text;
    if (out.find('(') == std::string::npos) out += "()";
  } else if (postgresql_dialect_type(n)) {
    std::string upper = n;
    for (char& c : upper) {
      if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    }
    out = "postgresql." + upper + "()";
  } else {
    // An enum (or another type the migrations made): SQLAlchemy writes its name in the DDL,
    // and create_type=False leaves the type as it is.
    out = "postgresql.ENUM(name=" + py_str(n) + ", create_type=False)";
  }
  return t.array ? "postgresql.ARRAY(" + out + ")" : out;
}

// Adding `column` of type `type` to `table` as a nullable column without a default: the
// catalog-only way to add a column.
inline std::string add_nullable_column(const RuleContext& ctx, const QualifiedName& table,
                                       const std::string& column, const TypeName& type) {
  if (alembic(ctx)) {
    return "op.add_column(" + py_str(table.name) + ", sa.Column(" + py_str(column) + ", " +
           sa_type(type) + ", nullable=True)" + py_schema(table) + ")";
  }
  return "ALTER TABLE " + sql_table(table) + " ADD COLUMN " + sql_ident(column) + " " +
         sql_type(type) + ";";
}

// Making `column` NOT NULL without holding ACCESS EXCLUSIVE through a scan: a CHECK added
// NOT VALID, validated in a later migration, then (from PostgreSQL 12) SET NOT NULL proven by
// the check without a scan. One line of code each, with comments where a migration ends.
inline std::vector<std::string> not_null_plan(const RuleContext& ctx, const Step& step,
                                              const QualifiedName& table,
                                              const std::vector<std::string>& columns) {
  const std::string t = sql_table(table);
  auto check_of = [&](const std::string& column) {
    return table.name + "_" + column + "_not_null";
  };
  std::vector<std::string> out;
  for (const std::string& column : columns) {
    const std::string check = check_of(column);
    if (alembic(ctx)) {
      out.push_back("op.create_check_constraint(" + py_str(check) + ", " + py_str(table.name) +
                    ", " + py_str(sql_ident(column) + " IS NOT NULL") + py_schema(table) +
                    ", postgresql_not_valid=True)");
    } else {
      out.push_back("ALTER TABLE " + t + " ADD CONSTRAINT " + sql_ident(check) + " CHECK (" +
                    sql_ident(column) + " IS NOT NULL) NOT VALID;");
    }
  }
  out.push_back(comment(ctx, "then, in " + later_migration(ctx, step) + ":"));
  for (const std::string& column : columns) {
    out.push_back(
        execute(ctx, "ALTER TABLE " + t + " VALIDATE CONSTRAINT " + sql_ident(check_of(column))));
  }
  if (ctx.settings().pg_version < 12) return out;  // SET NOT NULL would scan again
  for (const std::string& column : columns) {
    if (alembic(ctx)) {
      out.push_back("op.alter_column(" + py_str(table.name) + ", " + py_str(column) +
                    ", nullable=False" + py_schema(table) + ")");
    } else {
      out.push_back("ALTER TABLE " + t + " ALTER COLUMN " + sql_ident(column) + " SET NOT NULL;");
    }
  }
  for (const std::string& column : columns) {
    const std::string check = check_of(column);
    out.push_back(alembic(ctx) ? "op.drop_constraint(" + py_str(check) + ", " + py_str(table.name) +
                                     py_schema(table) + ")"
                               : "ALTER TABLE " + t + " DROP CONSTRAINT " + sql_ident(check) + ";");
  }
  return out;
}

// Whether an earlier step of the same transaction as steps[at] holds ACCESS EXCLUSIVE on
// `table` (not from inside a function body): what steps[at] locks is locked already.
bool already_locked(std::span<const Step> steps, std::size_t at, const QualifiedName& table,
                    int pg_version);

// Whether `step` (one of `steps`) works on a table that an earlier statement of its
// transaction (not an earlier sub-command of its own ALTER TABLE) holds ACCESS EXCLUSIVE on,
// and that has been rewritten, scanned, or had all its rows changed under that lock before
// `step`: the table is blocked until the commit already, for as long as that work takes, and
// one more scan or index build under the same lock is that hazard, reported there. A lock
// held by a statement that only changed the catalog (DROP INDEX, a nullable ADD COLUMN) is no
// such hazard: the work after it is. Nor is work of the step's own kind (an index build before
// an index build, a CHECK before a CHECK): each has its own finding and fix. The lock rules
// whose hazard is a scan or an index build stay quiet then; a rewrite (a type change, a
// volatile default) is reported all the same: it copies the table again, and has its own way
// out.
// A downgrade step on a table named at run time (a model's __tablename__ the revision can't
// resolve), in a migration whose upgrade creates a table named at run time too: most likely
// the upgrade's own table, which the downgrade undoes; the rules stay quiet rather than guess.
bool unnamed_table_of_upgrade(std::span<const Step> steps, const Step& step,
                              const QualifiedName& table);

// Was `table` dropped (DROP TABLE) by a step before `step` (one of `steps`), in its phase?
bool table_dropped_before(std::span<const Step> steps, const Step& step,
                          const QualifiedName& table);

bool busy_under_lock(std::span<const Step> steps, const Step& step, const QualifiedName& table,
                     int pg_version);

}  // namespace schemagate::rules
