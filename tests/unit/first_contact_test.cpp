// What a team meets in its first hour: flags that never eat paths, empty runs that fail,
// Alembic projects as they are laid out, Sqitch plans, adoption on an existing history.
#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "schemagate/engine.hpp"
#include "support.hpp"

namespace fs = std::filesystem;
using schemagate::test::Run;
using schemagate::test::TempDir;
using schemagate::test::write;

namespace {

Run run(const std::string& args, const fs::path& dir) {
  return schemagate::test::shell("cd '" + dir.string() + "' && env NO_COLOR=1 '" +
                                 SCHEMAGATE_BINARY + "' " + args);
}

fs::path projects() { return fs::path(SCHEMAGATE_SOURCE_DIR) / "tests/fixtures/projects"; }

// The rules of the findings in a JSON report, as "rule path:line".
std::multiset<std::string> findings(const Run& r) {
  std::multiset<std::string> out;
  auto doc = nlohmann::json::parse(r.out);
  for (const auto& d : doc["diagnostics"]) {
    out.insert(d["rule"].get<std::string>() + " " + d["path"].get<std::string>() + ":" +
               std::to_string(d["line"].get<int>()));
  }
  return out;
}

constexpr const char* kUnsafe = "ALTER TABLE users ADD COLUMN tenant_id bigint NOT NULL;\n";

}  // namespace

TEST_CASE("first contact: list flags take one value each and never swallow the paths") {
  TempDir dir("flags");
  write(dir.path() / "alembic/001_add.sql", kUnsafe);
  write(dir.path() / "legacy/001_old.sql", "CREATE INDEX i ON t (a);\n");
  for (const char* flags :
       {"--exclude 'legacy/**' alembic/", "--exclude='legacy/**' alembic/",
        "--disable prefer-text-field alembic/", "--disable=prefer-text-field alembic/",
        "--enable require-statement-timeout alembic/",
        "--exclude 'legacy/**' --disable prefer-text-field alembic/ legacy/"}) {
    INFO(flags);
    Run r = run(std::string("lint --format json ") + flags, dir.path());
    CHECK(r.exit_code == 1);
    CHECK(findings(r).count("adding-required-field alembic/001_add.sql:1") == 1);
    CHECK(r.out.find("legacy/001_old.sql") == std::string::npos);
  }
  // Repeated, each occurrence one value.
  Run two =
      run("lint --format json --disable adding-required-field --disable require-lock-timeout "
          "alembic/",
          dir.path());
  CHECK(two.exit_code == 0);
  CHECK(findings(two).empty());
}

TEST_CASE("first contact: exclude globs are relative to the configuration's folder or here") {
  TempDir dir("exclude-base");
  write(dir.path() / "db/migrations/001_a.sql", kUnsafe);
  write(dir.path() / "db/migrations/legacy/001_old.sql", kUnsafe);
  write(dir.path() / "db/.schemagate.yaml", "exclude: [\"migrations/legacy/**\"]\n");
  // The configuration's glob is relative to db/, wherever schemagate runs from.
  for (const fs::path& where : {dir.path(), dir.path() / "db", dir.path() / "db/migrations"}) {
    Run r = run("lint --format json '" + (dir.path() / "db").string() + "'", where);
    INFO(where.string() << "\n" << r.out);
    CHECK(r.out.find("legacy/001_old.sql") == std::string::npos);
    CHECK(r.out.find("001_a.sql") != std::string::npos);
  }
  // The flag's glob is relative to the current directory; `**/x/**` at any depth.
  Run here =
      run("lint --format json --no-config --exclude 'db/migrations/legacy/**' db", dir.path());
  CHECK(here.out.find("legacy/001_old.sql") == std::string::npos);
  Run any = run("lint --format json --no-config --exclude '**/legacy/**' db", dir.path());
  CHECK(any.out.find("legacy/001_old.sql") == std::string::npos);
  CHECK(any.out.find("001_a.sql") != std::string::npos);
}

