// Hostile input, end to end: the real binary on inputs made at run time (huge, deep, binary,
// looping, unreadable, ...). Each gets a clear diagnostic or a clean result, the run ends (the
// suite's ctest TIMEOUT bounds the time) within a generous memory bound (the child's peak
// resident set, from wait4), and the other files are still linted. schemagate never writes to
// the linted tree and never runs the code it reads.
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <tuple>
#include <vector>
#include "support.hpp"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

using schemagate::test::slurp;
using schemagate::test::write;

// Peak memory allowed for one run. The sanitizers' shadow memory and quarantine take more.
#if defined(__SANITIZE_ADDRESS__)
constexpr long kMaxRssKb = 6L << 20U;  // 6 GiB
#else
constexpr long kMaxRssKb = 3L << 20U;  // 3 GiB
#endif

struct Run {
  int exit_code = -1;
  std::string out;
  std::string err;
  long max_rss_kb = 0;  // peak resident set of the schemagate process
};

// A fresh folder under the temporary directory, removed (permissions restored) at the end.
class TempDir {
 public:
  explicit TempDir(const std::string& name) {
    static int counter = 0;
    path_ = fs::temp_directory_path() / ("schemagate-hostile-" + std::to_string(::getpid()) + "-" +
                                         std::to_string(++counter) + "-" + name);
    fs::remove_all(path_);
    fs::create_directories(path_);
    // Traversable by the unprivileged user that some tests run the binary as.
    fs::permissions(path_, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                               fs::perms::others_read | fs::perms::others_exec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    // Folders a test made unreadable are made readable again (chmod -R fixes a folder before
    // it reads it, and follows no symbolic link).
    std::string cmd = "chmod -R u+rwx '" + path_.string() + "' 2>/dev/null";
    (void)std::system(cmd.c_str());
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  [[nodiscard]] const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

// Runs the schemagate binary with `args` in `dir`; as an unprivileged user (nobody) when
// `unprivileged` and the tests run as root (root reads files whatever their mode).
Run run(const std::vector<std::string>& args, const fs::path& dir, bool unprivileged = false) {
  TempDir io("io");
  fs::path out = io.path() / "out";
  fs::path err = io.path() / "err";
  std::vector<std::string> argv;
  if (unprivileged && ::geteuid() == 0) {
    argv = {"/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"};
  }
  argv.emplace_back(SCHEMAGATE_BINARY);
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<char*> cargv;
  for (std::string& a : argv) cargv.push_back(a.data());
  cargv.push_back(nullptr);
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    int o = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int e = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (o < 0 || e < 0 || ::dup2(o, 1) < 0 || ::dup2(e, 2) < 0 || ::chdir(dir.c_str()) != 0) {
      ::_exit(127);
    }
    ::setenv("NO_COLOR", "1", 1);
    ::execv(cargv[0], cargv.data());
    ::_exit(127);
  }
  int status = 0;
  struct rusage usage {};
  REQUIRE(::wait4(pid, &status, 0, &usage) == pid);
  Run r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = slurp(out);
  r.err = slurp(err);
  r.max_rss_kb = usage.ru_maxrss;
  INFO("schemagate " << args.front() << " stderr: " << r.err.substr(0, 2000));
  CHECK(WIFEXITED(status));  // never killed by a signal (a crash)
  CHECK(r.exit_code != 127);
  return r;
}

// `lint --format json` in `dir`: the document, after checking that the run ended normally.
json lint_json(const fs::path& dir, std::vector<std::string> paths = {"."},
               bool unprivileged = false, int* exit_code = nullptr) {
  std::vector<std::string> args{"lint", "--format", "json"};
  args.insert(args.end(), paths.begin(), paths.end());
  Run r = run(args, dir, unprivileged);
  CHECK(r.max_rss_kb < kMaxRssKb);
  if (exit_code != nullptr) *exit_code = r.exit_code;
  INFO("stdout: " << r.out.substr(0, 2000) << "\nstderr: " << r.err.substr(0, 2000));
  REQUIRE(json::accept(r.out));
  return json::parse(r.out);
}

// The diagnostics of a document as "path:line:col rule" strings.
std::multiset<std::string> findings(const json& doc) {
  std::multiset<std::string> out;
  for (const auto& d : doc["diagnostics"]) {
    out.insert(d["path"].get<std::string>() + ":" + std::to_string(d["line"].get<int>()) + ":" +
               std::to_string(d["column"].get<int>()) + " " + d["rule"].get<std::string>());
  }
  return out;
}

// The first diagnostic of `rule` on `path`, or null.
const json* find(const json& doc, const std::string& path, const std::string& rule) {
  for (const auto& d : doc["diagnostics"]) {
    if (d["path"] == path && d["rule"] == rule) return &d;
  }
  return nullptr;
}

// Every finding is at a real position with a message, and none says schemagate failed.
void check_sane(const json& doc) {
  for (const auto& d : doc["diagnostics"]) {
    INFO(d.dump());
    CHECK(d["line"].get<int>() >= 1);
    CHECK(d["column"].get<int>() >= 1);
    CHECK(!d["message"].get<std::string>().empty());
    CHECK(d["rule"] != "internal-error");
  }
}

std::string repeat(const std::string& s, std::size_t n) {
  std::string out;
  out.reserve(s.size() * n);
  for (std::size_t i = 0; i < n; ++i) out += s;
  return out;
}

const std::string kRevisionHead = "from alembic import op\nimport sqlalchemy as sa\n\n";

std::string revision(const std::string& id, const std::string& parent, const std::string& body) {
  return kRevisionHead + "revision = \"" + id +
         "\"\ndown_revision = " + (parent.empty() ? std::string("None") : "\"" + parent + "\"") +
         "\n\n\ndef upgrade():\n" + body + "\n\ndef downgrade():\n    pass\n";
}

// Every entry of a tree: path → (type, size, modification time, permissions).
using Snapshot = std::map<std::string, std::tuple<int, std::uintmax_t, long long, int>>;

Snapshot snapshot(const fs::path& root) {
  Snapshot out;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    struct stat st {};
    REQUIRE(::lstat(e.path().c_str(), &st) == 0);
    long long mtime = static_cast<long long>(st.st_mtim.tv_sec) * 1000000000LL + st.st_mtim.tv_nsec;
    out[fs::relative(e.path(), root).generic_string()] = {
        static_cast<int>(st.st_mode & S_IFMT), static_cast<std::uintmax_t>(st.st_size), mtime,
        static_cast<int>(st.st_mode & 07777)};
  }
  return out;
}

}  // namespace

