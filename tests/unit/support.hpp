// What the test files share: reading and writing whole files, and running a shell command
// with its output captured.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <system_error>

namespace schemagate::test {

// The whole file, as bytes ("" when it can't be read).
inline std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Writes `text` to `p`, creating its folders.
inline void write(const std::filesystem::path& p, const std::string& text) {
  std::filesystem::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
}

// A fresh folder under the temporary directory (its canonical path), removed at the end.
class TempDir {
 public:
  explicit TempDir(const std::string& name) {
    static int counter = 0;
    path_ =
        std::filesystem::temp_directory_path() / ("schemagate-test-" + std::to_string(::getpid()) +
                                                  "-" + std::to_string(++counter) + "-" + name);
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
    path_ = std::filesystem::canonical(path_);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  [[nodiscard]] const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

struct Run {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs `command` with /bin/sh, its standard output and error captured.
inline Run shell(const std::string& command) {
  static int counter = 0;
  std::filesystem::path tmp =
      std::filesystem::temp_directory_path() /
      ("schemagate-run-" + std::to_string(::getpid()) + "-" + std::to_string(++counter));
  std::filesystem::create_directories(tmp);
  std::string cmd =
      "(" + command + ") >'" + (tmp / "out").string() + "' 2>'" + (tmp / "err").string() + "'";
  int status = std::system(cmd.c_str());
  Run r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = slurp(tmp / "out");
  r.err = slurp(tmp / "err");
  std::filesystem::remove_all(tmp);
  return r;
}

}  // namespace schemagate::test
