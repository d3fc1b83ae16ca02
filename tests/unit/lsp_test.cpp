// `schemagate lsp` end to end: the real binary driven over pipes by a scripted JSON-RPC client.
// The lifecycle, document sync (full and incremental, UTF-16 positions), pushed and pulled
// diagnostics matching `schemagate lint --format json`, the project's context and
// configuration, hover, code actions applied and re-linted, and broken input of every kind
// answered with JSON-RPC errors while the server stays up.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>
#include "support.hpp"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

using schemagate::test::Run;
using schemagate::test::slurp;
using schemagate::test::TempDir;
using schemagate::test::write;

// Long enough for the sanitizer build on a busy machine; a healthy run answers in milliseconds.
constexpr int kTimeoutMs = 30000;

std::string uri(const fs::path& p) { return "file://" + p.generic_string(); }

// The schemagate language server as a child process, with a scripted client.
class Client {
 public:
  explicit Client(const fs::path& cwd, std::vector<std::string> args = {"lsp"}) {
    int in[2];
    int out[2];
    REQUIRE(::pipe(in) == 0);
    REQUIRE(::pipe(out) == 0);
    pid_ = ::fork();
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      ::dup2(in[0], 0);
      ::dup2(out[1], 1);
      ::close(in[1]);
      ::close(out[0]);
      if (::chdir(cwd.c_str()) != 0) ::_exit(127);
      std::vector<std::string> argv{SCHEMAGATE_BINARY};
      argv.insert(argv.end(), args.begin(), args.end());
      std::vector<char*> cargv;
      for (std::string& a : argv) cargv.push_back(a.data());
      cargv.push_back(nullptr);
      ::execv(cargv[0], cargv.data());
      ::_exit(127);
    }
    ::close(in[0]);
    ::close(out[1]);
    to_ = in[1];
    from_ = out[0];
    ::signal(SIGPIPE, SIG_IGN);
  }
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;
  ~Client() {
    if (to_ >= 0) ::close(to_);
    if (pid_ > 0 && !exited_) {
      ::kill(pid_, SIGKILL);
      int status = 0;
      ::waitpid(pid_, &status, 0);
    }
    if (from_ >= 0) ::close(from_);
  }

  void send_raw(const std::string& bytes) {
    std::size_t done = 0;
    while (done < bytes.size()) {
      ssize_t n = ::write(to_, bytes.data() + done, bytes.size() - done);
      REQUIRE(n > 0);
      done += static_cast<std::size_t>(n);
    }
  }
  static std::string framed(const json& m) {
    std::string body = m.dump();
    return "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  }
  void send(const json& m) { send_raw(framed(m)); }
  int request(const std::string& method, const json& params) {
    int id = ++next_id_;
    send({{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", params}});
    return id;
  }
  void notify(const std::string& method, const json& params) {
    send({{"jsonrpc", "2.0"}, {"method", method}, {"params", params}});
  }

  // The next message, or nullopt when none comes within `timeout_ms`.
  std::optional<json> read(int timeout_ms = kTimeoutMs) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    for (;;) {
      auto end = buffer_.find("\r\n\r\n");
      if (end != std::string::npos) {
        auto colon = buffer_.find(':');
        std::size_t length = std::stoul(buffer_.substr(colon + 1, end - colon - 1));
        if (buffer_.size() >= end + 4 + length) {
          json m = json::parse(buffer_.substr(end + 4, length));
          buffer_.erase(0, end + 4 + length);
          return m;
        }
      }
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                      deadline - std::chrono::steady_clock::now())
                      .count();
      if (left <= 0) return std::nullopt;
      pollfd p{from_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left)) <= 0) return std::nullopt;
      char chunk[65536];
      ssize_t n = ::read(from_, chunk, sizeof chunk);
      if (n <= 0) return std::nullopt;
      buffer_.append(chunk, static_cast<std::size_t>(n));
    }
  }

  // The first message that `pred` accepts (the others are kept in `seen`).
  json wait_for(const std::function<bool(const json&)>& pred, int timeout_ms = kTimeoutMs) {
    for (;;) {
      std::optional<json> m = read(timeout_ms);
      INFO("messages so far: " << json(seen).dump().substr(0, 3000));
      REQUIRE(m.has_value());
      if (pred(*m)) return *m;
      seen.push_back(*m);
    }
  }
  json response(int id) {
    return wait_for([id](const json& m) { return m.contains("id") && m["id"] == id; });
  }
  json result(int id) {
    json r = response(id);
    INFO(r.dump());
    REQUIRE(r.contains("result"));
    return r["result"];
  }
  // The error of an answer: its code.
  int error_code(const json& r) {
    INFO(r.dump());
    REQUIRE(r.contains("error"));
    return r["error"]["code"].get<int>();
  }
  // The diagnostics published for `u` (with document version `version`, if given).
  json diagnostics(const std::string& u, std::optional<int> version = std::nullopt) {
    return wait_for([&](const json& m) {
      return m.value("method", "") == "textDocument/publishDiagnostics" &&
             m["params"]["uri"] == u &&
             (!version || (m["params"].contains("version") && m["params"]["version"] == *version));
    })["params"]["diagnostics"];
  }

  json initialize(const json& capabilities = json::object()) {
    json r = result(
        request("initialize",
                {{"processId", nullptr}, {"rootUri", nullptr}, {"capabilities", capabilities}}));
    notify("initialized", json::object());
    return r;
  }
  void open(const fs::path& p, const std::string& text, int version = 1) {
    notify("textDocument/didOpen", {{"textDocument",
                                     {{"uri", uri(p)},
                                      {"languageId", p.extension() == ".py" ? "python" : "sql"},
                                      {"version", version},
                                      {"text", text}}}});
  }
  void change_all(const fs::path& p, const std::string& text, int version) {
    notify("textDocument/didChange", {{"textDocument", {{"uri", uri(p)}, {"version", version}}},
                                      {"contentChanges", json::array({{{"text", text}}})}});
  }

  // Closes the input and waits for the exit code.
  int finish() {
    ::close(to_);
    to_ = -1;
    return wait_exit();
  }
  int wait_exit() {
    int status = 0;
    for (int i = 0; i < kTimeoutMs / 10; ++i) {
      pid_t r = ::waitpid(pid_, &status, WNOHANG);
      if (r == pid_) {
        exited_ = true;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return -1;
  }

  std::vector<json> seen;

 private:
  pid_t pid_ = -1;
  int to_ = -1;
  int from_ = -1;
  bool exited_ = false;
  int next_id_ = 0;
  std::string buffer_;
};

// UTF-16 code units of the first `code_points` characters of a UTF-8 line.
int utf16_units(std::string_view line, int code_points) {
  int units = 0;
  std::size_t i = 0;
  for (int c = 0; c < code_points && i < line.size(); ++c) {
    auto lead = static_cast<unsigned char>(line[i]);
    std::size_t n = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
    units += n == 4 ? 2 : 1;
    i += n;
  }
  return units;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

// Byte offset of an LSP position (UTF-16) in `text`.
std::size_t offset_of(const std::string& text, int line, int character) {
  std::size_t at = 0;
  for (int l = 0; l < line; ++l) at = text.find('\n', at) + 1;
  for (int units = 0; units < character && at < text.size() && text[at] != '\n';) {
    auto lead = static_cast<unsigned char>(text[at]);
    std::size_t n = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
    units += n == 4 ? 2 : 1;
    at += n;
  }
  return at;
}

// A workspace edit of one document (TextEdits, or the ranged contentChanges of didChange)
// applied to its text.
std::string apply_edits(std::string text, const json& edits) {
  std::vector<std::tuple<std::size_t, std::size_t, std::string>> es;
  for (const json& e : edits) {
    es.emplace_back(offset_of(text, e["range"]["start"]["line"], e["range"]["start"]["character"]),
                    offset_of(text, e["range"]["end"]["line"], e["range"]["end"]["character"]),
                    e.value("newText", e.value("text", "")));
  }
  std::sort(es.begin(), es.end(),
            [](const auto& a, const auto& b) { return std::get<0>(a) > std::get<0>(b); });
  for (auto& [b, e, t] : es) text.replace(b, e - b, t);
  return text;
}

Run run(const std::string& args, const fs::path& dir) {
  return schemagate::test::shell("cd '" + dir.string() + "' && '" + SCHEMAGATE_BINARY + "' " +
                                 args);
}

// "rule line:character-line:character" of LSP diagnostics, sorted.
std::vector<std::string> lsp_findings(const json& diagnostics) {
  std::vector<std::string> out;
  for (const json& d : diagnostics) {
    const json& r = d["range"];
    out.push_back(d["code"].get<std::string>() + " " +
                  std::to_string(r["start"]["line"].get<int>()) + ":" +
                  std::to_string(r["start"]["character"].get<int>()) + "-" +
                  std::to_string(r["end"]["line"].get<int>()) + ":" +
                  std::to_string(r["end"]["character"].get<int>()));
  }
  std::sort(out.begin(), out.end());
  return out;
}

// The same of `schemagate lint --format json FILE`, converted to LSP's positions.
std::vector<std::string> cli_findings(const fs::path& file) {
  Run r = run("lint --format json '" + file.string() + "'", file.parent_path());
  REQUIRE(r.exit_code <= 1);
  json doc = json::parse(r.out);
  std::vector<std::string> lines = lines_of(slurp(file));
  auto at = [&](int line, int column) {
    std::string_view text = line - 1 < static_cast<int>(lines.size())
                                ? std::string_view(lines[static_cast<std::size_t>(line - 1)])
                                : std::string_view();
    return std::to_string(line - 1) + ":" + std::to_string(utf16_units(text, column - 1));
  };
  std::vector<std::string> out;
  for (const json& d : doc["diagnostics"]) {
    out.push_back(d["rule"].get<std::string>() + " " + at(d["line"], d["column"]) + "-" +
                  at(d["end_line"], d["end_column"]));
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> codes(const json& diagnostics) {
  std::vector<std::string> out;
  for (const json& d : diagnostics) out.push_back(d["code"].get<std::string>());
  std::sort(out.begin(), out.end());
  return out;
}

std::string revision(const std::string& id, const std::string& parent, const std::string& up,
                     const std::string& down = "    pass\n") {
  return "\"\"\"" + id + "\n\nRevision ID: " + id + "\nRevises: " + parent +
         "\n\"\"\"\nfrom alembic import op\nimport sqlalchemy as sa\n\nrevision = \"" + id +
         "\"\ndown_revision = " + (parent.empty() ? std::string("None") : "\"" + parent + "\"") +
         "\n\n\ndef upgrade():\n" + up + "\n\ndef downgrade():\n" + down;
}

// An Alembic project: a base revision creating `users`, and b2 indexing it (unsafe), with
// non-ASCII text before a finding on its line.
struct Project {
  TempDir dir{"project"};
  fs::path versions = dir.path() / "migrations" / "versions";
  fs::path a1 = versions / "a1_users.py";
  fs::path b2 = versions / "b2_index.py";
  std::string b2_text =
      revision("b2", "a1",
               "    op.create_index(\"ix_users_email\", \"users\", [\"email\"])\n"
               "    op.execute(\"SELECT 'naïve 😀'; CREATE INDEX ix_users_name ON users (name)\")\n",
               "    op.drop_index(\"ix_users_name\", table_name=\"users\")\n"
               "    op.drop_index(\"ix_users_email\", table_name=\"users\")\n");
  Project() {
    write(a1, revision("a1", "",
                       "    op.create_table(\"users\", sa.Column(\"id\", sa.BigInteger(), "
                       "primary_key=True),\n"
                       "                    sa.Column(\"email\", sa.Text()), sa.Column(\"name\", "
                       "sa.Text()))\n",
                       "    op.drop_table(\"users\")\n"));
    write(b2, b2_text);
  }
};

}  // namespace

TEST_CASE("lsp: the lifecycle, and requests out of order") {
  TempDir dir("lifecycle");
  Client c(dir.path());
  // Before initialize: refused, and notifications are dropped.
  CHECK(c.error_code(c.response(c.request("textDocument/hover", json::object()))) == -32002);
  json init = c.initialize();
  const json& caps = init["capabilities"];
  CHECK(caps["positionEncoding"] == "utf-16");
  CHECK(caps["textDocumentSync"]["change"] == 2);  // incremental
  CHECK(caps["textDocumentSync"]["openClose"] == true);
  CHECK(caps["hoverProvider"] == true);
  CHECK(caps["codeActionProvider"]["codeActionKinds"] == json::array({"quickfix"}));
  CHECK_FALSE(caps.contains("diagnosticProvider"));  // the client did not offer pull
  CHECK(init["serverInfo"]["name"] == "schemagate");
  CHECK(c.error_code(c.response(c.request("initialize", {{"capabilities", json::object()}}))) ==
        -32600);
  CHECK(c.result(c.request("shutdown", nullptr)).is_null());
  CHECK(c.error_code(c.response(c.request("textDocument/hover", json::object()))) == -32600);
  c.notify("exit", nullptr);
  CHECK(c.wait_exit() == 0);

  // exit without shutdown: exit code 1; so is the end of the input.
  Client d(dir.path());
  d.initialize();
  d.notify("exit", nullptr);
  CHECK(d.wait_exit() == 1);
  Client e(dir.path());
  e.initialize();
  CHECK(e.finish() == 1);
}

TEST_CASE("lsp: broken input gets JSON-RPC errors and the server stays up") {
  TempDir dir("broken");
  Client c(dir.path());
  c.initialize();
  // Each broken message is answered; then a good request is, too (the server is up and reads
  // on from the next message).
  auto answered = [&](const std::string& bytes, int code, const json& id = nullptr) {
    c.send_raw(bytes);
    json r = c.wait_for([](const json& m) { return m.contains("error"); });
    INFO(bytes.substr(0, 200) << " -> " << r.dump());
    CHECK(r["id"] == id);
    CHECK(r["error"]["code"] == code);
    CHECK_FALSE(r["error"]["message"].get<std::string>().empty());
    CHECK(c.error_code(c.response(c.request("no/such/method", json::object()))) == -32601);
  };
  auto error_with_null_id = [&](const std::string& bytes, int code) { answered(bytes, code); };
  error_with_null_id("Content-Length: 10\r\n\r\n{\"jsonrpc\"", -32700);      // cut short
  error_with_null_id("Content-Length: 5\r\n\r\n{]]]}", -32700);              // malformed
  error_with_null_id(Client::framed(json::array({1, 2})), -32600);           // a batch
  error_with_null_id(Client::framed(json("text")), -32600);                  // not an object
  error_with_null_id("Content-Length: ten\r\n\r\n", -32700);                 // not a number
  error_with_null_id("Content-Type: x\r\n\r\n{}", -32700);                   // no length
  error_with_null_id("garbage between messages\r\n", -32700);                // outside a message
  answered(Client::framed({{"id", 1}, {"method", "shutdown"}}), -32600, 1);  // no "jsonrpc"
  error_with_null_id(Client::framed({{"jsonrpc", "2.0"}, {"id", {{"a", 1}}}, {"method", "x"}}),
                     -32600);  // an object as id
  std::string deep(100000, '[');
  error_with_null_id("Content-Length: " + std::to_string(deep.size()) + "\r\n\r\n" + deep, -32700);
  // Content-Length larger than the message: the next message is still read and answered; the
  // first is answered with an error carrying its id.
  std::string first = json({{"jsonrpc", "2.0"}, {"id", 101}, {"method", "shutdown"}}).dump();
  std::string second =
      Client::framed({{"jsonrpc", "2.0"}, {"id", 102}, {"method", "no/such/method"}});
  c.send_raw("Content-Length: " + std::to_string(first.size() + 40) + "\r\n\r\n" + first + second);
  CHECK(c.error_code(c.response(101)) == -32700);
  CHECK(c.error_code(c.response(102)) == -32601);
  // ... and when nothing follows, the error comes once the input is quiet.
  std::string last = json({{"jsonrpc", "2.0"}, {"id", 103}, {"method", "shutdown"}}).dump();
  c.send_raw("Content-Length: " + std::to_string(last.size() + 100) + "\r\n\r\n" + last);
  CHECK(c.error_code(c.response(103)) == -32700);

  // Unknown methods, unknown documents, bad parameters.
  CHECK(c.error_code(c.response(c.request("textDocument/completion", json::object()))) == -32601);
  c.notify("$/no/such/notification", json::object());  // ignored, as JSON-RPC asks
  json unknown_doc = {{"textDocument", {{"uri", "file:///nowhere/x.sql"}}},
                      {"position", {{"line", 0}, {"character", 0}}}};
  CHECK(c.error_code(c.response(c.request("textDocument/hover", unknown_doc))) == -32602);
  CHECK(
      c.error_code(c.response(c.request(
          "textDocument/codeAction",
          {{"textDocument", {{"uri", "file:///nowhere/x.sql"}}},
           {"range",
            {{"start", {{"line", 0}, {"character", 0}}}, {"end", {{"line", 0}, {"character", 0}}}}},
           {"context", {{"diagnostics", json::array()}}}}))) == -32602);
  CHECK(c.error_code(c.response(c.request(
            "textDocument/diagnostic", {{"textDocument", {{"uri", "file:///nowhere/x.sql"}}}}))) ==
        -32602);
  fs::path sql = dir.path() / "one.sql";
  c.open(sql, "SELECT 1;\n");
  CHECK(c.error_code(c.response(
            c.request("textDocument/hover", {{"textDocument", {{"uri", uri(sql)}}}}))) == -32602);
  CHECK(c.error_code(c.response(c.request("textDocument/hover",
                                          {{"textDocument", {{"uri", uri(sql)}}},
                                           {"position", {{"line", "zero"}, {"character", 0}}}}))) ==
        -32602);
  // A notification about an unknown document can't be answered: it is logged.
  c.change_all(dir.path() / "never-opened.sql", "x", 2);
  json logged =
      c.wait_for([](const json& m) { return m.value("method", "") == "window/logMessage"; });
  CHECK(logged["params"]["message"].get<std::string>().find("unknown document") !=
        std::string::npos);

  // Still up: a normal request is answered, and shutdown/exit end it cleanly.
  CHECK(c.result(c.request("shutdown", nullptr)).is_null());
  c.notify("exit", nullptr);
  CHECK(c.wait_exit() == 0);
}

TEST_CASE("lsp: pushed diagnostics are the CLI's, at the same places, in UTF-16") {
  Project p;
  Client c(p.dir.path());
  c.initialize();
  c.open(p.b2, p.b2_text);
  json diags = c.diagnostics(uri(p.b2), 1);
  std::vector<std::string> want = cli_findings(p.b2);
  REQUIRE(!want.empty());
  CHECK(lsp_findings(diags) == want);
  // The CREATE INDEX after the emoji: the code point column and the UTF-16 one differ.
  std::string line = lines_of(p.b2_text)[14];
  REQUIRE(line.find("CREATE INDEX") != std::string::npos);
  int cp = 0;
  for (std::size_t i = 0; i < line.find("CREATE INDEX"); ++i) {
    if ((static_cast<unsigned char>(line[i]) & 0xC0) != 0x80) ++cp;
  }
  bool found = false;
  for (const json& d : diags) {
    if (d["code"] == "require-concurrent-index-creation" && d["range"]["start"]["line"] == 14) {
      CHECK(d["range"]["start"]["character"] == cp + 1);  // the emoji is two UTF-16 units
      found = true;
    }
  }
  CHECK(found);
  // The rules' docs where SARIF's informationUri says the project lives.
  Run sarif = run("lint --format sarif '" + p.b2.string() + "'", p.dir.path());
  std::string home = json::parse(sarif.out)["runs"][0]["tool"]["driver"]["informationUri"];
  REQUIRE(!home.empty());
  for (const json& d : diags) {
    std::string code = d["code"];
    CHECK(d["source"] == "schemagate");
    CHECK(d["codeDescription"]["href"] == home + "/blob/main/rules/" + code + ".md");
    CHECK(d["message"].get<std::string>().find("\nhelp: ") != std::string::npos);
    CHECK(d["severity"].get<int>() >= 1);
    CHECK(d["severity"].get<int>() <= 3);
  }
  // Severities as the CLI's: warning → 2.
  CHECK(std::all_of(diags.begin(), diags.end(), [](const json& d) {
    return d["code"] != "require-concurrent-index-creation" || d["severity"] == 2;
  }));
  // Closing clears them.
  c.notify("textDocument/didClose", {{"textDocument", {{"uri", uri(p.b2)}}}});
  CHECK(c.diagnostics(uri(p.b2)).empty());
}

TEST_CASE("lsp: the unsaved buffer is linted in its project, with incremental and full sync") {
  Project p;
  Client c(p.dir.path());
  c.initialize();
  std::string text = revision("b2", "a1", "    pass\n");
  c.open(p.b2, text);
  CHECK(c.diagnostics(uri(p.b2), 1).empty());
  // After each change, the server's findings are the CLI's on the text the changes make
  // (computed here, saved for the CLI).
  auto same_as_cli = [&](const json& diags) {
    write(p.b2, text);
    INFO(text);
    CHECK(lsp_findings(diags) == cli_findings(p.b2));
  };
  std::vector<std::string> lines = lines_of(text);
  int pass_line =
      static_cast<int>(std::find(lines.begin(), lines.end(), "    pass") - lines.begin());
  auto range = [](int l1, int c1, int l2, int c2) {
    return json{{"start", {{"line", l1}, {"character", c1}}},
                {"end", {{"line", l2}, {"character", c2}}}};
  };
  // Typed into upgrade(): an index on `users`, which a1 created: an existing table.
  json change1 = {{"range", range(pass_line, 4, pass_line, 8)},
                  {"text", "op.create_index(\"ix_users_email\", \"users\", [\"email\"])"}};
  c.notify("textDocument/didChange", {{"textDocument", {{"uri", uri(p.b2)}, {"version", 2}}},
                                      {"contentChanges", json::array({change1})}});
  text = apply_edits(text, json::array({change1}));
  json diags = c.diagnostics(uri(p.b2), 2);
  std::vector<std::string> got = codes(diags);
  CHECK(std::count(got.begin(), got.end(), "require-concurrent-index-creation") == 1);
  same_as_cli(diags);
  // Two changes in one notification, applied in order: a line with non-ASCII text, then its
  // emoji (two UTF-16 units) replaced.
  std::string added = "    op.execute(\"SELECT 'ünï 😀'; CREATE INDEX ix_n ON users (name)\")\n";
  json change2 = {{"range", range(pass_line, 0, pass_line, 0)}, {"text", added}};
  int emoji = utf16_units(
      added, static_cast<int>(std::string_view("    op.execute(\"SELECT 'ünï ").size()) - 2);
  json change3 = {{"range", range(pass_line, emoji, pass_line, emoji + 2)}, {"text", "ab"}};
  c.notify("textDocument/didChange", {{"textDocument", {{"uri", uri(p.b2)}, {"version", 3}}},
                                      {"contentChanges", json::array({change2, change3})}});
  text = apply_edits(apply_edits(text, json::array({change2})), json::array({change3}));
  CHECK(text.find("'ünï ab'") != std::string::npos);
  same_as_cli(c.diagnostics(uri(p.b2), 3));
  // Full sync: a table created in the buffer itself is new, and indexing it is harmless.
  text = revision("b2", "a1",
                  "    op.create_table(\"t\", sa.Column(\"id\", sa.BigInteger()))\n"
                  "    op.create_index(\"ix_t_id\", \"t\", [\"id\"])\n",
                  "    op.drop_table(\"t\")\n");
  c.change_all(p.b2, text, 4);
  json last = c.diagnostics(uri(p.b2), 4);
  CHECK(last.empty());
  same_as_cli(last);
  // A Python file that is no revision gets nothing; nor does a file that is not SQL.
  fs::path helper = p.versions / "helpers.py";
  c.open(helper, "def f():\n    return 1\n");
  CHECK(c.diagnostics(uri(helper), 1).empty());
  fs::path notes = p.dir.path() / "notes.md";
  c.notify("textDocument/didOpen", {{"textDocument",
                                     {{"uri", uri(notes)},
                                      {"languageId", "markdown"},
                                      {"version", 1},
                                      {"text", "CREATE INDEX ix ON users (email);\n"}}}});
  CHECK(c.diagnostics(uri(notes), 1).empty());
}

TEST_CASE("lsp: code actions: the fix, ignores on the line and in the file, each lints clean") {
  Project p;
  Client c(p.dir.path());
  c.initialize();
  c.open(p.b2, p.b2_text);
  json diags = c.diagnostics(uri(p.b2), 1);
  int version = 1;
  std::size_t before = diags.size();
  for (const json& d : diags) {
    if (d["code"] != "require-concurrent-index-creation" || d["range"]["start"]["line"] != 13) {
      continue;
    }
    json actions = c.result(
        c.request("textDocument/codeAction", {{"textDocument", {{"uri", uri(p.b2)}}},
                                              {"range", d["range"]},
                                              {"context", {{"diagnostics", json::array({d})}}}}));
    std::vector<std::string> titles;
    for (const json& a : actions) titles.push_back(a["title"]);
    INFO(json(titles).dump());
    REQUIRE(actions.size() >= 5);  // for both findings of the line (the lock timeout's too)
    CHECK(actions[0]["isPreferred"] == true);
    CHECK(actions[0]["title"].get<std::string>().find("postgresql_concurrently=True") !=
          std::string::npos);
    for (const json& a : actions) {
      CHECK(a["kind"] == "quickfix");
      if (a["diagnostics"][0]["code"] != "require-concurrent-index-creation") continue;
      std::string fixed = apply_edits(p.b2_text, a["edit"]["changes"][uri(p.b2)]);
      c.change_all(p.b2, fixed, ++version);
      std::vector<std::string> after = codes(c.diagnostics(uri(p.b2), version));
      INFO(a["title"].get<std::string>() << "\n" << fixed);
      // Fewer findings of the rule, none more of any rule.
      std::map<std::string, int> was;
      std::map<std::string, int> is;
      for (const std::string& r : codes(diags)) ++was[r];
      for (const std::string& r : after) ++is[r];
      CHECK(is["require-concurrent-index-creation"] < was["require-concurrent-index-creation"]);
      for (const auto& [rule, n] : is) CHECK(n <= was[rule]);
      CHECK(after.size() < before);
      if (a["isPreferred"] == true) {
        CHECK(fixed.find("    with op.get_context().autocommit_block():\n        "
                         "op.create_index(\"ix_users_email\", \"users\", [\"email\"], "
                         "postgresql_concurrently=True)\n") != std::string::npos);
      }
    }
  }
  // A SQL file: CONCURRENTLY added; an unused ignore removed.
  fs::path sql = p.dir.path() / "index.sql";
  std::string text =
      "CREATE INDEX ix_users_email ON users (email);  -- schemagate: ignore ban-drop-table\n";
  write(sql, text);
  c.open(sql, text);
  json sd = c.diagnostics(uri(sql), 1);
  CHECK(codes(sd) == std::vector<std::string>{"require-concurrent-index-creation",
                                              "require-lock-timeout", "unused-ignore"});
  for (const json& d : sd) {
    if (d["code"] == "require-lock-timeout") continue;  // no mechanical fix
    json actions = c.result(c.request(
        "textDocument/codeAction",
        {{"textDocument", {{"uri", uri(sql)}}},
         {"range", d["range"]},
         {"context", {{"diagnostics", json::array({d}), {"only", json::array({"quickfix"})}}}}}));
    REQUIRE(!actions.empty());
    const json* fix = nullptr;
    for (const json& a : actions) {
      if (a.value("isPreferred", false) && a["diagnostics"][0]["code"] == d["code"]) fix = &a;
    }
    REQUIRE(fix != nullptr);
    std::string fixed = apply_edits(text, (*fix)["edit"]["changes"][uri(sql)]);
    if (d["code"] == "unused-ignore") {
      CHECK(fixed == "CREATE INDEX ix_users_email ON users (email);\n");
    } else {
      CHECK(fixed.starts_with("CREATE INDEX CONCURRENTLY ix_users_email ON users (email);"));
    }
  }
  // Only other kinds asked for: none.
  CHECK(c.result(c.request("textDocument/codeAction", {{"textDocument", {{"uri", uri(sql)}}},
                                                       {"range", sd[0]["range"]},
                                                       {"context",
                                                        {{"diagnostics", json::array()},
                                                         {"only", json::array({"refactor"})}}}}))
            .empty());
}

TEST_CASE("lsp: hover shows the rule's documentation, related information the other head") {
  Project p;
  fs::path c3 = p.versions / "c3_other.py";
  write(c3, revision("c3", "a1", "    pass\n"));
  Client c(p.dir.path());
  c.initialize();
  c.open(p.b2, p.b2_text);
  json diags = c.diagnostics(uri(p.b2), 1);
  const json* heads = nullptr;
  for (const json& d : diags) {
    if (d["code"] == "multiple-heads") heads = &d;
  }
  REQUIRE(heads != nullptr);
  REQUIRE((*heads)["relatedInformation"].size() == 1);
  CHECK((*heads)["relatedInformation"][0]["location"]["uri"] == uri(c3));
  CHECK((*heads)["relatedInformation"][0]["location"]["range"]["start"]["line"] == 8);
  json on = c.result(c.request("textDocument/hover", {{"textDocument", {{"uri", uri(p.b2)}}},
                                                      {"position", (*heads)["range"]["start"]}}));
  CHECK(on["contents"]["kind"] == "markdown");
  CHECK(on["contents"]["value"].get<std::string>().starts_with("# multiple-heads\n"));
  json off =
      c.result(c.request("textDocument/hover", {{"textDocument", {{"uri", uri(p.b2)}}},
                                                {"position", {{"line", 0}, {"character", 0}}}}));
  CHECK(off.is_null());
  // Saving the other head's merge: the heads are one again, and the open document is linted
  // again with its new context.
  write(c3, revision("c3", "b2", "    pass\n"));
  c.notify("textDocument/didSave", {{"textDocument", {{"uri", uri(p.b2)}}}});
  std::vector<std::string> again = codes(c.diagnostics(uri(p.b2), 1));
  CHECK(std::count(again.begin(), again.end(), "multiple-heads") == 0);
}

TEST_CASE("lsp: the project's configuration is read, and read again when it changes") {
  Project p;
  fs::path config = p.dir.path() / ".schemagate.yaml";
  write(config, "rules:\n  disable: [require-lock-timeout]\n");
  Client c(p.dir.path());
  c.initialize();
  c.open(p.b2, p.b2_text);
  json first = c.diagnostics(uri(p.b2), 1);
  std::vector<std::string> got = codes(first);
  CHECK(std::count(got.begin(), got.end(), "require-lock-timeout") == 0);
  CHECK(std::count(got.begin(), got.end(), "require-concurrent-index-creation") == 2);
  CHECK(lsp_findings(first) == cli_findings(p.b2));  // the CLI reads the same file
  // Changed on disk: the open document is linted again (the server looks when input is quiet).
  write(config, "rules:\n  disable: [require-concurrent-index-creation]\n  severity: {}\n");
  got = codes(c.diagnostics(uri(p.b2), 1));
  // b2's upgrade (its downgrade only undoes it).
  CHECK(std::count(got.begin(), got.end(), "require-lock-timeout") == 1);
  CHECK(std::count(got.begin(), got.end(), "require-concurrent-index-creation") == 0);
  // Broken: one error on the document, the errors on the configuration file, nothing linted.
  write(config, "rules:\n  disable: [no-such-rule]\n  nonsense: 3\n");
  json broken = c.wait_for([&](const json& m) {
    return m.value("method", "") == "textDocument/publishDiagnostics" &&
           m["params"]["uri"] == uri(config);
  });
  CHECK(!broken["params"]["diagnostics"].empty());
  json doc = c.diagnostics(uri(p.b2), 1);
  REQUIRE(doc.size() == 1);
  CHECK(doc[0]["severity"] == 1);
  CHECK(doc[0]["message"].get<std::string>().find(".schemagate.yaml") != std::string::npos);
  // Fixed: the configuration file's errors are cleared.
  write(config, "rules:\n  disable: [require-lock-timeout]\n");
  json cleared = c.wait_for([&](const json& m) {
    return m.value("method", "") == "textDocument/publishDiagnostics" &&
           m["params"]["uri"] == uri(config);
  });
  CHECK(cleared["params"]["diagnostics"].empty());
  got = codes(c.diagnostics(uri(p.b2), 1));
  CHECK(std::count(got.begin(), got.end(), "require-concurrent-index-creation") == 2);
}

TEST_CASE("lsp: diagnostics pulled by a client that supports it (LSP 3.17)") {
  Project p;
  Client c(p.dir.path());
  json init = c.initialize({{"textDocument", {{"diagnostic", {{"dynamicRegistration", false}}}}},
                            {"workspace", {{"diagnostics", {{"refreshSupport", true}}}}}});
  CHECK(init["capabilities"]["diagnosticProvider"]["interFileDependencies"] == true);
  c.open(p.b2, p.b2_text);
  json first =
      c.result(c.request("textDocument/diagnostic", {{"textDocument", {{"uri", uri(p.b2)}}}}));
  CHECK(first["kind"] == "full");
  CHECK(lsp_findings(first["items"]) == cli_findings(p.b2));
  json same =
      c.result(c.request("textDocument/diagnostic", {{"textDocument", {{"uri", uri(p.b2)}}},
                                                     {"previousResultId", first["resultId"]}}));
  CHECK(same["kind"] == "unchanged");
  CHECK(same["resultId"] == first["resultId"]);
  c.change_all(p.b2, revision("b2", "a1", "    pass\n"), 2);
  json changed =
      c.result(c.request("textDocument/diagnostic", {{"textDocument", {{"uri", uri(p.b2)}}},
                                                     {"previousResultId", first["resultId"]}}));
  CHECK(changed["kind"] == "full");
  CHECK(changed["items"].empty());
  CHECK(changed["resultId"] != first["resultId"]);
  // A file saved beside it: the client is asked to pull again.
  c.notify("textDocument/didSave", {{"textDocument", {{"uri", uri(p.b2)}}}});
  json refresh = c.wait_for(
      [](const json& m) { return m.value("method", "") == "workspace/diagnostic/refresh"; });
  c.send({{"jsonrpc", "2.0"}, {"id", refresh["id"]}, {"result", nullptr}});
  CHECK(c.result(c.request("shutdown", nullptr)).is_null());
  // Nothing was pushed: a client that pulls would show everything twice.
  for (const json& m : c.seen) CHECK(m.value("method", "") != "textDocument/publishDiagnostics");
}
