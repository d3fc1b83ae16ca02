// Where a SQL file belongs: the layout of its folder (detected from its files, or set by the
// configuration) and its role there; the run order of a layout folder's migrations; and
// start_after on it. What each layout's files are is in src/frontends/layouts/ (one file per
// layout), what every layer may ask of a layout in schemagate/layout.hpp.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "frontends/layouts/layout_spec.hpp"
#include "schemagate/layout.hpp"

namespace schemagate {

// Where a SQL file belongs: its layout's folder (the one holding the versions, or the Sqitch
// project) and its role there.
struct SqlPlacement {
  std::filesystem::path project_dir;
  SqlRole role;
};

// Decides layouts per folder (auto-detected from the files, or set by a glob → layout
// override matched against the folder's path), caching what it read.
class LayoutResolver {
 public:
  explicit LayoutResolver(std::map<std::string, Layout> overrides = {})
      : overrides_(std::move(overrides)) {}

  [[nodiscard]] SqlPlacement place(const std::filesystem::path& file);
  // Every SQL file of a layout folder (as `place` would find them by walking it).
  [[nodiscard]] static std::vector<std::filesystem::path> project_files(
      const std::filesystem::path& project_dir, Layout layout);

 private:
  // The configured layout of a folder, into `out`; false when none is configured.
  bool override_for(const std::filesystem::path& dir, Layout& out) const;
  Layout detect(const std::filesystem::path& dir);

  std::map<std::string, Layout> overrides_;
  std::map<std::string, Layout> detected_;  // folder → layout
};

// The layout a folder's own files suggest (Layout::sql when none).
[[nodiscard]] Layout detect_layout(const std::filesystem::path& dir);

// What `file` is in `layout` (a bare role when its name doesn't fit the layout).
[[nodiscard]] SqlRole sql_role(Layout layout, const std::filesystem::path& file,
                               const std::filesystem::path& project_dir);

// Run order within one layout folder: versions (numerically: 1.2.10 after 1.2.9), then names;
// a Sqitch plan's order; Flyway's repeatable migrations last.
[[nodiscard]] bool runs_before(const SqlRole& a, const SqlRole& b);

// Does `start_after` name this migration (its version; a Sqitch change by name)?
[[nodiscard]] bool names_version(const SqlRole& role, const std::string& start_after);

// start_after on a layout folder: which of `ups` (in run order) are history, replayed but not
// reported: the versions up to it (a Sqitch plan's changes up to the named one); never a
// repeatable migration, which runs again whenever it changes.
[[nodiscard]] std::vector<bool> history_of(const std::vector<const SqlRole*>& ups,
                                           const std::string& start_after);

}  // namespace schemagate
