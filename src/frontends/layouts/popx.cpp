// ory/popx: <ts>_<name>[.<dialect>][.autocommit].up.sql / .down.sql. Each migration runs in a
// transaction; `.autocommit.` files run outside one. Other databases' files are not run on
// PostgreSQL, and a `.postgres.` file replaces the generic one of the same migration.
#include <algorithm>
#include <cctype>
#include <sstream>
#include <system_error>

#include "frontends/layouts/layout_spec.hpp"

namespace schemagate::layouts {

namespace {

struct PopxName {
  std::string_view version, name, segments;  // segments: ".postgres.autocommit" or empty
  bool has_name = false;
  bool down = false;
};

std::optional<PopxName> popx_name(std::string_view fname) {
  auto ud = up_down(fname);
  if (!ud) return std::nullopt;
  std::string_view stem = ud->first;
  PopxName out;
  out.down = ud->second;
  std::size_t n = digits_at(stem, 0);
  if (n == 0) return std::nullopt;
  out.version = stem.substr(0, n);
  std::size_t at = n;
  if (at < stem.size() && stem[at] == '_') {
    std::size_t dot = stem.find('.', at + 1);
    if (dot == std::string_view::npos) dot = stem.size();
    out.has_name = true;
    out.name = stem.substr(at + 1, dot - at - 1);
    at = dot;
  }
  out.segments = stem.substr(at);
  // The rest: `.segment` parts of letters and digits.
  for (std::size_t i = at; i < stem.size();) {
    if (stem[i] != '.') return std::nullopt;
    std::size_t j = i + 1;
    while (j < stem.size() && std::isalnum(static_cast<unsigned char>(stem[j]))) ++j;
    if (j == i + 1) return std::nullopt;
    i = j;
  }
  return out;
}

bool popx_segments(const std::string& segments, std::string* dialect, bool* autocommit) {
  static const char* dialects[] = {"postgres", "mysql", "sqlite", "sqlite3", "cockroach"};
  bool any = false;
  std::istringstream in(segments);
  for (std::string seg; std::getline(in, seg, '.');) {
    if (seg.empty()) continue;
    if (seg == "autocommit") {
      if (autocommit != nullptr) *autocommit = true;
      any = true;
      continue;
    }
    if (std::find(std::begin(dialects), std::end(dialects), seg) != std::end(dialects)) {
      if (dialect != nullptr) *dialect = seg;
      any = true;
      continue;
    }
    return false;  // not a popx marker
  }
  return any;
}

class Popx final : public LayoutSpec {
 public:
  [[nodiscard]] Layout layout() const override { return Layout::popx; }
  // A folder is popx's when any file has a dialect or autocommit marker (popx folders also
  // hold plain N_name.up.sql files).
  [[nodiscard]] bool recognises(const std::filesystem::path& file) const override {
    std::string fname = file.filename().string();  // popx_name's views point into it
    auto p = popx_name(fname);
    return p && popx_segments(std::string(p->segments), nullptr, nullptr);
  }
  [[nodiscard]] std::optional<SqlRole> role(
      const std::filesystem::path& file, const std::filesystem::path& /*project*/) const override {
    std::string fname = file.filename().string();
    auto p = popx_name(fname);
    if (!p) return std::nullopt;
    std::string dialect;
    bool autocommit = false;
    if (!p->segments.empty() && !popx_segments(std::string(p->segments), &dialect, &autocommit)) {
      return std::nullopt;
    }
    SqlRole r;
    r.layout = Layout::popx;
    r.version = p->version;
    r.name = p->name;
    r.down = p->down;
    r.no_transaction = autocommit;
    if (!dialect.empty() && dialect != "postgres") r.skip = true;
    if (dialect.empty()) {
      std::string stem =
          std::string(p->version) + (p->has_name ? "_" + std::string(p->name) : std::string());
      std::string dir = p->down ? "down.sql" : "up.sql";
      std::error_code ec;
      for (const char* pg : {".postgres.", ".postgres.autocommit."}) {
        if (std::filesystem::exists(file.parent_path() / (stem + pg + dir), ec)) r.skip = true;
      }
    }
    return r;
  }

 protected:
  [[nodiscard]] RunnerTransaction transaction(const std::vector<Operation>& /*upgrade*/,
                                              const SqlRole& role) const override {
    return role.no_transaction ? RunnerTransaction::none : RunnerTransaction::per_migration;
  }
};

}  // namespace

const LayoutSpec& popx() {
  static const Popx spec;
  return spec;
}

}  // namespace schemagate::layouts
