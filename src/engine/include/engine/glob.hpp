// Path globs, as `exclude` (configuration and --exclude) is documented to match them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "schemagate/engine.hpp"

namespace schemagate {

// Does `pattern` match `path` (both with `/` separators)? `*`, `?` and `[...]` match within one
// path component, `**` as a whole component matches any number of components (none too), and a
// pattern matches a path when it matches the path or one of its leading folders, so that a
// folder's pattern covers what is inside it. A pattern without `/` matches a name at any depth
// (as `**/pattern`).
[[nodiscard]] bool glob_match(std::string_view pattern, std::string_view path);

// Compiled exclude globs: each one relative to its base folder (an absolute pattern against the
// absolute path).
class PathFilter {
 public:
  explicit PathFilter(const std::vector<PathGlob>& globs);
  [[nodiscard]] bool empty() const { return globs_.empty(); }
  // Is the file or folder `path` (as spelled: relative to the current directory, or absolute)
  // excluded?
  [[nodiscard]] bool excluded(const std::string& path) const;

 private:
  struct Compiled {
    std::string pattern;
    std::string base;            // absolute, lexically normal
    std::string canonical_base;  // the same with symbolic links resolved
  };
  std::vector<Compiled> globs_;
};

}  // namespace schemagate
