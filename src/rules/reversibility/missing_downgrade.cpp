// missing-downgrade: no downgrade, or one that does nothing or only raises.
#include "rules/common.hpp"
#include "rules/rules.hpp"

namespace schemagate::rules {

void missing_downgrade(RuleContext& ctx) {
  const Migration& m = ctx.migration();
  if (m.layout == "sql") return;  // a bare SQL file has no downgrade to pair with
  // A file that doesn't parse may have lost its downgrade to the error: syntax-error says so.
  if (has_syntax_error(m)) return;
  // Nothing to undo: a merge revision (`alembic merge heads` writes `pass` both ways).
  if (m.upgrade.empty() && m.downgrade_kind == DowngradeKind::empty) return;
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
  std::string name = m.id.empty() ? std::string("this migration") : "revision " + m.id;
  ctx.report(m.downgrade_range, name + " " + what + ": it can't be rolled back",
             m.layout == "alembic"
                 ? "write downgrade() to undo every change of upgrade(), in reverse order"
                 : "write the down migration that undoes every change, in reverse order");
}

}  // namespace schemagate::rules
