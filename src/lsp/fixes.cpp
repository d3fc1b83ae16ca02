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

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::toupper(static_cast<unsigned char>(x)) ==
                  std::toupper(static_cast<unsigned char>(y));
         });
}

// What each byte of a Python text is (code, string literal, comment), and which physical lines
// make one logical line (brackets, backslashes and triple-quoted strings join them).
class PyLayout {
 public:
  explicit PyLayout(const Text& text) {
    std::string_view t = text.text();
    kind_.assign(t.size(), Kind::code);
    std::set<std::size_t> breaks;  // offsets of line breaks that end a logical line
    int depth = 0;
    for (std::size_t i = 0; i < t.size();) {
      char c = t[i];
      if (c == '#') {
        while (i < t.size() && t[i] != '\n' && t[i] != '\r') kind_[i++] = Kind::comment;
        continue;
      }
      if (c == '\'' || c == '"') {
        bool triple = t.substr(i, 3) == std::string(3, c);
        std::size_t j = i + (triple ? 3 : 1);
        while (j < t.size()) {
          if (t[j] == '\\') {
            j += 2;
          } else if (triple && t.substr(j, 3) == std::string(3, c)) {
            j += 3;
            break;
          } else if (!triple && t[j] == c) {
            ++j;
            break;
          } else if (!triple && (t[j] == '\n' || t[j] == '\r')) {
            break;  // unterminated: the string ends with its line
          } else {
            ++j;
          }
        }
        j = std::min(j, t.size());
        std::fill(kind_.begin() + static_cast<std::ptrdiff_t>(i),
                  kind_.begin() + static_cast<std::ptrdiff_t>(j), Kind::string);
        i = j;
        continue;
      }
      if (c == '(' || c == '[' || c == '{') ++depth;
      if (c == ')' || c == ']' || c == '}') depth = std::max(0, depth - 1);
      if (c == '\\' && i + 1 < t.size() && (t[i + 1] == '\n' || t[i + 1] == '\r')) {
        i += t.substr(i + 1, 2) == "\r\n" ? 3 : 2;  // an explicit line join
        continue;
      }
      if ((c == '\n' || c == '\r') && depth == 0) breaks.insert(i);
      ++i;
    }
    first_.resize(text.line_count());
    for (std::size_t l = 0; l < text.line_count(); ++l) {
      bool joined = l > 0 && !breaks.contains(text.line_end(l - 1));
      first_[l] = joined ? first_[l - 1] : l;
    }
  }

  [[nodiscard]] bool in_string(std::size_t offset) const {
    return offset < kind_.size() && kind_[offset] == Kind::string;
  }
  [[nodiscard]] bool in_code(std::size_t offset) const {
    return offset < kind_.size() && kind_[offset] == Kind::code;
  }

  // The first and last lines of the logical line that holds `line`.
  [[nodiscard]] std::pair<std::size_t, std::size_t> logical(std::size_t line) const {
    std::size_t first = first_[line];
    std::size_t last = line;
    while (last + 1 < first_.size() && first_[last + 1] == first) ++last;
    return {first, last};
  }

 private:
  enum class Kind : std::uint8_t { code, string, comment };
  std::vector<Kind> kind_;
  std::vector<std::size_t> first_;
};

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

// --- Fixes ----------------------------------------------------------------------------------

// A SQL statement's words, comments skipped: where each starts and ends.
struct Word {
  std::size_t begin;
  std::size_t end;
};

std::vector<Word> sql_words(std::string_view s, std::size_t limit) {
  std::vector<Word> words;
  std::size_t i = 0;
  while (i < s.size() && words.size() < limit) {
    char c = s[i];
    if (std::isspace(static_cast<unsigned char>(c)) != 0) {
      ++i;
    } else if (s.substr(i, 2) == "--") {
      while (i < s.size() && s[i] != '\n' && s[i] != '\r') ++i;
    } else if (s.substr(i, 2) == "/*") {
      i = sql::block_comment_end(s, i, s.size());
    } else if (c == '(' || c == ')') {
      words.push_back({i, i + 1});
      ++i;
    } else if (word_char(c)) {
      std::size_t b = i;
      while (i < s.size() && word_char(s[i])) ++i;
      words.push_back({b, i});
    } else {
      break;  // anything else ends what a keyword fix needs to know
    }
  }
  return words;
}

// Inserts CONCURRENTLY where the statement at `begin` wants it (CREATE [UNIQUE] INDEX, DROP
// INDEX, REINDEX [(...)] INDEX|TABLE|SCHEMA|DATABASE), if it hasn't it.
std::optional<TextEdit> concurrently_keyword(std::string_view text, std::size_t begin,
                                             std::size_t end, const std::string& rule) {
  std::string_view s = text.substr(begin, end - begin);
  std::vector<Word> w = sql_words(s, 24);
  auto is = [&](std::size_t i, std::string_view kw) {
    return i < w.size() && iequals(s.substr(w[i].begin, w[i].end - w[i].begin), kw);
  };
  std::size_t after = 0;  // index of the word CONCURRENTLY goes before
  if (rule == "require-concurrent-index-creation" && is(0, "CREATE")) {
    after = is(1, "UNIQUE") ? 2 : 1;
    if (!is(after, "INDEX")) return std::nullopt;
    ++after;
  } else if (rule == "require-concurrent-index-deletion" && is(0, "DROP") && is(1, "INDEX")) {
    after = 2;
    // DROP INDEX CONCURRENTLY takes one index and no CASCADE.
    if (s.find(',') != std::string_view::npos) return std::nullopt;
    for (std::size_t i = 2; i < w.size(); ++i) {
      if (is(i, "CASCADE")) return std::nullopt;
    }
  } else if (rule == "require-concurrent-reindex" && is(0, "REINDEX")) {
    after = 1;
    if (is(1, "(")) {
      while (after < w.size() && !is(after, ")")) ++after;
      ++after;
    }
    if (!(is(after, "INDEX") || is(after, "TABLE") || is(after, "SCHEMA") ||
          is(after, "DATABASE"))) {
      return std::nullopt;
    }
    ++after;
  } else {
    return std::nullopt;
  }
  if (after >= w.size() || is(after, "CONCURRENTLY")) return std::nullopt;
  std::size_t at = begin + w[after].begin;
  return TextEdit{at, at, "CONCURRENTLY "};
}

