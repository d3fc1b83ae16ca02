// `schemagate explain` on a numbered folder of the differential suite's statements: the table(s)
// created first (001_create.sql, the suite's fixture), then one numbered file per statement.
// Each statement must get the lock per relation, the work and the transaction refusal that
// PostgreSQL 15 showed (tests/pg/observed.hpp, which the differential suite re-checks against
// the real server on every run), and `schemagate lint` must warn about every statement that
// takes SHARE or stronger on an existing relation, or rewrites it.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "../pg/observed.hpp"
#include "support.hpp"

namespace fs = std::filesystem;
using namespace schemagate;
using namespace schemagate::test;

namespace {

LockMode mode_named(const nlohmann::json& v) {
  if (v.is_null()) return LockMode::none;
  const std::string s = v.get<std::string>();
  for (LockMode m :
       {LockMode::access_share, LockMode::row_share, LockMode::row_exclusive,
        LockMode::share_update_exclusive, LockMode::share, LockMode::share_row_exclusive,
        LockMode::exclusive, LockMode::access_exclusive}) {
    if (to_string(m) == s) return m;
  }
  return LockMode::none;
}

observed::Did did_named(const std::string& work) {
  if (work == "rewrite") return observed::Did::rewrite;
  if (work == "scan" || work == "rows") return observed::Did::scan;
  return observed::Did::nothing;
}

std::string file_name(std::size_t i) {
  char name[32];
  std::snprintf(name, sizeof name, "%03zu_statement.sql", i + 2);
  return name;
}

}  // namespace

TEST_CASE("explain: a numbered folder of observed statements gives the observed lock and work") {
  REQUIRE(observed::kStatements.size() >= 20);
  fs::path dir =
      fs::temp_directory_path() / ("schemagate-explain-folder-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  test::write(dir / "001_create.sql", observed::kFixture);
  for (std::size_t i = 0; i < observed::kStatements.size(); ++i) {
    test::write(dir / file_name(i), std::string(observed::kStatements[i].sql) + ";\n");
  }

  Run ex = shell("'" SCHEMAGATE_BINARY "' explain --format json '" + dir.string() + "'");
  REQUIRE(ex.exit_code == 0);
  auto doc = nlohmann::json::parse(ex.out);
  // One statement per file: the row of each file.
  std::map<std::string, nlohmann::json> rows;
  for (const auto& row : doc["operations"]) {
    std::string name = fs::path(row["path"].get<std::string>()).filename().string();
    if (name != "001_create.sql") {
      CHECK(!rows.contains(name));
      rows[name] = row;
    }
  }

  Run lint = shell("'" SCHEMAGATE_BINARY "' lint --format json '" + dir.string() + "'");
  std::map<std::string, std::set<std::string>> warned;  // file → rules
  const nlohmann::json findings = nlohmann::json::parse(lint.out);
  for (const auto& d : findings["diagnostics"]) {
    if (d["severity"] == "info") continue;
    warned[fs::path(d["path"].get<std::string>()).filename().string()].insert(
        d["rule"].get<std::string>());
  }

  for (std::size_t i = 0; i < observed::kStatements.size(); ++i) {
    const observed::Statement& s = observed::kStatements[i];
    const std::string name = file_name(i);
    INFO(name << ": " << s.sql);
    REQUIRE(rows.contains(name));
    const nlohmann::json& row = rows[name];
    std::map<std::string, LockMode> got;
    got[row["table"].is_null() ? "" : row["table"].get<std::string>()] = mode_named(row["lock"]);
    if (!row["referenced"].is_null()) {
      got[row["referenced"]["table"].get<std::string>()] = mode_named(row["referenced"]["lock"]);
    }
    LockMode strongest = LockMode::none;
    for (const observed::Lock& l : s.locks) {
      INFO(l.relation);
      REQUIRE(got.contains(l.relation));
      CHECK(to_string(got[l.relation]) == to_string(l.mode));
      strongest = std::max(strongest, l.mode);
    }
    CHECK(did_named(row["work"].get<std::string>()) == s.did);
    CHECK(row["no_transaction"].get<bool>() == s.no_transaction);
    // Every relation of the fixture exists: SHARE or stronger, or a rewrite, needs a warning.
    if (strongest >= LockMode::share || s.did == observed::Did::rewrite) {
      CHECK(!warned[name].empty());
    }
  }
  // And whatever explain says of a statement (not only the recorded relations).
  for (const auto& [name, row] : rows) {
    INFO(name);
    LockMode strongest = mode_named(row["lock"]);
    if (!row["referenced"].is_null()) {
      strongest = std::max(strongest, mode_named(row["referenced"]["lock"]));
    }
    if (strongest >= LockMode::share || row["work"] == "rewrite") CHECK(!warned[name].empty());
  }
  fs::remove_all(dir);
}