TEST_CASE("first contact: an empty run is not a pass") {
  TempDir dir("empty");
  fs::create_directories(dir.path() / "empty");
  write(dir.path() / "docs/README.md", "# notes\n");
  write(dir.path() / "m/001_a.sql", "SELECT 1;\n");
  // A folder with no migration, alone: exit 2 whatever --fail-on, and it says what it looked for.
  for (const char* fail_on : {"error", "warning", "info"}) {
    Run r = run(std::string("lint --fail-on ") + fail_on + " docs", dir.path());
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("no migrations found in docs") != std::string::npos);
    CHECK(r.err.find("looked for *.sql files and Alembic revisions") != std::string::npos);
    CHECK(r.out.find("error[no-migrations-found]") != std::string::npos);
  }
  // No path, nothing here.
  Run here = run("lint", dir.path() / "empty");
  CHECK(here.exit_code == 2);
  CHECK(here.err.find("no migrations found in .") != std::string::npos);
  // A named path that holds none, beside one that does: a finding, the run goes on.
  Run mixed = run("lint --format json empty m", dir.path());
  CHECK(mixed.exit_code == 1);
  CHECK(findings(mixed) == std::multiset<std::string>{"no-migrations-found empty:1"});
  // checklist and explain say so too.
  CHECK(run("checklist docs", dir.path()).exit_code == 2);
  CHECK(run("explain docs", dir.path()).exit_code == 2);
  // The pre-commit hook: a staged file that is no migration stays silent.
  Run hook = run("lint --only-migrations docs/README.md", dir.path());
  CHECK(hook.exit_code == 0);
  CHECK(hook.err.empty());
  // Everything excluded is found, not missing.
  Run excluded = run("lint --exclude 'm/**' m", dir.path());
  CHECK(excluded.exit_code == 0);
}

TEST_CASE("first contact: nested Alembic version folders are one project and one graph") {
  fs::path project = projects() / "nested_versions";
  // The revision whose parent sits in a sibling release folder, named alone as pre-commit does.
  fs::path e25 = project / "versions/2025/expand/e25_index_email.py";
  Run alone = run("lint --format json '" + e25.string() + "'", project);
  std::multiset<std::string> got = findings(alone);
  for (const std::string& f : got) CHECK(f.find("missing-parent-revision") == std::string::npos);
  CHECK(got.size() == 1);  // the index created without CONCURRENTLY (the downgrade undoes it)
  Run graph = run("graph --format json .", project);
  auto doc = nlohmann::json::parse(graph.out);
  REQUIRE(doc["projects"].size() == 1);
  CHECK(doc["projects"][0]["heads"] == nlohmann::json::array({"c24", "e25"}));
  // Excluding a release folder hides its findings but keeps its revisions in the graph.
  Run excluded = run("lint --format json --exclude 'versions/2024/**' .", project);
  for (const std::string& f : findings(excluded)) {
    CHECK(f.find("missing-parent-revision") == std::string::npos);
    CHECK(f.find("/2024/") == std::string::npos);
  }
  CHECK(findings(excluded).size() == 1);
}

TEST_CASE("first contact: chains that never meet in sibling folders are separate histories") {
  Run graph = run("graph --format json .", projects() / "two_dialects");
  auto doc = nlohmann::json::parse(graph.out);
  REQUIRE(doc["projects"].size() == 2);
  for (const auto& p : doc["projects"]) CHECK(p["heads"].size() == 1);
  Run lint = run("lint .", projects() / "two_dialects");
  CHECK(lint.exit_code == 0);
  // versions/sqlite/ is SQLite's history (its PRAGMA isn't PostgreSQL): not linted, and each
  // of its revisions says so; also when one is named alone (pre-commit), without mixing the
  // two chains' shared base id into one graph of two heads.
  Run json = run("lint --format json .", projects() / "two_dialects");
  CHECK(findings(json) ==
        std::multiset<std::string>{"other-database ./versions/sqlite/001_init.py:10",
                                   "other-database ./versions/sqlite/002_state.py:9"});
  Run alone = run("lint --format json versions/sqlite/002_state.py", projects() / "two_dialects");
  CHECK(findings(alone) ==
        std::multiset<std::string>{"other-database versions/sqlite/002_state.py:9"});
  Run pg = run("lint --format json versions/postgresql/002_state.py", projects() / "two_dialects");
  CHECK(findings(pg).empty());
}

