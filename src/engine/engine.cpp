// The engine: discover → read → frontend → replay → rules → diagnostics.
//
// Files are read and parsed on every core, a window of them ahead of the linter; replay and
// the rules then take each project's migrations in the order they run, on the calling
// thread. A file's text and operations are dropped as soon as it has been linted, so memory
// holds the replayed schema state and a window of files, however long the history is.
// Alembic revisions are ordered by a first, cheap pass over their headers.
#include "schemagate/engine.hpp"

#include <algorithm>
#include <cctype>
#include <deque>
#include <exception>
#include <filesystem>
#include <iterator>
#include <memory>
#include <set>
#include <string_view>
#include <unordered_map>

#include "engine/checklist.hpp"
#include "engine/context.hpp"
#include "engine/discover.hpp"
#include "engine/parallel.hpp"
#include "engine/plan.hpp"
#include "engine/replay.hpp"
#include "engine/suppress.hpp"
#include "frontends/alembic/alembic_frontend.hpp"
#include "frontends/layouts/layout_spec.hpp"
#include "frontends/sql/sql_frontend.hpp"
#include "platform/platform.hpp"
#include "schemagate/graph.hpp"
#include "schemagate/reversal.hpp"
#include "schemagate/version.hpp"

namespace schemagate {

std::string_view version() { return kVersion; }

bool same_effect(std::string_view path, std::string_view before, std::string_view after) {
  if (before == after) return true;
  if (path.ends_with(".py")) {
    return alembic::significant_tokens(before) == alembic::significant_tokens(after);
  }
  return sql::significant_tokens(before) == sql::significant_tokens(after);
}

namespace {

// A help's Python names the revision doesn't import (`sa.` without `import sqlalchemy as sa`,
// `postgresql.` without `from sqlalchemy.dialects import postgresql`): the line to add, so
// that the code copied from the help runs.
std::string imports_note(std::string_view help, std::string_view file) {
  auto uses = [&](std::string_view prefix) {
    for (std::size_t at = help.find(prefix); at != std::string_view::npos;
         at = help.find(prefix, at + 1)) {
      const bool word_start =
          at == 0 || !(std::isalnum(static_cast<unsigned char>(help[at - 1])) != 0 ||
                       help[at - 1] == '_' || help[at - 1] == '.');
      const std::size_t after = at + prefix.size();
      if (word_start && after < help.size() &&
          (std::isalpha(static_cast<unsigned char>(help[after])) != 0)) {
        return true;
      }
    }
    return false;
  };
  // An import line of the file that names `name` as a whole word.
  auto imported = [&](std::string_view name) {
    std::size_t start = 0;
    while (start < file.size()) {
      std::size_t end = file.find('\n', start);
      if (end == std::string_view::npos) end = file.size();
      std::string_view line = file.substr(start, end - start);
      start = end + 1;
      while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
      if (!line.starts_with("import ") && !line.starts_with("from ")) continue;
      for (std::size_t at = line.find(name); at != std::string_view::npos;
           at = line.find(name, at + 1)) {
        const std::size_t after = at + name.size();
        const bool before_ok = at == 0 || line[at - 1] == ' ' || line[at - 1] == ',';
        const bool after_ok = after == line.size() || line[after] == ' ' || line[after] == ',' ||
                              line[after] == '\r' || line[after] == ')';
        if (before_ok && after_ok) return true;
      }
    }
    return false;
  };
  std::string out;
  if (uses("sa.") && !imported("sa")) out += "\nimport sqlalchemy as sa";
  if (uses("postgresql.") && !imported("postgresql")) {
    out += "\nfrom sqlalchemy.dialects import postgresql";
  }
  return out.empty() ? out : "\n(at the top of the file, which doesn't import it yet:" + out + ")";
}

constexpr const char* kBugHelp = "please report this as a bug; the other rules still ran";

void add_io_error(LintResult& result, const std::string& path, const std::string& why) {
  Diagnostic d;
  d.rule = "io-error";
  d.severity = Severity::error;
  d.path = path;
  d.message = "cannot read: " + why;
  d.help = "check that the path exists and is readable";
  result.diagnostics.push_back(std::move(d));
  result.io_error = true;
}

// Runs one rule; an exception becomes an error message, and the findings the rule made
// before it threw are dropped.
template <typename Findings, typename Fn>
std::optional<std::string> guarded(std::string_view rule, Findings& findings, Fn&& fn) {
  std::size_t before = findings.size();
  try {
    fn();
    return std::nullopt;
  } catch (const std::exception& e) {
    findings.resize(before);
    return "rule " + std::string(rule) + " failed: " + e.what();
  } catch (...) {
    findings.resize(before);
    return "rule " + std::string(rule) + " failed";
  }
}

// Frees a container's memory, not just its elements.
template <typename T>
void release(T& value) {
  T().swap(value);
}

// The other half of a SQL migration when it is Go code beside it (concourse's
// N_name.up.go next to N_name.down.sql, N_name.down.go next to N_name.up.sql): runners that
// take Go migrations pair the two by name. `half` is "up" or "down", the half to look for.
// Its file name, or empty when there is none.
std::string go_half(const std::string& path, const std::string& half) {
  std::filesystem::path p(path);
  std::string name = p.filename().string();
  auto stem = layouts::up_down(name);
  if (!stem) return {};
  std::string other = std::string(stem->first) + "." + half + ".go";
  std::error_code ec;
  if (!std::filesystem::is_regular_file(p.parent_path() / other, ec)) other.clear();
  return other;
}

// What a downgrade whose upgrade is Go code reverses: that code, unread.
const Operation& go_upgrade() {
  static const Operation* op = [] {
    auto* o = new Operation;
    o->kind = Unanalyzable{"an upgrade in Go code"};
    return o;
  }();
  return *op;
}

// One file of a group, from discovery to its findings. Only what ordering needs stays
// once it has been linted: its path and its migration's header.
struct Unit {
  const SourceRef& ref;        // the group's own (SourceGroup::files), which outlives the linter
  std::size_t file_index = 0;  // its index in SourceGroup::files
  SourceFile file;             // the path; the text while the file is loaded
  std::optional<LineIndex> lines;  // while loaded
  Migration migration;             // the header (id, parents) always, the rest while loaded
  bool reported = true;            // false for context files and --start-after history
  bool history = false;            // start_after: replayed, not reported
  // Another database's history (other-database): read for its position, not parsed or
  // linted; its one finding is pending.
  bool notice_only = false;
  bool linted = true;               // false: unreadable, not text, or not a revision
  bool not_revision = false;        // a Python file that is no migration: not even counted
  bool companion = false;           // a downgrade file, linted with its upgrade
  bool downgrade_only = false;      // a downgrade file whose upgrade is missing
  std::string upgrade_in_go;        // downgrade_only: its upgrade is this Go file beside it
  bool headed = false;              // its header was read first (Alembic): it keeps those ids
  Unit* down = nullptr;             // the downgrade file paired with this upgrade
  std::optional<std::string> text;  // lint_text: the text instead of the file's
  std::optional<std::string> io_problem;
  std::vector<Diagnostic> diagnostics;  // this file's, until finish() applies its ignores
  std::vector<RawFinding> pending;      // graph findings, placed once the text is read again
  std::optional<Ignores> ignores;       // its inline ignores, once applied
  // The checklist's inputs, read while the file is loaded (reported upgrades only).
  std::optional<checklist::Block> block;
  checklist::Needs needs;
  Unit(const SourceRef& r, std::size_t index) : ref(r), file_index(index) {
    file.path = ref.path;
    reported = !ref.context_only;
    migration.file = &file;
  }
};

// The one project linter: from a project's files to its findings, in the order the migrations
// run (a plan, plan.hpp), for `lint`, `explain`, `checklist` and the language server.
class ProjectLinter {
 public:
  ProjectLinter(const SourceGroup& group, const LintOptions& options, LintResult& result,
                Workers* workers)
      : group_(group),
        options_(options),
        result_(result),
        workers_(workers),
        project_root_(group.project_root),
        units_(group.files.size()),
        outcomes_(group.files.size()) {}