TEST_CASE("hostile: a 50 MB SQL file is linted whole, in bounded memory") {
  TempDir dir("big");
  const std::string stmt = "SELECT id, name FROM orders WHERE customer_id = 42;\n";
  const std::size_t n = (std::size_t{50} << 20U) / stmt.size();
  {
    std::ofstream big(dir.path() / "big.sql", std::ios::binary);
    for (std::size_t i = 0; i < n; ++i) big << stmt;
    big << "DROP TABLE orders;\n";
  }
  write(dir.path() / "other.sql", "DROP TABLE customers;\n");
  json doc = lint_json(dir.path());
  check_sane(doc);
  CHECK(doc["summary"]["files"] == 2);
  const json* last = find(doc, "./big.sql", "ban-drop-table");
  REQUIRE(last != nullptr);
  CHECK((*last)["line"] == n + 1);
  CHECK(find(doc, "./other.sql", "ban-drop-table") != nullptr);
  for (const auto& d : doc["diagnostics"]) {
    CHECK(d["rule"] != "syntax-error");
    CHECK(d["rule"] != "unsupported-operation");
  }
}

TEST_CASE("hostile: a file of 10,000 statements gets a finding on each") {
  TempDir dir("many");
  std::string text;
  for (int i = 0; i < 10000; ++i) text += "CREATE INDEX ix_" + std::to_string(i) + " ON t (c);\n";
  write(dir.path() / "many.sql", text);
  json doc = lint_json(dir.path());
  check_sane(doc);
  std::set<int> lines;
  for (const auto& d : doc["diagnostics"]) {
    if (d["rule"] == "require-concurrent-index-creation") lines.insert(d["line"].get<int>());
  }
  CHECK(lines.size() == 10000);
  CHECK(*lines.begin() == 1);
  CHECK(*lines.rbegin() == 10000);
}

