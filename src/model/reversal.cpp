#include "schemagate/reversal.hpp"

#include <algorithm>
#include <cctype>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string_view>
#include <utility>

#include "schemagate/names.hpp"

namespace schemagate {

namespace {

std::string quoted(const std::string& s) { return "`" + s + "`"; }

// A name as the upgrade gives it: written, or PostgreSQL's automatic one (possibly numbered on
// a clash), or not known statically.
struct NameSpec {
  std::string exact;  // written
  bool automatic = false;
  std::string name1;
  std::optional<std::string> name2;
  std::string label;
  // The automatic name is only PostgreSQL's guess: an Alembic op.create_*(None, ...) is named
  // by the metadata's naming convention when there is one.
  bool maybe_convention = false;
  // The automatic name with the numbering the upgrade's own earlier names force ("t_a_fkey1"
  // after an unnamed "t_a_fkey"); an object made before the migration may push it further.
  std::string chosen;

  [[nodiscard]] bool known() const { return !exact.empty() || automatic; }
  [[nodiscard]] std::string display() const {
    if (!exact.empty()) return exact;
    return !chosen.empty() ? chosen : names::make_object_name(name1, name2, label);
  }
  // The name as the upgrade surely gave it.
  [[nodiscard]] bool is(const std::string& name) const {
    return known() && !maybe_convention && display() == name;
  }
  [[nodiscard]] bool matches(const std::string& name) const {
    if (!exact.empty()) return name == exact;
    if (!automatic) return false;
    return names::is_numbered_variant(name, name1, name2, label);
  }
  // A name written in an Alembic op.create_*() call: a naming convention built on
  // %(constraint_name)s ("ck_%(table_name)s_%(constraint_name)s") makes it
  // "<prefix>_<table>_<name>" or "<prefix>_<name>", the prefix the usual one for its kind.
  // Empty when no convention applies (SQL, op.f(), a name not written).
  std::string convention_prefix;
  std::string convention_table;  // the table's name when the object was made
  [[nodiscard]] bool matches_by_convention(const std::string& name) const {
    if (exact.empty() || convention_prefix.empty()) return false;
    const std::string p = convention_prefix + "_";
    return name == p + convention_table + "_" + exact || name == p + exact;
  }
};

// The prefix the usual Alembic naming conventions give a constraint of this kind.
std::string convention_prefix(ConstraintKind kind) {
  switch (kind) {
    case ConstraintKind::primary_key:
      return "pk";
    case ConstraintKind::unique:
      return "uq";
    case ConstraintKind::foreign_key:
      return "fk";
    case ConstraintKind::check:
      return "ck";
    case ConstraintKind::exclusion:
    case ConstraintKind::not_null:
      break;
  }
  return {};
}

// The automatic name of a constraint added without one, when the statement tells it.
NameSpec constraint_spec(const AddConstraint& c, bool python, bool converted) {
  NameSpec s;
  if (!c.name.empty()) {
    s.exact = c.name;
    if (python && !converted) {
      s.convention_prefix = convention_prefix(c.kind);
      s.convention_table = c.table.name;
    }
    return s;
  }
  const std::string& t = c.table.name;
  auto automatic = [&](std::optional<std::string> name2, std::string label) {
    s.automatic = true;
    s.name1 = t;
    s.name2 = std::move(name2);
    s.label = std::move(label);
  };
  switch (c.kind) {
    case ConstraintKind::primary_key:
      automatic(std::nullopt, "pkey");
      break;
    case ConstraintKind::unique:
      if (!c.columns.empty()) {
        automatic(names::columns_addition(names::index_column_names(c.columns)), "key");
      }
      break;
    case ConstraintKind::foreign_key:
      if (!c.columns.empty()) automatic(names::columns_addition(c.columns), "fkey");
      break;
    case ConstraintKind::check:
      // <table>_<column>_check when the expression names exactly one column, <table>_check
      // otherwise (heap.c, AddRelationNewConstraints). The SQL frontend lists the columns;
      // an Alembic check's expression is not read (and its name may be a convention's).
      if (c.not_null_column) {
        automatic(*c.not_null_column, "check");
      } else if (c.columns.size() == 1) {
        automatic(c.columns.front(), "check");
      } else if (!python) {
        automatic(std::nullopt, "check");
      }
      break;
    case ConstraintKind::exclusion:
    case ConstraintKind::not_null:
      break;
  }
  s.maybe_convention = python && s.automatic;
  return s;
}

NameSpec index_spec(const CreateIndex& i, bool python, bool converted) {
  NameSpec s;
  if (!i.name.empty()) {
    s.exact = i.name;
    if (python && !converted) {
      s.convention_prefix = "ix";
      s.convention_table = i.table.name;
    }
    return s;
  }
  // op.create_index(None, ...): named by the metadata's naming convention ("ix_...").
  s.maybe_convention = python;
  // An expression's column name (FigureColname) is not modelled.
  if (i.columns.empty() ||
      std::find(i.columns.begin(), i.columns.end(), "(expression)") != i.columns.end()) {
    return s;
  }
  s.automatic = true;
  s.name1 = i.table.name;
  s.name2 = names::columns_addition(names::index_column_names(i.columns));
  s.label = "idx";
  return s;
}

// Follows the names of tables and columns through renames: each has an origin (its name when
// the migration started, or when it was created) and a current name.
class Identities {
 public:
  std::string table(const QualifiedName& t) const {
    auto it = tables_.find(t.key());
    return it == tables_.end() ? t.key() : it->second;
  }
  std::string column(const std::string& table_origin, const std::string& column) const {
    auto it = columns_.find(table_origin + "\n" + column);
    return it == columns_.end() ? column : it->second;
  }
  std::vector<std::string> columns(const std::string& table_origin,
                                   const std::vector<std::string>& cs) const {
    std::vector<std::string> out;
    for (const std::string& c : cs) out.push_back(column(table_origin, c));
    return out;
  }
  void rename_table(const QualifiedName& from, const std::string& to_key) {
    std::string origin = table(from);
    tables_.erase(from.key());
    tables_[to_key] = origin;
  }
  void rename_column(const std::string& table_origin, const std::string& from,
                     const std::string& to) {
    std::string origin = column(table_origin, from);
    columns_.erase(table_origin + "\n" + from);
    columns_[table_origin + "\n" + to] = origin;
  }

