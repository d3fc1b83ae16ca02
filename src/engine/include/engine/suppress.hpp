// Inline ignores, applied centrally after the rules have run (rules never see them):
//   -- schemagate: ignore rule-a, rule-b -- reason      (SQL)
//   # schemagate: ignore rule-a -- reason               (Python)
//   schemagate: ignore-file [rule-a, ...]
#pragma once

#include <span>
#include <vector>

#include "schemagate/diagnostic.hpp"
#include "schemagate/source.hpp"

namespace schemagate {

enum class CommentSyntax { sql, python };

struct Ignore;

// The inline ignores of one file. Findings are suppressed in one or more rounds (the checklist
// is settled after the rules' findings were), then the ignores that suppressed nothing are
// reported.
class Ignores {
 public:
  Ignores(const SourceFile& file, CommentSyntax syntax, const LineIndex& lines);
  Ignores(const Ignores&) = delete;
  Ignores& operator=(const Ignores&) = delete;
  Ignores(Ignores&&) noexcept;
  Ignores& operator=(Ignores&&) noexcept;
  ~Ignores();

  // Marks the findings that an ignore covers (Diagnostic::suppressed, with its reason).
  void apply(std::span<Diagnostic> diagnostics);
  // Adds unused-ignore and unknown-rule findings for ignores that suppressed nothing in any
  // round or name no rule.
  void report_unused(std::vector<Diagnostic>& diagnostics) const;

 private:
  const SourceFile* file_;
  const LineIndex* lines_;
  std::vector<Ignore> ignores_;
};

}  // namespace schemagate