TEST_CASE("hostile: deeply nested SQL gets a diagnostic per statement, the rest is linted") {
  TempDir dir("deep-sql");
  std::vector<std::string> lines = {
      "SELECT 1" + repeat("+1", 100000) + ";",
      "SELECT " + repeat("(", 100000) + "1" + repeat(")", 100000) + ";",
      "SELECT " + repeat("f(", 5000) + "1" + repeat(")", 5000) + ";",
      "SELECT 1" + repeat(" UNION SELECT 1", 20000) + ";",
      "SELECT 1" + repeat("::int", 50000) + ";",
      "SELECT " + repeat("NOT ", 20000) + "true;",
      "SELECT " + repeat("CASE WHEN true THEN ", 3000) + "1" + repeat(" END", 3000) + ";",
      "ALTER TABLE t ADD COLUMN c int DEFAULT " + repeat("coalesce(", 3000) + "1" +
          repeat(")", 3000) + ";",
      "DO $$ BEGIN " + repeat("BEGIN ", 3000) + "DROP TABLE inner_t; " + repeat("END; ", 3000) +
          "END $$;",
      "DO $a$ BEGIN " + repeat("EXECUTE 'x'; ", 1) + "END $a$;",
      "DROP TABLE t;",
  };
  std::string text;
  for (const std::string& l : lines) text += l + "\n";
  write(dir.path() / "deep.sql", text);
  json doc = lint_json(dir.path());
  check_sane(doc);
  // Each of the first nine lines: one clear diagnostic at its start.
  for (int line = 1; line <= 9; ++line) {
    INFO("line " << line);
    bool reported = false;
    for (const auto& d : doc["diagnostics"]) {
      if (d["line"] != line) continue;
      std::string message = d["message"];
      reported = reported || (d["rule"] == "unsupported-operation" &&
                              message.find("too deeply") != std::string::npos);
    }
    CHECK(reported);
  }
  CHECK(find(doc, "./deep.sql", "dynamic-sql") != nullptr);      // line 10: still analysed
  const json* drop = find(doc, "./deep.sql", "ban-drop-table");  // line 11: still analysed
  REQUIRE(drop != nullptr);
  CHECK((*drop)["line"] == 11);
}

TEST_CASE("hostile: a revision with 10,000 nested brackets is a syntax error, the rest is linted") {
  TempDir dir("deep-py");
  write(dir.path() / "versions" / "a1_deep.py",
        revision("a1", "", "    x = " + repeat("[", 10000) + repeat("]", 10000)));
  write(dir.path() / "versions" / "b2_drop.py",
        revision("b2", "a1", "    op.drop_table(\"users\")"));
  json doc = lint_json(dir.path());
  check_sane(doc);
  const json* syntax = find(doc, "./versions/a1_deep.py", "syntax-error");
  REQUIRE(syntax != nullptr);
  CHECK((*syntax)["line"] == 9);
  CHECK((*syntax)["message"].get<std::string>().find("too many nested parentheses") !=
        std::string::npos);
  CHECK(find(doc, "./versions/b2_drop.py", "ban-drop-table") != nullptr);
}

TEST_CASE("hostile: deeply nested Python is linted as far as it can be followed") {
  TempDir dir("deep-py-code");
  std::string chain = "    x = 1" + repeat(" + 1", 100000);
  std::string calls = "    y = " + repeat("f(", 150) + "1" + repeat(")", 150);
  std::string blocks;
  for (int i = 0; i < 90; ++i) blocks += std::string(4 * (i + 1), ' ') + "if x:\n";
  blocks += std::string(4 * 91, ' ') + "op.drop_table(\"deep\")";
  write(dir.path() / "versions" / "a1_deep.py",
        revision("a1", "", chain + "\n" + calls + "\n" + blocks));
  write(dir.path() / "versions" / "b2_drop.py",
        revision("b2", "a1", "    op.drop_table(\"users\")"));
  json doc = lint_json(dir.path());
  check_sane(doc);
  CHECK(find(doc, "./versions/b2_drop.py", "ban-drop-table") != nullptr);
}

