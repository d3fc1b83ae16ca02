// `lint --fix`, `--unsafe-fixes` and `--diff`: the rules' fixes applied to a fixed point.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "schemagate/engine.hpp"

namespace schemagate::cli {

inline constexpr int kMaxFixPasses = 10;

struct FixOutcome {
  std::map<std::string, std::string> before;  // the changed files' texts as read
  std::map<std::string, std::string> after;   // ... and fixed
  std::size_t applied = 0;                    // fixes applied, over all passes
  int passes = 0;                             // lint passes that applied something
  bool converged = true;                      // the last pass found nothing more to apply
};

// Lints (with `lint`, given the texts fixed so far), applies the fixes of the findings it
// reports (the unsafe ones too when `unsafe`), and again, until nothing changes or
// kMaxFixPasses passes. Nothing is written.
[[nodiscard]] FixOutcome fix_to_fixed_point(
    const std::function<LintResult(const std::map<std::string, std::string>&)>& lint, bool unsafe);

// The fixes of `findings` that apply (safe, or also unsafe), chosen so that no two overlap:
// the text of `path` after them, and how many were applied.
[[nodiscard]] std::pair<std::string, std::size_t> apply_fixes(
    const std::string& text, const std::vector<const Diagnostic*>& findings, bool unsafe);

// A unified diff of `before` and `after` (3 lines of context), labelled with `path`; empty
// when they are equal.
[[nodiscard]] std::string unified_diff(const std::string& path, const std::string& before,
                                       const std::string& after);

}  // namespace schemagate::cli