// `op.create_index(...)`: the keyword argument added before the closing parenthesis.
std::optional<TextEdit> concurrently_argument(const Text& text, const PyLayout& py,
                                              std::size_t begin, std::size_t end) {
  std::string_view t = text.text();
  if (end <= begin + 1 || t[end - 1] != ')' || !py.in_code(end - 1)) return std::nullopt;
  std::string_view call = t.substr(begin, end - begin);
  if (call.find("postgresql_concurrently") != std::string_view::npos) return std::nullopt;
  std::size_t last = end - 1;  // the last code before the closing parenthesis
  while (last > begin &&
         (!py.in_code(last - 1) || std::isspace(static_cast<unsigned char>(t[last - 1])) != 0)) {
    --last;
  }
  if (last == begin) return std::nullopt;
  char before = t[last - 1];
  if (before == '(') return TextEdit{last, last, "postgresql_concurrently=True"};
  if (before == ',') return TextEdit{last, last, " postgresql_concurrently=True,"};
  return TextEdit{last, last, ", postgresql_concurrently=True"};
}

// The logical line holding `offset` moved into `with op.get_context().autocommit_block():`.
std::vector<TextEdit> autocommit_block(const Text& text, const PyLayout& py, std::size_t offset) {
  auto [first, last] = py.logical(text.line_of(offset));
  std::string_view head = text.line_text(first);
  std::string indent(indent_of(head));
  std::string unit = indent.find('\t') != std::string::npos ? "\t" : "    ";
  std::vector<TextEdit> edits;
  std::size_t start = text.line_start(first);
  edits.push_back({start, start,
                   indent + "with op.get_context().autocommit_block():" +
                       std::string(text.line_break()) + unit});
  for (std::size_t l = first + 1; l <= last; ++l) {
    std::size_t s = text.line_start(l);
    if (py.in_string(s) || text.line_text(l).find_first_not_of(" \t") == std::string_view::npos) {
      continue;  // inside a string, or blank
    }
    edits.push_back({s, s, unit});
  }
  return edits;
}

std::vector<TextEdit> joined(std::vector<TextEdit> a, const std::vector<TextEdit>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

Candidate concurrently_fix(const Text& text, bool python, const Diagnostic& d) {
  Candidate c;
  c.fix = true;
  std::size_t begin = text.offset(d.begin);
  std::size_t end = std::max(begin, text.offset(d.end));
  std::string_view verb = d.rule == "require-concurrent-index-creation"   ? "Create"
                          : d.rule == "require-concurrent-index-deletion" ? "Drop"
                                                                          : "Rebuild";
  std::string what =
      std::string(verb) + (d.rule == "require-concurrent-reindex" ? "" : " the index");
  if (!python) {
    if (auto e = concurrently_keyword(text.text(), begin, end, d.rule)) {
      c.variants.push_back({"Add CONCURRENTLY", {*e}});
    }
    return c;
  }
  PyLayout py(text);
  if (d.rule == "ban-concurrent-index-creation-in-transaction") {
    if (py.in_code(begin)) {
      c.variants.push_back(
          {"Move the statement into an autocommit_block()", autocommit_block(text, py, begin)});
    }
    return c;
  }
  std::string_view call = text.text().substr(begin, end - begin);
  if (py.in_code(begin) && call.starts_with("op.")) {
    if (auto e = concurrently_argument(text, py, begin, end)) {
      c.variants.push_back({what + " concurrently (postgresql_concurrently=True)", {*e}});
      c.variants.push_back(
          {what + " concurrently (postgresql_concurrently=True, in an autocommit_block())",
           joined({*e}, autocommit_block(text, py, begin))});
    }
  } else if (py.in_string(begin)) {
    if (auto e = concurrently_keyword(text.text(), begin, end, d.rule)) {
      c.variants.push_back({"Add CONCURRENTLY", {*e}});
      c.variants.push_back({"Add CONCURRENTLY, in an autocommit_block()",
                            joined({*e}, autocommit_block(text, py, begin))});
    }
  }
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
  if (d.rule == "require-concurrent-index-creation" ||
      d.rule == "require-concurrent-index-deletion" || d.rule == "require-concurrent-reindex" ||
      d.rule == "ban-concurrent-index-creation-in-transaction") {
    Candidate fix = concurrently_fix(text, python, d);
    if (!fix.variants.empty()) out.push_back(std::move(fix));
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