TEST_CASE("hostile: NUL bytes and invalid UTF-8 get invalid-encoding, the rest is linted") {
  TempDir dir("encoding");
  write(dir.path() / "nul.sql", std::string("DROP TABLE a;\nSELECT 1;\0\n", 25));
  write(dir.path() / "latin1.sql", "DROP TABLE b;\n-- caf\xe9\n");
  write(dir.path() / "truncated.sql", "DROP TABLE c; -- \xe2\x82");
  write(dir.path() / "versions" / "a1_nul.py",
        revision("a1", "", std::string("    op.drop_table(\"x\")\0", 23)));
  write(dir.path() / "ok.sql", "DROP TABLE d;\n");
  json doc = lint_json(dir.path());
  check_sane(doc);
  std::multiset<std::string> f = findings(doc);
  CHECK(f.count("./nul.sql:2:10 invalid-encoding") == 1);
  CHECK(f.count("./latin1.sql:2:7 invalid-encoding") == 1);
  CHECK(f.count("./truncated.sql:1:18 invalid-encoding") == 1);
  const json* py = find(doc, "./versions/a1_nul.py", "invalid-encoding");
  REQUIRE(py != nullptr);
  CHECK((*py)["line"] == 9);
  CHECK(f.count("./ok.sql:1:1 ban-drop-table") == 1);
  // A file that is not text is not linted at all: no finding but its encoding.
  for (const auto& d : doc["diagnostics"]) {
    if (d["path"] != "./ok.sql") CHECK(d["rule"] == "invalid-encoding");
  }
}

TEST_CASE("hostile: symbolic links are never followed out of the linted folder, loops end") {
  TempDir dir("links");
  const fs::path tree = dir.path() / "tree";
  write(dir.path() / "outside" / "secret.sql", "DROP TABLE secret;\n");
  write(dir.path() / "outside" / "dir" / "also.sql", "DROP TABLE also;\n");
  write(dir.path() / "outside" / "b9_out.py", revision("b9", "", "    op.drop_table(\"py\")"));
  write(tree / "ok.sql", "DROP TABLE ok;\n");
  fs::create_directories(tree / "sub");
  fs::create_symlink("loop.sql", tree / "loop.sql");
  fs::create_symlink("b.sql", tree / "a.sql");
  fs::create_symlink("a.sql", tree / "b.sql");
  fs::create_directory_symlink("..", tree / "sub" / "up");
  fs::create_directory_symlink(tree, tree / "sub" / "self");
  fs::create_symlink("../outside/secret.sql", tree / "out.sql");
  fs::create_symlink(dir.path() / "outside" / "b9_out.py", tree / "out.py");
  fs::create_directory_symlink("../outside/dir", tree / "out_dir");
  fs::create_directory_symlink("/", tree / "sub" / "root");
  int exit_code = 0;
  json doc = lint_json(tree, {"."}, false, &exit_code);
  check_sane(doc);
  CHECK(exit_code == 2);  // paths that can't be read
  std::multiset<std::string> f = findings(doc);
  CHECK(f.count("./ok.sql:1:1 ban-drop-table") == 1);
  for (const char* p : {"./loop.sql", "./a.sql", "./b.sql"}) {
    const json* d = find(doc, p, "io-error");
    REQUIRE(d != nullptr);
    CHECK((*d)["message"].get<std::string>().find("symbolic links") != std::string::npos);
  }
  for (const char* p : {"./out.sql", "./out.py"}) {
    const json* d = find(doc, p, "io-error");
    REQUIRE(d != nullptr);
    CHECK((*d)["message"].get<std::string>().find("outside the linted directory") !=
          std::string::npos);
  }
  for (const auto& d : doc["diagnostics"]) {
    std::string path = d["path"];
    CHECK(path.find("secret") == std::string::npos);
    CHECK(path.find("also") == std::string::npos);
    CHECK(path.find("out_dir") == std::string::npos);
    CHECK(path.find("sub/") == std::string::npos);
    if (d["rule"] == "ban-drop-table") CHECK(path == "./ok.sql");
  }
}

