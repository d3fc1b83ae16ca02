#include "schemagate/diagnostic.hpp"

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

bool diagnostic_less(const Diagnostic& a, const Diagnostic& b) {
  return std::tie(a.path, a.begin, a.rule, a.end, a.message) <
         std::tie(b.path, b.begin, b.rule, b.end, b.message);
}

}  // namespace schemagate