  // The file's text is `text` (an editor's unsaved buffer, lint_text) instead of the disk's.
  void give_text(std::size_t file, std::string text) { unit(file).text = std::move(text); }

  void explain_into(std::vector<ExplainRow>* rows) { explain_ = rows; }

  // What the project's runner does around every migration (Alembic: env.py).
  void set_runner(RunnerEnvironment runner) { runner_ = std::move(runner); }

  // The whole project: headers (Alembic revisions, in parallel), the plan, then every
  // sequence in run order.
  void lint_all() {
    Plan plan = make_plan(group_, headers(), options_);
    result_.start_after_found = result_.start_after_found || plan.start_after_found;
    release(plan.headers);  // a copy of every file's header, only planning reads it
    // The plan places every file once: a linted file is not needed again (count() needs only
    // its outcome).
    retire_ = true;
    for (Sequence& seq : plan.sequences) {
      std::vector<Unit*> order;
      order.reserve(seq.migrations.size());
      for (PlannedMigration& p : seq.migrations) order.push_back(&place(p));
      SchemaState state;
      run_in_order(order, seq.shared ? &state : nullptr);
    }
    finish_unlinted();
  }

  // One planned migration (the language server's buffer) against `state`, the schema replayed
  // up to it; the other files of the project are not read.
  void lint_planned(const Plan& plan, const PlanPlace& where, SchemaState& state) {
    PlannedMigration p = plan.sequences[where.sequence].migrations[where.index];
    Unit& u = place(p);
    bool shared = plan.sequences[where.sequence].shared;
    SchemaState alone;
    run_in_order({&u}, shared ? &state : &alone);
    finish_unlinted();
  }

  // The first file alone, with no project around it (lint_text): no revision graph.
  void lint_alone() {
    Unit& u = unit(0);
    if (traits(u.ref.role.layout).versioned) {
      u.migration.id = u.ref.role.version;
      u.migration.layout = u.ref.role.layout;
    }
    run_in_order({&u}, nullptr);
    finish_unlinted();
  }

  // `schemagate graph`: the revision graph from the headers alone; nullopt without revisions.
  // One graph per separate history of the project (separate_histories), keyed by the project
  // and, when there are several, the folder of each.
  std::vector<ProjectGraph> describe(const std::string& key) {
    read_headers();
    finish_unlinted();
    std::vector<const Migration*> migrations;
    for (const auto& u : units_) {
      if (u && u->linted) migrations.push_back(&u->migration);
    }
    std::vector<ProjectGraph> out;
    auto histories = separate_histories(migrations);
    for (const std::vector<const Migration*>& history : histories) {
      if (std::none_of(history.begin(), history.end(),
                       [](const Migration* m) { return !m->id.empty(); })) {
        continue;
      }
      std::string name = key;
      if (histories.size() > 1) name += " [" + common_folder(history) + "]";
      out.push_back(describe_history(name, history));
    }
    return out;
  }

