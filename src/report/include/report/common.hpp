// What the machine-readable reporters (SARIF, GitHub, GitLab, JUnit) share: stable
// fingerprints, paths relative to a directory, URIs, and text made safe to embed.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "schemagate/diagnostic.hpp"
#include "schemagate/engine.hpp"

namespace schemagate::report {

// Every finding of a run, reported and suppressed, in diagnostic_less order.
[[nodiscard]] std::vector<const Diagnostic*> all_findings(const LintResult& result);

// A line with its white space normalized: trimmed, and each run of blanks one space.
[[nodiscard]] std::string normalized_line(std::string_view line);

// Identifies a finding across runs, whatever lines were added or removed above it: a hash
// (64-bit FNV-1a, as 16 hex digits) of the rule id, the path, the normalized text of the
// line the finding starts on (its message when there is no line) and the occurrence
// index among the findings that share those three. Feed the findings in report order.
class Fingerprinter {
 public:
  [[nodiscard]] std::string next(const Diagnostic& d, std::string_view path);

 private:
  std::map<std::tuple<std::string, std::string, std::string>, std::size_t> seen_;
};

// `path` (as given: relative to `cwd`, or absolute) relative to the directory `root`, with
// forward slashes and no "./"; empty when it lies outside `root` (or is `root` itself).
// `cwd` and `root` are absolute.
[[nodiscard]] std::string relative_to(std::string_view path, std::string_view cwd,
                                      std::string_view root);

// `path` made absolute against `cwd`, normalized, with forward slashes.
[[nodiscard]] std::string absolute_path(std::string_view path, std::string_view cwd);

// `path` with "./" segments and repeated slashes removed, forward slashes (a path as given
// on the command line, shown as CI systems match it against the repository's files).
[[nodiscard]] std::string clean_path(std::string_view path);

// A relative path as a URI reference: each byte but unreserved characters and '/'
// percent-encoded (UTF-8 bytes of non-ASCII characters too).
[[nodiscard]] std::string uri_path(std::string_view path);

// An absolute path as a file URI: file:///... (percent-encoded as uri_path).
[[nodiscard]] std::string file_uri(std::string_view absolute);

// `text` with each invalid UTF-8 sequence replaced by U+FFFD.
[[nodiscard]] std::string valid_utf8(std::string_view text);

}  // namespace schemagate::report
