#include "engine/plan.hpp"

#include <algorithm>
#include <cctype>
#include <exception>
#include <filesystem>
#include <iterator>
#include <set>
#include <string>
#include <unordered_map>

#include "engine/layouts.hpp"
#include "schemagate/graph.hpp"

namespace schemagate {

namespace {

constexpr const char* kBugHelp = "please report this as a bug; the other rules still ran";

// Runs the graph rules; each finding goes to the planned migration of its Migration. A rule
// that fails is an internal-error of the project's first migration.
void run_graph_rules(const RevisionGraph& graph, std::vector<const Migration*> migrations,
                     const std::unordered_map<const Migration*, PlannedMigration*>& planned,
                     PlannedMigration* first, const LintOptions& options) {
  GraphContext ctx(graph, std::move(migrations));
  for (const RuleInfo& rule : all_rules()) {
    if (rule.graph_check == nullptr || !rule_enabled(rule, options)) continue;
    ctx.begin_rule(rule.id);
    std::size_t before = ctx.findings().size();
    std::string failure;
    try {
      rule.graph_check(ctx);
    } catch (const std::exception& e) {
      failure = "rule " + std::string(rule.id) + " failed: " + e.what();
    } catch (...) {
      failure = "rule " + std::string(rule.id) + " failed";
    }
    if (!failure.empty()) {
      ctx.findings().resize(before);
      if (first != nullptr)
        first->graph_findings.push_back(
            {"internal-error", {0, 0}, failure, kBugHelp, Phase::upgrade, std::nullopt});
    }
  }
  for (auto& [m, r] : ctx.findings()) {
    if (auto it = planned.find(m); it != planned.end()) {
      it->second->graph_findings.push_back(std::move(r));
    }
  }
}

PlannedMigration planned(const SourceGroup& group, std::size_t file) {
  PlannedMigration p;
  p.file = file;
  p.reported = !group.files[file].context_only;
  return p;
}

void make_history(PlannedMigration& p) {
  p.reported = false;
  p.history = true;
}

// The database a history's folder is named for, when it is not PostgreSQL ("SQLite" for
// every revision under versions/sqlite/): one of its last three folders names it, and none
// names PostgreSQL.
std::string other_database(const std::vector<const Migration*>& history) {
  static const std::pair<const char*, const char*> kOthers[] = {
      {"sqlite", "SQLite"},   {"sqlite3", "SQLite"},        {"mysql", "MySQL"},
      {"mariadb", "MariaDB"}, {"mssql", "SQL Server"},      {"sqlserver", "SQL Server"},
      {"oracle", "Oracle"},   {"cockroach", "CockroachDB"}, {"cockroachdb", "CockroachDB"}};
  std::string found;
  for (const Migration* m : history) {
    if (m->file == nullptr) return {};
    std::filesystem::path folder = std::filesystem::path(m->file->path).parent_path();
    std::string mine;
    for (int depth = 0; depth < 3 && !folder.empty() && folder.has_filename(); ++depth) {
      std::string name = folder.filename().string();
      std::transform(name.begin(), name.end(), name.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      if (name == "postgresql" || name == "postgres" || name == "pg") return {};
      for (const auto& [folder_name, database] : kOthers) {
        if (mine.empty() && name == folder_name) mine = database;
      }
      folder = folder.parent_path();
    }
    if (mine.empty() || (!found.empty() && found != mine)) return {};
    found = mine;
  }
  return found;
}

// An Alembic project: one sequence per separate history, in revision order (what the graph
// can't order, cycles and files without an id, after it).
void plan_alembic(const SourceGroup& group, Plan& plan, const LintOptions& options) {
  std::vector<const Migration*> migrations;
  std::unordered_map<const Migration*, std::size_t> file_of;
  for (std::size_t i = 0; i < plan.headers.size(); ++i) {
    if (!plan.headers[i].usable) continue;
    migrations.push_back(&plan.headers[i].header);
    file_of[&plan.headers[i].header] = i;
  }
  const std::vector<std::vector<const Migration*>> histories = separate_histories(migrations);
  // Another database's history is left out only beside one that is not (a project of one
  // history is the project's, whatever its folder is called).
  std::vector<std::string> databases;
  for (const auto& history : histories) databases.push_back(other_database(history));
  const bool postgres_history =
      std::any_of(databases.begin(), databases.end(), [](const auto& d) { return d.empty(); });
  for (std::size_t h = 0; h < histories.size(); ++h) {
    const std::vector<const Migration*>& history = histories[h];
    RevisionGraph graph(history);
    Sequence& seq = plan.sequences.emplace_back();
    std::set<const Migration*> placed;
    std::vector<const Migration*> order;
    for (const Migration* m : graph.order()) {
      placed.insert(m);
      order.push_back(m);
    }
    for (const Migration* m : history) {
      if (!placed.contains(m)) order.push_back(m);
    }
    seq.migrations.reserve(order.size());
    std::unordered_map<const Migration*, PlannedMigration*> by_migration;
    for (const Migration* m : order) {
      seq.migrations.push_back(planned(group, file_of.at(m)));
      by_migration[m] = &seq.migrations.back();
    }
    // Graph findings on a failing rule go to the first migration of the history, in the
    // group's (discovery) order.
    PlannedMigration* first = history.empty() ? nullptr : by_migration.at(history.front());
    if (postgres_history && !databases[h].empty()) {
      for (PlannedMigration& p : seq.migrations) p.other_database = databases[h];
      continue;
    }
    run_graph_rules(graph, {}, by_migration, first, options);
    if (options.start_after.empty()) continue;
    const Migration* from = graph.find(options.start_after);
    if (from == nullptr) continue;
    // start_after: the revision and its ancestors are history, replayed but not reported.
    plan.start_after_found = true;
    std::vector<const Migration*> todo{from};
    std::set<const Migration*> seen;
    while (!todo.empty()) {
      const Migration* m = todo.back();
      todo.pop_back();
      if (!seen.insert(m).second) continue;
      make_history(*by_migration.at(m));
      for (const std::string& p : m->parents) {
        if (const Migration* parent = graph.find(p)) todo.push_back(parent);
      }
    }
  }
}

// The upgrade a downgrade file undoes: same version (and name, among duplicates), not yet
// paired. `ups` is in run order, repeatable migrations last. A Sqitch revert script undoes
// the deploy script of the same change (names are unique among a plan's scripts). `hint`:
// where in `ups` the previous downgrade's version starts, plus one; updated.
std::optional<std::size_t> pair_of(const SourceGroup& group, std::size_t down,
                                   const std::vector<std::size_t>& ups,
                                   const std::set<std::size_t>& paired, std::size_t& hint) {
  const SqlRole& role = group.files[down].role;
  if (traits(role.layout).pairing == Pairing::name) {
    for (std::size_t up : ups) {
      if (!paired.contains(up) && group.files[up].role.name == role.name) return up;
    }
    return std::nullopt;
  }
  auto earlier = [&](std::size_t up) {
    const SqlRole& r = group.files[up].role;
    return !r.repeatable && compare_versions(r.version, role.version) < 0;
  };
  // Downgrade files come in their upgrades' order, most often: where the previous one's
  // version started, plus one, is tried before a binary search.
  auto first = ups.begin() + static_cast<std::ptrdiff_t>(std::min(hint, ups.size()));
  if ((first != ups.begin() && !earlier(*std::prev(first))) ||
      (first != ups.end() && earlier(*first))) {
    first = std::partition_point(ups.begin(), ups.end(), earlier);
  }
  hint = static_cast<std::size_t>(first - ups.begin()) + 1;
  std::optional<std::size_t> found;
  for (auto it = first; it != ups.end(); ++it) {
    const SqlRole& up = group.files[*it].role;
    if (up.repeatable || compare_versions(up.version, role.version) != 0) break;
    if (paired.contains(*it)) continue;
    if (up.name == role.name) return *it;
    if (!found) found = *it;
  }
  return found;
}

// A layout folder of versioned SQL migrations: each downgrade file paired with its upgrade,
// in run order, one replayed schema; downgrades of nothing each on their own.
void plan_sql_project(const SourceGroup& group, Plan& plan, const LintOptions& options) {
  std::vector<std::size_t> ups;
  std::vector<std::size_t> downs;
  for (std::size_t i = 0; i < group.files.size(); ++i) {
    const SqlRole& role = group.files[i].role;
    Migration& h = plan.headers[i].header;
    h.id = role.version;
    h.layout = role.layout;
    (role.down ? downs : ups).push_back(i);
  }
  auto before = [&](std::size_t a, std::size_t b) {
    return runs_before(group.files[a].role, group.files[b].role);
  };
  // Discovery lists a folder's files by name, most often their run order already: one pass
  // tells, where sorting compares each file's version with a dozen others.
  if (!std::is_sorted(ups.begin(), ups.end(), before)) {
    std::stable_sort(ups.begin(), ups.end(), before);
  }
  std::set<std::size_t> paired;
  std::unordered_map<std::size_t, std::size_t> down_of;
  std::vector<std::size_t> orphans;
  std::size_t hint = 0;
  for (std::size_t d : downs) {
    if (auto up = pair_of(group, d, ups, paired, hint)) {
      paired.insert(*up);
      down_of[*up] = d;
    } else {
      orphans.push_back(d);
    }
  }
  Sequence& seq = plan.sequences.emplace_back();
  seq.migrations.reserve(ups.size());
  std::vector<const Migration*> migrations;
  std::unordered_map<const Migration*, PlannedMigration*> by_migration;
  for (std::size_t up : ups) {
    PlannedMigration p = planned(group, up);
    if (auto d = down_of.find(up); d != down_of.end()) {
      p.down = d->second;
      // A downgrade file reported on (named alone) makes its migration reported.
      p.reported = p.reported || !group.files[d->second].context_only;
    }
    seq.migrations.push_back(std::move(p));
    migrations.push_back(&plan.headers[up].header);
    by_migration[migrations.back()] = &seq.migrations.back();
  }
  RevisionGraph none({});  // versions, not revisions: the Alembic graph rules see nothing
  run_graph_rules(
      none, migrations, by_migration,
      ups.empty()
          ? nullptr
          : by_migration.at(&plan.headers[*std::min_element(ups.begin(), ups.end())].header),
      options);
  if (!options.start_after.empty()) {
    std::vector<const SqlRole*> roles;
    for (std::size_t up : ups) roles.push_back(&group.files[up].role);
    std::vector<bool> history = history_of(roles, options.start_after);
    for (std::size_t k = 0; k < ups.size(); ++k) {
      if (history[k]) make_history(seq.migrations[k]);
    }
    plan.start_after_found = std::find(history.begin(), history.end(), true) != history.end() &&
                             std::any_of(roles.begin(), roles.end(), [&](const SqlRole* r) {
                               return names_version(*r, options.start_after);
                             });
  }
  if (!orphans.empty()) {
    Sequence& alone = plan.sequences.emplace_back();
    alone.shared = false;
    for (std::size_t d : orphans) {
      PlannedMigration p = planned(group, d);
      p.downgrade_only = true;
      alone.migrations.push_back(std::move(p));
    }
  }
}

}  // namespace

bool rule_enabled(const RuleInfo& rule, const LintOptions& options) {
  if (options.disable.contains(std::string(rule.id))) return false;
  return !rule.opt_in || options.enable.contains(std::string(rule.id));
}

Plan make_plan(const SourceGroup& group, std::vector<FileHeader> headers,
               const LintOptions& options) {
  Plan plan;
  plan.headers = std::move(headers);
  bool python = std::any_of(group.files.begin(), group.files.end(),
                            [](const SourceRef& r) { return r.kind == SourceKind::python; });
  if (python) {
    plan_alembic(group, plan, options);
  } else if (traits(group.layout).versioned) {
    plan_sql_project(group, plan, options);
  } else {
    // Bare SQL files: each on its own.
    Sequence& seq = plan.sequences.emplace_back();
    seq.shared = false;
    for (std::size_t i = 0; i < group.files.size(); ++i) {
      if (plan.headers[i].usable) seq.migrations.push_back(planned(group, i));
    }
  }
  return plan;
}

std::optional<PlanPlace> find_in_plan(const Plan& plan, std::size_t file) {
  for (std::size_t s = 0; s < plan.sequences.size(); ++s) {
    const auto& ms = plan.sequences[s].migrations;
    for (std::size_t i = 0; i < ms.size(); ++i) {
      if (ms[i].file == file) return PlanPlace{s, i, false};
      if (ms[i].down == file) return PlanPlace{s, i, true};
    }
  }
  return std::nullopt;
}

}  // namespace schemagate
