#include "rules/fixes.hpp"

#include <algorithm>
#include <cctype>
#include <iterator>

#include "rules/common.hpp"
#include "schemagate/names.hpp"

namespace schemagate::rules {

namespace {

bool line_break(char c) { return c == '\n' || c == '\r'; }

std::size_t line_start_of(std::string_view text, std::size_t at) {
  at = std::min(at, text.size());
  while (at > 0 && !line_break(text[at - 1])) --at;
  return at;
}

std::size_t line_end_of(std::string_view text, std::size_t at) {
  while (at < text.size() && !line_break(text[at])) ++at;
  return at;
}

// dbmate: ` transaction:false` on the `-- migrate:up` (or down) line of the phase.
std::optional<Edit> dbmate_no_transaction(std::string_view text, Phase phase) {
  std::string_view marker = phase == Phase::upgrade ? "-- migrate:up" : "-- migrate:down";
  for (std::size_t at = text.find(marker); at != std::string_view::npos;
       at = text.find(marker, at + 1)) {
    if (line_start_of(text, at) != at) continue;
    std::size_t end = line_end_of(text, at);
    std::string_view line = text.substr(at, end - at);
    if (line.find("transaction:") != std::string_view::npos) return std::nullopt;
    while (end > at && (text[end - 1] == ' ' || text[end - 1] == '\t')) --end;
    return Edit{end, end, " transaction:false"};
  }
  return std::nullopt;
}

bool word_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '$';
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Past whitespace and SQL comments, up to `end`.
std::size_t skip_sql_space(std::string_view text, std::size_t at, std::size_t end) {
  while (at < end) {
    if (std::isspace(static_cast<unsigned char>(text[at])) != 0) {
      ++at;
    } else if (text.substr(at, 2) == "--") {
      at = line_end_of(text, at);
    } else if (text.substr(at, 2) == "/*") {
      std::size_t close = text.find("*/", at + 2);
      at = close == std::string_view::npos ? end : close + 2;
    } else {
      break;
    }
  }
  return std::min(at, end);
}

std::size_t skip_blanks(std::string_view text, std::size_t at, std::size_t end) {
  while (at < end && (text[at] == ' ' || text[at] == '\t' || line_break(text[at]))) ++at;
  return at;
}

// The word (letters, digits, _) at `at`, and its end.
std::size_t word_end(std::string_view text, std::size_t at, std::size_t end) {
  while (at < end && word_char(text[at])) ++at;
  return at;
}

// Python: the `)` that closes the `(` at `open` (strings and comments skipped), and the top-level
// arguments between them, each without the blanks around it.
std::optional<std::size_t> py_arguments(std::string_view text, std::size_t open, std::size_t end,
                                        std::vector<ByteRange>& args) {
  int depth = 0;
  std::size_t arg_begin = open + 1;
  auto add = [&](std::size_t arg_end) {
    std::size_t b = skip_blanks(text, arg_begin, arg_end);
    std::size_t e = arg_end;
    while (e > b && (text[e - 1] == ' ' || text[e - 1] == '\t' || line_break(text[e - 1]))) --e;
    if (e > b) args.push_back({b, e});
  };
  for (std::size_t at = open; at < end; ++at) {
    char c = text[at];
    if (c == '#') {
      at = line_end_of(text, at);
      continue;
    }
    if (c == '"' || c == '\'') {
      bool triple = text.substr(at, 3) == std::string(3, c);
      std::string_view quote = triple ? text.substr(at, 3) : text.substr(at, 1);
      std::size_t k = at + quote.size();
      while (k < end && text.substr(k, quote.size()) != quote) k += text[k] == '\\' ? 2 : 1;
      if (k >= end) return std::nullopt;
      at = k + quote.size() - 1;
      continue;
    }
    if (c == '(' || c == '[' || c == '{') ++depth;
    if (c == ')' || c == ']' || c == '}') {
      if (--depth == 0) {
        add(at);
        return at;
      }
    }
    if (c == ',' && depth == 1) {
      add(at);
      arg_begin = at + 1;
    }
  }
  return std::nullopt;
}

std::optional<Edit> sql_type_edit(std::string_view text, ByteRange column, Retype to) {
  std::size_t end = column.end;
  std::size_t at = column.begin;
  // The column's name.
  if (text[at] == '"') {
    for (++at; at < end; ++at) {
      if (text[at] != '"') continue;
      if (at + 1 < end && text[at + 1] == '"') {
        ++at;
      } else {
        break;
      }
    }
    ++at;
  } else {
    at = word_end(text, at, end);
  }
  if (at >= end) return std::nullopt;
  std::size_t begin = skip_sql_space(text, at, end);
  std::size_t name_end = word_end(text, begin, end);
  std::string name = lower(text.substr(begin, name_end - begin));
  if (name == "pg_catalog" && name_end < end && text[name_end] == '.') {
    std::size_t second = name_end + 1;
    name_end = word_end(text, second, end);
    name = lower(text.substr(second, name_end - second));
  }
  if (to == Retype::bigint) {
    static constexpr std::string_view kPlain[] = {"int", "integer", "int4", "smallint", "int2"};
    static constexpr std::string_view kSerial[] = {"serial", "serial4", "smallserial", "serial2"};
    if (std::find(std::begin(kPlain), std::end(kPlain), name) != std::end(kPlain)) {
      return Edit{begin, name_end, "bigint"};
    }
    if (std::find(std::begin(kSerial), std::end(kSerial), name) != std::end(kSerial)) {
      return Edit{begin, name_end, "bigserial"};
    }
    return std::nullopt;
  }
  if (name != "timestamp") return std::nullopt;
  std::size_t type_end = name_end;
  std::string precision;
  std::size_t next = skip_sql_space(text, type_end, end);
  if (next < end && text[next] == '(') {
    std::size_t close = text.find(')', next);
    if (close == std::string_view::npos || close >= end) return std::nullopt;
    precision = std::string(text.substr(next, close + 1 - next));
    type_end = close + 1;
    next = skip_sql_space(text, type_end, end);
  }
  // [WITHOUT TIME ZONE]
  std::size_t w = word_end(text, next, end);
  std::string word = lower(text.substr(next, w - next));
  if (word == "with") return std::nullopt;
  if (word == "without") {
    for (std::string_view expected : {"time", "zone"}) {
      std::size_t b = skip_sql_space(text, w, end);
      w = word_end(text, b, end);
      if (lower(text.substr(b, w - b)) != expected) return std::nullopt;
    }
    type_end = w;
  }
  return Edit{begin, type_end, "timestamptz" + precision};
}

std::optional<Edit> sa_type_edit(std::string_view text, std::size_t open, std::size_t end,
                                 Retype to) {
  std::vector<ByteRange> args;
  if (!py_arguments(text, open, end, args)) return std::nullopt;
  for (ByteRange a : args) {
    std::size_t at = a.begin;
    if (text.substr(at, 5) == "type_") {
      std::size_t eq = skip_blanks(text, at + 5, a.end);
      if (eq >= a.end || text[eq] != '=') continue;
      at = skip_blanks(text, eq + 1, a.end);
    }
    // [module.]Class
    std::size_t last = at;
    std::size_t dotted_end = word_end(text, at, a.end);
    while (dotted_end < a.end && text[dotted_end] == '.') {
      last = dotted_end + 1;
      dotted_end = word_end(text, last, a.end);
    }
    if (dotted_end == last || std::isdigit(static_cast<unsigned char>(text[at])) != 0) continue;
    std::string_view cls = text.substr(last, dotted_end - last);
    std::size_t paren = skip_blanks(text, dotted_end, a.end);
    std::optional<std::size_t> close;
    std::vector<ByteRange> inner;
    if (paren < a.end && text[paren] == '(') {
      close = py_arguments(text, paren, a.end, inner);
      if (!close || *close + 1 != a.end) continue;
    } else if (dotted_end != a.end) {
      continue;
    }
    std::string key = lower(cls);
    if (to == Retype::bigint) {
      if (key != "integer" && key != "int" && key != "smallinteger" && key != "smallint") continue;
      // A bare name: the new one may not be imported.
      if (last == at) return std::nullopt;
      if (cls == "Integer" || cls == "SmallInteger") return Edit{last, dotted_end, "BigInteger"};
      if (cls == "INTEGER" || cls == "INT" || cls == "SMALLINT") {
        return Edit{last, dotted_end, "BIGINT"};
      }
      return std::nullopt;
    }
    if (key != "datetime" && key != "timestamp") continue;
    if (!close) return Edit{dotted_end, dotted_end, "(timezone=True)"};
    if (inner.empty()) return Edit{paren + 1, *close, "timezone=True"};
    for (std::size_t i = 0; i < inner.size(); ++i) {
      std::string_view arg = text.substr(inner[i].begin, inner[i].end - inner[i].begin);
      std::size_t eq = arg.find('=');
      bool keyword = eq != std::string_view::npos && arg.substr(0, 1) != "=" &&
                     (eq + 1 >= arg.size() || arg[eq + 1] != '=');
      std::size_t value = inner[i].begin;
      if (keyword) {
        std::string_view name = arg.substr(0, eq);
        while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.remove_suffix(1);
        if (name != "timezone") continue;
        value = skip_blanks(text, inner[i].begin + eq + 1, inner[i].end);
      } else if (i != 0) {
        continue;
      }
      // timezone given (by keyword, or first by position): False becomes True; anything else
      // (a variable) is left to the user.
      if (text.substr(value, inner[i].end - value) != "False") return std::nullopt;
      return Edit{value, inner[i].end, "True"};
    }
    return Edit{inner.front().begin, inner.front().begin, "timezone=True, "};
  }
  return std::nullopt;
}

std::string invalid_leftover_words() {
  return "a failed build leaves an INVALID index behind: drop it before running again, as IF NOT "
         "EXISTS would skip the build and keep it";
}

// DROP INDEX CONCURRENTLY name: ` IF EXISTS` after CONCURRENTLY, when the statement as written
// starts with these words (comments aside) and has no IF EXISTS.
std::optional<Edit> drop_index_if_exists(std::string_view text, const Operation& op) {
  const auto* drop = op.as<DropIndex>();
  if (drop == nullptr || !drop->concurrently || drop->if_exists || op.in_function ||
      op.range.end > text.size()) {
    return std::nullopt;
  }
  std::size_t at = op.range.begin;
  for (std::string_view expected : {"drop", "index", "concurrently"}) {
    at = skip_sql_space(text, at, op.range.end);
    std::size_t end = word_end(text, at, op.range.end);
    if (lower(text.substr(at, end - at)) != expected) return std::nullopt;
    at = end;
  }
  return Edit{at, at, " IF EXISTS"};
}

}  // namespace

std::string_view text_of(const RuleContext& ctx, const Step& step) {
  const SourceFile* file = ctx.migration().file_of(step.phase);
  return file != nullptr ? std::string_view(file->text) : std::string_view();
}

std::string preview(std::string_view text, ByteRange range, const std::vector<Edit>& edits) {
  std::size_t begin = range.begin;
  std::size_t end = range.end;
  for (const Edit& e : edits) {
    begin = std::min(begin, e.begin);
    end = std::max(end, e.end);
  }
  if (end > text.size() || begin > end) return {};
  // From the start of the first line (the user's indentation is taken off below) to the
  // statement's end.
  std::size_t first = line_start_of(text, begin);
  bool whole_line =
      text.substr(first, begin - first).find_first_not_of(" \t") == std::string_view::npos;
  if (!whole_line) first = begin;
  std::vector<Edit> local;
  for (const Edit& e : edits) local.push_back({e.begin - first, e.end - first, e.text});
  std::string code = apply_edits(text.substr(first, end - first), local);
  // Helps use "\n" whatever the file's line breaks.
  for (std::size_t at = code.find('\r'); at != std::string::npos; at = code.find('\r', at)) {
    if (at + 1 < code.size() && code[at + 1] == '\n') {
      code.erase(at, 1);
    } else {
      code[at] = '\n';
    }
  }
  if (!whole_line) return code;
  std::size_t code_at = first;
  while (code_at < text.size() && (text[code_at] == ' ' || text[code_at] == '\t')) ++code_at;
  std::string indent(text.substr(first, code_at - first));
  if (indent.empty()) return code;
  std::string out;
  std::size_t at = 0;
  while (at <= code.size()) {
    std::size_t eol = code.find('\n', at);
    std::string_view line =
        std::string_view(code).substr(at, (eol == std::string::npos ? code.size() : eol) - at);
    if (line.starts_with(indent)) line.remove_prefix(indent.size());
    out += line;
    if (eol == std::string::npos) break;
    out += '\n';
    at = eol + 1;
  }
  return out;
}

std::optional<Edit> keyword_argument(const Step& step, std::string_view name_value) {
  const EditPoints& p = step.op->points;
  if (!p.keyword_at) return std::nullopt;
  return Edit{*p.keyword_at, *p.keyword_at,
              p.keyword_prefix + std::string(name_value) + p.keyword_suffix};
}

std::optional<std::vector<Edit>> into_autocommit_block(const RuleContext& ctx, const Step& step) {
  const EditPoints& p = step.op->points;
  std::string_view text = text_of(ctx, step);
  // The block can't split a string of several statements: they stay one transaction.
  if (step.op->shares_query) return std::nullopt;
  if (!p.line_start || *p.line_start > text.size()) return std::nullopt;
  std::string unit = p.indent.find('\t') != std::string::npos ? "\t" : "    ";
  std::string_view eol = text.find("\r\n") != std::string_view::npos ? "\r\n" : "\n";
  std::vector<Edit> edits;
  std::size_t at = *p.line_start + p.indent.size();
  edits.push_back(
      {at, at, "with op.get_context().autocommit_block():" + std::string(eol) + p.indent + unit});
  for (std::size_t line : p.more_lines) edits.push_back({line, line, unit});
  return edits;
}

std::string leave_transaction_words(const RuleContext& ctx, const Step& step) {
  if (step.op->in_function) {
    return "move it out of the DO block, to the top level of a migration that runs outside a "
           "transaction";
  }
  if (step.explicit_transaction) return "move it after the COMMIT, out of the transaction";
  if (step.op->shares_query) {
    return "move it into an op.execute() of its own in `with "
           "op.get_context().autocommit_block():` (PostgreSQL runs a string of several "
           "statements as one transaction)";
  }
  // A down migration can't move part of itself to another migration: a rollback runs none.
  const std::string rollback =
      "run it outside a transaction: alone in the down migration if the runner allows, else by "
      "hand once the rollback has committed (a rollback runs no other migration)";
  switch (ctx.migration().layout) {
    case Layout::alembic:
      return "run it in `with op.get_context().autocommit_block():`";
    case Layout::flyway:
      return "put it in a migration of its own with `executeInTransaction=false` in the "
             "migration's .sql.conf file";
    case Layout::dbmate:
      return std::string("add `transaction:false` to the file's `-- migrate:") +
             (step.phase == Phase::upgrade ? "up" : "down") + "` line";
    case Layout::diesel:
      // A rollback runs no other migration, and the setting covers up.sql too.
      return step.phase == Phase::downgrade
                 ? "set `run_in_transaction = false` in this migration's metadata.toml (it "
                   "covers up.sql too), or run it by hand once the rollback has committed (a "
                   "rollback runs no other migration)"
                 : "put it in a migration of its own with `run_in_transaction = false` in its "
                   "metadata.toml";
    // The runner sends the file as one query string, which PostgreSQL runs as one transaction
    // when it holds several statements (one_query_string): alone in its file, it runs outside.
    case Layout::golang_migrate:
      if (step.phase == Phase::downgrade) return rollback;
      return "move it into a migration of its own, alone in its file (golang-migrate sends a "
             "file as one query string, which PostgreSQL runs as one transaction when it holds "
             "several statements)";
    case Layout::popx:
      if (step.phase == Phase::downgrade) return rollback;
      return "move it into a migration of its own, in a file whose name carries "
             "`.autocommit` before `.up.sql`, which popx runs outside a transaction";
    case Layout::prisma:
      return "move it into a migration of its own, alone in its migration.sql (Prisma Migrate "
             "sends the file as one query string, which PostgreSQL runs as one transaction "
             "when it holds several statements)";
    default:
      return step.phase == Phase::downgrade ? rollback : "run it outside a transaction";
  }
}

Proposal concurrently(const RuleContext& ctx, const Step& step) {
  Proposal out;
  std::string_view text = text_of(ctx, step);
  const Operation& op = *step.op;
  std::vector<Edit> keyword;
  const auto* command = op.as<TableCommand>();
  if (op.points.concurrently) {
    // DETACH PARTITION name CONCURRENTLY: the keyword follows the name.
    bool after = command != nullptr && command->what == "DETACH PARTITION";
    keyword.push_back({*op.points.concurrently, *op.points.concurrently,
                       after ? " CONCURRENTLY" : "CONCURRENTLY "});
  } else if (alembic(ctx) && (op.is<CreateIndex>() || op.is<DropIndex>())) {
    std::string_view call = text.substr(std::min(op.range.begin, text.size()));
    std::string_view callee = call.substr(0, call.find('('));
    if (callee.ends_with(".create_index") || callee.ends_with(".drop_index")) {
      if (auto e = keyword_argument(step, "postgresql_concurrently=True")) keyword.push_back(*e);
    }
  }
  // DROP INDEX CONCURRENTLY runs outside a transaction: a run that fails after it can't roll it
  // back, so the next run must find the index gone (IF EXISTS). Not for Alembic's
  // op.drop_index, whose if_exists= needs Alembic 1.12.
  const auto* drop = op.as<DropIndex>();
  bool if_exists = op.points.concurrently && drop != nullptr && !drop->if_exists;
  if (if_exists) keyword.back().text = "CONCURRENTLY IF EXISTS ";
  // REFRESH MATERIALIZED VIEW CONCURRENTLY runs in a transaction block: it stays where it is.
  bool refuses = command == nullptr || command->what != "REFRESH MATERIALIZED VIEW";
  bool inside = step.in_transaction && !op.autocommit && refuses;
  std::string title = keyword.empty() || op.points.concurrently
                          ? (if_exists ? "Add CONCURRENTLY IF EXISTS" : "Add CONCURRENTLY")
                          : "Add postgresql_concurrently=True";
  // A failed concurrent build leaves an INVALID index, which CREATE INDEX IF NOT EXISTS would
  // then take for the index and skip the build: the words say to drop it instead.
  std::string invalid = op.is<CreateIndex>() ? invalid_leftover_words() : std::string();
  ByteRange shown = op.range;
  if (op.points.statement_end && *op.points.statement_end >= op.range.end &&
      *op.points.statement_end <= text.size() && !alembic(ctx)) {
    shown.end = *op.points.statement_end;
  }
  if (keyword.empty()) {
    out.help = "add CONCURRENTLY to the statement";
    if (inside) out.help += " and " + leave_transaction_words(ctx, step);
    return out;
  }
  if (!inside) {
    out.fix = Fix{title, Applicability::safe, keyword};
    out.help = (invalid.empty() ? "" : "add CONCURRENTLY (" + invalid + "):\n") +
               preview(text, shown, keyword);
    return out;
  }
  std::vector<Edit> edits = keyword;
  if (alembic(ctx)) {
    auto wrap = into_autocommit_block(ctx, step);
    if (!wrap) {
      out.help = leave_transaction_words(ctx, step) + ": " + preview(text, shown, keyword);
      return out;
    }
    // Lines the keyword adds move into the block with the others.
    std::string unit = op.points.indent.find('\t') != std::string::npos ? "\t" : "    ";
    for (Edit& e : edits) {
      for (std::size_t at = e.text.find('\n'); at != std::string::npos;
           at = e.text.find('\n', at + 1)) {
        e.text.insert(at + 1, unit);
      }
    }
    edits.insert(edits.end(), wrap->begin(), wrap->end());
    if (op.points.lines_end) shown = {*op.points.line_start, *op.points.lines_end};
    std::sort(edits.begin(), edits.end(),
              [](const Edit& a, const Edit& b) { return a.begin < b.begin; });
    out.fix = Fix{title + " in an autocommit_block()", Applicability::unsafe, edits};
    out.help = (invalid.empty() ? ""
                                : "add CONCURRENTLY and " + leave_transaction_words(ctx, step) +
                                      " (" + invalid + "):\n") +
               preview(text, shown, edits);
    return out;
  }
  out.help = leave_transaction_words(ctx, step) + (invalid.empty() ? "" : " (" + invalid + ")") +
             ":\n" + preview(text, shown, keyword);
  if (ctx.migration().layout == Layout::dbmate && !step.explicit_transaction && !op.in_function) {
    if (auto marker = dbmate_no_transaction(text, step.phase)) {
      edits.insert(edits.begin(), *marker);
      out.fix = Fix{title + " (transaction:false)", Applicability::unsafe, edits};
    }
  }
  return out;
}

std::optional<std::string> constraint_name(const AddConstraint& op) {
  if (!op.name.empty()) return op.name;
  if (op.table.name.empty()) return std::nullopt;
  // PostgreSQL's automatic name (names.hpp), without the number a clash would add.
  if (op.kind == ConstraintKind::foreign_key && !op.columns.empty()) {
    return names::foreign_key(op.table.name, op.columns);
  }
  if (op.kind == ConstraintKind::check && op.not_null_column) {
    return names::check(op.table.name, *op.not_null_column);
  }
  return std::nullopt;
}

Proposal not_valid(const RuleContext& ctx, const Step& step, const AddConstraint& op) {
  Proposal out;
  std::string_view text = text_of(ctx, step);
  const Operation& o = *step.op;
  std::optional<Edit> edit;
  if (o.points.constraint_end && *o.points.constraint_end <= text.size()) {
    edit = Edit{*o.points.constraint_end, *o.points.constraint_end, " NOT VALID"};
  } else if (alembic(ctx)) {
    std::string_view call = text.substr(std::min(o.range.begin, text.size()));
    std::string_view callee = call.substr(0, call.find('('));
    if (callee.ends_with(".create_foreign_key") || callee.ends_with(".create_check_constraint")) {
      edit = keyword_argument(step, "postgresql_not_valid=True");
    }
  }
  std::optional<std::string> name = constraint_name(op);
  // An op.create_*(None, ...) call is named by the metadata's naming convention, if any.
  if (op.name.empty() && !o.points.constraint_end && alembic(ctx)) name.reset();
  std::string validate;
  if (name) {
    validate = comment(ctx, "then, in " + later_migration(ctx, step) + ":") + "\n" +
               execute(ctx, "ALTER TABLE " + op.table.display() + " VALIDATE CONSTRAINT " + *name);
  } else {
    validate = comment(ctx, "then, in " + later_migration(ctx, step) +
                                ", VALIDATE CONSTRAINT under the name the constraint gets");
  }
  if (!edit) {
    out.help =
        "add the constraint as NOT VALID (only new and changed rows are checked), then "
        "VALIDATE CONSTRAINT in " +
        later_migration(ctx, step) + ", which checks the existing rows without blocking writes";
    if (name) {
      out.help += ": " + execute(ctx, "ALTER TABLE " + op.table.display() +
                                          " VALIDATE CONSTRAINT " + *name);
    }
    return out;
  }
  ByteRange shown = o.range;
  if (o.points.statement_end && *o.points.statement_end >= o.range.end &&
      *o.points.statement_end <= text.size() && !alembic(ctx)) {
    shown.end = *o.points.statement_end;
  }
  // SQL in an op.execute("...") string: the whole call, as written; only the statement when
  // the string holds others (it may be kilobytes of them).
  std::string intro;
  if (alembic(ctx) && o.shares_query && o.points.constraint_end) {
    shown = o.range;
    if (o.points.statement_end && *o.points.statement_end >= o.range.end &&
        *o.points.statement_end <= text.size()) {
      shown.end = *o.points.statement_end;
    }
    intro = "in the op.execute() string, which holds other statements too, write this one as:\n";
  } else if (alembic(ctx) && o.points.line_start && o.points.lines_end &&
             *o.points.lines_end <= text.size()) {
    shown = {*o.points.line_start, *o.points.lines_end};
  }
  out.fix = Fix{edit->text == " NOT VALID" ? "Add NOT VALID" : "Add postgresql_not_valid=True",
                Applicability::unsafe,
                {*edit}};
  out.help = intro + preview(text, shown, {*edit}) + "\n" + validate;
  out.before = intro;
  out.shown = shown;
  out.after = validate;
  return out;
}

Proposal combined(std::string_view text, std::vector<Proposal> parts) {
  if (parts.size() == 1) return std::move(parts.front());
  Proposal out;
  bool together = !parts.empty() && std::all_of(parts.begin(), parts.end(), [&](const Proposal& p) {
    return p.fix && p.shown && p.shown->begin == parts.front().shown->begin &&
           p.shown->end == parts.front().shown->end;
  });
  if (!together) {
    for (const Proposal& p : parts) {
      if (out.help.find(p.help) != std::string::npos) continue;
      out.help += (out.help.empty() ? "" : "\n") + p.help;
    }
    return out;
  }
  Fix fix = *parts.front().fix;
  std::vector<std::string> after;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) {
      for (Edit& e : parts[i].fix->edits) fix.edits.push_back(std::move(e));
      if (fix.applicability == Applicability::safe) fix.applicability = parts[i].fix->applicability;
    }
    // Each line once: the "then, in a later migration:" comment is the same for all.
    std::string_view rest = parts[i].after;
    while (!rest.empty()) {
      std::size_t nl = rest.find('\n');
      std::string line(rest.substr(0, nl));
      if (std::find(after.begin(), after.end(), line) == after.end()) after.push_back(line);
      rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    }
  }
  std::stable_sort(fix.edits.begin(), fix.edits.end(),
                   [](const Edit& a, const Edit& b) { return a.begin < b.begin; });
  out.help = parts.front().before + preview(text, *parts.front().shown, fix.edits);
  for (const std::string& line : after) out.help += "\n" + line;
  out.before = parts.front().before;
  out.shown = parts.front().shown;
  out.fix = std::move(fix);
  return out;
}

