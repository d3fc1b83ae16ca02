// The schemagate command line: a thin front end over the engine.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <iomanip>
#include <iostream>
#include <string>
#include <vector>

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
  return isatty(STDOUT_FILENO) != 0;
}

int run_lint(const std::vector<std::string>& paths, const std::string& format,
             const std::string& color, const std::string& fail_on, int pg_version) {
  LintOptions options;
  options.settings.pg_version = pg_version;
  LintResult result = lint_paths(paths.empty() ? std::vector<std::string>{"."} : paths, options);
  if (format == "json") {
    write_json(std::cout, result);
  } else {
    write_text(std::cout, result, TextOptions{use_color(color)});
  }
  std::cout.flush();
  if (result.io_error) return static_cast<int>(Exit::usage);
  Severity threshold = parse_severity(fail_on).value_or(Severity::warning);
  for (const Diagnostic& d : result.diagnostics) {
    if (d.severity >= threshold) return static_cast<int>(Exit::findings);
  }
  return static_cast<int>(Exit::clean);
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
    std::cerr << "schemagate: unknown rule '" << id << "' (see `schemagate rules`)\n";
    return static_cast<int>(Exit::usage);
  }
  std::cout << doc;
  if (!doc.empty() && doc.back() != '\n') std::cout << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "schemagate: a static linter and checklist enforcer for database schema migrations"};
  app.name("schemagate");
  app.set_version_flag("--version", std::string("schemagate ") + std::string(version()));
  app.require_subcommand(1);

  std::vector<std::string> paths;
  std::string format = "text";
  std::string color = "auto";
  std::string fail_on = "warning";
  int pg_version = 15;
  CLI::App* lint = app.add_subcommand("lint", "Lint migration files and directories");
  lint->add_option("paths", paths, "Files, or directories walked for *.sql (default: .)");
  lint->add_option("--format", format, "Output format")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  lint->add_option("--color", color, "Color the text output (NO_COLOR is honoured by auto)")
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->capture_default_str();
  lint->add_option("--fail-on", fail_on, "Lowest severity that makes the exit code 1")
      ->check(CLI::IsMember({"error", "warning", "info"}))
      ->capture_default_str();
  lint->add_option("--pg-version", pg_version, "Major version of the target PostgreSQL")
      ->check(CLI::Range(9, 18))
      ->capture_default_str();

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
    if (lint->parsed()) return run_lint(paths, format, color, fail_on, pg_version);
    if (app.got_subcommand("rules")) return run_rules();
    if (rule->parsed()) return run_rule(rule_id);
  } catch (const std::exception& e) {
    std::cerr << "schemagate: " << e.what() << "\n";
    return static_cast<int>(Exit::usage);
  }
  return static_cast<int>(Exit::usage);
}
