// Discovery: which files are migrations, of which kind, and which belong together (one
// Alembic project's revisions form one graph).
#pragma once

#include <string>
#include <vector>

namespace schemagate {

enum class SourceKind { sql, python };

struct SourceRef {
  std::string path;  // as given, joined with the path inside a walked directory
  SourceKind kind = SourceKind::sql;
  bool explicit_path = false;  // named on the command line (linted whatever it holds)
  bool context_only = false;   // read for the revision graph and replay, not reported on
};

// Files that are linted together: one Alembic project, or one SQL file.
struct SourceGroup {
  std::string key;           // canonical path of the project's alembic.ini or versions folder
  std::string name;          // the same, as the user's paths spell it
  std::string project_root;  // where imports of project helpers resolve (git root or the argument)
  std::vector<SourceRef> files;
};

struct IoProblem {
  std::string path;
  std::string why;
};

struct Discovery {
  std::vector<SourceGroup> groups;
  std::vector<IoProblem> problems;
};

[[nodiscard]] Discovery discover(const std::vector<std::string>& paths);

// script_location and version_locations of an alembic.ini, resolved against its folder
// (`%(here)s` included). Empty when the file has none.
[[nodiscard]] std::vector<std::string> alembic_version_dirs(const std::string& ini_path);

}  // namespace schemagate
