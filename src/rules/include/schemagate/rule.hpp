// What a rule sees and how it reports. A rule is one free function over one migration.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "schemagate/diagnostic.hpp"
#include "schemagate/ir.hpp"
#include "schemagate/reversal.hpp"
#include "schemagate/step.hpp"

namespace schemagate {

// The value of a rule's option (`rules.<id>.<option>` in the configuration).
using OptionValue = std::variant<bool, std::int64_t, std::string>;

struct LintSettings {
  int pg_version = 15;  // major version of the target PostgreSQL
  // Rule options set by the configuration: rule id → option → value (checked against the
  // rule's declared options when the configuration is read). Unset options take the rule's
  // default.
  std::map<std::string, std::map<std::string, OptionValue, std::less<>>, std::less<>> rule_options;
  // Tables the team knows to be large, with their row counts when given.
  std::map<std::string, std::optional<std::int64_t>> large_tables;
  // Flyway: the team writes undo migrations (U<ver>__x.sql), so a V without its U is
  // missing-downgrade.
  bool flyway_undo = false;
};

struct RawFinding {
  std::string rule;
  ByteRange range;
  std::string message;
  std::string help;
  // Which phase's file the range points into (Migration::file_of): a downgrade kept in a
  // file of its own (.down.sql) is reported there.
  Phase phase = Phase::upgrade;
  // Edits of the file of `phase` that make the finding go away.
  std::optional<Fix> fix;
};

class RuleContext {
 public:
  RuleContext(const Migration& migration, std::span<const Step> steps, const Reversals& reversals,
              const LintSettings& settings, const RunnerEnvironment& runner)
      : migration_(migration),
        steps_(steps),
        reversals_(reversals),
        settings_(settings),
        runner_(runner) {}

  [[nodiscard]] const Migration& migration() const { return migration_; }
  [[nodiscard]] std::span<const Step> steps() const { return steps_; }
  // Which downgrade operation reverses which upgrade operation (find_reversals of the
  // migration, which the steps' `reverses` come from).
  [[nodiscard]] const Reversals& reversals() const { return reversals_; }
  [[nodiscard]] const LintSettings& settings() const { return settings_; }
  // What the project's runner does around every migration (Alembic: its env.py).
  [[nodiscard]] const RunnerEnvironment& runner() const { return runner_; }
  // The running rule's option `rules.<id>.<name>` (the configuration's value, else the
  // default the rule declares).
  [[nodiscard]] OptionValue option(std::string_view name) const;

  void report(const Step& step, std::string message, std::string help) {
    report(step.phase, step.op->range, std::move(message), std::move(help));
  }
  // A range of the upgrade's file (Migration::file).
  void report(ByteRange range, std::string message, std::string help) {
    report(Phase::upgrade, range, std::move(message), std::move(help));
  }
  // A range of the file of `phase` (Migration::file_of).
  void report(Phase phase, ByteRange range, std::string message, std::string help,
              std::optional<Fix> fix = std::nullopt) {
    findings_.push_back(
        {std::string(rule_), range, std::move(message), std::move(help), phase, std::move(fix)});
  }
  // With the rule's fix (edits of the file of the step's phase).
  void report(const Step& step, std::string message, std::string help, std::optional<Fix> fix) {
    report(step.phase, step.op->range, std::move(message), std::move(help), std::move(fix));
  }
  // At a part of the step's operation, such as one column's definition (ColumnDef::range),
  // when the frontend knows where it is written; else at the whole operation.
  void report_at(const Step& step, const std::optional<ByteRange>& part, std::string message,
                 std::string help, std::optional<Fix> fix = std::nullopt) {
    report(step.phase, part.value_or(step.op->range), std::move(message), std::move(help),
           std::move(fix));
  }

  // Used by the engine: which rule is running, and what it found.
  void begin_rule(std::string_view rule) { rule_ = rule; }
  [[nodiscard]] std::vector<RawFinding>& findings() { return findings_; }

 private:
  const Migration& migration_;
  std::span<const Step> steps_;
  const Reversals& reversals_;
  const LintSettings& settings_;
  const RunnerEnvironment& runner_;
  std::string_view rule_;
  std::vector<RawFinding> findings_;
};

class RevisionGraph;

// What a graph rule sees: every migration of one project, and its revision graph (Alembic
// revisions; empty for a folder of versioned SQL files, whose order is their versions).
class GraphContext {
 public:
  explicit GraphContext(const RevisionGraph& graph, std::vector<const Migration*> migrations = {})
      : graph_(graph), migrations_(std::move(migrations)) {}

