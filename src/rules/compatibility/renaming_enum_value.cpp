// renaming-enum-value: ALTER TYPE ... RENAME VALUE.
#include "rules/common.hpp"
#include "rules/rules.hpp"

namespace schemagate::rules {

namespace {

// A SQL string literal.
std::string sql_str(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

}  // namespace

static void renaming_enum_value(RuleContext& ctx) {
  for (const Step& step : ctx.steps()) {
    const auto* op = step.as<AlterEnum>();
    if (op == nullptr || !op->rename || reverses_upgrade(step)) continue;
    const std::string from = sql_str(op->old_value);
    const std::string to = sql_str(op->new_value);
    const std::string add = execute(ctx, "ALTER TYPE " + op->name.display() + " ADD VALUE " + to);
    // One UPDATE per column of the type, in batches of the table's key as unbatched-backfill
    // has them, once the new value is committed: PostgreSQL refuses a value added by ALTER
    // TYPE ... ADD VALUE in the transaction that added it.
    std::vector<std::string> updates;
    for (const Step::TypedColumn& c : step.typed_columns) {
      const std::string col = sql_ident(c.column);
      const std::string t = sql_table(c.table);
      std::string sql =
          c.array ? "UPDATE " + t + " SET " + col + " = array_replace(" + col + ", " + from + ", " +
                        to + ") WHERE " + from + " = ANY(" + col + ")"
                  : "UPDATE " + t + " SET " + col + " = " + to + " WHERE " + col + " = " + from;
      if (alembic(ctx)) {
        updates.push_back("for start in range(0, bind.execute(sa.text(" +
                          py_str("SELECT max(id) FROM " + t) + ")).scalar() or 0, 1000):");
        updates.push_back("    bind.execute(sa.text(" +
                          py_str(sql + " AND id > :start AND id <= :start + 1000") +
                          "), {\"start\": start})");
      } else {
        updates.push_back(sql + " AND id > 0 AND id <= 1000;");
      }
    }
    std::string help;
    const std::string app = "move the application to " + to + ", then stop using " + from;
    if (updates.empty()) {
      help = "add the new value instead (" + add +
             "), and once it has committed move the rows of every column of type " +
             op->name.display() + " from " + from + " to " + to +
             " in batches (see unbatched-backfill), then " + app;
    } else if (alembic(ctx)) {
      updates.insert(updates.begin(), "bind = op.get_bind()");
      help = "add the new value instead, move the rows to it in " + later_migration(ctx, step) +
             " (PostgreSQL "
             "refuses a new value in the transaction that added it), in batches of each "
             "table's key (id here), each committed on its own, then " +
             app + ":\n" + add + "\n" +
             comment(ctx, "then, in " + later_migration(ctx, step) + ":") + "\n" +
             autocommit_block(updates);
    } else {
      help =
          "add the new value instead, move the rows to it once it has committed (PostgreSQL "
          "refuses a new value in the transaction that added it), in batches of each "
          "table's key (id here), each in its own transaction, from a script or job after "
          "this migration, then " +
          app + ":\n" + add + "\n" + lines(updates) + "\n" +
          comment(ctx, "then id > 1000 AND id <= 2000, and so on up to the table's largest id");
    }
    ctx.report(step,
               "renaming the value " + from + " of enum " + quoted(op->name) + " to " + to +
                   " breaks every running query and application build that still writes or "
                   "compares " +
                   from,
               help);
  }
}

extern const RuleDef renaming_enum_value_rule{.id = "renaming-enum-value",
                                              .severity = Severity::warning,
                                              .category = "compatibility",
                                              .check = &renaming_enum_value};

}  // namespace schemagate::rules