 private:
  std::map<std::string, std::string> tables_;   // current key → origin key
  std::map<std::string, std::string> columns_;  // origin table "\n" current column → origin
};

enum class Kind {
  table,
  column,
  index,
  constraint,
  not_null,
  default_value,
  table_name,
  column_name,
  enum_value,
  trigger  // `column` holds its name
};

// Something the upgrade made (the downgrade should take it away) or took away (the downgrade
// should put it back).
struct Change {
  Kind kind = Kind::table;
  std::size_t up = 0;                  // the upgrade operation
  bool made = true;                    // false: the upgrade dropped it
  std::string table{};                 // origin key of its table (Kind::table: itself)
  std::string column{};                // origin name (column kinds)
  std::vector<std::string> columns{};  // index / constraint: origin names of its columns
  NameSpec name{};                     // index / constraint
  ConstraintKind constraint_kind = ConstraintKind::check;
  // enum_value: the type's key and the value before; column_name: the new name.
  std::string value{};
  bool using_index = false;  // ADD CONSTRAINT ... USING INDEX
  // A partial or expression index: its predicate or expressions may name further columns (the
  // IR doesn't keep them), whose DROP COLUMN drops it too.
  bool partial = false;
  bool live = true;
  // A DROP COLUMN may have taken it (a partial or expression index whose other columns are
  // not known): not asked for, and still matched by a later drop.
  bool maybe_gone = false;
  // Dropped by the upgrade and made again under its name (or the made one of that pair):
  // a downgrade operation may still undo it, but incomplete-downgrade doesn't ask.
  bool restored = false;
};

// An Alembic op.*() call, rather than SQL it runs (op.execute): its text starts with the call
// ("op.create_foreign_key(", "batch_op.f(") where SQL starts with a keyword and a space.
bool is_op_call(const Migration& m, Phase phase, const Operation& op) {
  const SourceFile* file = m.file_of(phase);
  if (file == nullptr || op.range.begin >= file->text.size()) return false;
  std::string_view text = std::string_view(file->text).substr(op.range.begin);
  std::size_t paren = text.find('(');
  std::size_t space = text.find_first_of(" \t\r\n");
  return paren != std::string_view::npos && paren < space;
}

// Is the name of an Alembic op call written with op.f() (batch_op.f()), which a naming
// convention leaves as it is?
bool name_converted(const Migration& m, Phase phase, const Operation& op) {
  const SourceFile* file = m.file_of(phase);
  if (file == nullptr || op.range.end > file->text.size() || op.range.begin >= op.range.end) {
    return false;
  }
  std::string_view text =
      std::string_view(file->text).substr(op.range.begin, op.range.end - op.range.begin);
  return text.find(".f(") != std::string_view::npos;
}

// Does the operation's text have a WHERE clause (SQL) or postgresql_where= (Alembic)?
bool has_predicate(const Migration& m, Phase phase, const Operation& op) {
  const SourceFile* file = m.file_of(phase);
  if (file == nullptr || op.range.end > file->text.size() || op.range.begin >= op.range.end) {
    return false;
  }
  std::string_view text =
      std::string_view(file->text).substr(op.range.begin, op.range.end - op.range.begin);
  constexpr std::string_view where = "where";
  return std::search(text.begin(), text.end(), where.begin(), where.end(), [](char ch, char w) {
           return std::tolower(static_cast<unsigned char>(ch)) == w;
         }) != text.end();
}

class Finder {
 public:
  explicit Finder(const Migration& m) : m_(m) {
    python_ = traits(m.layout).language == Language::python;
    out_.reverses.assign(m.downgrade.size(), nullptr);
    out_.undo.assign(m.upgrade.size(), Undo::nothing_to_undo);
    out_.what.assign(m.upgrade.size(), std::string());
  }

