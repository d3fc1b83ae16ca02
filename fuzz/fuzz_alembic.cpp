// libFuzzer target: one Alembic revision through the Alembic frontend (tokenizer checks,
// tree-sitter, the static interpreter, SQL in op.execute) and every rule, opt-in ones
// included. Imports of project helpers resolve against the working directory: run it in an
// empty one (scripts/fuzz.sh does).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "check.hpp"
#include "schemagate/engine.hpp"
#include "schemagate/rule.hpp"

namespace {

const schemagate::LintOptions& options() {
  static const schemagate::LintOptions o = [] {
    schemagate::LintOptions o;
    for (const schemagate::RuleInfo& rule : schemagate::all_rules()) {
      o.enable.insert(std::string(rule.id));
    }
    return o;
  }();
  return o;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  schemagate::fuzz::on_small_stack([text] {
    schemagate::LintResult result =
        schemagate::lint_text("versions/fuzz.py", std::string(text), options());
    schemagate::fuzz::check(result, text);
  });
  return 0;
}
