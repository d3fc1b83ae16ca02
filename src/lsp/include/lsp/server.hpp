// `schemagate lsp`: a language server over stdio. Diagnostics for Alembic revisions and SQL
// migrations as they are typed, linted in their project with the configuration the CLI reads;
// hover with the rule's documentation; code actions (inline ignores, the rules' fixes).
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "config/settings.hpp"
#include "lsp/protocol.hpp"

namespace schemagate::lsp {

struct ServerOptions {
  cli::Flags flags;  // --config, --no-config, --enable, ... as `lint` takes them
  // Lint each buffer in its project on disk (LintSession); false: each buffer alone, with no
  // file read (lint_text), as the fuzz target runs it.
  bool project_context = true;
};

class Server {
 public:
  using Send = std::function<void(const std::string&)>;  // one framed message to the client

  Server(ServerOptions options, Send send);
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;
  ~Server();

  // One message from the reader (or the error to answer instead).
  void receive(Incoming incoming);
  // Is there work for flush()?
  [[nodiscard]] bool pending() const;
  // Lints the documents changed since the last time and pushes their diagnostics (or asks a
  // client that pulls them to pull again). Called when the input is quiet, so that a burst of
  // changes is linted once.
  void flush();
  // Looks on disk for changed configuration files and project files (once in a while).
  void tick();

  [[nodiscard]] bool exited() const;
  [[nodiscard]] int exit_code() const;  // 0 after shutdown then exit, else 1

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Serves stdin and stdout until `exit` (or the end of the input); the process's exit code.
[[nodiscard]] int serve_stdio(const cli::Flags& flags);

}  // namespace schemagate::lsp