Proposal out_of_transaction(const RuleContext& ctx, const Step& step) {
  Proposal out;
  std::string_view text = text_of(ctx, step);
  const Operation& op = *step.op;
  std::string words = leave_transaction_words(ctx, step);
  if (op.in_function) {
    out.help = words;
    return out;
  }
  // Outside a transaction a failed run can't be rolled back: DROP INDEX CONCURRENTLY gets
  // IF EXISTS so that the next run tolerates the first; CREATE INDEX CONCURRENTLY gets words
  // about its INVALID leftover instead (IF NOT EXISTS would skip the build).
  std::vector<Edit> tolerant;
  if (auto e = drop_index_if_exists(text, op)) tolerant.push_back(*e);
  if (op.is<CreateIndex>()) words += " (" + invalid_leftover_words() + ")";
  if (alembic(ctx)) {
    auto wrap = into_autocommit_block(ctx, step);
    if (!wrap || !op.points.lines_end) {
      out.help = words;
      return out;
    }
    std::vector<Edit> edits = *wrap;
    edits.insert(edits.end(), tolerant.begin(), tolerant.end());
    std::sort(edits.begin(), edits.end(),
              [](const Edit& a, const Edit& b) { return a.begin < b.begin; });
    out.fix = Fix{"Move the statement into an autocommit_block()", Applicability::unsafe, edits};
    out.help = (op.is<CreateIndex>() ? words + ":\n" : std::string()) +
               preview(text, {*op.points.line_start, *op.points.lines_end}, edits);
    return out;
  }
  ByteRange shown = op.range;
  if (op.points.statement_end && *op.points.statement_end >= op.range.end &&
      *op.points.statement_end <= text.size()) {
    shown.end = *op.points.statement_end;
  }
  if (ctx.migration().layout == Layout::dbmate && !step.explicit_transaction) {
    if (auto marker = dbmate_no_transaction(text, step.phase)) {
      std::vector<Edit> edits{*marker};
      edits.insert(edits.end(), tolerant.begin(), tolerant.end());
      out.fix = Fix{"Run the file outside a transaction (transaction:false)", Applicability::unsafe,
                    edits};
    }
  }
  // Without a fix the help still shows the statement as it should be written.
  out.help = words + ":\n" + preview(text, shown, tolerant);
  return out;
}

