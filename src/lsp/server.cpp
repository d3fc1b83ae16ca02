// The language server: JSON-RPC dispatch, the lifecycle (initialize ... shutdown, exit), the
// open documents and their synchronisation, the configuration of each, and when to lint.
#include "lsp/server.hpp"

#include <chrono>
#include <exception>
#include <sstream>
#include <utility>

#include "lsp/state.hpp"
#include "platform/platform.hpp"
#include "report/common.hpp"
#include "schemagate/engine.hpp"

namespace schemagate::lsp {

namespace {

bool is_id(const json& id) { return id.is_string() || id.is_number_integer(); }

// LSP's TextDocumentSyncKind.Incremental: ranges are sent; whole texts are taken too.
constexpr int kIncrementalSync = 2;

json capabilities(bool pull) {
  json caps = {
      {"positionEncoding", "utf-16"},
      {"textDocumentSync",
       {{"openClose", true}, {"change", kIncrementalSync}, {"save", {{"includeText", false}}}}},
      {"hoverProvider", true},
      {"codeActionProvider", {{"codeActionKinds", {"quickfix"}}}},
  };
  if (pull) {
    caps["diagnosticProvider"] = {{"identifier", "schemagate"},
                                  {"interFileDependencies", true},
                                  {"workspaceDiagnostics", false}};
  }
  return caps;
}

// A capability flag at `path` (e.g. {"workspace", "diagnostics", "refreshSupport"}).
bool capability(const json& caps, std::initializer_list<const char*> path) {
  const json* at = &caps;
  for (const char* key : path) {
    if (!at->is_object()) return false;
    auto it = at->find(key);
    if (it == at->end()) return false;
    at = &*it;
  }
  return at->is_boolean() ? at->get<bool>() : at->is_object();
}

}  // namespace

FileStamp file_stamp(const std::string& path) {
  if (path.empty()) return {};
  platform::FileStamp st = platform::file_stamp(path);
  return {st.exists, st.size, st.mtime_ns, st.inode};
}

const json& field(const json& object, const char* key) {
  if (!object.is_object()) throw RpcError{ErrorCode::invalid_params, "params must be an object"};
  auto it = object.find(key);
  if (it == object.end()) {
    throw RpcError{ErrorCode::invalid_params, std::string("missing '") + key + "'"};
  }
  return *it;
}

std::string string_field(const json& object, const char* key) {
  const json& v = field(object, key);
  if (!v.is_string()) {
    throw RpcError{ErrorCode::invalid_params, std::string("'") + key + "' must be a string"};
  }
  return v.get<std::string>();
}

std::int64_t int_field(const json& object, const char* key) {
  const json& v = field(object, key);
  if (!v.is_number_integer()) {
    throw RpcError{ErrorCode::invalid_params, std::string("'") + key + "' must be an integer"};
  }
  return v.get<std::int64_t>();
}

std::size_t offset_of(const Text& text, const json& position) {
  return text.offset(int_field(position, "line"), int_field(position, "character"));
}

void State::notify(const std::string& method, json params) const {
  send(frame({{"jsonrpc", "2.0"}, {"method", method}, {"params", std::move(params)}}));
}

void State::log(const std::string& message) const {
  notify("window/logMessage", {{"type", 1}, {"message", "schemagate: " + message}});
}

Document& State::document(const json& params) {
  std::string uri = string_field(field(params, "textDocument"), "uri");
  auto it = documents.find(uri);
  if (it == documents.end()) {
    throw RpcError{ErrorCode::invalid_params,
                   "unknown document " + uri + " (not opened with textDocument/didOpen)"};
  }
  return it->second;
}

std::string State::config_key(const Document& doc) const {
  const cli::Flags& f = options.flags;
  if (!f.config_file.empty()) return f.config_file;
  if (f.no_config || doc.path.empty()) return {};
  return find_config(doc.path);
}

void State::load(Project& p, const std::string& key, const std::string& path) {
  p.config = key;
  p.stamp = file_stamp(key);
  p.errors.clear();
  p.options.reset();
  p.session.reset();
  if (!key.empty()) {
    ConfigResult r = load_config(key);
    if (!r.config) {
      p.errors = r.errors;
      if (p.errors.empty()) p.errors.push_back({key, {}, "the configuration can't be read"});
    }
  }
  if (p.errors.empty()) {
    cli::Flags f = options.flags;
    f.config_file = key;
    f.no_config = key.empty();
    std::ostringstream err;
    if (auto s = cli::resolve(f, {path.empty() ? std::string(".") : path}, err)) {
      p.options = std::move(s->options);
      if (options.project_context) {
        p.session = std::make_unique<LintSession>(*p.options);
        // While the user types, the project's files are stat'ed once a second at most; tick()
        // looks for changes on disk in between.
        p.session->set_recheck_interval(std::chrono::seconds(1));
      }
    } else {
      p.errors.push_back({key, {}, err.str()});
    }
  }
  // The configuration file shows its own errors (cleared once it is fixed).
  if (!key.empty() && (!p.errors.empty() || config_published[key])) {
    json items = json::array();
    for (const ConfigError& e : p.errors) {
      std::uint32_t line = e.position.line > 0 ? e.position.line - 1 : 0;
      std::uint32_t col = e.position.column > 0 ? e.position.column - 1 : 0;
      json pos = {{"line", line}, {"character", col}};
      items.push_back({{"range", {{"start", pos}, {"end", pos}}},
                       {"severity", 1},
                       {"source", "schemagate"},
                       {"message", e.message}});
    }
    config_published[key] = !p.errors.empty();
    notify("textDocument/publishDiagnostics",
           {{"uri", report::file_uri(key)}, {"diagnostics", std::move(items)}});
  }
}

Project& State::project_of(Document& doc) {
  auto it = projects.find(doc.project);
  if (it == projects.end()) {
    it = projects.emplace(doc.project, Project{}).first;
    load(it->second, doc.project, doc.path);
  }
  return it->second;
}

std::vector<Diagnostic> State::lint_text(Document& doc, const std::string& text,
                                         std::vector<RevisionSite>* revisions) {
  Project& p = project_of(doc);
  if (!p.options) return {};
  std::string name = doc.path;
  if (name.empty()) name = doc.language == "python" ? "untitled.py" : "untitled.sql";
  // Migrations only: .py and .sql files, and files the editor calls SQL (an editor may send
  // every file it opens).
  if (!name.ends_with(".py") && !name.ends_with(".sql") && doc.language != "sql") return {};
  std::vector<Diagnostic> out;
  auto keep = [&](std::vector<Diagnostic>& all) {
    for (Diagnostic& d : all) {
      if (d.path == name) out.push_back(std::move(d));
    }
  };
  if (p.session && !doc.path.empty()) {
    SessionResult r = p.session->lint(doc.path, text);
    keep(r.lint.diagnostics);
    if (revisions != nullptr) *revisions = std::move(r.revisions);
  } else if (looks_like_migration(name, text)) {
    LintResult r = schemagate::lint_text(name, text, *p.options);
    keep(r.diagnostics);
  }
  return out;
}

void State::lint(Document& doc) {
  doc.dirty = false;
  doc.context_dirty = false;
  doc.checked.clear();
  doc.result_id = ++next_result;
  doc.revisions.clear();
  doc.items = json::array();
  Project& p = project_of(doc);
  if (!p.errors.empty()) {
    doc.findings.clear();
    doc.items.push_back(config_error_item(p));
    return;
  }
  doc.findings = lint_text(doc, doc.text, &doc.revisions);
  Text text(doc.text);
  for (const Diagnostic& d : doc.findings) doc.items.push_back(to_lsp(text, d, doc));
}

void State::publish(const Document& doc) const {
  notify("textDocument/publishDiagnostics",
         {{"uri", doc.uri}, {"version", doc.version}, {"diagnostics", doc.items}});
}

struct Server::Impl {
  State s;

