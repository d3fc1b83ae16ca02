#include "lsp/fixes.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <optional>
#include <set>
#include "frontends/sql/sql_frontend.hpp"

namespace schemagate::lsp {

namespace {

constexpr std::string_view kMarker = "schemagate:";

bool space(char c) { return c == ' ' || c == '\t'; }
bool word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; }

std::string_view indent_of(std::string_view line) {
  std::size_t n = 0;
  while (n < line.size() && space(line[n])) ++n;
  return line.substr(0, n);
}

// --- Inline ignores -------------------------------------------------------------------------

std::string comment_open(bool python) { return python ? "#" : "--"; }

// Where to add `, rule` to the rule list of a directive in `line` (ignore-file when `file`),
// if the line has one with at least one rule.
std::optional<std::size_t> list_end(std::string_view line, bool file) {
  std::size_t at = line.find(kMarker);
  while (at != std::string_view::npos) {
    std::size_t p = at + kMarker.size();
    while (p < line.size() && space(line[p])) ++p;
    std::string_view rest = line.substr(p);
    bool is_file = rest.starts_with("ignore-file");
    if (rest.starts_with("ignore") && is_file == file) {
      p += file ? 11 : 6;
      std::size_t end = line.size();
      if (auto reason = line.find(" -- ", p); reason != std::string_view::npos) end = reason;
      if (auto close = line.find("*/", p); close != std::string_view::npos)
        end = std::min(end, close);
      while (end > p && (space(line[end - 1]) || line[end - 1] == ',')) --end;
      if (end > p) return end;
    }
    at = line.find(kMarker, at + 1);
  }
  return std::nullopt;
}

Candidate ignore_on_line(const Text& text, bool python, const Diagnostic& d) {
  Candidate c;
  std::size_t line = d.begin.line >= 1 ? d.begin.line - 1 : 0;
  std::string_view lt = text.line_text(line);
  std::size_t start = text.line_start(line);
  std::string title = "Ignore " + d.rule + " on this line";
  if (auto end = list_end(lt, false)) {
    c.variants.push_back({title, {{start + *end, start + *end, ", " + d.rule}}});
  }
  std::string directive = comment_open(python) + " schemagate: ignore " + d.rule;
  std::size_t content = lt.size();
  while (content > 0 && space(lt[content - 1])) --content;
  if (content > 0) {
    c.variants.push_back({title, {{start + content, start + lt.size(), "  " + directive}}});
  }
  c.variants.push_back(
      {title,
       {{start, start, std::string(indent_of(lt)) + directive + std::string(text.line_break())}}});
  return c;
}

Candidate ignore_in_file(const Text& text, bool python, const Diagnostic& d) {
  Candidate c;
  std::string title = "Ignore " + d.rule + " in this file";
  for (std::size_t l = 0; l < text.line_count(); ++l) {
    if (auto end = list_end(text.line_text(l), true)) {
      std::size_t at = text.line_start(l) + *end;
      c.variants.push_back({title, {{at, at, ", " + d.rule}}});
      break;
    }
  }
  // A new first line; in Python after a shebang and an encoding declaration, which must stay on
  // the first two lines.
  std::size_t line = 0;
  if (python) {
    while (line < 2 && line + 1 < text.line_count()) {
      std::string_view lt = text.line_text(line);
      bool keep = (line == 0 && lt.starts_with("#!")) ||
                  (lt.starts_with("#") && (lt.find("coding:") != std::string_view::npos ||
                                           lt.find("coding=") != std::string_view::npos));
      if (!keep) break;
      ++line;
    }
  }
  std::size_t at = text.line_start(line);
  if (line == 0) at = bom_length(text.text());
  c.variants.push_back({title,
                        {{at, at,
                          comment_open(python) + " schemagate: ignore-file " + d.rule +
                              std::string(text.line_break())}}});
  return c;
}

// unused-ignore and unknown-rule: the rule taken out of the ignore, or the ignore removed.
Candidate remove_from_ignore(const Text& text, const Diagnostic& d) {
  Candidate c;
  c.fix = true;
  std::size_t begin = text.offset(d.begin);
  std::size_t end = std::max(begin, text.offset(d.end));
  std::string_view t = text.text();
  std::string_view comment = t.substr(begin, end - begin);
  std::string id;
  if (d.rule == "unknown-rule") {
    auto q = d.message.find('\'');
    auto q2 = d.message.rfind('\'');
    if (q != std::string::npos && q2 > q) id = d.message.substr(q + 1, q2 - q - 1);
  } else if (d.message.starts_with("the ignore of ")) {
    id = d.message.substr(14, d.message.find(' ', 14) - 14);
  }
  std::size_t marker = comment.find(kMarker);
  if (!id.empty() && marker != std::string_view::npos) {
    // The id among the directive's ids (after "ignore" or "ignore-file", before a reason).
    std::size_t list = comment.find("ignore", marker);
    std::size_t stop = comment.find(" -- ", list);
    if (stop == std::string_view::npos) stop = comment.size();
    std::size_t at = list;
    while ((at = comment.find(id, at + 1)) != std::string_view::npos && at < stop) {
      std::size_t after = at + id.size();
      bool whole =
          !word_char(comment[at - 1]) && comment[at - 1] != '-' &&
          (after >= comment.size() || (!word_char(comment[after]) && comment[after] != '-'));
      if (!whole) continue;
      // With the separator on one side: ", id" or "id, ".
      std::size_t b = at;
      std::size_t e = after;
      std::size_t left = b;
      while (left > list && (space(comment[left - 1]) || comment[left - 1] == ',')) --left;
      bool comma_left = comment.substr(left, b - left).find(',') != std::string_view::npos;
      if (comma_left) {
        b = left;
      } else {
        while (e < stop && (space(comment[e]) || comment[e] == ',')) ++e;
        if (comment.substr(after, e - after).find(',') == std::string_view::npos) break;
      }
      c.variants.push_back({"Remove " + id + " from the ignore", {{begin + b, begin + e, ""}}});
      break;
    }
  }
  // The whole comment: its line when it is alone there, else with the spaces before it.
  std::size_t line = text.line_of(begin);
  std::size_t ls = text.line_start(line);
  bool alone =
      t.substr(ls, begin - ls).find_first_not_of(" \t") == std::string_view::npos &&
      t.substr(end, text.line_end(line) - end).find_first_not_of(" \t") == std::string_view::npos;
  std::string title =
      d.rule == "unknown-rule" ? std::string("Remove the ignore") : "Remove the unused ignore";
  if (alone) {
    c.variants.push_back({title, {{ls, text.line_start(line + 1), ""}}});
  } else {
    std::size_t b = begin;
    while (b > ls && space(t[b - 1])) --b;
    c.variants.push_back({title, {{b, end, ""}}});
  }
  return c;
}

}  // namespace

