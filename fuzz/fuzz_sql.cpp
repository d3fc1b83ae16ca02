// libFuzzer target: one .sql file through the SQL frontend (templates, DO blocks, inline
// ignores) and every rule, opt-in ones included; and the same text as a dbmate migration,
// whose sections are split before parsing.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "check.hpp"
#include "engine/layouts.hpp"
#include "schemagate/engine.hpp"
#include "schemagate/rule.hpp"

namespace {

const schemagate::LintOptions& options() {
  static const schemagate::LintOptions o = [] {
    schemagate::LintOptions o;
    for (const schemagate::RuleInfo& rule : schemagate::all_rules()) {
      o.enable.insert(std::string(rule.id));
    }
    o.placeholders = {{"schema", "app"}, {"table", "users"}};
    return o;
  }();
  return o;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  schemagate::fuzz::on_small_stack([text] {
    schemagate::LintResult result = schemagate::lint_text("fuzz.sql", std::string(text), options());
    schemagate::fuzz::check(result, text);
    if (text.find("migrate:") != std::string_view::npos && !schemagate::find_invalid_utf8(text) &&
        text.find('\0') == std::string_view::npos) {
      schemagate::SourceFile file{"20240101000000_fuzz.sql", std::string(text)};
      schemagate::SqlRole role;
      role.layout = schemagate::Layout::dbmate;
      role.version = "20240101000000";
      schemagate::Migration m = schemagate::parse_sql_migration(file, role, options().placeholders);
      for (const schemagate::FrontendIssue& issue : m.issues) {
        if (issue.rule == "internal-error" || issue.range.begin > issue.range.end ||
            issue.range.end > text.size()) {
          std::fprintf(stderr, "fuzz check failed: dbmate: [%s] %s at %zu-%zu\n",
                       issue.rule.c_str(), issue.message.c_str(), issue.range.begin,
                       issue.range.end);
          std::abort();
        }
      }
    }
  });
  return 0;
}
