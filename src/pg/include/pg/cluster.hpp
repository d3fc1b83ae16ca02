// A private PostgreSQL cluster for one run: initdb into a fresh temporary folder, a server that
// listens only on a Unix socket in that folder, run as an unprivileged user when this process is
// root (PostgreSQL refuses to run as root), stopped and its folder removed when the Cluster is
// destroyed (also when a test throws). The lock model's differential suite uses it; so can any
// command that needs a real server.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

struct pg_conn;

namespace schemagate::pg {

// Why a cluster could not be set up (no initdb, a server that won't start: with its log's tail).
class ClusterError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A failed query: its SQLSTATE ("25001", ...) and PostgreSQL's message.
class QueryError : public std::runtime_error {
 public:
  QueryError(std::string sqlstate, const std::string& message)
      : std::runtime_error(message), sqlstate_(std::move(sqlstate)) {}
  [[nodiscard]] const std::string& sqlstate() const { return sqlstate_; }

 private:
  std::string sqlstate_;
};

// The server binaries' folder: the one holding initdb and postgres on PATH, else the newest
// /usr/lib/postgresql/<major>/bin. Empty when there is none.
[[nodiscard]] std::filesystem::path find_bindir();

// One connection (libpq, over the cluster's Unix socket).
class Connection {
 public:
  explicit Connection(const std::string& conninfo);
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  Connection(Connection&&) noexcept;
  Connection& operator=(Connection&&) noexcept;
  ~Connection();

  // Runs `sql` (one or more statements); throws QueryError when it fails.
  void exec(const std::string& sql);
  // The rows of the last result of `sql`, each a list of text values ("" for NULL).
  std::vector<std::vector<std::string>> query(const std::string& sql);
  // The first value of the first row ("" when there is none).
  std::string value(const std::string& sql);

  // Sends `sql` without waiting (PQsendQuery); finish() collects the outcome, throwing
  // QueryError when it failed.
  void send(const std::string& sql);
  void finish();
  // Has the query sent with send() completed (without blocking)?
  [[nodiscard]] bool done();

  [[nodiscard]] int backend_pid() const;

 private:
  pg_conn* conn_ = nullptr;
};

class Cluster {
 public:
  // initdb and start, with extra server settings ("name=value", passed as -c); throws
  // ClusterError with the reason (and the server log's tail).
  explicit Cluster(const std::vector<std::string>& settings = {});
  Cluster(const Cluster&) = delete;
  Cluster& operator=(const Cluster&) = delete;
  // Stops the server (fast shutdown, then immediate, then SIGKILL) and removes the folder.
  ~Cluster();

  [[nodiscard]] Connection connect(const std::string& database = "postgres") const;
  [[nodiscard]] std::string conninfo(const std::string& database) const;
  // The temporary folder (socket, data/, and anything the caller puts there).
  [[nodiscard]] const std::filesystem::path& dir() const { return dir_; }
  // A folder inside dir() owned by the server's user (for CREATE TABLESPACE ... LOCATION).
  [[nodiscard]] std::filesystem::path make_server_dir(const std::string& name) const;
  [[nodiscard]] pid_t server_pid() const { return server_; }
  [[nodiscard]] int major_version() const { return major_; }
  // The server log's last lines.
  [[nodiscard]] std::string log_tail(std::size_t lines = 20) const;

 private:
  void stop() noexcept;

  std::filesystem::path bindir_;
  std::filesystem::path dir_;
  uid_t uid_ = 0;  // the server's user
  gid_t gid_ = 0;
  pid_t server_ = -1;
  int major_ = 0;
};

}  // namespace schemagate::pg
