// A bare .sql file (psql -f): no pairing, no runner transaction, linted on its own.
#include "frontends/layouts/layout_spec.hpp"
#include "frontends/sql/sql_frontend.hpp"

namespace schemagate::layouts {

namespace {

class Bare final : public LayoutSpec {
 public:
  [[nodiscard]] Layout layout() const override { return Layout::sql; }
  [[nodiscard]] std::optional<SqlRole> role(
      const std::filesystem::path& /*file*/,
      const std::filesystem::path& /*project*/) const override {
    return SqlRole{};
  }
  [[nodiscard]] Migration parse(const SourceFile& file, const SqlRole& /*role*/,
                                const sql::Placeholders& placeholders) const override {
    return sql::parse_file(file, placeholders);
  }
};

}  // namespace

const LayoutSpec& bare() {
  static const Bare spec;
  return spec;
}

}  // namespace schemagate::layouts
