#include "report/common.hpp"

#include <algorithm>
#include <cstdint>
#include <filesystem>

#include "schemagate/source.hpp"

namespace schemagate::report {

namespace fs = std::filesystem;

std::vector<const Diagnostic*> all_findings(const LintResult& result) {
  std::vector<const Diagnostic*> out;
  out.reserve(result.diagnostics.size() + result.suppressed.size());
  for (const Diagnostic& d : result.diagnostics) out.push_back(&d);
  for (const Diagnostic& d : result.suppressed) out.push_back(&d);
  std::stable_sort(out.begin(), out.end(), [](const Diagnostic* a, const Diagnostic* b) {
    return diagnostic_less(*a, *b);
  });
  return out;
}

std::string normalized_line(std::string_view line) {
  std::string out;
  bool blank = false;
  for (char c : line) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v') {
      blank = true;
      continue;
    }
    if (blank && !out.empty()) out += ' ';
    blank = false;
    out += c;
  }
  return out;
}

namespace {

std::uint64_t fnv1a(std::string_view data, std::uint64_t hash = 0xcbf29ce484222325ULL) {
  for (char c : data) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

}  // namespace

std::string Fingerprinter::next(const Diagnostic& d, std::string_view path) {
  std::string text = normalized_line(d.source_line.empty() ? d.message : d.source_line);
  std::size_t occurrence = seen_[{d.rule, std::string(path), text}]++;
  std::string occ = std::to_string(occurrence);
  // NUL separates the fields: none of them holds one.
  std::uint64_t h = fnv1a(d.rule);
  h = fnv1a(std::string_view("\0", 1), h);
  h = fnv1a(path, h);
  h = fnv1a(std::string_view("\0", 1), h);
  h = fnv1a(text, h);
  h = fnv1a(std::string_view("\0", 1), h);
  h = fnv1a(occ, h);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(16, '0');
  for (std::size_t i = 0; i < 16; ++i) out[15 - i] = kHex[(h >> (4 * i)) & 0xFU];
  return out;
}

std::string absolute_path(std::string_view path, std::string_view cwd) {
  fs::path p{std::string(path)};
  if (!p.is_absolute()) p = fs::path(std::string(cwd)) / p;
  std::string out = p.lexically_normal().generic_string();
  // A directory given with a trailing slash: the same path.
  if (out.size() > 1 && out.back() == '/') out.pop_back();
  return out;
}

std::string relative_to(std::string_view path, std::string_view cwd, std::string_view root) {
  fs::path abs{absolute_path(path, cwd)};
  fs::path base{absolute_path(root, cwd)};
  fs::path rel = abs.lexically_relative(base);
  if (rel.empty() || rel == "." || *rel.begin() == "..") return {};
  return rel.generic_string();
}

std::string clean_path(std::string_view path) {
  if (path.empty()) return {};
  std::string out = fs::path(std::string(path)).lexically_normal().generic_string();
  if (out.size() > 1 && out.back() == '/') out.pop_back();
  return out;
}

std::string uri_path(std::string_view path) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(path.size());
  for (char ch : path) {
    auto c = static_cast<unsigned char>(ch);
    bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '.' || c == '_' || c == '~' || c == '/';
    if (unreserved) {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4U];
      out += kHex[c & 0xFU];
    }
  }
  return out;
}

std::string file_uri(std::string_view absolute) { return "file://" + uri_path(absolute); }

std::string valid_utf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  while (!text.empty()) {
    auto bad = find_invalid_utf8(text);
    if (!bad) {
      out += text;
      break;
    }
    out += text.substr(0, *bad);
    out += "\xEF\xBF\xBD";
    text.remove_prefix(*bad + 1);
  }
  return out;
}

}  // namespace schemagate::report
