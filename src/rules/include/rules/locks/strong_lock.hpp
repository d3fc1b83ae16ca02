// Shared by require-lock-timeout and require-statement-timeout: which statements queue
// for an ACCESS EXCLUSIVE or SHARE (or stronger) lock on an existing table, and whether a
// SET of a timeout setting switches it on.
#pragma once

#include <cctype>
#include <optional>
#include <string>

#include "rules/common.hpp"

namespace schemagate::rules {

// A short description of the statement ("ALTER TABLE orders ADD COLUMN", ...), when it
// takes ACCESS EXCLUSIVE, SHARE ROW EXCLUSIVE or SHARE on an existing table.
inline std::optional<std::string> strong_lock_statement(const Step& step) {
  if (!on_existing_table(step)) return std::nullopt;
  const Operation& op = *step.op;
  auto on = [&](const std::string& what) -> std::optional<std::string> {
    const QualifiedName* t = target_table(op);
    return t != nullptr ? what + " on " + quoted(*t) : what;
  };
  if (op.is<AddColumn>() || op.is<DropColumn>() || op.is<AlterColumnType>() ||
      op.is<SetNotNull>() || op.is<DropNotNull>() || op.is<SetDefault>() ||
      op.is<AddConstraint>() || op.is<DropConstraint>() || op.is<RenameColumn>() ||
      op.is<RenameTable>() || op.is<DropTable>() || op.is<Cluster>()) {
    return on(operation_name(op));
  }
  if (const auto* i = op.as<CreateIndex>(); i != nullptr && !i->concurrently) {
    return on("CREATE INDEX");
  }
  if (const auto* d = op.as<DropIndex>(); d != nullptr && !d->concurrently) {
    return "DROP INDEX " + quoted(d->index);
  }
  if (const auto* t = op.as<Truncate>()) {
    return t->tables.empty() ? "TRUNCATE" : "TRUNCATE " + quoted(t->tables.front());
  }
  if (const auto* v = op.as<Vacuum>(); v != nullptr && v->full) {
    return v->tables.empty() ? "VACUUM FULL" : "VACUUM FULL " + quoted(v->tables.front());
  }
  if (const auto* r = op.as<Reindex>(); r != nullptr && !r->concurrently) {
    return "REINDEX " + r->name.display();
  }
  return std::nullopt;
}

// SET name = value with a non-zero value (0, '0', '0s', DEFAULT and RESET switch it off).
inline std::optional<bool> sets_timeout(const SetSetting& s, const std::string& name) {
  if (s.name != name) return std::nullopt;
  const std::string& v = s.value;
  if (v.empty() || v == "default") return false;
  std::size_t i = 0;
  while (i < v.size() && (std::isdigit(static_cast<unsigned char>(v[i])) != 0 || v[i] == '.')) {
    if (v[i] != '0' && v[i] != '.') return true;
    ++i;
  }
  return i == 0;  // not a number: some other spelling, assume it sets a timeout
}

// The walk both timeout rules share: per phase, the first step `flag` picks (it returns
// true to report), unless a SET of `setting` to a non-zero value came before it. Each phase
// starts with what the runner sets before every migration (env.py); a SET LOCAL made there
// ends with the runner's transaction, which an autocommit block commits.
template <typename Flag>
void first_step_without_timeout(RuleContext& ctx, const std::string& setting, Flag&& flag) {
  bool by_runner = false;
  bool runner_local = false;
  for (const SetSetting& s : ctx.runner().settings) {
    if (auto on = sets_timeout(s, setting)) {
      by_runner = *on;
      runner_local = s.local;
    }
  }
  bool set = by_runner;
  bool from_runner = by_runner;  // `set` is still the runner's
  bool reported = false;
  Phase phase = Phase::upgrade;
  for (const Step& step : ctx.steps()) {
    if (step.phase != phase) {
      phase = step.phase;
      set = from_runner = by_runner;
      reported = false;
    }
    if (from_runner && runner_local && step.op->autocommit) set = from_runner = false;
    if (const auto* s = step.as<SetSetting>()) {
      if (auto on = sets_timeout(*s, setting)) {
        set = *on;
        from_runner = false;
        continue;
      }
    }
    if (!set && !reported) reported = flag(step);
  }
}

// Where a SET of a timeout goes so that it runs before `step`: the start of the phase's
// function, file or section ("upgrade()", "the migration", "the `-- migrate:down` section").
inline std::string phase_start(const RuleContext& ctx, const Step& step) {
  const Migration& m = ctx.migration();
  const bool down = step.phase == Phase::downgrade;
  if (traits(m.layout).language == Language::python) return down ? "downgrade()" : "upgrade()";
  // The downgrade's own file, or its section of this file (dbmate's `-- migrate:down`).
  return !down                    ? "the migration"
         : m.down_file != nullptr ? std::string(traits(m.layout).downgrade_place)
         : traits(m.layout).downgrade_form == DowngradeForm::section
             ? std::string(traits(m.layout).downgrade_place)
             : "the down migration";
}

// "put ... at the start of ...", in the migration's language.
inline std::string set_at_start(const RuleContext& ctx, const Step& step, const std::string& sql) {
  if (traits(ctx.migration().layout).language == Language::python) {
    const std::string call = "op.execute(" + py_str(sql) + ")";
    return "put " +
           (ctx.runner().other_databases
                ? "`if op.get_bind().dialect.name == \"postgresql\": " + call + "`"
                : call) +
           " at the start of " + phase_start(ctx, step);
  }
  return "put `" + sql + ";` at the start of " + phase_start(ctx, step);
}

}  // namespace schemagate::rules
