// Internal to the SQL frontend: one parsed statement → IR operations.
#pragma once

#include <string_view>
#include <vector>

#include "frontends/sql/json.hpp"
#include "frontends/sql/sql_frontend.hpp"

namespace schemagate::sql {

struct StatementContext {
  std::string_view sql;  // the text of the statement
  ByteRange range;       // the statement in `sql`
  std::size_t base = 0;  // where in `sql` the parsed text starts: node locations count from it
  const RangeMap& map;   // `sql` ranges → source ranges
  const LowerOptions& options;
  std::vector<Operation>& ops;
  std::vector<FrontendIssue>& issues;
  // Functions the file defined earlier whose body runs SQL built at run time (EXECUTE): a
  // call of one changes what no one can see statically. Lower case, without schema.
  std::vector<std::string>* dynamic_functions = nullptr;
};

void lower_statement(json::element stmt, const StatementContext& ctx);

// Lowers the body of a DO block written at `body` (a range of ctx.sql, or empty when the
// body's text could not be located verbatim).
void lower_do_block(std::string_view body_text, ByteRange body, const StatementContext& ctx);

// Expression helpers (expr.cpp).
[[nodiscard]] TypeName type_name(json::element type_name_node);
[[nodiscard]] DefaultValue default_value(json::element expr);
// Is the USING expression of ALTER COLUMN ... TYPE `to` the column itself, bare or cast to
// `to` (`USING price::numeric(12,2)`)? PostgreSQL then converts it exactly as it does without
// USING.
[[nodiscard]] bool using_is_column(json::element expr, std::string_view column, const TypeName& to);
[[nodiscard]] bool is_batched(json::element stmt);
[[nodiscard]] QualifiedName relation_name(json::element range_var);
[[nodiscard]] QualifiedName dotted_name(const std::vector<std::string>& parts);

}  // namespace schemagate::sql
