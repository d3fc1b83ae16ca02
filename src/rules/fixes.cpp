#include "rules/fixes.hpp"

#include <algorithm>

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
      return "put it in a migration of its own with `run_in_transaction = false` in its "
             "metadata.toml";
    default:
      return "run it outside a transaction";
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
  // REFRESH MATERIALIZED VIEW CONCURRENTLY runs in a transaction block: it stays where it is.
  bool refuses = command == nullptr || command->what != "REFRESH MATERIALIZED VIEW";
  bool inside = step.in_transaction && !op.autocommit && refuses;
  std::string title = keyword.empty() || op.points.concurrently
                          ? "Add CONCURRENTLY"
                          : "Add postgresql_concurrently=True";
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
    out.help = preview(text, shown, keyword);
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
    out.help = preview(text, shown, edits);
    return out;
  }
  out.help = leave_transaction_words(ctx, step) + ":\n" + preview(text, shown, keyword);
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
    validate = comment(ctx, "then, in " + later_migration(ctx) + ":") + "\n" +
               execute(ctx, "ALTER TABLE " + op.table.display() + " VALIDATE CONSTRAINT " + *name);
  } else {
    validate = comment(ctx, "then, in " + later_migration(ctx) +
                                ", VALIDATE CONSTRAINT under the name the constraint gets");
  }
  if (!edit) {
    out.help =
        "add the constraint as NOT VALID (only new and changed rows are checked), then "
        "VALIDATE CONSTRAINT in " +
        later_migration(ctx) + ", which checks the existing rows without blocking writes";
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
  // SQL in an op.execute("...") string: the whole call, as written.
  if (alembic(ctx) && o.points.line_start && o.points.lines_end &&
      *o.points.lines_end <= text.size()) {
    shown = {*o.points.line_start, *o.points.lines_end};
  }
  out.fix = Fix{edit->text == " NOT VALID" ? "Add NOT VALID" : "Add postgresql_not_valid=True",
                Applicability::unsafe,
                {*edit}};
  out.help = preview(text, shown, {*edit}) + "\n" + validate;
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
  out.help = preview(text, *parts.front().shown, fix.edits);
  for (const std::string& line : after) out.help += "\n" + line;
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
  if (alembic(ctx)) {
    auto wrap = into_autocommit_block(ctx, step);
    if (!wrap || !op.points.lines_end) {
      out.help = words;
      return out;
    }
    out.fix = Fix{"Move the statement into an autocommit_block()", Applicability::unsafe, *wrap};
    out.help = preview(text, {*op.points.line_start, *op.points.lines_end}, *wrap);
    return out;
  }
  ByteRange shown = op.range;
  if (op.points.statement_end && *op.points.statement_end >= op.range.end &&
      *op.points.statement_end <= text.size()) {
    shown.end = *op.points.statement_end;
  }
  out.help = words + ":\n" + preview(text, shown, {});
  if (ctx.migration().layout == Layout::dbmate && !step.explicit_transaction) {
    if (auto marker = dbmate_no_transaction(text, step.phase)) {
      out.fix = Fix{"Run the file outside a transaction (transaction:false)",
                    Applicability::unsafe,
                    {*marker}};
    }
  }
  return out;
}

}  // namespace schemagate::rules
