// Text output: one block per finding, with the source line underlined, then a summary.
#include <array>
#include <string>

#include "schemagate/report.hpp"

namespace schemagate {

namespace {

struct Palette {
  std::string_view bold, dim, reset;
  std::string_view severity[3];  // info, warning, error
};

constexpr Palette kColor{
    "\x1b[1m", "\x1b[2m", "\x1b[0m", {"\x1b[1;36m", "\x1b[1;33m", "\x1b[1;31m"}};
constexpr Palette kPlain{"", "", "", {"", "", ""}};

std::string plural(std::size_t n, std::string_view one, std::string_view many) {
  return std::to_string(n) + " " + std::string(n == 1 ? one : many);
}

// The source line as a terminal can show it: tabs as single spaces, so that the underline
// lines up (columns count characters), and control characters or bytes that are not UTF-8
// as '?' (one column each, as positions count them).
std::string shown_line(std::string_view line) {
  std::string out;
  out.reserve(line.size());
  for (std::size_t i = 0; i < line.size();) {
    auto c = static_cast<unsigned char>(line[i]);
    if (c < 0x80) {
      out += c == '\t' ? ' ' : (c < 0x20 || c == 0x7f) ? '?' : static_cast<char>(c);
      ++i;
      continue;
    }
    std::size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
    std::string_view seq = line.substr(i, len);
    if (seq.size() == len && !find_invalid_utf8(seq)) {
      out += seq;
      i += len;
    } else {
      out += '?';
      ++i;
    }
  }
  return out;
}

void write_excerpt(std::ostream& out, const Diagnostic& d, const Palette& p) {
  if (d.source_line.empty()) return;
  std::string number = std::to_string(d.begin.line);
  std::string gutter(number.size(), ' ');
  std::size_t chars = count_code_points(d.source_line);
  std::size_t from = d.begin.column - 1;
  std::size_t to = d.end.line == d.begin.line ? d.end.column - 1 : chars;
  if (to <= from) to = from + 1;
  out << p.dim << gutter << " |" << p.reset << "\n";
  out << p.dim << number << " |" << p.reset << " " << shown_line(d.source_line) << "\n";
  out << p.dim << gutter << " |" << p.reset << " " << std::string(from, ' ')
      << p.severity[static_cast<int>(d.severity)] << std::string(to - from, '^') << p.reset << "\n";
}

}  // namespace

void write_text(std::ostream& out, const LintResult& result, const TextOptions& options) {
  const Palette& p = options.color ? kColor : kPlain;
  std::array<std::size_t, 3> counts{};
  for (const Diagnostic& d : result.diagnostics) {
    ++counts[static_cast<std::size_t>(d.severity)];
    out << p.bold << d.path << ":" << d.begin.line << ":" << d.begin.column << ":" << p.reset << " "
        << p.severity[static_cast<int>(d.severity)] << to_string(d.severity) << p.reset << "["
        << d.rule << "] " << p.bold << d.message << p.reset << "\n";
    write_excerpt(out, d, p);
    if (!d.help.empty()) {
      // Continuation lines of a multi-line help (code to paste) line up under its first line.
      out << "  = help: ";
      for (char c : d.help) {
        out << c;
        if (c == '\n') out << "          ";
      }
      out << "\n";
    }
    out << "\n";
  }
  std::size_t total = result.diagnostics.size();
  out << (total == 0 ? std::string("No findings") : "Found " + plural(total, "finding", "findings"))
      << " (" << plural(counts[2], "error", "errors") << ", "
      << plural(counts[1], "warning", "warnings") << ", " << plural(counts[0], "info", "infos")
      << ") in " << plural(result.files, "file", "files") << ".\n";
}

}  // namespace schemagate
