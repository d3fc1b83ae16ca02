// incomplete-downgrade: the downgrade leaves a change of the upgrade in place.
#include "rules/common.hpp"
#include "rules/rules.hpp"
#include "schemagate/reversal.hpp"

namespace schemagate::rules {

static void incomplete_downgrade(RuleContext& ctx) {
  const Migration& m = ctx.migration();
  if (m.downgrade_kind != DowngradeKind::real) return;  // missing-downgrade's business
  if (has_syntax_error(m)) return;  // what was read of the file may be incomplete
  // Which downgrade operation undoes which upgrade operation, following renames, automatic
  // names and implicit drops; a downgrade that runs SQL we can't see may undo anything, and a
  // name only known at run time is not guessed (Undo::unknown).
  const Reversals& reversals = ctx.reversals();
  // A DROP ... IF EXISTS of something no migration made: nothing to put back.
  std::vector<bool> never_seen(m.upgrade.size(), false);
  for (const Step& step : ctx.steps()) {
    if (step.phase != Phase::upgrade || !step.never_seen) continue;
    auto i = static_cast<std::size_t>(step.op - m.upgrade.data());
    if (i < never_seen.size()) never_seen[i] = true;
  }
  for (std::size_t i = 0; i < m.upgrade.size(); ++i) {
    if (reversals.undo[i] != Undo::left || never_seen[i]) continue;
    ctx.report(m.upgrade[i].range,
               "the upgrade " + reversals.what[i] + ": rolling back leaves the change in place",
               "add the inverse operation to the downgrade, in reverse order");
  }
}

extern const RuleDef incomplete_downgrade_rule{.id = "incomplete-downgrade",
                                               .severity = Severity::warning,
                                               .category = "reversibility",
                                               .check = &incomplete_downgrade};

}  // namespace schemagate::rules
