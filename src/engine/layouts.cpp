// Each layout's naming, ordering, pairing and transaction rules. The transaction defaults,
// as each tool documents them:
//
// - golang-migrate runs a file as it is, no transaction of its own ("migrations are not
//   run in a transaction by default", GETTING_STARTED.md; wrap in BEGIN/COMMIT yourself).
//   Its PostgreSQL drivers send the whole file as one simple-protocol query, and PostgreSQL
//   runs a multi-statement query string as one implicit transaction block (PostgreSQL docs,
//   "Multiple Statements in a Simple Query"): a file of several statements is atomic, and
//   CREATE INDEX CONCURRENTLY fails there unless it is alone in its file.
// - Prisma Migrate wraps nothing ("Why does Migrate not run migrations in a transaction by
//   default?", Prisma docs), but it too sends migration.sql as one query string: the same
//   implicit transaction block (prisma/prisma#22922).
// - Flyway runs each migration in its own transaction (executeInTransaction, default true;
//   per script in `<script>.sql.conf`). On PostgreSQL it detects statements that can't run
//   in a transaction (CREATE/DROP INDEX CONCURRENTLY, REINDEX CONCURRENTLY, VACUUM, ...) and
//   runs such a migration without one; mixed with transactional statements it refuses the
//   migration unless `mixed=true`, which also runs it without a transaction.
// - dbmate wraps each migration in a transaction unless its `-- migrate:up` (or `down`) line
//   says `transaction:false` (dbmate README, "Options").
// - Sqitch runs scripts through psql without a transaction: the scripts it generates carry
//   their own BEGIN/COMMIT. verify/ scripts are checks that end in ROLLBACK, not migrations.
// - diesel runs each migration in its own transaction unless its metadata.toml says
//   `run_in_transaction = false` (diesel_migrations docs, "Transactions").
// - popx (ory) runs each migration in a transaction; `.autocommit.` files run outside one.
// - A bare .sql file (psql -f) runs statement by statement, no transaction.
#include "engine/layouts.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>
#include <system_error>

#include <fnmatch.h>

#include "frontends/sql/sql_frontend.hpp"

namespace schemagate {

namespace fs = std::filesystem;

namespace {

std::string read_text(const fs::path& p, std::size_t limit = std::string::npos) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return {};
  if (limit == std::string::npos) {
    std::ostringstream b;
    b << in.rdbuf();
    return std::move(b).str();
  }
  std::string s(limit, '\0');
  in.read(s.data(), static_cast<std::streamsize>(limit));
  s.resize(static_cast<std::size_t>(in.gcount()));
  return s;
}

bool starts_with_digit(const std::string& s) {
  return !s.empty() && std::isdigit(static_cast<unsigned char>(s[0]));
}

// File-name patterns, matched by hand: std::regex costs more per name than reading the file.
std::size_t digits_at(std::string_view s, std::size_t at) {
  std::size_t end = at;
  while (end < s.size() && s[end] >= '0' && s[end] <= '9') ++end;
  return end - at;
}

// `<stem>.up.sql` / `<stem>.down.sql`: the stem and whether it is the downgrade.
std::optional<std::pair<std::string_view, bool>> up_down(std::string_view name) {
  if (name.ends_with(".up.sql")) return std::pair{name.substr(0, name.size() - 7), false};
  if (name.ends_with(".down.sql")) return std::pair{name.substr(0, name.size() - 9), true};
  return std::nullopt;
}

// golang-migrate: N_name.up.sql / N_name.down.sql
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

// popx: N[_name][.dialect][.autocommit].up.sql
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

// Flyway: V<version>__<name>.sql, U<version>__<name>.sql, R__<name>.sql
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

// diesel (`<version>_<name>`, the version of digits and dashes) and Prisma (`<digits>_<name>`)
// migration folders.
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

// `key = value` of a small config file (Flyway .conf, diesel metadata.toml).
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

// Sqitch plan: the script name of each change, in plan order (sqitch.plan(5)). Lines are
// pragmas (`%`), comments (`#`), tags (`@tag`) and changes (`[+]name [dependencies] date planner
// # note`). A change planned again later (reworked) keeps its latest script as `name.sql`; an
// earlier version's scripts are `name@tag.sql`, with the first of the tags between it and its
// next version whose deploy script exists (Sqitch's own rule), else the first of those tags.
std::vector<std::string> read_plan(const fs::path& project_dir) {
  struct Entry {
    std::string name;
    std::vector<std::string> tags_after;  // tags between this change and the next change
  };
  std::vector<Entry> entries;
  std::error_code ec;
  fs::path plan = project_dir / "sqitch.plan";
  if (!fs::is_regular_file(plan, ec)) return {};  // a FIFO would block the run
  std::ifstream in(plan);
  for (std::string line; std::getline(in, line);) {
    std::size_t b = line.find_first_not_of(" \t\r");
    if (b == std::string::npos) continue;
    char c = line[b];
    if (c == '%' || c == '#') continue;
    std::size_t e = line.find_first_of(" \t\r[", b);
    std::string word = line.substr(b, e == std::string::npos ? std::string::npos : e - b);
    if (c == '@') {
      if (!entries.empty()) entries.back().tags_after.push_back(word.substr(1));
      continue;
    }
    if (c == '-') continue;  // a change reverted in this plan: nothing to deploy
    if (c == '+') word.erase(0, 1);
    if (!word.empty()) entries.push_back({word, {}});
  }
  std::vector<std::string> scripts;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    std::vector<std::string> rework_tags;
    std::size_t next = i + 1;
    while (next < entries.size() && entries[next].name != entries[i].name) ++next;
    if (next < entries.size()) {
      for (std::size_t k = i; k < next; ++k) {
        rework_tags.insert(rework_tags.end(), entries[k].tags_after.begin(),
                           entries[k].tags_after.end());
      }
    }
    std::string script = entries[i].name;
    if (next < entries.size() && !rework_tags.empty()) {
      script += "@" + rework_tags.front();
      for (const std::string& tag : rework_tags) {
        if (fs::exists(project_dir / "deploy" / (entries[i].name + "@" + tag + ".sql"), ec)) {
          script = entries[i].name + "@" + tag;
          break;
        }
      }
    }
    scripts.push_back(std::move(script));
  }
  return scripts;
}

