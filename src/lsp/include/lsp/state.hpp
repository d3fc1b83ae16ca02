// The language server's state, shared by its parts: the protocol and the documents
// (server.cpp), and what it offers on a document (features.cpp).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/settings.hpp"
#include "lsp/protocol.hpp"
#include "lsp/server.hpp"
#include "lsp/text.hpp"
#include "schemagate/config.hpp"
#include "schemagate/session.hpp"

namespace schemagate::lsp {

// An error a handler answers a request with (or logs, for a notification).
struct RpcError {
  ErrorCode code;
  std::string message;
};

// A file's identity on disk: a configuration file is read again when it changes.
struct FileStamp {
  bool exists = false;
  std::int64_t size = 0;
  std::int64_t mtime_ns = 0;
  std::uint64_t inode = 0;
  friend bool operator==(const FileStamp&, const FileStamp&) = default;
};
[[nodiscard]] FileStamp file_stamp(const std::string& path);

// The settings of the files one configuration file (or none) applies to, and their session.
struct Project {
  std::string config;  // the file; empty: built-in defaults (or --no-config)
  FileStamp stamp;
  std::vector<ConfigError> errors;  // the file can't be used: nothing is linted with it
  std::optional<LintOptions> options;
  std::unique_ptr<LintSession> session;
};

struct Document {
  std::string uri;
  std::string path;  // of a file: URI; empty for other schemes (untitled buffers)
  std::string language;
  std::int64_t version = 0;
  std::string text;
  std::string project;         // the key of its Project
  bool dirty = true;           // edited since it was last linted
  bool context_dirty = false;  // its project or configuration changed since
  // The last lint.
  std::uint64_t result_id = 0;
  std::vector<Diagnostic> findings;
  std::vector<RevisionSite> revisions;
  json items = json::array();  // as LSP Diagnostics
  // Code actions already checked on this text: key → offered.
  std::map<std::string, bool> checked;
};

struct State {
  ServerOptions options;
  Server::Send send;
  bool initialized = false;
  bool shutdown = false;
  bool exited = false;
  bool pull = false;             // the client pulls diagnostics (textDocument/diagnostic)
  bool refresh_support = false;  // ... and can be asked to pull again
  bool refresh_wanted = false;
  bool watch_files = false;  // the client registers file watchers dynamically
  std::uint64_t next_result = 0;
  std::uint64_t next_request = 0;
  std::map<std::string, Document> documents;     // by URI
  std::map<std::string, Project> projects;       // by configuration file
  std::map<std::string, bool> config_published;  // configuration files shown with errors

  void notify(const std::string& method, json params) const;
  void log(const std::string& message) const;  // window/logMessage, as an error

  // The document of a URI, or an RpcError (a request for a document never opened).
  Document& document(const json& params);
  // The configuration (and session) that applies to a document, read again when its file
  // changed.
  Project& project_of(Document& doc);
  std::string config_key(const Document& doc) const;
  void load(Project& p, const std::string& key, const std::string& path);

  // Lints `text` as the document's content: its findings (the document's own file only).
  std::vector<Diagnostic> lint_text(Document& doc, const std::string& text,
                                    std::vector<RevisionSite>* revisions);
  void lint(Document& doc);
  void publish(const Document& doc) const;
};

// features.cpp
[[nodiscard]] json lsp_range(const Text& text, std::size_t begin, std::size_t end);
[[nodiscard]] json to_lsp(const Text& text, const Diagnostic& d, const Document& doc);
[[nodiscard]] json config_error_item(const Project& p);
[[nodiscard]] json hover(State& s, const json& params);
[[nodiscard]] json code_actions(State& s, const json& params);
[[nodiscard]] json pull_diagnostics(State& s, const json& params);

// Reading parameters: a missing or mistyped field is an RpcError (invalid params).
[[nodiscard]] const json& field(const json& object, const char* key);
[[nodiscard]] std::string string_field(const json& object, const char* key);
[[nodiscard]] std::int64_t int_field(const json& object, const char* key);
[[nodiscard]] std::size_t offset_of(const Text& text, const json& position);

}  // namespace schemagate::lsp