  Reversals run() {
    for (std::size_t i = 0; i < m_.upgrade.size(); ++i) upgrade(i, m_.upgrade[i]);
    bool blind = false;
    for (std::size_t i = 0; i < m_.downgrade.size(); ++i) {
      if (m_.downgrade[i].is<Unanalyzable>()) blind = true;
      downgrade(i, m_.downgrade[i]);
    }
    for (Change& c : changes_) {
      // NOT NULL, defaults, enum values and triggers: reversible, but incomplete-downgrade
      // doesn't ask.
      if (!c.live || c.maybe_gone || c.kind == Kind::not_null || c.kind == Kind::default_value ||
          c.kind == Kind::enum_value || c.kind == Kind::trigger) {
        continue;
      }
      Undo& u = out_.undo[c.up];
      if (u == Undo::undone || u == Undo::unknown) continue;
      if (c.restored) {
        u = Undo::nothing_to_undo;
        continue;
      }
      // A downgrade that runs SQL we can't read, or drops an index or constraint whose name
      // is only known at run time, or one we can't match while the upgrade's own name is not
      // known statically (a naming convention, an expression index): say nothing.
      bool unsure = blind;
      if (c.kind == Kind::constraint) {
        bool vague = !c.name.known() || c.name.maybe_convention;
        unsure = unsure || runtime_constraint_drops_.contains(c.table) ||
                 (vague && loose_constraint_drops_.contains(c.table));
      } else if (c.kind == Kind::index) {
        bool vague = !c.name.known() || c.name.maybe_convention;
        unsure = unsure || runtime_index_drop_ || (vague && loose_index_drop_);
      }
      u = unsure ? Undo::unknown : Undo::left;
    }
    for (std::size_t i = 0; i < out_.undo.size(); ++i) {
      if (out_.undo[i] != Undo::left) out_.what[i].clear();
    }
    return std::move(out_);
  }

 private:
  void record(Change c, std::string what) {
    // On a table named at run time (a model's __tablename__): what the downgrade does to it
    // can't be matched either.
    if (!c.table.empty() && c.table.back() == '.') return;
    out_.undo[c.up] = Undo::left;
    out_.what[c.up] = std::move(what);
    changes_.push_back(std::move(c));
  }

  // The upgrade drops what it made earlier: nothing of it is left to undo.
  void settle(Change& c) {
    c.live = false;
    out_.undo[c.up] = Undo::nothing_to_undo;
    out_.what[c.up].clear();
  }
  // An index or constraint surely on column `col` (origin name).
  static bool on_column(const Change& c, const std::string& col) {
    return std::find(c.columns.begin(), c.columns.end(), col) != c.columns.end();
  }

  // The upgrade drops relations (origin keys): what it made on them goes with them.
  void settle_on(const std::set<std::string>& gone) {
    for (Change& c : changes_) {
      if (c.live && c.made && gone.contains(c.table)) settle(c);
    }
  }

  // The upgrade drops or undoes what it made itself: nothing is left for the downgrade.
  bool transient(Kind kind, const std::function<bool(const Change&)>& same) {
    bool found = false;
    for (Change& c : changes_) {
      if (c.live && c.made && c.kind == kind && same(c)) {
        settle(c);
        found = true;
      }
    }
    return found;
  }

  // The upgrade makes again what it dropped earlier under the same name: both stay for the
  // downgrade to match, neither is asked for.
  bool restore(Kind kind, const std::function<bool(const Change&)>& same) {
    bool found = false;
    for (Change& c : changes_) {
      if (c.live && !c.made && c.kind == kind && same(c)) {
        c.restored = true;
        found = true;
      }
    }
    return found;
  }

  bool created_here(const std::string& table_origin) const {
    return created_tables_.contains(table_origin);
  }

