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

// Does the upgrade only change data (and set settings, open and close transactions)?
bool data_only(const Migration& m) {
  bool data = false;
  for (const Operation& op : m.upgrade) {
    if (op.is<DataChange>()) {
      data = true;
    } else if (!op.is<SetSetting>() && !op.is<TransactionControl>()) {
      return false;
    }
  }
  return data;
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
  // SQL: on the upgrade's first statement, where an ignore on the line above (or the same
  // line) is read; a marker or comment line before it takes none.
  ByteRange at = m.downgrade_range;
  if (!alembic(ctx) && !m.upgrade.empty()) at = m.upgrade.front().range;
  // Every migration is expected to be reversible; one that can't be (a data change that
  // destroys what it replaces) is accepted deliberately, with the reason, in the file.
  const bool data = data_only(m);
  std::string ignore =
      comment(ctx, std::string("schemagate: ignore missing-downgrade -- ") +
                       (data ? "the data change can't be undone" : "why it can't be undone"));
  std::string where = alembic(ctx) ? (m.downgrade_kind == DowngradeKind::absent
                                          ? "on the line above `def upgrade`"
                                          : "on the line above `def downgrade`")
                                   : "on the line above the first statement";
  std::string help = data ? "this " + std::string(layout.migration_noun) +
                                " only changes data. If the change can be reversed, " +
                                std::string(layout.downgrade_help) +
                                "; if it can't, accept that deliberately with the reason, " +
                                where + ":\n" + ignore
                          : std::string(layout.downgrade_help) +
                                "; if it truly can't be undone, say so with the reason, " + where +
                                ":\n" + ignore;
  ctx.report(at, name + " " + what + ": it can't be rolled back", help);
}

extern const RuleDef missing_downgrade_rule{.id = "missing-downgrade",
                                            .severity = Severity::error,
                                            .category = "reversibility",
                                            .check = &missing_downgrade};

}  // namespace schemagate::rules
