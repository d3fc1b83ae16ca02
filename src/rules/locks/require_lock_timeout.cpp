// require-lock-timeout: a statement that queues for ACCESS EXCLUSIVE or SHARE (or stronger)
// on an existing table with no SET lock_timeout before it in the migration.
#include <array>
#include <cctype>
#include <variant>

#include "rules/fixes.hpp"
#include "rules/locks/strong_lock.hpp"
#include "rules/rules.hpp"
#include "schemagate/locks.hpp"

namespace schemagate::rules {

namespace {

// "ALTER TABLE ... ADD COLUMN", "CREATE INDEX", "TRUNCATE", ...
std::string statement_name(const Operation& op) {
  const bool alter_table = op.is<AddColumn>() || op.is<DropColumn>() || op.is<RenameColumn>() ||
                           op.is<AlterColumnType>() || op.is<SetNotNull>() ||
                           op.is<DropNotNull>() || op.is<SetDefault>() || op.is<AddConstraint>() ||
                           op.is<DropConstraint>() || op.is<ValidateConstraint>() ||
                           op.is<RenameTable>();
  return alter_table ? "ALTER TABLE ... " + operation_name(op) : operation_name(op);
}

// What waiting for `mode` on `what` holds up, from PostgreSQL's conflict table: ACCESS
// EXCLUSIVE waits for every query and blocks them all; EXCLUSIVE lets plain SELECTs (ACCESS
// SHARE) through but not SELECT ... FOR UPDATE/SHARE (ROW SHARE) or writes; SHARE and SHARE
// ROW EXCLUSIVE conflict with writes (ROW EXCLUSIVE) and leave reads alone.
std::string waits_and_blocks(LockMode mode, const std::string& what) {
  if (conflicts(mode, LockMode::access_share)) {
    return "without lock_timeout it waits behind any long query and blocks every other query "
           "on " +
           what + " meanwhile";
  }
  if (conflicts(mode, LockMode::row_share)) {
    return "without lock_timeout it waits behind any long transaction that writes to " + what +
           " or locks its rows, and blocks every query on " + what + " but plain SELECTs meanwhile";
  }
  return "without lock_timeout it waits behind any long transaction that writes to " + what +
         " and blocks every INSERT, UPDATE and DELETE on " + what +
         " meanwhile (plain SELECTs go on)";
}

}  // namespace

static void require_lock_timeout(RuleContext& ctx) {
  if (std::get<bool>(ctx.option("set_by_runner"))) return;
  const bool alembic = traits(ctx.migration().layout).language == Language::python;
  // Created by a CREATE TABLE (or CREATE [MATERIALIZED] VIEW) of this phase before `step`;
  // `name` as LockInfo names it ("t", "app.t").
  auto created_before = [&](const Step& step, const std::string& name) {
    auto dot = name.find('.');
    const std::string key = dot == std::string::npos ? "public." + name : name;
    for (const Step& s : ctx.steps()) {
      if (&s == &step) break;
      if (s.phase != step.phase) continue;
      const QualifiedName* made = nullptr;
      if (const auto* t = s.as<CreateTable>()) made = &t->table;
      if (const auto* c = s.as<TableCommand>();
          c != nullptr && c->what.starts_with("CREATE") && c->what.ends_with("VIEW")) {
        made = &c->table;
      }
      if (made != nullptr && made->key() == key) return true;
      // CREATE SEQUENCE [IF NOT EXISTS] name (a statement replay doesn't model): its name
      // read from the statement as written.
      if (const auto* o = s.as<Other>(); o != nullptr && o->statement_kind == "CreateSeqStmt") {
        const std::string_view text = text_of(ctx, s);
        if (s.op->range.end > text.size() || s.op->range.begin >= s.op->range.end) continue;
        std::string stmt(text.substr(s.op->range.begin, s.op->range.end - s.op->range.begin));
        for (char& ch : stmt) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        std::size_t at = stmt.find("sequence");
        if (at == std::string::npos) continue;
        at += 8;
        auto skip = [&] {
          while (at < stmt.size() && std::isspace(static_cast<unsigned char>(stmt[at])) != 0) ++at;
        };
        skip();
        if (stmt.compare(at, 13, "if not exists") == 0) {
          at += 13;
          skip();
        }
        std::string seq;
        while (at < stmt.size() && (std::isalnum(static_cast<unsigned char>(stmt[at])) != 0 ||
                                    stmt[at] == '_' || stmt[at] == '.' || stmt[at] == '"')) {
          if (stmt[at] != '"') seq += stmt[at];
          ++at;
        }
        if (!seq.empty() && (seq.find('.') == std::string::npos ? "public." + seq : seq) == key) {
          return true;
        }
      }
    }
    return false;
  };
  first_step_without_timeout(ctx, "lock_timeout", [&](const Step& step) {
    LockInfo lock = lock_of(step, ctx.settings().pg_version);
    std::string what;
    LockMode mode = LockMode::none;
    if (maybe_made_at_run_time(ctx.steps(), step)) return false;
    if (step.index_table && step.op->is<DropIndex>() &&
        table_dropped_before(ctx.steps(), step, *step.index_table)) {
      return false;  // the index went with its table: nothing to lock
    }
    if (const auto* drop = step.as<DropTable>();
        drop != nullptr && unnamed_table_of_upgrade(ctx.steps(), step, drop->table)) {
      return false;
    }
    if (step.op->is<DropIndex>() && step.index_table &&
        unnamed_table_of_upgrade(ctx.steps(), step, *step.index_table)) {
      return false;
    }
    const std::string target = !lock.table.empty()    ? lock.table
                               : !lock.target.empty() ? lock.target
                                                      : "the table";
    if (on_existing_table(step) && lock.mode >= LockMode::share) {
      // A sequence made earlier in the phase (CREATE SEQUENCE, then ALTER SEQUENCE ... OWNED
      // BY): nobody else sees it yet.
      if (step.op->is<TableCommand>() && created_before(step, target)) return false;
      what = target;
      mode = lock.mode;
    } else if ((step.op->is<DropTable>() && step.table_is_new) || reverses_upgrade(step)) {
      // Dropping a table this migration created, or any downgrade operation that only undoes
      // its upgrade (reversal.hpp): the upgrade's own lock on the tables it references was
      // reported there.
      return false;
    } else {
      // A second relation that existed before: the partition of ATTACH PARTITION, the table
      // a new table references, a partition the statement recurses to, the table at the other
      // end of a dropped foreign key, the tables a CASCADE reaches, ...
      for (const LockInfo::Other& o : lock.also()) {
        if (o.mode < LockMode::share || o.is_new || created_before(step, o.table)) continue;
        what = o.table;
        mode = o.mode;
        break;
      }
      if (mode == LockMode::none) return false;
    }
    lock.mode = mode;
    // Or once for every migration: in env.py, or wherever the deploy sets it.
    const std::string everywhere =
        alembic
            ? std::string(ctx.runner().other_databases
                              ? "; or set it for every revision in env.py (e.g. "
                                "connect_args={\"options\": \"-c lock_timeout=5s\"} on the "
                                "engine, when it is PostgreSQL's), or, when "
                              : "; or set it for every revision in env.py (e.g. "
                                "connect_args={\"options\": \"-c lock_timeout=5s\"} on its "
                                "engine), or, when ") +
                  "the deploy sets it, `rules.require-lock-timeout.set_by_runner: true` in "
                  ".schemagate.yaml"
            : "; or, when the migration runner sets it, `rules.require-lock-timeout.set_by_runner: "
              "true` in .schemagate.yaml";
    // The SET itself, before the phase's first statement (rules/fixes.hpp says when that is
    // safe). The rule reports once per phase and stops once the SET is there.
    const std::string sql = "SET lock_timeout = '5s'";
    Proposal p = set_first(ctx, step, sql,
                           "put it at the start of " + phase_start(ctx, step) +
                               ", before this statement (or" + everywhere.substr(4) + ")");
    if (!p.fix) p.help = set_at_start(ctx, step, sql) + ", before this statement" + everywhere;
    ctx.report(step,
               statement_name(*step.op) + " takes " + std::string(to_string(lock.mode)) + " on " +
                   what + ": " + waits_and_blocks(lock.mode, what),
               std::move(p.help), std::move(p.fix));
    return true;
  });
}

constexpr std::array kOptions = {RuleOption{
    "set_by_runner", RuleOption::Kind::boolean, "false",
    "the migration runner or the deploy sets lock_timeout itself: the rule stays quiet"}};

extern const RuleDef require_lock_timeout_rule{.id = "require-lock-timeout",
                                               .severity = Severity::warning,
                                               .category = "locks",
                                               .check = &require_lock_timeout,
                                               .options = kOptions};

}  // namespace schemagate::rules
