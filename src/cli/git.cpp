#include "cli/git.hpp"

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <sstream>

#include "schemagate/engine.hpp"

namespace schemagate::cli {

namespace fs = std::filesystem;

namespace {

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// Runs `git -C dir ARGS`; its standard output, or nullopt when it fails.
std::optional<std::string> git(const std::string& dir, const std::string& args) {
  std::string cmd = "git -C " + shell_quote(dir) + " " + args + " 2>/dev/null";
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(cmd.c_str(), "r"), pclose);
  if (!pipe) return std::nullopt;
  std::string out;
  std::array<char, 4096> buf{};
  while (std::size_t n = std::fread(buf.data(), 1, buf.size(), pipe.get()))
    out.append(buf.data(), n);
  int status = pclose(pipe.release());
  if (status != 0) return std::nullopt;
  return out;
}

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

// Does the working tree's `file` (relative to `root`) do what it did at `base`?
bool same_as_base(const fs::path& root, const std::string& base, const std::string& file) {
  auto before = git(root.string(), "show " + shell_quote(base + ":" + file));
  if (!before) return false;
  std::ifstream in(root / file, std::ios::binary);
  if (!in) return false;
  std::string after{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  return same_effect(file, *before, after);
}

}  // namespace

std::string repository_root(const std::string& dir) {
  auto top = git(dir, "rev-parse --show-toplevel");
  return top ? trim(*top) : std::string();
}

std::optional<GitChanges> changes_since(const std::string& ref, const std::string& path,
                                        std::string& error) {
  std::error_code ec;
  fs::path start = fs::absolute(path, ec);
  std::string dir = (fs::is_directory(start, ec) ? start : start.parent_path()).string();
  auto top = git(dir, "rev-parse --show-toplevel");
  if (!top) {
    error = "not inside a git repository: " + dir;
    return std::nullopt;
  }
  fs::path root = trim(*top);
  auto base = git(dir, "merge-base HEAD " + shell_quote(ref));
  if (!base) {
    error = "git can't find a merge base between HEAD and '" + ref + "'";
    return std::nullopt;
  }
  GitChanges out;
  out.base = trim(*base);
  // Committed and uncommitted changes against the base, and files git doesn't track yet.
  auto diff = git(root.string(), "diff --name-status --no-renames -z " + out.base);
  auto untracked = git(root.string(), "ls-files --others --exclude-standard -z");
  if (!diff || !untracked) {
    error = "git diff against " + out.base + " failed";
    return std::nullopt;
  }
  auto canonical = [&](const std::string& rel) {
    return fs::weakly_canonical(root / rel, ec).generic_string();
  };
  std::istringstream d(*diff);
  for (std::string status, file; std::getline(d, status, '\0') && std::getline(d, file, '\0');) {
    if (status == "D") continue;
    out.changed.insert(canonical(file));
    // An edit of comments, docstrings or white space changes nothing a database runs.
    if (status == "M" && !same_as_base(root, out.base, file)) out.edited.insert(canonical(file));
  }
  std::istringstream u(*untracked);
  for (std::string file; std::getline(u, file, '\0');) out.changed.insert(canonical(file));
  return out;
}

}  // namespace schemagate::cli
