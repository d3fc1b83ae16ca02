// Migration layouts as data: how a tool names, orders, pairs and runs its migrations. Each
// layout has one traits row here (what every layer may ask about it) and one file of its own
// in src/frontends/layouts/ (how its files are recognised and run).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace schemagate {

enum class Layout : std::uint8_t {
  sql,             // a bare .sql file: linted on its own
  numbered,        // NNN_name.sql files of one folder, run in number order (psql -f each)
  alembic,         // Alembic revisions (Python)
  golang_migrate,  // N_name.up.sql / N_name.down.sql
  flyway,          // V<ver>__name.sql, U<ver>__name.sql (undo), R__name.sql (repeatable)
  dbmate,          // N_name.sql with `-- migrate:up` / `-- migrate:down` sections
  sqitch,          // sqitch.plan + deploy/ revert/ verify/
  diesel,          // <version>_<name>/up.sql + down.sql
  prisma,          // <timestamp>_<name>/migration.sql
  popx,            // <ts>_<name>[.<dialect>][.autocommit].up.sql / .down.sql (ory)
};

// The language migrations of the layout are written in (help is written in it too).
enum class Language : std::uint8_t { sql, python };

// Where a migration's downgrade is written.
enum class DowngradeForm : std::uint8_t {
  none,      // the layout has none
  function,  // downgrade() of the same file (Alembic)
  section,   // a section of the same file (dbmate's `-- migrate:down`)
  file,      // a file of its own (.down.sql, U..., revert/, down.sql)
};

// How the runner orders a folder's migrations.
enum class Ordering : std::uint8_t {
  version,  // by version, compared part by part numerically (1.2.10 after 1.2.9), then name
  plan,     // as a plan file lists them (Sqitch), unplanned ones after by name
  graph,    // by the revision graph (Alembic)
};

// How a downgrade file finds the upgrade it undoes.
enum class Pairing : std::uint8_t {
  none,
  version,  // same version (and name, among duplicates)
  name,     // same change name (Sqitch's deploy/ and revert/ scripts)
};

// Is the team expected to write a downgrade for every migration?
enum class DowngradeExpected : std::uint8_t {
  always,
  when_configured,  // Flyway: undo migrations only when `flyway.undo` is set
  never,            // bare files, Prisma Migrate (no downgrades), popx (optional)
};

struct LayoutTraits {
  Layout layout;
  std::string_view name;  // as configurations and messages spell it: "golang-migrate"
  // Orders its files and replays them as one history (anything but a bare file).
  bool versioned;
  Ordering ordering;
  Pairing pairing;
  Language language;
  DowngradeForm downgrade_form;
  DowngradeExpected downgrade_expected;
  // One migration, in messages: "revision", "change", "migration".
  std::string_view migration_noun;
  // Where a downgrade goes, in messages: "downgrade()", "the `-- migrate:down` section", ...
  std::string_view downgrade_place;
  // How to write a missing downgrade (missing-downgrade's help).
  std::string_view downgrade_help;
  // The runner's transaction, in words (README, explain).
  std::string_view transaction;
};

[[nodiscard]] const LayoutTraits& traits(Layout layout);
[[nodiscard]] std::span<const LayoutTraits> all_layouts();
// The layout of a name ("golang-migrate"); nullopt for an unknown one.
[[nodiscard]] std::optional<Layout> layout_named(std::string_view name);
[[nodiscard]] inline std::string_view to_string(Layout layout) { return traits(layout).name; }

}  // namespace schemagate
