// What schemagate asks of the operating system beyond standard C++: reading a file whole in
// few system calls, a file's identity for change detection, the main thread's stack size,
// whether standard output is a terminal. platform.cpp implements it with POSIX and Linux
// calls (st_mtim); a port to another system replaces that one file.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace schemagate::platform {

// The largest file read: 1 GiB.
inline constexpr std::int64_t kMaxFileBytes = std::int64_t{1} << 30U;

// Reads a whole regular file, or a pipe (a named one, or `<(...)` on the command line), with
// as few system calls as possible; not a directory, socket or device (which may never end),
// nor anything larger than kMaxFileBytes. On failure, `why` says why (strerror's words, or
// "is a directory", ...).
[[nodiscard]] std::optional<std::string> read_file(const std::string& path, std::string& why);

// The same for a regular file only (a pipe is refused too), without the reason.
[[nodiscard]] std::optional<std::string> read_regular_file(const std::string& path);

// What tells a changed file from an unchanged one (stat(2), following symbolic links).
struct FileStamp {
  bool exists = false;
  std::int64_t size = 0;
  std::int64_t mtime_ns = 0;
  std::uint64_t inode = 0;
  std::uint64_t device = 0;
  friend bool operator==(const FileStamp&, const FileStamp&) = default;
};
[[nodiscard]] FileStamp file_stamp(const std::string& path);

// The main thread's stack limit in bytes (RLIMIT_STACK); nullopt when unlimited or unknown.
[[nodiscard]] std::optional<std::size_t> main_thread_stack_limit();

// Whether standard output is a terminal.
[[nodiscard]] bool stdout_is_terminal();

}  // namespace schemagate::platform
