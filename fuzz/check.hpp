// What every fuzz target checks of a lint result, beyond "no crash": a finding always has a
// position inside the file, a message, and never says that schemagate itself failed.
#pragma once

#include <pthread.h>

#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "schemagate/engine.hpp"
#include "schemagate/source.hpp"

namespace schemagate::fuzz {

// Runs `fn` on a thread with half the stack that linting threads get (8 MiB): a frontend that
// recurses too deep for its limits fails here first, and under the sanitizers' larger frames.
template <typename Fn>
void on_small_stack(Fn fn) {
  constexpr std::size_t kStack = std::size_t{4} << 20U;
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, kStack);
  pthread_t thread;
  auto body = [](void* arg) -> void* {
    (*static_cast<Fn*>(arg))();
    return nullptr;
  };
  if (pthread_create(&thread, &attr, body, &fn) != 0) {
    std::fprintf(stderr, "fuzz: could not start a thread\n");
    std::abort();
  }
  pthread_join(thread, nullptr);
  pthread_attr_destroy(&attr);
}

[[noreturn]] inline void fail(const Diagnostic& d, const char* why) {
  std::fprintf(stderr, "fuzz check failed: %s\n  %s:%u:%u: [%s] %s\n", why, d.path.c_str(),
               d.begin.line, d.begin.column, d.rule.c_str(), d.message.c_str());
  std::abort();
}

inline void check(const LintResult& result, std::string_view text) {
  LineIndex lines(text);
  for (const Diagnostic& d : result.diagnostics) {
    if (d.rule == "internal-error") fail(d, "an internal error (an exception in schemagate)");
    if (d.rule.empty() || d.message.empty()) fail(d, "a finding without a rule or message");
    if (d.begin.line < 1 || d.begin.column < 1) fail(d, "a position before the file");
    if (d.begin.line > lines.line_count()) fail(d, "a line past the end of the file");
    if (d.end < d.begin) fail(d, "a span that ends before it begins");
  }
}

}  // namespace schemagate::fuzz
