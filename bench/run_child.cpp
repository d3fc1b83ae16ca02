// Runs one command and prints what it cost, as one JSON line on stdout:
//
//   schemagate-bench-run [-o FILE] -- COMMAND [ARG...]
//   {"wall":0.0123,"user":0.0100,"sys":0.0020,"maxrss_kb":9648,"code":1}
//
// The command's stdout goes to FILE (default /dev/null), its stdin is /dev/null and its
// stderr is this program's. Wall time is CLOCK_MONOTONIC around posix_spawn and wait4; user,
// sys and peak resident set size are the child's own, from wait4.
//
// Why a program of its own: Linux carries the RSS high-water mark of the process that execs
// into the new program's ru_maxrss (the memory of a vforked or forked child is the parent's
// until exec). Started from the benchmark's Python process, every command would report at
// least Python's peak; started from this small process, the floor is a few MB.
#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <string_view>

extern char** environ;

namespace {

double seconds(const timeval& tv) {
  return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6;
}

double now() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

}  // namespace

int main(int argc, char** argv) {
  const char* out = "/dev/null";
  int i = 1;
  for (; i < argc; ++i) {
    std::string_view a = argv[i];
    if (a == "-o" && i + 1 < argc) {
      out = argv[++i];
    } else if (a == "--") {
      ++i;
      break;
    } else {
      std::fprintf(stderr, "usage: schemagate-bench-run [-o FILE] -- COMMAND [ARG...]\n");
      return 2;
    }
  }
  if (i >= argc) {
    std::fprintf(stderr, "schemagate-bench-run: no command\n");
    return 2;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid = 0;
  double start = now();
  int err = posix_spawn(&pid, argv[i], &actions, nullptr, &argv[i], environ);
  posix_spawn_file_actions_destroy(&actions);
  if (err != 0) {
    std::fprintf(stderr, "schemagate-bench-run: %s: %s\n", argv[i], std::strerror(err));
    return 2;
  }
  int status = 0;
  rusage ru{};
  if (wait4(pid, &status, 0, &ru) != pid) {
    std::perror("schemagate-bench-run: wait4");
    return 2;
  }
  double wall = now() - start;
  int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  std::printf("{\"wall\":%.6f,\"user\":%.6f,\"sys\":%.6f,\"maxrss_kb\":%ld,\"code\":%d}\n", wall,
              seconds(ru.ru_utime), seconds(ru.ru_stime), ru.ru_maxrss, code);
  return 0;
}
