// The engine's entry points: lint files, directories or an in-memory text.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "schemagate/diagnostic.hpp"
#include "schemagate/rule.hpp"

namespace schemagate {

struct LintOptions {
  LintSettings settings;
};

struct LintResult {
  std::vector<Diagnostic> diagnostics;  // sorted with diagnostic_less
  std::size_t files = 0;                // files read (or attempted)
  bool io_error = false;                // a path could not be read at all
};

// Lints files and directories (walked for *.sql, symlinks not followed out of them).
[[nodiscard]] LintResult lint_paths(const std::vector<std::string>& paths,
                                    const LintOptions& options);

// Lints one in-memory file; `path` decides the frontend and is echoed in findings.
[[nodiscard]] LintResult lint_text(std::string path, std::string text, const LintOptions& options);

[[nodiscard]] std::string_view version();

}  // namespace schemagate
