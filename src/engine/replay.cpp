#include "engine/replay.hpp"

#include <algorithm>
#include <filesystem>

namespace schemagate {

namespace {

// A table key ("schema.name") as a name again.
QualifiedName table_name_of(const std::string& key) {
  auto dot = key.find('.');
  if (dot == std::string::npos) return {{}, key};
  std::string schema = key.substr(0, dot);
  return {schema == "public" ? std::string() : schema, key.substr(dot + 1)};
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
  for (const Operation& op : ops) {
    Step step;
    step.op = &op;
    step.phase = phase;
    // A transaction statement itself runs in whatever transaction was open before it.
    step.explicit_transaction = explicit_tx;
    step.in_transaction = explicit_tx || (runner_tx && !op.autocommit) || op.in_function;
    if (const auto* tc = op.as<TransactionControl>()) {
      if (tc->kind == TransactionKind::begin) explicit_tx = true;
      if (tc->kind == TransactionKind::commit || tc->kind == TransactionKind::rollback ||
          tc->kind == TransactionKind::prepare) {
        explicit_tx = false;
      }
    }
    apply(migration, op, step);
    steps.push_back(std::move(step));
  }
  return steps;
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

void SchemaState::touch_index(const std::string& key) {
  save_once(journaling_, indexes_, saved_indexes_, key);
}

void SchemaState::apply(const Migration& migration, const Operation& op, Step& step) {
  auto is_new = [&](const QualifiedName& t) {
    auto it = tables_.find(t.key());
    return it != tables_.end() && it->second.created_by == &migration;
  };
  if (const QualifiedName* t = target_table(op)) step.table_is_new = is_new(*t);

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
    if (find(t) == nullptr) return nullptr;
    touch_table(t.key());
    return find(t);
  };
  std::visit(
      overloaded{
          [&](const CreateTable& o) {
            if (o.if_not_exists && find(o.table) != nullptr) return;
            touch_table(o.table.key());
            Table table;
            table.created_by = &migration;
            table.named_by = &migration;
            for (const ColumnDef& c : o.columns) {
              table.columns[c.name] = {c.type, &migration, &migration};
            }
            tables_[o.table.key()] = std::move(table);
          },
          [&](const DropTable& o) {
            touch_table(o.table.key());
            tables_.erase(o.table.key());
          },
          [&](const RenameTable& o) {
            std::string to = QualifiedName{o.table.schema, o.new_name}.key();
            touch_table(o.table.key());
            touch_table(to);
            Table table;
            if (Table* t = find(o.table)) table = std::move(*t);
            step.object_is_new = table.named_by == &migration;
            table.named_by = &migration;
            tables_.erase(o.table.key());
            tables_[to] = std::move(table);
          },
          [&](const AddColumn& o) {
            touch_table(o.table.key());
            tables_[o.table.key()].columns[o.column.name] = {o.column.type, &migration, &migration};
          },
          [&](const DropColumn& o) {
            Table* t = find_to_change(o.table);
            if (t == nullptr) return;
            step.object_is_new = column_is_new(*t, o.column);
            t->columns.erase(o.column);
          },
          [&](const RenameColumn& o) {
            Table* t = find_to_change(o.table);
            if (t == nullptr) return;
            auto c = t->columns.find(o.column);
            if (c == t->columns.end()) return;
            step.object_is_new = c->second.named_by == &migration;
            Column column = c->second;
            column.named_by = &migration;
            t->columns.erase(c);
            t->columns[o.new_name] = std::move(column);
            for (auto& [name, check] : t->not_null_checks) {
              if (check.column == o.column) check.column = o.new_name;
            }
          },
          [&](const AlterColumnType& o) {
            step.previous_type = o.from;
            Table* t = find_to_change(o.table);
            if (t == nullptr) return;
            auto c = t->columns.find(o.column);
            if (c == t->columns.end()) return;
            if (!step.previous_type && !c->second.type.empty()) step.previous_type = c->second.type;
            c->second.type = o.to;
          },
          [&](const SetNotNull& o) {
            Table* t = find(o.table);
            if (t == nullptr) return;
            step.not_null_proven = std::any_of(
                t->not_null_checks.begin(), t->not_null_checks.end(),
                [&](const auto& c) { return c.second.validated && c.second.column == o.column; });
          },
          [&](const AddConstraint& o) {
            touch_table(o.table.key());
            Table& t = tables_[o.table.key()];
            if (!o.name.empty()) t.constraints[o.name] = &migration;
            if (o.not_null_column) t.not_null_checks[o.name] = {*o.not_null_column, !o.not_valid};
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
            t->not_null_checks.erase(o.name);
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
            if (o.name.empty()) return;
            touch_index(index_key({{}, o.name}, o.table));
            indexes_[index_key({{}, o.name}, o.table)] = Index{o.table.key(), &migration};
          },
          [&](const DropIndex& o) {
            if (!o.table.empty()) step.index_table = o.table;
            // Unqualified index names resolve in the default schema.
            auto it = indexes_.find(o.index.key());
            if (it == indexes_.end()) return;
            if (!step.index_table) step.index_table = table_name_of(it->second.table);
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
              touch_table(o.table.key());
              tables_.erase(o.table.key());
            }
            if (o.what == "CREATE MATERIALIZED VIEW") {
              touch_table(o.table.key());
              Table view;
              view.created_by = &migration;
              view.named_by = &migration;
              tables_[o.table.key()] = std::move(view);
            } else if (o.what == "DROP MATERIALIZED VIEW") {
              touch_table(o.table.key());
              tables_.erase(o.table.key());
            }
          },
          [](const auto&) {},
      },
      op.kind);
}

}  // namespace schemagate
