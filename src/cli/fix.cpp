#include "cli/fix.hpp"

#include "platform/platform.hpp"

#include <algorithm>
#include <set>
#include <sstream>
#include <string_view>
#include <utility>

namespace schemagate::cli {

namespace {

// Lines with their line breaks.
std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> out;
  std::size_t at = 0;
  while (at < text.size()) {
    std::size_t eol = text.find('\n', at);
    std::size_t end = eol == std::string_view::npos ? text.size() : eol + 1;
    out.push_back(text.substr(at, end - at));
    at = end;
  }
  return out;
}

enum class Op { keep, remove, add };

// Myers' shortest edit script between line lists a and b.
std::vector<std::pair<Op, std::size_t>> edit_script(const std::vector<std::string_view>& a,
                                                    const std::vector<std::string_view>& b) {
  const auto n = static_cast<std::ptrdiff_t>(a.size());
  const auto m = static_cast<std::ptrdiff_t>(b.size());
  const std::ptrdiff_t max = n + m;
  const std::ptrdiff_t offset = max + 1;
  std::vector<std::ptrdiff_t> v(static_cast<std::size_t>(2 * max + 3), 0);
  std::vector<std::vector<std::ptrdiff_t>> trace;
  auto at = [&](std::ptrdiff_t k) -> std::ptrdiff_t& {
    return v[static_cast<std::size_t>(k + offset)];
  };
  std::ptrdiff_t found = -1;
  for (std::ptrdiff_t d = 0; d <= max && found < 0; ++d) {
    trace.push_back(v);
    for (std::ptrdiff_t k = -d; k <= d; k += 2) {
      std::ptrdiff_t x = (k == -d || (k != d && at(k - 1) < at(k + 1))) ? at(k + 1) : at(k - 1) + 1;
      std::ptrdiff_t y = x - k;
      while (x < n && y < m && a[static_cast<std::size_t>(x)] == b[static_cast<std::size_t>(y)]) {
        ++x;
        ++y;
      }
      at(k) = x;
      if (x >= n && y >= m) {
        found = d;
        break;
      }
    }
  }
  // Walk back through the trace.
  std::vector<std::pair<Op, std::size_t>> script;
  std::ptrdiff_t x = n;
  std::ptrdiff_t y = m;
  for (std::ptrdiff_t d = found; d > 0; --d) {
    const auto& pv = trace[static_cast<std::size_t>(d)];
    auto prev = [&](std::ptrdiff_t k) { return pv[static_cast<std::size_t>(k + offset)]; };
    std::ptrdiff_t k = x - y;
    std::ptrdiff_t pk = (k == -d || (k != d && prev(k - 1) < prev(k + 1))) ? k + 1 : k - 1;
    std::ptrdiff_t px = prev(pk);
    std::ptrdiff_t py = px - pk;
    while (x > px && y > py) {
      script.emplace_back(Op::keep, static_cast<std::size_t>(--x));
      --y;
    }
    if (x == px) {
      script.emplace_back(Op::add, static_cast<std::size_t>(--y));
    } else {
      script.emplace_back(Op::remove, static_cast<std::size_t>(--x));
    }
  }
  while (x > 0 && y > 0) {
    script.emplace_back(Op::keep, static_cast<std::size_t>(--x));
    --y;
  }
  std::reverse(script.begin(), script.end());
  return script;
}

void put_line(std::ostringstream& out, char mark, std::string_view line) {
  out << mark << line;
  if (line.empty() || line.back() != '\n') out << "\n\\ No newline at end of file\n";
}

}  // namespace

std::pair<std::string, std::size_t> apply_fixes(const std::string& text,
                                                const std::vector<const Diagnostic*>& findings,
                                                bool unsafe) {
  std::vector<const Fix*> fixes;
  for (const Diagnostic* d : findings) {
    if (!d->fix || d->fix->edits.empty()) continue;
    if (d->fix->applicability == Applicability::unsafe && !unsafe) continue;
    fixes.push_back(&*d->fix);
  }
  std::stable_sort(fixes.begin(), fixes.end(), [](const Fix* a, const Fix* b) {
    return a->edits.front().begin < b->edits.front().begin;
  });
  std::vector<Edit> chosen;
  // Two findings with the same fix apply it once.
  auto key = [](const Fix& f) {
    std::string k;
    for (const Edit& e : f.edits) {
      k += std::to_string(e.begin) + ":" + std::to_string(e.end) + ":" + e.text + '\0';
    }
    return k;
  };
  std::set<std::string> seen;
  std::size_t applied = 0;
  for (const Fix* f : fixes) {
    if (seen.contains(key(*f))) continue;
    bool clash = false;
    for (const Edit& e : f->edits) {
      if (e.end > text.size() || e.begin > e.end) clash = true;
      for (const Edit& c : chosen) {
        // Overlapping (an insertion inside a replacement too), or both at one point: the
        // order of the texts would be a guess.
        if ((e.begin < c.end && c.begin < e.end) || e.begin == c.begin) clash = true;
      }
    }
    if (clash) continue;
    seen.insert(key(*f));
    chosen.insert(chosen.end(), f->edits.begin(), f->edits.end());
    ++applied;
  }
  return {apply_edits(text, chosen), applied};
}

