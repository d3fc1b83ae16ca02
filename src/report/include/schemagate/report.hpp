// Reporters: turn findings into text for people, JSON for programs, and the formats CI
// systems read (SARIF for code scanning, GitHub workflow commands, GitLab Code Quality,
// JUnit XML).
#pragma once

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "schemagate/engine.hpp"

namespace schemagate {

struct TextOptions {
  bool color = false;
};

void write_text(std::ostream& out, const LintResult& result, const TextOptions& options);
void write_json(std::ostream& out, const LintResult& result);

struct SarifOptions {
  std::string cwd;   // absolute: the directory the findings' relative paths start from
  std::string root;  // %SRCROOT%: artifact URIs are relative to it (relative to `cwd`)
};

// SARIF 2.1.0: every rule with its documentation, every finding, and the findings that inline
// ignores suppressed as suppressed results. Paths outside `root` are absolute file URIs.
void write_sarif(std::ostream& out, const LintResult& result, const SarifOptions& options);

// Where the CI formats' paths start from: GitHub and GitLab read paths relative to the
// repository's root, wherever in it the linter ran (a monorepo's subfolder).
struct RootedPaths {
  std::string cwd;   // absolute: the directory the findings' relative paths start from
  std::string root;  // paths inside it are written relative to it (absolute, or relative to cwd)
};

// GitHub Actions workflow commands (::error / ::warning / ::notice), one per finding.
void write_github(std::ostream& out, const LintResult& result, const RootedPaths& paths);

// GitLab Code Quality: a JSON array of issues.
void write_gitlab(std::ostream& out, const LintResult& result, const RootedPaths& paths);

// JUnit XML: one test suite, one test case per linted file, with a failure for each of its
// findings at or above `fail_on`.
void write_junit(std::ostream& out, const LintResult& result, Severity fail_on);

// `schemagate checklist` (LintResult::checklists): text for the terminal; Markdown to post as a
// pull-request comment (one table per migration, ✅ / ❌ / ⬜, the findings behind each ❌);
// JSON (version 1) for programs.
void write_checklist_text(std::ostream& out, const std::vector<MigrationChecklist>& lists);
void write_checklist_markdown(std::ostream& out, const std::vector<MigrationChecklist>& lists);
void write_checklist_json(std::ostream& out, const std::vector<MigrationChecklist>& lists);

}  // namespace schemagate
