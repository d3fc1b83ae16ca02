// What the layouts' files share, and the registry of layouts (layout_spec.hpp).
#include <algorithm>
#include <fstream>
#include <sstream>
#include <system_error>

#include "frontends/layouts/layout_spec.hpp"
#include "frontends/sql/sql_frontend.hpp"

namespace schemagate {

namespace fs = std::filesystem;

namespace layouts {

std::size_t digits_at(std::string_view s, std::size_t at) {
  std::size_t end = at;
  while (end < s.size() && s[end] >= '0' && s[end] <= '9') ++end;
  return end - at;
}

std::optional<std::pair<std::string_view, bool>> up_down(std::string_view name) {
  if (name.ends_with(".up.sql")) return std::pair{name.substr(0, name.size() - 7), false};
  if (name.ends_with(".down.sql")) return std::pair{name.substr(0, name.size() - 9), true};
  return std::nullopt;
}

std::optional<std::string> config_value(const fs::path& p, const std::string& key) {
  std::error_code ec;
  if (!fs::is_regular_file(p, ec)) return std::nullopt;  // a FIFO would block the run
  std::ifstream in(p);
  for (std::string line; std::getline(in, line);) {
    auto eq = line.find('=');
    if (eq == std::string::npos) continue;
    std::string k = line.substr(0, eq);
    std::string v = line.substr(eq + 1);
    auto strip = [](std::string& s) {
      s.erase(0, s.find_first_not_of(" \t\r\""));
      s.erase(s.find_last_not_of(" \t\r\"") + 1);
    };
    strip(k);
    strip(v);
    if (k == key) return v;
  }
  return std::nullopt;
}

std::string read_text(const fs::path& p, std::size_t limit) {
  std::error_code ec;
  if (!fs::is_regular_file(p, ec)) return {};
  std::ifstream in(p, std::ios::binary);
  if (!in) return {};
  std::string s(limit, '\0');
  in.read(s.data(), static_cast<std::streamsize>(limit));
  s.resize(static_cast<std::size_t>(in.gcount()));
  return s;
}

ByteRange line_at(const std::string& text, std::size_t offset) {
  std::size_t begin = text.rfind('\n', offset == 0 ? 0 : offset - 1);
  begin = begin == std::string::npos || offset == 0 ? 0 : begin + 1;
  std::size_t end = text.find_first_of("\r\n", offset);
  return {begin, end == std::string::npos ? text.size() : end};
}

bool non_transactional(const Operation& op) {
  if (const auto* o = op.as<CreateIndex>()) return o->concurrently;
  if (const auto* o = op.as<DropIndex>()) return o->concurrently;
  if (const auto* o = op.as<Reindex>()) return o->concurrently;
  return op.is<Vacuum>();
}

RunnerTransaction one_query_string(const std::vector<Operation>& ops) {
  bool manages = std::any_of(ops.begin(), ops.end(), [](const Operation& op) {
    return op.is<TransactionControl>() && !op.in_function;
  });
  return ops.size() > 1 && !manages ? RunnerTransaction::per_migration : RunnerTransaction::none;
}

std::optional<std::pair<std::string_view, std::string_view>> folder_name(std::string_view folder,
                                                                         bool dashes) {
  if (folder.empty() || folder[0] < '0' || folder[0] > '9') return std::nullopt;
  std::size_t n = 0;
  while (n < folder.size() &&
         ((folder[n] >= '0' && folder[n] <= '9') || (dashes && folder[n] == '-'))) {
    ++n;
  }
  if (n + 1 >= folder.size() || folder[n] != '_') return std::nullopt;
  return std::pair{folder.substr(0, n), folder.substr(n + 1)};
}

// The migration folders (starting with a digit) of a project folder, and their files.
std::vector<fs::path> folder_files(const fs::path& project) {
  std::vector<fs::path> out;
  std::error_code ec;
  for (fs::directory_iterator it(project, ec), end; !ec && it != end; it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (!it->is_directory(ec) || name.empty() || name[0] < '0' || name[0] > '9') continue;
    for (const char* f : {"up.sql", "down.sql", "migration.sql"}) {
      if (fs::is_regular_file(it->path() / f, ec)) out.push_back(it->path() / f);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

void sql_files_in(const fs::path& dir, std::vector<fs::path>& out) {
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().extension() == ".sql" && it->is_regular_file(ec)) out.push_back(it->path());
  }
}

}  // namespace layouts

std::vector<fs::path> LayoutSpec::project_files(const fs::path& project) const {
  std::vector<fs::path> out;
  layouts::sql_files_in(project, out);
  std::sort(out.begin(), out.end());
  return out;
}

RunnerTransaction LayoutSpec::transaction(const std::vector<Operation>& /*upgrade*/,
                                          const SqlRole& /*role*/) const {
  return RunnerTransaction::none;
}

Migration LayoutSpec::parse(const SourceFile& file, const SqlRole& role,
                            const sql::Placeholders& placeholders) const {
  if (!traits().versioned) return sql::parse_file(file, placeholders);
  Migration m;
  m.file = &file;
  m.layout = role.layout;
  m.id = role.version;
  const std::string& text = file.text;
  std::size_t bom = bom_length(text);
  sql::lower_file_part(file, {bom, text.size()}, placeholders, sql::LowerOptions{}, m.upgrade,
                       m.issues, &m.written_as);
  m.runner_transaction = transaction(m.upgrade, role);
  // The first half of a pair until the engine finds its other half.
  m.downgrade_kind = DowngradeKind::absent;
  m.downgrade_range = layouts::line_at(text, bom);
  return m;
}

const LayoutSpec& layout_spec(Layout layout) {
  switch (layout) {
    case Layout::sql:
    case Layout::alembic:  // Alembic revisions are Python: no SQL layout
      return layouts::bare();
    case Layout::numbered:
      return layouts::numbered();
    case Layout::golang_migrate:
      return layouts::golang_migrate();
    case Layout::flyway:
      return layouts::flyway();
    case Layout::dbmate:
      return layouts::dbmate();
    case Layout::sqitch:
      return layouts::sqitch();
    case Layout::diesel:
      return layouts::diesel();
    case Layout::prisma:
      return layouts::prisma();
    case Layout::popx:
      return layouts::popx();
  }
  return layouts::bare();
}

std::vector<const LayoutSpec*> detectable_layouts() {
  return {&layouts::popx(), &layouts::dbmate(), &layouts::golang_migrate(), &layouts::flyway(),
          &layouts::numbered()};
}

Migration parse_sql_migration(const SourceFile& file, const SqlRole& role,
                              const sql::Placeholders& placeholders) {
  return layout_spec(role.layout).parse(file, role, placeholders);
}

}  // namespace schemagate
