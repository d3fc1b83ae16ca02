// Prisma Migrate: `<digits>_<name>/migration.sql`. It wraps nothing ("Why does Migrate not
// run migrations in a transaction by default?", Prisma docs), but it sends migration.sql as
// one query string: PostgreSQL's implicit transaction block (prisma/prisma#22922).
#include <algorithm>
#include <system_error>

#include "frontends/layouts/layout_spec.hpp"

namespace schemagate::layouts {

namespace fs = std::filesystem;

namespace {

class Prisma final : public LayoutSpec {
 public:
  [[nodiscard]] Layout layout() const override { return Layout::prisma; }
  [[nodiscard]] std::optional<SqlRole> role(const fs::path& file,
                                            const fs::path& /*project*/) const override {
    std::string folder = file.parent_path().filename().string();
    auto parts = folder_name(folder, false);
    if (!parts || file.filename() != "migration.sql") return std::nullopt;
    SqlRole r;
    r.layout = Layout::prisma;
    r.version = parts->first;
    r.name = parts->second;
    return r;
  }
  [[nodiscard]] std::vector<fs::path> project_files(const fs::path& project) const override {
    return folder_files(project);
  }

 protected:
  [[nodiscard]] RunnerTransaction transaction(const std::vector<Operation>& upgrade,
                                              const SqlRole& /*role*/) const override {
    return one_query_string(upgrade);
  }
};

}  // namespace

const LayoutSpec& prisma() {
  static const Prisma spec;
  return spec;
}

}  // namespace schemagate::layouts
