// Placing SQL files in their layouts (layouts.hpp).
#include "engine/layouts.hpp"

#include <fnmatch.h>

#include <algorithm>
#include <cstdint>
#include <numeric>
#include <system_error>

namespace schemagate {

namespace fs = std::filesystem;

namespace {

bool starts_with_digit(const std::string& s) { return !s.empty() && s[0] >= '0' && s[0] <= '9'; }

}  // namespace

Layout detect_layout(const fs::path& dir) {
  std::error_code ec;
  if (fs::exists(dir / "sqitch.plan", ec)) return Layout::sqitch;
  std::vector<const LayoutSpec*> specs = detectable_layouts();
  std::vector<int> counts(specs.size(), 0);
  // The first layout that recognises a file counts it: popx (specs[0]) before golang-migrate,
  // whose names popx's include; then golang-migrate, whose `N_name.up.sql` names decide
  // without reading the file that dbmate's marker needs; the numbered files of golang-migrate,
  // dbmate or Flyway are theirs.
  std::vector<std::size_t> order(specs.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_partition(order.begin() + 1, order.end(), [&](std::size_t i) {
    return specs[i]->layout() == Layout::golang_migrate;
  });
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().extension() != ".sql" || !it->is_regular_file(ec)) continue;
    for (std::size_t i : order) {
      if (specs[i]->recognises(it->path())) {
        ++counts[i];
        break;
      }
    }
  }
  // Any popx marker decides; then the layout with the most files (dbmate, golang-migrate,
  // Flyway on a tie); numbered files make a history only when there are two or more.
  if (counts[0] > 0) return specs[0]->layout();
  std::size_t best = 0;
  for (std::size_t i = 1; i + 1 < specs.size(); ++i) {
    if (counts[i] > 0 && (best == 0 || counts[i] > counts[best])) best = i;
  }
  if (best != 0) return specs[best]->layout();
  if (counts.back() >= 2) return specs.back()->layout();
  return Layout::sql;
}

bool LayoutResolver::override_for(const fs::path& dir, Layout& out) const {
  std::error_code ec;
  std::vector<std::string> spellings{dir.generic_string()};
  fs::path canonical = fs::weakly_canonical(dir, ec);
  if (!ec) spellings.push_back(canonical.generic_string());
  for (const auto& [glob, layout] : overrides_) {
    for (const std::string& s : spellings) {
      if (fnmatch(glob.c_str(), s.c_str(), 0) == 0 ||
          fnmatch(glob.c_str(), (s + "/").c_str(), 0) == 0) {
        out = layout;
        return true;
      }
    }
  }
  return false;
}

Layout LayoutResolver::detect(const fs::path& dir) {
  std::string key = dir.generic_string();
  auto it = detected_.find(key);
  if (it != detected_.end()) return it->second;
  Layout layout = Layout::sql;
  if (!override_for(dir, layout)) layout = detect_layout(dir);
  detected_.emplace(key, layout);
  return layout;
}

SqlPlacement LayoutResolver::place(const fs::path& file) {
  std::error_code ec;
  fs::path parent = file.parent_path().empty() ? fs::path(".") : file.parent_path();
  fs::path grand = parent.parent_path().empty() ? fs::path(".") : parent.parent_path();
  std::string pname = parent.filename().string();
  std::string fname = file.filename().string();
  SqlPlacement out;
  // Layouts whose migrations are folders: the project is the folder above.
  Layout folder_layout = Layout::sql;
  bool by_folder = true;
  if ((pname == "deploy" || pname == "revert" || pname == "verify") &&
      fs::exists(grand / "sqitch.plan", ec)) {
    folder_layout = Layout::sqitch;
  } else if ((fname == "up.sql" || fname == "down.sql") && starts_with_digit(pname)) {
    folder_layout = Layout::diesel;
  } else if (fname == "migration.sql" && starts_with_digit(pname)) {
    folder_layout = Layout::prisma;
  } else {
    by_folder = false;
  }
  if (by_folder) {
    out.project_dir = grand;
    (void)override_for(grand, folder_layout);
    out.role = sql_role(folder_layout, file, grand);
    return out;
  }
  out.project_dir = parent;
  out.role = sql_role(detect(parent), file, parent);
  return out;
}

std::vector<fs::path> LayoutResolver::project_files(const fs::path& project_dir, Layout layout) {
  return layout_spec(layout).project_files(project_dir);
}

SqlRole sql_role(Layout layout, const fs::path& file, const fs::path& project_dir) {
  return layout_spec(layout).role(file, project_dir).value_or(SqlRole{});
}

bool runs_before(const SqlRole& a, const SqlRole& b) {
  if (a.repeatable != b.repeatable) return b.repeatable;  // Flyway: repeatables last
  if (traits(a.layout).ordering == Ordering::plan) {
    // Planned changes in plan order, unplanned ones after them by name.
    std::size_t pa = a.plan_order == 0 ? SIZE_MAX : a.plan_order;
    std::size_t pb = b.plan_order == 0 ? SIZE_MAX : b.plan_order;
    if (pa != pb) return pa < pb;
    return a.name < b.name;
  }
  if (int c = compare_versions(a.version, b.version); c != 0) return c < 0;
  return a.name < b.name;
}

bool names_version(const SqlRole& role, const std::string& start_after) {
  if (role.repeatable) return false;
  if (traits(role.layout).ordering == Ordering::plan) return role.name == start_after;
  return compare_versions(role.version, start_after) == 0;
}

std::vector<bool> history_of(const std::vector<const SqlRole*>& ups,
                             const std::string& start_after) {
  std::vector<bool> out(ups.size(), false);
  if (start_after.empty()) return out;
  bool by_plan = !ups.empty() && traits(ups.front()->layout).ordering == Ordering::plan;
  std::size_t last = ups.size();
  for (std::size_t i = 0; i < ups.size(); ++i) {
    if (names_version(*ups[i], start_after)) last = i;
  }
  for (std::size_t i = 0; i < ups.size(); ++i) {
    if (ups[i]->repeatable) continue;
    out[i] = by_plan ? last < ups.size() && i <= last
                     : compare_versions(ups[i]->version, start_after) <= 0;
  }
  return out;
}

}  // namespace schemagate
