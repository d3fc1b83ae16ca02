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
  bool reported = true;  // false for context files (siblings of a revision named alone)
  explicit Loaded(SourceFile f) : file(std::move(f)), lines(file.text) {}
};

class GroupLinter {
 public:
  GroupLinter(const LintOptions& options, LintResult& result)
      : options_(options), result_(result) {}

  // Reads and parses one file; null when it is not linted (unreadable, binary, not a revision).
  Loaded* load(const SourceRef& ref, const std::string& project_root) {
    if (!ref.context_only) ++result_.files;
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
    if (ref.kind == SourceKind::python && !ref.explicit_path &&
        !alembic::looks_like_revision(loaded->file.text)) {
      if (loaded->reported) --result_.files;  // an ordinary Python file, not a migration
      return nullptr;
    }
    if (!check_encoding(*loaded)) return nullptr;
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
      loaded->migration = sql::parse_file(loaded->file);
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
    SchemaState state;
    for (Loaded* f : order) lint_migration(*f, state);
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

  // Each file on its own (bare SQL files).
  void lint_each() {
    for (const auto& f : files_) {
      SchemaState state;
      lint_migration(*f, state);
    }
  }

 private:
  Loaded* loaded_of(const Migration* m) {
    for (const auto& f : files_) {
      if (&f->migration == m) return f.get();
    }
    return nullptr;
  }

  void emit(const Loaded& f, std::string_view rule, ByteRange range, std::string message,
            std::string help) {
    if (!f.reported) return;
    Diagnostic d;
    d.rule = std::string(rule);
    const RuleInfo* info = find_rule(rule);
    d.severity = info != nullptr ? info->severity : Severity::error;
    d.path = f.file.path;
    d.begin = f.lines.position(range.begin);
    d.end = f.lines.position(std::max(range.end, range.begin));
    d.message = std::move(message);
    d.help = std::move(help);
    d.source_line = std::string(f.lines.line_text(d.begin.line));
    if (!f.migration.id.empty()) d.migration = f.migration.id;
    result_.diagnostics.push_back(std::move(d));
  }

  Loaded* io_error(const std::string& path, const std::string& why) {
    add_io_error(result_, path, why);
    return nullptr;
  }

  bool check_encoding(const Loaded& f) {
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

  void lint_migration(const Loaded& f, SchemaState& state) {
    const Migration& m = f.migration;
    std::vector<Step> steps = state.replay(m, Phase::upgrade, m.upgrade);
    // The downgrade runs against the state after the upgrade, but later migrations build on
    // the upgrade: replay it on a copy.
    SchemaState after_downgrade = state;
    std::vector<Step> down = after_downgrade.replay(m, Phase::downgrade, m.downgrade);
    steps.insert(steps.end(), down.begin(), down.end());
    RuleContext ctx(m, steps, options_.settings);
    auto run = [&](const RuleInfo& rule) {
      if (rule.check == nullptr) return;
      ctx.begin_rule(rule.id);
      if (auto failure = guarded(rule.id, ctx.findings(), [&] { rule.check(ctx); })) {
        emit(f, "internal-error", {0, 0}, *failure, kBugHelp);
      }
    };
    for (const RuleInfo& rule : all_rules()) run(rule);
    for (const RuleInfo& rule : options_.extra_rules) run(rule);
    for (RawFinding& r : ctx.findings())
      emit(f, r.rule, r.range, std::move(r.message), std::move(r.help));
  }

  void run_graph_rules(const RevisionGraph& graph) {
    GraphContext ctx(graph);
    for (const RuleInfo& rule : all_rules()) {
      if (rule.graph_check == nullptr) continue;
      ctx.begin_rule(rule.id);
      auto failure = guarded(rule.id, ctx.findings(), [&] { rule.graph_check(ctx); });
      if (failure && !files_.empty())
        emit(*files_.front(), "internal-error", {0, 0}, *failure, kBugHelp);
    }
    for (auto& [m, r] : ctx.findings()) {
      if (const Loaded* f = loaded_of(m))
        emit(*f, r.rule, r.range, std::move(r.message), std::move(r.help));
    }
  }

  const LintOptions options_;
  LintResult& result_;
  std::vector<std::unique_ptr<Loaded>> files_;
};

void sort(LintResult& result) {
  std::stable_sort(result.diagnostics.begin(), result.diagnostics.end(), diagnostic_less);
}

}  // namespace

LintResult lint_paths(const std::vector<std::string>& paths, const LintOptions& options) {
  LintResult result;
  Discovery found = discover(paths);
  for (const IoProblem& p : found.problems) add_io_error(result, p.path, p.why);
  for (const SourceGroup& g : found.groups) {
    GroupLinter linter(options, result);
    bool python = false;
    for (const SourceRef& ref : g.files) {
      linter.load(ref, g.project_root);
      python = python || ref.kind == SourceKind::python;
    }
    if (python) {
      linter.lint_project();
    } else {
      linter.lint_each();
    }
  }
  sort(result);
  return result;
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
  SourceRef ref{path, python ? SourceKind::python : SourceKind::sql, true};
  ++result.files;
  linter.load_text(ref, std::move(text), ".");
  // One text alone has no revision graph: graph rules need the project (lint_paths).
  linter.lint_each();
  sort(result);
  return result;
}

}  // namespace schemagate
