// incomplete-downgrade: the downgrade leaves a change of the upgrade in place.
#include <algorithm>
#include <set>

#include "rules/common.hpp"
#include "rules/rules.hpp"

namespace schemagate::rules {

namespace {

// What the downgrade does, as keys: "drop-table:public.t", "add-column:public.t.c", ...
std::set<std::string> undo_keys(const std::vector<Operation>& ops) {
  std::set<std::string> keys;
  for (const Operation& op : ops) {
    std::visit(
        overloaded{
            [&](const DropTable& o) { keys.insert("drop-table:" + o.table.key()); },
            [&](const CreateTable& o) { keys.insert("create-table:" + o.table.key()); },
            [&](const DropColumn& o) {
              keys.insert("drop-column:" + o.table.key() + "." + o.column);
            },
            [&](const AddColumn& o) {
              keys.insert("add-column:" + o.table.key() + "." + o.column.name);
            },
            [&](const DropIndex& o) { keys.insert("drop-index:" + o.index.name); },
            [&](const CreateIndex& o) { keys.insert("create-index:" + o.name); },
            [&](const DropConstraint& o) { keys.insert("drop-constraint:" + o.name); },
            [&](const AddConstraint& o) { keys.insert("add-constraint:" + o.name); },
            [&](const RenameTable& o) {
              keys.insert("rename-table:" + o.table.key() + ">" + o.new_name);
            },
            [&](const RenameColumn& o) {
              keys.insert("rename-column:" + o.table.key() + "." + o.column + ">" + o.new_name);
            },
            [](const auto&) {},
        },
        op.kind);
  }
  return keys;
}

// What the downgrade must do to undo `op`, and whether it does.
std::string not_undone(const Operation& op, const std::set<std::string>& undo,
                       const std::set<std::string>& created_tables) {
  auto has = [&](const std::string& k) { return undo.contains(k); };
  auto table_dropped = [&](const QualifiedName& t) { return has("drop-table:" + t.key()); };
  // Dropping a column drops the indexes and constraints on it too.
  auto column_dropped = [&](const QualifiedName& t, const std::vector<std::string>& columns) {
    return std::any_of(columns.begin(), columns.end(), [&](const std::string& c) {
      return has("drop-column:" + t.key() + "." + c);
    });
  };
  return std::visit(
      overloaded{
          [&](const CreateTable& o) -> std::string {
            return table_dropped(o.table)
                       ? ""
                       : "creates table " + quoted(o.table) + " but the downgrade never drops it";
          },
          [&](const AddColumn& o) -> std::string {
            if (created_tables.contains(o.table.key()) || table_dropped(o.table) ||
                has("drop-column:" + o.table.key() + "." + o.column.name)) {
              return "";
            }
            return "adds column " + quoted(o.table, o.column.name) +
                   " but the downgrade never drops it";
          },
          [&](const CreateIndex& o) -> std::string {
            if (o.name.empty() || created_tables.contains(o.table.key()) ||
                table_dropped(o.table) || column_dropped(o.table, o.columns) ||
                has("drop-index:" + o.name)) {
              return "";
            }
            return "creates index " + quoted(o.name) + " but the downgrade never drops it";
          },
          [&](const AddConstraint& o) -> std::string {
            if (o.name.empty() || created_tables.contains(o.table.key()) ||
                table_dropped(o.table) || column_dropped(o.table, o.columns) ||
                has("drop-constraint:" + o.name)) {
              return "";
            }
            return "adds constraint " + quoted(o.name) + " but the downgrade never drops it";
          },
          [&](const RenameTable& o) -> std::string {
            QualifiedName renamed{o.table.schema, o.new_name};
            if (has("rename-table:" + renamed.key() + ">" + o.table.name)) return "";
            return "renames table " + quoted(o.table) + " to " + o.new_name +
                   " but the downgrade never renames it back";
          },
          [&](const RenameColumn& o) -> std::string {
            if (has("rename-column:" + o.table.key() + "." + o.new_name + ">" + o.column))
              return "";
            return "renames column " + quoted(o.table, o.column) + " to " + o.new_name +
                   " but the downgrade never renames it back";
          },
          [&](const DropTable& o) -> std::string {
            if (created_tables.contains(o.table.key()) || has("create-table:" + o.table.key()))
              return "";
            return "drops table " + quoted(o.table) + " but the downgrade never recreates it";
          },
          [&](const DropColumn& o) -> std::string {
            if (created_tables.contains(o.table.key()) || has("create-table:" + o.table.key()) ||
                has("add-column:" + o.table.key() + "." + o.column)) {
              return "";
            }
            return "drops column " + quoted(o.table, o.column) +
                   " but the downgrade never recreates it";
          },
          [&](const DropIndex& o) -> std::string {
            if (has("create-index:" + o.index.name)) return "";
            return "drops index " + quoted(o.index) + " but the downgrade never recreates it";
          },
          [&](const DropConstraint& o) -> std::string {
            if (o.name.empty() || has("add-constraint:" + o.name)) return "";
            return "drops constraint " + quoted(o.name) + " but the downgrade never recreates it";
          },
          [](const auto&) -> std::string { return ""; },
      },
      op.kind);
}

}  // namespace

static void incomplete_downgrade(RuleContext& ctx) {
  const Migration& m = ctx.migration();
  if (m.downgrade_kind != DowngradeKind::real) return;  // missing-downgrade's business
  if (has_syntax_error(m)) return;  // what was read of the file may be incomplete
  // A downgrade that runs SQL we can't see may well undo everything.
  auto blind = [](const Operation& op) { return op.is<Unanalyzable>(); };
  if (std::any_of(m.downgrade.begin(), m.downgrade.end(), blind)) return;
  std::set<std::string> undo = undo_keys(m.downgrade);
  std::set<std::string> created_tables;
  for (const Operation& op : m.upgrade) {
    if (const auto* t = op.as<CreateTable>()) created_tables.insert(t->table.key());
  }
  for (const Operation& op : m.upgrade) {
    std::string what = not_undone(op, undo, created_tables);
    if (what.empty()) continue;
    ctx.report(op.range, "the upgrade " + what + ": rolling back leaves the change in place",
               "add the inverse operation to the downgrade, in reverse order");
  }
}

extern const RuleDef incomplete_downgrade_rule{.id = "incomplete-downgrade",
                                               .severity = Severity::warning,
                                               .category = "reversibility",
                                               .check = &incomplete_downgrade};

}  // namespace schemagate::rules