// Byte range of the line holding `offset`, without its line break.
ByteRange line_at(const std::string& text, std::size_t offset) {
  std::size_t begin = text.rfind('\n', offset == 0 ? 0 : offset - 1);
  begin = begin == std::string::npos || offset == 0 ? 0 : begin + 1;
  std::size_t end = text.find_first_of("\r\n", offset);
  return {begin, end == std::string::npos ? text.size() : end};
}

// Statements that PostgreSQL refuses inside a transaction block.
bool non_transactional(const Operation& op) {
  if (const auto* o = op.as<CreateIndex>()) return o->concurrently;
  if (const auto* o = op.as<DropIndex>()) return o->concurrently;
  if (const auto* o = op.as<Reindex>()) return o->concurrently;
  return op.is<Vacuum>();
}

bool has_transaction_control(const std::vector<Operation>& ops) {
  return std::any_of(ops.begin(), ops.end(), [](const Operation& op) {
    return op.is<TransactionControl>() && !op.in_function;
  });
}

// One query string of several statements, sent whole: PostgreSQL's implicit transaction
// block, unless the text manages transactions itself.
RunnerTransaction one_query_string(const std::vector<Operation>& ops) {
  return ops.size() > 1 && !has_transaction_control(ops) ? RunnerTransaction::per_migration
                                                         : RunnerTransaction::none;
}

struct Section {
  ByteRange marker;  // the `-- migrate:...` line
  ByteRange body;
  bool transaction = true;
};

