// require-statement-timeout (opt-in): a statement that takes a strong lock on an existing
// table with no SET statement_timeout before it in the migration.
#include "rules/locks/strong_lock.hpp"
#include "rules/rules.hpp"

namespace schemagate::rules {

static void require_statement_timeout(RuleContext& ctx) {
  first_step_without_timeout(ctx, "statement_timeout", [&](const Step& step) {
    auto what = strong_lock_statement(step);
    if (!what) return false;
    ctx.report(
        step,
        *what +
            " holds a lock that blocks other sessions, and nothing limits how long it "
            "may run: no statement_timeout is set before it in this migration",
        set_at_start(ctx, step, "SET statement_timeout = '5min'") + ", before this statement");
    return true;
  });
}

extern const RuleDef require_statement_timeout_rule{.id = "require-statement-timeout",
                                                    .severity = Severity::info,
                                                    .category = "locks",
                                                    .check = &require_statement_timeout,
                                                    .opt_in = true};

}  // namespace schemagate::rules