  void respond(const json& id, json result) const {
    s.send(frame({{"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(result)}}));
  }
  void fail(const json& id, ErrorCode code, const std::string& message) const {
    s.send(frame(error_response(id, code, message)));
  }

  void request(const json& id, const std::string& method, const json& params) {
    if (method == "initialize") {
      if (s.initialized) throw RpcError{ErrorCode::invalid_request, "initialize was sent twice"};
      const json& caps = params.is_object() && params.contains("capabilities")
                             ? params["capabilities"]
                             : json::object();
      s.pull = capability(caps, {"textDocument", "diagnostic"});
      s.refresh_support = capability(caps, {"workspace", "diagnostics", "refreshSupport"});
      s.watch_files =
          capability(caps, {"workspace", "didChangeWatchedFiles", "dynamicRegistration"});
      s.initialized = true;
      respond(id, {{"capabilities", capabilities(s.pull)},
                   {"serverInfo", {{"name", "schemagate"}, {"version", std::string(version())}}}});
      return;
    }
    if (!s.initialized) {
      throw RpcError{ErrorCode::server_not_initialized, "the server is not initialized yet"};
    }
    if (s.shutdown) throw RpcError{ErrorCode::invalid_request, "the server is shutting down"};
    if (method == "shutdown") {
      s.shutdown = true;
      respond(id, nullptr);
    } else if (method == "textDocument/hover") {
      respond(id, hover(s, params));
    } else if (method == "textDocument/codeAction") {
      respond(id, code_actions(s, params));
    } else if (method == "textDocument/diagnostic") {
      respond(id, pull_diagnostics(s, params));
    } else {
      throw RpcError{ErrorCode::method_not_found, "unknown method " + method};
    }
  }

  void notification(const std::string& method, const json& params) {
    if (method == "exit") {
      s.exited = true;
      return;
    }
    if (!s.initialized || s.shutdown) return;  // dropped, as LSP asks
    if (method == "initialized") {
      register_watchers();
    } else if (method == "textDocument/didOpen") {
      const json& item = field(params, "textDocument");
      Document doc;
      doc.uri = string_field(item, "uri");
      doc.path = path_from_uri(doc.uri);
      doc.language = string_field(item, "languageId");
      doc.version = int_field(item, "version");
      doc.text = string_field(item, "text");
      doc.project = s.config_key(doc);
      s.documents[doc.uri] = std::move(doc);
    } else if (method == "textDocument/didChange") {
      Document& doc = s.document(params);
      const json& changes = field(params, "contentChanges");
      if (!changes.is_array()) {
        throw RpcError{ErrorCode::invalid_params, "'contentChanges' must be an array"};
      }
      std::string text = doc.text;
      for (const json& change : changes) {
        std::string insert = string_field(change, "text");
        if (!change.contains("range")) {
          text = std::move(insert);  // the whole document
          continue;
        }
        const json& range = field(change, "range");
        Text t(text);
        std::size_t b = offset_of(t, field(range, "start"));
        std::size_t e = offset_of(t, field(range, "end"));
        if (e < b) throw RpcError{ErrorCode::invalid_params, "a range that ends before it starts"};
        text.replace(b, e - b, insert);
      }
      doc.text = std::move(text);
      const json& id = field(params, "textDocument");
      if (id.contains("version") && id["version"].is_number_integer()) {
        doc.version = id["version"].get<std::int64_t>();
      }
      doc.dirty = true;
    } else if (method == "textDocument/didSave") {
      (void)s.document(params);
      check_disk(true);  // the saved file is context for the documents around it
    } else if (method == "textDocument/didClose") {
      Document& doc = s.document(params);
      if (auto p = s.projects.find(doc.project); p != s.projects.end() && p->second.session) {
        p->second.session->forget(doc.path);
      }
      if (!s.pull)
        s.notify("textDocument/publishDiagnostics",
                 {{"uri", doc.uri}, {"diagnostics", json::array()}});
      s.documents.erase(doc.uri);
    } else if (method == "workspace/didChangeWatchedFiles") {
      for (auto& [key, p] : s.projects) {
        if (p.session) p.session->rediscover();
      }
      check_disk(true);
    } else if (method == "workspace/didChangeConfiguration") {
      s.projects.clear();  // read every configuration again
      for (auto& [uri, doc] : s.documents) doc.context_dirty = true;
      s.refresh_wanted = s.pull;
    }
    // Anything else ($/cancelRequest, $/setTrace, ...) needs nothing.
  }

  // Asks a client that can to tell us about files changed outside the editor.
  void register_watchers() {
    if (!s.watch_files) return;
    json watchers = json::array();
    for (const char* glob : {"**/*.py", "**/*.sql", "**/.schemagate.yaml", "**/.schemagate.yml",
                             "**/pyproject.toml", "**/alembic.ini", "**/sqitch.plan"}) {
      watchers.push_back({{"globPattern", glob}});
    }
    s.send(frame({{"jsonrpc", "2.0"},
                  {"id", "schemagate-" + std::to_string(++s.next_request)},
                  {"method", "client/registerCapability"},
                  {"params",
                   {{"registrations",
                     {{{"id", "schemagate-watch"},
                       {"method", "workspace/didChangeWatchedFiles"},
                       {"registerOptions", {{"watchers", watchers}}}}}}}}}));
  }

  // Configuration files changed, a configuration file appeared or went away, project files
  // changed on disk: the documents concerned are linted again.
  void check_disk(bool all_stale) {
    for (auto& [uri, doc] : s.documents) {
      std::string key = s.config_key(doc);
      if (key != doc.project) {
        doc.project = key;
        doc.context_dirty = true;
      }
      Project& p = s.project_of(doc);
      if (file_stamp(p.config) != p.stamp) {
        s.load(p, p.config, doc.path);
        for (auto& [u, other] : s.documents) {
          if (other.project == p.config) other.context_dirty = true;
        }
      }
      // stale() also makes the session look at the files at the next lint.
      bool stale = p.session && !doc.path.empty() && p.session->stale(doc.path);
      if (all_stale || stale) doc.context_dirty = true;
    }
    // Configurations no document uses any more.
    std::erase_if(s.projects, [&](const auto& kv) {
      for (const auto& [uri, doc] : s.documents) {
        if (doc.project == kv.first) return false;
      }
      return true;
    });
    for (const auto& [uri, doc] : s.documents) {
      if (doc.context_dirty) s.refresh_wanted = s.pull;
    }
  }
};

Server::Server(ServerOptions options, Send send) : impl_(std::make_unique<Impl>()) {
  impl_->s.options = std::move(options);
  impl_->s.send = std::move(send);
}

Server::~Server() = default;

void Server::receive(Incoming in) {
  Impl& im = *impl_;
  if (!in.message) {
    im.fail(in.id, in.code, in.error);
    return;
  }
  const json& m = *in.message;
  if (!m.is_object()) {
    im.fail(nullptr, ErrorCode::invalid_request,
            m.is_array() ? "batches are not part of LSP: send one message at a time"
                         : "a message must be a JSON object");
    return;
  }
  auto id_it = m.find("id");
  bool has_id = id_it != m.end();
  json id = has_id && is_id(*id_it) ? *id_it : json(nullptr);
  auto rpc = m.find("jsonrpc");
  if (rpc == m.end() || *rpc != "2.0") {
    im.fail(id, ErrorCode::invalid_request, "not a JSON-RPC 2.0 message (\"jsonrpc\": \"2.0\")");
    return;
  }
  if (has_id && !is_id(*id_it) && !id_it->is_null()) {
    im.fail(nullptr, ErrorCode::invalid_request, "an id must be a string or an integer");
    return;
  }
  auto method_it = m.find("method");
  if (method_it == m.end()) {
    if (has_id && (m.contains("result") || m.contains("error"))) return;  // a reply to us
    im.fail(id, ErrorCode::invalid_request, "a message with neither a method nor a result");
    return;
  }
  if (!method_it->is_string()) {
    im.fail(id, ErrorCode::invalid_request, "the method must be a string");
    return;
  }
  std::string method = method_it->get<std::string>();
  static const json kNoParams = json::object();
  auto params_it = m.find("params");
  const json& params = params_it != m.end() ? *params_it : kNoParams;
  try {
    if (has_id) {
      im.request(id, method, params);
    } else {
      im.notification(method, params);
    }
  } catch (const RpcError& e) {
    if (has_id) {
      im.fail(id, e.code, e.message);
    } else {
      im.s.log(method + ": " + e.message);
    }
  } catch (const json::exception& e) {
    if (has_id) {
      im.fail(id, ErrorCode::invalid_params, e.what());
    } else {
      im.s.log(method + ": " + e.what());
    }
  } catch (const std::exception& e) {
    if (has_id) {
      im.fail(id, ErrorCode::internal_error, std::string("internal error: ") + e.what());
    } else {
      im.s.log(method + ": internal error: " + e.what());
    }
  }
}

bool Server::pending() const {
  const State& s = impl_->s;
  if (!s.initialized || s.shutdown || s.exited) return false;
  if (s.pull) return s.refresh_wanted && s.refresh_support;
  for (const auto& [uri, doc] : s.documents) {
    if (doc.dirty || doc.context_dirty) return true;
  }
  return false;
}

void Server::flush() {
  State& s = impl_->s;
  if (!s.initialized || s.shutdown || s.exited) return;
  if (s.pull) {
    if (s.refresh_wanted && s.refresh_support) {
      s.send(frame({{"jsonrpc", "2.0"},
                    {"id", "schemagate-" + std::to_string(++s.next_request)},
                    {"method", "workspace/diagnostic/refresh"}}));
    }
    s.refresh_wanted = false;
    return;
  }
  for (auto& [uri, doc] : s.documents) {
    if (!doc.dirty && !doc.context_dirty) continue;
    try {
      s.lint(doc);
    } catch (const std::exception& e) {
      doc.dirty = doc.context_dirty = false;
      s.log("linting " + uri + " failed: " + e.what());
      continue;
    }
    s.publish(doc);
  }
}

void Server::tick() {
  if (!impl_->s.initialized || impl_->s.shutdown) return;
  try {
    impl_->check_disk(false);
  } catch (const std::exception& e) {
    impl_->s.log(std::string("looking for changed files failed: ") + e.what());
  }
}

bool Server::exited() const { return impl_->s.exited; }

int Server::exit_code() const { return impl_->s.shutdown ? 0 : 1; }

}  // namespace schemagate::lsp
