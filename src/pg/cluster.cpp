// The private cluster (cluster.hpp): fork + exec of initdb and postgres, as `nobody` when this
// process is root, a Unix socket in the cluster's own folder, and a destructor that always
// stops the server and removes the folder.
#include "pg/cluster.hpp"

#include <fcntl.h>
#include <grp.h>
#include <libpq-fe.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <fstream>
#include <optional>
#include <system_error>
#include <thread>

extern char** environ;

namespace schemagate::pg {

namespace fs = std::filesystem;

namespace {

constexpr int kPort = 5432;  // only names the socket file inside the cluster's folder

bool has_server(const fs::path& dir) {
  std::error_code ec;
  return fs::exists(dir / "initdb", ec) && fs::exists(dir / "postgres", ec);
}

// The leading number of a folder name ("15" of /usr/lib/postgresql/15), or -1.
int major_of(const std::string& name) {
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0])) == 0) return -1;
  return std::atoi(name.c_str());
}

// Runs argv[0] with `argv` as `uid`/`gid` (when this process is root) in `cwd`, its output
// appended to `log`. Returns the child's pid. `keep_with_parent`: the child gets SIGQUIT when
// this process dies (a killed test leaves no server behind).
pid_t spawn(const std::vector<std::string>& args, const fs::path& cwd, const fs::path& log,
            std::optional<std::pair<uid_t, gid_t>> user, bool keep_with_parent) {
  std::vector<char*> argv;
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  // The environment, in the C locale, without libpq's variables that would point elsewhere.
  std::vector<std::string> env_store;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string_view kv(*e);
    if (kv.starts_with("PG") || kv.starts_with("LC_") || kv.starts_with("LANG=")) continue;
    env_store.emplace_back(kv);
  }
  env_store.emplace_back("LC_ALL=C");
  std::vector<char*> envp;
  for (std::string& s : env_store) envp.push_back(s.data());
  envp.push_back(nullptr);
  const std::string cwd_s = cwd.string();
  const std::string log_s = log.string();
  const pid_t parent = ::getpid();

  pid_t pid = ::fork();
  if (pid < 0) throw ClusterError(std::string("fork failed: ") + std::strerror(errno));
  if (pid == 0) {
    int fd = ::open(log_s.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) {
      ::dup2(fd, 1);
      ::dup2(fd, 2);
      ::close(fd);
    }
    int devnull = ::open("/dev/null", O_RDONLY);
    if (devnull >= 0) ::dup2(devnull, 0);
    if (user) {
      if (::setgroups(0, nullptr) != 0 || ::setgid(user->second) != 0 ||
          ::setuid(user->first) != 0) {
        ::_exit(126);
      }
    }
    // After setuid, which clears it.
    if (keep_with_parent) {
      ::prctl(PR_SET_PDEATHSIG, SIGQUIT);
      if (::getppid() != parent) ::_exit(125);
    }
    if (::chdir(cwd_s.c_str()) != 0) ::_exit(124);
    ::execve(argv[0], argv.data(), envp.data());
    ::_exit(127);
  }
  return pid;
}

std::string tail_of(const fs::path& file, std::size_t lines) {
  std::ifstream in(file);
  std::deque<std::string> last;
  for (std::string line; std::getline(in, line);) {
    last.push_back(line);
    if (last.size() > lines) last.pop_front();
  }
  std::string out;
  for (const std::string& l : last) out += "  " + l + "\n";
  return out;
}

}  // namespace

fs::path find_bindir() {
  if (const char* path = std::getenv("PATH")) {
    std::string p(path);
    std::size_t start = 0;
    while (start <= p.size()) {
      std::size_t end = p.find(':', start);
      if (end == std::string::npos) end = p.size();
      fs::path dir = p.substr(start, end - start);
      if (!dir.empty() && has_server(dir)) return dir;
      start = end + 1;
    }
  }
  fs::path best;
  int best_major = -1;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/usr/lib/postgresql", ec)) {
    int major = major_of(entry.path().filename().string());
    if (major > best_major && has_server(entry.path() / "bin")) {
      best_major = major;
      best = entry.path() / "bin";
    }
  }
  return best;
}