TEST_CASE("hostile: an unreadable file or folder is an io-error, the rest is linted") {
  TempDir dir("unreadable");
  const fs::path tree = dir.path() / "tree";
  write(tree / "locked.sql", "DROP TABLE locked;\n");
  write(tree / "closed" / "inner.sql", "DROP TABLE inner_t;\n");
  write(tree / "ok.sql", "DROP TABLE ok;\n");
  fs::permissions(tree, fs::perms::owner_all | fs::perms::others_read | fs::perms::others_exec |
                            fs::perms::group_read | fs::perms::group_exec);
  fs::permissions(tree / "ok.sql", fs::perms::owner_read | fs::perms::owner_write |
                                       fs::perms::others_read | fs::perms::group_read);
  fs::permissions(tree / "locked.sql", fs::perms::none);
  fs::permissions(tree / "closed", fs::perms::none);
  int exit_code = 0;
  json doc = lint_json(tree, {"."}, true, &exit_code);
  check_sane(doc);
  CHECK(exit_code == 2);
  const json* file = find(doc, "./locked.sql", "io-error");
  REQUIRE(file != nullptr);
  CHECK((*file)["message"].get<std::string>().find("Permission denied") != std::string::npos);
  const json* folder = find(doc, "./closed", "io-error");
  REQUIRE(folder != nullptr);
  CHECK((*folder)["message"].get<std::string>().find("Permission denied") != std::string::npos);
  CHECK(findings(doc).count("./ok.sql:1:1 ban-drop-table") == 1);
  for (const auto& d : doc["diagnostics"]) {
    if (d["rule"] == "ban-drop-table") CHECK(d["path"] == "./ok.sql");
  }
}

TEST_CASE("hostile: FIFOs and devices in a linted folder are reported, never read") {
  TempDir dir("fifo");
  write(dir.path() / "ok.sql", "DROP TABLE ok;\n");
  REQUIRE(::mkfifo((dir.path() / "pipe.sql").c_str(), 0644) == 0);
  REQUIRE(::mkfifo((dir.path() / "alembic.ini").c_str(), 0644) == 0);
  fs::create_symlink("/dev/zero", dir.path() / "zero.sql");
  int exit_code = 0;
  json doc = lint_json(dir.path(), {"."}, false, &exit_code);
  check_sane(doc);
  CHECK(exit_code == 2);
  for (const char* p : {"./pipe.sql", "./alembic.ini"}) {
    const json* d = find(doc, p, "io-error");
    REQUIRE(d != nullptr);
    CHECK((*d)["message"].get<std::string>().find("not a regular file") != std::string::npos);
  }
  CHECK(find(doc, "./zero.sql", "io-error") != nullptr);
  CHECK(findings(doc).count("./ok.sql:1:1 ban-drop-table") == 1);
}

TEST_CASE("hostile: a folder of 100,000 empty files") {
  TempDir dir("empty-files");
  const fs::path many = dir.path() / "many";
  fs::create_directories(many);
  for (int i = 0; i < 100000; ++i) {
    std::ofstream(many / ("m" + std::to_string(i) + ".sql"));
  }
  write(dir.path() / "ok.sql", "DROP TABLE ok;\n");
  json doc = lint_json(dir.path());
  check_sane(doc);
  CHECK(doc["summary"]["files"] == 100001);
  std::multiset<std::string> f = findings(doc);
  CHECK(f.count("./ok.sql:1:1 ban-drop-table") == 1);
  for (const auto& d : doc["diagnostics"]) CHECK(d["path"] == "./ok.sql");
}

TEST_CASE("hostile: lint, explain, graph and config never write to the tree or run its code") {
  TempDir dir("readonly");
  const fs::path tree = dir.path() / "project";
  const fs::path sentinel = dir.path() / "sentinel";
  fs::create_directories(sentinel);
  // Code that would leave a trace if it ever ran, at import and at call time.
  const std::string trace =
      "import os\nimport subprocess\nopen(r\"" + (sentinel / "opened").string() +
      "\", \"w\").write(\"ran\")\nos.system(\"touch " + (sentinel / "system").string() +
      "\")\nsubprocess.run([\"touch\", r\"" + (sentinel / "subprocess").string() + "\"])\n";
  write(tree / "alembic.ini", "[alembic]\nscript_location = %(here)s/migrations\n");
  write(tree / "app" / "__init__.py", "");
  write(tree / "app" / "helpers.py",
        kRevisionHead + trace + "\n\ndef add_index(name):\n    os.system(\"touch " +
            (sentinel / "called").string() +
            "\")\n    op.create_index(name, \"users\", [\"email\"])\n");
  write(tree / "migrations" / "env.py", trace);
  write(tree / "migrations" / "versions" / "a1_base.py",
        trace +
            revision("a1", "", "    op.create_table(\"users\", sa.Column(\"id\", sa.Integer()))"));
  write(
      tree / "migrations" / "versions" / "b2_index.py",
      "from app.helpers import add_index\n" + trace +
          revision("b2", "a1", "    exec(\"open('x', 'w')\")\n    add_index(\"ix_users_email\")"));
  write(tree / "sql" / "001_drop.sql",
        "DROP TABLE legacy;\n\\! touch " + (sentinel / "psql").string() + "\n");
  write(tree / ".schemagate.yaml", "pg_version: 15\n");
  const Snapshot before = snapshot(tree);
  json doc = lint_json(tree);
  check_sane(doc);
  // The helper was read (statically): its index is found at the call in the revision.
  CHECK(find(doc, "./migrations/versions/b2_index.py", "require-concurrent-index-creation") !=
        nullptr);
  CHECK(find(doc, "./sql/001_drop.sql", "ban-drop-table") != nullptr);
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{"explain", "."},
                                             {"explain", "--format", "json", "."},
                                             {"graph", "."},
                                             {"graph", "--format", "json", "."},
                                             {"config", "."},
                                             {"lint", "migrations/versions/b2_index.py"},
                                             {"lint", "sql/001_drop.sql"}}) {
    Run r = run(args, tree);
    INFO(args.front() << ": " << r.err);
    CHECK(r.exit_code <= 1);
    CHECK(r.max_rss_kb < kMaxRssKb);
  }
  CHECK(snapshot(tree) == before);
  CHECK(fs::is_empty(sentinel));
  CHECK(!fs::exists(tree / "x"));
}

