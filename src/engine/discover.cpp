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

#include <fnmatch.h>

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

bool glob_match(const std::string& glob, const std::string& path) {
  return !path.empty() && fnmatch(glob.c_str(), path.c_str(), 0) == 0;
}

class Walker {
 public:
  Walker(Discovery& out, const DiscoverOptions& options)
      : out_(out), options_(options), layouts_(options.layout_overrides) {}

  void add_path(const std::string& arg) {
    std::error_code ec;
    if (excluded(arg, arg)) return;
    fs::file_status st = fs::status(arg, ec);
    if (fs::is_directory(st)) {
      walk(arg, arg);
      return;
    }
    // A file named on the command line is linted whatever it is (a missing one is reported
    // when it is read).
    fs::path p(arg);
    if (p.extension() != ".py") {
      if (options_.only_migrations && p.extension() != ".sql") return;
      add_sql_file(p, arg);
      return;
    }
    // A revision named alone (as pre-commit does) is linted with its sibling revisions as
    // context, so that its parent, the heads and the replayed schema are right.
    std::string key = group_of(p);
    add(SourceRef{arg, SourceKind::python, true, false, {}}, key, arg);
    fs::path dir = p.parent_path().empty() ? fs::path(".") : p.parent_path();
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
      // Context only: siblings that are not regular files, or links out of the folder, are
      // left alone (a directory walk would report them).
      if (it->path().extension() == ".py" && it->is_regular_file(ec) &&
          !links_outside(it->path(), dir) && !fs::equivalent(it->path(), p, ec)) {
        add(SourceRef{it->path().generic_string(), SourceKind::python, false, true, {}}, key, arg);
      }
    }
  }

  void finish() {
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

  void problem(const fs::path& p, const std::string& why) {
    out_.problems.push_back({p.generic_string(), why});
  }

  // A SQL file named alone: a versioned migration is linted with its whole layout folder
  // replayed as context (findings only for the named file).
  void add_sql_file(const fs::path& p, const std::string& arg) {
    std::error_code ec;
    SqlPlacement place = fs::is_regular_file(p, ec) ? layouts_.place(p) : SqlPlacement{};
    if (place.role.skip) return;  // not a migration (Sqitch verify/, another database's file)
    if (!versioned_layout(place.role.layout)) {
      add(SourceRef{arg, SourceKind::sql, true, false, {}}, arg, arg, "sql");
      return;
    }
    std::string key = project_key(place);
    add(SourceRef{arg, SourceKind::sql, true, false, place.role}, key, arg, place.role.layout);
    for (const fs::path& sibling : layouts_.project_files(place.project_dir, place.role.layout)) {
      if (fs::equivalent(sibling, p, ec) || excluded(sibling.generic_string(), arg) ||
          links_outside(sibling, place.project_dir)) {
        continue;
      }
      SqlPlacement other = layouts_.place(sibling);
      if (other.role.skip || project_key(other) != key) continue;
      add(SourceRef{sibling.generic_string(), SourceKind::sql, false, true, other.role}, key, arg,
          place.role.layout);
    }
  }

  std::string project_key(const SqlPlacement& place) {
    std::string dir = canonical_dir(place.project_dir);
    std::string key = dir + "#" + place.role.layout;
    display_names_.emplace(key, place.project_dir.generic_string());
    return key;
  }

  bool excluded(const std::string& path, const std::string& arg) const {
    if (options_.exclude.empty()) return false;
    std::vector<std::string> spellings{fs::path(path).lexically_normal().generic_string()};
    auto rel = fs::path(path).lexically_relative(arg);
    if (!rel.empty() && *rel.begin() != "..") spellings.push_back(rel.generic_string());
    spellings.push_back(canonical_or_given(path));
    for (const std::string& glob : options_.exclude) {
      for (const std::string& s : spellings) {
        if (glob_match(glob, s) || glob_match(glob, s + "/")) return true;
      }
    }
    return false;
  }

  void add(const SourceRef& ref, const std::string& key, const std::string& root_hint,
           const std::string& layout = "alembic") {
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
      if (layout == "alembic") {
        std::error_code ec;
        auto env = env_of_.find(key);
        if (env != env_of_.end() && !env->second.empty() && fs::is_regular_file(env->second, ec))
          g.alembic_env = env->second;
      }
    }
    g.files.push_back(ref);
  }

  // Revisions of one Alembic project share a group: their alembic.ini when one lists their
  // folder, else the folder itself.
  std::string group_of(const fs::path& file) {
    fs::path parent = file.parent_path().empty() ? fs::path(".") : file.parent_path();
    std::string dir = canonical_or_given(parent);
    auto it = version_dir_owner_.find(dir);
    if (it != version_dir_owner_.end()) return it->second;
    display_names_.emplace(dir, parent.generic_string());
    // No alembic.ini lists the folder: env.py is where Alembic's layout puts it, beside
    // versions/, or one folder higher for versions/<dialect>/ (version_locations set in code).
    if (!env_of_.contains(dir)) {
      std::string& env = env_of_[dir];  // empty: none
      fs::path above = fs::path(dir).parent_path();
      for (int up = 0; up < 2 && !above.empty() && env.empty(); ++up) {
        std::error_code ec;
        if (fs::is_regular_file(above / "env.py", ec)) env = (above / "env.py").generic_string();
        above = above.parent_path();
      }
    }
    return dir;
  }

  void read_alembic_ini(const fs::path& ini, const std::string& arg) {
    std::string key = canonical_or_given(ini);
    display_names_.emplace(key, ini.generic_string());
    std::string here;
    std::optional<std::string> text = ini_text(ini.generic_string(), here);
    if (!text) return;
    IniLocations ini_dirs = read_ini(*text, here);
    if (!ini_dirs.script_location.empty()) {
      env_of_.emplace(key, (fs::path(ini_dirs.script_location) / "env.py").generic_string());
    }
    for (const std::string& d : ini_dirs.version_dirs) {
      std::string dir = canonical_or_given(d);
      version_dir_owner_[dir] = key;
      // A version folder outside the walked tree is walked too.
      pending_.push_back({d, arg});
    }
  }

  void walk(const std::string& root, const std::string& arg) {
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
          if (!skipped_directory(entry.path()) && !excluded(entry.path().generic_string(), root))
            dirs.push_back(entry.path());
          continue;
        }
        const fs::path& p = entry.path();
        bool ini = p.filename() == "alembic.ini";
        if (!ini && p.extension() != ".sql" && p.extension() != ".py") continue;
        if (excluded(p.generic_string(), root)) continue;
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
          read_alembic_ini(p, arg);
        } else {
          files.push_back(p);
        }
      }
      if (ec) problem(dir, ec.message());
    }
    for (const fs::path& p : files) {
      bool py = p.extension() == ".py";
      SourceRef ref{
          p.generic_string(), py ? SourceKind::python : SourceKind::sql, false, false, {}};
      if (py) {
        add(ref, group_of(p), arg);
        continue;
      }
      SqlPlacement place = layouts_.place(p);
      if (place.role.skip) continue;
      ref.role = place.role;
      if (versioned_layout(place.role.layout)) {
        add(ref, project_key(place), arg, place.role.layout);
      } else {
        add(ref, ref.path, arg, "sql");
      }
    }
    while (!pending_.empty()) {
      auto [dir, from] = pending_.back();
      pending_.pop_back();
      if (fs::is_directory(dir, ec) && !inside_walked(canonical_or_given(dir))) walk(dir, from);
    }
  }

  bool inside_walked(const std::string& dir) const {
    return std::any_of(walked_.begin(), walked_.end(),
                       [&](const std::string& root) { return inside(dir, root); });
  }

  Discovery& out_;
  const DiscoverOptions& options_;
  LayoutResolver layouts_;
  std::map<std::string, SourceGroup> groups_;
  std::map<std::string, std::string> version_dir_owner_;
  std::map<std::string, std::string> env_of_;         // group key → where its env.py would be
  std::map<std::string, std::string> display_names_;  // key → as the user would write it
  std::unordered_map<std::string, std::string> canonical_dirs_;  // as spelled → canonical
  std::set<std::string> walked_;
  std::map<std::string, std::string> project_roots_;  // argument → project_root_for(argument)
  std::vector<std::pair<std::string, std::string>> pending_;
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
  Walker w(out, options);
  for (const std::string& p : paths) w.add_path(p);
  w.finish();
  return out;
}

}  // namespace schemagate