// The direction of a dbmate marker `--[ \t]*migrate:up|down` starting at `at`, or empty.
// (Hand-written rather than std::regex: libstdc++'s regex recurses once per character
// matched, and a long enough line overflows the stack.)
std::string_view dbmate_marker(std::string_view text, std::size_t at, bool any_space) {
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
bool has_dbmate_marker(std::string_view head) {
  for (std::size_t at = 0;;) {
    if (dbmate_marker(head, at, true) == "up") return true;
    std::size_t nl = head.find('\n', at);
    if (nl == std::string_view::npos) return false;
    at = nl + 1;
  }
}

// dbmate's `-- migrate:up` / `-- migrate:down` sections.
void dbmate_sections(const std::string& text, std::optional<Section>& up,
                     std::optional<Section>& down) {
  std::vector<std::pair<std::string_view, Section>> found;
  for (std::size_t at = 0; at < text.size();) {
    std::string_view direction = dbmate_marker(text, at, false);
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

}  // namespace

bool versioned_layout(const std::string& layout) { return !layout.empty() && layout != "sql"; }

int compare_versions(std::string_view a, std::string_view b) {
  auto parts = [](std::string_view v) {
    std::vector<std::string_view> out;
    std::size_t start = 0;
    for (std::size_t i = 0; i <= v.size(); ++i) {
      if (i == v.size() || v[i] == '.' || v[i] == '_' || v[i] == '-') {
        out.push_back(v.substr(start, i - start));
        start = i + 1;
      }
    }
    return out;
  };
  auto digits = [](std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
      return std::isdigit(static_cast<unsigned char>(c));
    });
  };
  auto pa = parts(a);
  auto pb = parts(b);
  for (std::size_t i = 0; i < std::max(pa.size(), pb.size()); ++i) {
    std::string_view x = i < pa.size() ? pa[i] : "0";
    std::string_view y = i < pb.size() ? pb[i] : "0";
    if (digits(x) && digits(y)) {
      x.remove_prefix(std::min(x.find_first_not_of('0'), x.size()));
      y.remove_prefix(std::min(y.find_first_not_of('0'), y.size()));
      if (x.size() != y.size()) return x.size() < y.size() ? -1 : 1;
    }
    if (int c = x.compare(y); c != 0) return c < 0 ? -1 : 1;
  }
  return 0;
}

std::string detect_layout(const fs::path& dir) {
  std::error_code ec;
  if (fs::exists(dir / "sqitch.plan", ec)) return "sqitch";
  int golang = 0;
  int popx = 0;
  int flyway = 0;
  int dbmate = 0;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().extension() != ".sql" || !it->is_regular_file(ec)) continue;
    std::string name = it->path().filename().string();
    if (auto p = popx_name(name); p && popx_segments(std::string(p->segments), nullptr, nullptr)) {
      ++popx;
    } else if (golang_name(name)) {
      ++golang;
    } else if (flyway_name(name)) {
      ++flyway;
    } else if (dbmate_name(name) && has_dbmate_marker(read_text(it->path(), 4096))) {
      ++dbmate;
    }
  }
  // popx folders also hold plain N_name.up.sql files: any dialect marker decides.
  if (popx > 0) return "popx";
  int best = std::max({golang, flyway, dbmate});
  if (best == 0) return "sql";
  if (dbmate == best) return "dbmate";
  if (golang == best) return "golang-migrate";
  return "flyway";
}

std::optional<std::string> LayoutResolver::override_for(const fs::path& dir) const {
  std::error_code ec;
  std::vector<std::string> spellings{dir.generic_string()};
  fs::path canonical = fs::weakly_canonical(dir, ec);
  if (!ec) spellings.push_back(canonical.generic_string());
  for (const auto& [glob, layout] : overrides_) {
    for (const std::string& s : spellings) {
      if (fnmatch(glob.c_str(), s.c_str(), 0) == 0 ||
          fnmatch(glob.c_str(), (s + "/").c_str(), 0) == 0) {
        return layout;
      }
    }
  }
  return std::nullopt;
}

std::string LayoutResolver::detect(const fs::path& dir) {
  std::string key = dir.generic_string();
  auto it = detected_.find(key);
  if (it != detected_.end()) return it->second;
  std::string layout = override_for(dir).value_or(detect_layout(dir));
  detected_.emplace(key, layout);
  return layout;
}

SqlPlacement LayoutResolver::place(const fs::path& file) {
  std::error_code ec;
  fs::path parent = file.parent_path().empty() ? fs::path(".") : file.parent_path();
  fs::path grand = parent.parent_path().empty() ? fs::path(".") : parent.parent_path();
  std::string pname = parent.filename().string();
  std::string fname = file.filename().string();
  SqlPlacement out;
  // Layouts whose migrations are folders: the project is the folder above.
  std::string folder_layout;
  if ((pname == "deploy" || pname == "revert" || pname == "verify") &&
      fs::exists(grand / "sqitch.plan", ec)) {
    folder_layout = "sqitch";
  } else if ((fname == "up.sql" || fname == "down.sql") && starts_with_digit(pname)) {
    folder_layout = "diesel";
  } else if (fname == "migration.sql" && starts_with_digit(pname)) {
    folder_layout = "prisma";
  }
  if (!folder_layout.empty()) {
    out.project_dir = grand;
    std::string layout = override_for(grand).value_or(folder_layout);
    out.role = sql_role(layout, file, grand);
    return out;
  }
  out.project_dir = parent;
  out.role = sql_role(detect(parent), file, parent);
  return out;
}