  // The deepest folder holding every file of `history`.
  static std::string common_folder(const std::vector<const Migration*>& history) {
    std::filesystem::path common;
    for (std::size_t i = 0; i < history.size(); ++i) {
      std::filesystem::path folder = std::filesystem::path(history[i]->file->path).parent_path();
      if (i == 0) {
        common = folder;
        continue;
      }
      std::filesystem::path shared;
      for (auto a = common.begin(), b = folder.begin();
           a != common.end() && b != folder.end() && *a == *b; ++a, ++b) {
        shared /= *a;
      }
      common = shared;
    }
    return common.generic_string();
  }

  static ProjectGraph describe_history(const std::string& key,
                                       const std::vector<const Migration*>& migrations) {
    RevisionGraph graph(migrations);
    ProjectGraph out;
    out.key = key;
    auto ids = [](const std::vector<const Migration*>& ms) {
      std::vector<std::string> v;
      for (const Migration* m : ms) v.push_back(m->id);
      return v;
    };
    out.heads = ids(graph.heads());
    out.bases = ids(graph.bases());
    out.merges = ids(graph.merges());
    out.cycles = graph.cycles();
    std::set<std::string> heads(out.heads.begin(), out.heads.end());
    std::set<std::string> bases(out.bases.begin(), out.bases.end());
    std::set<std::string> merges(out.merges.begin(), out.merges.end());
    for (const Migration* m : graph.order()) {
      RevisionEntry e{m->id,
                      m->parents,
                      m->revision.branch_labels,
                      m->revision.branch_labels_unknown,
                      m->revision.depends_on,
                      m->file->path,
                      m->revision.message,
                      heads.contains(m->id),
                      bases.contains(m->id),
                      merges.contains(m->id)};
      out.history.push_back(std::move(e));
    }
    return out;
  }

  // Counts the files and hands their findings over, in discovery order; `found` counts, per
  // named path, the migrations found through it (reported, excluded, or unreadable) and the
  // named files left out as no migrations.
  void count(std::vector<std::size_t>* found = nullptr) {
    hand_over(reported_, result_.diagnostics);
    hand_over(suppressed_, result_.suppressed);
    for (std::size_t i = 0; i < units_.size(); ++i) {
      Outcome o;
      if (units_[i]) {
        o = outcome(*units_[i]);
      } else if (outcomes_[i]) {
        o = std::move(*outcomes_[i]);
      } else {
        continue;
      }
      const SourceRef& ref = group_.files[i];
      if (o.io_problem) add_io_error(result_, ref.path, *o.io_problem);
      bool counts = o.not_revision ? ref.explicit_path : o.reported || ref.excluded || o.history;
      if (found != nullptr && counts && ref.arg < found->size()) ++(*found)[ref.arg];
      if (!o.reported || o.not_revision) continue;
      ++result_.files;
      result_.paths.push_back(ref.path);
    }
  }

 private:
  Unit& unit(std::size_t file) {
    if (!units_[file]) units_[file] = std::make_unique<Unit>(group_.files[file], file);
    return *units_[file];
  }

  // What count() needs of a file once it has been linted.
  struct Outcome {
    bool reported = false;
    bool history = false;
    bool not_revision = false;
    std::optional<std::string> io_problem;
  };
  static Outcome outcome(const Unit& u) {
    return {u.reported, u.history, u.not_revision, u.io_problem};
  }

  // Frees a finished file (and its downgrade file), keeping its outcome: by the last migration
  // of a long history, the files linted before it would otherwise hold most of the memory.
  void retire(Unit& u) {
    Unit* down = u.down;
    for (Unit* r : {&u, down}) {
      if (r == nullptr) continue;
      std::size_t i = r->file_index;
      outcomes_[i] = outcome(*r);
      units_[i].reset();
    }
  }

  // The unit of a planned migration, set up as the plan says (its downgrade file, history,
  // graph findings).
  Unit& place(PlannedMigration& p) {
    Unit& u = unit(p.file);
    if (p.down) {
      u.down = &unit(*p.down);
      u.down->companion = true;
    }
    u.downgrade_only = p.downgrade_only;
    u.pending = std::move(p.graph_findings);
    if (p.history) {
      silence(u);
      if (u.down != nullptr) silence(*u.down);
    } else if (!p.other_database.empty()) {
      // Another database's history: each revision says so, and nothing else.
      u.notice_only = true;
      RawFinding notice;
      notice.rule = "other-database";
      notice.message = "this revision belongs to a history kept for " + p.other_database +
                       " (by its folder's name, beside the project's PostgreSQL history): it "
                       "is not checked against PostgreSQL";
      notice.help = "nothing to do if " + p.other_database +
                    " runs these revisions; if PostgreSQL does, move them out of the folder "
                    "named for " +
                    p.other_database;
      u.pending = {std::move(notice)};
    }
    return u;
  }

  // What planning needs of each file: Alembic revisions' headers, read first (all files, in
  // parallel) so that the revision graph orders them; SQL files are planned by their names.
  std::vector<FileHeader> headers() {
    bool python = std::any_of(group_.files.begin(), group_.files.end(),
                              [](const SourceRef& r) { return r.kind == SourceKind::python; });
    if (python) read_headers();
    std::vector<FileHeader> out(group_.files.size());
    for (std::size_t i = 0; i < out.size(); ++i) {
      Unit& u = unit(i);
      out[i].usable = u.linted;
      out[i].header = u.migration;
      out[i].header.file = &u.file;
    }
    return out;
  }

