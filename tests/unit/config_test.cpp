// Configuration: every key, good and bad values with the exact error, and the merge of
// command-line flags over the file.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>
#include <variant>

#include "schemagate/config.hpp"

namespace fs = std::filesystem;
using namespace schemagate;

namespace {

// Writes `text` to a fresh file named `name` and loads it.
ConfigResult load(const std::string& name, const std::string& text) {
  fs::path dir = fs::temp_directory_path() / ("schemagate-config-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  fs::path file = dir / name;
  std::ofstream(file) << text;
  ConfigResult r = load_config(file.string());
  for (auto& e : r.errors) e.path = fs::path(e.path).filename().string();
  fs::remove_all(dir);
  return r;
}

std::string first_error(const ConfigResult& r) {
  if (r.errors.empty()) return "(no error)";
  const ConfigError& e = r.errors.front();
  return e.path + ":" + std::to_string(e.position.line) + ":" + std::to_string(e.position.column) +
         ": " + e.message;
}

}  // namespace

TEST_CASE("config: every key is read") {
  ConfigResult r = load(".schemagate.yaml", R"(
rules:
  enable: [unused-ignore]
  disable: [ban-drop-table, missing-downgrade]
  severity:
    require-concurrent-index-creation: error
exclude: ["legacy/**", "*.tmp.sql"]
pg_version: 12
layouts:
  "db/migrations": flyway
assume_in_transaction: true
lock_timeout_set_by_runner: true
large_tables:
  events: 120000000
  audit_log:
fail_on: error
flyway:
  undo: true
placeholders:
  schema: app
  owner: 7
)");
  REQUIRE(r.errors.empty());
  const Config& c = *r.config;
  CHECK(c.enable == std::set<std::string>{"unused-ignore"});
  CHECK(c.disable == std::set<std::string>{"ban-drop-table", "missing-downgrade"});
  CHECK(c.severity.at("require-concurrent-index-creation") == Severity::error);
  CHECK(c.exclude == std::vector<std::string>{"legacy/**", "*.tmp.sql"});
  CHECK(c.pg_version == 12);
  CHECK(c.layouts.at("db/migrations") == Layout::flyway);
  CHECK(c.assume_in_transaction == true);
  // The older spelling of rules.require-lock-timeout.set_by_runner.
  CHECK(std::get<bool>(c.rule_options.at("require-lock-timeout").at("set_by_runner")));
  CHECK(c.large_tables.at("events") == std::optional<std::int64_t>(120000000));
  CHECK_FALSE(c.large_tables.at("audit_log").has_value());
  CHECK(c.fail_on == Severity::error);
  CHECK(c.flyway_undo == true);
  CHECK(c.placeholders.at("schema") == "app");
  CHECK(c.placeholders.at("owner") == "7");
}

TEST_CASE("config: large_tables may be a plain list, an empty file is the defaults") {
  ConfigResult r = load(".schemagate.yaml", "large_tables: [events, orders]\n");
  REQUIRE(r.errors.empty());
  CHECK(r.config->large_tables.size() == 2);
  ConfigResult empty = load(".schemagate.yaml", "");
  REQUIRE(empty.errors.empty());
  CHECK(empty.config->disable.empty());
}

TEST_CASE("config: a rule's options live under rules.<id>, checked against what it declares") {
  ConfigResult r = load(".schemagate.yaml",
                        "lock_timeout_set_by_runner: true\n"
                        "rules:\n  require-lock-timeout:\n    set_by_runner: false\n");
  REQUIRE(r.errors.empty());
  // The rule's own key wins over the older top-level one.
  CHECK_FALSE(
      std::get<bool>(r.config->rule_options.at("require-lock-timeout").at("set_by_runner")));
  LintSettings settings;
  CHECK_FALSE(std::get<bool>(option_value(settings, "require-lock-timeout", "set_by_runner")));
  settings.rule_options = r.config->rule_options;
  settings.rule_options["require-lock-timeout"]["set_by_runner"] = true;
  CHECK(std::get<bool>(option_value(settings, "require-lock-timeout", "set_by_runner")));
  CHECK(first_error(load(".schemagate.yaml",
                         "rules:\n  require-lock-timeout:\n    set_by_runer: true\n")) ==
        ".schemagate.yaml:3:5: unknown key 'rules.require-lock-timeout.set_by_runer' (known: "
        "set_by_runner)");
  CHECK(first_error(load(".schemagate.yaml",
                         "rules:\n  require-lock-timeout:\n    set_by_runner: yes please\n")) ==
        ".schemagate.yaml:3:20: rules.require-lock-timeout.set_by_runner must be true or false, "
        "not a string");
  CHECK(first_error(load(".schemagate.yaml", "rules:\n  ban-drop-table:\n    x: 1\n")) ==
        ".schemagate.yaml:3:5: rules.ban-drop-table: the rule has no options (see `schemagate "
        "rule ban-drop-table`)");
  CHECK(first_error(load(".schemagate.yaml", "rules:\n  ban-drop-tabel:\n    x: 1\n")) ==
        ".schemagate.yaml:2:3: unknown key 'rules.ban-drop-tabel' (known: enable, disable, "
        "severity; rules with options: require-lock-timeout)");
}

TEST_CASE("config: mistakes are errors at file:line:col") {
  CHECK(first_error(load(".schemagate.yaml", "pg_versoin: 12\n")) ==
        ".schemagate.yaml:1:1: unknown key 'pg_versoin' (known: rules, exclude, pg_version, "
        "layouts, assume_in_transaction, lock_timeout_set_by_runner, large_tables, fail_on, "
        "flyway, placeholders, checklist, start_after)");
  CHECK(first_error(load(".schemagate.yaml", "pg_version: twelve\n")) ==
        ".schemagate.yaml:1:13: pg_version must be an integer, not a string");
  CHECK(first_error(load(".schemagate.yaml", "pg_version: 8\n")) ==
        ".schemagate.yaml:1:13: pg_version must be a PostgreSQL major version from 9 to 18, not 8");
  CHECK(first_error(load(".schemagate.yaml", "rules:\n  disable: [ban-drop-tabel]\n")) ==
        ".schemagate.yaml:2:13: unknown rule 'ban-drop-tabel' (did you mean 'ban-drop-table'? see "
        "`schemagate rules`)");
  CHECK(first_error(load(".schemagate.yaml", "rules:\n  severity:\n    ban-drop-table: fatal\n")) ==
        ".schemagate.yaml:3:21: the severity of ban-drop-table must be error, warning or info, not "
        "'fatal'");
  CHECK(first_error(load(".schemagate.yaml", "rules:\n  disabled: []\n")) ==
        ".schemagate.yaml:2:3: unknown key 'rules.disabled' (known: enable, disable, severity; "
        "rules with "
        "options: require-lock-timeout)");
  CHECK(first_error(load(".schemagate.yaml", "assume_in_transaction: yes please\n")) ==
        ".schemagate.yaml:1:24: assume_in_transaction must be true or false, not a string");
  CHECK(first_error(load(".schemagate.yaml", "layouts:\n  db: flywy\n")) ==
        ".schemagate.yaml:2:7: unknown layout 'flywy' (known: sql, numbered, alembic, "
        "golang-migrate, flyway, dbmate, sqitch, diesel, prisma, popx)");
  CHECK(first_error(load(".schemagate.yaml", "exclude: legacy\n")) ==
        ".schemagate.yaml:1:10: exclude must be a list, not a string");
  CHECK(first_error(load(".schemagate.yaml", "flyway:\n  undo: 1\n")) ==
        ".schemagate.yaml:2:9: flyway.undo must be true or false, not an integer");
  CHECK(first_error(load(".schemagate.yaml", "fail_on: [error]\n")) ==
        ".schemagate.yaml:1:10: fail_on must be a string, not a list");
  CHECK(first_error(load(".schemagate.yaml", "lock_timeout_set_by_runner: 5s\n")) ==
        ".schemagate.yaml:1:29: lock_timeout_set_by_runner must be true or false, not a string");
  CHECK(first_error(load(".schemagate.yaml", "large_tables:\n  events: many\n")) ==
        ".schemagate.yaml:2:11: the row count of events must be an integer, not a string");
  CHECK(first_error(load(".schemagate.yaml", "large_tables: [events, [x]]\n")) ==
        ".schemagate.yaml:1:24: large_tables entries must be a string, not a list");
  CHECK(first_error(load(".schemagate.yaml", "placeholders:\n  schema: [a, b]\n")) ==
        ".schemagate.yaml:2:11: the placeholder schema must be a single value");
  CHECK(first_error(load(".schemagate.yaml", "flyway:\n  undo: true\n  mixed: true\n")) ==
        ".schemagate.yaml:3:3: unknown key 'flyway.mixed' (known: undo)");
  CHECK(first_error(load(".schemagate.yaml", "rules: [\n")).rfind(".schemagate.yaml:2:1: ", 0) ==
        0);
  CHECK(first_error(load(".schemagate.yaml", "- just\n- a list\n")) ==
        ".schemagate.yaml:1:1: the configuration must be a mapping, not a list");
}

TEST_CASE("config: pyproject.toml [tool.schemagate]") {
  ConfigResult r = load("pyproject.toml", R"([project]
name = "app"

[tool.schemagate]
pg_version = 13
fail_on = "error"

[tool.schemagate.rules]
disable = ["missing-downgrade"]
)");
  REQUIRE(r.errors.empty());
  CHECK(r.config->pg_version == 13);
  CHECK(r.config->disable == std::set<std::string>{"missing-downgrade"});
  CHECK(first_error(load("pyproject.toml", "[tool.schemagate]\npg_version = \"13\"\n")) ==
        "pyproject.toml:2:14: pg_version must be an integer, not a string");
  CHECK(first_error(load("pyproject.toml", "[tool.schemagate]\nnope = 1\n")) ==
        "pyproject.toml:2:1: unknown key 'nope' (known: rules, exclude, pg_version, layouts, "
        "assume_in_transaction, lock_timeout_set_by_runner, large_tables, fail_on, flyway, "
        "placeholders, checklist, start_after)");
}

TEST_CASE("config: found by walking up, pyproject only with [tool.schemagate]") {
  fs::path root = fs::temp_directory_path() / ("schemagate-find-" + std::to_string(::getpid()));
  fs::create_directories(root / "a" / "b");
  std::ofstream(root / "pyproject.toml") << "[project]\nname = \"x\"\n";
  CHECK(find_config((root / "a" / "b").string()).find(root.string()) == std::string::npos);
  std::ofstream(root / "a" / ".schemagate.yaml") << "pg_version: 14\n";
  CHECK(find_config((root / "a" / "b").string()) == (root / "a" / ".schemagate.yaml").string());
  fs::remove(root / "a" / ".schemagate.yaml");
  std::ofstream(root / "pyproject.toml") << "[tool.schemagate]\npg_version = 14\n";
  CHECK(find_config((root / "a" / "b").string()) == (root / "pyproject.toml").string());
  fs::remove_all(root);
}
