// One layout's files: how they are recognised, what each one is in its project, and the
// migration the runner makes of one (its statements, sections and transaction). One file per
// layout implements this small interface; the traits every layer may ask are in
// schemagate/layout.hpp.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "frontends/sql/template.hpp"
#include "schemagate/ir.hpp"
#include "schemagate/layout.hpp"

namespace schemagate {

// What one SQL file is in its layout.
struct SqlRole {
  Layout layout = Layout::sql;
  std::string version;      // as written ("1.2.10", "20240101120000"); empty: bare, repeatable
  std::string name;         // the description, or the Sqitch change
  bool down = false;        // the downgrade half of a pair (.down.sql, U..., revert/, down.sql)
  bool repeatable = false;  // Flyway R__: runs after the versioned ones, by description
  bool skip = false;        // not a migration for PostgreSQL (Sqitch verify/, popx mysql files)
  // Runs outside any transaction whatever the layout's default (popx .autocommit., Flyway
  // executeInTransaction=false in <file>.conf, diesel run_in_transaction = false).
  bool no_transaction = false;
  std::size_t plan_order = 0;  // Sqitch: position in sqitch.plan (1-based; 0: not planned)
  // A bare file in a folder of numbered migrations: linted alone, and told so.
  bool outside_history = false;
  friend bool operator==(const SqlRole&, const SqlRole&) = default;
};

class LayoutSpec {
 public:
  LayoutSpec() = default;
  LayoutSpec(const LayoutSpec&) = delete;
  LayoutSpec& operator=(const LayoutSpec&) = delete;
  virtual ~LayoutSpec() = default;

  [[nodiscard]] virtual Layout layout() const = 0;
  [[nodiscard]] const LayoutTraits& traits() const { return schemagate::traits(layout()); }

  // Detection: does this .sql file, by its name (dbmate: its first lines), look like one of
  // the layout's? Layouts recognised by their folders (Sqitch, diesel, Prisma) say no here.
  [[nodiscard]] virtual bool recognises(const std::filesystem::path& /*file*/) const {
    return false;
  }
  // What `file` is in a project folder of this layout; nullopt when its name doesn't fit.
  [[nodiscard]] virtual std::optional<SqlRole> role(const std::filesystem::path& file,
                                                    const std::filesystem::path& project) const = 0;
  // Every SQL file of a project folder, as a directory walk would find them (sorted).
  [[nodiscard]] virtual std::vector<std::filesystem::path> project_files(
      const std::filesystem::path& project) const;
  // The migration the runner makes of one file: its statements (in sections, for dbmate), the
  // runner's transaction, its id and, for the first half of a pair, an absent downgrade until
  // the engine pairs it.
  [[nodiscard]] virtual Migration parse(const SourceFile& file, const SqlRole& role,
                                        const sql::Placeholders& placeholders) const;

 protected:
  // The runner's transaction around a whole file's statements (the default parse's).
  [[nodiscard]] virtual RunnerTransaction transaction(const std::vector<Operation>& upgrade,
                                                      const SqlRole& role) const;
};

// The specification of a layout.
[[nodiscard]] const LayoutSpec& layout_spec(Layout layout);

// The SQL layouts a folder's files are recognised by, in the order detection prefers them on
// a tie (its files only: Sqitch, diesel and Prisma are found by their folders).
[[nodiscard]] std::vector<const LayoutSpec*> detectable_layouts();

// The migration of one SQL file in its layout (its LayoutSpec's parse).
[[nodiscard]] Migration parse_sql_migration(const SourceFile& file, const SqlRole& role,
                                            const sql::Placeholders& placeholders);

namespace layouts {

// Shared by the layouts' files.
[[nodiscard]] std::size_t digits_at(std::string_view s, std::size_t at);
// `<stem>.up.sql` / `<stem>.down.sql`: the stem and whether it is the downgrade.
[[nodiscard]] std::optional<std::pair<std::string_view, bool>> up_down(std::string_view name);
// `key = value` of a small config file (Flyway .conf, diesel metadata.toml).
[[nodiscard]] std::optional<std::string> config_value(const std::filesystem::path& p,
                                                      const std::string& key);
// Up to `limit` bytes of a regular file.
[[nodiscard]] std::string read_text(const std::filesystem::path& p, std::size_t limit);
// Byte range of the line holding `offset`, without its line break.
[[nodiscard]] ByteRange line_at(const std::string& text, std::size_t offset);
// Statements that PostgreSQL refuses inside a transaction block.
[[nodiscard]] bool non_transactional(const Operation& op);
// One query string of several statements, sent whole: PostgreSQL's implicit transaction
// block, unless the text manages transactions itself.
[[nodiscard]] RunnerTransaction one_query_string(const std::vector<Operation>& ops);
// A migration folder's `<version>_<name>` (diesel: the version of digits and dashes).
[[nodiscard]] std::optional<std::pair<std::string_view, std::string_view>> folder_name(
    std::string_view folder, bool dashes);
// The migration folders (starting with a digit) of a project folder, and their SQL files.
[[nodiscard]] std::vector<std::filesystem::path> folder_files(const std::filesystem::path& project);
// The *.sql regular files directly in `dir`.
void sql_files_in(const std::filesystem::path& dir, std::vector<std::filesystem::path>& out);

// Each layout's spec (one file each).
const LayoutSpec& bare();
const LayoutSpec& numbered();
const LayoutSpec& golang_migrate();
const LayoutSpec& flyway();
const LayoutSpec& dbmate();
const LayoutSpec& sqitch();
const LayoutSpec& diesel();
const LayoutSpec& prisma();
const LayoutSpec& popx();

}  // namespace layouts

}  // namespace schemagate