std::optional<Edit> column_type_edit(std::string_view text, ByteRange column, Retype to) {
  if (column.end > text.size() || column.begin >= column.end) return std::nullopt;
  // SQLAlchemy: [module.]Column(...).
  std::size_t at = column.begin;
  std::size_t callee_end = at;
  while (callee_end < column.end && (word_char(text[callee_end]) || text[callee_end] == '.')) {
    ++callee_end;
  }
  std::string_view callee = text.substr(at, callee_end - at);
  std::size_t open = skip_blanks(text, callee_end, column.end);
  if ((callee == "Column" || callee.ends_with(".Column")) && open < column.end &&
      text[open] == '(') {
    return sa_type_edit(text, open, column.end, to);
  }
  return sql_type_edit(text, column, to);
}

Proposal set_first(const RuleContext& ctx, const Step& step, const std::string& sql,
                   const std::string& words) {
  Proposal out;
  std::string_view text = text_of(ctx, step);
  std::string_view eol = text.find("\r\n") != std::string_view::npos ? "\r\n" : "\n";
  const Step* first = nullptr;
  // Safe when the whole phase runs in one transaction: the SET only decides whether the
  // migration waits for a lock or gives up, and giving up rolls all of it back. Unsafe when some
  // statement runs outside it: statements committed before the one that gives up stay applied.
  bool one_transaction = true;
  std::string name = sql.substr(4, sql.find(' ', 4) - 4);
  bool before = true;
  for (const Step& s : ctx.steps()) {
    if (s.phase != step.phase) continue;
    if (first == nullptr) first = &s;
    if (&s == &step) before = false;
    // The migration sets it itself (e.g. to 0) before the statement: a SET at the start would
    // be undone; the user's SET is the one to change.
    if (const auto* set = s.as<SetSetting>(); set != nullptr && before && set->name == name) {
      return out;
    }
    if (s.op->is<TransactionControl>()) continue;
    if (!s.in_transaction || s.op->autocommit) one_transaction = false;
  }
  // golang-migrate and Prisma send a file as one query string: a lone statement runs on its
  // own, outside any transaction, but a second one makes the file one implicit transaction
  // block, where CONCURRENTLY (written, or added by another fix) is refused. No SET added there.
  const Layout layout = ctx.migration().layout;
  if ((layout == Layout::golang_migrate || layout == Layout::prisma) &&
      std::count_if(ctx.steps().begin(), ctx.steps().end(), [&](const Step& s) {
        return s.phase == step.phase && !s.op->in_function;
      }) < 2) {
    return out;
  }
  std::string code = execute(ctx, sql);
  // A project that also runs on other databases (env.py names them): PostgreSQL only.
  const bool guard = alembic(ctx) && ctx.runner().other_databases;
  const std::string if_postgresql = "if op.get_bind().dialect.name == \"postgresql\":";
  std::optional<Edit> edit;
  if (alembic(ctx)) {
    // The first line of upgrade()/downgrade() (after its docstring), where `op` is Alembic's.
    bool imports_op = false;
    for (std::size_t at = text.find("from alembic import"); at != std::string_view::npos;
         at = text.find("from alembic import", at + 1)) {
      std::string_view line = text.substr(at, line_end_of(text, at) - at);
      for (std::size_t k = line.find("op"); k != std::string_view::npos;
           k = line.find("op", k + 1)) {
        bool alone = (k == 0 || !word_char(line[k - 1])) &&
                     (k + 2 >= line.size() || !word_char(line[k + 2]));
        imports_op = imports_op || alone;
      }
    }
    std::string def = step.phase == Phase::upgrade ? "def upgrade(" : "def downgrade(";
    std::size_t at = text.find(def);
    while (at != std::string_view::npos && line_start_of(text, at) != at) {
      at = text.find(def, at + 1);
    }
    if (imports_op && at != std::string_view::npos) {
      // The end of the signature: the `:` after its `)`, then nothing but a comment.
      std::size_t close = text.find(')', at);
      std::size_t colon = close == std::string_view::npos ? close : text.find(':', close);
      std::size_t body = std::string_view::npos;
      if (colon != std::string_view::npos) {
        std::size_t after = colon + 1;
        while (after < text.size() && (text[after] == ' ' || text[after] == '\t')) ++after;
        if (after >= text.size() || line_break(text[after]) || text[after] == '#') {
          body = line_end_of(text, after);
        }
      }
      // The first line of the body that is not blank.
      std::size_t line = body;
      while (line != std::string_view::npos && line < text.size()) {
        while (line < text.size() && line_break(text[line])) ++line;
        std::size_t eol_at = line_end_of(text, line);
        std::string_view l = text.substr(line, eol_at - line);
        if (l.find_first_not_of(" \t") != std::string_view::npos) break;
        line = eol_at;
      }
      if (line != std::string_view::npos && line < text.size()) {
        std::size_t code_at = line;
        while (code_at < text.size() && (text[code_at] == ' ' || text[code_at] == '\t')) ++code_at;
        std::string indent(text.substr(line, code_at - line));
        std::size_t insert = line;
        // A docstring: after it.
        std::size_t q = code_at;
        while (q < text.size() &&
               (text[q] == 'r' || text[q] == 'R' || text[q] == 'u' || text[q] == 'U')) {
          ++q;
        }
        if (q < text.size() && (text[q] == '"' || text[q] == '\'')) {
          std::string_view quote =
              text.substr(q, 3) == std::string(3, text[q]) ? text.substr(q, 3) : text.substr(q, 1);
          std::size_t closing = text.find(quote, q + quote.size());
          if (closing == std::string_view::npos) {
            insert = std::string_view::npos;
          } else {
            std::size_t end = line_end_of(text, closing + quote.size());
            std::string_view rest =
                text.substr(closing + quote.size(), end - closing - quote.size());
            std::size_t nonblank = rest.find_first_not_of(" \t");
            bool alone = nonblank == std::string_view::npos || rest[nonblank] == '#';
            insert = !alone              ? std::string_view::npos
                     : end < text.size() ? end + (text.substr(end, 2) == "\r\n" ? 2 : 1)
                                         : std::string_view::npos;
          }
        }
        bool indented = !indent.empty() && indent.find_first_not_of(" \t") == std::string::npos;
        if (insert != std::string_view::npos && indented) {
          edit = Edit{insert, insert,
                      guard ? indent + if_postgresql + std::string(eol) + indent + "    " + code +
                                  std::string(eol)
                            : indent + code + std::string(eol)};
        }
      }
    }
  } else if (first != nullptr && !first->op->in_function && first->op->range.end <= text.size()) {
    const Operation& op = *first->op;
    const auto* control = op.as<TransactionControl>();
    if (control != nullptr && control->kind == TransactionKind::begin && op.points.statement_end) {
      // After the BEGIN that opens the phase, on a line of its own.
      std::size_t end = line_end_of(text, *op.points.statement_end);
      std::size_t start = line_start_of(text, op.range.begin);
      std::string_view lead = text.substr(start, op.range.begin - start);
      std::string indent = lead.find_first_not_of(" \t") == std::string_view::npos
                               ? std::string(lead)
                               : std::string();
      edit = Edit{end, end, std::string(eol) + indent + code};
    } else if (control == nullptr) {
      std::size_t begin = skip_sql_space(text, op.range.begin, op.range.end);
      std::size_t start = line_start_of(text, begin);
      std::string_view lead = text.substr(start, begin - start);
      if (lead.find_first_not_of(" \t") == std::string_view::npos) {
        edit = Edit{begin, begin, code + std::string(eol) + std::string(lead)};
      } else {
        edit = Edit{begin, begin, code + " "};
      }
    }
  }
  if (!edit) return out;
  out.fix = Fix{"Set " + sql.substr(4, sql.find(' ', 4) - 4) + " first",
                one_transaction ? Applicability::safe : Applicability::unsafe,
                {*edit}};
  out.help = words + ":\n" + (guard ? if_postgresql + "\n    " + code : code);
  return out;
}

}  // namespace schemagate::rules