FixOutcome fix_to_fixed_point(
    const std::function<LintResult(const std::map<std::string, std::string>&)>& lint, bool unsafe) {
  FixOutcome out;
  std::map<std::string, std::string> texts;  // every file fixed so far
  for (int pass = 0; pass < kMaxFixPasses; ++pass) {
    LintResult result = lint(texts);
    std::map<std::string, std::vector<const Diagnostic*>> by_path;
    for (const Diagnostic& d : result.diagnostics) {
      if (d.fix) by_path[d.path].push_back(&d);
    }
    std::size_t applied = 0;
    for (const auto& [path, findings] : by_path) {
      auto it = texts.find(path);
      std::string why;
      std::optional<std::string> text = it != texts.end() ? std::optional<std::string>(it->second)
                                                          : platform::read_file(path, why);
      if (!text) continue;
      auto [fixed, n] = apply_fixes(*text, findings, unsafe);
      if (n == 0 || fixed == *text) continue;
      if (!out.before.contains(path)) out.before[path] = *text;
      texts[path] = fixed;
      applied += n;
    }
    if (applied == 0) {
      out.converged = true;
      break;
    }
    out.applied += applied;
    ++out.passes;
    out.converged = false;
  }
  for (const auto& [path, text] : texts) {
    if (out.before[path] != text) {
      out.after[path] = text;
    } else {
      out.before.erase(path);
    }
  }
  return out;
}

std::string unified_diff(const std::string& path, const std::string& before,
                         const std::string& after) {
  if (before == after) return {};
  std::vector<std::string_view> a = split_lines(before);
  std::vector<std::string_view> b = split_lines(after);
  auto script = edit_script(a, b);
  std::ostringstream out;
  out << "--- " << path << "\n+++ " << path << "\n";
  constexpr std::size_t kContext = 3;
  std::size_t i = 0;
  while (i < script.size()) {
    // The next change, and its hunk: changes closer than 2 * kContext lines join.
    std::size_t first = i;
    while (first < script.size() && script[first].first == Op::keep) ++first;
    if (first == script.size()) break;
    std::size_t begin = first >= kContext ? first - kContext : 0;
    std::size_t end = first;
    std::size_t keeps = 0;
    for (std::size_t j = first; j < script.size(); ++j) {
      if (script[j].first == Op::keep) {
        if (++keeps > 2 * kContext) break;
      } else {
        keeps = 0;
        end = j + 1;
      }
    }
    std::size_t stop = std::min(script.size(), end + kContext);
    // Line numbers of the hunk's start in a and b.
    std::size_t a_line = 0;
    std::size_t b_line = 0;
    for (std::size_t j = 0; j < begin; ++j) {
      if (script[j].first != Op::add) ++a_line;
      if (script[j].first != Op::remove) ++b_line;
    }
    std::size_t a_count = 0;
    std::size_t b_count = 0;
    for (std::size_t j = begin; j < stop; ++j) {
      if (script[j].first != Op::add) ++a_count;
      if (script[j].first != Op::remove) ++b_count;
    }
    out << "@@ -" << (a_count == 0 ? a_line : a_line + 1) << "," << a_count << " +"
        << (b_count == 0 ? b_line : b_line + 1) << "," << b_count << " @@\n";
    for (std::size_t j = begin; j < stop; ++j) {
      auto [op, line] = script[j];
      if (op == Op::keep) put_line(out, ' ', a[line]);
      if (op == Op::remove) put_line(out, '-', a[line]);
      if (op == Op::add) put_line(out, '+', b[line]);
    }
    i = stop;
  }
  return out.str();
}

}  // namespace schemagate::cli
