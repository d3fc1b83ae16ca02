// The schemagate command line: a thin front end over the engine.
#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "cli/fix.hpp"
#include "cli/git.hpp"
#include "config/settings.hpp"
#include "lsp/server.hpp"
#include "platform/platform.hpp"
#include "schemagate/engine.hpp"
#include "schemagate/report.hpp"

namespace {

using namespace schemagate;

enum class Exit { clean = 0, findings = 1, usage = 2 };

bool use_color(const std::string& mode) {
  if (mode == "always") return true;
  if (mode == "never") return false;
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color != nullptr && *no_color != '\0') return false;
  const char* term = std::getenv("TERM");
  if (term != nullptr && std::string_view(term) == "dumb") return false;
  return platform::stdout_is_terminal();
}

// --since: keep the findings of migrations added or changed since the merge base (all of
// them were replayed for context), and flag applied migrations that were edited.
void only_changed(LintResult& result, const cli::GitChanges& changes, const LintOptions& options) {
  namespace fs = std::filesystem;
  auto canonical = [](const std::string& p) {
    std::error_code ec;
    return fs::weakly_canonical(p, ec).generic_string();
  };
  auto unchanged = [&](const Diagnostic& d) {
    return d.rule != "io-error" && !changes.changed.contains(canonical(d.path));
  };
  std::erase_if(result.diagnostics, unchanged);
  std::erase_if(result.suppressed, unchanged);
  std::erase_if(result.checklists, [&](const MigrationChecklist& l) {
    return !changes.changed.contains(canonical(l.path));
  });
  std::vector<std::string> kept;
  for (const std::string& p : result.paths) {
    if (!changes.changed.contains(canonical(p))) continue;
    kept.push_back(p);
    if (!changes.edited.contains(canonical(p)) ||
        options.disable.contains("modified-applied-migration")) {
      continue;
    }
    Diagnostic d;
    d.rule = "modified-applied-migration";
    auto sev = options.severity.find(d.rule);
    d.severity = sev != options.severity.end() ? sev->second : find_rule(d.rule)->severity;
    d.path = p;
    d.message = "this migration already existed at " + changes.base.substr(0, 12) +
                " and was edited: databases that applied it won't see the change";
    d.help = "leave applied migrations alone; write a new migration for the change";
    result.diagnostics.push_back(std::move(d));
  }
  result.paths = std::move(kept);
  result.files = result.paths.size();
}

// What `lint` was asked to print, and where.
struct Output {
  // --fix, --unsafe-fixes, --diff
  bool fix = false;
  bool unsafe_fixes = false;
  bool diff = false;
  std::string format = "text";
  std::string color = "auto";
  std::string file;        // --output: the format's report goes there, text to stdout
  std::string sarif_root;  // --sarif-root (default: the current directory)
};

// Writes the report in `format`. For JUnit, `result` holds only the failing findings.
void write_report(std::ostream& out, const std::string& format, const LintResult& result,
                  const Output& output, bool color) {
  namespace fs = std::filesystem;
  // Paths in the CI formats start at --sarif-root, else the repository's root (annotations
  // land on the right file from a monorepo's subfolder), else here.
  std::string cwd = fs::current_path().generic_string();
  std::string root = output.sarif_root;
  if (root.empty() && (format == "sarif" || format == "github" || format == "gitlab")) {
    root = cli::repository_root(cwd);
  }
  if (root.empty()) root = cwd;
  if (format == "json") {
    write_json(out, result);
  } else if (format == "sarif") {
    write_sarif(out, result, SarifOptions{cwd, root});
  } else if (format == "github") {
    write_github(out, result, RootedPaths{cwd, root});
  } else if (format == "gitlab") {
    write_gitlab(out, result, RootedPaths{cwd, root});
  } else if (format == "junit") {
    write_junit(out, result, Severity::info);
  } else {
    write_text(out, result, TextOptions{color});
  }
}

using Runs = std::vector<std::pair<cli::Settings, std::vector<std::string>>>;

