// The SQL frontend: PostgreSQL text → IR operations, through libpg_query.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "frontends/sql/template.hpp"
#include "schemagate/ir.hpp"

namespace schemagate::sql {

// Maps a byte range of the SQL text being lowered to a byte range of the source file the
// user reads (identity for a .sql file; into a string literal for embedded SQL).
using RangeMap = std::function<ByteRange(ByteRange)>;

struct LowerOptions {
  bool in_loop = false;      // the SQL runs inside a loop (counts as batched)
  bool in_function = false;  // the SQL runs inside a DO block or function
  bool autocommit = false;   // the SQL runs outside the runner's transaction
  int do_depth = 0;          // DO blocks around the SQL
};

// Parses `sql` and appends one Operation per schema or data change. Statements that don't
// parse become `syntax-error` issues at the exact position; the others are still lowered.
void lower(std::string_view sql, const RangeMap& map, const LowerOptions& options,
           std::vector<Operation>& ops, std::vector<FrontendIssue>& issues);

// The major version of PostgreSQL whose grammar the bundled parser (libpg_query) has.
[[nodiscard]] int parser_major_version();

// Is the function `name` (lower case, without schema) immutable or stable, i.e. the same value
// for every row of one statement? A default calling only these is evaluated once (and
// PostgreSQL 11+ stores it in the catalog). Unknown functions count as volatile.
[[nodiscard]] bool is_nonvolatile_function(std::string_view name);
// Is a call of `name` with `args` arguments evidence of a volatile default? A known volatile
// function with the number of arguments it takes, or a function the linter doesn't know (it
// may be volatile); not a known function called with a number of arguments it doesn't take
// (PostgreSQL rejects the default: `now(123)`, `random(5)`).
[[nodiscard]] bool is_volatile_call(std::string_view name, std::size_t args);

// A column default written as SQL expression text elsewhere (Alembic's
// `server_default=sa.text("now()")`), read as a DEFAULT clause is. nullopt when the text is
// not one SQL expression.
[[nodiscard]] std::optional<DefaultValue> default_expression(std::string_view expr);

// Is `expr`, the USING of a change of `column` to type `to` written as SQL text elsewhere
// (Alembic's `postgresql_using="price::numeric(12,2)"`), the column itself, bare or cast to
// `to`? Such a USING converts as no USING does.
[[nodiscard]] bool using_expression_is_column(std::string_view expr, std::string_view column,
                                              const TypeName& to);

// A type as people read it: "varchar(64)", "integer", "numeric(10, 2)", "text[]".
[[nodiscard]] std::string type_text(const TypeName& type);

// Lowers the part `part` of `file` (the whole file, a dbmate section) after expanding its
// templates (template.hpp); ranges point into `file`.
void lower_file_part(const SourceFile& file, ByteRange part, const Placeholders& values,
                     const LowerOptions& options, std::vector<Operation>& ops,
                     std::vector<FrontendIssue>& issues,
                     std::vector<std::pair<std::string, std::string>>* written_as = nullptr);

// Where the (nested) block comment that opens at `pos` ends, at most `end`.
[[nodiscard]] std::size_t block_comment_end(std::string_view s, std::size_t pos, std::size_t end);

// A bare .sql file as one migration with no runner transaction (template.cpp).
[[nodiscard]] Migration parse_file(const SourceFile& file, const Placeholders& values = {});

// Where the comments of a SQL text are (for inline ignores); those before an unterminated
// quote or comment only.
[[nodiscard]] std::vector<ByteRange> comment_ranges(std::string_view sql);

// The SQL text's tokens without its comments, one per line: two texts that differ only in
// comments or white space give the same. A text that doesn't scan gives itself whole.
[[nodiscard]] std::string significant_tokens(std::string_view sql);

}  // namespace schemagate::sql
