// ban-truncate-cascade: TRUNCATE ... CASCADE.
#include "rules/common.hpp"
#include "rules/rules.hpp"

namespace schemagate::rules {

static void ban_truncate_cascade(RuleContext& ctx) {
  for (const Step& step : ctx.steps()) {
    const auto* op = step.as<Truncate>();
    if (op == nullptr || !op->cascade) continue;
    std::string tables;
    std::string sql_tables;
    for (const QualifiedName& t : op->tables) {
      tables += (tables.empty() ? "" : ", ") + quoted(t);
      sql_tables += (sql_tables.empty() ? "" : ", ") + sql_table(t);
    }
    // Without CASCADE, PostgreSQL truncates the named tables only if every table with a
    // foreign key to one of them is named too: the tables replay knows CASCADE reaches.
    std::string reached;
    for (const Related& r : step.related) {
      if (!r.cascade) continue;
      reached += (reached.empty() ? "" : ", ") + quoted(r.table);
      sql_tables += ", " + sql_table(r.table);
    }
    std::string unknown;
    for (const QualifiedName& t : step.unknown_tables) {
      unknown += (unknown.empty() ? "" : ", ") + quoted(t);
    }
    std::string help = reached.empty()
                           ? "name every table you mean to empty, without CASCADE"
                           : "name every table you mean to empty, without CASCADE, with the tables "
                             "CASCADE reaches through their foreign keys (" +
                                 reached + ")";
    if (!unknown.empty()) {
      help += "; the migrations linted don't show which tables have a foreign key to " + unknown +
              ": add each of them to the list (PostgreSQL refuses the statement while a table "
              "that references one it empties is missing from it, \"cannot truncate a table "
              "referenced in a foreign key constraint\")";
    } else {
      help +=
          " (PostgreSQL then refuses the statement if another table still references one "
          "of them)";
    }
    ctx.report(step,
               "TRUNCATE " + tables +
                   " CASCADE also empties every table with a foreign key to it, recursively, "
                   "each under an ACCESS EXCLUSIVE lock that blocks all reads and writes",
               help + ": " + execute(ctx, "TRUNCATE " + sql_tables));
  }
}

extern const RuleDef ban_truncate_cascade_rule{.id = "ban-truncate-cascade",
                                               .severity = Severity::error,
                                               .category = "compatibility",
                                               .check = &ban_truncate_cascade};

}  // namespace schemagate::rules