// A run that found no migration at all is not a pass: it says what was looked for, and where.
// (Its paths also have no-migrations-found findings, printed with the report.)
bool empty_run(const LintResult& result, const std::vector<std::string>& targets) {
  if (!result.nothing_found) return false;
  std::string where;
  for (const std::string& t : targets) where += (where.empty() ? "" : ", ") + t;
  std::cout.flush();
  std::cerr << "schemagate: no migrations found in " << where
            << " (looked for *.sql files and Alembic revisions: .py files that assign "
               "`revision` and define upgrade(), and the version folders an alembic.ini names)\n";
  return true;
}

// The paths (default: .) grouped by the configuration found for each (the nearest one above
// it), unless --config or --no-config settles one for all. Errors go to stderr.
std::optional<Runs> group_by_config(const std::vector<std::string>& targets,
                                    const cli::Flags& flags) {
  Runs runs;
  std::map<std::string, std::size_t> by_file;
  for (const std::string& t : targets) {
    std::string file = flags.config_file.empty() && !flags.no_config ? find_config(t) : "";
    auto [it, added] = by_file.emplace(file, runs.size());
    if (added) {
      auto settings = cli::resolve(flags, {t}, std::cerr);
      if (!settings) return std::nullopt;
      runs.emplace_back(std::move(*settings), std::vector<std::string>{});
    }
    runs[it->second].second.push_back(t);
  }
  return runs;
}

// Writes `text` to the file `path`; the system's reason when it can't ("" when written).
std::string write_file(const std::string& path, const std::string& text) {
  FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) return std::strerror(errno);
  bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  int err = errno;
  if (std::fclose(f) != 0 && ok) {
    ok = false;
    err = errno;
  }
  return ok ? std::string() : std::string(std::strerror(err));
}

std::vector<std::string> or_here(const std::vector<std::string>& paths) {
  return paths.empty() ? std::vector<std::string>{"."} : paths;
}

// --since: what changed since the merge base; nullopt (an error printed) when git can't tell.
std::optional<std::optional<cli::GitChanges>> changes_for(const std::string& since,
                                                          const std::string& where) {
  if (since.empty()) return std::optional<cli::GitChanges>();
  std::string error;
  auto changes = cli::changes_since(since, where, error);
  if (!changes) {
    std::cerr << "schemagate: --since " << since << ": " << error << "\n";
    return std::nullopt;
  }
  return changes;
}

