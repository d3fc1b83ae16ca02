// transaction-nesting: BEGIN/COMMIT/ROLLBACK inside a transaction that is already open,
// or in a migration the runner wraps in its own transaction.
#include <algorithm>
#include <optional>
#include <string_view>

#include "rules/common.hpp"
#include "rules/rules.hpp"
#include "schemagate/layout.hpp"

namespace schemagate::rules {

namespace {

// The operation as the revision writes it, one line each, its own indentation removed: an
// op.*(...) call as it is, a SQL statement (inside an op.execute string) in op.execute("...")
// on one line.
std::vector<std::string> written(const RuleContext& ctx, const Step& step) {
  const SourceFile* file = ctx.migration().file_of(step.phase);
  const ByteRange r = step.op->range;
  if (file == nullptr || r.begin >= r.end || r.end > file->text.size()) return {};
  const std::string_view text = std::string_view(file->text).substr(r.begin, r.end - r.begin);
  const std::string_view head = text.substr(0, text.find('('));
  const bool call = head.size() < text.size() && head.find('.') != std::string_view::npos &&
                    head.find_first_of(" \t\r\n") == std::string_view::npos;
  if (!call) {
    // The file's text of a Python string: escapes would be escaped twice.
    if (text.find('\\') != std::string_view::npos) return {};
    std::string sql;
    for (char c : text) {
      const bool space = c == ' ' || c == '\t' || c == '\r' || c == '\n';
      if (space && (sql.empty() || sql.back() == ' ')) continue;
      sql += space ? ' ' : c;
    }
    while (!sql.empty() && (sql.back() == ' ' || sql.back() == ';')) sql.pop_back();
    return {"op.execute(" + py_str(sql) + ")"};
  }
  const std::size_t nl_before =
      r.begin == 0 ? std::string::npos : file->text.rfind('\n', r.begin - 1);
  const std::size_t indent = r.begin - (nl_before == std::string::npos ? 0 : nl_before + 1);
  std::vector<std::string> out;
  std::size_t from = 0;
  while (from <= text.size()) {
    std::size_t nl = text.find('\n', from);
    std::string_view line = text.substr(from, nl == std::string_view::npos ? nl : nl - from);
    if (!out.empty()) {
      std::size_t strip = 0;
      while (strip < indent && strip < line.size() && line[strip] == ' ') ++strip;
      line.remove_prefix(strip);
    }
    out.emplace_back(line);
    if (nl == std::string_view::npos) break;
    from = nl + 1;
  }
  return out;
}

}  // namespace

static void transaction_nesting(RuleContext& ctx) {
  bool runner = ctx.migration().runner_transaction == RunnerTransaction::per_migration;
  // A bare file run in one transaction (--assume-in-transaction): the first COMMIT or ROLLBACK
  // ends the runner's transaction for good (as replay has it).
  const bool runner_ends = !traits(ctx.migration().layout).versioned;
  // The COMMIT or ROLLBACK that ended the last transaction (the migration's own or, in a bare
  // file run in one transaction, the runner's), while no BEGIN has followed it (per phase).
  const Step* ended = nullptr;
  std::optional<Phase> phase;
  std::size_t since_end = 0;  // statements run after it
  for (const Step& step : ctx.steps()) {
    if (phase != step.phase) {
      phase = step.phase;
      ended = nullptr;
    }
    const auto* op = step.as<TransactionControl>();
    if (op == nullptr) {
      if (!step.op->in_function) ++since_end;
      continue;
    }
    if (step.op->in_function) continue;  // PL/pgSQL's own transaction control
    const std::string name = operation_name(*step.op);
    const bool ends = op->kind == TransactionKind::commit || op->kind == TransactionKind::rollback;
    if (op->kind == TransactionKind::begin) ended = nullptr;
    if (ends && !step.in_transaction && ended != nullptr) {
      std::string earlier = operation_name(*ended->op);
      if (const SourceFile* file = ctx.migration().file_of(ended->phase);
          file != nullptr && ended->op->range.begin <= file->text.size()) {
        std::string_view before = std::string_view(file->text).substr(0, ended->op->range.begin);
        earlier += " on line " + std::to_string(1 + std::count(before.begin(), before.end(), '\n'));
      }
      std::string message =
          name + " with no transaction open: the " + earlier +
          " already ended the transaction, and PostgreSQL ignores this one with a warning "
          "(\"there is no transaction in progress\")";
      if (since_end > 0) {
        message += "; the " + std::to_string(since_end) + " statement" +
                   (since_end == 1 ? "" : "s") +
                   " between them ran outside any transaction, each committed on its own";
      }
      std::string help =
          since_end > 0
              ? "move the " + operation_name(*ended->op) +
                    " here if the statements between were meant to be in the transaction, or "
                    "remove this " +
                    name
              : "remove this " + name;
      ctx.report(step, message, help);
      continue;
    }
    if (ends && step.in_transaction) {
      ended = &step;
      since_end = 0;
    }
    if (op->kind == TransactionKind::begin && step.explicit_transaction) {
      ctx.report(
          step,
          "BEGIN while a transaction is already open: PostgreSQL ignores it with a warning, "
          "and the first COMMIT ends both",
          alembic(ctx) ? "remove the inner op.execute(\"BEGIN\")" : "remove the inner `BEGIN;`");
    } else if (runner && !step.op->autocommit && step.in_transaction &&
               (op->kind == TransactionKind::begin || op->kind == TransactionKind::commit ||
                op->kind == TransactionKind::rollback)) {
      std::string help;
      std::string message;
      if (alembic_no_transactional_ddl(ctx) && op->kind == TransactionKind::commit) {
        // No transaction around all pending revisions: the COMMIT is there to release the
        // locks of what came before it (for work after it, such as queries the application
        // makes on another connection, which would wait on them). Removing it would make those
        // wait; an autocommit block commits the same and keeps Alembic's transaction right.
        std::vector<std::string> before;
        for (const Step* prev = &step; prev > ctx.steps().data();) {
          --prev;
          if (prev->phase != step.phase || prev->op->is<TransactionControl>()) break;
          if (prev->op->in_function || prev->op->autocommit) continue;
          std::vector<std::string> code = written(ctx, *prev);
          if (code.empty()) {  // not printable: say it in words
            before.clear();
            break;
          }
          before.insert(before.begin(), code.begin(), code.end());
        }
        message = "COMMIT inside " + alembic_transaction(ctx) +
                  ": it commits what the revision did so far behind Alembic's back, so a failure "
                  "after it leaves the revision half applied and not recorded as run";
        help =
            "to commit here (releasing the locks of what came before, for work after it such "
            "as queries on another connection), use an autocommit block instead of this "
            "COMMIT rather than removing it: ";
        help += before.empty()
                    ? "put the statements before it in a `with "
                      "op.get_context().autocommit_block():` block, which commits what is open "
                      "and runs them each committed on its own"
                    : "it commits what is open and runs what it holds each committed on its "
                      "own:\n" +
                          autocommit_block(before);
      } else if (alembic(ctx)) {
        // The statements after it that refuse to run in a transaction block (what the
        // COMMIT is usually there for), until the next transaction control.
        std::vector<std::string> outside;
        for (const Step* next = &step + 1; next < ctx.steps().data() + ctx.steps().size(); ++next) {
          if (next->phase != step.phase || next->op->is<TransactionControl>()) break;
          if (next->op->in_function || next->op->autocommit) continue;
          if (!lock_of(*next, ctx.settings().pg_version).no_transaction) continue;
          std::vector<std::string> code = written(ctx, *next);
          if (code.empty()) {  // not printable: say it in words
            outside.clear();
            break;
          }
          for (std::string& line : code) outside.push_back(std::move(line));
        }
        help = "remove this " + name + " and let Alembic manage the transaction; ";
        help += outside.empty()
                    ? "a statement that must run outside a transaction (such as CREATE INDEX "
                      "CONCURRENTLY) goes in a `with op.get_context().autocommit_block():` block"
                    : "run the statements that must run outside a transaction in an autocommit "
                      "block:\n" +
                          autocommit_block(outside);
      } else {
        help = "remove the `" + name +
               ";`, or configure the runner not to wrap this migration in a transaction";
      }
      if (!message.empty()) {
        // said above
      } else if (!alembic(ctx)) {
        message = name +
                  " inside the transaction the migration runner manages: it ends or confuses the "
                  "runner's transaction, so a failure later leaves a half-applied migration";
      } else if (alembic_one_transaction(ctx)) {
        message = name + " inside " + alembic_transaction(ctx) +
                  ": it ends or confuses that transaction, which holds the revisions run before "
                  "this one too, so a failure later leaves the run half applied";
      } else {
        message = name + " inside " + alembic_transaction(ctx) +
                  ": it ends or confuses that transaction, so a failure later leaves a "
                  "half-applied migration";
      }
      ctx.report(step, message, help);
      if (runner_ends && op->kind != TransactionKind::begin) runner = false;
    }
  }
}

extern const RuleDef transaction_nesting_rule{.id = "transaction-nesting",
                                              .severity = Severity::warning,
                                              .category = "process",
                                              .check = &transaction_nesting};

}  // namespace schemagate::rules
