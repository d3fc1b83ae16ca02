// libFuzzer target: the configuration loader, on one text read both as .schemagate.yaml and
// as pyproject.toml ([tool.schemagate]), and as an alembic.ini (the other file schemagate
// reads settings from). Every error must have a message and a position in the file.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "check.hpp"
#include "config/config_text.hpp"
#include "engine/discover.hpp"
#include "schemagate/source.hpp"

namespace {

void check(const schemagate::ConfigResult& r, std::string_view text) {
  if (r.config.has_value() != r.errors.empty()) {
    std::fprintf(stderr, "fuzz check failed: a configuration both read and refused\n");
    std::abort();
  }
  schemagate::LineIndex lines(text);
  for (const schemagate::ConfigError& e : r.errors) {
    // Line 0 is "no position" (yaml-cpp marks some errors so); past the end is a bug.
    if (e.message.empty() || e.position.line > lines.line_count() + 1) {
      std::fprintf(stderr, "fuzz check failed: %s:%u:%u: '%s'\n", e.path.c_str(), e.position.line,
                   e.position.column, e.message.c_str());
      std::abort();
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  schemagate::fuzz::on_small_stack([text] {
    check(schemagate::parse_config_text(".schemagate.yaml", text), text);
    check(schemagate::parse_config_text("pyproject.toml", text), text);
    (void)schemagate::alembic_ini_version_dirs(text, "/nonexistent-schemagate-fuzz");
  });
  return 0;
}
