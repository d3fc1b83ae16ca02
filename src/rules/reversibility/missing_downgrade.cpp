// missing-downgrade: no downgrade, or one that does nothing or only raises.
#include "rules/common.hpp"
#include "rules/rules.hpp"

namespace schemagate::rules {

namespace {

// Does this layout pair each migration with a downgrade that the team is expected to write?
bool expects_downgrade(const Migration& m, const LintSettings& settings) {
  if (m.layout == "alembic" || m.layout == "golang-migrate" || m.layout == "dbmate" ||
      m.layout == "sqitch" || m.layout == "diesel") {
    return true;
  }
  // Flyway undo migrations are a paid feature that many teams don't use: only when configured.
  // Repeatable migrations (no version) have no undo.
  if (m.layout == "flyway") return settings.flyway_undo && !m.id.empty();
  // A bare SQL file, Prisma Migrate (no down migrations) and popx (down files are optional).
  return false;
}

std::string sql_help(const Migration& m) {
  if (m.layout == "golang-migrate") return "add the matching .down.sql that undoes every change";
  if (m.layout == "dbmate") return "write a `-- migrate:down` section that undoes every change";
  if (m.layout == "sqitch") return "write revert/ script for this change that undoes its deploy";
  if (m.layout == "flyway") return "add the matching U<version>__<name>.sql undo migration";
  if (m.layout == "diesel") return "write down.sql so that it undoes every change of up.sql";
  return "write the down migration that undoes every change, in reverse order";
}

}  // namespace

void missing_downgrade(RuleContext& ctx) {
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
  std::string name = m.id.empty()            ? std::string("this migration")
                     : m.layout == "alembic" ? "revision " + m.id
                     : m.layout == "sqitch"  ? "change " + m.id
                                             : "migration " + m.id;
  ctx.report(m.downgrade_range, name + " " + what + ": it can't be rolled back",
             m.layout == "alembic"
                 ? "write downgrade() to undo every change of upgrade(), in reverse order"
                 : sql_help(m));
}

}  // namespace schemagate::rules
