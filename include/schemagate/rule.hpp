// What a rule sees and how it reports. A rule is one free function over one migration.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "schemagate/diagnostic.hpp"
#include "schemagate/ir.hpp"

namespace schemagate {

struct LintSettings {
  int pg_version = 15;  // major version of the target PostgreSQL
};

// One operation in its context, as schema replay sees it when the operation runs.
struct Step {
  const Operation* op = nullptr;
  Phase phase = Phase::upgrade;
  bool in_transaction = false;        // an explicit BEGIN, or the runner's own transaction
  bool explicit_transaction = false;  // inside BEGIN ... COMMIT written in the migration
  // The table the operation works on (for DROP INDEX: the index's table, when known) was
  // created earlier in this same migration: locking or dropping it harms nobody.
  bool table_is_new = false;
  // The column, index or constraint the operation drops, renames or changes was created
  // earlier in this same migration (e.g. a downgrade undoing its own upgrade).
  bool object_is_new = false;
  // SET NOT NULL: a validated CHECK (column IS NOT NULL) exists on the column.
  bool not_null_proven = false;
  // ALTER COLUMN TYPE: the column's type before, when replay knows it.
  std::optional<TypeName> previous_type;

  template <typename T>
  [[nodiscard]] const T* as() const {
    return op->as<T>();
  }
};

struct RawFinding {
  std::string rule;
  ByteRange range;
  std::string message;
  std::string help;
};

class RuleContext {
 public:
  RuleContext(const Migration& migration, std::span<const Step> steps,
              const LintSettings& settings)
      : migration_(migration), steps_(steps), settings_(settings) {}

  [[nodiscard]] const Migration& migration() const { return migration_; }
  [[nodiscard]] std::span<const Step> steps() const { return steps_; }
  [[nodiscard]] const LintSettings& settings() const { return settings_; }

  void report(const Step& step, std::string message, std::string help) {
    report(step.op->range, std::move(message), std::move(help));
  }
  void report(ByteRange range, std::string message, std::string help) {
    findings_.push_back({std::string(rule_), range, std::move(message), std::move(help)});
  }

  // Used by the engine: which rule is running, and what it found.
  void begin_rule(std::string_view rule) { rule_ = rule; }
  [[nodiscard]] std::vector<RawFinding>& findings() { return findings_; }

 private:
  const Migration& migration_;
  std::span<const Step> steps_;
  const LintSettings& settings_;
  std::string_view rule_;
  std::vector<RawFinding> findings_;
};

using CheckFn = void (*)(RuleContext&);

struct RuleInfo {
  std::string_view id;
  Severity severity;
  std::string_view category;
  std::string_view summary;
  // Null for diagnostics that the frontends or the engine emit themselves (syntax-error, ...).
  CheckFn check;
};

// Every rule, sorted by id.
[[nodiscard]] std::span<const RuleInfo> all_rules();
[[nodiscard]] const RuleInfo* find_rule(std::string_view id);

// The rule's documentation (rules/<id>.md, embedded at build time); empty if none.
[[nodiscard]] std::string_view rule_doc(std::string_view id);
// Ids of every embedded doc, sorted.
[[nodiscard]] std::vector<std::string_view> documented_rules();

}  // namespace schemagate