  // Reads a unit's text (the file's, or the one it was given).
  bool read(Unit& u) {
    if (u.text) {
      u.file.text = std::move(*u.text);
      u.text.reset();
    } else {
      std::string why;
      auto given = options_.contents.find(u.ref.path);
      auto text = given != options_.contents.end() ? std::optional<std::string>(given->second)
                                                   : platform::read_file(u.ref.path, why);
      if (!text) {
        u.io_problem = why;
        u.linted = false;
        return false;
      }
      u.file.text = std::move(*text);
    }
    // A file named on the command line is linted whatever it holds, unless only_migrations.
    if (u.ref.kind == SourceKind::python && (!u.ref.explicit_path || options_.only_migrations) &&
        !alembic::looks_like_revision(u.file.text)) {
      u.not_revision = true;  // an ordinary Python file, not a migration
      u.linted = false;
      drop(u);
      return false;
    }
    u.lines.emplace(u.file.text);
    if (!check_encoding(u)) {
      u.linted = false;
      drop(u);
      return false;
    }
    return true;
  }

  alembic::AlembicOptions alembic_options() const {
    alembic::AlembicOptions options;
    options.project_root = project_root_;
    options.read_file = [](const std::string& path) -> std::optional<std::string> {
      std::string why;
      return platform::read_file(path, why);
    };
    return options;
  }

  // The header pass of an Alembic project, on the workers.
  void read_headers() {
    for (std::size_t i = 0; i < units_.size(); ++i) (void)unit(i);
    parallel_for(workers_, units_.size(), [&](std::size_t i) {
      Unit& u = *units_[i];
      try {
        if (!read(u)) return;
        if (u.ref.kind == SourceKind::python) {
          u.migration = alembic::read_revision_header(u.file, alembic_options());
          u.migration.file = &u.file;
          u.headed = true;
        }
        drop(u);
      } catch (const std::exception& e) {
        u.io_problem = std::string("out of resources: ") + e.what();
        u.linted = false;
        drop(u);
      }
    });
  }

  // Reads and parses a unit (and its downgrade file) in full; on a worker.
  void load(Unit& u) {
    try {
      if (!u.linted || !read(u)) return;
      if (u.notice_only) {
        // Its one finding goes on its `revision = ...` line (the header, read here when the
        // language server asks for this file alone).
        if (!u.headed && u.ref.kind == SourceKind::python) {
          u.migration = alembic::read_revision_header(u.file, alembic_options());
          u.migration.file = &u.file;
          u.headed = true;
        }
        for (RawFinding& r : u.pending) r.range = u.migration.revision.revision_range;
        return;
      }
      if (u.ref.kind == SourceKind::python) {
        Migration m = alembic::parse_file(u.file, alembic_options());
        if (u.headed) {
          // The order was decided on the header: keep the file to it.
          m.id = std::move(u.migration.id);
          m.parents = std::move(u.migration.parents);
        }
        u.migration = std::move(m);
      } else {
        u.migration = parse_sql_migration(u.file, u.ref.role, options_.placeholders);
        if (options_.assume_in_transaction && !traits(u.ref.role.layout).versioned) {
          u.migration.runner_transaction = RunnerTransaction::per_migration;
        }
      }
      u.migration.file = &u.file;
      if (u.ref.role.outside_history) {
        emit(u, "outside-history", {0, 0},
             "this file sits among numbered migrations but has no number: it is linted on its "
             "own, not as part of their history",
             "number it (`NNN_name.sql`) if it is a migration that runs after the others; "
             "otherwise move it out of the migrations folder");
      }
      if (u.downgrade_only) {
        // A downgrade file whose upgrade is missing: its statements are a downgrade's (of
        // nothing), never an upgrade.
        Migration& m = u.migration;
        m.downgrade = std::move(m.upgrade);
        m.upgrade.clear();
        m.downgrade_kind = DowngradeKind::real;
        u.upgrade_in_go = go_half(u.file.path, "up");
      } else if (u.down == nullptr && u.ref.kind == SourceKind::sql) {
        // The downgrade is Go code beside the file: there, but not readable here.
        if (std::string go = go_half(u.file.path, "down"); !go.empty()) {
          Migration& m = u.migration;
          Operation op;
          op.kind = Unanalyzable{"the downgrade is Go code (" + go + ")"};
          op.range = m.downgrade_range;
          m.downgrade.push_back(std::move(op));
          m.downgrade_kind = DowngradeKind::real;
        }
      }
      emit_issues(u);
      // A downgrade file only matters when it is reported on: history and context files
      // are replayed for their upgrades.
      if (u.down != nullptr && (u.reported || u.down->reported)) pair(u, *u.down);
    } catch (const std::exception& e) {
      // Only memory can run out here: the frontends report everything else as findings.
      u.io_problem = std::string("out of resources: ") + e.what();
      u.linted = false;
      drop(u);
    }
  }

  void emit_issues(Unit& u) {
    for (FrontendIssue& issue : u.migration.issues) {
      if (issue.from_parser) newer_than_parser(u, issue);
      emit(u, issue.rule, issue.range, std::move(issue.message), std::move(issue.help));
    }
  }

