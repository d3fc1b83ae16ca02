// The lock model (locks.hpp): one table of what each operation locks and does, from the
// PostgreSQL documentation (explicit-locking.html, sql-altertable.html, sql-createindex.html,
// sql-reindex.html, sql-altertype.html, sql-vacuum.html, sql-cluster.html, sql-truncate.html).
#include "schemagate/locks.hpp"

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>
#include <utility>

namespace schemagate {

namespace {

using enum LockMode;

constexpr std::size_t kModes = 9;

// Table 13.2 "Conflicting Lock Modes", indexed by LockMode (none conflicts with nothing).
// Order: none, ACCESS SHARE, ROW SHARE, ROW EXCLUSIVE, SHARE UPDATE EXCLUSIVE, SHARE,
// SHARE ROW EXCLUSIVE, EXCLUSIVE, ACCESS EXCLUSIVE.
constexpr std::array<std::array<bool, kModes>, kModes> kConflicts = {{
    {0, 0, 0, 0, 0, 0, 0, 0, 0},  // none
    {0, 0, 0, 0, 0, 0, 0, 0, 1},  // ACCESS SHARE
    {0, 0, 0, 0, 0, 0, 0, 1, 1},  // ROW SHARE
    {0, 0, 0, 0, 0, 1, 1, 1, 1},  // ROW EXCLUSIVE
    {0, 0, 0, 0, 1, 1, 1, 1, 1},  // SHARE UPDATE EXCLUSIVE
    {0, 0, 0, 1, 1, 0, 1, 1, 1},  // SHARE
    {0, 0, 0, 1, 1, 1, 1, 1, 1},  // SHARE ROW EXCLUSIVE
    {0, 0, 1, 1, 1, 1, 1, 1, 1},  // EXCLUSIVE
    {0, 1, 1, 1, 1, 1, 1, 1, 1},  // ACCESS EXCLUSIVE
}};

std::string qualified(const QualifiedName& n) { return n.display(); }

// One row of the table: the lock on the operation's own table and the work done.
LockInfo row(LockMode mode, Work work, std::string note = {}) {
  LockInfo info;
  info.mode = mode;
  info.blocks = blocks_of(mode);
  info.work = work;
  info.version_note = std::move(note);
  return info;
}

LockInfo add_column(const AddColumn& op, int pg) {
  const ColumnDef& c = op.column;
  LockInfo info = row(access_exclusive, Work::catalog);
  if (c.generated) {
    info.work = Work::rewrite;  // every row gets the computed value
  } else if (c.identity || c.serial) {
    info.work = Work::rewrite;  // nextval() is volatile: each row gets its own value
  } else if (c.default_value) {
    if (c.default_value->volatile_) {
      info.work = Work::rewrite;
      info.version_note = "a volatile default rewrites the table on every version";
    } else {
      info.work = pg < 11 ? Work::rewrite : Work::catalog;
      info.version_note = "rewrite before PostgreSQL 11, catalog-only from 11";
    }
  }
  // An inline PRIMARY KEY or UNIQUE builds an index over the table.
  if ((c.primary_key || c.unique) && info.work == Work::catalog) info.work = Work::scan;
  if (c.references) {
    info.other_table = qualified(*c.references);
    info.other_mode = share_row_exclusive;
    // With a default in the statement, the rows are checked against the foreign key.
    if (op.references_checked && info.work == Work::catalog) info.work = Work::scan;
  }
  return info;
}

// timestamp to timestamptz or back, same precision: PostgreSQL 12+ keeps the rows when the
// session's TimeZone is UTC (TimestampTimestampTzRequiresRewrite); the column's indexes are
// still rebuilt.
bool timestamp_zone_change(const TypeName& from, const TypeName& to) {
  bool plain = (from.name == "timestamp" && to.name == "timestamptz") ||
               (from.name == "timestamptz" && to.name == "timestamp");
  return plain && !from.array && !to.array && from.modifiers == to.modifiers;
}

LockInfo alter_type(const AlterColumnType& op, const Step& step, int pg) {
  LockInfo info = row(access_exclusive, Work::rewrite,
                      "catalog-only when the old type is binary-coercible to the new one");
  const std::optional<TypeName>& before = step.previous_type ? step.previous_type : op.from;
  if (!before || op.has_using) return info;
  if (binary_coercible(*before, op.to)) {
    info.work = Work::catalog;
  } else if (binary_coercible_rebuilding_indexes(*before, op.to)) {
    // The rows are kept; an index on the column is rebuilt in its new operator class: a scan,
    // unless replay knows the column has no index (Step::column_indexed).
    info.work = step.column_indexed == false ? Work::catalog : Work::scan;
    info.version_note = "the rows are kept on every version; only the column's indexes are rebuilt";
  } else if (timestamp_zone_change(*before, op.to)) {
    // The rows are kept, but an index on the column changes operator class (timestamp_ops to
    // timestamptz_ops) and is rebuilt: a scan, unless replay knows the column has no index.
    info.version_note =
        "from PostgreSQL 12, when the session's TimeZone is UTC (SET TIME ZONE 'UTC' first), "
        "the rows are kept and only the column's indexes are rebuilt";
    if (step.utc_session && pg >= 12) {
      info.work = step.column_indexed == false ? Work::catalog : Work::scan;
    }
  }
  return info;
}

LockInfo set_not_null(const Step& step, int pg) {
  LockInfo info = row(access_exclusive, Work::scan,
                      "catalog-only from PostgreSQL 12 when a validated CHECK (column IS NOT "
                      "NULL) exists");
  if (step.not_null_proven && pg >= 12) info.work = Work::catalog;
  // The column is NOT NULL already (replay knows): PostgreSQL has nothing to check.
  if (step.unchanged) info.work = Work::catalog;
  return info;
}

LockInfo add_constraint(const AddConstraint& op) {
  // Most forms of ADD table_constraint take ACCESS EXCLUSIVE; ADD FOREIGN KEY takes
  // SHARE ROW EXCLUSIVE on both tables (from 9.5).
  Work validate = op.not_valid ? Work::catalog : Work::scan;
  switch (op.kind) {
    case ConstraintKind::foreign_key: {
      LockInfo info = row(share_row_exclusive, validate);
      if (op.references) {
        info.other_table = qualified(*op.references);
        info.other_mode = share_row_exclusive;
      }
      return info;
    }
    case ConstraintKind::primary_key:
    case ConstraintKind::unique:
      // Builds the index, unless USING INDEX adopts an existing one; a PRIMARY KEY USING INDEX
      // still scans for NULLs when its columns are not already NOT NULL (an implicit SET NOT
      // NULL), which replay does not know.
      if (op.using_index && op.kind == ConstraintKind::unique)
        return row(access_exclusive, Work::catalog);
      return row(access_exclusive, Work::scan);
    case ConstraintKind::exclusion:
      return row(access_exclusive, Work::scan);
    case ConstraintKind::check:
    case ConstraintKind::not_null:
      return row(access_exclusive, validate);
  }
  return row(access_exclusive, validate);
}

LockInfo reindex(const Reindex& op, int pg) {
  LockInfo info;
  if (op.concurrently) {
    info =
        row(share_update_exclusive, Work::scan, "REINDEX CONCURRENTLY exists from PostgreSQL 12");
    info.no_transaction = true;
    if (pg < 12) info.version_note = "REINDEX CONCURRENTLY is a syntax error before PostgreSQL 12";
  } else {
    // "REINDEX locks out writes but not reads of the index's parent table. It also takes an
    // ACCESS EXCLUSIVE lock on the specific index being processed."
    info = row(share, Work::scan,
               "also ACCESS EXCLUSIVE on the index, which blocks reads that use it");
  }
  if (op.target_kind == "table") {
    info.table = qualified(op.name);
  } else if (op.target_kind == "index") {
    info.target = "the table of index " + qualified(op.name);
  } else {
    info.target = "every table of " + op.target_kind + " " + qualified(op.name);
    info.no_transaction = true;  // REINDEX SCHEMA/DATABASE/SYSTEM
  }
  return info;
}

// Storage parameters that ALTER TABLE SET / RESET changes under SHARE UPDATE EXCLUSIVE
// (sql-altertable.html, "SET ( storage_parameter ...)": fillfactor, toast and autovacuum
// parameters, parallel_workers and the planner's parameters; the others take ACCESS EXCLUSIVE).
bool weak_parameter(std::string_view p) {
  if (p.starts_with("toast.")) p.remove_prefix(6);
  return p == "fillfactor" || p.starts_with("autovacuum_") || p == "parallel_workers" ||
         p == "toast_tuple_target" || p == "vacuum_index_cleanup" || p == "vacuum_truncate" ||
         p == "log_autovacuum_min_duration" || p == "user_catalog_table";
}

LockInfo lock_mode_of(const std::string& written) {
  static constexpr std::pair<std::string_view, LockMode> kWritten[] = {
      {"ACCESS SHARE", access_share},
      {"ROW SHARE", row_share},
      {"ROW EXCLUSIVE", row_exclusive},
      {"SHARE UPDATE EXCLUSIVE", share_update_exclusive},
      {"SHARE", share},
      {"SHARE ROW EXCLUSIVE", share_row_exclusive},
      {"EXCLUSIVE", exclusive},
      {"ACCESS EXCLUSIVE", access_exclusive}};
  for (const auto& [name, mode] : kWritten) {
    if (written == name) return row(mode, Work::none);
  }
  return row(access_exclusive, Work::none);
}

// Statements and ALTER TABLE subcommands of TableCommand, as observed on PostgreSQL 15 by the
// differential suite (tests/pg/lock_model_differential.cpp) and documented in
// sql-altertable.html, sql-createtrigger.html, sql-refreshmaterializedview.html, sql-lock.html,
// sql-analyze.html, sql-comment.html, sql-altersequence.html.
LockInfo table_command(const TableCommand& c, int pg) {
  const std::string& w = c.what;
  if (w == "LOCK") return lock_mode_of(c.option);
  // Triggers: CREATE TRIGGER and ENABLE / DISABLE TRIGGER take SHARE ROW EXCLUSIVE (blocks
  // writes, not reads); DROP TRIGGER and RENAME take ACCESS EXCLUSIVE.
  if (w == "CREATE TRIGGER" || w == "ENABLE TRIGGER" || w == "DISABLE TRIGGER") {
    return row(share_row_exclusive, Work::catalog,
               w == "CREATE TRIGGER" ? "" : "ACCESS EXCLUSIVE before PostgreSQL 11");
  }
  if (w == "ALTER SEQUENCE") return row(share_row_exclusive, Work::catalog);
  if (w == "SET STATISTICS" || w == "ALTER COLUMN SET (...)" || w == "CLUSTER ON" ||
      w == "SET WITHOUT CLUSTER" || w == "ANALYZE" || w == "COMMENT" || w == "CREATE STATISTICS") {
    return row(share_update_exclusive, Work::catalog);
  }
  if (w == "SET (...)" || w == "RESET (...)") {
    bool weak = !c.option.empty();
    std::size_t start = 0;
    while (weak && start <= c.option.size()) {
      std::size_t end = c.option.find(',', start);
      if (end == std::string::npos) end = c.option.size();
      weak = weak_parameter(std::string_view(c.option).substr(start, end - start));
      start = end + 1;
    }
    return row(weak ? share_update_exclusive : access_exclusive, Work::catalog);
  }
  if (w == "SET LOGGED" || w == "SET UNLOGGED" || w == "SET TABLESPACE") {
    return row(access_exclusive, Work::rewrite);
  }
  if (w == "SET ACCESS METHOD") {
    // Every table is heap unless created otherwise: to heap, nothing is rewritten.
    return row(access_exclusive, c.option == "heap" ? Work::catalog : Work::rewrite,
               "SET ACCESS METHOD exists from PostgreSQL 15");
  }
  if (w == "ATTACH PARTITION") {
    // SHARE UPDATE EXCLUSIVE on the partitioned table from PostgreSQL 12 (ACCESS EXCLUSIVE
    // before); ACCESS EXCLUSIVE on the new partition, whose rows are checked against the bound.
    LockInfo info = row(pg >= 12 ? share_update_exclusive : access_exclusive, Work::scan,
                        "ACCESS EXCLUSIVE on the partitioned table before PostgreSQL 12");
    info.other_table = qualified(c.other);
    info.other_mode = access_exclusive;
    return info;
  }
  if (w == "DETACH PARTITION") {
    // FINALIZE completes an interrupted DETACH ... CONCURRENTLY, under its locks, in a
    // transaction block too.
    if (c.concurrently || c.option == "FINALIZE") {
      // Two transactions: SHARE UPDATE EXCLUSIVE on the partitioned table; the partition
      // itself is still locked ACCESS EXCLUSIVE (observed on PostgreSQL 15), which blocks only
      // the queries that touch the partition directly (from PostgreSQL 14).
      LockInfo info = row(share_update_exclusive, Work::catalog,
                          "DETACH PARTITION CONCURRENTLY exists from PostgreSQL 14");
      info.no_transaction = c.option != "FINALIZE";
      info.other_table = qualified(c.other);
      info.other_mode = access_exclusive;
      return info;
    }
    LockInfo info = row(access_exclusive, Work::catalog);
    info.other_table = qualified(c.other);
    info.other_mode = access_exclusive;
    return info;
  }
  if (w == "INHERIT") {
    LockInfo info = row(access_exclusive, Work::catalog);
    info.other_table = qualified(c.other);
    info.other_mode = share_update_exclusive;
    return info;
  }
  if (w == "REFRESH MATERIALIZED VIEW") {
    // CONCURRENTLY: EXCLUSIVE (reads go on), the query runs and the differences are applied;
    // otherwise ACCESS EXCLUSIVE while the view is rewritten.
    if (c.concurrently) return row(exclusive, Work::scan);
    return row(access_exclusive, c.option == "WITH NO DATA" ? Work::catalog : Work::rewrite);
  }
  // A new view: nobody can see it yet (it reads its tables' definitions only).
  if (w == "CREATE VIEW") return row(none, Work::catalog);
  if (w == "CREATE MATERIALIZED VIEW") {
    return row(none, c.option == "WITH NO DATA" ? Work::catalog : Work::rows);
  }
  // Everything else (DROP VIEW, CREATE OR REPLACE VIEW, DROP TRIGGER, RENAME ..., ENABLE ROW
  // LEVEL SECURITY, REPLICA IDENTITY, OWNER TO, SET SCHEMA, SET STORAGE, ...): ACCESS
  // EXCLUSIVE, catalog only.
  return row(access_exclusive, Work::catalog);
}

std::string joined(const std::vector<QualifiedName>& names) {
  std::string out;
  for (const QualifiedName& n : names) out += (out.empty() ? "" : ", ") + qualified(n);
  return out;
}

LockInfo lock_of_kind(const Step& step, int pg) {
  return std::visit(
      overloaded{
          [](const CreateTable& o) {
            // The new table is locked, but nobody can see it yet. Its foreign keys take SHARE
            // ROW EXCLUSIVE on the referenced tables; PARTITION OF takes ACCESS EXCLUSIVE on the
            // partitioned table, INHERITS SHARE UPDATE EXCLUSIVE on the parent.
            LockInfo info = row(none, o.as_select ? Work::rows : Work::catalog);
            auto lock = [&](const QualifiedName& t, LockMode mode) {
              if (info.other_mode == none) {
                info.other_table = qualified(t);
                info.other_mode = mode;
              } else if (info.other_table != qualified(t)) {
                info.others.push_back({qualified(t), mode, {}});
              }
            };
            if (o.parent) lock(*o.parent, o.partition ? access_exclusive : share_update_exclusive);
            for (const ColumnDef& c : o.columns) {
              if (c.references) lock(*c.references, share_row_exclusive);
            }
            for (const TableForeignKey& fk : o.foreign_keys) lock(fk.table, share_row_exclusive);
            return info;
          },
          [](const DropTable&) { return row(access_exclusive, Work::catalog); },
          [](const RenameTable&) { return row(access_exclusive, Work::catalog); },
          [pg](const AddColumn& o) { return add_column(o, pg); },
          [](const DropColumn&) { return row(access_exclusive, Work::catalog); },
          [](const RenameColumn&) { return row(access_exclusive, Work::catalog); },
          [&step, pg](const AlterColumnType& o) { return alter_type(o, step, pg); },
          [&step, pg](const SetNotNull&) { return set_not_null(step, pg); },
          [](const DropNotNull&) { return row(access_exclusive, Work::catalog); },
          [](const SetDefault&) { return row(access_exclusive, Work::catalog); },
          [&step](const CreateIndex& o) {
            // IF NOT EXISTS of an existing index: the table is locked, nothing is built.
            if (step.skipped)
              return row(o.concurrently ? share_update_exclusive : share, Work::catalog,
                         "the index exists: nothing is built");
            if (!o.concurrently) return row(share, Work::scan);
            LockInfo info = row(share_update_exclusive, Work::scan);
            info.no_transaction = true;
            return info;
          },
          [](const DropIndex& o) {
            LockInfo info =
                row(o.concurrently ? share_update_exclusive : access_exclusive, Work::catalog);
            info.no_transaction = o.concurrently;
            info.target = "the table of index " + qualified(o.index);
            return info;
          },
          [pg](const Reindex& o) { return reindex(o, pg); },
          [](const AddConstraint& o) { return add_constraint(o); },
          [](const ValidateConstraint&) { return row(share_update_exclusive, Work::scan); },
          [](const DropConstraint&) { return row(access_exclusive, Work::catalog); },
          [](const DataChange&) { return row(row_exclusive, Work::rows); },
          [](const Truncate& o) {
            LockInfo info = row(access_exclusive, Work::catalog);
            if (!o.tables.empty()) info.table = qualified(o.tables.front());
            for (std::size_t i = 1; i < o.tables.size(); ++i) {
              info.others.push_back({qualified(o.tables[i]), access_exclusive, {}});
            }
            return info;
          },
          [](const SetSetting&) { return row(none, Work::none); },
          [](const TransactionControl&) { return row(none, Work::none); },
          [](const CreateType&) { return row(none, Work::catalog); },
          [pg](const AlterEnum& o) {
            LockInfo info = row(none, Work::catalog);
            if (!o.rename) {
              info.no_transaction = pg < 12;
              info.version_note = "runs inside a transaction block from PostgreSQL 12";
            }
            return info;
          },
          [](const CreateDomain&) { return row(none, Work::catalog); },
          [](const AlterDomain& o) {
            if (!o.checks_values) return row(none, Work::catalog);
            // Checks every column of the domain's type.
            LockInfo info = row(share, Work::scan);
            info.target = "the tables using domain " + qualified(o.name);
            return info;
          },
          [](const DropDatabase&) {
            LockInfo info = row(none, Work::catalog);
            info.no_transaction = true;
            return info;
          },
          [](const DropSchema& o) {
            LockInfo info = row(access_exclusive, Work::catalog);
            info.target = "every table of schema " + o.name;
            return info;
          },
          [](const Vacuum& o) {
            LockInfo info = o.full ? row(access_exclusive, Work::rewrite)
                                   : row(share_update_exclusive, Work::scan);
            info.no_transaction = true;
            if (o.tables.empty()) info.target = "every table";
            if (o.tables.size() > 1) info.target = joined(o.tables);
            if (o.tables.size() == 1) info.table = qualified(o.tables.front());
            return info;
          },
          [](const Cluster&) { return row(access_exclusive, Work::rewrite); },
          [pg, &step](const TableCommand& o) {
            // DROP TRIGGER IF EXISTS of a trigger the table does not have.
            if (step.skipped) return row(none, Work::none, "the trigger does not exist");
            return table_command(o, pg);
          },
          [](const ObjectCommand&) {
            // A type, domain or function: the tables it reaches are Step::related.
            return row(none, Work::catalog);
          },
          [](const Unanalyzable&) { return row(none, Work::none, "not analysed"); },
          [](const Other&) { return row(none, Work::none); },
      },
      step.op->kind);
}

}  // namespace

std::string_view to_string(LockMode mode) {
  switch (mode) {
    case none:
      return "";
    case access_share:
      return "ACCESS SHARE";
    case row_share:
      return "ROW SHARE";
    case row_exclusive:
      return "ROW EXCLUSIVE";
    case share_update_exclusive:
      return "SHARE UPDATE EXCLUSIVE";
    case share:
      return "SHARE";
    case share_row_exclusive:
      return "SHARE ROW EXCLUSIVE";
    case exclusive:
      return "EXCLUSIVE";
    case access_exclusive:
      return "ACCESS EXCLUSIVE";
  }
  return "";
}

bool conflicts(LockMode a, LockMode b) {
  return kConflicts.at(static_cast<std::size_t>(a)).at(static_cast<std::size_t>(b));
}

Blocks blocks_of(LockMode mode) {
  if (conflicts(mode, access_share)) return Blocks::reads_and_writes;  // SELECT
  if (conflicts(mode, row_exclusive)) return Blocks::writes;           // INSERT, UPDATE, DELETE
  if (conflicts(mode, access_exclusive)) return Blocks::ddl;           // ALTER TABLE, ...
  return Blocks::nothing;
}

std::string_view to_string(Blocks blocks) {
  switch (blocks) {
    case Blocks::nothing:
      return "nothing";
    case Blocks::ddl:
      return "DDL only";
    case Blocks::writes:
      return "writes";
    case Blocks::reads_and_writes:
      return "all reads and writes";
  }
  return "";
}

std::string_view to_string(Work work) {
  switch (work) {
    case Work::none:
      return "none";
    case Work::catalog:
      return "catalog-only";
    case Work::rows:
      return "rows";
    case Work::scan:
      return "scan";
    case Work::rewrite:
      return "rewrite";
  }
  return "";
}

std::string LockInfo::describe() const {
  std::string what = !table.empty() ? table : !target.empty() ? target : std::string("the table");
  std::string out;
  if (mode == LockMode::none) {
    out = "no lock on an existing table";
  } else {
    out =
        std::string(to_string(mode)) + " on " + what + " blocks " + std::string(to_string(blocks));
    switch (work) {
      case Work::rewrite:
        out += " while the table is rewritten";
        break;
      case Work::scan:
        out += " while the table is scanned";
        break;
      case Work::rows:
        out += " while the rows are written";
        break;
      case Work::catalog:
        out += " for a catalog-only change";
        break;
      case Work::none:
        break;
    }
  }
  for (const Other& o : also()) {
    out += "; " + std::string(to_string(o.mode)) + " on " + o.table + " blocks " +
           std::string(to_string(blocks_of(o.mode)));
  }
  return out;
}

std::vector<LockInfo::Other> LockInfo::also() const {
  std::vector<Other> out;
  if (other_mode != LockMode::none) out.push_back({other_table, other_mode, {}});
  out.insert(out.end(), others.begin(), others.end());
  return out;
}

LockInfo lock_of(const Step& step, int pg_version) {
  LockInfo info = lock_of_kind(step, pg_version);
  if (step.index_table) {  // DROP INDEX / REINDEX INDEX whose table is known
    info.table = qualified(*step.index_table);
    info.target.clear();
  }
  if (info.table.empty() && info.target.empty()) {
    if (const QualifiedName* t = target_table(*step.op)) info.table = qualified(*t);
  }
  // The second relations replay knows: recursion takes the table's own mode.
  for (const Related& r : step.related) {
    LockMode mode = r.mode.value_or(info.mode);
    std::string name = qualified(r.table);
    if (mode == LockMode::none || name == info.table) continue;
    if (name == info.other_table) {
      info.other_mode = std::max(info.other_mode, mode);
      continue;
    }
    bool merged = false;
    for (LockInfo::Other& o : info.others) {
      if (o.table != name) continue;
      o.mode = std::max(o.mode, mode);
      o.is_new = o.is_new && r.is_new;
      merged = true;
    }
    if (!merged) info.others.push_back({name, mode, r.why, r.is_new});
  }
  return info;
}

namespace {

bool is_text_like(const TypeName& t) { return t.name == "text" || t.name == "varchar"; }

std::int64_t modifier(const TypeName& t, std::size_t i) {
  return i < t.modifiers.size() ? t.modifiers[i] : -1;
}

}  // namespace

bool binary_coercible(const TypeName& from, const TypeName& to) {
  // Array columns are rewritten whenever the element type changes.
  if (from.array || to.array)
    return from.array == to.array && from.name == to.name && from.modifiers == to.modifiers;
  if (to.name == "text") return is_text_like(from);
  if (to.name == "varchar" && is_text_like(from)) {
    if (to.modifiers.empty()) return true;  // varchar without a limit
    return from.name == "varchar" && !from.modifiers.empty() &&
           modifier(to, 0) >= modifier(from, 0);
  }
  if (to.name == "numeric" && from.name == "numeric") {
    if (to.modifiers.empty()) return true;
    if (from.modifiers.empty()) return false;
    return modifier(to, 0) >= modifier(from, 0) && modifier(to, 1) == modifier(from, 1);
  }
  if (to.name == "varbit" && (from.name == "varbit" || from.name == "bit")) {
    return to.modifiers.empty() ||
           (!from.modifiers.empty() && modifier(to, 0) >= modifier(from, 0));
  }
  if (to.name == "inet" && from.name == "cidr") return true;
  return from.name == to.name && from.modifiers == to.modifiers;
}

bool binary_coercible_rebuilding_indexes(const TypeName& from, const TypeName& to) {
  if (from.array || to.array || from.name == to.name) return false;
  if (to.name == "citext") return is_text_like(from);
  if (from.name != "citext") return false;
  return to.name == "text" ||
         ((to.name == "varchar" || to.name == "bpchar") && to.modifiers.empty());
}

namespace {

// The built-in types refused_without_using knows, by family: casts within a family exist (a
// number to any other number, json to jsonb and back), across families only to strings
// (every type converts to text, varchar and char by its output function) and between some
// date and time types.
enum class Family { string, number, boolean, datetime, uuid, json, bytes };

std::optional<Family> family(const TypeName& t) {
  if (t.array) return std::nullopt;
  static const std::pair<std::string_view, Family> kTypes[] = {{"text", Family::string},
                                                               {"varchar", Family::string},
                                                               {"bpchar", Family::string},
                                                               {"int2", Family::number},
                                                               {"int4", Family::number},
                                                               {"int8", Family::number},
                                                               {"float4", Family::number},
                                                               {"float8", Family::number},
                                                               {"numeric", Family::number},
                                                               {"bool", Family::boolean},
                                                               {"date", Family::datetime},
                                                               {"timestamp", Family::datetime},
                                                               {"timestamptz", Family::datetime},
                                                               {"time", Family::datetime},
                                                               {"timetz", Family::datetime},
                                                               {"interval", Family::datetime},
                                                               {"uuid", Family::uuid},
                                                               {"json", Family::json},
                                                               {"jsonb", Family::json},
                                                               {"bytea", Family::bytes}};
  for (const auto& [name, f] : kTypes) {
    if (t.name == name) return f;
  }
  return std::nullopt;
}

}  // namespace

std::optional<bool> refused_without_using(const TypeName& from, const TypeName& to) {
  const std::optional<Family> a = family(from);
  const std::optional<Family> b = family(to);
  // An enum (Alembic's sa.Enum, whose own name the type doesn't carry): it converts to the
  // strings only, and nothing converts to it but itself.
  if (!from.array && !to.array && (from.name == "enum") != (to.name == "enum")) {
    if (from.name == "enum" && b) return *b != Family::string;
    if (to.name == "enum" && a) return true;
  }
  if (!a || !b) return std::nullopt;
  if (*b == Family::string || from.name == to.name) return false;
  if (*a == Family::string) return true;
  if (*a != *b) return true;
  if (*a != Family::datetime) return false;
  // Between date and time types: the casts pg_cast has (implicit or assignment).
  static const std::pair<std::string_view, std::string_view> kCasts[] = {
      {"date", "timestamp"},   {"date", "timestamptz"},      {"timestamp", "date"},
      {"timestamptz", "date"}, {"timestamp", "timestamptz"}, {"timestamptz", "timestamp"},
      {"timestamp", "time"},   {"timestamptz", "time"},      {"timestamptz", "timetz"},
      {"time", "timetz"},      {"timetz", "time"},           {"time", "interval"},
      {"interval", "time"}};
  for (const auto& [f, t] : kCasts) {
    if (from.name == f && to.name == t) return false;
  }
  return true;
}

}  // namespace schemagate