std::vector<Candidate> candidates(const Text& text, bool python, const Diagnostic& d) {
  std::vector<Candidate> out;
  // The rule's own fix, as `lint --fix` applies it (unsafe ones too: the user picks it).
  if (d.fix && !d.fix->edits.empty()) {
    Candidate fix;
    fix.fix = true;
    std::vector<TextEdit> edits;
    for (const Edit& e : d.fix->edits) edits.push_back({e.begin, e.end, e.text});
    std::string title = d.fix->title;
    if (d.fix->applicability == Applicability::unsafe) {
      title += " (unsafe: commits what runs before it)";
    }
    fix.variants.push_back({std::move(title), std::move(edits)});
    out.push_back(std::move(fix));
  }
  if (d.rule == "unused-ignore" || d.rule == "unknown-rule") {
    out.push_back(remove_from_ignore(text, d));
    return out;  // ignoring an ignore's own finding is no help
  }
  out.push_back(ignore_on_line(text, python, d));
  out.push_back(ignore_in_file(text, python, d));
  return out;
}

std::string apply_edits(std::string_view text, std::vector<TextEdit> edits) {
  std::stable_sort(edits.begin(), edits.end(),
                   [](const TextEdit& a, const TextEdit& b) { return a.begin < b.begin; });
  std::string out;
  std::size_t at = 0;
  for (const TextEdit& e : edits) {
    std::size_t b = std::clamp(e.begin, at, text.size());
    std::size_t end = std::clamp(e.end, b, text.size());
    out.append(text.substr(at, b - at));
    out.append(e.text);
    at = end;
  }
  out.append(text.substr(at));
  return out;
}

}  // namespace schemagate::lsp