// --- Connection ---

Connection::Connection(const std::string& conninfo) : conn_(PQconnectdb(conninfo.c_str())) {
  if (conn_ == nullptr || PQstatus(conn_) != CONNECTION_OK) {
    std::string why = conn_ != nullptr ? PQerrorMessage(conn_) : "out of memory";
    if (conn_ != nullptr) PQfinish(conn_);
    conn_ = nullptr;
    throw ClusterError("cannot connect (" + conninfo + "): " + why);
  }
  PQsetNoticeProcessor(
      conn_, [](void*, const char*) {}, nullptr);
}

Connection::Connection(Connection&& o) noexcept : conn_(o.conn_) { o.conn_ = nullptr; }

Connection& Connection::operator=(Connection&& o) noexcept {
  if (this != &o) {
    if (conn_ != nullptr) PQfinish(conn_);
    conn_ = o.conn_;
    o.conn_ = nullptr;
  }
  return *this;
}

Connection::~Connection() {
  if (conn_ != nullptr) PQfinish(conn_);
}

namespace {

// Throws QueryError for a failed result (and clears it).
void check(PGresult* res, pg_conn* conn) {
  ExecStatusType st = res != nullptr ? PQresultStatus(res) : PGRES_FATAL_ERROR;
  if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_EMPTY_QUERY) return;
  std::string state;
  std::string msg;
  if (res != nullptr) {
    const char* s = PQresultErrorField(res, PG_DIAG_SQLSTATE);
    state = s != nullptr ? s : "";
    msg = PQresultErrorMessage(res);
    PQclear(res);
  } else {
    msg = PQerrorMessage(conn);
  }
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
  throw QueryError(state, msg);
}

}  // namespace

void Connection::exec(const std::string& sql) {
  PGresult* res = PQexec(conn_, sql.c_str());
  check(res, conn_);
  PQclear(res);
}

std::vector<std::vector<std::string>> Connection::query(const std::string& sql) {
  PGresult* res = PQexec(conn_, sql.c_str());
  check(res, conn_);
  std::vector<std::vector<std::string>> rows;
  for (int r = 0; r < PQntuples(res); ++r) {
    std::vector<std::string> row;
    for (int c = 0; c < PQnfields(res); ++c) row.emplace_back(PQgetvalue(res, r, c));
    rows.push_back(std::move(row));
  }
  PQclear(res);
  return rows;
}

std::string Connection::value(const std::string& sql) {
  auto rows = query(sql);
  return rows.empty() || rows[0].empty() ? std::string() : rows[0][0];
}

void Connection::send(const std::string& sql) {
  if (PQsendQuery(conn_, sql.c_str()) == 0) throw QueryError("", PQerrorMessage(conn_));
}

bool Connection::done() {
  if (PQconsumeInput(conn_) == 0) return true;
  return PQisBusy(conn_) == 0;
}

void Connection::finish() {
  std::optional<QueryError> first;
  while (PGresult* res = PQgetResult(conn_)) {
    try {
      check(res, conn_);
      PQclear(res);
    } catch (const QueryError& e) {
      if (!first) first = e;
    }
  }
  if (first) throw *first;
}

int Connection::backend_pid() const { return PQbackendPID(conn_); }

// --- Cluster ---