  // A statement PostgreSQL's bundled parser rejects, when the target PostgreSQL is newer than
  // the parser: it may be valid syntax of the newer release (a subquery in FROM without an
  // alias from 16, `ADD CONSTRAINT c NOT NULL col` from 18). The finding says so, and how to
  // accept the statement once checked by hand.
  void newer_than_parser(const Unit& u, FrontendIssue& issue) const {
    int target = options_.settings.pg_version;
    int parser = sql::parser_major_version();
    if (target <= parser) return;
    std::string v = std::to_string(target);
    issue.message += " (schemagate's parser is PostgreSQL " + std::to_string(parser) +
                     "'s: this may be valid syntax of a newer release, up to PostgreSQL " + v + ")";
    std::string comment = u.ref.kind == SourceKind::python ? "#" : "--";
    issue.help = "if PostgreSQL " + v +
                 " accepts this statement, schemagate cannot check it: review it by hand and "
                 "mark it `" +
                 comment + " schemagate: ignore syntax-error -- valid on PostgreSQL " + v +
                 "`; otherwise " + issue.help;
  }

  // Reads the downgrade file of `up` and makes its operations the upgrade's downgrade.
  void pair(Unit& up, Unit& down) {
    if (!read(down)) return;  // unreadable or not text: reported there; no downgrade here
    down.migration = parse_sql_migration(down.file, down.ref.role, options_.placeholders);
    down.migration.file = &down.file;
    emit_issues(down);
    Migration& m = up.migration;
    m.down_file = &down.file;
    m.downgrade = std::move(down.migration.upgrade);
    // A statement PostgreSQL's parser rejected may undo anything of the upgrade: the
    // downgrade is not seen through there (incomplete-downgrade stays quiet, as for SQL it
    // can't analyse).
    for (const FrontendIssue& issue : down.migration.issues) {
      if (issue.rule != "syntax-error") continue;
      Operation op;
      op.kind = Unanalyzable{"a statement with a syntax error"};
      op.range = issue.range;
      m.downgrade.push_back(std::move(op));
    }
    for (auto& w : down.migration.written_as) {
      if (std::find(m.written_as.begin(), m.written_as.end(), w) == m.written_as.end()) {
        m.written_as.push_back(std::move(w));
      }
    }
    if (down.migration.runner_transaction == RunnerTransaction::none &&
        m.runner_transaction == RunnerTransaction::per_migration) {
      for (Operation& op : m.downgrade) op.autocommit = true;
    }
    bool broken = !down.migration.issues.empty();
    m.downgrade_kind = changes_nothing(m.downgrade, down.file.text) && !broken
                           ? DowngradeKind::empty
                           : DowngradeKind::real;
  }

  // Loads `order` ahead on the workers and lints it in order: with `shared` as the one
  // schema state of a project, or each file on its own.
  void run_in_order(const std::vector<Unit*>& order, SchemaState* shared) {
    ordered_pipeline(
        workers_, order.size(), 0, [&](std::size_t i) { load(*order[i]); },
        [&](std::size_t i) {
          Unit& u = *order[i];
          if (u.linted) {
            SchemaState alone;
            lint_migration(u, shared != nullptr ? *shared : alone);
          }
          ignore(u);
          if (u.down != nullptr) ignore(*u.down);
          if (u.block) settle_checklist(u);
          finish(u);
          if (u.down != nullptr) finish(*u.down);
          if (retire_) retire(u);
        });
  }

  // Hands over the findings of files that were never linted (unreadable, not text).
  void finish_unlinted() {
    for (const auto& u : units_) {
      if (u && !u->linted) finish(*u);
    }
  }

  // Applies a file's inline ignores to its findings so far.
  static void ignore(Unit& u) {
    if (!u.reported || !u.lines || u.ignores || u.notice_only) return;
    u.ignores.emplace(u.file,
                      u.ref.kind == SourceKind::python ? CommentSyntax::python : CommentSyntax::sql,
                      *u.lines);
    u.ignores->apply(u.diagnostics);
  }

  // Settles the checklist of a linted upgrade from its findings (both files', ignores
  // applied): collected for `schemagate checklist`, and its unmet items reported as
  // checklist-incomplete when it is enforced.
  void settle_checklist(Unit& u) {
    std::vector<Diagnostic> findings = u.diagnostics;
    if (u.down != nullptr) {
      findings.insert(findings.end(), u.down->diagnostics.begin(), u.down->diagnostics.end());
    }
    const Migration& m = u.migration;
    ByteRange fallback = m.revision.header_range;
    if (fallback.end <= fallback.begin) fallback = {0, u.lines->line_text(1).size()};
    checklist::Settled settled =
        checklist::settle(options_.checklist, *u.block, u.needs, findings, *u.lines, fallback);
    if (options_.checklist.enforce) {
      std::size_t first = u.diagnostics.size();
      for (checklist::Incomplete& i : settled.incomplete) {
        emit(u, "checklist-incomplete", i.range, std::move(i.message), std::move(i.help));
      }
      if (u.ignores) u.ignores->apply(std::span(u.diagnostics).subspan(first));
    }
    if (options_.checklist.collect) {
      settled.list.path = u.file.path;
      if (!m.id.empty()) settled.list.migration = m.id;
      result_.checklists.push_back(std::move(settled.list));
    }
    u.block.reset();
  }

