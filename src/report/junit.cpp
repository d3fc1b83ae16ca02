// JUnit XML, for CI systems that show test reports: one test suite, one test case per
// linted migration file, a failure for each of its findings at or above --fail-on.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "report/common.hpp"
#include "schemagate/report.hpp"

namespace schemagate {

namespace {

// Decodes the UTF-8 sequence at `s[i]` (valid: see valid_utf8) and advances `i`.
std::uint32_t decode(std::string_view s, std::size_t& i) {
  auto c = static_cast<unsigned char>(s[i]);
  std::size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
  std::uint32_t cp = len == 1 ? c : len == 2 ? (c & 0x1FU) : len == 3 ? (c & 0x0FU) : (c & 0x07U);
  for (std::size_t k = 1; k < len; ++k) {
    cp = (cp << 6U) | (static_cast<unsigned char>(s[i + k]) & 0x3FU);
  }
  i += len;
  return cp;
}

// Text escaped for XML 1.0: markup characters as entities; in attribute values also tab and
// line breaks (which a parser would turn into spaces), and in text the carriage return
// (which it would drop); characters XML cannot hold at all (control characters,
// U+FFFE/U+FFFF) and invalid UTF-8 become U+FFFD.
std::string xml_escape(std::string_view raw, bool attribute) {
  std::string text = report::valid_utf8(raw);
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    std::size_t start = i;
    std::uint32_t cp = decode(text, i);
    switch (cp) {
      case '&':
        out += "&amp;";
        continue;
      case '<':
        out += "&lt;";
        continue;
      case '>':
        out += "&gt;";
        continue;
      case '"':
        out += attribute ? "&quot;" : "\"";
        continue;
      case '\r':
        out += "&#13;";
        continue;
      case '\n':
        out += attribute ? "&#10;" : "\n";
        continue;
      case '\t':
        out += attribute ? "&#9;" : "\t";
        continue;
      default:
        break;
    }
    if (cp < 0x20 || cp == 0xFFFE || cp == 0xFFFF) {
      out += "\xEF\xBF\xBD";
    } else {
      out.append(text, start, i - start);
    }
  }
  return out;
}

}  // namespace

void write_junit(std::ostream& out, const LintResult& result, Severity fail_on) {
  // One test case per linted file, in the order they were linted, then any other path a
  // finding names (a path that could not be read).
  std::vector<std::string> cases;
  std::map<std::string, std::vector<const Diagnostic*>> failures;
  for (const std::string& p : result.paths) {
    if (failures.emplace(p, std::vector<const Diagnostic*>{}).second) cases.push_back(p);
  }
  for (const Diagnostic& d : result.diagnostics) {
    auto [it, added] = failures.emplace(d.path, std::vector<const Diagnostic*>{});
    if (added) cases.push_back(d.path);
    if (d.severity >= fail_on) it->second.push_back(&d);
  }
  std::size_t failed = 0;
  for (const auto& [path, list] : failures) failed += list.empty() ? 0 : 1;

  std::string counts = " tests=\"" + std::to_string(cases.size()) + "\" failures=\"" +
                       std::to_string(failed) + "\" errors=\"0\"";
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      << "<testsuites name=\"schemagate\"" << counts << ">\n"
      << "  <testsuite name=\"schemagate\"" << counts << " skipped=\"0\">\n";
  for (const std::string& path : cases) {
    const auto& list = failures[path];
    std::string name = xml_escape(path, true);
    out << "    <testcase name=\"" << name << "\" classname=\"schemagate\" file=\"" << name << "\"";
    if (list.empty()) {
      out << "/>\n";
      continue;
    }
    out << ">\n";
    for (const Diagnostic* d : list) {
      std::string text = d->path + ":" + std::to_string(d->begin.line) + ":" +
                         std::to_string(d->begin.column) + ": " +
                         std::string(to_string(d->severity)) + "[" + d->rule + "] " + d->message;
      if (!d->help.empty()) text += "\nhelp: " + d->help;
      out << "      <failure message=\"" << xml_escape(d->message, true) << "\" type=\""
          << xml_escape(d->rule, true) << "\">" << xml_escape(text, false) << "</failure>\n";
    }
    out << "    </testcase>\n";
  }
  out << "  </testsuite>\n</testsuites>\n";
}

}  // namespace schemagate
