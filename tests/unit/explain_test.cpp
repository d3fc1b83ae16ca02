// `schemagate explain` on the bundled examples: the engine API and the command line.
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "schemagate/engine.hpp"

namespace fs = std::filesystem;

namespace {

using namespace schemagate;

const ExplainRow* find_row(const ExplainResult& r, const std::string& file, int line,
                           const std::string& operation) {
  for (const ExplainRow& row : r.rows) {
    if (row.path.ends_with(file) && static_cast<int>(row.begin.line) == line &&
        row.operation == operation) {
      return &row;
    }
  }
  return nullptr;
}

fs::path examples() { return fs::path(SCHEMAGATE_SOURCE_DIR) / "examples"; }

}  // namespace

TEST_CASE("explain: SQL examples") {
  ExplainResult r = explain_paths({(examples() / "sql").string()}, LintOptions{});
  const ExplainRow* plain = find_row(r, "004_index_skills_name.sql", 3, "CREATE INDEX");
  REQUIRE(plain != nullptr);
  CHECK(plain->lock.mode == LockMode::share);
  CHECK(plain->lock.blocks == Blocks::writes);
  CHECK(plain->lock.work == Work::scan);
  CHECK(plain->lock.table == "skills");
  CHECK(plain->in_transaction);
  CHECK(plain->phase == Phase::upgrade);
  CHECK(std::find(plain->rules.begin(), plain->rules.end(), "require-concurrent-index-creation") !=
        plain->rules.end());

  const ExplainRow* concurrent =
      find_row(r, "004_index_skills_name.sql", 4, "CREATE INDEX CONCURRENTLY");
  REQUIRE(concurrent != nullptr);
  CHECK(concurrent->lock.mode == LockMode::share_update_exclusive);
  CHECK(concurrent->lock.no_transaction);

  const ExplainRow* not_null = find_row(r, "005_rename_and_require.sql", 6, "SET NOT NULL");
  REQUIRE(not_null != nullptr);
  CHECK(not_null->lock.mode == LockMode::access_exclusive);
  CHECK(not_null->lock.work == Work::scan);

  const ExplainRow* truncate = find_row(r, "006_cleanup.sql", 5, "TRUNCATE");
  REQUIRE(truncate != nullptr);
  CHECK(truncate->lock.mode == LockMode::access_exclusive);
}

TEST_CASE("explain: Alembic examples, upgrade and downgrade") {
  ExplainResult r = explain_paths({(examples() / "alembic").string()}, LintOptions{});
  const ExplainRow* not_null =
      find_row(r, "4d5e6f708192_backfill_and_require_tier.py", 20, "SET NOT NULL");
  REQUIRE(not_null != nullptr);
  CHECK(not_null->lock.mode == LockMode::access_exclusive);
  CHECK(not_null->lock.work == Work::scan);
  CHECK(not_null->migration == std::optional<std::string>("4d5e6f708192"));

  const ExplainRow* drop =
      find_row(r, "6f708192a3b4_safe_concurrent_index.py", 25, "DROP INDEX CONCURRENTLY");
  REQUIRE(drop != nullptr);
  CHECK(drop->phase == Phase::downgrade);
  CHECK(drop->lock.mode == LockMode::share_update_exclusive);

  // Replay order: each revision's upgrade, then its downgrade, parents first.
  REQUIRE(!r.rows.empty());
  CHECK(r.rows.front().path.ends_with("1a2b3c4d5e6f_add_skills_table.py"));
}

TEST_CASE("explain: the command line, text and JSON") {
  fs::path tmp = fs::temp_directory_path() / ("schemagate-explain-" + std::to_string(::getpid()));
  fs::create_directories(tmp);
  auto run = [&](const std::string& args) {
    std::string cmd = "cd '" + examples().string() + "' && '" + SCHEMAGATE_BINARY +
                      "' explain --no-config " + args + " >'" + (tmp / "out").string() + "'";
    int status = std::system(cmd.c_str());
    std::ifstream in(tmp / "out", std::ios::binary);
    std::string out{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
    return out;
  };
  std::string text = run("sql/004_index_skills_name.sql");
  CHECK(text.starts_with("POSITION"));
  CHECK(text.find("sql/004_index_skills_name.sql:3:1") != std::string::npos);
  CHECK(text.find("SHARE UPDATE EXCLUSIVE") != std::string::npos);
  // Which PostgreSQL the locks are given for, and the one the model is checked against.
  CHECK(text.find("Locks and work as PostgreSQL 15 does them") != std::string::npos);
  CHECK(text.find("checked statement by statement against a real PostgreSQL 15.") !=
        std::string::npos);
  std::string older = run("--pg-version 11 sql/004_index_skills_name.sql");
  CHECK(older.find("Locks and work as PostgreSQL 11 does them") != std::string::npos);
  CHECK(older.find("what differs in other releases follows PostgreSQL's documentation") !=
        std::string::npos);

  auto doc = nlohmann::json::parse(run("--format json sql/004_index_skills_name.sql"));
  CHECK(doc["version"] == 1);
  auto ops = doc["operations"];
  REQUIRE(ops.size() == 4);  // BEGIN, CREATE INDEX, CREATE INDEX CONCURRENTLY, COMMIT
  CHECK(ops[1]["operation"] == "CREATE INDEX");
  CHECK(ops[1]["lock"] == "SHARE");
  CHECK(ops[1]["blocks"] == "writes");
  CHECK(ops[1]["work"] == "scan");
  CHECK(ops[1]["table"] == "skills");
  CHECK(ops[1]["in_transaction"] == true);
  CHECK(ops[2]["lock"] == "SHARE UPDATE EXCLUSIVE");
  CHECK(ops[0]["lock"].is_null());
  CHECK(doc["summary"]["operations"] == 4);
  CHECK(doc["summary"]["pg_versions"] == nlohmann::json::array({15}));
  CHECK(doc["summary"]["checked_on"] == 15);
  fs::remove_all(tmp);
}