  // Reports the ignores that suppressed nothing, hands the file's findings over to the result
  // and frees what it no longer needs.
  void finish(Unit& u) {
    ignore(u);
    if (u.ignores) {
      u.ignores->report_unused(u.diagnostics);
      u.ignores.reset();
    }
    if (u.reported) {
      for (Diagnostic& d : u.diagnostics) {
        (d.suppressed ? suppressed_ : reported_).push_back(std::move(d));
      }
    }
    release(u.diagnostics);
    release(u.pending);
    drop(u);
  }

  // Moves the findings kept in `from` to the end of `to`, in order. `to` grows once for
  // them: a vector that doubled as the findings came would, for a moment, hold its old and
  // its new copy of them, at the peak of the run's memory (the schema replayed to the last
  // migration, every file's header).
  static void hand_over(std::deque<Diagnostic>& from, std::vector<Diagnostic>& to) {
    if (std::size_t needed = to.size() + from.size(); needed > to.capacity()) {
      to.reserve(std::max(needed, 2 * to.capacity()));
    }
    for (; !from.empty(); from.pop_front()) to.push_back(std::move(from.front()));
  }

  // Drops a file's text and operations (its header stays).
  static void drop(Unit& u) {
    u.lines.reset();
    release(u.file.text);
    release(u.migration.upgrade);
    release(u.migration.downgrade);
    release(u.migration.issues);
  }

  // Makes a file context only: replayed, never reported.
  static void silence(Unit& u) {
    u.reported = false;
    u.history = true;
    u.diagnostics.clear();
  }

  [[nodiscard]] Severity severity_of(std::string_view rule, const RuleInfo* info) const {
    auto it = options_.severity.find(std::string(rule));
    if (it != options_.severity.end()) return it->second;
    return info != nullptr ? info->severity : Severity::error;
  }

  // Records a finding of file `f`. Called on workers too: it reads only the options and `f`.
  void emit(Unit& f, std::string_view rule, ByteRange range, std::string message, std::string help,
            std::optional<Fix> fix = std::nullopt) const {
    if (!f.reported || options_.disable.contains(std::string(rule))) return;
    Diagnostic d;
    d.rule = std::string(rule);
    const RuleInfo* info = find_rule(rule);
    d.severity = severity_of(rule, info);
    d.path = f.file.path;
    if (f.lines) {
      d.begin = f.lines->position(range.begin);
      d.end = f.lines->position(std::max(range.end, range.begin));
      d.source_line = std::string(f.lines->line_text(d.begin.line));
    }
    d.message = std::move(message);
    d.help = std::move(help);
    d.fix = std::move(fix);
    if (!f.migration.id.empty()) d.migration = f.migration.id;
    f.diagnostics.push_back(std::move(d));
  }

  bool check_encoding(Unit& f) const {
    const std::string& text = f.file.text;
    if (std::size_t nul = text.find('\0'); nul != std::string::npos) {
      emit(f, "invalid-encoding", {nul, nul + 1},
           "binary file (a NUL byte at this position); not linted",
           "only text migrations can be checked; remove the file or exclude it from the linted "
           "paths");
      return false;
    }
    if (auto bad = find_invalid_utf8(text)) {
      emit(f, "invalid-encoding", {*bad, *bad + 1}, "invalid UTF-8 at this position; not linted",
           "save the file as UTF-8");
      return false;
    }
    return true;
  }

  void lint_migration(Unit& f, SchemaState& state) {
    for (RawFinding& r : f.pending) {
      emit(f, r.rule, r.range, std::move(r.message), std::move(r.help));
    }
    if (f.notice_only) return;
    const Migration& m = f.migration;
    std::vector<Step> steps = state.replay(m, Phase::upgrade, m.upgrade);
    // The downgrade runs against the state after the upgrade, but later migrations build on
    // the upgrade: its changes are undone.
    std::vector<Step> down = state.replay_and_undo(m, Phase::downgrade, m.downgrade);
    steps.insert(steps.end(), std::make_move_iterator(down.begin()),
                 std::make_move_iterator(down.end()));
    const auto& large = options_.settings.large_tables;
    if (!large.empty()) {
      for (Step& step : steps) {
        const QualifiedName* t = target_table(*step.op);
        step.table_is_large =
            t != nullptr &&
            (large.contains(t->name) || large.contains(t->key()) || large.contains(t->display()));
      }
    }
    // Context files and history are replayed; their findings would go nowhere.
    if (!f.reported && (f.down == nullptr || !f.down->reported)) return;
    // The one notion of a downgrade operation undoing its upgrade that the rules consult.
    Reversals reversals = find_reversals(m);
    for (Step& step : steps) {
      if (step.phase != Phase::downgrade || m.downgrade.empty()) continue;
      auto i = static_cast<std::size_t>(step.op - m.downgrade.data());
      if (i < reversals.reverses.size()) step.reverses = reversals.reverses[i];
    }
    if (!f.upgrade_in_go.empty()) {
      // The upgrade is Go code: any statement of the downgrade may undo it. Which one is not
      // known, so no rule judges them as changes to the running application's schema.
      for (Step& step : steps) {
        if (step.phase == Phase::downgrade) step.reverses = &go_upgrade();
      }
    }
    if (options_.checklist.active() && f.reported && !f.ref.role.down) {
      f.needs = checklist::needs_of(steps, options_.settings.pg_version);
      f.block = checklist::read_block(f.file.text, f.ref.kind == SourceKind::python,
                                      m.revision.header_range);
    }
    explain(f, steps);
    RuleContext ctx(m, steps, reversals, options_.settings, runner_);
    auto run = [&](const RuleInfo& rule) {
      ctx.begin_rule(rule.id);
      if (auto failure = guarded(rule.id, ctx.findings(), [&] { rule.check(ctx); })) {
        emit(f, "internal-error", {0, 0}, *failure, kBugHelp);
      }
    };
    for (const RuleInfo* rule : checks()) run(*rule);
    // Code that both the upgrade and the downgrade run (an Alembic helper function called
    // from both) is one place: the same finding of both phases is reported once.
    std::vector<RawFinding>& raw = ctx.findings();
    std::vector<bool> repeated(raw.size(), false);
    for (std::size_t i = 0; i < raw.size() && m.down_file == nullptr; ++i) {
      if (raw[i].phase != Phase::downgrade) continue;
      repeated[i] = std::any_of(raw.begin(), raw.end(), [&](const RawFinding& u) {
        return u.phase == Phase::upgrade && u.rule == raw[i].rule &&
               u.range.begin == raw[i].range.begin && u.range.end == raw[i].range.end &&
               u.message == raw[i].message;
      });
    }
    for (std::size_t i = 0; i < raw.size(); ++i) {
      if (repeated[i]) continue;
      RawFinding& r = raw[i];
      // Findings (and their fixes) name a template expression as written, not the
      // frontend's stand-in.
      auto as_written = [&](std::string& s) {
        for (const auto& [id, written] : m.written_as) {
          for (std::size_t at = s.find(id); at != std::string::npos;
               at = s.find(id, at + written.size())) {
            s.replace(at, id.size(), written);
          }
        }
      };
      as_written(r.message);
      as_written(r.help);
      if (traits(m.layout).language == Language::python && m.file != nullptr) {
        r.help += imports_note(r.help, m.file->text);
      }
      if (r.fix) {
        for (Edit& e : r.fix->edits) as_written(e.text);
      }
      // A downgrade kept in a file of its own is reported there.
      Unit& target = r.phase == Phase::downgrade && m.down_file != nullptr ? *f.down : f;
      emit(target, r.rule, r.range, std::move(r.message), std::move(r.help), std::move(r.fix));
    }
  }