  [[nodiscard]] const RevisionGraph& graph() const { return graph_; }
  // Every migration of the project, in the order they run.
  [[nodiscard]] const std::vector<const Migration*>& migrations() const { return migrations_; }
  void report(const Migration& migration, ByteRange range, std::string message, std::string help) {
    findings_.push_back(
        {&migration,
         {std::string(rule_), range, std::move(message), std::move(help), Phase::upgrade, {}}});
  }

  void begin_rule(std::string_view rule) { rule_ = rule; }
  [[nodiscard]] std::vector<std::pair<const Migration*, RawFinding>>& findings() {
    return findings_;
  }

 private:
  const RevisionGraph& graph_;
  std::vector<const Migration*> migrations_;
  std::string_view rule_;
  std::vector<std::pair<const Migration*, RawFinding>> findings_;
};

using CheckFn = void (*)(RuleContext&);
using GraphCheckFn = void (*)(GraphContext&);

// An option a rule declares: `rules.<id>.<name>` in the configuration.
struct RuleOption {
  std::string_view name;
  // The default, which also fixes the option's type (bool, integer or text).
  enum class Kind { boolean, integer, text } kind = Kind::boolean;
  std::string_view default_value;  // "false", "0", "" ...
  std::string_view help;           // one line, for `schemagate config` and errors
};

// What a rule's own file says about it. Every rule defines one, `extern const RuleDef
// <id with _>_rule`, and is listed once in src/rules/include/rules/rules.def.
struct RuleDef {
  std::string_view id;
  Severity severity = Severity::warning;
  std::string_view category;
  // One migration at a time. Null for graph rules and for diagnostics that the frontends
  // or the engine emit themselves (syntax-error, io-error, ...).
  CheckFn check = nullptr;
  // The revision graph of a whole project, once.
  GraphCheckFn graph_check = nullptr;
  // Runs only when switched on (rules.enable in the configuration, or --enable).
  bool opt_in = false;
  std::span<const RuleOption> options = {};
  // The team checklist's verified item a finding stands against, when it is not the one
  // its category implies (locks/compatibility: zero-downtime; reversibility: reversible).
  std::string_view checklist_item = {};
  // A finding means the migration could not be analysed: no verified item can be met.
  bool blocks_analysis = false;
  // Another rule that describes the same hazard as every finding of this one (a foreign key
  // without NOT VALID: adding-foreign-key-constraint and constraint-missing-not-valid). Only
  // this rule reports it, and an inline ignore naming either id suppresses it (`disable`
  // turns off this rule's own id only).
  std::string_view same_hazard = {};
};

// Does a finding of `rule` answer to the id `named` (the rule itself, or the rule whose
// hazard it also reports)?
[[nodiscard]] bool answers_to(std::string_view rule, std::string_view named);

// A rule as the registry holds it: its definition and the summary paragraph of its doc
// (rules/<id>.md), as plain text.
struct RuleInfo : RuleDef {
  std::string summary;
};

// Every rule, sorted by id.
[[nodiscard]] std::span<const RuleInfo> all_rules();
// A rule option's value: the configuration's, else the rule's default (as its kind).
[[nodiscard]] OptionValue option_value(const LintSettings& settings, std::string_view rule,
                                       std::string_view option);
[[nodiscard]] const RuleInfo* find_rule(std::string_view id);
// The rule id closest to a misspelled one (a few edits away), if any.
[[nodiscard]] std::optional<std::string_view> closest_rule(std::string_view id);
// "unknown rule 'x' (did you mean 'y'? see `schemagate rules`)".
[[nodiscard]] std::string unknown_rule_message(std::string_view id);

// The rule's documentation (rules/<id>.md, embedded at build time); empty if none.
[[nodiscard]] std::string_view rule_doc(std::string_view id);
// A paragraph of a rule doc, its lines joined by spaces: the first of the section under
// `heading` (e.g. "What it does"), or with no heading the summary (the first paragraph after
// the title and the severity line). `plain` drops Markdown's backticks and emphasis.
[[nodiscard]] std::string doc_paragraph(std::string_view doc, std::string_view heading = {},
                                        bool plain = false);
// Ids of every embedded doc, sorted.
[[nodiscard]] std::vector<std::string_view> documented_rules();

}  // namespace schemagate