int run_lint(const std::vector<std::string>& paths, const Output& output, const cli::Flags& flags,
             const std::string& since) {
  std::vector<std::string> targets = or_here(paths);
  auto runs = group_by_config(targets, flags);
  if (!runs) return static_cast<int>(Exit::usage);
  auto since_changes = changes_for(since, targets.front());
  if (!since_changes) return static_cast<int>(Exit::usage);
  const std::optional<cli::GitChanges>& changes = *since_changes;
  if (output.fix || output.diff) {
    auto lint_all = [&](const std::map<std::string, std::string>& texts) {
      LintResult all;
      for (auto& [settings, group] : *runs) {
        LintOptions options = settings.options;
        options.contents = texts;
        LintResult part = lint_paths(group, options);
        if (changes) only_changed(part, *changes, settings.options);
        std::move(part.diagnostics.begin(), part.diagnostics.end(),
                  std::back_inserter(all.diagnostics));
      }
      return all;
    };
    cli::FixOutcome fixed = cli::fix_to_fixed_point(lint_all, output.unsafe_fixes);
    std::string files =
        std::to_string(fixed.after.size()) + (fixed.after.size() == 1 ? " file" : " files");
    std::string count = std::to_string(fixed.applied) + (fixed.applied == 1 ? " fix" : " fixes");
    if (!fixed.converged) {
      std::cerr << "schemagate: fixes still apply after " << cli::kMaxFixPasses
                << " passes; stopped there (please report this)\n";
    }
    if (output.diff) {
      for (const auto& [path, text] : fixed.after) {
        std::cout << cli::unified_diff(path, fixed.before[path], text);
      }
      std::cout.flush();
      std::cerr << "schemagate: "
                << (fixed.after.empty() ? "nothing to fix"
                                        : "would apply " + count + " to " + files)
                << (output.unsafe_fixes ? "" : " (unsafe fixes left out: --unsafe-fixes)") << "\n";
      return static_cast<int>(fixed.after.empty() ? Exit::clean : Exit::findings);
    }
    for (const auto& [path, text] : fixed.after) {
      if (std::string why = write_file(path, text); !why.empty()) {
        std::cerr << "schemagate: " << path << ": cannot write the fixed file: " << why << "\n";
        return static_cast<int>(Exit::usage);
      }
    }
    if (!fixed.after.empty())
      std::cerr << "schemagate: applied " << count << " to " << files << "\n";
  }
  LintResult result;
  result.nothing_found = true;
  bool start_after_found = false;
  bool failed = false;
  // JUnit's failures: each run's findings at or above its own --fail-on (the configurations
  // found for the paths may disagree on it).
  bool junit = output.format == "junit";
  LintResult failures;
  for (auto& [settings, group] : *runs) {
    LintResult part = lint_paths(group, settings.options);
    if (changes) only_changed(part, *changes, settings.options);
    for (const Diagnostic& d : part.diagnostics) {
      if (d.severity < settings.fail_on) continue;
      failed = true;
      if (junit) failures.diagnostics.push_back(d);
    }
    // The first run's findings are taken as they are: copied one by one, the vector would
    // double as it filled, beside the run's own.
    if (result.diagnostics.empty()) {
      result.diagnostics = std::move(part.diagnostics);
    } else {
      std::move(part.diagnostics.begin(), part.diagnostics.end(),
                std::back_inserter(result.diagnostics));
    }
    std::move(part.suppressed.begin(), part.suppressed.end(),
              std::back_inserter(result.suppressed));
    std::move(part.paths.begin(), part.paths.end(), std::back_inserter(result.paths));
    result.files += part.files;
    result.io_error = result.io_error || part.io_error;
    result.nothing_found = result.nothing_found && part.nothing_found;
    start_after_found = start_after_found || part.start_after_found;
    // start_after of a configuration file names a migration of the paths it applies to.
    if (!flags.start_after && !settings.options.start_after.empty() && !part.start_after_found &&
        !part.nothing_found) {
      std::cerr << "schemagate: " << settings.config.source << ": start_after "
                << settings.options.start_after
                << ": no Alembic revision or SQL migration version of that name\n";
      return static_cast<int>(Exit::usage);
    }
  }
  if (flags.start_after && !start_after_found && !result.nothing_found) {
    std::cerr << "schemagate: --start-after " << *flags.start_after
              << ": no Alembic revision or SQL migration version of that name\n";
    return static_cast<int>(Exit::usage);
  }
  std::stable_sort(result.diagnostics.begin(), result.diagnostics.end(), diagnostic_less);
  std::stable_sort(result.suppressed.begin(), result.suppressed.end(), diagnostic_less);
  if (junit) {
    std::stable_sort(failures.diagnostics.begin(), failures.diagnostics.end(), diagnostic_less);
    failures.paths = result.paths;
    failures.files = result.files;
  }
  const LintResult& report = junit ? failures : result;
  if (output.file.empty()) {
    write_report(std::cout, output.format, report, output, use_color(output.color));
  } else {
    // The report goes to the file; the terminal (the CI log) gets the text.
    write_text(std::cout, result, TextOptions{use_color(output.color)});
    std::ostringstream text;
    write_report(text, output.format, report, output, false);
    if (std::string why = write_file(output.file, text.str()); !why.empty()) {
      std::cout.flush();
      std::cerr << "schemagate: --output " << output.file << ": cannot write the report: " << why
                << "\n";
      return static_cast<int>(Exit::usage);
    }
  }
  std::cout.flush();
  if (result.io_error || empty_run(result, targets)) return static_cast<int>(Exit::usage);
  return static_cast<int>(failed ? Exit::findings : Exit::clean);
}