std::vector<fs::path> LayoutResolver::project_files(const fs::path& project_dir,
                                                    const std::string& layout) {
  std::vector<fs::path> out;
  std::error_code ec;
  auto sql_in = [&](const fs::path& dir) {
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
      if (it->path().extension() == ".sql" && it->is_regular_file(ec)) out.push_back(it->path());
    }
    ec.clear();
  };
  if (layout == "sqitch") {
    sql_in(project_dir / "deploy");
    sql_in(project_dir / "revert");
  } else if (layout == "diesel" || layout == "prisma") {
    for (fs::directory_iterator it(project_dir, ec), end; !ec && it != end; it.increment(ec)) {
      if (it->is_directory(ec) && starts_with_digit(it->path().filename().string())) {
        for (const char* f : {"up.sql", "down.sql", "migration.sql"}) {
          if (fs::is_regular_file(it->path() / f, ec)) out.push_back(it->path() / f);
        }
      }
    }
  } else {
    sql_in(project_dir);
  }
  std::sort(out.begin(), out.end());
  return out;
}

SqlRole sql_role(const std::string& layout, const fs::path& file, const fs::path& project_dir) {
  SqlRole r;
  std::string fname = file.filename().string();
  std::error_code ec;
  std::optional<PopxName> popx;
  std::optional<FlywayName> flyway;
  std::optional<std::pair<std::string_view, std::string_view>> dbmate;
  if (auto golang = layout == "golang-migrate" ? golang_name(fname) : std::nullopt) {
    r.layout = layout;
    r.version = golang->version;
    r.name = golang->name;
    r.down = golang->down;
  } else if (layout == "popx" && (popx = popx_name(fname))) {
    std::string dialect;
    bool autocommit = false;
    if (!popx->segments.empty() &&
        !popx_segments(std::string(popx->segments), &dialect, &autocommit)) {
      return r;
    }
    r.layout = layout;
    r.version = popx->version;
    r.name = popx->name;
    r.down = popx->down;
    r.no_transaction = autocommit;
    // Other databases' files are not run on PostgreSQL; a postgres file replaces the generic
    // one of the same migration.
    if (!dialect.empty() && dialect != "postgres") r.skip = true;
    if (dialect.empty()) {
      std::string stem = std::string(popx->version) +
                         (popx->has_name ? "_" + std::string(popx->name) : std::string());
      std::string dir = popx->down ? "down.sql" : "up.sql";
      for (const char* pg : {".postgres.", ".postgres.autocommit."}) {
        if (fs::exists(file.parent_path() / (stem + pg + dir), ec)) r.skip = true;
      }
    }
  } else if (layout == "flyway" && (flyway = flyway_name(fname))) {
    r.layout = layout;
    if (flyway->prefix == 'R') {
      r.repeatable = true;
      r.name = flyway->name;
    } else {
      r.version = flyway->version;
      std::replace(r.version.begin(), r.version.end(), '_', '.');
      r.name = flyway->name;
      r.down = flyway->prefix == 'U';
    }
    fs::path conf = file;
    conf += ".conf";
    if (auto v = config_value(conf, "executeInTransaction"); v && *v == "false")
      r.no_transaction = true;
  } else if (layout == "dbmate" && (dbmate = dbmate_name(fname))) {
    r.layout = layout;
    r.version = dbmate->first;
    r.name = dbmate->second;
  } else if (layout == "sqitch") {
    std::string folder = file.parent_path().filename().string();
    if (folder == "verify") {
      r.layout = layout;
      r.skip = true;
      return r;
    }
    if (folder != "deploy" && folder != "revert") return r;
    r.layout = layout;
    r.name = file.stem().string();
    r.version = r.name;
    r.down = folder == "revert";
    std::vector<std::string> plan = read_plan(project_dir);
    auto it = std::find(plan.begin(), plan.end(), r.name);
    r.plan_order = it == plan.end() ? 0 : static_cast<std::size_t>(it - plan.begin()) + 1;
  } else if (layout == "diesel" || layout == "prisma") {
    std::string folder = file.parent_path().filename().string();
    auto parts = folder_name(folder, layout == "diesel");
    if (!parts) return r;
    if (layout == "diesel" ? fname != "up.sql" && fname != "down.sql" : fname != "migration.sql")
      return r;
    r.layout = layout;
    r.version = parts->first;
    r.name = parts->second;
    r.down = fname == "down.sql";
    if (layout == "diesel") {
      auto v = config_value(file.parent_path() / "metadata.toml", "run_in_transaction");
      r.no_transaction = v && *v == "false";
    }
  }
  return r;
}

