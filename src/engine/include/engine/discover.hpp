// Discovery: which files are migrations, of which kind, and which belong together (one
// Alembic project's revisions form one graph).
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "engine/layouts.hpp"
#include "schemagate/engine.hpp"

namespace schemagate {

enum class SourceKind { sql, python };

struct SourceRef {
  std::string path;  // as given, joined with the path inside a walked directory
  SourceKind kind = SourceKind::sql;
  bool explicit_path = false;  // named on the command line (linted whatever it holds)
  bool context_only = false;   // read for the revision graph and replay, not reported on
  SqlRole role;                // SQL files: what the file is in its layout
  // Matched by an exclude glob: context only, but found in the named path `arg` (an empty
  // run is told from an excluded one).
  bool excluded = false;
  std::size_t arg = 0;  // the index of the named path it was found through
};

// Files that are linted together: one Alembic project, one layout folder of versioned SQL
// migrations, or one bare SQL file.
struct SourceGroup {
  Layout layout = Layout::sql;  // Layout::alembic, a SQL layout, or Layout::sql for a bare file
  std::string key;              // canonical path of the project's alembic.ini or versions folder
  std::string name;             // the same, as the user's paths spell it
  std::string project_root;  // where imports of project helpers resolve (git root or the argument)
  // Alembic: the project's env.py, when it exists (empty otherwise): in alembic.ini's
  // script_location; without one, beside the revisions' folder or one folder higher.
  std::string alembic_env;
  std::vector<SourceRef> files;
};

struct IoProblem {
  std::string path;
  std::string why;
};

struct Discovery {
  std::vector<SourceGroup> groups;
  std::vector<IoProblem> problems;
  // Per named path: the files found through it but left out on purpose: excluded ones in
  // projects with nothing reported, and named files that are no migrations (only_migrations).
  std::vector<std::size_t> left_out;
};

struct DiscoverOptions {
  // Glob (fnmatch, `*` crossing `/`) of a folder's path → its layout, instead of detecting it.
  std::map<std::string, Layout> layout_overrides;
  // Globs of paths whose findings are not reported (glob.hpp): such a file still takes part in
  // its project as context; a project with nothing reported is left out.
  std::vector<PathGlob> exclude;
  // A file named in `paths` that is neither .sql nor .py is skipped instead of being read as
  // SQL (LintOptions::only_migrations; the engine skips named .py files that are no revision).
  bool only_migrations = false;
};

[[nodiscard]] Discovery discover(const std::vector<std::string>& paths,
                                 const DiscoverOptions& options = {});

// script_location and version_locations of an alembic.ini, resolved against its folder
// (`%(here)s` included). Empty when the file has none.
[[nodiscard]] std::vector<std::string> alembic_version_dirs(const std::string& ini_path);
// The same, from the text of an alembic.ini in folder `dir` (an absolute path).
[[nodiscard]] std::vector<std::string> alembic_ini_version_dirs(std::string_view text,
                                                                const std::string& dir);
// script_location of an alembic.ini's text, resolved against `dir`; empty when it has none
// or names a package.
[[nodiscard]] std::string alembic_ini_script_location(std::string_view text,
                                                      const std::string& dir);

}  // namespace schemagate