TEST_CASE("first contact: Sqitch revert scripts pair with their change by name") {
  fs::path project = projects() / "sqitch_rework";
  Run r = run("lint --format json .", project);
  CHECK(r.exit_code == 0);
  CHECK(findings(r).empty());
  // A deploy script named alone gets its revert as downgrade; a revert named alone is linted
  // as the downgrade of its change, never as a forward migration.
  for (const char* file : {"deploy/accounts.sql", "revert/accounts.sql",
                           "deploy/account_total@v1.1.sql", "revert/account_total@v1.1.sql"}) {
    INFO(file);
    Run one = run(std::string("lint --format json ") + file, project);
    CHECK(one.exit_code == 0);
    CHECK(findings(one).empty());
  }
}

namespace {

void git(const fs::path& dir, const std::string& args) {
  Run r = schemagate::test::shell("cd '" + dir.string() +
                                  "' && git -c user.name=t -c user.email=t@t " + args + " 2>&1");
  INFO(r.out);
  REQUIRE(r.exit_code == 0);
}

}  // namespace

TEST_CASE("first contact: an edit of comments, docstrings or white space is no edit") {
  CHECK(schemagate::same_effect("a.sql", "CREATE TABLE t (a int); -- one\n",
                                "-- header\nCREATE   TABLE t\n  (a int); /* two */\n"));
  CHECK_FALSE(
      schemagate::same_effect("a.sql", "CREATE TABLE t (a int);", "CREATE TABLE t (b int);"));
  CHECK_FALSE(schemagate::same_effect("a.sql", "SELECT 'a  b';", "SELECT 'a b';"));
  std::string py =
      "\"\"\"add users\n\nRevision ID: 1\n\"\"\"\nrevision = \"1\"\n\n\ndef upgrade():\n"
      "    \"\"\"Create it.\"\"\"\n    op.execute(\"CREATE TABLE t (a int)\")  # now\n";
  std::string reworded =
      "\"\"\"add the users table\n\nRevision ID: 1\n\"\"\"\nrevision = \"1\"\n"
      "def upgrade():\n    \"\"\"Creates the table.\"\"\"\n"
      "    # a comment\n    op.execute(\"CREATE TABLE t (a int)\")\n";
  CHECK(schemagate::same_effect("r.py", py, reworded));
  std::string changed = py;
  changed.replace(changed.find("(a int)"), 7, "(a bigint)");
  CHECK_FALSE(schemagate::same_effect("r.py", py, changed));
  // A string that is not a docstring is code.
  CHECK_FALSE(schemagate::same_effect("r.py", "x = 'a'\ny = 'b'\n", "x = 'a'\ny = 'c'\n"));
}

