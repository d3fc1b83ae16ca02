// The lint session: an editor's buffer linted in its project, with what was read kept between
// two lints.
//
// Per buffer, the session keeps its discovery (the project's files around it, and the stamps
// of the folders that were listed) and the schema replayed up to it (with the migrations that
// were replayed). Per file of a project, it keeps the parsed migration (the header and the
// upgrade's operations; the text is dropped) with the file's stamp. A lint stats the folders
// and files, parses what is new or changed (on all cores), orders the project as the engine
// does (lint_alembic, lint_sql_project), runs the graph rules, extends or reuses the replayed
// schema, and hands the buffer to the engine's file linter (lint_in_context), so that the
// findings are those of lint_paths({path}) with the buffer saved.
#include "schemagate/session.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <optional>
#include <set>
#include <unordered_map>
#include <utility>

#include "engine/context.hpp"
#include "engine/discover.hpp"
#include "engine/layouts.hpp"
#include "engine/parallel.hpp"
#include "engine/replay.hpp"
#include "frontends/alembic/alembic_frontend.hpp"
#include "platform/platform.hpp"
#include "schemagate/graph.hpp"

namespace schemagate {

namespace fs = std::filesystem;

namespace {

using Stamp = platform::FileStamp;

bool same_role(const SqlRole& a, const SqlRole& b) {
  return a.layout == b.layout && a.version == b.version && a.name == b.name && a.down == b.down &&
         a.repeatable == b.repeatable && a.skip == b.skip && a.no_transaction == b.no_transaction &&
         a.plan_order == b.plan_order;
}

bool well_encoded(std::string_view text) {
  return text.find('\0') == std::string_view::npos && !find_invalid_utf8(text);
}

// One file of a project as the engine reads it for context, kept between lints.
struct Entry {
  Stamp stamp;
  SourceRef ref;
  bool parsed = false;  // false: only stamped (a downgrade file, which the engine reads itself)
  bool linted = false;  // readable, text and (Python) a revision: it takes part
  SourceFile file;      // its path; the text is dropped once parsed
  Migration header;     // Alembic: the header pass's reading, which the graph is built on
  Migration migration;  // the upgrade's operations, for replay
  Position revision_begin;
  Position revision_end;
};

using EntryPtr = std::shared_ptr<const Entry>;

alembic::AlembicOptions alembic_options(const std::string& project_root) {
  alembic::AlembicOptions options;
  options.project_root = project_root;
  options.read_file = [](const std::string& path) { return platform::read_regular_file(path); };
  return options;
}

// Reads and parses one context file as GroupLinter::read and load do.
std::shared_ptr<Entry> parse_entry(const SourceRef& ref, Stamp stamp, bool parse,
                                   const std::string& project_root, const LintOptions& options) {
  auto e = std::make_shared<Entry>();
  e->stamp = stamp;
  e->ref = ref;
  e->file.path = ref.path;
  e->parsed = parse;
  if (!parse) return e;
  try {
    std::optional<std::string> text = platform::read_regular_file(ref.path);
    if (!text) return e;
    if (ref.kind == SourceKind::python && !ref.explicit_path &&
        !alembic::looks_like_revision(*text)) {
      return e;
    }
    if (!well_encoded(*text)) return e;
    e->file.text = std::move(*text);
    if (ref.kind == SourceKind::python) {
      alembic::AlembicOptions aopts = alembic_options(project_root);
      e->header = alembic::read_revision_header(e->file, aopts);
      e->migration = alembic::parse_file(e->file, aopts);
      e->migration.id = e->header.id;  // the order is decided on the header
      e->migration.parents = e->header.parents;
      LineIndex lines(e->file.text);
      e->revision_begin = lines.position(e->header.revision.revision_range.begin);
      e->revision_end = lines.position(e->header.revision.revision_range.end);
    } else {
      e->migration = parse_sql_migration(e->file, ref.role, options.placeholders);
      if (options.assume_in_transaction && !traits(ref.role.layout).versioned) {
        e->migration.runner_transaction = RunnerTransaction::per_migration;
      }
    }
    e->header.file = &e->file;
    e->migration.file = &e->file;
    // Replay needs the upgrade's operations only.
    std::vector<Operation>().swap(e->migration.downgrade);
    std::vector<FrontendIssue>().swap(e->migration.issues);
    std::string().swap(e->file.text);
    e->linted = true;
  } catch (const std::exception&) {
    e->linted = false;  // out of memory: the file takes no part, as in the engine
  }
  return e;
}

// The buffer's project, as discover({path}) finds it.
struct Found {
  bool in_group = false;  // false: excluded, or not a migration the engine would lint
  SourceGroup group;
  std::size_t buffer = 0;                              // its index in group.files
  std::vector<std::pair<std::string, Stamp>> watched;  // folders listed, layout files
};

// The graph-relevant fields of a revision header: while they stay the same (and the project's
// files do), the revision graph and the buffer's place in it do too.
struct HeaderKey {
  std::string id;
  std::vector<std::string> parents;
  std::vector<std::string> branch_labels;
  bool branch_labels_unknown = false;
  std::vector<std::string> depends_on;
  std::optional<std::string> header_id;
  std::optional<std::vector<std::string>> header_parents;
  friend bool operator==(const HeaderKey&, const HeaderKey&) = default;
};

HeaderKey key_of(const Migration& m) {
  return {m.id,
          m.parents,
          m.revision.branch_labels,
          m.revision.branch_labels_unknown,
          m.revision.depends_on,
          m.revision.header_id,
          m.revision.header_parents};
}

// What is kept for one buffer between its lints.
struct Buffer {
  std::chrono::steady_clock::time_point checked;  // when its project's files were last stat'ed
  // The schema replayed up to the buffer, and what was replayed.
  std::vector<EntryPtr> replayed;
  SchemaState state;
  // Alembic: the buffer's header (at a stable address: the plan points to it).
  SourceFile file;
  Migration header;
  // The plan of the buffer's project, and what it was made from: the headers (the entries
  // keep them alive) and the buffer's header key. Made again when any of them changes.
  std::optional<Plan> plan;
  std::vector<const Migration*> made_from;
  std::optional<HeaderKey> key;
  std::vector<EntryPtr> entries;
};

std::string parent_of(const std::string& path) {
  fs::path p = fs::path(path).parent_path();
  return p.empty() ? std::string(".") : p.generic_string();
}

}  // namespace

struct LintSession::Impl {
  LintOptions options;
  std::unordered_map<std::string, EntryPtr> entries;  // by path, as discovered
  std::unordered_map<std::string, Found> found;       // by buffer path
  std::unordered_map<std::string, Buffer> buffers;    // by buffer path
  // Alembic projects' env.py, by path, with the stamp it was read at.
  std::unordered_map<std::string, std::pair<Stamp, RunnerEnvironment>> environments;
  std::chrono::milliseconds recheck{0};
  std::unique_ptr<Workers> workers;
  bool workers_tried = false;