  // The rules that check each migration and are switched on: the registered ones, then the
  // extra ones, in that order. Worked out once (the options do not change during a run).
  const std::vector<const RuleInfo*>& checks() {
    if (!checks_) {
      checks_.emplace();
      auto add = [&](const RuleInfo& rule) {
        if (rule.check != nullptr && rule_enabled(rule, options_)) checks_->push_back(&rule);
      };
      for (const RuleInfo& rule : all_rules()) add(rule);
      for (const RuleInfo& rule : options_.extra_rules) add(rule);
    }
    return *checks_;
  }

  // Records the operations of a linted migration for `schemagate explain`.
  void explain(const Unit& f, const std::vector<Step>& steps) {
    if (explain_ == nullptr || !f.reported) return;
    const Migration& m = f.migration;
    for (const Step& step : steps) {
      const Unit* in = step.phase == Phase::downgrade && m.down_file != nullptr ? f.down : &f;
      ExplainRow row;
      row.path = in->file.path;
      if (in->lines) row.begin = in->lines->position(step.op->range.begin);
      if (!m.id.empty()) row.migration = m.id;
      row.phase = step.phase;
      row.operation = operation_name(*step.op);
      row.lock = lock_of(step, options_.settings.pg_version);
      row.in_transaction = step.in_transaction;
      explain_->push_back(std::move(row));
    }
  }

