#include "engine/suppress.hpp"

#include <algorithm>
#include <cctype>
#include <optional>
#include <set>
#include <string>

#include "frontends/alembic/alembic_frontend.hpp"
#include "frontends/sql/sql_frontend.hpp"
#include "schemagate/rule.hpp"

namespace schemagate {

struct Ignore {
  ByteRange comment;
  bool whole_file = false;
  std::uint32_t line = 0;          // the line it applies to (not whole_file)
  std::vector<std::string> rules;  // empty: every rule (ignore-file only)
  std::string reason;
  std::vector<bool> used;  // per rule; [0] for a bare ignore-file
};

namespace {

constexpr std::string_view kMarker = "schemagate:";

std::string trim(std::string_view s) {
  auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  auto e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

bool blank(std::string_view s) { return s.find_first_not_of(" \t\r\n") == std::string_view::npos; }

// The next line at or after `line` that holds something other than white space or a
// comment alone.
std::uint32_t next_code_line(const LineIndex& lines, std::uint32_t line,
                             const std::vector<ByteRange>& comments) {
  for (std::uint32_t l = line; l <= lines.line_count(); ++l) {
    std::string_view t = lines.line_text(l);
    if (blank(t)) continue;
    std::size_t start = lines.line_start(l);
    std::size_t first = start + t.find_first_not_of(" \t");
    bool comment_only = std::any_of(comments.begin(), comments.end(), [&](const ByteRange& c) {
      return c.begin <= first && c.end >= start + t.size();
    });
    if (!comment_only) return l;
  }
  return line;
}

// Reads one comment's directive, if it has one.
std::optional<Ignore> parse(std::string_view text, ByteRange c, const LineIndex& lines,
                            const std::vector<ByteRange>& comments) {
  std::string_view body = text.substr(c.begin, c.end - c.begin);
  // The directive opens the comment (after `--`, `#` or `/*`), so prose that mentions it
  // is no directive.
  std::size_t open = body.find_first_not_of("-#/* \t\r\n");
  if (open == std::string_view::npos || body.substr(open, kMarker.size()) != kMarker) {
    return std::nullopt;
  }
  std::size_t at = open;
  std::string_view rest = body.substr(at + kMarker.size());
  if (body.starts_with("/*") && rest.ends_with("*/")) rest.remove_suffix(2);
  Ignore ig;
  ig.comment = c;
  std::string directive = trim(rest);
  if (directive.rfind("ignore-file", 0) == 0) {
    ig.whole_file = true;
    directive = directive.substr(11);
  } else if (directive.rfind("ignore", 0) == 0) {
    directive = directive.substr(6);
  } else {
    return std::nullopt;
  }
  if (auto r = directive.find(" -- "); r != std::string::npos) {
    ig.reason = trim(directive.substr(r + 4));
    directive = directive.substr(0, r);
  }
  std::string id;
  for (char ch : directive + ",") {
    if (ch == ',' || std::isspace(static_cast<unsigned char>(ch))) {
      if (!id.empty()) ig.rules.push_back(id);
      id.clear();
    } else {
      id += ch;
    }
  }
  ig.used.assign(std::max<std::size_t>(ig.rules.size(), 1), false);
  Position p = lines.position(c.begin);
  std::string_view before = lines.line_text(p.line).substr(0, c.begin - lines.line_start(p.line));
  ig.line = blank(before) ? next_code_line(lines, p.line, comments) : p.line;
  return ig;
}

}  // namespace

Ignores::Ignores(const SourceFile& file, CommentSyntax syntax, const LineIndex& lines)
    : file_(&file), lines_(&lines) {
  if (file.text.find(kMarker) == std::string::npos) return;
  std::vector<ByteRange> comments = syntax == CommentSyntax::python
                                        ? alembic::comment_ranges(file.text)
                                        : sql::comment_ranges(file.text);
  for (const ByteRange& c : comments) {
    if (auto ig = parse(file.text, c, lines, comments)) ignores_.push_back(std::move(*ig));
  }
}

Ignores::Ignores(Ignores&&) noexcept = default;
Ignores& Ignores::operator=(Ignores&&) noexcept = default;
Ignores::~Ignores() = default;

void Ignores::apply(std::span<Diagnostic> diagnostics) {
  // Every ignore that covers the finding is used; the reason kept is the first one given.
  for (Diagnostic& d : diagnostics) {
    for (Ignore& ig : ignores_) {
      if (!ig.whole_file && ig.line != d.begin.line) continue;
      bool hit = false;
      if (ig.rules.empty()) {
        ig.used[0] = true;
        hit = true;
      }
      for (std::size_t i = 0; i < ig.rules.size(); ++i) {
        if (answers_to(d.rule, ig.rules[i])) {
          ig.used[i] = true;
          hit = true;
        }
      }
      if (hit && (!d.suppressed || d.suppressed->empty())) d.suppressed = ig.reason;
    }
  }
}

void Ignores::report_unused(std::vector<Diagnostic>& diagnostics) const {
  auto report = [&](const Ignore& ig, std::string_view rule, std::string message,
                    std::string help) {
    Diagnostic d;
    d.rule = std::string(rule);
    d.severity = find_rule(rule) != nullptr ? find_rule(rule)->severity : Severity::warning;
    d.path = file_->path;
    d.begin = lines_->position(ig.comment.begin);
    d.end = lines_->position(ig.comment.end);
    d.message = std::move(message);
    d.help = std::move(help);
    d.source_line = std::string(lines_->line_text(d.begin.line));
    diagnostics.push_back(std::move(d));
  };
  for (const Ignore& ig : ignores_) {
    if (ig.rules.empty() && !ig.used[0]) {
      report(ig, "unused-ignore",
             ig.whole_file ? "this ignore-file suppresses nothing"
                           : "this ignore suppresses nothing on its line",
             "remove it");
    }
    for (std::size_t i = 0; i < ig.rules.size(); ++i) {
      const std::string& id = ig.rules[i];
      if (find_rule(id) == nullptr) {
        auto near = closest_rule(id);
        report(ig, "unknown-rule", "no rule is called '" + id + "'",
               near ? "did you mean '" + std::string(*near) + "'? (see `schemagate rules`)"
                    : std::string("check the spelling against `schemagate rules`"));
      } else if (!ig.used[i]) {
        report(ig, "unused-ignore",
               "the ignore of " + id + " suppresses nothing" +
                   (ig.whole_file ? std::string(" in this file") : std::string(" on its line")),
               "remove it, or move it to the line the finding is on (or alone on the line above)");
      }
    }
  }
}

}  // namespace schemagate
