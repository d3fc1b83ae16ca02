// require-statement-timeout (opt-in): a statement that takes a strong lock on an existing
// table with no SET statement_timeout before it in the migration.
#include "rules/locks/strong_lock.hpp"
#include "rules/rules.hpp"

namespace schemagate::rules {

void require_statement_timeout(RuleContext& ctx) {
  const bool alembic = ctx.migration().layout == "alembic";
  first_step_without_timeout(ctx, "statement_timeout", [&](const Step& step) {
    auto what = strong_lock_statement(step);
    if (!what) return false;
    ctx.report(step,
               *what +
                   " holds a lock that blocks other sessions, and nothing limits how long it "
                   "may run: no statement_timeout is set before it in this migration",
               alembic ? "put op.execute(\"SET statement_timeout = '5min'\") at the start of "
                         "the function, before this statement"
                       : "put `SET statement_timeout = '5min';` at the start of the migration, "
                         "before this statement");
    return true;
  });
}

}  // namespace schemagate::rules