  void upgrade(std::size_t i, const Operation& op) {
    std::visit(
        overloaded{
            [&](const CreateTable& o) {
              std::string t = ids_.table(o.table);
              created_tables_.insert(t);
              if (o.parent && !o.parent->name.empty()) {
                children_[t] = {ids_.table(*o.parent), o.partition};
              }
              Change c{.kind = Kind::table, .up = i, .table = t};
              record(std::move(c), "creates table " + quoted(o.table.display()) +
                                       " but the downgrade never drops it");
            },
            [&](const DropTable& o) {
              std::string t = ids_.table(o.table);
              bool mine = created_here(t);
              // Everything on the table goes with it, and its partitions with theirs.
              std::set<std::string> gone = dropped_with(t, o.cascade);
              settle_on(gone);
              for (const std::string& g : gone) created_tables_.erase(g);
              // A table named at run time (a model's __tablename__): which table the downgrade
              // recreates can't be told either.
              if (mine || o.table.name.empty()) return;
              Change c{.kind = Kind::table, .up = i, .made = false, .table = t};
              record(std::move(c), "drops table " + quoted(o.table.display()) +
                                       " but the downgrade never recreates it");
            },
            [&](const RenameTable& o) {
              std::string t = ids_.table(o.table);
              QualifiedName to{o.table.schema, o.new_name};
              ids_.rename_table(o.table, to.key());
              if (created_here(t)) return;
              transient(Kind::table_name, [&](const Change& c) { return c.table == t; });
              // Renamed back to its name before the migration: nothing left to undo.
              if (to.key() == t) return;
              Change c{.kind = Kind::table_name, .up = i, .table = t};
              record(std::move(c), "renames table " + quoted(o.table.display()) + " to " +
                                       o.new_name + " but the downgrade never renames it back");
            },
            [&](const AddColumn& o) {
              std::string t = ids_.table(o.table);
              if (created_here(t)) return;
              Change c{.kind = Kind::column, .up = i, .table = t, .column = o.column.name};
              if (o.column.not_null) {
                Change nn = c;
                nn.kind = Kind::not_null;
                changes_.push_back(std::move(nn));
              }
              record(std::move(c), "adds column " +
                                       quoted(o.table.display() + "." + o.column.name) +
                                       " but the downgrade never drops it");
            },
            [&](const DropColumn& o) {
              std::string t = ids_.table(o.table);
              std::string col = ids_.column(t, o.column);
              bool added_here = transient(
                  Kind::column, [&](const Change& c) { return c.table == t && c.column == col; });
              // Its indexes, constraints, NOT NULL and default go with it.
              for (Change& c : changes_) {
                if (!c.live || !c.made || c.table != t) continue;
                if (c.kind == Kind::table || c.kind == Kind::table_name) continue;
                if (c.column == col || on_column(c, col)) {
                  settle(c);
                } else if (c.partial) {
                  // Maybe: nothing asked for, but a later DROP INDEX still matches it.
                  c.maybe_gone = true;
                  out_.undo[c.up] = Undo::nothing_to_undo;
                  out_.what[c.up].clear();
                }
              }
              if (created_here(t) || added_here) return;
              Change c{.kind = Kind::column, .up = i, .made = false, .table = t, .column = col};
              record(std::move(c), "drops column " + quoted(o.table.display() + "." + o.column) +
                                       " but the downgrade never recreates it");
            },
            [&](const RenameColumn& o) {
              std::string t = ids_.table(o.table);
              std::string col = ids_.column(t, o.column);
              std::string taken = ids_.column(t, o.new_name);  // a column dropped before
              ids_.rename_column(t, o.column, o.new_name);
              if (created_here(t)) return;
              auto added = std::find_if(changes_.begin(), changes_.end(), [&](const Change& c) {
                return c.live && c.made && c.kind == Kind::column && c.table == t &&
                       c.column == col;
              });
              // A column added, filled and renamed to the name of the column it replaces
              // (dispatch's _assignee_id): the table has its columns' names again. Both stay
              // for the downgrade to match; neither is asked for.
              if (added != changes_.end()) {
                Change* replaced = nullptr;
                for (Change& d : changes_) {
                  if (d.live && !d.made && d.kind == Kind::column && d.table == t &&
                      d.column == taken) {
                    replaced = &d;
                  }
                }
                if (replaced != nullptr) {
                  replaced->restored = true;
                  added->restored = true;
                }
              }
              transient(Kind::column_name,
                        [&](const Change& c) { return c.table == t && c.column == col; });
              if (added != changes_.end() || o.new_name == col) return;
              Change c{.kind = Kind::column_name,
                       .up = i,
                       .table = t,
                       .column = col,
                       .value = o.new_name};
              record(std::move(c), "renames column " + quoted(o.table.display() + "." + o.column) +
                                       " to " + o.new_name +
                                       " but the downgrade never renames it back");
            },
            [&](const SetNotNull& o) {
              std::string t = ids_.table(o.table);
              if (created_here(t)) return;
              // Not reported when left (incomplete-downgrade doesn't ask for it), but the
              // downgrade's DROP NOT NULL reverses it.
              Change c{
                  .kind = Kind::not_null, .up = i, .table = t, .column = ids_.column(t, o.column)};
              changes_.push_back(std::move(c));
            },
            [&](const SetDefault& o) {
              std::string t = ids_.table(o.table);
              if (created_here(t)) return;
              Change c{.kind = Kind::default_value,
                       .up = i,
                       .table = t,
                       .column = ids_.column(t, o.column)};
              changes_.push_back(std::move(c));
            },
            [&](const CreateIndex& o) {
              std::string t = ids_.table(o.table);
              if (created_here(t)) return;
              Change c{.kind = Kind::index,
                       .up = i,
                       .table = t,
                       .columns = ids_.columns(t, o.columns),
                       .name = index_spec(o, python_ && is_op_call(m_, Phase::upgrade, op),
                                          name_converted(m_, Phase::upgrade, op))};
              name(c.name, o.table.schema);
              // An index the upgrade dropped and builds again under its name (rebuilt around a
              // data change, an INVALID leftover cleaned up first): nothing left to undo.
              c.restored = restore(Kind::index,
                                   [&](const Change& d) { return c.name.matches(d.name.exact); });
              // An expression may name further columns too (the IR doesn't keep them).
              c.partial =
                  has_predicate(m_, Phase::upgrade, op) ||
                  std::find(o.columns.begin(), o.columns.end(), "(expression)") != o.columns.end();
              std::string shown = c.name.known() && !c.name.maybe_convention
                                      ? " " + quoted(c.name.display())
                                      : " on " + quoted(o.table.display());
              record(std::move(c), "creates index" + shown + " but the downgrade never drops it");
            },
            [&](const DropIndex& o) {
              const std::string& n = o.index.name;
              if (transient(Kind::index, [&](const Change& c) { return c.name.matches(n); })) {
                return;
              }
              Change c{.kind = Kind::index, .up = i, .made = false};
              c.name.exact = n;
              record(std::move(c), "drops index " + quoted(o.index.display()) +
                                       " but the downgrade never recreates it");
            },
            [&](const AddConstraint& o) {
              std::string t = ids_.table(o.table);
              if (created_here(t)) return;
              Change c{.kind = Kind::constraint,
                       .up = i,
                       .table = t,
                       .columns = ids_.columns(t, o.columns),
                       .name = constraint_spec(o, python_ && is_op_call(m_, Phase::upgrade, op),
                                               name_converted(m_, Phase::upgrade, op)),
                       .constraint_kind = o.kind};
              name(c.name, o.table.schema);
              if (o.not_null_column) c.columns = {ids_.column(t, *o.not_null_column)};
              c.using_index = o.using_index;
              // A foreign key, unique or primary key the upgrade dropped and adds again under its
              // name (dropped for a faster backfill, say): its name stands for its columns, so
              // nothing is left to undo. A CHECK added again may have a new expression.
              c.restored = o.kind != ConstraintKind::check && o.kind != ConstraintKind::exclusion &&
                           restore(Kind::constraint, [&](const Change& d) {
                             return d.table == t && c.name.matches(d.name.exact);
                           });
              // An Alembic CHECK's expression is not read: any of the table's columns may be
              // in it.
              c.partial = o.kind == ConstraintKind::check && c.columns.empty() && python_ &&
                          is_op_call(m_, Phase::upgrade, op);
              // A name a naming convention may give is not shown as PostgreSQL's.
              std::string shown = c.name.known() && !c.name.maybe_convention
                                      ? " " + quoted(c.name.display())
                                      : " on " + quoted(o.table.display());
              record(std::move(c), "adds constraint" + shown + " but the downgrade never drops it");
            },
            [&](const DropConstraint& o) {
              std::string t = ids_.table(o.table);
              const std::string& n = o.name;
              if (transient(Kind::constraint,
                            [&](const Change& c) { return c.table == t && c.name.matches(n); })) {
                return;
              }
              if (n.empty()) return;
              Change c{.kind = Kind::constraint, .up = i, .made = false, .table = t};
              c.name.exact = n;
              record(std::move(c),
                     "drops constraint " + quoted(n) + " but the downgrade never recreates it");
            },
            [&](const TableCommand& o) {
              note_view(o);
              settle_on(view_drop(o));
              // A trigger the upgrade makes: the downgrade's DROP TRIGGER of it is its undo.
              if (o.what == "CREATE TRIGGER" && !o.name.empty()) {
                changes_.push_back(Change{.kind = Kind::trigger,
                                          .up = i,
                                          .table = ids_.table(o.table),
                                          .column = o.name});
              }
            },
            [&](const AlterEnum& o) {
              if (!o.rename) return;
              Change c{.kind = Kind::enum_value, .up = i};
              c.value = o.name.key() + "\n" + o.new_value + "\n" + o.old_value;
              changes_.push_back(std::move(c));
            },
            [](const auto&) {},
        },
        op.kind);
  }

