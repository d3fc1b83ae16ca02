// The engine: discover → read → frontend → replay → rules → diagnostics.
#include "schemagate/engine.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <exception>
#include <fstream>
#include <memory>
#include <set>
#include <sstream>

#include "engine/discover.hpp"
#include "engine/replay.hpp"
#include "engine/suppress.hpp"
#include "frontends/alembic/alembic_frontend.hpp"
#include "frontends/sql/sql_frontend.hpp"
#include "schemagate/graph.hpp"
#include "schemagate/version.hpp"

namespace schemagate {

std::string_view version() { return kVersion; }

namespace {

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

// One file in memory, with what the frontend made of it.
struct Loaded {
  SourceFile file;
  LineIndex lines;
  Migration migration;
  SourceKind kind = SourceKind::sql;
  bool reported = true;  // false for context files (siblings of a revision named alone)
  SqlRole role;          // SQL files: what the file is in its layout
  // The second half of a pair (a .down.sql, ...): its operations became the downgrade of
  // another file's migration, which is linted, not this one.
  bool companion = false;
  std::vector<Diagnostic> diagnostics;  // this file's, until finish() applies its ignores
  explicit Loaded(SourceFile f) : file(std::move(f)), lines(file.text) {}
};

class GroupLinter {
 public:
  GroupLinter(const LintOptions& options, LintResult& result)
      : options_(options), result_(result) {}

  // Reads and parses one file; null when it is not linted (unreadable, binary, not a revision).
  Loaded* load(const SourceRef& ref, const std::string& project_root) {
    if (!ref.context_only) {
      ++result_.files;
      result_.paths.push_back(ref.path);
    }
    std::ifstream in(ref.path, std::ios::binary);
    if (!in) return io_error(ref.path, std::strerror(errno));
    std::ostringstream buffer;
    buffer << in.rdbuf();
    if (in.bad()) return io_error(ref.path, "read failed");
    return load_text(ref, std::move(buffer).str(), project_root);
  }

  Loaded* load_text(const SourceRef& ref, std::string text, const std::string& project_root) {
    auto loaded = std::make_unique<Loaded>(SourceFile{ref.path, std::move(text)});
    loaded->reported = !ref.context_only;
    loaded->kind = ref.kind;
    if (ref.kind == SourceKind::python && !ref.explicit_path &&
        !alembic::looks_like_revision(loaded->file.text)) {
      if (loaded->reported) {  // an ordinary Python file, not a migration
        --result_.files;
        result_.paths.pop_back();
      }
      return nullptr;
    }
    if (!check_encoding(*loaded)) {
      move_diagnostics(*loaded);
      return nullptr;
    }
    if (ref.kind == SourceKind::python) {
      alembic::AlembicOptions options;
      options.project_root = project_root;
      options.read_file = [](const std::string& path) -> std::optional<std::string> {
        std::ifstream f(path, std::ios::binary);
        if (!f) return std::nullopt;
        std::ostringstream b;
        b << f.rdbuf();
        return std::move(b).str();
      };
      loaded->migration = alembic::parse_file(loaded->file, options);
    } else {
      loaded->role = ref.role;
      loaded->migration = parse_sql_migration(loaded->file, ref.role, options_.placeholders);
      if (options_.assume_in_transaction && !versioned_layout(ref.role.layout)) {
        loaded->migration.runner_transaction = RunnerTransaction::per_migration;
      }
    }
    loaded->migration.file = &loaded->file;
    for (FrontendIssue& issue : loaded->migration.issues) {
      emit(*loaded, issue.rule, issue.range, std::move(issue.message), std::move(issue.help));
    }
    files_.push_back(std::move(loaded));
    return files_.back().get();
  }

