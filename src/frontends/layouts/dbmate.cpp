// dbmate: N[_name].sql with `-- migrate:up` / `-- migrate:down` sections. It wraps each
// section in a transaction unless its marker line says `transaction:false` (dbmate README,
// "Options").
#include <cctype>

#include "frontends/layouts/layout_spec.hpp"
#include "frontends/sql/sql_frontend.hpp"

namespace schemagate::layouts {

namespace {

// dbmate: N[_name].sql
std::optional<std::pair<std::string_view, std::string_view>> dbmate_name(std::string_view fname) {
  if (!fname.ends_with(".sql")) return std::nullopt;
  std::string_view stem = fname.substr(0, fname.size() - 4);
  std::size_t n = digits_at(stem, 0);
  if (n == 0) return std::nullopt;
  if (n == stem.size()) return std::pair{stem, std::string_view()};
  if (stem[n] != '_') return std::nullopt;
  return std::pair{stem.substr(0, n), stem.substr(n + 1)};
}

struct Section {
  ByteRange marker;  // the `-- migrate:...` line
  ByteRange body;
  bool transaction = true;
};

// The direction of a dbmate marker `--[ \t]*migrate:up|down` starting at `at`, or empty.
// (Hand-written rather than std::regex: libstdc++'s regex recurses once per character
// matched, and a long enough line overflows the stack.)
std::string_view marker(std::string_view text, std::size_t at, bool any_space) {
  if (text.substr(at, 2) != "--") return {};
  at += 2;
  while (at < text.size() && (text[at] == ' ' || text[at] == '\t' ||
                              (any_space && std::isspace(static_cast<unsigned char>(text[at]))))) {
    ++at;
  }
  std::string_view rest = text.substr(at);
  if (rest.starts_with("migrate:up")) return "up";
  if (rest.starts_with("migrate:down")) return "down";
  return {};
}

// Does a dbmate file start here: a line starting `--\s*migrate:up` in `head`?
bool has_marker(std::string_view head) {
  for (std::size_t at = 0;;) {
    if (marker(head, at, true) == "up") return true;
    std::size_t nl = head.find('\n', at);
    if (nl == std::string_view::npos) return false;
    at = nl + 1;
  }
}

void sections(const std::string& text, std::optional<Section>& up, std::optional<Section>& down) {
  std::vector<std::pair<std::string_view, Section>> found;
  for (std::size_t at = 0; at < text.size();) {
    std::string_view direction = marker(text, at, false);
    if (!direction.empty()) {
      Section s;
      s.marker = line_at(text, at);
      s.body.begin = s.marker.end;
      std::string_view options(text.data() + at, s.marker.end - at);
      s.transaction = options.find("transaction:false") == std::string_view::npos;
      found.emplace_back(direction, s);
    }
    std::size_t nl = text.find('\n', at);
    if (nl == std::string::npos) break;
    at = nl + 1;
  }
  for (std::size_t i = 0; i < found.size(); ++i) {
    Section& s = found[i].second;
    s.body.end = i + 1 < found.size() ? found[i + 1].second.marker.begin : text.size();
    auto& slot = found[i].first == "up" ? up : down;
    if (!slot) slot = s;
  }
}

class Dbmate final : public LayoutSpec {
 public:
  [[nodiscard]] Layout layout() const override { return Layout::dbmate; }
  [[nodiscard]] bool recognises(const std::filesystem::path& file) const override {
    return dbmate_name(file.filename().string()) && has_marker(read_text(file, 4096));
  }
  [[nodiscard]] std::optional<SqlRole> role(
      const std::filesystem::path& file, const std::filesystem::path& /*project*/) const override {
    std::string fname = file.filename().string();
    auto d = dbmate_name(fname);
    if (!d) return std::nullopt;
    SqlRole r;
    r.layout = Layout::dbmate;
    r.version = d->first;
    r.name = d->second;
    return r;
  }
  [[nodiscard]] Migration parse(const SourceFile& file, const SqlRole& role,
                                const sql::Placeholders& placeholders) const override {
    Migration m;
    m.file = &file;
    m.layout = role.layout;
    m.id = role.version;
    const std::string& text = file.text;
    std::size_t bom = bom_length(text);
    std::optional<Section> up;
    std::optional<Section> down;
    sections(text, up, down);
    m.runner_transaction = RunnerTransaction::per_migration;
    sql::LowerOptions up_options;
    up_options.autocommit = up && !up->transaction;
    ByteRange up_part = up ? up->body : ByteRange{bom, text.size()};
    if (up && down && down->marker.begin < up->marker.begin) up_part.end = text.size();
    sql::lower_file_part(file, up_part, placeholders, up_options, m.upgrade, m.issues,
                         &m.written_as);
    if (!down) {
      m.downgrade_kind = DowngradeKind::absent;
      m.downgrade_range = up ? up->marker : line_at(text, bom);
      return m;
    }
    sql::LowerOptions down_options;
    down_options.autocommit = !down->transaction;
    std::size_t issues_before = m.issues.size();
    sql::lower_file_part(file, down->body, placeholders, down_options, m.downgrade, m.issues,
                         &m.written_as);
    m.downgrade_range = down->marker;
    m.downgrade_kind = !changes_nothing(m.downgrade, file.text) || m.issues.size() > issues_before
                           ? DowngradeKind::real
                           : DowngradeKind::empty;
    return m;
  }
};

}  // namespace

const LayoutSpec& dbmate() {
  static const Dbmate spec;
  return spec;
}

}  // namespace schemagate::layouts
