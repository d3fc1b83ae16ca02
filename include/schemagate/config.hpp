// Configuration: .schemagate.yaml, or [tool.schemagate] in pyproject.toml. The CLI, CI and
// the LSP server read the same file, found by walking up from the linted path.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "schemagate/checklist.hpp"
#include "schemagate/diagnostic.hpp"
#include "schemagate/layout.hpp"
#include "schemagate/rule.hpp"

namespace schemagate {

struct Config {
  std::string source;             // the file it was read from; empty for the built-in defaults
  std::set<std::string> enable;   // opt-in rules switched on
  std::set<std::string> disable;  // rules switched off
  std::map<std::string, Severity> severity;
  std::vector<std::string> exclude;  // globs, matched against each path as given, relative to the
                                     // linted folder, and absolute
  std::optional<int> pg_version;
  std::map<std::string, Layout> layouts;  // path glob → layout
  std::optional<bool> assume_in_transaction;
  // rules.<id>.<option>: each checked against the options the rule declares. The older
  // top-level `lock_timeout_set_by_runner` is read as rules.require-lock-timeout.set_by_runner.
  std::map<std::string, std::map<std::string, OptionValue, std::less<>>, std::less<>> rule_options;
  std::map<std::string, std::optional<std::int64_t>> large_tables;  // name → rows, if given
  std::optional<Severity> fail_on;
  std::optional<bool> flyway_undo;
  std::map<std::string, std::string> placeholders;
  // Adopting the tool on an existing history: this Alembic revision (or SQL version) and what
  // came before it are replayed, not reported (as --start-after).
  std::optional<std::string> start_after;
  // checklist.enforce and checklist.require (checklist.hpp).
  std::optional<bool> checklist_enforce;
  std::map<std::string, Requirement> checklist_require;
};

struct ConfigError {
  std::string path;
  Position position;
  std::string message;
};

struct ConfigResult {
  std::optional<Config> config;  // empty when there were errors
  std::vector<ConfigError> errors;
};

// Reads one configuration file (.yaml/.yml, or pyproject.toml's [tool.schemagate]).
[[nodiscard]] ConfigResult load_config(const std::string& path);

// The nearest .schemagate.yaml (or pyproject.toml with [tool.schemagate]) at or above
// `start` (a file or folder); empty when there is none.
[[nodiscard]] std::string find_config(const std::string& start);

}  // namespace schemagate
