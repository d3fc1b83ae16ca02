// Numbered plain SQL files in one folder (`001_create.sql`, `002-index.sql`): one history, run
// in number order (then by name), each file as psql -f runs it, statement by statement with
// no transaction of its own. A .sql file of such a folder without a number stays a bare file,
// and is told so (outside-history).
#include "frontends/layouts/layout_spec.hpp"

namespace schemagate::layouts {

namespace {

// `<digits>[_-]<name>.sql`: the number and the name.
std::optional<std::pair<std::string_view, std::string_view>> numbered_name(std::string_view f) {
  if (!f.ends_with(".sql")) return std::nullopt;
  std::string_view stem = f.substr(0, f.size() - 4);
  std::size_t n = digits_at(stem, 0);
  if (n == 0 || n + 1 >= stem.size() || (stem[n] != '_' && stem[n] != '-')) return std::nullopt;
  return std::pair{stem.substr(0, n), stem.substr(n + 1)};
}

class Numbered final : public LayoutSpec {
 public:
  [[nodiscard]] Layout layout() const override { return Layout::numbered; }
  [[nodiscard]] bool recognises(const std::filesystem::path& file) const override {
    return numbered_name(file.filename().string()).has_value();
  }
  [[nodiscard]] std::optional<SqlRole> role(
      const std::filesystem::path& file, const std::filesystem::path& /*project*/) const override {
    SqlRole r;
    std::string fname = file.filename().string();
    auto parts = numbered_name(fname);
    if (!parts) {
      r.outside_history = true;
      return r;
    }
    r.layout = Layout::numbered;
    r.version = parts->first;
    r.name = parts->second;
    return r;
  }
};

}  // namespace

const LayoutSpec& numbered() {
  static const Numbered spec;
  return spec;
}

}  // namespace schemagate::layouts
