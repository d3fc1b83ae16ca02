#include "schemagate/diagnostic.hpp"

#include <algorithm>
#include <tuple>

namespace schemagate {

std::string_view to_string(Severity severity) {
  switch (severity) {
    case Severity::info:
      return "info";
    case Severity::warning:
      return "warning";
    case Severity::error:
      return "error";
  }
  return "error";
}

std::optional<Severity> parse_severity(std::string_view text) {
  if (text == "info") return Severity::info;
  if (text == "warning") return Severity::warning;
  if (text == "error") return Severity::error;
  return std::nullopt;
}

std::string_view to_string(Applicability applicability) {
  return applicability == Applicability::safe ? "safe" : "unsafe";
}

std::string apply_edits(std::string_view text, std::vector<Edit> edits) {
  std::stable_sort(edits.begin(), edits.end(),
                   [](const Edit& a, const Edit& b) { return a.begin < b.begin; });
  std::string out;
  out.reserve(text.size());
  std::size_t at = 0;
  for (const Edit& e : edits) {
    if (e.begin < at || e.end < e.begin || e.end > text.size()) continue;
    out.append(text.substr(at, e.begin - at));
    out += e.text;
    at = e.end;
  }
  out.append(text.substr(at));
  return out;
}

bool diagnostic_less(const Diagnostic& a, const Diagnostic& b) {
  return std::tie(a.path, a.begin, a.rule, a.end, a.message) <
         std::tie(b.path, b.begin, b.rule, b.end, b.message);
}

}  // namespace schemagate
