// `schemagate lsp` on stdin and stdout: read what is there, answer it, and lint when the input
// is quiet, so that a burst of changes is linted once.
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <exception>
#include <iostream>

#include "lsp/server.hpp"
#include "schemagate/rule.hpp"

namespace schemagate::lsp {

namespace {

// Writes all of `bytes`; false once the client is gone.
bool write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN) {
        pollfd p{fd, POLLOUT, 0};
        (void)::poll(&p, 1, -1);
        continue;
      }
      return false;
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

}  // namespace

int serve_stdio(const cli::Flags& flags) {
  // The rules named by flags are checked once, as `lint` checks them.
  for (const auto* list : {&flags.enable, &flags.disable}) {
    for (const std::string& id : *list) {
      if (find_rule(id) == nullptr) {
        std::cerr << "schemagate: " << unknown_rule_message(id) << "\n";
        return 2;
      }
    }
  }
  std::signal(SIGPIPE, SIG_IGN);  // a client gone is seen as a failed write
  bool client_gone = false;
  Server server(ServerOptions{flags, true}, [&](const std::string& message) {
    if (!client_gone) client_gone = !write_all(STDOUT_FILENO, message);
  });
  MessageReader reader;
  using Clock = std::chrono::steady_clock;
  auto last_tick = Clock::now();
  constexpr auto kTickEvery = std::chrono::seconds(1);
  std::string buffer(std::size_t{1} << 16U, '\0');
  for (;;) {
    bool work = server.pending();
    // A message cut short is given 200 ms before it counts as one with a wrong length.
    int timeout = work ? 0 : reader.partial() ? 200 : 1000;
    pollfd p{STDIN_FILENO, POLLIN, 0};
    int ready = ::poll(&p, 1, timeout);
    if (ready < 0) {
      if (errno == EINTR) continue;
      return 1;
    }
    if (ready == 0) {
      try {
        if (work) {
          server.flush();
          continue;
        }
        while (auto in = reader.idle()) server.receive(std::move(*in));
        if (Clock::now() - last_tick >= kTickEvery) {
          last_tick = Clock::now();
          server.tick();
          server.flush();
        }
      } catch (const std::exception& e) {
        std::cerr << "schemagate lsp: " << e.what() << "\n";
      }
      continue;
    }
    ssize_t n = ::read(STDIN_FILENO, buffer.data(), buffer.size());
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      return 1;
    }
    if (n == 0) return server.exited() ? server.exit_code() : 1;  // the client is gone
    try {
      reader.feed(std::string_view(buffer.data(), static_cast<std::size_t>(n)));
      while (auto in = reader.next()) {
        server.receive(std::move(*in));
        if (server.exited()) return server.exit_code();
      }
    } catch (const std::exception& e) {
      // Out of memory on a huge message: drop what was read and go on with the next one.
      std::cerr << "schemagate lsp: " << e.what() << "\n";
      reader = MessageReader();
    }
    if (client_gone) return 1;
  }
}

}  // namespace schemagate::lsp
