// ban-set-logged-unlogged: ALTER TABLE ... SET LOGGED / SET UNLOGGED on a table that already
// exists: the table is rewritten under ACCESS EXCLUSIVE.
#include "rules/common.hpp"
#include "rules/rules.hpp"

namespace schemagate::rules {

static void ban_set_logged_unlogged(RuleContext& ctx) {
  for (const Step& step : ctx.steps()) {
    const auto* op = step.as<TableCommand>();
    if (op == nullptr || (op->what != "SET LOGGED" && op->what != "SET UNLOGGED")) continue;
    if (!on_existing_table(step)) continue;
    const std::string table = quoted(op->table);
    const bool logged = op->what == "SET LOGGED";
    std::string message = "ALTER TABLE " + op->table.display() + " " + op->what + " rewrites " +
                          table +
                          " under an ACCESS EXCLUSIVE lock, blocking all reads and writes of it "
                          "until the copy is written";
    message += logged ? ", and writes the whole table to the WAL (standbys replay it all)"
                      : "; an unlogged table is emptied after a crash and its rows never reach "
                        "standbys";
    ctx.report(step, std::move(message),
               std::string("it has no online form: on a table of more than a few thousand rows, "
                           "create a new ") +
                   (logged ? "" : "UNLOGGED ") +
                   "table, copy the rows in batches, keep it in step with a trigger and swap "
                   "the names in one short transaction; or run it in a maintenance window");
  }
}

extern const RuleDef ban_set_logged_unlogged_rule{.id = "ban-set-logged-unlogged",
                                                  .severity = Severity::warning,
                                                  .category = "locks",
                                                  .check = &ban_set_logged_unlogged};

}  // namespace schemagate::rules
