// Flyway: V<version>__<name>.sql, U<version>__<name>.sql (undo), R__<name>.sql (repeatable).
// Flyway runs each migration in its own transaction (executeInTransaction, default true; per
// script in `<script>.sql.conf`). On PostgreSQL it detects statements that can't run in a
// transaction (CREATE/DROP INDEX CONCURRENTLY, REINDEX CONCURRENTLY, VACUUM, ...) and runs
// such a migration without one; mixed with transactional statements it refuses the migration
// unless `mixed=true`, which also runs it without a transaction.
#include <algorithm>
#include <cctype>

#include "frontends/layouts/layout_spec.hpp"

namespace schemagate::layouts {

namespace {

struct FlywayName {
  char prefix = 'V';  // V, U or R
  std::string_view version, name;
};

std::optional<FlywayName> flyway_name(std::string_view fname) {
  if (!fname.ends_with(".sql")) return std::nullopt;
  std::string_view stem = fname.substr(0, fname.size() - 4);
  if (stem.size() < 2) return std::nullopt;
  if (stem[0] == 'V' || stem[0] == 'U') {
    if (stem[1] < '0' || stem[1] > '9') return std::nullopt;
    std::size_t run = 1;
    while (1 + run < stem.size() && (std::isdigit(static_cast<unsigned char>(stem[1 + run])) ||
                                     stem[1 + run] == '.' || stem[1 + run] == '_')) {
      ++run;
    }
    // The longest version followed by `__` and a name.
    for (std::size_t len = run; len >= 1; --len) {
      std::size_t sep = 1 + len;
      if (stem.substr(sep, 2) == "__" && stem.size() > sep + 2) {
        return FlywayName{stem[0], stem.substr(1, len), stem.substr(sep + 2)};
      }
    }
    return std::nullopt;
  }
  if (stem.starts_with("R__") && stem.size() > 3) return FlywayName{'R', {}, stem.substr(3)};
  return std::nullopt;
}

class Flyway final : public LayoutSpec {
 public:
  [[nodiscard]] Layout layout() const override { return Layout::flyway; }
  [[nodiscard]] bool recognises(const std::filesystem::path& file) const override {
    return flyway_name(file.filename().string()).has_value();
  }
  [[nodiscard]] std::optional<SqlRole> role(
      const std::filesystem::path& file, const std::filesystem::path& /*project*/) const override {
    std::string fname = file.filename().string();
    auto f = flyway_name(fname);
    if (!f) return std::nullopt;
    SqlRole r;
    r.layout = Layout::flyway;
    if (f->prefix == 'R') {
      r.repeatable = true;
      r.name = f->name;
    } else {
      r.version = f->version;
      std::replace(r.version.begin(), r.version.end(), '_', '.');
      r.name = f->name;
      r.down = f->prefix == 'U';
    }
    std::filesystem::path conf = file;
    conf += ".conf";
    if (auto v = config_value(conf, "executeInTransaction"); v && *v == "false") {
      r.no_transaction = true;
    }
    return r;
  }

 protected:
  [[nodiscard]] RunnerTransaction transaction(const std::vector<Operation>& upgrade,
                                              const SqlRole& role) const override {
    bool refused = std::any_of(upgrade.begin(), upgrade.end(), non_transactional);
    return refused || role.no_transaction ? RunnerTransaction::none
                                          : RunnerTransaction::per_migration;
  }
};

}  // namespace

const LayoutSpec& flyway() {
  static const Flyway spec;
  return spec;
}

}  // namespace schemagate::layouts
