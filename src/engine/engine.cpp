// The engine: read → frontend → replay → rules → diagnostics.
#include "schemagate/engine.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

#include "engine/replay.hpp"
#include "frontends/sql/sql_frontend.hpp"
#include "schemagate/version.hpp"

namespace schemagate {

namespace fs = std::filesystem;

std::string_view version() { return kVersion; }

namespace {

Diagnostic make_diagnostic(std::string_view rule, const std::string& path, const LineIndex& lines,
                           ByteRange range, std::string message, std::string help) {
  Diagnostic d;
  d.rule = std::string(rule);
  const RuleInfo* info = find_rule(rule);
  d.severity = info != nullptr ? info->severity : Severity::error;
  d.path = path;
  d.begin = lines.position(range.begin);
  d.end = lines.position(std::max(range.end, range.begin));
  d.message = std::move(message);
  d.help = std::move(help);
  d.source_line = std::string(lines.line_text(d.begin.line));
  return d;
}

// Runs every rule over one migration.
void run_rules(const Migration& migration, std::span<const Step> steps, const LintOptions& options,
               const LineIndex& lines, std::vector<Diagnostic>& out) {
  RuleContext ctx(migration, steps, options.settings);
  const std::string& path = migration.file->path;
  for (const RuleInfo& rule : all_rules()) {
    if (rule.check == nullptr) continue;
    ctx.begin_rule(rule.id);
    std::size_t before = ctx.findings().size();
    try {
      rule.check(ctx);
    } catch (const std::exception& e) {
      ctx.findings().resize(before);
      out.push_back(make_diagnostic("internal-error", path, lines, {0, 0},
                                    "rule " + std::string(rule.id) + " failed: " + e.what(),
                                    "please report this as a bug; the other rules still ran"));
    } catch (...) {
      ctx.findings().resize(before);
      out.push_back(make_diagnostic("internal-error", path, lines, {0, 0},
                                    "rule " + std::string(rule.id) + " failed",
                                    "please report this as a bug; the other rules still ran"));
    }
  }
  for (RawFinding& f : ctx.findings()) {
    Diagnostic d = make_diagnostic(f.rule, path, lines, f.range, std::move(f.message),
                                   std::move(f.help));
    if (!migration.id.empty()) d.migration = migration.id;
    out.push_back(std::move(d));
  }
}

// Checks that the text is something we can lint; reports why not.
bool check_encoding(const SourceFile& file, const LineIndex& lines, std::vector<Diagnostic>& out) {
  std::size_t nul = file.text.find('\0');
  if (nul != std::string::npos) {
    out.push_back(make_diagnostic("invalid-encoding", file.path, lines, {nul, nul + 1},
                                  "binary file (a NUL byte at this position); not linted",
                                  "only text migrations can be checked; remove the file or "
                                  "exclude it from the linted paths"));
    return false;
  }
  if (auto bad = find_invalid_utf8(file.text)) {
    out.push_back(make_diagnostic("invalid-encoding", file.path, lines, {*bad, *bad + 1},
                                  "invalid UTF-8 at this position; not linted",
                                  "save the file as UTF-8"));
    return false;
  }
  return true;
}

void lint_file(const SourceFile& file, const LintOptions& options, LintResult& result) {
  LineIndex lines(file.text);
  ++result.files;
  if (!check_encoding(file, lines, result.diagnostics)) return;
  Migration migration = sql::parse_file(file);
  for (FrontendIssue& issue : migration.issues) {
    Diagnostic d = make_diagnostic(issue.rule, file.path, lines, issue.range,
                                   std::move(issue.message), std::move(issue.help));
    if (!migration.id.empty()) d.migration = migration.id;
    result.diagnostics.push_back(std::move(d));
  }
  SchemaState state;
  std::vector<Step> steps = state.replay(migration, Phase::upgrade, migration.upgrade);
  std::vector<Step> down = state.replay(migration, Phase::downgrade, migration.downgrade);
  steps.insert(steps.end(), down.begin(), down.end());
  run_rules(migration, steps, options, lines, result.diagnostics);
}

void io_error(LintResult& result, const std::string& path, const std::string& why) {
  Diagnostic d;
  d.rule = "io-error";
  d.severity = Severity::error;
  d.path = path;
  d.message = "cannot read: " + why;
  d.help = "check that the path exists and is readable";
  result.diagnostics.push_back(std::move(d));
  result.io_error = true;
  ++result.files;
}

void read_and_lint(const std::string& path, const LintOptions& options, LintResult& result) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    io_error(result, path, std::strerror(errno));
    return;
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) {
    io_error(result, path, "read failed");
    return;
  }
  SourceFile file{path, std::move(buffer).str()};
  lint_file(file, options, result);
}

bool is_migration_file(const fs::path& p) { return p.extension() == ".sql"; }

// The *.sql files below `root`, sorted. Symbolic links to directories are not descended
// (they may loop); links to files are followed only when they stay inside `root`.
void walk(const std::string& arg, LintResult& result, std::vector<std::string>& files) {
  std::error_code ec;
  const fs::path real_root = fs::weakly_canonical(arg, ec);
  std::vector<fs::path> found;
  std::vector<fs::path> dirs{fs::path(arg)};
  while (!dirs.empty()) {
    fs::path dir = std::move(dirs.back());
    dirs.pop_back();
    fs::directory_iterator it(dir, ec);
    if (ec) {
      io_error(result, dir.generic_string(), ec.message());
      continue;
    }
    for (fs::directory_iterator end; it != end; it.increment(ec)) {
      const fs::directory_entry& entry = *it;
      fs::file_status link = entry.symlink_status(ec);
      if (fs::is_directory(link)) {
        dirs.push_back(entry.path());
        continue;
      }
      if (!is_migration_file(entry.path())) continue;
      if (fs::is_symlink(link)) {
        fs::path target = fs::canonical(entry.path(), ec);
        if (ec) {
          io_error(result, entry.path().generic_string(), ec.message());
          continue;
        }
        auto rel = target.lexically_relative(real_root);
        if (rel.empty() || *rel.begin() == "..") {
          io_error(result, entry.path().generic_string(),
                   "symbolic link to a file outside the linted directory; not followed");
          continue;
        }
      }
      if (entry.is_regular_file(ec)) found.push_back(entry.path());
    }
    if (ec) io_error(result, dir.generic_string(), ec.message());
  }
  std::sort(found.begin(), found.end());
  for (const fs::path& p : found) files.push_back(p.generic_string());
}

}  // namespace

LintResult lint_paths(const std::vector<std::string>& paths, const LintOptions& options) {
  LintResult result;
  std::vector<std::string> files;
  for (const std::string& arg : paths) {
    std::error_code ec;
    if (fs::is_directory(arg, ec)) {
      walk(arg, result, files);
    } else {
      files.push_back(arg);
    }
  }
  for (const std::string& f : files) read_and_lint(f, options, result);
  std::stable_sort(result.diagnostics.begin(), result.diagnostics.end(), diagnostic_less);
  return result;
}

LintResult lint_text(std::string path, std::string text, const LintOptions& options) {
  LintResult result;
  SourceFile file{std::move(path), std::move(text)};
  lint_file(file, options, result);
  std::stable_sort(result.diagnostics.begin(), result.diagnostics.end(), diagnostic_less);
  return result;
}

}  // namespace schemagate
