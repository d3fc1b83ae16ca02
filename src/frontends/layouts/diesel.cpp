// diesel: `<version>_<name>/up.sql` + `down.sql`, the version of digits and dashes. diesel
// runs each migration in its own transaction unless its metadata.toml says
// `run_in_transaction = false` (diesel_migrations docs, "Transactions").
#include <algorithm>
#include <system_error>

#include "frontends/layouts/layout_spec.hpp"

namespace schemagate::layouts {

namespace fs = std::filesystem;

namespace {

class Diesel final : public LayoutSpec {
 public:
  [[nodiscard]] Layout layout() const override { return Layout::diesel; }
  [[nodiscard]] std::optional<SqlRole> role(const fs::path& file,
                                            const fs::path& /*project*/) const override {
    std::string folder = file.parent_path().filename().string();
    std::string fname = file.filename().string();
    auto parts = folder_name(folder, true);
    if (!parts || (fname != "up.sql" && fname != "down.sql")) return std::nullopt;
    SqlRole r;
    r.layout = Layout::diesel;
    r.version = parts->first;
    r.name = parts->second;
    r.down = fname == "down.sql";
    auto v = config_value(file.parent_path() / "metadata.toml", "run_in_transaction");
    r.no_transaction = v && *v == "false";
    return r;
  }
  [[nodiscard]] std::vector<fs::path> project_files(const fs::path& project) const override {
    return folder_files(project);
  }

 protected:
  [[nodiscard]] RunnerTransaction transaction(const std::vector<Operation>& /*upgrade*/,
                                              const SqlRole& role) const override {
    return role.no_transaction ? RunnerTransaction::none : RunnerTransaction::per_migration;
  }
};

}  // namespace

const LayoutSpec& diesel() {
  static const Diesel spec;
  return spec;
}

}  // namespace schemagate::layouts
