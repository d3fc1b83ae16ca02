// ban-drop-table: DROP TABLE of an existing table.
#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>

#include "rules/common.hpp"
#include "rules/fixes.hpp"
#include "rules/rules.hpp"

namespace schemagate::rules {

static void ban_drop_table(RuleContext& ctx) {
  for (const Step& step : ctx.steps()) {
    const auto* op = step.as<DropTable>();
    // A table truncated earlier in the transaction (Step::table_emptied) is still reported:
    // running code loses it all the same. One whose rows an earlier migration copied into
    // another table was retired then (Step::rows_moved_earlier): this is the later drop the
    // help asks for.
    if (op == nullptr || step.table_is_new || reverses_upgrade(step) || step.rows_moved_earlier ||
        maybe_made_at_run_time(ctx.steps(), step) ||
        unnamed_table_of_upgrade(ctx.steps(), step, op->table)) {
      continue;
    }
    // The user's own statement (IF EXISTS, CASCADE and every table it names kept), else one
    // written from the operation.
    std::string drop = alembic(ctx)
                           ? "op.drop_table(" + py_str(op->table.name) + py_schema(op->table) + ")"
                           : "DROP TABLE " + sql_table(op->table) + ";";
    const std::string_view text = text_of(ctx, step);
    if (step.op->range.begin < step.op->range.end && step.op->range.end <= text.size()) {
      std::string written(
          text.substr(step.op->range.begin, step.op->range.end - step.op->range.begin));
      // SQL (the statement itself, any case: Drop Table too), or an Alembic call.
      constexpr std::string_view kDrop = "drop";
      const bool sql = written.size() >= kDrop.size() &&
                       std::equal(kDrop.begin(), kDrop.end(), written.begin(), [](char k, char c) {
                         return k == static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
                       });
      if (sql) {
        drop =
            execute(ctx, written.back() == ';' ? written.substr(0, written.size() - 1) : written);
      } else if (alembic(ctx)) {
        drop = written;
      }
    }
    // A table named at run time has no name to write in the commands.
    const bool named = !op->table.name.empty();
    const std::string message = "dropping table " + quoted(op->table) +
                                " breaks running code that still uses it, and loses its data";
    const std::string dump = "pg_dump" + (named ? " -t " + sql_table(op->table) : std::string());
    if (step.phase == Phase::downgrade) {
      ctx.report(step, message,
                 rollback_help("the table",
                               "leave it in place in the downgrade (if it must go, "
                               "back it up first: " +
                                   dump + ")"));
      continue;
    }
    ctx.report(step, message,
               "stop using the table in the application and deploy, back it up (" + dump + ")" +
                   ", then drop it in " + later_migration(ctx, step) + (named ? ": " + drop : ""));
  }
}

extern const RuleDef ban_drop_table_rule{.id = "ban-drop-table",
                                         .severity = Severity::warning,
                                         .category = "compatibility",
                                         .check = &ban_drop_table};

}  // namespace schemagate::rules