  // Graph rules, then replay in revision order with the rules of each migration.
  void lint_project() {
    std::vector<const Migration*> migrations;
    for (const auto& f : files_) migrations.push_back(&f->migration);
    RevisionGraph graph(migrations);
    run_graph_rules(graph);
    // Revision order first; what the graph can't order (cycles, files without an id) after.
    std::vector<Loaded*> order;
    std::set<const Migration*> placed;
    for (const Migration* m : graph.order()) {
      placed.insert(m);
      order.push_back(loaded_of(m));
    }
    for (const auto& f : files_) {
      if (!placed.contains(&f->migration)) order.push_back(f.get());
    }
    if (!options_.start_after.empty()) {
      if (const Migration* from = graph.find(options_.start_after)) {
        // --start-after: the revision and its ancestors are history, replayed but not reported.
        result_.start_after_found = true;
        std::vector<const Migration*> todo{from};
        std::set<const Migration*> seen;
        while (!todo.empty()) {
          const Migration* m = todo.back();
          todo.pop_back();
          if (!seen.insert(m).second) continue;
          if (Loaded* f = loaded_of(m)) silence(*f);
          for (const std::string& p : m->parents) {
            if (const Migration* parent = graph.find(p)) todo.push_back(parent);
          }
        }
      }
    }
    SchemaState state;
    for (Loaded* f : order) lint_migration(*f, state);
  }

  // Makes a loaded file context only: replayed, never reported.
  void silence(Loaded& f) {
    if (!f.reported) return;
    f.reported = false;
    f.diagnostics.clear();
    auto it = std::find(result_.paths.begin(), result_.paths.end(), f.file.path);
    if (it != result_.paths.end()) {
      result_.paths.erase(it);
      --result_.files;
    }
  }

  [[nodiscard]] bool has_revisions() const {
    return std::any_of(files_.begin(), files_.end(),
                       [](const auto& f) { return !f->migration.id.empty(); });
  }

  [[nodiscard]] ProjectGraph describe(const std::string& key) const {
    std::vector<const Migration*> migrations;
    for (const auto& f : files_) migrations.push_back(&f->migration);
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
    auto contains = [](const std::vector<std::string>& v, const std::string& x) {
      return std::find(v.begin(), v.end(), x) != v.end();
    };
    for (const Migration* m : graph.order()) {
      RevisionEntry e{m->id,
                      m->parents,
                      m->revision.branch_labels,
                      m->revision.depends_on,
                      m->file->path,
                      m->revision.message,
                      contains(out.heads, m->id),
                      contains(out.bases, m->id),
                      contains(out.merges, m->id)};
      out.history.push_back(std::move(e));
    }
    return out;
  }

  // A layout folder of versioned SQL migrations: each downgrade file paired with its
  // upgrade, then replayed in version order with one schema state.
  void lint_sql_project() {
    std::vector<Loaded*> ups;
    std::vector<Loaded*> downs;
    for (const auto& f : files_) (f->role.down ? downs : ups).push_back(f.get());
    std::stable_sort(ups.begin(), ups.end(), [](const Loaded* a, const Loaded* b) {
      return runs_before(a->role, b->role);
    });
    std::vector<Loaded*> orphans;
    for (Loaded* down : downs) {
      Loaded* up = pair_of(*down, ups);
      if (up == nullptr) {
        orphans.push_back(down);  // a downgrade of nothing: linted on its own
        continue;
      }
      Migration& m = up->migration;
      m.down_file = &down->file;
      m.downgrade = std::move(down->migration.upgrade);
      if (down->migration.runner_transaction == RunnerTransaction::none &&
          m.runner_transaction == RunnerTransaction::per_migration) {
        for (Operation& op : m.downgrade) op.autocommit = true;
      }
      bool broken = !down->migration.issues.empty();
      m.downgrade_kind =
          m.downgrade.empty() && !broken ? DowngradeKind::empty : DowngradeKind::real;
      down->companion = true;
    }
    std::vector<const Migration*> migrations;
    for (Loaded* f : ups) migrations.push_back(&f->migration);
    RevisionGraph none({});  // versions, not revisions: the Alembic graph rules see nothing
    run_graph_rules(none, migrations);
    if (!options_.start_after.empty()) {
      // --start-after: versions up to it are history, replayed but not reported.
      for (Loaded* f : ups) {
        int c = compare_versions(f->migration.id, options_.start_after);
        if (c == 0) result_.start_after_found = true;
        if (c <= 0) {
          silence(*f);
          if (f->migration.down_file != nullptr) {
            for (const auto& d : files_) {
              if (&d->file == f->migration.down_file) silence(*d);
            }
          }
        }
      }
    }
    SchemaState state;
    for (Loaded* f : ups) lint_migration(*f, state);
    for (Loaded* f : orphans) {
      SchemaState alone;
      lint_migration(*f, alone);
    }
  }

  // Each file on its own (bare SQL files).
  void lint_each() {
    for (const auto& f : files_) {
      SchemaState state;
      lint_migration(*f, state);
    }
  }