  // The tables DROP TABLE `t` drops (origin keys): itself and, of the tables the upgrade
  // created, its partitions (and theirs), which PostgreSQL drops with their parent; a child
  // by INHERITS only with CASCADE.
  std::set<std::string> dropped_with(const std::string& t, bool cascade) const {
    std::set<std::string> gone{t};
    for (bool grew = true; grew;) {
      grew = false;
      for (const auto& [child, link] : children_) {
        if (!gone.contains(child) && gone.contains(link.first) && (link.second || cascade)) {
          gone.insert(child);
          grew = true;
        }
      }
    }
    if (cascade) add_dependent_views(gone);
    return gone;
  }

  // A view the migration creates: the relations it reads, for a later DROP ... CASCADE.
  void note_view(const TableCommand& o) {
    if (o.what != "CREATE VIEW" && o.what != "CREATE OR REPLACE VIEW" &&
        o.what != "CREATE MATERIALIZED VIEW") {
      return;
    }
    std::vector<std::string>& sources = view_sources_[ids_.table(o.table)];
    sources.clear();
    for (const QualifiedName& q : o.sources) sources.push_back(ids_.table(q));
  }

  // The relations DROP VIEW / DROP MATERIALIZED VIEW takes (origin keys): the view, and with
  // CASCADE the views the migration built on it (a materialized view with its indexes).
  std::set<std::string> view_drop(const TableCommand& o) const {
    if (o.what != "DROP VIEW" && o.what != "DROP MATERIALIZED VIEW") return {};
    std::set<std::string> gone{ids_.table(o.table)};
    if (o.cascade) add_dependent_views(gone);
    return gone;
  }