Cluster::Cluster(const std::vector<std::string>& settings) {
  bindir_ = find_bindir();
  if (bindir_.empty()) {
    throw ClusterError(
        "no PostgreSQL server found: initdb and postgres are neither on PATH nor in "
        "/usr/lib/postgresql/*/bin (Debian: apt-get install postgresql)");
  }
  std::string tmpl = (fs::temp_directory_path() / "schemagate-pg-XXXXXX").string();
  if (::mkdtemp(tmpl.data()) == nullptr) {
    throw ClusterError("cannot create a temporary folder: " + std::string(std::strerror(errno)));
  }
  dir_ = tmpl;
  uid_ = ::getuid();
  gid_ = ::getgid();
  std::optional<std::pair<uid_t, gid_t>> user;
  try {
    if (uid_ == 0) {
      // PostgreSQL refuses to run as root: the server runs as nobody.
      const passwd* pw = ::getpwnam("nobody");
      if (pw == nullptr) throw ClusterError("running as root and there is no user nobody");
      uid_ = pw->pw_uid;
      gid_ = pw->pw_gid;
      user = std::make_pair(uid_, gid_);
      if (::chown(dir_.c_str(), uid_, gid_) != 0) {
        throw ClusterError("cannot chown " + dir_.string() + ": " + std::strerror(errno));
      }
    }
    ::chmod(dir_.c_str(), 0700);
    const fs::path log = dir_ / "server.log";
    { std::ofstream touch(log); }
    if (user && ::chown(log.c_str(), uid_, gid_) != 0) {
      throw ClusterError("cannot chown " + log.string() + ": " + std::strerror(errno));
    }

    pid_t initdb = spawn({(bindir_ / "initdb").string(), "-D", (dir_ / "data").string(), "-U",
                          "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "-N"},
                         dir_, log, user, true);
    int status = 0;
    while (::waitpid(initdb, &status, 0) < 0 && errno == EINTR) {
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      throw ClusterError("initdb failed (exit " +
                         std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1) + "):\n" +
                         log_tail());
    }
    std::vector<std::string> args = {(bindir_ / "postgres").string(),
                                     "-D",
                                     (dir_ / "data").string(),
                                     "-k",
                                     dir_.string(),
                                     "-p",
                                     std::to_string(kPort),
                                     "-c",
                                     "listen_addresses=",
                                     "-c",
                                     "fsync=off",
                                     "-c",
                                     "full_page_writes=off",
                                     "-c",
                                     "synchronous_commit=off",
                                     "-c",
                                     "autovacuum=off",
                                     "-c",
                                     "max_connections=20",
                                     "-c",
                                     "log_min_messages=warning"};
    for (const std::string& s : settings) {
      args.emplace_back("-c");
      args.push_back(s);
    }
    server_ = spawn(args, dir_, log, user, true);
    const std::string info = conninfo("postgres");
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    for (;;) {
      if (PQping(info.c_str()) == PQPING_OK) break;
      int st = 0;
      if (::waitpid(server_, &st, WNOHANG) == server_) {
        server_ = -1;
        throw ClusterError("the PostgreSQL server exited while starting:\n" + log_tail());
      }
      if (std::chrono::steady_clock::now() > deadline) {
        throw ClusterError("the PostgreSQL server did not accept connections within 60 s:\n" +
                           log_tail());
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    major_ = std::atoi(connect().value("SHOW server_version_num").c_str()) / 10000;
  } catch (...) {
    stop();
    throw;
  }
}

Cluster::~Cluster() { stop(); }

void Cluster::stop() noexcept {
  if (server_ > 0) {
    // Fast shutdown; then immediate; then kill.
    for (int sig : {SIGINT, SIGQUIT, SIGKILL}) {
      ::kill(server_, sig);
      bool gone = false;
      for (int i = 0; i < 200 && !gone; ++i) {  // up to 10 s each
        int st = 0;
        pid_t r = ::waitpid(server_, &st, WNOHANG);
        gone = r == server_ || (r < 0 && errno == ECHILD);
        if (!gone) std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
      if (gone) break;
    }
    server_ = -1;
  }
  if (!dir_.empty()) {
    std::error_code ec;
    fs::remove_all(dir_, ec);
    dir_.clear();
  }
}

std::string Cluster::conninfo(const std::string& database) const {
  return "host=" + dir_.string() + " port=" + std::to_string(kPort) +
         " user=postgres connect_timeout=10 dbname=" + database;
}

Connection Cluster::connect(const std::string& database) const {
  return Connection(conninfo(database));
}

fs::path Cluster::make_server_dir(const std::string& name) const {
  fs::path p = dir_ / name;
  fs::create_directories(p);
  if (::getuid() == 0 && ::chown(p.c_str(), uid_, gid_) != 0) {
    throw ClusterError("cannot chown " + p.string() + ": " + std::strerror(errno));
  }
  ::chmod(p.c_str(), 0700);
  return p;
}

std::string Cluster::log_tail(std::size_t lines) const {
  return tail_of(dir_ / "server.log", lines);
}

}  // namespace schemagate::pg
