// golang-migrate: N_name.up.sql / N_name.down.sql. It runs a file as it is, no transaction of
// its own ("migrations are not run in a transaction by default", GETTING_STARTED.md; wrap in
// BEGIN/COMMIT yourself). Its PostgreSQL drivers send the whole file as one simple-protocol
// query, and PostgreSQL runs a multi-statement query string as one implicit transaction block
// (PostgreSQL docs, "Multiple Statements in a Simple Query"): a file of several statements is
// atomic, and CREATE INDEX CONCURRENTLY fails there unless it is alone in its file.
#include "frontends/layouts/layout_spec.hpp"

namespace schemagate::layouts {

namespace {

struct GolangName {
  std::string_view version, name;
  bool down = false;
};

std::optional<GolangName> golang_name(std::string_view fname) {
  auto ud = up_down(fname);
  if (!ud) return std::nullopt;
  std::string_view stem = ud->first;
  std::size_t n = digits_at(stem, 0);
  if (n == 0 || n >= stem.size() || stem[n] != '_') return std::nullopt;
  return GolangName{stem.substr(0, n), stem.substr(n + 1), ud->second};
}

class GolangMigrate final : public LayoutSpec {
 public:
  [[nodiscard]] Layout layout() const override { return Layout::golang_migrate; }
  [[nodiscard]] bool recognises(const std::filesystem::path& file) const override {
    return golang_name(file.filename().string()).has_value();
  }
  [[nodiscard]] std::optional<SqlRole> role(
      const std::filesystem::path& file, const std::filesystem::path& /*project*/) const override {
    std::string fname = file.filename().string();
    auto g = golang_name(fname);
    if (!g) return std::nullopt;
    SqlRole r;
    r.layout = Layout::golang_migrate;
    r.version = g->version;
    r.name = g->name;
    r.down = g->down;
    return r;
  }

 protected:
  [[nodiscard]] RunnerTransaction transaction(const std::vector<Operation>& upgrade,
                                              const SqlRole& /*role*/) const override {
    return one_query_string(upgrade);
  }
};

}  // namespace

const LayoutSpec& golang_migrate() {
  static const GolangMigrate spec;
  return spec;
}

}  // namespace schemagate::layouts