  // Adds to `gone` the views the migration built on what is in it, and on those.
  void add_dependent_views(std::set<std::string>& gone) const {
    for (bool grew = true; grew;) {
      grew = false;
      for (const auto& [view, sources] : view_sources_) {
        if (gone.contains(view)) continue;
        if (std::any_of(sources.begin(), sources.end(),
                        [&](const std::string& s) { return gone.contains(s); })) {
          gone.insert(view);
          grew = true;
        }
      }
    }
  }

  // The upgrade gives an object the name of `s` (schema `schema`): an automatic name takes the
  // number the names before it force.
  void name(NameSpec& s, const std::string& schema) {
    if (s.automatic) {
      s.chosen = names::choose(s.name1, s.name2, s.label, [&](const std::string& n) {
        return given_.contains(schema + "\n" + n);
      });
    }
    if (s.known()) given_.insert(schema + "\n" + s.display());
  }

  // One drop takes one object: the change named exactly `n`, else the first whose automatic
  // name may have been numbered to `n`, else the first a naming convention may have named `n`.
  bool undo_named(std::size_t down, const std::string& n,
                  const std::function<bool(const Change&)>& pred) {
    for (int pass = 0; pass < 3; ++pass) {
      for (Change& c : changes_) {
        if (!c.live || !pred(c)) continue;
        bool named = pass == 0   ? c.name.is(n)
                     : pass == 1 ? c.name.matches(n)
                                 : c.name.matches_by_convention(n);
        if (!named) continue;
        undo(c, down, true);
        return true;
      }
    }
    return false;
  }

  // The downgrade's operation `i` takes away `c`: undone, and reversed.
  void undo(Change& c, std::size_t down, bool reverses) {
    c.live = false;
    out_.undo[c.up] = Undo::undone;
    if (reverses && out_.reverses[down] == nullptr) out_.reverses[down] = &m_.upgrade[c.up];
  }

  // Every live change matching `pred` undone; the first one reversed by `down`.
  bool undo_all(std::size_t down, bool reverses, const std::function<bool(const Change&)>& pred) {
    bool found = false;
    for (Change& c : changes_) {
      if (c.live && pred(c)) {
        undo(c, down, reverses && !found);
        found = true;
      }
    }
    return found;
  }

  // The downgrade adds column `n` to table `t`, which the upgrade renamed to the name of a
  // column it dropped: the rename and the drop are both undone.
  void add_renamed_away(std::size_t down, const std::string& t, const std::string& n) {
    auto live = [&](Kind kind, bool made, const std::string& column) {
      return std::find_if(changes_.begin(), changes_.end(), [&](const Change& c) {
        return c.live && c.made == made && c.kind == kind && c.table == t && c.column == column;
      });
    };
    auto rename = live(Kind::column_name, true, n);
    if (rename == changes_.end()) return;
    auto drop = live(Kind::column, false, rename->value);
    if (drop == changes_.end() || drop->up > rename->up) return;
    undo(*drop, down, true);
    undo(*rename, down, false);
  }