// The commands that print no findings (checklist, explain) still tell what they could not read
// or found nothing in.
void print_io_errors(const LintResult& result) {
  for (const Diagnostic& d : result.diagnostics) {
    if (d.rule != "io-error" && d.rule != "no-migrations-found") continue;
    std::cerr << "schemagate: " << d.path << ": " << d.message << "\n";
  }
}

// `schemagate checklist`: each migration's checklist; with --enforce (or checklist.enforce in
// the configuration) an unmet required item fails the run.
int run_checklist(const std::vector<std::string>& paths, const std::string& format, bool enforce,
                  const cli::Flags& flags, const std::string& since) {
  std::vector<std::string> targets = or_here(paths);
  auto runs = group_by_config(targets, flags);
  if (!runs) return static_cast<int>(Exit::usage);
  auto since_changes = changes_for(since, targets.front());
  if (!since_changes) return static_cast<int>(Exit::usage);
  const std::optional<cli::GitChanges>& changes = *since_changes;
  std::vector<MigrationChecklist> lists;
  bool io_error = false;
  bool failed = false;
  LintResult empty;
  empty.nothing_found = true;
  for (auto& [settings, group] : *runs) {
    settings.options.checklist.collect = true;
    bool enforced = enforce || settings.options.checklist.enforce;
    LintResult part = lint_paths(group, settings.options);
    empty.nothing_found = empty.nothing_found && part.nothing_found;
    if (changes) only_changed(part, *changes, settings.options);
    print_io_errors(part);
    io_error = io_error || part.io_error;
    for (MigrationChecklist& l : part.checklists) {
      failed = failed || (enforced && !l.complete());
      lists.push_back(std::move(l));
    }
  }
  if (format == "json") {
    write_checklist_json(std::cout, lists);
  } else if (format == "markdown") {
    write_checklist_markdown(std::cout, lists);
  } else {
    write_checklist_text(std::cout, lists);
  }
  std::cout.flush();
  if (io_error || empty_run(empty, targets)) return static_cast<int>(Exit::usage);
  return static_cast<int>(failed ? Exit::findings : Exit::clean);
}

// `schemagate explain`: one row per operation, with its lock, work and triggered rules.
nlohmann::ordered_json explain_json(const std::vector<ExplainRow>& rows, std::size_t files,
                                    const std::set<int>& pg_versions) {
  using json = nlohmann::ordered_json;
  json operations = json::array();
  for (const ExplainRow& r : rows) {
    const LockInfo& l = r.lock;
    json referenced = nullptr;
    if (l.other_mode != LockMode::none) {
      referenced = {{"table", l.other_table},
                    {"lock", std::string(to_string(l.other_mode))},
                    {"blocks", std::string(to_string(blocks_of(l.other_mode)))}};
    }
    // Every relation locked besides the operation's own (`referenced` is the first of them
    // when set): partitions, the other end of a dropped foreign key, sequences, ...
    json also = json::array();
    for (const LockInfo::Other& o : l.also()) {
      also.push_back({{"table", o.table},
                      {"lock", std::string(to_string(o.mode))},
                      {"blocks", std::string(to_string(blocks_of(o.mode)))},
                      {"why", o.why.empty() ? json(nullptr) : json(o.why)}});
    }
    operations.push_back({
        {"path", r.path},
        {"line", r.begin.line},
        {"column", r.begin.column},
        {"migration", r.migration ? json(*r.migration) : json(nullptr)},
        {"phase", r.phase == Phase::upgrade ? "upgrade" : "downgrade"},
        {"operation", r.operation},
        {"table", !l.table.empty() ? json(l.table) : json(nullptr)},
        {"target", !l.table.empty() ? l.table : l.target},
        {"lock", l.mode == LockMode::none ? json(nullptr) : json(std::string(to_string(l.mode)))},
        {"blocks", std::string(to_string(l.blocks))},
        {"work", std::string(to_string(l.work))},
        {"in_transaction", r.in_transaction},
        {"no_transaction", l.no_transaction},
        {"referenced", std::move(referenced)},
        {"also", std::move(also)},
        {"note", l.version_note},
        {"description", l.describe()},
        {"rules", r.rules},
    });
  }
  return {{"version", 1},
          {"tool", {{"name", "schemagate"}, {"version", std::string(version())}}},
          {"operations", std::move(operations)},
          {"summary",
           {{"files", files},
            {"operations", rows.size()},
            // The PostgreSQL the locks are given for (--pg-version; several when configurations
            // differ), and the one the model is checked against.
            {"pg_versions", pg_versions},
            {"checked_on", kCheckedPgVersion}}}};
}

