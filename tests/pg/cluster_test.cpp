// The private cluster (src/pg/cluster.hpp) against the real server: it starts, answers over its
// Unix socket only, and leaves no folder and no process behind, also when a test throws.
#include <signal.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

#include "pg/cluster.hpp"

namespace {

namespace fs = std::filesystem;
using schemagate::pg::Cluster;

bool process_alive(pid_t pid) { return ::kill(pid, 0) == 0 || errno == EPERM; }

// Any process whose command line names `dir` (a backend or server of that cluster).
bool any_process_mentions(const fs::path& dir) {
  for (const auto& e : fs::directory_iterator("/proc")) {
    std::string name = e.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream in(e.path() / "cmdline", std::ios::binary);
    std::string cmd((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (cmd.find(dir.string()) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("private cluster: starts, answers on its socket, stops and leaves nothing") {
  fs::path dir;
  pid_t server = -1;
  {
    Cluster cluster;
    dir = cluster.dir();
    server = cluster.server_pid();
    REQUIRE(fs::exists(dir / "data" / "PG_VERSION"));
    REQUIRE(fs::exists(dir / ".s.PGSQL.5432"));
    REQUIRE(process_alive(server));
    auto conn = cluster.connect();
    CHECK(conn.value("SELECT 40 + 2") == "42");
    CHECK(conn.value("SHOW listen_addresses").empty());
    CHECK(conn.value("SHOW fsync") == "off");
    CHECK(cluster.major_version() >= 11);
    // Its data folder is inside the temporary folder.
    CHECK(conn.value("SELECT current_setting('data_directory')") == (dir / "data").string());
    conn.exec("CREATE TABLE x (a int); INSERT INTO x VALUES (1), (2)");
    CHECK(conn.value("SELECT count(*) FROM x") == "2");
    CHECK_THROWS_AS(conn.exec("SELECT * FROM missing"), schemagate::pg::QueryError);
  }
  CHECK_FALSE(fs::exists(dir));
  CHECK_FALSE(process_alive(server));
  CHECK_FALSE(any_process_mentions(dir));
}

TEST_CASE("private cluster: stopped and removed when the test throws") {
  fs::path dir;
  pid_t server = -1;
  try {
    Cluster cluster;
    dir = cluster.dir();
    server = cluster.server_pid();
    auto conn = cluster.connect();
    conn.exec("BEGIN");  // a session still open when the cluster goes
    throw std::runtime_error("a failing test");
  } catch (const std::runtime_error& e) {
    CHECK(std::string(e.what()) == "a failing test");
  }
  REQUIRE_FALSE(dir.empty());
  CHECK_FALSE(fs::exists(dir));
  CHECK_FALSE(process_alive(server));
  CHECK_FALSE(any_process_mentions(dir));
}

TEST_CASE("private cluster: a server that won't start says why, with its log") {
  try {
    Cluster cluster({"shared_buffers=not-a-size"});
    FAIL("the server started with an invalid setting");
  } catch (const schemagate::pg::ClusterError& e) {
    std::string what = e.what();
    CHECK(what.find("exited while starting") != std::string::npos);
    CHECK(what.find("shared_buffers") != std::string::npos);
  }
}