TEST_CASE("first contact: start_after in the configuration, with --since, lint and checklist") {
  TempDir dir("adopt");
  write(dir.path() / "db/001_create.up.sql", "CREATE TABLE t (id bigint, a text);\n");
  write(dir.path() / "db/001_create.down.sql", "DROP TABLE t;\n");
  write(dir.path() / "db/002_index.up.sql", "-- old, never fixed\nCREATE INDEX i ON t (a);\n");
  write(dir.path() / "db/002_index.down.sql", "DROP INDEX i;\n");
  write(dir.path() / ".schemagate.yaml", "start_after: \"002\"\n");
  git(dir.path(), "init -q -b main .");
  git(dir.path(), "add -A");
  git(dir.path(), "commit -qm history");
  git(dir.path(), "checkout -q -b feature");
  // The old findings of 002 are history: not reported by lint, checklist or the config.
  Run all = run("lint --format json db", dir.path());
  CHECK(all.exit_code == 0);
  CHECK(findings(all).empty());
  CHECK(run("config db", dir.path()).out.find("start_after: \"002\"") != std::string::npos);
  auto lists = nlohmann::json::parse(run("checklist --format json db", dir.path()).out);
  CHECK(lists["migrations"].empty());
  // A typo fixed in an old migration's comment: not refused, neither for its old findings nor
  // as an edited applied migration.
  write(dir.path() / "db/002_index.up.sql",
        "-- old, never fixed (typo)\nCREATE INDEX i ON t (a);\n");
  write(dir.path() / "db/003_rename.up.sql", "ALTER TABLE t RENAME COLUMN a TO b;\n");
  write(dir.path() / "db/003_rename.down.sql", "ALTER TABLE t RENAME COLUMN b TO a;\n");
  Run since = run("lint --format json --since main db", dir.path());
  std::multiset<std::string> got = findings(since);
  for (const std::string& f : got) CHECK(f.find("002_index") == std::string::npos);
  CHECK(got.count("renaming-column db/003_rename.up.sql:1") == 1);
  // An unknown start_after in the configuration is an error naming the file.
  write(dir.path() / ".schemagate.yaml", "start_after: \"999\"\n");
  Run unknown = run("lint db", dir.path());
  CHECK(unknown.exit_code == 2);
  CHECK(unknown.err.find(".schemagate.yaml: start_after 999") != std::string::npos);
}

TEST_CASE("first contact: CI paths start at the repository root, from a monorepo's subfolder") {
  TempDir dir("monorepo");
  write(dir.path() / "services/api/db/001_add.sql", kUnsafe);
  git(dir.path(), "init -q .");
  fs::path sub = dir.path() / "services/api";
  Run github = run("lint --format github db", sub);
  CHECK(github.out.find("file=services/api/db/001_add.sql,") != std::string::npos);
  Run gitlab = run("lint --format gitlab db", sub);
  CHECK(gitlab.out.find("\"path\": \"services/api/db/001_add.sql\"") != std::string::npos);
  auto sarif = nlohmann::json::parse(run("lint --format sarif db", sub).out);
  const auto& location = sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"];
  CHECK(location["artifactLocation"]["uri"] == "services/api/db/001_add.sql");
  // --sarif-root still decides.
  Run here = run("lint --format github --sarif-root . db", sub);
  CHECK(here.out.find("file=db/001_add.sql,") != std::string::npos);
}

TEST_CASE("first contact: smaller things a new user meets") {
  TempDir dir("small");
  write(dir.path() / "m/001.sql",
        "SELECT 1;\nCREATE FUNCTION f() RETURNS int LANGUAGE sql AS "
        "$$ SELECT 1 $$;\n");
  // explain names statements as users write them.
  Run explain = run("explain m", dir.path());
  CHECK(explain.out.find(" SELECT ") != std::string::npos);
  CHECK(explain.out.find("CREATE FUNCTION") != std::string::npos);
  CHECK(explain.out.find("Stmt") == std::string::npos);
  // An unknown rule id: did you mean.
  Run typo = run("lint --disable ban-drop-colum m", dir.path());
  CHECK(typo.exit_code == 2);
  CHECK(typo.err.find("did you mean 'ban-drop-column'?") != std::string::npos);
  CHECK(run("rule require-concurrent-index", dir.path())
            .err.find("did you mean 'require-concurrent-index-creation'?") != std::string::npos);
  write(dir.path() / "n/001.sql", "-- schemagate: ignore ban-drop-tabel\nDROP TABLE t;\n");
  Run ignore = run("lint --format json n", dir.path());
  CHECK(ignore.out.find("did you mean 'ban-drop-table'?") != std::string::npos);
  // --output that can't be written says why.
  Run out = run("lint --format json --output no-such-dir/r.json m", dir.path());
  CHECK(out.exit_code == 2);
  CHECK(out.err.find("No such file or directory") != std::string::npos);
}