  Workers* pool() {
    if (!workers_tried) {
      workers_tried = true;
      unsigned count = worker_count(options.jobs);
      if (count > 1) workers = workers_with_main_stack(count);  // null: parse on this thread
    }
    return workers.get();
  }

  static bool watched_unchanged(const Found& f) {
    return std::all_of(f.watched.begin(), f.watched.end(),
                       [](const auto& w) { return platform::file_stamp(w.first) == w.second; });
  }

  const Found& discover_for(const std::string& path) {
    auto it = found.find(path);
    if (it != found.end() && watched_unchanged(it->second)) return it->second;
    Found f;
    Discovery d = discover({path}, DiscoverOptions{options.layouts, options.exclude});
    for (SourceGroup& g : d.groups) {
      for (std::size_t i = 0; i < g.files.size(); ++i) {
        if (g.files[i].explicit_path && g.files[i].path == path) {
          f.in_group = true;
          f.buffer = i;
        }
      }
      if (f.in_group) {
        f.group = std::move(g);
        break;
      }
    }
    std::set<std::string> folders{parent_of(path)};
    for (const SourceRef& r : f.group.files) folders.insert(parent_of(r.path));
    if (auto hash = f.group.key.rfind('#'); hash != std::string::npos) {
      std::string project = f.group.key.substr(0, hash);  // a SQL layout's folder
      folders.insert(project);
      if (traits(f.group.layout).ordering == Ordering::plan) {
        folders.insert(project + "/sqitch.plan");  // the plan file decides the order
      }
    }
    if (!f.group.alembic_env.empty()) folders.insert(f.group.alembic_env);
    for (const std::string& w : folders) f.watched.emplace_back(w, platform::file_stamp(w));
    return found[path] = std::move(f);
  }

  // What the project's env.py does around every revision (the engine's
  // read_runner_environment), read again when the file changes.
  const RunnerEnvironment& environment(const SourceGroup& g) {
    static const RunnerEnvironment kNone;
    if (g.alembic_env.empty()) return kNone;
    Stamp now = platform::file_stamp(g.alembic_env);
    auto it = environments.find(g.alembic_env);
    if (it == environments.end() || !(it->second.first == now)) {
      it = environments.insert_or_assign(g.alembic_env, std::pair(now, read_runner_environment(g)))
               .first;
    }
    return it->second.second;
  }