  const SourceGroup& group_;
  const LintOptions& options_;
  LintResult& result_;
  Workers* workers_;
  std::string project_root_;
  std::vector<ExplainRow>* explain_ = nullptr;
  RunnerEnvironment runner_;
  std::vector<std::unique_ptr<Unit>> units_;            // per file of the group, made when needed
  std::optional<std::vector<const RuleInfo*>> checks_;  // checks(), once worked out
  // Per file of the group: the outcome of a linted file whose unit is freed (lint_all).
  std::vector<std::optional<Outcome>> outcomes_;
  bool retire_ = false;
  // The findings of finished files, reported or suppressed, in the order they were finished,
  // until count() hands them over to the result.
  std::deque<Diagnostic> reported_;
  std::deque<Diagnostic> suppressed_;
};

void sort(LintResult& result) {
  std::stable_sort(result.diagnostics.begin(), result.diagnostics.end(), diagnostic_less);
  std::stable_sort(result.suppressed.begin(), result.suppressed.end(), diagnostic_less);
}

// Workers for a run over `files` files: none for a single file (as pre-commit runs it).
std::unique_ptr<Workers> start_workers(std::size_t files, unsigned jobs) {
  unsigned count = worker_count(jobs);
  if (files <= 1 || count <= 1) return nullptr;
  return workers_with_main_stack(static_cast<unsigned>(std::min<std::size_t>(count, files)));
}

// What was looked for, for a path in which nothing was found.
constexpr const char* kLookedFor =
    "looked for *.sql files and Alembic revisions (.py files that assign `revision` and define "
    "upgrade()), in the folder and below it, and in the version folders an alembic.ini names";

// A named path in which nothing was found (an empty folder, a wrong path): a finding, not a
// silent pass.
void report_empty_paths(LintResult& result, const std::vector<std::string>& paths,
                        const std::vector<std::size_t>& found, const LintOptions& options) {
  std::size_t total = 0;
  for (std::size_t i = 0; i < paths.size(); ++i) {
    total += found[i];
    if (found[i] != 0 || options.disable.contains("no-migrations-found")) continue;
    bool io = std::any_of(
        result.diagnostics.begin(), result.diagnostics.end(),
        [&](const Diagnostic& d) { return d.rule == "io-error" && d.path == paths[i]; });
    if (io) continue;  // unreadable: already reported as such
    Diagnostic d;
    d.rule = "no-migrations-found";
    auto sev = options.severity.find(d.rule);
    d.severity = sev != options.severity.end() ? sev->second : find_rule(d.rule)->severity;
    d.path = paths[i];
    d.message = "no migrations found in " + paths[i];
    d.help =
        std::string(kLookedFor) + "; check the path, or name the folder that holds the migrations";
    result.diagnostics.push_back(std::move(d));
  }
  result.nothing_found = total == 0 && !result.io_error;
}

LintResult lint_groups(const std::vector<std::string>& paths, const LintOptions& options,
                       std::vector<ExplainRow>* explain) {
  LintResult result;
  Discovery found =
      discover(paths, DiscoverOptions{options.layouts, options.exclude, options.only_migrations});
  for (const IoProblem& p : found.problems) add_io_error(result, p.path, p.why);
  std::vector<std::size_t> per_path = found.left_out;
  per_path.resize(paths.size(), 0);
  std::size_t files = 0;
  for (const SourceGroup& g : found.groups) files += g.files.size();
  std::unique_ptr<Workers> workers = start_workers(files, options.jobs);
  for (const SourceGroup& g : found.groups) {
    ProjectLinter linter(g, options, result, workers.get());
    linter.explain_into(explain);
    linter.set_runner(read_runner_environment(g));
    linter.lint_all();
    linter.count(&per_path);
  }
  report_empty_paths(result, paths, per_path, options);
  sort(result);
  return result;
}

}  // namespace

RunnerEnvironment read_runner_environment(const SourceGroup& group) {
  if (group.alembic_env.empty()) return {};
  std::string why;
  std::optional<std::string> text = platform::read_file(group.alembic_env, why);
  if (!text || text->find('\0') != std::string::npos || find_invalid_utf8(*text)) return {};
  SourceFile env{group.alembic_env, std::move(*text)};
  alembic::AlembicOptions options;
  options.project_root = group.project_root;
  options.read_file = [](const std::string& path) -> std::optional<std::string> {
    std::string ignored;
    return platform::read_file(path, ignored);
  };
  return alembic::read_environment(env, options);
}

LintResult lint_paths(const std::vector<std::string>& paths, const LintOptions& options) {
  return lint_groups(paths, options, nullptr);
}

ExplainResult explain_paths(const std::vector<std::string>& paths, const LintOptions& options) {
  ExplainResult out;
  out.lint = lint_groups(paths, options, &out.rows);
  // The rules an operation triggers: the findings (after ignores) that start where it starts.
  for (ExplainRow& row : out.rows) {
    for (const Diagnostic& d : out.lint.diagnostics) {
      if (d.path == row.path && d.begin.line == row.begin.line &&
          d.begin.column == row.begin.column &&
          std::find(row.rules.begin(), row.rules.end(), d.rule) == row.rules.end()) {
        row.rules.push_back(d.rule);
      }
    }
  }
  return out;
}

GraphResult read_graphs(const std::vector<std::string>& paths) {
  GraphResult out;
  Discovery found = discover(paths);
  for (const IoProblem& p : found.problems) add_io_error(out.problems, p.path, p.why);
  std::size_t files = 0;
  for (const SourceGroup& g : found.groups) files += g.files.size();
  std::unique_ptr<Workers> workers = start_workers(files, 0);
  LintOptions options;
  for (SourceGroup& g : found.groups) {
    std::erase_if(g.files, [](const SourceRef& r) { return r.kind != SourceKind::python; });
    if (g.files.empty()) continue;
    ProjectLinter linter(g, options, out.problems, workers.get());
    for (ProjectGraph& graph : linter.describe(g.name)) out.projects.push_back(std::move(graph));
    linter.count();
  }
  out.problems.files = 0;  // a graph reports projects, not files
  out.problems.paths.clear();
  sort(out.problems);
  return out;
}

LintResult lint_text(std::string path, std::string text, const LintOptions& options) {
  LintResult result;
  bool python = path.size() > 3 && path.ends_with(".py");
  SourceGroup group;
  group.project_root = ".";
  group.files.push_back(
      SourceRef{path, python ? SourceKind::python : SourceKind::sql, true, false, {}, false, 0});
  ProjectLinter linter(group, options, result, nullptr);
  linter.give_text(0, std::move(text));
  // One text alone has no revision graph: graph rules need the project (lint_paths).
  linter.lint_alone();
  linter.count();
  sort(result);
  return result;
}

LintResult lint_planned(const SourceGroup& group, const Plan& plan, const PlanPlace& where,
                        std::optional<std::string> text, SchemaState& state,
                        const LintOptions& options, const RunnerEnvironment& runner) {
  LintResult result;
  ProjectLinter linter(group, options, result, nullptr);
  linter.set_runner(runner);
  const PlannedMigration& p = plan.sequences[where.sequence].migrations[where.index];
  if (text) linter.give_text(where.down ? *p.down : p.file, std::move(*text));
  linter.lint_planned(plan, where, state);
  linter.count();
  sort(result);
  return result;
}

}  // namespace schemagate
