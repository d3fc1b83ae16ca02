// Findings as users see them.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "schemagate/source.hpp"

namespace schemagate {

enum class Severity { info = 0, warning = 1, error = 2 };

[[nodiscard]] std::string_view to_string(Severity severity);
[[nodiscard]] std::optional<Severity> parse_severity(std::string_view text);

// A fix's safety, as ruff defines it: a safe fix keeps what the migration does when it
// succeeds; an unsafe one changes behaviour (it commits earlier statements by leaving the
// transaction, or changes the application's types) and is applied only when asked for.
enum class Applicability { safe, unsafe };

[[nodiscard]] std::string_view to_string(Applicability applicability);

// One replacement of bytes [begin, end) of a file's text.
struct Edit {
  std::size_t begin = 0;
  std::size_t end = 0;
  std::string text;
  friend bool operator==(const Edit&, const Edit&) = default;
};

// A rule's fix: edits of the user's own text, all in the finding's file.
struct Fix {
  std::string title;  // "Add CONCURRENTLY"
  Applicability applicability = Applicability::safe;
  std::vector<Edit> edits;  // sorted by offset, not overlapping
};

// `text` with `edits` applied (each against the original text; they must not overlap). Edits
// out of the text's bounds or overlapping an earlier one are left out.
[[nodiscard]] std::string apply_edits(std::string_view text, std::vector<Edit> edits);

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
  // The rule's fix, when it has a mechanical one (byte offsets of the file at `path`).
  std::optional<Fix> fix;
};

// Sorted by path, line, column, then rule id.
[[nodiscard]] bool diagnostic_less(const Diagnostic& a, const Diagnostic& b);

}  // namespace schemagate
