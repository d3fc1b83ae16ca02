#include "engine/glob.hpp"

#include <fnmatch.h>

#include <filesystem>
#include <optional>
#include <system_error>

namespace schemagate {

namespace fs = std::filesystem;

namespace {

std::vector<std::string_view> components(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == '/') {
      if (i > start) out.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  return out;
}

bool component_match(std::string_view pattern, std::string_view name) {
  // A `**` inside a component (`a**b`) is two `*`, which fnmatch treats as one.
  return fnmatch(std::string(pattern).c_str(), std::string(name).c_str(), 0) == 0;
}

// Does `p` match a leading run of `s` (all of `p` consumed)?
bool match_prefix(const std::vector<std::string_view>& p, std::size_t pi,
                  const std::vector<std::string_view>& s, std::size_t si) {
  if (pi == p.size()) return true;  // the rest of the path is inside what matched
  if (p[pi] == "**") {
    for (std::size_t k = si; k <= s.size(); ++k) {
      if (match_prefix(p, pi + 1, s, k)) return true;
    }
    return false;
  }
  if (si == s.size()) return false;
  return component_match(p[pi], s[si]) && match_prefix(p, pi + 1, s, si + 1);
}

std::string absolute_normal(const fs::path& p) {
  std::error_code ec;
  fs::path a = fs::absolute(p, ec);
  return (ec ? p : a).lexically_normal().generic_string();
}

// `path` relative to `base` when it is below it (both absolute, lexically normal).
std::optional<std::string> below(const std::string& path, const std::string& base) {
  if (base.empty()) return std::nullopt;
  if (path == base) return std::string();
  std::string prefix = base.back() == '/' ? base : base + "/";
  if (!path.starts_with(prefix)) return std::nullopt;
  return path.substr(prefix.size());
}

}  // namespace

bool glob_match(std::string_view pattern, std::string_view path) {
  bool anchored = pattern.find('/') != std::string_view::npos;
  std::vector<std::string_view> p = components(pattern);
  std::vector<std::string_view> s = components(path);
  if (p.empty()) return false;
  if (!anchored) p.insert(p.begin(), "**");
  return match_prefix(p, 0, s, 0);
}

PathFilter::PathFilter(const std::vector<PathGlob>& globs) {
  for (const PathGlob& g : globs) {
    Compiled c;
    c.pattern = g.pattern;
    if (c.pattern.size() > 1 && c.pattern.starts_with("./")) c.pattern.erase(0, 2);
    c.base = absolute_normal(g.base.empty() ? fs::path(".") : fs::path(g.base));
    std::error_code ec;
    fs::path canonical = fs::weakly_canonical(c.base, ec);
    c.canonical_base = ec ? c.base : canonical.generic_string();
    globs_.push_back(std::move(c));
  }
}

bool PathFilter::excluded(const std::string& path) const {
  if (globs_.empty()) return false;
  std::string absolute = absolute_normal(path);
  std::optional<std::string> canonical;  // only for a path that is not below a base as spelled
  for (const Compiled& g : globs_) {
    if (g.pattern.starts_with('/')) {
      if (glob_match(g.pattern, absolute)) return true;
      continue;
    }
    if (auto rel = below(absolute, g.base)) {
      if (glob_match(g.pattern, *rel)) return true;
      continue;
    }
    // Reached through a symbolic link (or the base is one): compare the real paths.
    if (!canonical) {
      std::error_code ec;
      fs::path c = fs::weakly_canonical(path, ec);
      canonical = ec ? absolute : c.generic_string();
    }
    if (auto rel = below(*canonical, g.canonical_base); rel && glob_match(g.pattern, *rel)) {
      return true;
    }
  }
  return false;
}

}  // namespace schemagate