  // Is the cached entry of `ref` current?
  bool current(const SourceRef& ref, const Stamp& stamp, bool parse) const {
    auto it = entries.find(ref.path);
    if (it == entries.end()) return false;
    const Entry& e = *it->second;
    return e.stamp == stamp && (e.parsed || !parse) && e.ref.kind == ref.kind &&
           e.ref.explicit_path == ref.explicit_path && same_role(e.ref.role, ref.role);
  }

  static bool needs_parse(const SourceRef& ref) {
    return ref.kind == SourceKind::python || !ref.role.down;
  }

  // Stats every file of the group but the buffer, and reads and parses those that are new or
  // changed.
  void refresh(const Found& f) {
    std::vector<std::pair<const SourceRef*, Stamp>> todo;
    for (std::size_t i = 0; i < f.group.files.size(); ++i) {
      if (i == f.buffer) continue;
      const SourceRef& r = f.group.files[i];
      Stamp s = platform::file_stamp(r.path);
      if (!current(r, s, needs_parse(r))) todo.emplace_back(&r, s);
    }
    if (todo.empty()) return;
    std::vector<std::shared_ptr<Entry>> parsed(todo.size());
    parallel_for(todo.size() > 1 ? pool() : nullptr, todo.size(), [&](std::size_t i) {
      parsed[i] = parse_entry(*todo[i].first, todo[i].second, needs_parse(*todo[i].first),
                              f.group.project_root, options);
    });
    for (auto& e : parsed) {
      std::string key = e->ref.path;
      entries[key] = std::move(e);
    }
  }

  [[nodiscard]] EntryPtr entry(const SourceRef& ref) const { return entries.at(ref.path); }

  // The schema replayed through `replayed` (upgrades only, as the engine replays the files it
  // does not report on), from what was replayed for the buffer before when it is a prefix.
  static SchemaState state_after(Buffer& b, const std::vector<EntryPtr>& replayed) {
    std::size_t common = 0;
    while (common < b.replayed.size() && common < replayed.size() &&
           b.replayed[common] == replayed[common]) {
      ++common;
    }
    if (common < b.replayed.size()) {
      b.replayed.clear();
      b.state = SchemaState{};
      common = 0;
    }
    for (std::size_t i = common; i < replayed.size(); ++i) {
      const Migration& m = replayed[i]->migration;
      (void)b.state.replay(m, Phase::upgrade, m.upgrade);
      b.replayed.push_back(replayed[i]);
    }
    return b.state;
  }

  // The plan of the buffer's project (plan.hpp), kept while the headers it was made from
  // stay the same. Alembic: the other revisions' headers from their entries, the buffer's
  // read from its text.
  const Plan& plan_for(Buffer& b, const Found& f, bool buffer_usable) {
    const SourceGroup& g = f.group;
    std::vector<const Migration*> made_from;
    std::vector<EntryPtr> used;
    std::vector<FileHeader> headers(g.files.size());
    for (std::size_t i = 0; i < g.files.size(); ++i) {
      if (i == f.buffer) {
        headers[i].usable = buffer_usable;
        headers[i].header = b.header;
        headers[i].header.file = &b.file;
        made_from.push_back(&b.header);
        continue;
      }
      EntryPtr e = entry(g.files[i]);
      headers[i].usable = e->linted;
      headers[i].header = e->header;
      headers[i].header.file = &e->file;
      made_from.push_back(&e->header);
      used.push_back(std::move(e));
    }
    HeaderKey key = key_of(b.header);
    if (!b.plan || made_from != b.made_from || key != b.key || !buffer_usable) {
      b.plan = make_plan(g, std::move(headers), options);
      b.made_from = std::move(made_from);
      b.entries = std::move(used);
      b.key = std::move(key);
    }
    return *b.plan;
  }

  // The heads of the buffer's history, and the other revisions that declare its id: what its
  // graph findings are about (an editor's related information).
  std::vector<RevisionSite> sites(const Found& f, const Buffer& b, const Plan& plan,
                                  const Sequence& seq, const std::string& path,
                                  std::string_view text) {
    std::vector<RevisionSite> out;
    std::vector<const Migration*> history;
    std::unordered_map<const Migration*, std::size_t> file_of;
    for (const PlannedMigration& p : seq.migrations) {
      history.push_back(&plan.headers[p.file].header);
      file_of[history.back()] = p.file;
    }
    RevisionGraph graph(history);
    LineIndex lines(text);
    auto site = [&](const Migration* m, bool head) {
      std::size_t file = file_of.at(m);
      if (file == f.buffer) {
        out.push_back({m->id, path, lines.position(b.header.revision.revision_range.begin),
                       lines.position(b.header.revision.revision_range.end), head});
        return;
      }
      EntryPtr e = entry(f.group.files[file]);
      out.push_back({m->id, m->file->path, e->revision_begin, e->revision_end, head});
    };
    std::set<const Migration*> heads(graph.heads().begin(), graph.heads().end());
    for (const Migration* m : graph.heads()) site(m, true);
    if (!b.header.id.empty()) {
      for (const Migration* m : graph.declaring(b.header.id)) {
        if (!heads.contains(m)) site(m, false);
      }
    }
    return out;
  }

