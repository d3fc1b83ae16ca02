// missing-downgrade: no downgrade, or one that does nothing or only raises.
#include "rules/common.hpp"
#include "rules/rules.hpp"

namespace schemagate::rules {

namespace {

// Does this layout pair each migration with a downgrade that the team is expected to write?
bool expects_downgrade(const Migration& m, const LintSettings& settings) {
  switch (traits(m.layout).downgrade_expected) {
    case DowngradeExpected::always:
      return true;
    case DowngradeExpected::when_configured:
      // Flyway undo migrations are a paid feature that many teams don't use: only when
      // configured. Repeatable migrations (no version) have no undo.
      return settings.flyway_undo && !m.id.empty();
    case DowngradeExpected::never:
      // A bare SQL file, Prisma Migrate (no down migrations) and popx (down files are optional).
      break;
  }
  return false;
}

}  // namespace

static void missing_downgrade(RuleContext& ctx) {
  const Migration& m = ctx.migration();
  if (!expects_downgrade(m, ctx.settings())) return;
  // A file that doesn't parse may have lost its downgrade to the error: syntax-error says so.
  if (has_syntax_error(m)) return;
  // Nothing to undo: a merge revision (`alembic merge heads` writes `pass` both ways).
  if (m.upgrade.empty() && m.downgrade_kind != DowngradeKind::real) return;
  std::string what;
  switch (m.downgrade_kind) {
    case DowngradeKind::real:
      return;
    case DowngradeKind::absent:
      what = "has no downgrade";
      break;
    case DowngradeKind::empty:
      what = "has a downgrade that does nothing";
      break;
    case DowngradeKind::only_raises:
      what = "has a downgrade that only raises";
      break;
  }
  const LayoutTraits& layout = traits(m.layout);
  std::string name = m.id.empty() ? std::string("this migration")
                                  : std::string(layout.migration_noun) + " " + m.id;
  ctx.report(m.downgrade_range, name + " " + what + ": it can't be rolled back",
             std::string(layout.downgrade_help));
}

extern const RuleDef missing_downgrade_rule{.id = "missing-downgrade",
                                            .severity = Severity::error,
                                            .category = "reversibility",
                                            .check = &missing_downgrade};

}  // namespace schemagate::rules
