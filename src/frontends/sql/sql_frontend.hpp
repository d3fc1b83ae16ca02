// The SQL frontend: PostgreSQL text → IR operations, through libpg_query.
#pragma once

#include <functional>
#include <string_view>
#include <vector>

#include "schemagate/ir.hpp"

namespace schemagate::sql {

// Maps a byte range of the SQL text being lowered to a byte range of the source file the
// user reads (identity for a .sql file; into a string literal for embedded SQL).
using RangeMap = std::function<ByteRange(ByteRange)>;

struct LowerOptions {
  bool in_loop = false;      // the SQL runs inside a loop (counts as batched)
  bool in_function = false;  // the SQL runs inside a DO block or function
  bool autocommit = false;   // the SQL runs outside the runner's transaction
};

// Parses `sql` and appends one Operation per schema or data change. Statements that don't
// parse become `syntax-error` issues at the exact position; the others are still lowered.
void lower(std::string_view sql, const RangeMap& map, const LowerOptions& options,
           std::vector<Operation>& ops, std::vector<FrontendIssue>& issues);

// A bare .sql file as one migration with no runner transaction.
[[nodiscard]] Migration parse_file(const SourceFile& file);

}  // namespace schemagate::sql
