#include "engine/discover.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <system_error>
#include <unordered_map>

#include "engine/glob.hpp"

namespace schemagate {

namespace fs = std::filesystem;

namespace {

std::string trim(std::string s) {
  const char* ws = " \t\r\n";
  s.erase(0, s.find_first_not_of(ws));
  s.erase(s.find_last_not_of(ws) + 1);
  return s;
}

// The folders an alembic.ini names, resolved against its folder `dir`.
struct IniLocations {
  std::string script_location;
  std::vector<std::string> version_dirs;
};

IniLocations read_ini(std::string_view text, const std::string& dir) {
  const fs::path here(dir);
  std::istringstream in{std::string(text)};
  std::string section;
  std::string script_location;
  std::string version_locations;
  std::string separator;
  for (std::string line; std::getline(in, line);) {
    line = trim(line);
    if (line.empty() || line[0] == '#' || line[0] == ';') continue;
    if (line.front() == '[' && line.back() == ']') {
      section = line.substr(1, line.size() - 2);
      continue;
    }
    if (section != "alembic") continue;
    auto eq = line.find('=');
    if (eq == std::string::npos) continue;
    std::string key = trim(line.substr(0, eq));
    std::string value = trim(line.substr(eq + 1));
    // Searched on after each replacement: the folder's own name may hold "%(here)s".
    const std::string here_text = here.generic_string();
    for (std::size_t at = 0; (at = value.find("%(here)s", at)) != std::string::npos;
         at += here_text.size()) {
      value.replace(at, 8, here_text);
    }
    if (key == "script_location") script_location = value;
    if (key == "version_locations") version_locations = value;
    if (key == "version_path_separator" || key == "path_separator") separator = value;
  }
  auto resolve = [&](const std::string& v) {
    fs::path p(v);
    // "package:folder" names a package; only plain paths can be resolved statically.
    std::error_code ec;  // a name too long for the file system is not an existing path
    if (v.find(':') != std::string::npos && !fs::exists(p, ec)) return std::string();
    return (p.is_absolute() ? p : here / p).lexically_normal().generic_string();
  };
  IniLocations out;
  std::vector<std::string>& dirs = out.version_dirs;
  if (!script_location.empty()) {
    out.script_location = resolve(script_location);
    if (!out.script_location.empty()) {
      dirs.push_back((fs::path(out.script_location) / "versions").generic_string());
    }
  }
  if (!version_locations.empty()) {
    char sep = ' ';
    if (separator == "os" || separator == ":") sep = ':';
    if (separator == ";") sep = ';';
    if (separator == "," || version_locations.find(',') != std::string::npos) sep = ',';
    std::istringstream parts(version_locations);
    for (std::string part; std::getline(parts, part, sep);) {
      part = trim(part);
      if (part.empty()) continue;
      std::string s = resolve(part);
      if (!s.empty()) dirs.push_back(s);
    }
  }
  return out;
}

// The text of the alembic.ini at `ini_path`, and its folder (absolute) in `here`.
std::optional<std::string> ini_text(const std::string& ini_path, std::string& here) {
  std::error_code ec;
  if (!fs::is_regular_file(ini_path, ec)) return std::nullopt;
  std::ifstream in(ini_path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  here = fs::absolute(fs::path(ini_path).parent_path().empty() ? fs::path(".")
                                                               : fs::path(ini_path).parent_path(),
                      ec)
             .generic_string();
  return text.str();
}

// Folders never walked: version control, caches, virtual environments, dependencies.
bool skipped_directory(const fs::path& p) {
  std::string name = p.filename().string();
  return (!name.empty() && name[0] == '.') || name == "node_modules" || name == "__pycache__" ||
         name == "venv" || name == "site-packages";
}

std::string canonical_or_given(const fs::path& p) {
  std::error_code ec;
  fs::path c = fs::weakly_canonical(p, ec);
  return (ec ? p : c).generic_string();
}

// The nearest folder at or above `start` holding .git, or `start` itself.
std::string project_root_for(const fs::path& start) {
  std::error_code ec;
  fs::path dir = fs::weakly_canonical(start, ec);
  if (ec) dir = start;
  if (!fs::is_directory(dir, ec)) dir = dir.parent_path();
  for (fs::path d = dir; !d.empty(); d = d.parent_path()) {
    if (fs::exists(d / ".git", ec)) return d.generic_string();
    if (d == d.parent_path()) break;
  }
  return dir.generic_string();
}

// Is `path` (canonical) `root` (canonical) or below it?
bool inside(const fs::path& path, const fs::path& root) {
  auto rel = path.lexically_relative(root);
  return !rel.empty() && *rel.begin() != "..";
}

// A symbolic link whose target is not below `root` (or that can't be resolved).
bool links_outside(const fs::path& p, const fs::path& root) {
  std::error_code ec;
  if (!fs::is_symlink(p, ec)) return false;
  fs::path target = fs::canonical(p, ec);
  if (ec) return true;
  fs::path real_root = fs::weakly_canonical(root, ec);
  return ec || !inside(target, real_root);
}

// An Alembic project: its key, and the folders whose .py files (at any depth, or only at the
// top for a folder that is not known to be a version folder) are its revisions.
struct AlembicProject {
  std::string key;
  std::string display;  // the key as the user would write it
  std::vector<fs::path> roots;
  bool recursive = true;
  std::string env;  // where its env.py would be: alembic.ini's script_location, or beside
                    // the versions folder; empty when unknown
};

class Walker {
 public:
  Walker(Discovery& out, const DiscoverOptions& options, std::size_t args)
      : out_(out), options_(options), filter_(options.exclude), layouts_(options.layout_overrides) {
    out_.left_out.assign(args, 0);
  }

  void add_path(const std::string& arg, std::size_t index) {
    std::error_code ec;
    fs::file_status st = fs::status(arg, ec);
    if (fs::is_directory(st)) {
      walk(arg, arg, index);
      return;
    }
    // A file named on the command line is linted whatever it is (a missing one is reported
    // when it is read).
    fs::path p(arg);
    bool hidden = excluded(arg);
    if (p.extension() != ".py") {
      if (options_.only_migrations && p.extension() != ".sql") {
        ++out_.left_out[index];
        return;
      }
      add_sql_file(p, arg, index, hidden);
      return;
    }
    // A revision named alone (as pre-commit does) is linted with the other revisions of its
    // project as context, so that its parent, the heads and the replayed schema are right.
    const AlembicProject& project = alembic_project(p);
    SourceRef ref{arg, SourceKind::python, true, hidden, {}, hidden, index};
    add(ref, project, arg);
  }

  void finish() {
    // The other revisions of each Alembic project, wherever they are, as context: a revision
    // named alone, or a folder of a project whose versions are spread over several folders.
    for (auto& [key, project] : projects_by_key_) {
      if (!groups_.contains(key)) continue;
      for (const fs::path& root : project.roots) {
        if (inside_walked(canonical_dir(root)) && project.recursive) continue;
        add_context_revisions(root, project);
      }
    }
    for (auto& [key, g] : groups_) {
      // The same file met twice (named, and as another's sibling): keep the reported one.
      // Canonical paths are computed once per file (each costs system calls).
      std::vector<std::pair<std::string, SourceRef>> keyed;
      keyed.reserve(g.files.size());
      for (SourceRef& ref : g.files) keyed.emplace_back(canonical_file(ref.path), std::move(ref));
      std::sort(keyed.begin(), keyed.end(), [](const auto& a, const auto& b) {
        return a.first != b.first ? a.first < b.first
                                  : a.second.context_only < b.second.context_only;
      });
      keyed.erase(std::unique(keyed.begin(), keyed.end(),
                              [](const auto& a, const auto& b) { return a.first == b.first; }),
                  keyed.end());
      g.files.clear();
      for (auto& [canonical, ref] : keyed) g.files.push_back(std::move(ref));
      // A project with nothing to report (all of it excluded) is left out.
      if (std::all_of(g.files.begin(), g.files.end(),
                      [](const SourceRef& r) { return r.context_only; })) {
        for (const SourceRef& r : g.files) {
          if (r.excluded && r.arg < out_.left_out.size()) ++out_.left_out[r.arg];
        }
        continue;
      }
      out_.groups.push_back(std::move(g));
    }
  }

 private:
  // canonical_or_given of a folder, remembered: files of one folder ask for it many times.
  const std::string& canonical_dir(const fs::path& dir) {
    std::string spelled = dir.generic_string();
    auto it = canonical_dirs_.find(spelled);
    if (it == canonical_dirs_.end())
      it = canonical_dirs_.emplace(spelled, canonical_or_given(dir)).first;
    return it->second;
  }

  // canonical_or_given of a file: its folder's (remembered) and its name, unless the file is
  // a symbolic link (one lstat instead of one per path component).
  std::string canonical_file(const std::string& path) {
    fs::path p(path);
    std::error_code ec;
    fs::file_status st = fs::symlink_status(p, ec);
    if (ec || fs::is_symlink(st) || !p.has_filename()) return canonical_or_given(p);
    fs::path parent = p.parent_path().empty() ? fs::path(".") : p.parent_path();
    return (fs::path(canonical_dir(parent)) / p.filename()).generic_string();
  }

  bool excluded(const std::string& path) const { return filter_.excluded(path); }

  void problem(const fs::path& p, const std::string& why) {
    if (excluded(p.generic_string())) return;  // excluded: its problems are not reported either
    out_.problems.push_back({p.generic_string(), why});
  }

  // A SQL file named alone: a versioned migration is linted with its whole layout folder
  // replayed as context (findings only for the named file).
  void add_sql_file(const fs::path& p, const std::string& arg, std::size_t index, bool hidden) {
    std::error_code ec;
    SqlPlacement place = fs::is_regular_file(p, ec) ? layouts_.place(p) : SqlPlacement{};
    if (place.role.skip) {  // not a migration (Sqitch verify/, another database's file)
      ++out_.left_out[index];
      return;
    }
    if (!traits(place.role.layout).versioned) {
      add(SourceRef{arg, SourceKind::sql, true, hidden, place.role, hidden, index}, arg, arg,
          Layout::sql);
      return;
    }
    std::string key = project_key(place);
    add(SourceRef{arg, SourceKind::sql, true, hidden, place.role, hidden, index}, key, arg,
        place.role.layout);
    for (const fs::path& sibling : layouts_.project_files(place.project_dir, place.role.layout)) {
      if (fs::equivalent(sibling, p, ec) || links_outside(sibling, place.project_dir)) continue;
      SqlPlacement other = layouts_.place(sibling);
      if (other.role.skip || project_key(other) != key) continue;
      add(SourceRef{sibling.generic_string(), SourceKind::sql, false, true, other.role, false,
                    index},
          key, arg, place.role.layout);
    }
  }

  std::string project_key(const SqlPlacement& place) {
    std::string dir = canonical_dir(place.project_dir);
    std::string key = dir + "#" + std::string(to_string(place.role.layout));
    display_names_.emplace(key, place.project_dir.generic_string());
    return key;
  }

  void add(const SourceRef& ref, const std::string& key, const std::string& root_hint,
           Layout layout) {
    SourceGroup& g = groups_[key];
    if (g.key.empty()) {
      g.key = key;
      g.layout = layout;
      auto named = display_names_.find(key);
      g.name = named != display_names_.end() ? named->second : key;
      auto known = project_roots_.find(root_hint);
      if (known == project_roots_.end()) {
        known = project_roots_.emplace(root_hint, project_root_for(root_hint)).first;
      }
      g.project_root = known->second;
    }
    g.files.push_back(ref);
  }

  void add(const SourceRef& ref, const AlembicProject& project, const std::string& root_hint) {
    display_names_.emplace(project.key, project.display);
    projects_by_key_.emplace(project.key, project);
    add(ref, project.key, root_hint, Layout::alembic);
    SourceGroup& g = groups_[project.key];
    std::error_code ec;
    if (g.alembic_env.empty() && !project.env.empty() && fs::is_regular_file(project.env, ec)) {
      g.alembic_env = project.env;
    }
  }

  // The version folders an alembic.ini names (canonical), and where its env.py is (in its
  // script_location), read once.
  const std::vector<std::string>& ini_version_dirs(const fs::path& ini) {
    std::string key = canonical_or_given(ini);
    auto it = ini_dirs_.find(key);
    if (it != ini_dirs_.end()) return it->second;
    std::vector<std::string> dirs;
    std::string here;
    if (std::optional<std::string> text = ini_text(ini.generic_string(), here)) {
      IniLocations locations = read_ini(*text, here);
      for (const std::string& d : locations.version_dirs) dirs.push_back(canonical_or_given(d));
      if (!locations.script_location.empty()) {
        ini_env_[key] = (fs::path(locations.script_location) / "env.py").generic_string();
      }
    }
    return ini_dirs_.emplace(key, std::move(dirs)).first->second;
  }

  static std::string display_of(const std::string& canonical) {
    std::error_code ec;
    fs::path cwd = fs::current_path(ec);
    if (!ec) {
      fs::path rel = fs::path(canonical).lexically_relative(fs::weakly_canonical(cwd, ec));
      if (!ec && !rel.empty() && *rel.begin() != "..") return rel.generic_string();
    }
    return canonical;
  }

  // The Alembic project of the revision `file`: the alembic.ini (at or above it, or met while
  // walking) that names a version folder at or above it, else the nearest `versions` folder
  // above it beside an env.py or script.py.mako, else its own folder. Version folders are
  // read at any depth (`versions/2024/expand/...`, per-release branch folders), as one graph.
  const AlembicProject& alembic_project(const fs::path& file) {
    fs::path parent = file.parent_path().empty() ? fs::path(".") : file.parent_path();
    const std::string dir = canonical_dir(parent);
    auto cached = project_of_dir_.find(dir);
    if (cached != project_of_dir_.end()) return cached->second;
    std::error_code ec;
    AlembicProject project;
    auto is_below = [](const std::string& path, const std::string& root) {
      return inside(fs::path(path), fs::path(root));
    };
    for (fs::path d(dir); project.key.empty(); d = d.parent_path()) {
      std::string ds = d.generic_string();
      std::vector<std::pair<std::string, std::string>> owners;  // (ini key, version dir)
      if (auto it = version_dir_owner_.find(ds); it != version_dir_owner_.end()) {
        owners.emplace_back(it->second, ds);
      }
      fs::path ini = d / "alembic.ini";
      if (fs::is_regular_file(ini, ec)) {
        for (const std::string& v : ini_version_dirs(ini)) {
          if (is_below(dir, v)) owners.emplace_back(canonical_or_given(ini), v);
        }
      }
      if (!owners.empty()) {
        project.key = owners.front().first;
        project.display = display_of(project.key);
        if (auto env = ini_env_.find(project.key); env != ini_env_.end()) project.env = env->second;
        for (const std::string& v : ini_dirs_[project.key]) project.roots.emplace_back(v);
        if (project.roots.empty()) project.roots.emplace_back(owners.front().second);
        for (const auto& [owner, v] : version_dir_owner_) {
          if (owner == project.key && std::find(project.roots.begin(), project.roots.end(),
                                                fs::path(v)) == project.roots.end()) {
            project.roots.emplace_back(v);
          }
        }
      }
      if (d == d.parent_path() || d.empty()) break;
    }
    if (project.key.empty()) {
      for (fs::path d(dir);; d = d.parent_path()) {
        if (d.filename() == "versions" && (fs::exists(d.parent_path() / "env.py", ec) ||
                                           fs::exists(d.parent_path() / "script.py.mako", ec))) {
          project.key = d.generic_string();
          project.display = display_of(project.key);
          project.roots = {d};
          project.env = (d.parent_path() / "env.py").generic_string();
          break;
        }
        if (d == d.parent_path() || d.empty()) break;
      }
    }
    if (project.key.empty()) {
      // A folder of revisions on its own: its files only.
      project.key = dir;
      project.display = parent.generic_string();
      project.roots = {parent};
      project.recursive = false;
      // env.py where Alembic's layout puts it: beside the folder, or one folder higher (for
      // versions/<dialect>/ when version_locations is set in code).
      fs::path above = fs::path(dir).parent_path();
      for (int up = 0; up < 2 && !above.empty() && project.env.empty(); ++up) {
        if (fs::is_regular_file(above / "env.py", ec))
          project.env = (above / "env.py").generic_string();
        above = above.parent_path();
      }
    }
    return project_of_dir_.emplace(dir, std::move(project)).first->second;
  }

  // The revisions under `root` that are not named or walked yet, as context.
  void add_context_revisions(const fs::path& root, const AlembicProject& project) {
    std::error_code ec;
    std::vector<fs::path> dirs{root};
    while (!dirs.empty()) {
      fs::path dir = std::move(dirs.back());
      dirs.pop_back();
      for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        const fs::path& p = it->path();
        fs::file_status link = it->symlink_status(ec);
        if (fs::is_directory(link)) {
          if (project.recursive && !skipped_directory(p)) dirs.push_back(p);
          continue;
        }
        // Context only: files that are not regular, or links out of the folder, are left alone
        // (a directory walk would report them).
        if (p.extension() != ".py" || !it->is_regular_file(ec) || links_outside(p, root)) {
          ec.clear();
          continue;
        }
        if (alembic_project(p).key != project.key) continue;
        auto& g = groups_[project.key];
        g.files.push_back(SourceRef{p.generic_string(),
                                    SourceKind::python,
                                    false,
                                    true,
                                    {},
                                    false,
                                    g.files.empty() ? 0 : g.files.front().arg});
      }
      ec.clear();
    }
  }

  void read_alembic_ini(const fs::path& ini, const std::string& arg, std::size_t index) {
    std::string key = canonical_or_given(ini);
    for (const std::string& dir : ini_version_dirs(ini)) {
      version_dir_owner_.emplace(dir, key);
      // A version folder outside the walked tree is walked too.
      pending_.push_back({dir, arg, index});
    }
  }

  void walk(const std::string& root, const std::string& arg, std::size_t index) {
    std::error_code ec;
    const std::string real_root = canonical_or_given(root);
    if (!walked_.insert(real_root).second) return;
    // alembic.ini files first, so that their version folders are known before grouping.
    std::vector<fs::path> dirs{fs::path(root)};
    std::vector<fs::path> files;
    while (!dirs.empty()) {
      fs::path dir = std::move(dirs.back());
      dirs.pop_back();
      fs::directory_iterator it(dir, ec);
      if (ec) {
        problem(dir, ec.message());
        continue;
      }
      for (fs::directory_iterator end; it != end; it.increment(ec)) {
        const fs::directory_entry& entry = *it;
        fs::file_status link = entry.symlink_status(ec);
        if (fs::is_directory(link)) {
          if (!skipped_directory(entry.path())) dirs.push_back(entry.path());
          continue;
        }
        const fs::path& p = entry.path();
        bool ini = p.filename() == "alembic.ini";
        if (!ini && p.extension() != ".sql" && p.extension() != ".py") continue;
        if (fs::is_symlink(link)) {
          fs::path target = fs::canonical(p, ec);
          if (ec) {
            problem(p, ec.message());
            ec.clear();
            continue;
          }
          if (!inside(target, real_root)) {
            problem(p, "symbolic link to a file outside the linted directory; not followed");
            continue;
          }
        }
        // A FIFO would block the run, a device never end: only regular files are read.
        fs::file_status st = entry.status(ec);
        if (!fs::is_regular_file(st)) {
          if (!ec && !fs::is_directory(st)) problem(p, "not a regular file; not read");
          ec.clear();
          continue;
        }
        if (ini) {
          read_alembic_ini(p, arg, index);
        } else {
          files.push_back(p);
        }
      }
      if (ec) problem(dir, ec.message());
    }
    for (const fs::path& p : files) {
      bool py = p.extension() == ".py";
      bool hidden = excluded(p.generic_string());
      SourceRef ref{p.generic_string(),
                    py ? SourceKind::python : SourceKind::sql,
                    false,
                    hidden,
                    {},
                    hidden,
                    index};
      if (py) {
        add(ref, alembic_project(p), arg);
        continue;
      }
      SqlPlacement place = layouts_.place(p);
      if (place.role.skip) continue;
      ref.role = place.role;
      if (traits(place.role.layout).versioned) {
        add(ref, project_key(place), arg, place.role.layout);
      } else {
        add(ref, ref.path, arg, Layout::sql);
      }
    }
    while (!pending_.empty()) {
      auto [dir, from, from_index] = pending_.back();
      pending_.pop_back();
      if (fs::is_directory(dir, ec) && !inside_walked(canonical_or_given(dir))) {
        walk(dir, from, from_index);
      }
    }
  }

  bool inside_walked(const std::string& dir) const {
    return std::any_of(walked_.begin(), walked_.end(),
                       [&](const std::string& root) { return dir == root || inside(dir, root); });
  }

  struct Pending {
    std::string dir;
    std::string arg;
    std::size_t index;
  };

  Discovery& out_;
  const DiscoverOptions& options_;
  PathFilter filter_;
  LayoutResolver layouts_;
  std::map<std::string, SourceGroup> groups_;
  std::map<std::string, std::string> version_dir_owner_;      // canonical folder → ini key
  std::map<std::string, std::vector<std::string>> ini_dirs_;  // ini key → version folders
  std::map<std::string, std::string> ini_env_;                // ini key → its env.py
  std::map<std::string, AlembicProject> project_of_dir_;      // canonical folder → project
  std::map<std::string, AlembicProject> projects_by_key_;     // key → project
  std::map<std::string, std::string> display_names_;          // key → as the user would write it
  std::unordered_map<std::string, std::string> canonical_dirs_;  // as spelled → canonical
  std::set<std::string> walked_;
  std::map<std::string, std::string> project_roots_;  // argument → project_root_for(argument)
  std::vector<Pending> pending_;
};

}  // namespace

std::vector<std::string> alembic_version_dirs(const std::string& ini_path) {
  std::string here;
  std::optional<std::string> text = ini_text(ini_path, here);
  return text ? alembic_ini_version_dirs(*text, here) : std::vector<std::string>{};
}

std::vector<std::string> alembic_ini_version_dirs(std::string_view text, const std::string& dir) {
  return read_ini(text, dir).version_dirs;
}

std::string alembic_ini_script_location(std::string_view text, const std::string& dir) {
  return read_ini(text, dir).script_location;
}

Discovery discover(const std::vector<std::string>& paths, const DiscoverOptions& options) {
  Discovery out;
  Walker w(out, options, paths.size());
  for (std::size_t i = 0; i < paths.size(); ++i) w.add_path(paths[i], i);
  w.finish();
  return out;
}

}  // namespace schemagate
