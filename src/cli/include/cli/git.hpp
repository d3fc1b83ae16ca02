// Git-aware runs (--since REF): which files changed since the merge base with REF.
#pragma once

#include <optional>
#include <set>
#include <string>

namespace schemagate::cli {

struct GitChanges {
  std::string base;               // the merge base commit
  std::set<std::string> changed;  // canonical paths added or modified since the base
  std::set<std::string> edited;   // of those, the ones that existed at the base
};

// The root of the git repository holding the folder `dir` (absolute); empty outside one.
[[nodiscard]] std::string repository_root(const std::string& dir);

// Runs git in the folder of `path`; nullopt with `error` set when git can't answer.
[[nodiscard]] std::optional<GitChanges> changes_since(const std::string& ref,
                                                      const std::string& path, std::string& error);

}  // namespace schemagate::cli
