// Layouts, discovery, version order and templated SQL.
#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>

#include "engine/discover.hpp"
#include "engine/glob.hpp"
#include "engine/layouts.hpp"
#include "frontends/sql/sql_frontend.hpp"
#include "frontends/sql/template.hpp"
#include "schemagate/engine.hpp"
#include "support.hpp"

namespace fs = std::filesystem;
using namespace schemagate;

namespace {

fs::path projects() { return fs::path(SCHEMAGATE_SOURCE_DIR) / "tests/fixtures/projects"; }

const SourceGroup* group_with(const Discovery& d, Layout layout) {
  for (const SourceGroup& g : d.groups) {
    if (g.layout == layout) return &g;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("versions compare numerically, part by part") {
  CHECK(compare_versions("1.2.9", "1.2.10") < 0);
  CHECK(compare_versions("10", "9") > 0);
  CHECK(compare_versions("001", "1") == 0);
  CHECK(compare_versions("1.0", "1") == 0);
  CHECK(compare_versions("1_1", "1.1") == 0);
  CHECK(compare_versions("2024-01-02-000000", "2024-01-10-000000") < 0);
  CHECK(compare_versions("20240101", "20240102") < 0);
}

TEST_CASE("layouts are detected per folder") {
  CHECK(detect_layout(projects() / "golang_migrate") == Layout::golang_migrate);
  CHECK(detect_layout(projects() / "flyway") == Layout::flyway);
  CHECK(detect_layout(projects() / "dbmate") == Layout::dbmate);
  CHECK(detect_layout(projects() / "popx") == Layout::popx);
  CHECK(detect_layout(projects() / "sqitch") == Layout::sqitch);
  CHECK(detect_layout(projects() / "bare_sql") == Layout::sql);
  LayoutResolver r;
  SqlPlacement diesel = r.place(projects() / "diesel/2024-01-01-000000_create_users/down.sql");
  CHECK(diesel.role.layout == Layout::diesel);
  CHECK(diesel.role.down);
  CHECK(diesel.role.version == "2024-01-01-000000");
  CHECK(r.place(projects() / "prisma/20240101000000_init/migration.sql").role.layout ==
        Layout::prisma);
  CHECK(r.place(projects() / "sqitch/verify/users.sql").role.skip);
  SqlPlacement deploy = r.place(projects() / "sqitch/deploy/users_index.sql");
  CHECK(deploy.role.plan_order == 2);
  CHECK(r.place(projects() / "popx/20240101000000_networks.mysql.up.sql").role.skip);
  CHECK(r.place(projects() / "popx/20240102000000_index.up.sql").role.skip);  // .postgres. wins
  CHECK(r.place(projects() / "popx/20240103000000_index2.postgres.autocommit.up.sql")
            .role.no_transaction);
  SqlPlacement flyway = r.place(projects() / "flyway/V1_2_10__zz_again.sql");
  CHECK(flyway.role.version == "1.2.10");
  CHECK(r.place(projects() / "flyway/R__views.sql").role.repeatable);
}

TEST_CASE("a golang-migrate name decides before a dbmate marker, and a tie still goes to dbmate") {
  // `N_name.up.sql` is golang-migrate's even when the file starts with dbmate's marker (its
  // name decides, so detection needs no read of the file).
  schemagate::test::TempDir golang("golang-with-marker");
  schemagate::test::write(golang.path() / "1_users.up.sql",
                          "-- migrate:up\nCREATE TABLE users (id int);\n");
  schemagate::test::write(golang.path() / "1_users.down.sql", "DROP TABLE users;\n");
  CHECK(detect_layout(golang.path()) == Layout::golang_migrate);
  // As many dbmate files as golang-migrate ones: dbmate.
  schemagate::test::TempDir tie("dbmate-tie");
  schemagate::test::write(tie.path() / "2_orders.sql",
                          "-- migrate:up\nCREATE TABLE orders (id int);\n");
  schemagate::test::write(tie.path() / "1_users.up.sql", "CREATE TABLE users (id int);\n");
  CHECK(detect_layout(tie.path()) == Layout::dbmate);
}

TEST_CASE("numbered SQL files are one history, and one numbered file alone stays bare") {
  CHECK(detect_layout(projects() / "numbered") == Layout::numbered);
  schemagate::test::TempDir one("one-numbered");
  schemagate::test::write(one.path() / "001_only.sql", "SELECT 1;\n");
  schemagate::test::write(one.path() / "notes.sql", "SELECT 1;\n");
  CHECK(detect_layout(one.path()) == Layout::sql);
  LayoutResolver r;
  SqlPlacement stray = r.place(projects() / "numbered/notes.sql");
  CHECK(stray.role.layout == Layout::sql);
  CHECK(stray.role.outside_history);
  SqlPlacement ten = r.place(projects() / "numbered/010_index_name.sql");
  SqlPlacement two = r.place(projects() / "numbered/002-widen-name.sql");
  CHECK(ten.role.version == "010");
  CHECK(runs_before(two.role, ten.role));  // by number, not by name
}

TEST_CASE("a layout override replaces detection") {
  DiscoverOptions options;
  options.layout_overrides["*golang_migrate"] = Layout::sql;
  Discovery d = discover({(projects() / "golang_migrate").generic_string()}, options);
  CHECK(group_with(d, Layout::golang_migrate) == nullptr);
  CHECK(d.groups.size() == 9);  // each file alone
}

TEST_CASE("exclude globs: components, ** for any depth, a folder covers its files") {
  CHECK(glob_match("legacy/**", "legacy/a.sql"));
  CHECK(glob_match("legacy/**", "legacy/sub/a.sql"));
  CHECK(glob_match("legacy/**", "legacy"));
  CHECK_FALSE(glob_match("legacy/**", "db/legacy/a.sql"));  // anchored: it has a `/`
  CHECK(glob_match("**/legacy/**", "db/legacy/a.sql"));
  CHECK(glob_match("**/legacy/**", "legacy/a.sql"));  // `**/` matches no folder too
  CHECK(glob_match("**/x/**", "a/b/x/c/d.py"));
  CHECK_FALSE(glob_match("**/x/**", "a/bx/c.py"));
  CHECK(glob_match("*.down.sql", "migrations/0001_a.down.sql"));        // no `/`: any depth
  CHECK_FALSE(glob_match("migrations/*.sql", "migrations/sub/a.sql"));  // `*` stays in a name
  CHECK(glob_match("migrations/*", "migrations/sub/a.sql"));            // the folder `sub`
  CHECK(glob_match("db/legacy", "db/legacy/0001.sql"));
  CHECK_FALSE(glob_match("db/leg", "db/legacy/0001.sql"));
}

TEST_CASE("exclude globs are relative to their base folder") {
  fs::path base = projects();
  PathFilter filter({{"golang_migrate/*.down.sql", base.generic_string()}, {"**/flyway", ""}});
  CHECK(filter.excluded((base / "golang_migrate/000001_create_users.down.sql").generic_string()));
  CHECK_FALSE(
      filter.excluded((base / "golang_migrate/000001_create_users.up.sql").generic_string()));
  CHECK(filter.excluded((base / "flyway/V1__create_accounts.sql").generic_string()));  // base: here
}

TEST_CASE("excluded paths are context: not reported, still part of their project") {
  DiscoverOptions options;
  options.exclude = {{"*.down.sql", ""}, {"**/flyway", ""}};
  Discovery d = discover(
      {(projects() / "golang_migrate").generic_string(), (projects() / "flyway").generic_string()},
      options);
  const SourceGroup* g = group_with(d, Layout::golang_migrate);
  REQUIRE(g != nullptr);
  for (const SourceRef& f : g->files) {
    bool down = f.path.ends_with(".down.sql");
    CHECK(f.excluded == down);
    CHECK(f.context_only == down);
  }
  // Nothing of the flyway folder is reported: it is left out, and counted as found.
  CHECK(group_with(d, Layout::flyway) == nullptr);
  REQUIRE(d.left_out.size() == 2);
  CHECK(d.left_out[0] == 0);
  CHECK(d.left_out[1] > 0);
}

TEST_CASE("a SQL file named alone is linted with its folder as context") {
  fs::path file = projects() / "golang_migrate/000002_index_users.up.sql";
  Discovery d = discover({file.generic_string()});
  REQUIRE(d.groups.size() == 1);
  const SourceGroup& g = d.groups.front();
  CHECK(g.layout == Layout::golang_migrate);
  CHECK(g.files.size() == 9);
  for (const SourceRef& f : g.files) CHECK(f.context_only == (f.path != file.generic_string()));
  // The same findings as when the whole folder is linted, for this file only.
  LintResult one = lint_paths({file.generic_string()}, LintOptions{});
  std::vector<std::string> rules;
  for (const Diagnostic& diag : one.diagnostics) {
    CHECK(diag.path == file.generic_string());
    rules.push_back(diag.rule);
  }
  std::sort(rules.begin(), rules.end());
  CHECK(rules == std::vector<std::string>{"missing-downgrade", "require-concurrent-index-creation",
                                          "require-lock-timeout"});
}

TEST_CASE("templates are expanded to neutral identifiers of the same length") {
  sql::Expanded e = sql::expand_templates("SELECT * FROM ${schema}.t WHERE a = :v::int", {});
  CHECK(e.text == "SELECT * FROM _schema__.t WHERE a = _v::int");
  e = sql::expand_templates("{{ if .X }}SELECT :'name'{{ end }}", {});
  CHECK(e.text == "           SELECT '_name'         ");
  e = sql::expand_templates("SELECT ':x', $$ :y $$ -- :z\n", {});
  CHECK(e.edits.empty());  // psql leaves strings, dollar quotes and comments alone
  e = sql::expand_templates("CREATE TABLE ${schema}.t ()", {{"schema", "a_long_schema_name"}});
  CHECK(e.text == "CREATE TABLE a_long_schema_name.t ()");
  CHECK(e.to_source({13, 31}) == ByteRange{13, 22});  // the placeholder itself
  CHECK(e.to_source({32, 33}) == ByteRange{23, 24});  // after it: shifted back
  e = sql::expand_templates("\\set n 5\nSELECT :n;", {});
  CHECK(e.text == "        \nSELECT 5;");
  SourceFile f{"x.sql", "CREATE INDEX i ON {{ .Table }} (a);\nSELEC 1;"};
  Migration m = sql::parse_file(f);
  REQUIRE(m.issues.size() == 1);
  CHECK(m.issues[0].range.begin == f.text.find("SELEC"));
}

TEST_CASE("a template inside a quoted identifier is expanded with its own quotes") {
  // gobuffalo/pop: the action's own quotes don't end the identifier around it.
  const std::string sql = R"(ALTER TABLE "{{ index .Options "Namespace" }}".users ADD x int)";
  sql::Expanded e = sql::expand_templates(sql, {{"Namespace", "auth"}});
  CHECK(e.text == R"(ALTER TABLE "auth".users ADD x int)");
  CHECK(e.to_source({13, 17}) == ByteRange{13, 45});  // the action itself
  CHECK(e.to_source({19, 24}) == ByteRange{47, 52});  // `users`, after it
  e = sql::expand_templates(sql, {});
  CHECK(e.text == R"(ALTER TABLE "_namespace______________________".users ADD x int)");
  e = sql::expand_templates(R"(SELECT 'a{{ "'" }}b', "${x}", '${y}')", {{"x", "X"}, {"y", "Y"}});
  CHECK(e.text == "SELECT 'a_________b', \"X\", 'Y'");
  SourceFile f{"x.sql", "CREATE INDEX i ON \"{{ index .Options \"Namespace\" }}\".t (a); SELEC 1;"};
  Migration m = sql::parse_file(f, {{"Namespace", "auth"}});
  REQUIRE(m.issues.size() == 1);
  CHECK(m.issues[0].range.begin == f.text.find("SELEC"));
  REQUIRE(m.upgrade.size() == 1);
  CHECK(m.upgrade[0].range == ByteRange{0, f.text.find(';')});
}