  void downgrade(std::size_t i, const Operation& op) {
    std::visit(
        overloaded{
            [&](const DropTable& o) {
              std::string t = ids_.table(o.table);
              undo_all(i, true, [&](const Change& c) {
                return c.made && c.kind == Kind::table && c.table == t;
              });
              // What the upgrade made on the table goes with it, and its partitions (with
              // what is on them).
              std::set<std::string> gone = dropped_with(t, o.cascade);
              undo_all(i, false, [&](const Change& c) { return c.made && gone.contains(c.table); });
            },
            [&](const TableCommand& o) {
              note_view(o);
              if (o.what == "DROP TRIGGER" && !o.name.empty()) {
                const std::string t = ids_.table(o.table);
                undo_all(i, true, [&](const Change& c) {
                  return c.made && c.kind == Kind::trigger && c.table == t && c.column == o.name;
                });
                return;
              }
              // A materialized view's indexes go with it.
              std::set<std::string> gone = view_drop(o);
              if (gone.empty()) return;
              undo_all(i, false, [&](const Change& c) { return c.made && gone.contains(c.table); });
            },
            [&](const DropSchema& o) {
              // With CASCADE, everything in the schema goes (without, PostgreSQL drops only an
              // empty schema).
              if (!o.cascade || o.name.empty()) return;
              const std::string prefix = o.name + ".";
              undo_all(i, false,
                       [&](const Change& c) { return c.made && c.table.starts_with(prefix); });
            },
            [&](const CreateTable& o) {
              std::string t = ids_.table(o.table);
              undo_all(i, false, [&](const Change& c) {
                return !c.made && c.kind == Kind::table && c.table == t;
              });
              // Recreated with its constraints (written in the statement, which the IR only
              // partly keeps): a constraint the upgrade dropped from it is not asked for.
              undo_all(i, false, [&](const Change& c) {
                return !c.made && c.kind == Kind::constraint && c.table == t;
              });
            },
            [&](const RenameTable& o) {
              std::string t = ids_.table(o.table);
              QualifiedName to{o.table.schema, o.new_name};
              ids_.rename_table(o.table, to.key());
              if (to.key() != t) return;
              undo_all(i, true,
                       [&](const Change& c) { return c.kind == Kind::table_name && c.table == t; });
            },
            [&](const DropColumn& o) {
              std::string t = ids_.table(o.table);
              std::string col = ids_.column(t, o.column);
              undo_all(i, true, [&](const Change& c) {
                return c.made && c.kind == Kind::column && c.table == t && c.column == col;
              });
              undo_all(i, false, [&](const Change& c) {
                if (!c.made || c.table != t) return false;
                if (c.kind == Kind::not_null || c.kind == Kind::default_value) {
                  return c.column == col;
                }
                return (c.kind == Kind::index || c.kind == Kind::constraint) && on_column(c, col);
              });
              // A partial or expression index may be on it too: undone, but a later DROP INDEX
              // still matches it (and reverses it).
              for (Change& c : changes_) {
                if (c.live && c.made && c.table == t && c.partial &&
                    (c.kind == Kind::index || c.kind == Kind::constraint)) {
                  c.maybe_gone = true;
                  out_.undo[c.up] = Undo::undone;
                }
              }
            },
            [&](const AddColumn& o) {
              std::string t = ids_.table(o.table);
              const std::string& n = o.column.name;
              bool found = undo_all(i, false, [&](const Change& c) {
                return !c.made && c.kind == Kind::column && c.table == t && c.column == n;
              });
              // The upgrade dropped column `m` and renamed `n` to `m`; adding `n` back gives the
              // table its columns' names again (what was in `m` is lost either way).
              if (!found) add_renamed_away(i, t, n);
              // A column's own UNIQUE, PRIMARY KEY, REFERENCES or CHECK recreates a constraint
              // under an automatic name the IR doesn't keep every part of: not asked for.
              const ColumnDef& d = o.column;
              if (d.unique || d.primary_key || d.references) {
                undo_all(i, false, [&](const Change& c) {
                  return !c.made && c.kind == Kind::constraint && c.table == t;
                });
              }
            },
            [&](const RenameColumn& o) {
              std::string t = ids_.table(o.table);
              std::string col = ids_.column(t, o.column);
              ids_.rename_column(t, o.column, o.new_name);
              if (o.new_name != col) return;
              undo_all(i, true, [&](const Change& c) {
                return c.kind == Kind::column_name && c.table == t && c.column == col;
              });
            },
            [&](const DropNotNull& o) {
              std::string t = ids_.table(o.table);
              std::string col = ids_.column(t, o.column);
              undo_all(i, true, [&](const Change& c) {
                return c.kind == Kind::not_null && c.table == t && c.column == col;
              });
            },
            [&](const SetDefault& o) {
              std::string t = ids_.table(o.table);
              std::string col = ids_.column(t, o.column);
              undo_all(i, true, [&](const Change& c) {
                return c.kind == Kind::default_value && c.table == t && c.column == col;
              });
            },
            [&](const DropIndex& o) {
              const std::string& n = o.index.name;
              if (n.empty()) {
                runtime_index_drop_ = true;
                return;
              }
              bool found = undo_named(
                  i, n, [&](const Change& c) { return c.made && c.kind == Kind::index; });
              if (!found) {
                // An index the upgrade made with op.create_index(None, ...), named by the
                // metadata's naming convention, which this method can't always spell (indico's
                // `ix_%(unique_index)s...`): the drop of a name that holds its table's name
                // undoes it.
                for (Change& c : changes_) {
                  if (!c.live || !c.made || c.kind != Kind::index || !c.name.maybe_convention) {
                    continue;
                  }
                  const std::string table = c.table.substr(c.table.rfind('.') + 1);
                  if (!table.empty() && n.find(table) != std::string::npos) {
                    undo(c, i, true);
                    found = true;
                    break;
                  }
                }
              }
              if (!found) loose_index_drop_ = true;
            },
            [&](const CreateIndex& o) {
              NameSpec s = index_spec(o, python_ && is_op_call(m_, Phase::downgrade, op),
                                      name_converted(m_, Phase::downgrade, op));
              undo_all(i, false, [&](const Change& c) {
                if (c.made || c.kind != Kind::index) return false;
                // Recreated under a name we can't tell: assume it is the one.
                return s.known() && !s.maybe_convention
                           ? s.matches(c.name.exact) || s.matches_by_convention(c.name.exact)
                           : true;
              });
            },
            [&](const DropConstraint& o) {
              std::string t = ids_.table(o.table);
              const std::string& n = o.name;
              if (n.empty()) {
                runtime_constraint_drops_.insert(t);
                // A name looked up at run time (superset's generic_find_uq_constraint_name)
                // may well be a constraint the upgrade added to the table: the drop is taken as
                // its reversal, and no rule reports it.
                for (Change& c : changes_) {
                  if (c.live && c.made && c.kind == Kind::constraint && c.table == t) {
                    undo(c, i, true);
                    break;
                  }
                }
                return;
              }
              bool found = undo_named(i, n, [&](const Change& c) {
                return c.made && c.kind == Kind::constraint && c.table == t;
              });
              if (!found) loose_constraint_drops_.insert(t);
              // A unique or primary key constraint's index has its name; one added USING INDEX
              // took over an index of the upgrade (renamed to the constraint's name).
              bool over_index = std::any_of(changes_.begin(), changes_.end(), [&](const Change& c) {
                return c.kind == Kind::constraint && c.using_index && c.table == t &&
                       c.name.matches(n);
              });
              undo_all(i, false, [&](const Change& c) {
                return c.made && c.kind == Kind::index && c.table == t &&
                       (over_index || c.name.matches(n));
              });
            },
            [&](const AddConstraint& o) {
              std::string t = ids_.table(o.table);
              NameSpec s = constraint_spec(o, python_ && is_op_call(m_, Phase::downgrade, op),
                                           name_converted(m_, Phase::downgrade, op));
              undo_all(i, false, [&](const Change& c) {
                if (c.made || c.kind != Kind::constraint || c.table != t) return false;
                return s.known() && !s.maybe_convention
                           ? s.matches(c.name.exact) || s.matches_by_convention(c.name.exact)
                           : true;
              });
            },
            [&](const AlterEnum& o) {
              if (!o.rename) return;
              // Back from the new value to the old one.
              std::string back = o.name.key() + "\n" + o.old_value + "\n" + o.new_value;
              undo_all(i, true, [&](const Change& c) {
                return c.kind == Kind::enum_value && c.value == back;
              });
            },
            [](const auto&) {},
        },
        op.kind);
  }

  const Migration& m_;
  bool python_ = false;
  Identities ids_;
  std::set<std::string> created_tables_;  // origin keys of the tables the upgrade creates
  // The upgrade's tables made PARTITION OF (true) or INHERITS (false) a parent: origin key →
  // the parent's origin key.
  std::map<std::string, std::pair<std::string, bool>> children_;
  // The views the migration creates (origin key) and the relations each reads.
  std::map<std::string, std::vector<std::string>> view_sources_;
  std::set<std::string> given_;  // schema "\n" name of the upgrade's indexes and constraints
  // What the downgrade drops that matches nothing the upgrade made: a constraint (by its
  // table's origin key) or an index, maybe one whose name we can't tell; or one whose name is
  // only known at run time.
  std::set<std::string> loose_constraint_drops_;
  std::set<std::string> runtime_constraint_drops_;
  bool loose_index_drop_ = false;
  bool runtime_index_drop_ = false;
  std::vector<Change> changes_;
  Reversals out_;
};

}  // namespace

Reversals find_reversals(const Migration& migration) { return Finder(migration).run(); }

}  // namespace schemagate
