// Fixes as edits of the user's own text, built from the places the frontends recorded
// (Operation::points), and helps that show the user's statement with the fix applied.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "schemagate/diagnostic.hpp"
#include "schemagate/rule.hpp"

namespace schemagate::rules {

// A fix (when the change can be written as edits) and the help that goes with it.
struct Proposal {
  std::optional<Fix> fix;
  std::string help;
  // With a fix: the part of the text the help shows with the fix applied, and what the help
  // says after it (e.g. the VALIDATE CONSTRAINT for a later migration), so that proposals
  // for sub-commands of one statement can be shown as one (combined()).
  std::optional<ByteRange> shown;
  std::string after;
  // What the help says before the text shown ("in the op.execute() string, ...").
  std::string before;
};

// The proposals for several sub-commands of one statement (ALTER TABLE t ADD ..., ADD ...)
// as one: every edit in one fix, the statement shown once with all of them applied, then
// each proposal's `after` lines once. Proposals without a fix (or showing different text)
// are given one after another.
[[nodiscard]] Proposal combined(std::string_view text, std::vector<Proposal> parts);

// The text of the file the step's operation is written in.
[[nodiscard]] std::string_view text_of(const RuleContext& ctx, const Step& step);

// The lines of `text` that hold `range` and the edits, with the edits applied and the first
// line's indentation taken off every line: the user's statement as the fix leaves it.
[[nodiscard]] std::string preview(std::string_view text, ByteRange range,
                                  const std::vector<Edit>& edits);

// Alembic: `name=value` added to the op.*(...) call, when the frontend knows where.
[[nodiscard]] std::optional<Edit> keyword_argument(const Step& step, std::string_view name_value);

// Alembic: the statement moved into `with op.get_context().autocommit_block():`, when it
// stands alone on its lines.
[[nodiscard]] std::optional<std::vector<Edit>> into_autocommit_block(const RuleContext& ctx,
                                                                     const Step& step);

// Adding CONCURRENTLY to CREATE INDEX, DROP INDEX, REINDEX, REFRESH MATERIALIZED VIEW or
// DETACH PARTITION (`postgresql_concurrently=True` for Alembic's op.create_index/op.drop_index),
// and, where the statement runs in a transaction and PostgreSQL refuses that (all but REFRESH),
// taking it out (unsafe: earlier statements commit, a failed build leaves an INVALID index).
[[nodiscard]] Proposal concurrently(const RuleContext& ctx, const Step& step);

// The name PostgreSQL gives a constraint added without one, when it can be told from the
// statement alone: `<table>_<columns>_fkey` for a foreign key, `<table>_<column>_check` for a
// CHECK on one column (63-byte limit applied as PostgreSQL's makeObjectName does); none for
// a CHECK whose columns aren't known, or when a name clash would add a number.
[[nodiscard]] std::optional<std::string> constraint_name(const AddConstraint& op);

// ADD CHECK / FOREIGN KEY as NOT VALID (` NOT VALID` after the constraint, or
// `postgresql_not_valid=True` in op.create_foreign_key / op.create_check_constraint), then
// VALIDATE CONSTRAINT in a later migration. Unsafe: existing rows are no longer checked until
// the VALIDATE runs.
[[nodiscard]] Proposal not_valid(const RuleContext& ctx, const Step& step, const AddConstraint& op);

// A statement that must not run in a transaction, taken out of it.
[[nodiscard]] Proposal out_of_transaction(const RuleContext& ctx, const Step& step);

// The type a column definition was written with, replaced (unsafe: the application reads and
// writes other values): SQL `timestamp[(p)] [without time zone]` → `timestamptz[(p)]`, and
// `int`/`integer`/`int4`/`smallint`/`int2` → `bigint`, `serial`/`serial4`/`smallserial`/`serial2`
// → `bigserial`; SQLAlchemy `sa.DateTime()`/`sa.TIMESTAMP()`/`postgresql.TIMESTAMP(...)` get
// `timezone=True` (a written `timezone=False` becomes True), `sa.Integer`/`sa.SmallInteger` →
// `sa.BigInteger`, `INTEGER`/`INT`/`SMALLINT` → `BIGINT` (only with their module written, as
// the new name needs it). `column` is the definition's range (the SQL column definition, or the
// sa.Column(...) call); no edit when the type isn't written there in one of these forms.
enum class Retype : std::uint8_t { timestamptz, bigint };
[[nodiscard]] std::optional<Edit> column_type_edit(std::string_view text, ByteRange column,
                                                   Retype to);

// A SET of a setting put before the first statement of the step's phase: SQL, before the
// phase's first statement (after an explicit BEGIN that opens it); Alembic, the first line of
// upgrade()/downgrade() after its docstring. Its help is `words` then the line itself. Safe when
// every statement of the phase runs in one transaction (the SET then changes only whether the
// migration waits or fails: a failure rolls all of it back); unsafe when some run outside it
// (earlier statements are committed when a later one gives up).
[[nodiscard]] Proposal set_first(const RuleContext& ctx, const Step& step, const std::string& sql,
                                 const std::string& words);

// How to run one statement outside the runner's transaction in this layout, in words.
[[nodiscard]] std::string leave_transaction_words(const RuleContext& ctx, const Step& step);

}  // namespace schemagate::rules