  // `schemagate explain`: lint_migration also records one row per operation here.
  void explain_into(std::vector<ExplainRow>* rows) { explain_ = rows; }

  // Applies each file's inline ignores and hands its findings over to the result.
  void finish() {
    for (const auto& f : files_) {
      if (!f->reported) continue;  // context files report nothing, their ignores included
      apply_ignores(f->file,
                    f->kind == SourceKind::python ? CommentSyntax::python : CommentSyntax::sql,
                    f->lines, f->diagnostics);
      move_diagnostics(*f);
    }
  }

 private:
  Loaded* loaded_of(const Migration* m) {
    for (const auto& f : files_) {
      if (&f->migration == m) return f.get();
    }
    return nullptr;
  }

  Loaded* loaded_of(const SourceFile* file) {
    for (const auto& f : files_) {
      if (&f->file == file) return f.get();
    }
    return nullptr;
  }

  // The upgrade a downgrade file undoes: same version (and name, among duplicates), not yet
  // paired.
  static Loaded* pair_of(const Loaded& down, const std::vector<Loaded*>& ups) {
    Loaded* found = nullptr;
    for (Loaded* up : ups) {
      if (up->migration.down_file != nullptr || up->role.repeatable ||
          compare_versions(up->role.version, down.role.version) != 0) {
        continue;
      }
      if (up->role.name == down.role.name) return up;
      if (found == nullptr) found = up;
    }
    return found;
  }

  [[nodiscard]] bool enabled(const RuleInfo& rule) const {
    if (options_.disable.contains(std::string(rule.id))) return false;
    return !rule.opt_in || options_.enable.contains(std::string(rule.id));
  }

  [[nodiscard]] Severity severity_of(std::string_view rule, const RuleInfo* info) const {
    auto it = options_.severity.find(std::string(rule));
    if (it != options_.severity.end()) return it->second;
    return info != nullptr ? info->severity : Severity::error;
  }

  void move_diagnostics(Loaded& f) {
    for (Diagnostic& d : f.diagnostics) result_.diagnostics.push_back(std::move(d));
    f.diagnostics.clear();
  }

  void emit(Loaded& f, std::string_view rule, ByteRange range, std::string message,
            std::string help) {
    if (!f.reported || options_.disable.contains(std::string(rule))) return;
    Diagnostic d;
    d.rule = std::string(rule);
    const RuleInfo* info = find_rule(rule);
    d.severity = severity_of(rule, info);
    d.path = f.file.path;
    d.begin = f.lines.position(range.begin);
    d.end = f.lines.position(std::max(range.end, range.begin));
    d.message = std::move(message);
    d.help = std::move(help);
    d.source_line = std::string(f.lines.line_text(d.begin.line));
    if (!f.migration.id.empty()) d.migration = f.migration.id;
    f.diagnostics.push_back(std::move(d));
  }

  Loaded* io_error(const std::string& path, const std::string& why) {
    add_io_error(result_, path, why);
    return nullptr;
  }

