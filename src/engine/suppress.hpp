// Inline ignores, applied centrally after the rules have run (rules never see them):
//   -- schemagate: ignore rule-a, rule-b -- reason      (SQL)
//   # schemagate: ignore rule-a -- reason               (Python)
//   schemagate: ignore-file [rule-a, ...]
#pragma once

#include <vector>

#include "schemagate/diagnostic.hpp"
#include "schemagate/source.hpp"

namespace schemagate {

enum class CommentSyntax { sql, python };

// Marks the findings of `file` that its inline ignores suppress (Diagnostic::suppressed,
// with the ignore's reason; the engine then keeps them apart from the others), and adds
// unused-ignore and unknown-rule findings for ignores that suppress nothing or name no rule.
void apply_ignores(const SourceFile& file, CommentSyntax syntax, const LineIndex& lines,
                   std::vector<Diagnostic>& diagnostics);

}  // namespace schemagate
