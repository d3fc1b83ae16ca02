// libFuzzer target: the language server's input, as a byte stream from an editor. The message
// reader (Content-Length framing, JSON), then dispatch: lifecycle, document sync (incremental
// changes with UTF-16 positions), lints, hover, code actions (each checked by linting its
// result), pulled diagnostics. The input is fed in pieces of varying size, as reads from a
// pipe come. Beyond "no crash": everything the server writes is a well-formed frame holding
// a JSON-RPC 2.0 object. Buffers are linted alone (no file is read) and no configuration file
// is looked for.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "check.hpp"
#include "lsp/protocol.hpp"
#include "lsp/server.hpp"

namespace {

using schemagate::lsp::Incoming;
using schemagate::lsp::MessageReader;

[[noreturn]] void fail(const char* why, std::string_view out) {
  std::fprintf(stderr, "fuzz check failed: %s\n  %.*s\n", why,
               static_cast<int>(std::min<std::size_t>(out.size(), 2000)), out.data());
  std::abort();
}

// Everything the server wrote must read back as frames of JSON-RPC objects.
void check_output(const std::string& out) {
  MessageReader reader;
  reader.feed(out);
  while (auto in = reader.next()) {
    if (!in->message) fail(("an unreadable frame: " + in->error).c_str(), out);
    const auto& m = *in->message;
    if (!m.is_object() || m.value("jsonrpc", "") != "2.0") fail("not a JSON-RPC object", out);
  }
  if (reader.partial()) fail("a frame cut short", out);
}

void run(std::string_view input) {
  std::string out;
  schemagate::lsp::ServerOptions options;
  options.flags.no_config = true;
  options.project_context = false;
  schemagate::lsp::Server server(options, [&](const std::string& m) { out += m; });
  MessageReader reader;
  // Pieces of 1 to 64 bytes, then larger: the sizes come from the input's length.
  std::size_t piece = 1 + input.size() % 64;
  for (std::size_t at = 0; at < input.size() && !server.exited(); at += piece, piece *= 2) {
    reader.feed(input.substr(at, piece));
    while (auto in = reader.next()) {
      server.receive(std::move(*in));
      if (server.exited()) break;
    }
    if (server.pending()) server.flush();
  }
  if (!server.exited()) {
    while (auto in = reader.idle()) server.receive(std::move(*in));
    server.tick();
    server.flush();
  }
  check_output(out);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  schemagate::fuzz::on_small_stack([input] { run(input); });
  return 0;
}
