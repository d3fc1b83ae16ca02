#include "engine/replay.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <set>
#include <string>
#include <tuple>

#include "schemagate/layout.hpp"
#include "schemagate/names.hpp"

namespace schemagate {

namespace {

// A table key ("schema.name") as a name again.
QualifiedName table_name_of(const std::string& key) {
  auto dot = key.find('.');
  if (dot == std::string::npos) return {{}, key};
  std::string schema = key.substr(0, dot);
  return {schema == "public" ? std::string() : schema, key.substr(dot + 1)};
}

// A TimeZone whose offset from UTC is zero at every instant (PostgreSQL's
// pg_get_timezone_offset), as SET TIME ZONE / SET timezone = writes it. Only the forms
// lock_model_differential confirms.
bool utc_zone(std::string value) {
  for (char& c : value) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return value == "utc" || value == "etc/utc" || value == "gmt" || value == "0";
}

// Indexes live in their table's schema.
std::string index_key(const QualifiedName& index, const QualifiedName& table) {
  QualifiedName q{index.schema.empty() ? table.schema : index.schema, index.name};
  return q.key();
}

}  // namespace

std::vector<Step> SchemaState::replay(const Migration& migration, Phase phase,
                                      const std::vector<Operation>& ops) {
  std::vector<Step> steps;
  steps.reserve(ops.size());
  bool explicit_tx = false;
  bool runner_tx = migration.runner_transaction == RunnerTransaction::per_migration;
  // A bare SQL file run in one transaction (--assume-in-transaction: `psql --single-transaction`
  // and the like, one session whose BEGIN the runner sent): a COMMIT or ROLLBACK in the file
  // ends that transaction, and the statements after it run on their own. Versioned runners
  // are left as they are: some begin a new transaction for the next statement (a JDBC driver
  // without autocommit), and Alembic's depends on the driver.
  const bool runner_tx_ends = !traits(migration.layout).versioned;
  bool utc = false;        // the session's TimeZone is UTC, set by the migration
  bool utc_local = false;  // by a SET LOCAL: until the transaction ends
  // Tables truncated earlier in the transaction still open (Step::table_emptied).
  std::vector<std::string> emptied;
  // Tables given a NOT NULL column without a default earlier in the transaction still open
  // (Step::table_must_be_empty).
  std::vector<std::string> must_be_empty;
  for (const Operation& op : ops) {
    Step step;
    step.op = &op;
    step.phase = phase;
    // A transaction statement itself runs in whatever transaction was open before it.
    step.explicit_transaction = explicit_tx;
    step.in_transaction =
        explicit_tx || (runner_tx && !op.autocommit) || op.in_function || op.shares_query;
    step.utc_session = utc;
    if (const auto* set = op.as<SetSetting>(); set && !op.in_function) {
      if (set->name == "timezone" && !(set->local && !step.in_transaction)) {
        utc = utc_zone(set->value);
        utc_local = set->local;
      } else if (set->name.empty()) {
        utc = false;  // RESET ALL
      }
    }
    if (const auto* tc = op.as<TransactionControl>()) {
      if (tc->kind == TransactionKind::begin) explicit_tx = true;
      if (tc->kind == TransactionKind::commit || tc->kind == TransactionKind::rollback ||
          tc->kind == TransactionKind::prepare) {
        explicit_tx = false;
        // A ROLLBACK also undoes a SET made in the transaction: the zone is no longer known.
        if (!op.in_function && (utc_local || tc->kind != TransactionKind::commit)) utc = false;
        if (runner_tx_ends && !op.in_function && !op.autocommit) runner_tx = false;
      }
    }
    if (!step.in_transaction || op.is<TransactionControl>()) {
      emptied.clear();
      must_be_empty.clear();
    }
    if (const QualifiedName* t = target_table(op);
        t != nullptr && (!emptied.empty() || !must_be_empty.empty())) {
      const std::string key = t->key();
      step.table_emptied = std::find(emptied.begin(), emptied.end(), key) != emptied.end();
      step.table_must_be_empty =
          std::find(must_be_empty.begin(), must_be_empty.end(), key) != must_be_empty.end();
    }
    if (const auto* truncate = op.as<Truncate>(); truncate != nullptr && step.in_transaction) {
      for (const QualifiedName& t : truncate->tables) emptied.push_back(t.key());
    }
    if (const auto* add = op.as<AddColumn>();
        add != nullptr && step.in_transaction && !op.in_function) {
      const ColumnDef& c = add->column;
      // IF NOT EXISTS adds it only when the table has no such column, as replay may know (a
      // table it saw created, the column not among those it knows).
      auto absent = [&] {
        auto t = tables_.find(add->table.key());
        return t != tables_.end() && t->second.columns_known &&
               t->second.opaque_seen == opaque_count_ && !t->second.columns.contains(c.name);
      };
      if (c.not_null && !c.default_value && !c.generated && !c.identity && !c.serial &&
          (!add->if_not_exists || absent())) {
        must_be_empty.push_back(add->table.key());
      }
    }
    step.key_index_name = key_index_name(ops, static_cast<std::size_t>(&op - ops.data()));
    relate(migration, op, step);
    apply(migration, op, step);
    steps.push_back(std::move(step));
  }
  return steps;
}

std::string SchemaState::key_index_name(const std::vector<Operation>& ops, std::size_t at) const {
  const Operation& op = ops[at];
  QualifiedName table;
  std::string base;
  if (const auto* o = op.as<AddConstraint>();
      o != nullptr && o->kind == ConstraintKind::primary_key && !o->using_index) {
    table = o->table;
    base = o->name;
  } else if (const auto* a = op.as<AddColumn>(); a != nullptr && a->column.primary_key) {
    table = a->table;
  } else {
    return {};
  }
  if (table.name.empty()) return {};
  if (base.empty()) base = names::primary_key(table.name);
  auto it = tables_.find(table.key());
  const Table* t = it == tables_.end() ? nullptr : &it->second;
  // The table's old primary key, when it has one, holds its name until the statement drops it:
  // a key replay knows, or one the statement's other sub-commands may drop (DROP COLUMN of a
  // key column, DROP CONSTRAINT), before or after this one (PostgreSQL runs drops first).
  bool old_key = t != nullptr && !t->primary_key.empty();
  auto same_statement = [&](const Operation& other) {
    return !op.shares_query && !other.shares_query && other.range.begin == op.range.begin &&
           other.range.end == op.range.end;
  };
  std::size_t begin = at;
  while (begin > 0 && same_statement(ops[begin - 1])) --begin;
  for (std::size_t i = begin; i < ops.size() && same_statement(ops[i]); ++i) {
    if (const auto* d = ops[i].as<DropColumn>(); d != nullptr && d->table.key() == table.key()) {
      old_key = true;
    }
    if (const auto* d = ops[i].as<DropConstraint>();
        d != nullptr && d->table.key() == table.key()) {
      old_key = true;
    }
  }
  auto taken = [&](const std::string& name) {
    return (old_key && name == base) || tables_.contains(QualifiedName{table.schema, name}.key()) ||
           indexes_.contains(index_key({{}, name}, table)) ||
           (t != nullptr && t->constraints.contains(name));
  };
  return taken(base) ? names::choose(base, std::nullopt, "new", taken) : base;
}

std::vector<Step> SchemaState::replay_and_undo(const Migration& migration, Phase phase,
                                               const std::vector<Operation>& ops) {
  journaling_ = true;
  std::vector<Step> steps = replay(migration, phase, ops);
  journaling_ = false;
  for (auto& [key, table] : saved_tables_) {
    if (table) {
      tables_[key] = std::move(*table);
    } else {
      tables_.erase(key);
    }
  }
  for (auto& [key, index] : saved_indexes_) {
    if (index) {
      indexes_[key] = std::move(*index);
    } else {
      indexes_.erase(key);
    }
  }
  saved_tables_.clear();
  saved_indexes_.clear();
  return steps;
}

namespace {

template <typename Map, typename Saved>
void save_once(bool journaling, const Map& live, Saved& saved, const std::string& key) {
  if (!journaling || saved.contains(key)) return;
  auto it = live.find(key);
  if (it == live.end()) {
    saved.emplace(key, std::nullopt);
  } else {
    saved.emplace(key, it->second);
  }
}

}  // namespace

void SchemaState::touch_table(const std::string& key) {
  save_once(journaling_, tables_, saved_tables_, key);
}

void SchemaState::erase_table(const std::string& key) {
  auto it = tables_.find(key);
  if (it == tables_.end()) {
    touch_table(key);
    return;
  }
  // The value goes away: what the undo needs is moved, not copied.
  if (journaling_ && !saved_tables_.contains(key))
    saved_tables_.emplace(key, std::move(it->second));
  tables_.erase(it);
}

void SchemaState::touch_index(const std::string& key) {
  save_once(journaling_, indexes_, saved_indexes_, key);
}

std::vector<std::string> SchemaState::children(const std::string& key, bool partitions_only) const {
  // No table has ever had a parent: nothing to look for (without this, every ALTER TABLE
  // scanned all tables, quadratic in the size of the project).
  if (!any_parent_) return {};
  std::vector<std::string> out;
  std::vector<std::string> todo{key};
  while (!todo.empty()) {
    std::string k = std::move(todo.back());
    todo.pop_back();
    for (const auto& [child, t] : tables_) {
      if (t.parent != k || (partitions_only && !t.partition) || child == key) continue;
      if (std::find(out.begin(), out.end(), child) != out.end()) continue;
      out.push_back(child);
      todo.push_back(child);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

void SchemaState::add_foreign_key(Table& table, const std::string& table_name, std::string name,
                                  std::vector<std::string> columns,
                                  const QualifiedName& references) {
  if (name.empty()) {
    // PostgreSQL's name: table_col1_col2_fkey, numbered when taken.
    std::string base = table_name;
    for (const std::string& c : columns) base += "_" + c;
    base += "_fkey";
    name = base;
    for (int n = 1; table.foreign_keys.contains(name) || table.constraints.contains(name); ++n) {
      name = base + std::to_string(n);
    }
  }
  table.foreign_keys[name] = {std::move(columns), references.key()};
}

void SchemaState::relate(const Migration& migration, const Operation& op, Step& step) const {
  std::vector<Related>& out = step.related;
  auto find = [&](const std::string& key) -> const Table* {
    auto it = tables_.find(key);
    return it == tables_.end() ? nullptr : &it->second;
  };
  auto made_here = [&](const std::string& key) {
    const Table* t = find(key);
    return t != nullptr && t->created_by == &migration;
  };
  // `owner_key`: the table owning `key` (a sequence replay keeps no entry for), new with it.
  auto add = [&](const std::string& key, std::optional<LockMode> mode, std::string why,
                 const std::string& owner_key = {}) {
    for (Related& r : out) {
      if (r.table.key() != key) continue;
      if (mode && (!r.mode || *r.mode < *mode)) r.mode = mode;
      return;
    }
    bool is_new = made_here(key) || (!owner_key.empty() && made_here(owner_key));
    out.push_back({table_name_of(key), mode, std::move(why), is_new});
  };
  constexpr std::optional<LockMode> same = std::nullopt;
  constexpr std::optional<LockMode> exclusive = LockMode::access_exclusive;
  // Partitions (and, unless partitions_only, inheritance children): PostgreSQL recurses.
  auto recurse = [&](const QualifiedName& t, bool partitions_only, std::optional<LockMode> mode) {
    for (const std::string& c : children(t.key(), partitions_only)) {
      const Table& child = tables_.at(c);
      add(c, mode,
          (child.partition ? "partition of " : "inherits from ") +
              table_name_of(child.parent).display());
    }
  };
  // Tables with a foreign key to `key` (other than itself), sorted.
  auto referencing = [&](const std::string& key) {
    std::vector<std::string> keys;
    for (const auto& [k, t] : tables_) {
      if (k == key) continue;
      for (const auto& [name, fk] : t.foreign_keys) {
        if (fk.references == key) {
          keys.push_back(k);
          break;
        }
      }
    }
    std::sort(keys.begin(), keys.end());
    return keys;
  };
  // Views and materialized views reading `key`, at any depth, sorted.
  auto views_over = [&](const std::string& key) {
    std::vector<std::string> keys;
    std::vector<std::string> todo{key};
    while (!todo.empty()) {
      std::string k = std::move(todo.back());
      todo.pop_back();
      for (const auto& [v, t] : tables_) {
        if (v == key || std::find(t.sources.begin(), t.sources.end(), k) == t.sources.end() ||
            std::find(keys.begin(), keys.end(), v) != keys.end()) {
          continue;
        }
        keys.push_back(v);
        todo.push_back(v);
      }
    }
    std::sort(keys.begin(), keys.end());
    return keys;
  };
  // The foreign keys of `t` on one of `columns` (all when empty): their referenced tables.
  auto referenced = [&](const std::string& key, const Table& t, const std::string& column) {
    for (const auto& [name, fk] : t.foreign_keys) {
      if (fk.references == key) continue;
      if (!column.empty() &&
          std::find(fk.columns.begin(), fk.columns.end(), column) == fk.columns.end()) {
        continue;
      }
      add(fk.references, exclusive, "foreign key " + name + " is dropped");
    }
  };
  // Tables with a column of type (or domain) `type`, and the typed tables of `type`.
  auto users_of_type = [&](const QualifiedName& type, bool columns, std::optional<LockMode> mode,
                           const std::string& why) {
    std::vector<std::string> keys;
    for (const auto& [k, t] : tables_) {
      bool uses = t.of_type == type.key();
      for (const auto& [name, c] : t.columns) {
        uses = uses || (columns && c.type.name == type.name);
      }
      if (uses) keys.push_back(k);
    }
    std::sort(keys.begin(), keys.end());
    for (const std::string& k : keys) add(k, mode, why);
  };
  std::visit(
      overloaded{
          [&](const DropTable& o) {
            const std::string key = o.table.key();
            const Table* t = find(key);
            if (t == nullptr) return;
            // Partitions always go with their table; inheritance children with CASCADE.
            recurse(o.table, !o.cascade, exclusive);
            if (t->partition && !t->parent.empty()) {
              add(t->parent, exclusive, "its partitioned table");
            }
            referenced(key, *t, {});
            for (const auto& [column, sequence] : t->sequences) {
              add(sequence, exclusive, "the sequence of column " + column, key);
            }
            if (o.cascade) {
              for (const std::string& k : referencing(key)) {
                add(k, exclusive, "its foreign key to " + o.table.display() + " is dropped");
              }
              for (const std::string& v : views_over(key)) {
                add(v, exclusive, "a view over " + o.table.display() + ", dropped");
              }
            }
          },
          [&](const Truncate& o) {
            std::vector<std::string> done;
            std::vector<QualifiedName> todo(o.tables.rbegin(), o.tables.rend());
            for (const QualifiedName& q : o.tables) done.push_back(q.key());
            while (!todo.empty()) {
              QualifiedName q = std::move(todo.back());
              todo.pop_back();
              recurse(q, false, same);
              if (!o.cascade) continue;
              if (find(q.key()) == nullptr) step.unknown_tables.push_back(q);
              for (const std::string& k : referencing(q.key())) {
                if (std::find(done.begin(), done.end(), k) != done.end()) continue;
                done.push_back(k);
                add(k, same, "references " + q.display() + " (CASCADE)");
                for (Related& r : out) r.cascade = r.cascade || r.table.key() == k;
                todo.push_back(table_name_of(k));
              }
            }
          },
          [&](const AddColumn& o) { recurse(o.table, false, same); },
          [&](const DropColumn& o) {
            recurse(o.table, false, same);
            const Table* t = find(o.table.key());
            if (t == nullptr) return;
            referenced(o.table.key(), *t, o.column);
            if (auto s = t->sequences.find(o.column); s != t->sequences.end()) {
              add(s->second, exclusive, "the sequence of column " + o.column, o.table.key());
            }
          },
          [&](const RenameColumn& o) { recurse(o.table, false, same); },
          [&](const AlterColumnType& o) { recurse(o.table, false, same); },
          [&](const SetNotNull& o) { recurse(o.table, false, same); },
          [&](const DropNotNull& o) { recurse(o.table, false, same); },
          [&](const SetDefault& o) { recurse(o.table, false, same); },
          [&](const AddConstraint& o) {
            // Inherited by partitions; by inheritance children CHECK and NOT NULL, and the
            // NOT NULL of a PRIMARY KEY's columns.
            bool inherited = o.kind == ConstraintKind::check ||
                             o.kind == ConstraintKind::not_null ||
                             o.kind == ConstraintKind::primary_key;
            recurse(o.table, !inherited, same);
          },
          [&](const ValidateConstraint& o) { recurse(o.table, false, same); },
          [&](const DropConstraint& o) {
            recurse(o.table, false, same);
            const Table* t = find(o.table.key());
            if (t == nullptr) return;
            auto fk = t->foreign_keys.find(o.name);
            if (fk != t->foreign_keys.end() && fk->second.references != o.table.key()) {
              add(fk->second.references, exclusive, "foreign key " + o.name + " is dropped");
            }
          },
          [&](const CreateIndex& o) {
            // IF NOT EXISTS of an index replay knows: nothing is built.
            step.skipped = o.if_not_exists && !o.name.empty() &&
                           indexes_.contains(index_key({{}, o.name}, o.table));
            // Built on every partition; inheritance children get no index.
            if (!step.skipped) recurse(o.table, true, same);
          },
          [&](const TableCommand& o) {
            const Table* t = find(o.table.key());
            if (o.what == "LOCK") {
              recurse(o.table, false, same);
            } else if (t == nullptr) {
              return;
            } else if (o.what == "DROP TRIGGER") {
              // IF EXISTS of a trigger the table, made by a migration replay saw, does not have.
              step.skipped = o.if_exists && t->created_by != nullptr && t->triggers_known &&
                             !o.name.empty() && !t->triggers.contains(o.name);
            } else if (o.what == "SET IDENTITY" || o.what == "DROP IDENTITY") {
              if (auto s = t->sequences.find(o.name); s != t->sequences.end()) {
                add(s->second,
                    o.what == "DROP IDENTITY" ? exclusive : LockMode::share_row_exclusive,
                    "the identity sequence of column " + o.name, o.table.key());
              }
            } else if (o.what == "OWNER TO") {
              for (const auto& [column, sequence] : t->sequences) {
                add(sequence, exclusive, "the sequence of column " + column + " changes owner",
                    o.table.key());
              }
            }
          },
          [&](const ObjectCommand& o) {
            if (!o.cascade) return;
            if (o.what == "DROP FUNCTION" || o.what == "DROP PROCEDURE") {
              std::vector<std::string> keys;
              for (const auto& [k, t] : tables_) {
                for (const auto& [name, function] : t.triggers) {
                  if (function == o.name.key()) {
                    keys.push_back(k);
                    break;
                  }
                }
              }
              std::sort(keys.begin(), keys.end());
              for (const std::string& k : keys) {
                add(k, exclusive, "a trigger on it calls " + o.name.display());
              }
            } else if (o.what == "ALTER TYPE") {
              users_of_type(o.name, false, exclusive, "a typed table of " + o.name.display());
            } else {  // DROP TYPE / DOMAIN: the columns of the type go, and typed tables
              users_of_type(o.name, true, exclusive, "uses " + o.name.display() + ", dropped");
            }
          },
          [&](const AlterDomain& o) {
            if (o.checks_values) {
              users_of_type(o.name, true, LockMode::share,
                            "a column of domain " + o.name.display() + " is checked");
            }
          },
          [&](const DropSchema& o) {
            if (!o.cascade) return;
            std::vector<std::string> keys;
            for (const auto& [k, t] : tables_) {
              if (k.starts_with(o.name + ".")) keys.push_back(k);
            }
            std::sort(keys.begin(), keys.end());
            for (const std::string& k : keys) add(k, exclusive, "in schema " + o.name);
          },
          [](const auto&) {},
      },
      op.kind);
}

std::optional<bool> SchemaState::column_indexed(const std::string& key, const Table& table,
                                                const std::string& column) const {
  if (table.created_by == nullptr || !table.indexes_known || table.opaque_seen != opaque_count_ ||
      !table.parent.empty() || !children(key, false).empty()) {
    return std::nullopt;
  }
  // The columns an index reads: none listed means any (not known).
  auto covers = [&](const std::vector<std::string>& columns) {
    return columns.empty() || std::find(columns.begin(), columns.end(), column) != columns.end();
  };
  if (std::find(table.primary_key.begin(), table.primary_key.end(), column) !=
      table.primary_key.end()) {
    return true;
  }
  for (const CreateTable::Key& k : table.keys) {
    if (covers(k.columns)) return true;
  }
  for (const auto& [name, index] : indexes_) {
    if (index.table == key && covers(index.reads)) return true;
  }
  return false;
}

void SchemaState::apply(const Migration& migration, const Operation& op, Step& step) {
  if (const QualifiedName* t = target_table(op)) {
    if (auto it = tables_.find(t->key()); it != tables_.end()) {
      const Table& table = it->second;
      step.table_is_new = table.created_by == &migration;
      // Renamed earlier in this same phase of the migration (not created by it).
      step.table_renamed = table.created_by != &migration && table.named_by == &migration &&
                           table.renamed_in == step.phase;
    }
  }

  auto column_is_new = [&](const Table& t, const std::string& name) {
    auto c = t.columns.find(name);
    return c != t.columns.end() && c->second.named_by == &migration;
  };
  auto find = [&](const QualifiedName& t) -> Table* {
    auto it = tables_.find(t.key());
    return it == tables_.end() ? nullptr : &it->second;
  };
  // The same, for an operation that changes the table.
  auto find_to_change = [&](const QualifiedName& t) -> Table* {
    const std::string key = t.key();
    auto it = tables_.find(key);
    if (it == tables_.end()) return nullptr;
    touch_table(key);  // keeps a copy elsewhere: `it` stays valid
    return &it->second;
  };
  std::visit(
      overloaded{
          [&](const CreateTable& o) {
            if (o.if_not_exists && find(o.table) != nullptr) return;
            touch_table(o.table.key());
            Table table;
            table.created_by = &migration;
            table.named_by = &migration;
            table.indexes_known = !o.keys_unknown && !o.parent;
            table.columns_known = !o.keys_unknown && !o.parent && !o.as_select;
            table.opaque_seen = opaque_count_;
            table.keys = o.keys;
            for (const ColumnDef& c : o.columns) {
              if (c.primary_key) table.primary_key.push_back(c.name);
              if (c.primary_key || c.unique) table.keys.push_back({{}, {c.name}});
              table.columns[c.name] = {
                  c.type, &migration, &migration, c.not_null || c.primary_key || c.identity,
                  c.default_value.has_value() || c.identity || c.serial || c.generated};
              if (c.identity || c.serial) {
                table.sequences[c.name] =
                    QualifiedName{o.table.schema, o.table.name + "_" + c.name + "_seq"}.key();
              }
              if (c.references) add_foreign_key(table, o.table.name, {}, {c.name}, *c.references);
            }
            for (const TableForeignKey& fk : o.foreign_keys) {
              add_foreign_key(table, o.table.name, fk.name, fk.columns, fk.table);
            }
            if (o.parent) {
              table.parent = o.parent->key();
              any_parent_ = true;
              table.partition = o.partition;
            }
            if (o.of_type) table.of_type = o.of_type->key();
            tables_[o.table.key()] = std::move(table);
          },
          [&](const DropTable& o) {
            // What goes with it: its partitions; with CASCADE its inheritance children, the views
            // over it and the foreign keys to it.
            const std::string key = o.table.key();
            if (find(o.table) == nullptr) {
              step.never_seen = o.if_exists;
              return;
            }
            if (const Table* t = find(o.table)) {
              step.rows_moved_earlier =
                  t->rows_copied_by != nullptr && t->rows_copied_by != &migration;
            }
            std::vector<std::string> gone = children(key, !o.cascade);
            gone.push_back(key);
            for (const Related& r : step.related) {
              if (o.cascade && r.why.starts_with("a view over")) gone.push_back(r.table.key());
            }
            for (const std::string& g : gone) erase_table(g);
            if (!o.cascade) return;
            for (auto& [k, t] : tables_) {
              bool refers =
                  std::any_of(t.foreign_keys.begin(), t.foreign_keys.end(),
                              [&](const auto& fk) { return fk.second.references == key; });
              if (!refers) continue;
              touch_table(k);
              std::erase_if(t.foreign_keys,
                            [&](const auto& fk) { return fk.second.references == key; });
            }
          },
          [&](const RenameTable& o) {
            std::string to = QualifiedName{o.table.schema, o.new_name}.key();
            touch_table(o.table.key());
            touch_table(to);
            Table table;
            if (Table* t = find(o.table)) table = std::move(*t);
            step.object_is_new = table.named_by == &migration;
            table.named_by = &migration;
            table.renamed_in = step.phase;
            tables_.erase(o.table.key());
            // What names the table by its key follows it.
            const std::string from = o.table.key();
            for (auto& [k, index] : indexes_) {
              if (index.table != from) continue;
              touch_index(k);
              index.table = to;
            }
            for (auto& [k, t] : tables_) {
              bool names =
                  t.parent == from ||
                  std::find(t.sources.begin(), t.sources.end(), from) != t.sources.end() ||
                  std::any_of(t.foreign_keys.begin(), t.foreign_keys.end(),
                              [&](const auto& fk) { return fk.second.references == from; });
              if (!names) continue;
              touch_table(k);
              if (t.parent == from) t.parent = to;
              std::replace(t.sources.begin(), t.sources.end(), from, to);
              for (auto& [name, fk] : t.foreign_keys) {
                if (fk.references == from) fk.references = to;
              }
            }
            tables_[to] = std::move(table);
          },
          [&](const AddColumn& o) {
            touch_table(o.table.key());
            Table& t = tables_[o.table.key()];
            const ColumnDef& c = o.column;
            t.columns[c.name] = {
                c.type, &migration, &migration, c.not_null || c.primary_key || c.identity,
                c.default_value.has_value() || c.identity || c.serial || c.generated};
            if (c.primary_key) t.primary_key = {c.name};
            if (c.primary_key || c.unique) t.keys.push_back({{}, {c.name}});
            if (o.column.identity || o.column.serial) {
              t.sequences[o.column.name] =
                  QualifiedName{o.table.schema, o.table.name + "_" + o.column.name + "_seq"}.key();
            }
            if (o.column.references) {
              add_foreign_key(t, o.table.name, {}, {o.column.name}, *o.column.references);
            }
          },
          [&](const DropColumn& o) {
            Table* t = find_to_change(o.table);
            if (t == nullptr) return;
            step.object_is_new = column_is_new(*t, o.column);
            if (auto c = t->columns.find(o.column); c != t->columns.end()) {
              step.column_required = c->second.not_null == true && c->second.has_default == false;
            }
            t->columns.erase(o.column);
            if (std::find(t->primary_key.begin(), t->primary_key.end(), o.column) !=
                t->primary_key.end()) {
              step.column_in_primary_key = true;
              t->primary_key.clear();
            }
            t->sequences.erase(o.column);
            // PostgreSQL drops the indexes and constraints that use the column.
            std::erase_if(t->keys, [&](const CreateTable::Key& k) {
              return std::find(k.columns.begin(), k.columns.end(), o.column) != k.columns.end();
            });
            std::erase_if(t->foreign_keys, [&](const auto& fk) {
              const auto& cs = fk.second.columns;
              return std::find(cs.begin(), cs.end(), o.column) != cs.end();
            });
          },
          [&](const RenameColumn& o) {
            Table* t = find_to_change(o.table);
            if (t == nullptr) return;
            auto c = t->columns.find(o.column);
            if (c == t->columns.end()) return;
            step.object_is_new = c->second.named_by == &migration;
            if (!c->second.type.empty()) step.column_type = c->second.type;
            Column column = c->second;
            column.named_by = &migration;
            std::replace(t->primary_key.begin(), t->primary_key.end(), o.column, o.new_name);
            t->columns.erase(c);
            t->columns[o.new_name] = std::move(column);
            for (auto& [name, check] : t->not_null_checks) {
              if (check.column == o.column) check.column = o.new_name;
            }
            for (auto& [name, fk] : t->foreign_keys) {
              std::replace(fk.columns.begin(), fk.columns.end(), o.column, o.new_name);
            }
            for (CreateTable::Key& k : t->keys) {
              std::replace(k.columns.begin(), k.columns.end(), o.column, o.new_name);
            }
            const std::string key = o.table.key();
            for (auto& [k, index] : indexes_) {
              auto names = [&](const std::vector<std::string>& cs) {
                return std::find(cs.begin(), cs.end(), o.column) != cs.end();
              };
              if (index.table != key || !(names(index.reads) || names(index.columns))) continue;
              touch_index(k);
              std::replace(index.columns.begin(), index.columns.end(), o.column, o.new_name);
              std::replace(index.reads.begin(), index.reads.end(), o.column, o.new_name);
            }
            if (auto s = t->sequences.extract(o.column)) {
              s.key() = o.new_name;
              t->sequences.insert(std::move(s));
            }
          },
          [&](const AlterColumnType& o) {
            step.previous_type = o.from;
            Table* t = find_to_change(o.table);
            if (t == nullptr) return;
            auto c = t->columns.find(o.column);
            if (c == t->columns.end()) return;
            if (!step.previous_type && !c->second.type.empty()) step.previous_type = c->second.type;
            step.column_indexed = column_indexed(o.table.key(), *t, o.column);
            c->second.type = o.to;
          },
          [&](const SetDefault& o) {
            Table* t = find_to_change(o.table);
            if (t == nullptr) return;
            if (auto c = t->columns.find(o.column); c != t->columns.end()) {
              c->second.has_default = o.value.has_value();
            }
          },
          [&](const AlterEnum& o) {
            if (!o.rename) return;
            // Columns name their type as written: unqualified, or with its schema.
            const std::string qualified = o.name.display();
            for (const auto& [key, t] : tables_) {
              for (const auto& [name, c] : t.columns) {
                if (c.type.name != o.name.name && c.type.name != qualified) continue;
                step.typed_columns.push_back({table_name_of(key), name, c.type.array});
              }
            }
            std::sort(step.typed_columns.begin(), step.typed_columns.end(),
                      [](const Step::TypedColumn& a, const Step::TypedColumn& b) {
                        return std::tie(a.table.schema, a.table.name, a.column) <
                               std::tie(b.table.schema, b.table.name, b.column);
                      });
          },
          [&](const SetNotNull& o) {
            Table* t = find_to_change(o.table);
            if (t == nullptr) return;
            step.not_null_proven = std::any_of(
                t->not_null_checks.begin(), t->not_null_checks.end(),
                [&](const auto& c) { return c.second.validated && c.second.column == o.column; });
            if (auto c = t->columns.find(o.column); c != t->columns.end()) {
              // PostgreSQL skips SET NOT NULL of a column that is NOT NULL already: no scan
              // (the lock is still taken). A dropped primary key leaves its columns NOT NULL.
              step.unchanged = c->second.not_null == true;
              step.object_is_new = c->second.created_by == &migration;
              c->second.not_null = true;
            }
          },
          [&](const DropNotNull& o) {
            Table* t = find_to_change(o.table);
            if (t == nullptr) return;
            auto c = t->columns.find(o.column);
            if (c == t->columns.end()) return;
            // PostgreSQL accepts DROP NOT NULL of a nullable column and changes nothing.
            step.unchanged = c->second.not_null == false;
            c->second.not_null = false;
          },
          [&](const AddConstraint& o) {
            touch_table(o.table.key());
            Table& t = tables_[o.table.key()];
            if (o.kind == ConstraintKind::foreign_key && o.references) {
              add_foreign_key(t, o.table.name, o.name, o.columns, *o.references);
            }
            if (!o.name.empty()) t.constraints[o.name] = &migration;
            if (o.kind == ConstraintKind::primary_key || o.kind == ConstraintKind::unique ||
                o.kind == ConstraintKind::exclusion) {
              if (o.columns.empty()) t.indexes_known = false;
              t.keys.push_back({o.name, o.columns});
            }
            if (o.kind == ConstraintKind::primary_key) {
              t.primary_key = o.columns;
              // A key's columns are NOT NULL, also those of a table made outside the
              // migrations (mlflow's metrics, created by the ORM): their type stays unknown.
              for (const std::string& name : o.columns) {
                if (auto c = t.columns.find(name); c != t.columns.end()) {
                  c->second.not_null = true;
                } else {
                  t.columns[name] = Column{{}, nullptr, nullptr, true, std::nullopt};
                }
              }
            }
            if (o.not_null_column) {
              // An unnamed CHECK (col IS NOT NULL) references one column: PostgreSQL names it
              // <table>_<col>_check (numbered when the table has one of that name already),
              // the name a later VALIDATE CONSTRAINT uses. A name past 63 bytes (truncated
              // as PostgreSQL truncates its parts) is left unknown.
              std::string name = o.name;
              if (name.empty() && o.kind == ConstraintKind::check) {
                std::string base = o.table.name + "_" + *o.not_null_column + "_check";
                name = base;
                for (int n = 1; t.constraints.contains(name) || t.not_null_checks.contains(name);
                     ++n) {
                  name = base + std::to_string(n);
                }
                if (name.size() > 63) name.clear();
              }
              if (!name.empty()) t.not_null_checks[name] = {*o.not_null_column, !o.not_valid};
            } else if (o.proves_not_null && o.kind == ConstraintKind::check) {
              // CHECK (col IS NOT NULL AND ...): unnamed, PostgreSQL names it after the one
              // column it uses, or <table>_check; the columns of an expression not read
              // (Alembic's) leave the name unknown.
              std::string name = o.name;
              if (name.empty() && !o.columns.empty()) {
                std::optional<std::string> only;
                if (o.columns.size() == 1) only = o.columns.front();
                name = names::check(o.table.name, only, [&](const std::string& n) {
                  return t.constraints.contains(n) || t.not_null_checks.contains(n);
                });
              }
              if (!name.empty()) t.not_null_checks[name] = {*o.proves_not_null, !o.not_valid};
            }
          },
          [&](const ValidateConstraint& o) {
            Table* t = find_to_change(o.table);
            if (t == nullptr) return;
            auto c = t->not_null_checks.find(o.name);
            if (c != t->not_null_checks.end()) c->second.validated = true;
          },
          [&](const DropConstraint& o) {
            Table* t = find_to_change(o.table);
            if (t == nullptr) return;
            // The primary key may be the one dropped (its name is not kept): unknown now,
            // unless the constraint is a foreign key or a NOT NULL check.
            if (!t->foreign_keys.contains(o.name) && !t->not_null_checks.contains(o.name)) {
              t->primary_key.clear();
            }
            t->not_null_checks.erase(o.name);
            t->foreign_keys.erase(o.name);
            if (!o.name.empty()) {
              std::erase_if(t->keys, [&](const CreateTable::Key& k) { return k.name == o.name; });
            }
            auto c = t->constraints.find(o.name);
            if (c == t->constraints.end()) return;
            step.object_is_new = c->second == &migration;
            t->constraints.erase(c);
          },
          [&](const Reindex& o) {
            if (o.target_kind != "index") return;
            auto it = indexes_.find(o.name.key());
            if (it != indexes_.end()) step.index_table = table_name_of(it->second.table);
          },
          [&](const CreateIndex& o) {
            // The columns it reads, for Step::column_indexed (none: not known).
            // PostgreSQL rebuilds an index when a column it compares changes operator class,
            // and always one with expressions or a WHERE (CheckIndexCompatible); an INCLUDE
            // column alone doesn't make it rebuild.
            std::vector<std::string> reads;
            if (!o.reads_unknown_columns) {
              for (const std::string& c : o.columns) {
                if (!c.starts_with("(")) reads.push_back(c);
              }
              reads.insert(reads.end(), o.other_columns.begin(), o.other_columns.end());
              if (!o.other_columns.empty() || reads.size() != o.columns.size()) {
                reads.insert(reads.end(), o.included_columns.begin(), o.included_columns.end());
              }
            }
            if (o.name.empty()) {
              // PostgreSQL picks the name: kept with the table.
              if (Table* t = find_to_change(o.table)) t->keys.push_back({{}, std::move(reads)});
              return;
            }
            touch_index(index_key({{}, o.name}, o.table));
            indexes_[index_key({{}, o.name}, o.table)] =
                Index{o.table.key(), &migration, o.columns, std::move(reads)};
          },
          [&](const DropIndex& o) {
            if (!o.table.empty()) step.index_table = o.table;
            // Unqualified index names resolve in the default schema.
            auto it = indexes_.find(o.index.key());
            if (it == indexes_.end()) {
              step.never_seen = o.if_exists;
              return;
            }
            if (!step.index_table) step.index_table = table_name_of(it->second.table);
            step.index_columns = it->second.columns;
            auto table = tables_.find(it->second.table);
            step.object_is_new = it->second.created_by == &migration;
            step.table_is_new = table != tables_.end() && table->second.created_by == &migration;
            touch_index(it->first);
            indexes_.erase(it);
          },
          [&](const TableCommand& o) {
            // A materialized view is a relation with rows: what later statements refresh or
            // index was created here (and is nobody's yet) or exists.
            // A view: CREATE VIEW makes one; CREATE OR REPLACE VIEW makes one when no earlier
            // migration did (the idiom of a migration that creates it), except in a Flyway
            // repeatable migration (R__), which runs again whenever it changes and then
            // replaces the view it made before.
            bool repeatable =
                migration.layout == Layout::flyway && migration.file != nullptr &&
                std::filesystem::path(migration.file->path).filename().string().starts_with("R__");
            bool makes_view = o.what == "CREATE VIEW" || (o.what == "CREATE OR REPLACE VIEW" &&
                                                          !repeatable && find(o.table) == nullptr);
            if (makes_view) {
              touch_table(o.table.key());
              Table view;
              view.created_by = &migration;
              view.named_by = &migration;
              tables_[o.table.key()] = std::move(view);
              step.table_is_new = true;
            } else if (o.what == "DROP VIEW") {
              erase_table(o.table.key());
            }
            if (o.what == "CREATE MATERIALIZED VIEW") {
              touch_table(o.table.key());
              Table view;
              view.created_by = &migration;
              view.named_by = &migration;
              tables_[o.table.key()] = std::move(view);
            } else if (o.what == "DROP MATERIALIZED VIEW") {
              erase_table(o.table.key());
            }
            if (o.what.ends_with("VIEW") && o.what.starts_with("CREATE")) {
              if (Table* v = find_to_change(o.table)) {
                v->sources.clear();
                for (const QualifiedName& q : o.sources) v->sources.push_back(q.key());
              }
            }
            // Partitions, inheritance, triggers and identity sequences.
            if (o.what == "ATTACH PARTITION" || o.what == "DETACH PARTITION" ||
                o.what == "NO INHERIT") {
              const QualifiedName& child = o.what == "NO INHERIT" ? o.table : o.other;
              if (Table* c = find_to_change(child)) {
                c->parent = o.what == "ATTACH PARTITION" ? o.table.key() : std::string();
                any_parent_ = any_parent_ || !c->parent.empty();
                c->partition = o.what == "ATTACH PARTITION";
              }
            } else if (o.what == "INHERIT") {
              if (Table* c = find_to_change(o.table)) {
                c->parent = o.other.key();
                c->partition = false;
                any_parent_ = true;
              }
            } else if (o.what == "CREATE TRIGGER" && !o.name.empty()) {
              if (Table* t = find_to_change(o.table)) t->triggers[o.name] = o.function.key();
            } else if (o.what == "DROP TRIGGER") {
              if (Table* t = find_to_change(o.table)) t->triggers.erase(o.name);
            } else if (o.what == "RENAME TRIGGER") {
              // The IR does not keep the new name: the table's triggers are no longer known.
              if (Table* t = find_to_change(o.table)) t->triggers_known = false;
            } else if (o.what == "DROP IDENTITY") {
              if (Table* t = find_to_change(o.table)) {
                t->sequences.erase(o.name);
                if (auto c = t->columns.find(o.name); c != t->columns.end()) {
                  c->second.has_default = false;  // an identity column has no DEFAULT of its own
                }
              }
            } else if (o.what == "ADD IDENTITY") {
              if (Table* t = find_to_change(o.table)) {
                if (auto c = t->columns.find(o.name); c != t->columns.end()) {
                  c->second.has_default = true;
                  c->second.not_null = true;
                }
                t->sequences[o.name] =
                    QualifiedName{o.table.schema, o.table.name + "_" + o.name + "_seq"}.key();
              }
            }
          },
          [&](const ObjectCommand& o) {
            // CASCADE drops what uses the object: triggers calling a function, columns of a
            // type or domain.
            if (!o.cascade) return;
            for (auto& [k, t] : tables_) {
              if (o.what == "DROP FUNCTION" || o.what == "DROP PROCEDURE") {
                if (std::none_of(t.triggers.begin(), t.triggers.end(),
                                 [&](const auto& tr) { return tr.second == o.name.key(); })) {
                  continue;
                }
                touch_table(k);
                std::erase_if(t.triggers,
                              [&](const auto& tr) { return tr.second == o.name.key(); });
              } else if (o.what == "DROP TYPE" || o.what == "DROP DOMAIN") {
                if (std::none_of(t.columns.begin(), t.columns.end(), [&](const auto& c) {
                      return c.second.type.name == o.name.name;
                    })) {
                  continue;
                }
                touch_table(k);
                std::erase_if(t.columns,
                              [&](const auto& c) { return c.second.type.name == o.name.name; });
              }
            }
          },
          [&](const DataChange& o) {
            for (const QualifiedName& source : o.sources) {
              if (source.key() == o.table.key()) continue;
              if (Table* from = find_to_change(source)) from->rows_copied_by = &migration;
            }
            const Table* t = find(o.table);
            if (t == nullptr || t->primary_key.size() != 1) return;
            auto c = t->columns.find(t->primary_key.front());
            if (c == t->columns.end() || c->second.type.array) return;
            static const std::set<std::string, std::less<>> kIntegers = {
                "int2",   "int4",      "int8",        "smallint", "integer", "bigint", "int",
                "serial", "bigserial", "smallserial", "serial2",  "serial4", "serial8"};
            if (kIntegers.contains(c->second.type.name)) step.integer_key = c->first;
          },
          [&](const DropSchema& o) {
            if (!o.cascade) return;
            std::vector<std::string> keys;
            for (const auto& [k, t] : tables_) {
              if (k.starts_with(o.name + ".")) keys.push_back(k);
            }
            for (const std::string& k : keys) erase_table(k);
          },
          [&](const Unanalyzable&) { ++opaque_count_; },
          [](const auto&) {},
      },
      op.kind);
}

}  // namespace schemagate