TEST_CASE("hostile: a configuration that expands or nests without bound is an error") {
  TempDir dir("config");
  write(dir.path() / "t.sql", "DROP TABLE t;\n");
  // Aliases of aliases: a few lines that expand to 10^12 values.
  std::string bomb = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i <= 12; ++i) {
    bomb += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
    for (int j = 0; j < 10; ++j) bomb += (j != 0 ? ", *a" : "*a") + std::to_string(i - 1);
    bomb += "]\n";
  }
  bomb += "exclude: *a12\n";
  // Block mappings nested by indentation, three thousand deep.
  std::string indented = "rules:\n";
  for (std::size_t i = 1; i < 3000; ++i) indented += std::string(i, ' ') + "x:\n";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {bomb, "more than 100000 values"},
      {"exclude: " + repeat("[", 5000) + repeat("]", 5000) + "\n", "nested too deeply"},
      {indented, "nested too deeply"},
  };
  for (const auto& [text, message] : cases) {
    write(dir.path() / ".schemagate.yaml", text);
    Run r = run({"lint", "."}, dir.path());
    INFO(r.err.substr(0, 500));
    CHECK(r.exit_code == 2);
    CHECK(r.err.find(".schemagate.yaml:") != std::string::npos);
    CHECK(r.err.find(message) != std::string::npos);
    CHECK(r.max_rss_kb < kMaxRssKb);
  }
  fs::remove(dir.path() / ".schemagate.yaml");
  write(dir.path() / "pyproject.toml",
        "[tool.schemagate]\nexclude = " + repeat("[", 5000) + repeat("]", 5000) + "\n");
  Run r = run({"lint", "."}, dir.path());
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("pyproject.toml:2:") != std::string::npos);
}

TEST_CASE("hostile: an alembic.ini in a folder whose name holds %(here)s") {
  TempDir dir("here");
  const fs::path project = dir.path() / "%(here)s";
  write(project / "alembic.ini", "[alembic]\nscript_location = %(here)s/migrations\n");
  write(project / "migrations" / "versions" / "a1_drop.py",
        revision("a1", "", "    op.drop_table(\"users\")"));
  json doc = lint_json(project);
  check_sane(doc);
  CHECK(find(doc, "./migrations/versions/a1_drop.py", "ban-drop-table") != nullptr);
}

TEST_CASE("hostile: a dbmate migration whose marker line is a megabyte long") {
  // std::regex recursed once per character of the line (a stack overflow past ~100 KB).
  TempDir dir("dbmate");
  write(dir.path() / "20240101000000_long.sql",
        "-- migrate:up " + std::string(std::size_t{1} << 20U, 'x') +
            "\nDROP TABLE t;\n-- migrate:down\nSELECT 1;\n");
  json doc = lint_json(dir.path());
  check_sane(doc);
  const json* drop = find(doc, "./20240101000000_long.sql", "ban-drop-table");
  REQUIRE(drop != nullptr);
  CHECK((*drop)["line"] == 2);
}