  bool check_encoding(Loaded& f) {
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

  void lint_migration(Loaded& f, SchemaState& state) {
    const Migration& m = f.migration;
    std::vector<Step> steps = state.replay(m, Phase::upgrade, m.upgrade);
    // The downgrade runs against the state after the upgrade, but later migrations build on
    // the upgrade: replay it on a copy.
    SchemaState after_downgrade = state;
    std::vector<Step> down = after_downgrade.replay(m, Phase::downgrade, m.downgrade);
    steps.insert(steps.end(), down.begin(), down.end());
    const auto& large = options_.settings.large_tables;
    if (!large.empty()) {
      for (Step& step : steps) {
        const QualifiedName* t = target_table(*step.op);
        step.table_is_large =
            t != nullptr &&
            (large.contains(t->name) || large.contains(t->key()) || large.contains(t->display()));
      }
    }
    explain(f, steps);
    RuleContext ctx(m, steps, options_.settings);
    auto run = [&](const RuleInfo& rule) {
      if (rule.check == nullptr || !enabled(rule)) return;
      ctx.begin_rule(rule.id);
      if (auto failure = guarded(rule.id, ctx.findings(), [&] { rule.check(ctx); })) {
        emit(f, "internal-error", {0, 0}, *failure, kBugHelp);
      }
    };
    for (const RuleInfo& rule : all_rules()) run(rule);
    for (const RuleInfo& rule : options_.extra_rules) run(rule);
    for (RawFinding& r : ctx.findings()) {
      // A downgrade kept in a file of its own is reported there.
      Loaded* target =
          r.phase == Phase::downgrade && m.down_file != nullptr ? loaded_of(m.down_file) : &f;
      emit(target != nullptr ? *target : f, r.rule, r.range, std::move(r.message),
           std::move(r.help));
    }
  }

  void run_graph_rules(const RevisionGraph& graph, std::vector<const Migration*> migrations = {}) {
    GraphContext ctx(graph, std::move(migrations));
    for (const RuleInfo& rule : all_rules()) {
      if (rule.graph_check == nullptr || !enabled(rule)) continue;
      ctx.begin_rule(rule.id);
      auto failure = guarded(rule.id, ctx.findings(), [&] { rule.graph_check(ctx); });
      if (failure && !files_.empty())
        emit(*files_.front(), "internal-error", {0, 0}, *failure, kBugHelp);
    }
    for (auto& [m, r] : ctx.findings()) {
      if (Loaded* f = loaded_of(m))
        emit(*f, r.rule, r.range, std::move(r.message), std::move(r.help));
    }
  }

  // Records the operations of a linted migration for `schemagate explain`.
  void explain(const Loaded& f, const std::vector<Step>& steps) {
    if (explain_ == nullptr || !f.reported) return;
    const Migration& m = f.migration;
    for (const Step& step : steps) {
      const Loaded* in =
          step.phase == Phase::downgrade && m.down_file != nullptr ? loaded_of(m.down_file) : &f;
      if (in == nullptr) in = &f;
      ExplainRow row;
      row.path = in->file.path;
      row.begin = in->lines.position(step.op->range.begin);
      if (!m.id.empty()) row.migration = m.id;
      row.phase = step.phase;
      row.operation = operation_name(*step.op);
      row.lock = lock_of(step, options_.settings.pg_version);
      row.in_transaction = step.in_transaction;
      explain_->push_back(std::move(row));
    }
  }

  const LintOptions options_;
  LintResult& result_;
  std::vector<ExplainRow>* explain_ = nullptr;
  std::vector<std::unique_ptr<Loaded>> files_;
  // Values of templated SQL's placeholders (template.hpp).
};

void sort(LintResult& result) {
  std::stable_sort(result.diagnostics.begin(), result.diagnostics.end(), diagnostic_less);
}

}  // namespace

namespace {

LintResult lint_groups(const std::vector<std::string>& paths, const LintOptions& options,
                       std::vector<ExplainRow>* explain) {
  LintResult result;
  Discovery found = discover(paths, DiscoverOptions{options.layouts, options.exclude});
  for (const IoProblem& p : found.problems) add_io_error(result, p.path, p.why);
  for (const SourceGroup& g : found.groups) {
    GroupLinter linter(options, result);
    linter.explain_into(explain);
    bool python = false;
    for (const SourceRef& ref : g.files) {
      linter.load(ref, g.project_root);
      python = python || ref.kind == SourceKind::python;
    }
    if (python) {
      linter.lint_project();
    } else if (versioned_layout(g.layout)) {
      linter.lint_sql_project();
    } else {
      linter.lint_each();
    }
    linter.finish();
  }
  sort(result);
  return result;
}

}  // namespace

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
  for (const SourceGroup& g : found.groups) {
    GroupLinter linter(LintOptions{}, out.problems);
    bool python = false;
    for (const SourceRef& ref : g.files) {
      if (ref.kind != SourceKind::python) continue;
      python = true;
      linter.load(ref, g.project_root);
    }
    if (python && linter.has_revisions()) out.projects.push_back(linter.describe(g.name));
  }
  sort(out.problems);
  return out;
}

LintResult lint_text(std::string path, std::string text, const LintOptions& options) {
  LintResult result;
  GroupLinter linter(options, result);
  bool python = path.size() > 3 && path.ends_with(".py");
  SourceRef ref{path, python ? SourceKind::python : SourceKind::sql, true, false, {}};
  ++result.files;
  result.paths.push_back(ref.path);
  linter.load_text(ref, std::move(text), ".");
  // One text alone has no revision graph: graph rules need the project (lint_paths).
  linter.lint_each();
  linter.finish();
  sort(result);
  return result;
}

}  // namespace schemagate
