// Findings as users see them.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "schemagate/source.hpp"

namespace schemagate {

enum class Severity { info = 0, warning = 1, error = 2 };

[[nodiscard]] std::string_view to_string(Severity severity);
[[nodiscard]] std::optional<Severity> parse_severity(std::string_view text);

struct Diagnostic {
  std::string rule;
  Severity severity = Severity::warning;
  std::string path;
  Position begin;
  Position end;  // exclusive: the position just after the last character of the span
  std::string message;
  std::string help;
  std::optional<std::string> migration;  // revision or version id, when known
  std::string source_line;               // the text of line `begin.line`, for excerpts
  // Set when an inline ignore suppressed the finding: the ignore's reason (empty when it
  // gives none). Suppressed findings are kept apart, in LintResult::suppressed.
  std::optional<std::string> suppressed;
};

// Sorted by path, line, column, then rule id.
[[nodiscard]] bool diagnostic_less(const Diagnostic& a, const Diagnostic& b);

}  // namespace schemagate
