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

// The *.sql files below `root`, sorted; symlinks are followed only when they stay inside.
void walk(const std::string& arg, LintResult& result, std::vector<std::string>& files) {
  std::error_code ec;
  fs::path root(arg);
  fs::path real_root = fs::weakly_canonical(root, ec);
  std::vector<fs::path> found;
  auto it = fs::recursive_directory_iterator(root, fs::directory_options::skip_permission_denied, ec);
  if (ec) {
    io_error(result, arg, ec.message());
    return;
  }
  for (auto end = fs::recursive_directory_iterator(); it != end; it.increment(ec)) {
    if (ec) {
      io_error(result, arg, ec.message());
      break;
    }
    const fs::directory_entry& entry = *it;
    if (!is_migration_file(entry.path())) continue;
    if (entry.is_symlink(ec)) {
      fs::path target = fs::weakly_canonical(entry.path(), ec);
      auto rel = target.lexically_relative(real_root);
      if (ec || rel.empty() || *rel.begin() == "..") {
        io_error(result, entry.path().generic_string(),
                 "symbolic link to outside the linted directory; not followed");
        continue;
      }
    }
    if (entry.is_regular_file(ec)) found.push_back(entry.path());
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
