// The effective settings of a run: the configuration file found for the linted paths (or
// named with --config), with the command line's flags merged over it key by key.
#pragma once

#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "schemagate/config.hpp"
#include "schemagate/engine.hpp"

namespace schemagate::cli {

struct Flags {
  std::string config_file;  // --config
  bool no_config = false;   // --no-config
  std::optional<int> pg_version;
  bool assume_in_transaction = false;
  std::vector<std::string> enable;
  std::vector<std::string> disable;
  std::vector<std::string> exclude;
  std::optional<std::string> fail_on;
  unsigned jobs = 0;             // --jobs (not configuration: how this machine runs it)
  bool only_migrations = false;  // --only-migrations (lint): named files that are no migrations
  std::optional<std::string> start_after;  // --start-after (over start_after in the configuration)
};

struct Settings {
  Config config;  // merged: file, then flags
  LintOptions options;
  Severity fail_on = Severity::warning;
};

// Reads the configuration and merges the flags. Errors (file:line:col: message) go to `err`;
// nullopt when there were any.
[[nodiscard]] std::optional<Settings> resolve(const Flags& flags,
                                              const std::vector<std::string>& paths,
                                              std::ostream& err);

// The effective configuration, as YAML that could be saved as .schemagate.yaml.
void print(std::ostream& out, const Settings& settings);

}  // namespace schemagate::cli
