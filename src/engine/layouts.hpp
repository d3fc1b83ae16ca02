// Migration layouts: how a tool names, orders, pairs and runs its SQL migrations.
//
//   golang-migrate  N_name.up.sql / N_name.down.sql
//   flyway          V<ver>__name.sql, U<ver>__name.sql (undo), R__name.sql (repeatable)
//   dbmate          N_name.sql with `-- migrate:up` / `-- migrate:down` sections
//   sqitch          sqitch.plan + deploy/ revert/ verify/
//   diesel          <ver>_<name>/up.sql + down.sql
//   prisma          <ts>_<name>/migration.sql
//   popx            <ts>_<name>[.<dialect>][.autocommit].up.sql / .down.sql (ory)
//   sql             a bare .sql file: no pairing, no runner transaction
#pragma once

#include <cstddef>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "frontends/sql/template.hpp"
#include "schemagate/ir.hpp"

namespace schemagate {

// What one SQL file is in its layout.
struct SqlRole {
  std::string layout = "sql";
  std::string version;      // as written ("1.2.10", "20240101120000"); empty: bare, repeatable
  std::string name;         // the description, or the Sqitch change
  bool down = false;        // the downgrade half of a pair (.down.sql, U..., revert/, down.sql)
  bool repeatable = false;  // Flyway R__: runs after the versioned ones, by description
  bool skip = false;        // not a migration for PostgreSQL (Sqitch verify/, popx mysql files)
  // Runs outside any transaction whatever the layout's default (popx .autocommit., Flyway
  // executeInTransaction=false in <file>.conf, diesel run_in_transaction = false).
  bool no_transaction = false;
  std::size_t plan_order = 0;  // Sqitch: position in sqitch.plan (1-based; 0: not planned)
};

// Does the layout pair, order and replay its files (anything but a bare file)?
[[nodiscard]] bool versioned_layout(const std::string& layout);

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
  explicit LayoutResolver(std::map<std::string, std::string> overrides = {})
      : overrides_(std::move(overrides)) {}

  [[nodiscard]] SqlPlacement place(const std::filesystem::path& file);
  // Every SQL file of a layout folder (as `place` would find them by walking it).
  [[nodiscard]] std::vector<std::filesystem::path> project_files(
      const std::filesystem::path& project_dir, const std::string& layout);

 private:
  std::optional<std::string> override_for(const std::filesystem::path& dir) const;
  std::string detect(const std::filesystem::path& dir);

  std::map<std::string, std::string> overrides_;
  std::map<std::string, std::string> detected_;  // folder → layout
};

// The layout a folder's own files suggest ("sql" when none).
[[nodiscard]] std::string detect_layout(const std::filesystem::path& dir);

// What `file` is in `layout` (a bare role when its name doesn't fit the layout).
[[nodiscard]] SqlRole sql_role(const std::string& layout, const std::filesystem::path& file,
                               const std::filesystem::path& project_dir);

// Reads one SQL file as a migration of its layout: sections (dbmate), the runner's
// transaction, its id and, for the first half of a pair, an absent downgrade until the
// engine pairs it.
[[nodiscard]] Migration parse_sql_migration(const SourceFile& file, const SqlRole& role,
                                            const sql::Placeholders& placeholders);

// Run order within one layout folder.
[[nodiscard]] bool runs_before(const SqlRole& a, const SqlRole& b);

// Does `start_after` name this migration (its version; a Sqitch change by name)?
[[nodiscard]] bool names_version(const SqlRole& role, const std::string& start_after);

// start_after on a layout folder: which of `ups` (in run order) are history, replayed but not
// reported: the versions up to it (a Sqitch plan's changes up to the named one); never a
// repeatable migration, which runs again whenever it changes.
[[nodiscard]] std::vector<bool> history_of(const std::vector<const SqlRole*>& ups,
                                           const std::string& start_after);

}  // namespace schemagate
