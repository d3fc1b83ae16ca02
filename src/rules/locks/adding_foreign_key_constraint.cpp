// adding-foreign-key-constraint: ADD FOREIGN KEY without NOT VALID, or an inline
// REFERENCES on ADD COLUMN, on an existing table.
#include <cctype>

#include "rules/common.hpp"
#include "rules/fixes.hpp"
#include "rules/rules.hpp"

namespace schemagate::rules {

namespace {

// Where the keyword REFERENCES starts in a column's REFERENCES clause (after its
// `CONSTRAINT name`, if any).
std::size_t references_keyword(std::string_view clause) {
  for (std::size_t at = 0; at + 10 <= clause.size(); ++at) {
    bool word = at == 0 || clause[at - 1] == ' ' || clause[at - 1] == '\t' ||
                clause[at - 1] == '\n' || clause[at - 1] == '"';
    if (!word) continue;
    std::string_view w = clause.substr(at, 10);
    bool match = true;
    for (std::size_t i = 0; i < 10; ++i) {
      match = match && std::toupper(static_cast<unsigned char>(w[i])) == "REFERENCES"[i];
    }
    if (match) return at;
  }
  return std::string_view::npos;
}

// ADD COLUMN ... REFERENCES: the column added without its REFERENCES clause, and the clause
// as a foreign key of its own, added NOT VALID right after.
Proposal separate_foreign_key(const RuleContext& ctx, const Step& step, const AddColumn& add) {
  Proposal out;
  const Operation& op = *step.op;
  std::string_view text = text_of(ctx, step);
  const std::string& col = add.column.name;
  std::optional<ByteRange> clause = op.points.references_clause;
  std::size_t kw = clause && clause->end <= text.size()
                       ? references_keyword(text.substr(clause->begin, clause->end - clause->begin))
                       : std::string_view::npos;
  if (kw == std::string_view::npos || !op.points.statement_end ||
      *op.points.statement_end > text.size()) {
    out.help = alembic(ctx) ? "add " + col +
                                  " without its ForeignKey, then add the foreign key with "
                                  "op.create_foreign_key(..., postgresql_not_valid=True) and "
                                  "VALIDATE CONSTRAINT it in " +
                                  later_migration(ctx, step)
                            : "add " + col +
                                  " without its REFERENCES clause, then add the foreign key as "
                                  "NOT VALID and VALIDATE CONSTRAINT it in " +
                                  later_migration(ctx, step);
    return out;
  }
  std::string_view written = text.substr(clause->begin, clause->end - clause->begin);
  // Name it as PostgreSQL would: <table>_<column>_fkey, or the name the clause gives.
  AddConstraint fk;
  fk.table = add.table;
  fk.kind = ConstraintKind::foreign_key;
  fk.columns = {col};
  std::string_view prefix = written.substr(0, kw);  // "" or "CONSTRAINT name "
  if (!prefix.empty()) {
    std::string_view n = prefix.substr(10);  // after CONSTRAINT
    while (!n.empty() && (n.front() == ' ' || n.front() == '\t' || n.front() == '\n')) {
      n.remove_prefix(1);
    }
    while (!n.empty() && (n.back() == ' ' || n.back() == '\t' || n.back() == '\n')) {
      n.remove_suffix(1);
    }
    fk.name = std::string(n);
  }
  std::optional<std::string> name = constraint_name(fk);
  // The clause out of the column (with the spaces before it), the foreign key after the
  // statement.
  std::size_t cut = clause->begin;
  while (cut > 0 && (text[cut - 1] == ' ' || text[cut - 1] == '\t')) --cut;
  std::string add_fk = "\nALTER TABLE " + add.table.display() + " ADD " + std::string(prefix) +
                       "FOREIGN KEY (" + col + ") " + std::string(written.substr(kw)) +
                       " NOT VALID;";
  std::vector<Edit> edits = {{cut, clause->end, ""},
                             {*op.points.statement_end, *op.points.statement_end, add_fk}};
  out.fix = Fix{"Add the foreign key separately, NOT VALID", Applicability::unsafe, edits};
  out.shown = ByteRange{op.range.begin, *op.points.statement_end};
  out.help = preview(text, *out.shown, edits);
  if (name) {
    out.after = "-- then, in " + later_migration(ctx, step) + ":\nALTER TABLE " +
                add.table.display() + " VALIDATE CONSTRAINT " + *name + ";";
    out.help += "\n" + out.after;
  }
  return out;
}

std::string message_for(const QualifiedName& table, const QualifiedName& ref) {
  if (!table.empty() && table.key() == ref.key()) {
    return "ADD FOREIGN KEY takes SHARE ROW EXCLUSIVE on " + quoted(table) +
           " (the foreign key references its own table), blocking writes to it while every row "
           "is checked";
  }
  return "ADD FOREIGN KEY takes SHARE ROW EXCLUSIVE on " + quoted(table) + " and " + quoted(ref) +
         ", blocking writes to both while every row is checked";
}

}  // namespace

static void adding_foreign_key_constraint(RuleContext& ctx) {
  // The foreign keys of one statement (ALTER TABLE t ADD ... REFERENCES a, ADD ... REFERENCES
  // b) are one finding, at the statement, with one fix for all of them.
  struct Found {
    const Step* step;
    std::string message;
    std::vector<Proposal> proposals;
  };
  std::vector<Found> found;
  auto add_found = [&](const Step& step, std::string message, Proposal p) {
    for (Found& f : found) {
      const Operation& prev = *f.step->op;
      if (f.step->phase == step.phase && prev.range.begin == step.op->range.begin &&
          prev.range.end == step.op->range.end && f.message == message) {
        f.proposals.push_back(std::move(p));
        return;
      }
    }
    found.push_back({&step, std::move(message), {}});
    found.back().proposals.push_back(std::move(p));
  };
  const int pg = ctx.settings().pg_version;
  // Both tables locked, and rewritten or scanned, earlier in the transaction (prefect's
  // downgrade renames both and builds their indexes, then adds the key): the check adds to
  // that lock, reported there (busy_under_lock).
  auto both_busy = [&](const Step& step, const QualifiedName& table, const QualifiedName& other) {
    return busy_under_lock(ctx.steps(), step, table, pg) &&
           (other.key() == table.key() || busy_under_lock(ctx.steps(), step, other, pg));
  };
  for (const Step& step : ctx.steps()) {
    if (!on_existing_table(step)) continue;
    if (const auto* op = step.as<AddConstraint>()) {
      if (op->kind != ConstraintKind::foreign_key || op->not_valid || !op->references) continue;
      if (both_busy(step, op->table, *op->references)) continue;
      add_found(step, message_for(op->table, *op->references), not_valid(ctx, step, *op));
    } else if (const auto* add = step.as<AddColumn>()) {
      // A new column with no default in its statement is NULL in every row: PostgreSQL adds
      // its foreign key without checking them, under a brief lock.
      if (!add->column.references || !add->references_checked) continue;
      add_found(step, message_for(add->table, *add->column.references),
                separate_foreign_key(ctx, step, *add));
    }
  }
  for (Found& f : found) {
    Proposal p = combined(text_of(ctx, *f.step), std::move(f.proposals));
    ctx.report(*f.step, std::move(f.message), std::move(p.help), std::move(p.fix));
  }
}

extern const RuleDef adding_foreign_key_constraint_rule{
    .id = "adding-foreign-key-constraint",
    .severity = Severity::warning,
    .category = "locks",
    .check = &adding_foreign_key_constraint,
    .same_hazard = "constraint-missing-not-valid"};

}  // namespace schemagate::rules