  // The buffer in its planned project: the migrations before it in its sequence replayed from
  // their entries (upgrades only, as the engine replays files it does not report on), then
  // the buffer's migration linted by the engine's project linter.
  SessionResult lint_project(const std::string& path, const Found& f, std::string text) {
    SessionResult out;
    const SourceGroup& g = f.group;
    Buffer& b = buffers[path];
    bool python = g.files[f.buffer].kind == SourceKind::python;
    bool usable = well_encoded(text);
    if (python && usable) {
      b.file = SourceFile{path, text};
      b.header = alembic::read_revision_header(b.file, alembic_options(g.project_root));
      b.header.file = &b.file;
    } else {
      b.header = Migration{};
      b.header.file = &b.file;
      b.file = SourceFile{path, {}};
    }
    const Plan& plan = plan_for(b, f, usable);
    std::optional<PlanPlace> where = find_in_plan(plan, f.buffer);
    if (!where) {
      // The buffer takes no part in the project (not text): linted alone.
      Plan alone;
      alone.sequences.emplace_back().shared = false;
      PlannedMigration buffer;
      buffer.file = f.buffer;
      alone.sequences.back().migrations.push_back(std::move(buffer));
      SchemaState none;
      out.lint =
          lint_planned(g, alone, {0, 0, false}, std::move(text), none, options, environment(g));
      return out;
    }
    const Sequence& seq = plan.sequences[where->sequence];
    const PlannedMigration& mine = seq.migrations[where->index];
    if (python && usable) out.revisions = sites(f, b, plan, seq, path, text);
    if (mine.history) return out;  // start_after: replayed for the later ones, never reported
    std::vector<EntryPtr> replayed;
    if (seq.shared) {
      for (std::size_t k = 0; k < where->index; ++k) {
        EntryPtr e = entry(g.files[seq.migrations[k].file]);
        if (e->linted) replayed.push_back(std::move(e));
      }
    }
    SchemaState state = state_after(b, replayed);
    out.lint = lint_planned(g, plan, *where, std::move(text), state, options, environment(g));
    return out;
  }
};

bool looks_like_migration(std::string_view path, std::string_view text) {
  return !path.ends_with(".py") || alembic::looks_like_revision(text);
}

LintSession::LintSession(LintOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
}

LintSession::~LintSession() = default;

const LintOptions& LintSession::options() const { return impl_->options; }

SessionResult LintSession::lint(const std::string& path, std::string text) {
  SessionResult out;
  if (!looks_like_migration(path, text)) {
    out.migration = false;
    return out;
  }
  std::error_code ec;
  if (path.empty() || fs::is_directory(path, ec)) return out;
  Buffer& b = impl_->buffers[path];
  auto now = std::chrono::steady_clock::now();
  auto known = impl_->found.find(path);
  bool check = known == impl_->found.end() || impl_->recheck.count() == 0 ||
               now - b.checked >= impl_->recheck;
  const Found& f = check ? impl_->discover_for(path) : known->second;
  if (!f.in_group) return out;  // excluded by the configuration
  if (check) {
    impl_->refresh(f);
    b.checked = now;
  }
  return impl_->lint_project(path, f, std::move(text));
}

bool LintSession::stale(const std::string& path) {
  auto it = impl_->found.find(path);
  if (it == impl_->found.end()) return false;
  const Found& f = it->second;
  bool changed = !Impl::watched_unchanged(f);
  for (std::size_t i = 0; i < f.group.files.size() && !changed; ++i) {
    if (i == f.buffer) continue;
    const SourceRef& r = f.group.files[i];
    changed = !impl_->current(r, platform::file_stamp(r.path), Impl::needs_parse(r));
  }
  if (changed) impl_->buffers[path].checked = {};  // the next lint looks at the files again
  return changed;
}

void LintSession::set_recheck_interval(std::chrono::milliseconds interval) {
  impl_->recheck = interval;
}

void LintSession::forget(const std::string& path) {
  impl_->found.erase(path);
  impl_->buffers.erase(path);
}

void LintSession::rediscover() { impl_->found.clear(); }

}  // namespace schemagate