bool names_version(const SqlRole& role, const std::string& start_after) {
  if (role.repeatable) return false;
  if (role.layout == "sqitch") return role.name == start_after;
  return compare_versions(role.version, start_after) == 0;
}

std::vector<bool> history_of(const std::vector<const SqlRole*>& ups,
                             const std::string& start_after) {
  std::vector<bool> out(ups.size(), false);
  if (start_after.empty()) return out;
  bool sqitch = !ups.empty() && ups.front()->layout == "sqitch";
  std::size_t last = ups.size();
  for (std::size_t i = 0; i < ups.size(); ++i) {
    if (names_version(*ups[i], start_after)) last = i;
  }
  for (std::size_t i = 0; i < ups.size(); ++i) {
    if (ups[i]->repeatable) continue;
    out[i] = sqitch ? last < ups.size() && i <= last
                    : compare_versions(ups[i]->version, start_after) <= 0;
  }
  return out;
}

bool runs_before(const SqlRole& a, const SqlRole& b) {
  if (a.repeatable != b.repeatable) return b.repeatable;  // Flyway: repeatables last
  if (a.layout == "sqitch") {
    // Planned changes in plan order, unplanned ones after them by name.
    std::size_t pa = a.plan_order == 0 ? SIZE_MAX : a.plan_order;
    std::size_t pb = b.plan_order == 0 ? SIZE_MAX : b.plan_order;
    if (pa != pb) return pa < pb;
    return a.name < b.name;
  }
  if (int c = compare_versions(a.version, b.version); c != 0) return c < 0;
  return a.name < b.name;
}

Migration parse_sql_migration(const SourceFile& file, const SqlRole& role,
                              const sql::Placeholders& placeholders) {
  if (!versioned_layout(role.layout)) return sql::parse_file(file, placeholders);
  Migration m;
  m.file = &file;
  m.layout = role.layout;
  m.id = role.version;
  const std::string& text = file.text;
  std::size_t bom = bom_length(text);
  if (role.layout == "dbmate") {
    std::optional<Section> up;
    std::optional<Section> down;
    dbmate_sections(text, up, down);
    m.runner_transaction = RunnerTransaction::per_migration;
    sql::LowerOptions up_options;
    up_options.autocommit = up && !up->transaction;
    ByteRange up_part = up ? up->body : ByteRange{bom, text.size()};
    if (up && down && down->marker.begin < up->marker.begin) up_part.end = text.size();
    sql::lower_file_part(file, up_part, placeholders, up_options, m.upgrade, m.issues);
    if (!down) {
      m.downgrade_kind = DowngradeKind::absent;
      m.downgrade_range = up ? up->marker : line_at(text, bom);
      return m;
    }
    sql::LowerOptions down_options;
    down_options.autocommit = !down->transaction;
    std::size_t issues_before = m.issues.size();
    sql::lower_file_part(file, down->body, placeholders, down_options, m.downgrade, m.issues);
    m.downgrade_range = down->marker;
    m.downgrade_kind = !m.downgrade.empty() || m.issues.size() > issues_before
                           ? DowngradeKind::real
                           : DowngradeKind::empty;
    return m;
  }
  sql::lower_file_part(file, {bom, text.size()}, placeholders, sql::LowerOptions{}, m.upgrade,
                       m.issues);
  if (role.layout == "golang-migrate" || role.layout == "prisma") {
    m.runner_transaction = one_query_string(m.upgrade);
  } else if (role.layout == "flyway") {
    bool refused = std::any_of(m.upgrade.begin(), m.upgrade.end(), non_transactional);
    m.runner_transaction =
        refused || role.no_transaction ? RunnerTransaction::none : RunnerTransaction::per_migration;
  } else if (role.layout == "diesel" || role.layout == "popx") {
    m.runner_transaction =
        role.no_transaction ? RunnerTransaction::none : RunnerTransaction::per_migration;
  } else {
    m.runner_transaction = RunnerTransaction::none;  // sqitch: the scripts' own BEGIN/COMMIT
  }
  // The first half of a pair until the engine finds its other half.
  m.downgrade_kind = DowngradeKind::absent;
  m.downgrade_range = line_at(text, bom);
  return m;
}

}  // namespace schemagate