// The sentence under explain's table: which PostgreSQL the locks are given for.
std::string explain_versions(const std::set<int>& pg_versions) {
  std::string list;
  for (int v : pg_versions) list += (list.empty() ? "" : ", ") + std::to_string(v);
  std::string out = "Locks and work as PostgreSQL " + list +
                    " does them (--pg-version, or pg_version in the configuration, to change)";
  bool other = std::any_of(pg_versions.begin(), pg_versions.end(),
                           [](int v) { return v != kCheckedPgVersion; });
  out += other ? "; the model is checked statement by statement against a real PostgreSQL " +
                     std::to_string(kCheckedPgVersion) +
                     ", and what differs in other releases follows PostgreSQL's documentation."
               : "; the model is checked statement by statement against a real PostgreSQL " +
                     std::to_string(kCheckedPgVersion) + ".";
  return out;
}

void explain_text(std::ostream& out, const std::vector<ExplainRow>& rows,
                  const std::set<int>& pg_versions) {
  std::vector<std::vector<std::string>> table;
  table.push_back(
      {"POSITION", "PHASE", "OPERATION", "TABLE", "LOCK", "BLOCKS", "WORK", "TX", "RULES", "NOTE"});
  for (const ExplainRow& r : rows) {
    const LockInfo& l = r.lock;
    std::string note;
    auto add = [&note](const std::string& s) {
      if (!s.empty()) note += (note.empty() ? "" : "; ") + s;
    };
    for (const LockInfo::Other& o : l.also()) {
      add("also " + std::string(to_string(o.mode)) + " on " + o.table);
    }
    if (l.no_transaction) add("cannot run inside a transaction block");
    add(l.version_note);
    std::string rules;
    for (const std::string& id : r.rules) rules += (rules.empty() ? "" : ",") + id;
    std::string target = !l.table.empty() ? l.table : l.target;
    table.push_back(
        {r.path + ":" + std::to_string(r.begin.line) + ":" + std::to_string(r.begin.column),
         r.phase == Phase::upgrade ? "upgrade" : "downgrade", r.operation,
         target.empty() ? "-" : target,
         l.mode == LockMode::none ? "-" : std::string(to_string(l.mode)),
         l.mode == LockMode::none ? "-" : std::string(to_string(l.blocks)),
         l.work == Work::none ? "-" : std::string(to_string(l.work)),
         r.in_transaction ? "yes" : "no", rules.empty() ? "-" : rules, note});
  }
  std::vector<std::size_t> width(table.front().size(), 0);
  for (const auto& row : table) {
    for (std::size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
  }
  for (const auto& row : table) {
    std::string line;
    for (std::size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line += std::string(width[i] - row[i].size() + 2, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out << line << "\n";
  }
  out << "\n" << explain_versions(pg_versions) << "\n";
}

int run_explain(const std::vector<std::string>& paths, const std::string& format,
                const cli::Flags& flags) {
  // As `lint`: each path with the configuration found for it.
  std::vector<std::string> targets = or_here(paths);
  auto runs = group_by_config(targets, flags);
  if (!runs) return static_cast<int>(Exit::usage);
  std::vector<ExplainRow> rows;
  std::size_t files = 0;
  bool io_error = false;
  LintResult empty;
  empty.nothing_found = true;
  std::set<int> pg_versions;
  for (auto& [settings, group] : *runs) {
    pg_versions.insert(settings.options.settings.pg_version);
    ExplainResult part = explain_paths(group, settings.options);
    empty.nothing_found = empty.nothing_found && part.lint.nothing_found;
    std::move(part.rows.begin(), part.rows.end(), std::back_inserter(rows));
    files += part.lint.files;
    print_io_errors(part.lint);
    io_error = io_error || part.lint.io_error;
  }
  if (format == "json") {
    std::cout << explain_json(rows, files, pg_versions)
                     .dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace)
              << "\n";
  } else {
    explain_text(std::cout, rows, pg_versions);
  }
  std::cout.flush();
  if (io_error || empty_run(empty, targets)) return static_cast<int>(Exit::usage);
  return static_cast<int>(Exit::clean);
}

int run_config(const std::vector<std::string>& paths, const cli::Flags& flags) {
  auto settings = cli::resolve(flags, paths, std::cerr);
  if (!settings) return static_cast<int>(Exit::usage);
  cli::print(std::cout, *settings);
  return 0;
}

void add_jobs_flag(CLI::App* app, cli::Flags& flags) {
  app->add_option("-j,--jobs", flags.jobs,
                  "Threads reading and parsing files (default: one per core)")
      ->check(CLI::Range(1, 1024));
}

// The flags that settle the configuration, shared by `lint` and `config`.
void add_setting_flags(CLI::App* app, cli::Flags& flags) {
  app->add_option("--config", flags.config_file,
                  "Configuration file (default: the nearest .schemagate.yaml or pyproject.toml "
                  "with [tool.schemagate] at or above the first path)");
  app->add_flag("--no-config", flags.no_config, "Don't read any configuration file");
  app->add_option("--pg-version", flags.pg_version, "Major version of the target PostgreSQL")
      ->check(CLI::Range(9, 18));
  app->add_flag("--assume-in-transaction", flags.assume_in_transaction,
                "Bare SQL files run inside a transaction");
  // One value per occurrence: `--exclude 'legacy/**' alembic/` lints alembic/ (a list option
  // would take the path as a second glob).
  app->add_option("--enable", flags.enable, "Switch a rule on (repeatable)")
      ->allow_extra_args(false);
  app->add_option("--disable", flags.disable, "Switch a rule off (repeatable)")
      ->allow_extra_args(false);
  app->add_option("--exclude", flags.exclude,
                  "Don't report paths matching this glob, relative to the current directory "
                  "(repeatable); they still count as context")
      ->allow_extra_args(false);
  app->add_option("--start-after", flags.start_after,
                  "Treat this Alembic revision or SQL version, and all before it, as history: "
                  "replayed, not reported (also: start_after in the configuration)");
  app->add_option("--fail-on", flags.fail_on,
                  "Lowest severity that makes the exit code 1 (default: warning)")
      ->check(CLI::IsMember({"error", "warning", "info"}));
}

std::string joined(const std::vector<std::string>& v, std::string_view sep = ", ") {
  std::string out;
  for (const std::string& x : v) out += (out.empty() ? "" : std::string(sep)) + x;
  return out.empty() ? std::string("(none)") : out;
}

int run_graph(const std::vector<std::string>& paths, const std::string& format) {
  GraphResult g = read_graphs(paths.empty() ? std::vector<std::string>{"."} : paths);
  if (format == "json") {
    nlohmann::ordered_json projects = nlohmann::ordered_json::array();
    for (const ProjectGraph& p : g.projects) {
      nlohmann::ordered_json history = nlohmann::ordered_json::array();
      for (const RevisionEntry& e : p.history) {
        history.push_back({{"revision", e.id},
                           {"down_revisions", e.parents},
                           {"branch_labels", e.branch_labels},
                           {"branch_labels_known", !e.branch_labels_unknown},
                           {"depends_on", e.depends_on},
                           {"message", e.message},
                           {"path", e.path},
                           {"head", e.head},
                           {"base", e.base},
                           {"merge", e.merge}});
      }
      projects.push_back({{"project", p.key},
                          {"heads", p.heads},
                          {"bases", p.bases},
                          {"merges", p.merges},
                          {"cycles", p.cycles},
                          {"history", std::move(history)}});
    }
    nlohmann::ordered_json doc = {{"version", 1}, {"projects", std::move(projects)}};
    std::cout << doc.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << "\n";
  } else {
    for (const ProjectGraph& p : g.projects) {
      std::vector<std::string> labels;
      for (const RevisionEntry& e : p.history) {
        for (const std::string& l : e.branch_labels) labels.push_back(l + " (" + e.id + ")");
        if (e.branch_labels_unknown) labels.push_back("<not known statically> (" + e.id + ")");
      }
      std::cout << p.key << "\n"
                << "  heads:         " << joined(p.heads) << "\n"
                << "  bases:         " << joined(p.bases) << "\n"
                << "  merge points:  " << joined(p.merges) << "\n"
                << "  branch labels: " << joined(labels) << "\n";
      for (const auto& c : p.cycles) std::cout << "  cycle:         " << joined(c, " -> ") << "\n";
      std::cout << "  history (oldest first):\n";
      for (const RevisionEntry& e : p.history) {
        std::string parents = e.parents.empty() ? std::string("<base>") : joined(e.parents);
        std::string tags;
        if (e.head) tags += " (head)";
        if (e.merge) tags += " (mergepoint)";
        std::cout << "    " << parents << " -> " << e.id << tags << ", " << e.message << "  ["
                  << e.path << "]\n";
      }
    }
    if (g.projects.empty()) std::cout << "no Alembic revisions found\n";
  }
  for (const Diagnostic& d : g.problems.diagnostics) {
    if (d.severity != Severity::error) continue;
    std::cerr << d.path << ":" << d.begin.line << ":" << d.begin.column << ": " << d.rule << ": "
              << d.message << "\n";
  }
  return g.problems.io_error ? static_cast<int>(Exit::usage) : 0;
}

int run_rules() {
  std::size_t width = 0;
  for (const RuleInfo& r : all_rules()) width = std::max(width, r.id.size());
  for (const RuleInfo& r : all_rules()) {
    std::cout << std::left << std::setw(static_cast<int>(width + 2)) << r.id << std::setw(9)
              << to_string(r.severity) << r.summary << "\n";
  }
  return 0;
}

int run_rule(const std::string& id) {
  std::string_view doc = rule_doc(id);
  if (doc.empty()) {
    std::cerr << "schemagate: " << unknown_rule_message(id) << "\n";
    return static_cast<int>(Exit::usage);
  }
  std::cout << doc;
  if (!doc.empty() && doc.back() != '\n') std::cout << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"schemagate: a static linter and checklist enforcer for database schema migrations"};
  app.name("schemagate");
  app.set_version_flag("--version", std::string("schemagate ") + std::string(version()));
  app.require_subcommand(1);

  std::vector<std::string> paths;
  Output output;
  cli::Flags flags;
  CLI::App* lint = app.add_subcommand("lint", "Lint migration files and directories");
  lint->add_option("paths", paths, "Files, or directories walked for *.sql (default: .)");
  lint->add_option("--format", output.format, "Output format")
      ->check(CLI::IsMember({"text", "json", "sarif", "github", "gitlab", "junit"}))
      ->capture_default_str();
  lint->add_option("--output", output.file,
                   "Write the report in --format to this file; the terminal gets the text");
  lint->add_option("--sarif-root", output.sarif_root,
                   "SARIF, GitHub and GitLab paths are relative to this directory (default: "
                   "the git repository's root, else the current directory)")
      ->check(CLI::ExistingDirectory);
  lint->add_option("--color", output.color, "Color the text output (NO_COLOR is honoured by auto)")
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->capture_default_str();
  add_setting_flags(lint, flags);
  add_jobs_flag(lint, flags);
  std::string since;
  lint->add_option("--since", since,
                   "Report only migrations added or changed since the merge base with this git "
                   "ref (all are still replayed)");
  lint->add_flag("--fix", output.fix,
                 "Apply the safe fixes to the files, then report what remains");
  lint->add_flag("--unsafe-fixes", output.unsafe_fixes,
                 "With --fix or --diff: apply the unsafe fixes too (they change behaviour)");
  lint->add_flag("--diff", output.diff,
                 "Print the fixes as a unified diff without writing them (exit 1 if any)");
  lint->add_flag("--only-migrations", flags.only_migrations,
                 "Skip named files that are no migrations (a .py file that is no Alembic "
                 "revision, a file neither .sql nor .py) instead of linting them (pre-commit)");

  std::vector<std::string> config_paths;
  CLI::App* config =
      app.add_subcommand("config", "Print the effective configuration for the given paths");
  config->add_option("paths", config_paths, "Where the configuration is looked for (default: .)");
  add_setting_flags(config, flags);

  std::vector<std::string> explain_paths_;
  std::string explain_format = "text";
  CLI::App* explain = app.add_subcommand(
      "explain",
      "For every operation of every migration: its lock, what it blocks, whether it rewrites "
      "or scans the table, and the rules it triggers");
  explain->add_option("paths", explain_paths_, "Files, or directories (default: .)");
  explain->add_option("--format", explain_format, "Output format")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  add_setting_flags(explain, flags);
  add_jobs_flag(explain, flags);

  std::vector<std::string> graph_paths;
  std::string graph_format = "text";
  CLI::App* graph = app.add_subcommand(
      "graph", "Print the Alembic revision graph: bases, heads, merge points, history");
  graph->add_option("paths", graph_paths, "A versions folder, the folder of alembic.ini, or above");
  graph->add_option("--format", graph_format, "Output format")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();

  std::vector<std::string> checklist_paths;
  std::string checklist_format = "text";
  std::string checklist_since;
  bool checklist_enforce = false;
  CLI::App* checklist = app.add_subcommand(
      "checklist",
      "Each migration's team checklist: verified items, the author's attestations, and "
      "reminders for after deploying");
  checklist->add_option("paths", checklist_paths, "Files, or directories (default: .)");
  checklist->add_option("--format", checklist_format, "Output format")
      ->check(CLI::IsMember({"text", "markdown", "json"}))
      ->capture_default_str();
  checklist->add_flag("--enforce", checklist_enforce,
                      "Exit 1 when a migration has an unmet required item (also: "
                      "checklist.enforce in the configuration)");
  checklist->add_option("--since", checklist_since,
                        "Only migrations added or changed since the merge base with this git "
                        "ref (all are still replayed)");
  add_setting_flags(checklist, flags);
  add_jobs_flag(checklist, flags);

  CLI::App* lsp = app.add_subcommand(
      "lsp", "Serve the Language Server Protocol on stdin/stdout, for editors (README: Editors)");
  add_setting_flags(lsp, flags);

  app.add_subcommand("rules", "List every rule with its default severity");
  std::string rule_id;
  CLI::App* rule = app.add_subcommand("rule", "Print a rule's documentation");
  rule->add_option("id", rule_id, "Rule id, e.g. require-concurrent-index-creation")->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return static_cast<int>(Exit::usage);
  }

  try {
    if (lint->parsed()) return run_lint(paths, output, flags, since);
    if (config->parsed()) return run_config(config_paths, flags);
    if (explain->parsed()) return run_explain(explain_paths_, explain_format, flags);
    if (checklist->parsed()) {
      return run_checklist(checklist_paths, checklist_format, checklist_enforce, flags,
                           checklist_since);
    }
    if (graph->parsed()) return run_graph(graph_paths, graph_format);
    if (app.got_subcommand("rules")) return run_rules();
    if (rule->parsed()) return run_rule(rule_id);
    if (lsp->parsed()) return lsp::serve_stdio(flags);
  } catch (const std::exception& e) {
    std::cerr << "schemagate: " << e.what() << "\n";
    return static_cast<int>(Exit::usage);
  }
  return static_cast<int>(Exit::usage);
}
