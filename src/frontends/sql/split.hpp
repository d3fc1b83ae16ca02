// Splitting SQL into statements with libpg_query's scanner, for text that does not parse
// as a whole. Internal to the SQL frontend.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "schemagate/source.hpp"

namespace schemagate::sql {

struct SplitOutcome {
  std::vector<ByteRange> statements;  // raw ranges, separators excluded
  // When the scanner fails (an unterminated quote or comment): the byte where the bad
  // token starts and the scanner's message; statements before it are still listed.
  bool failed = false;
  std::size_t error_at = 0;
  std::string error;
};

[[nodiscard]] SplitOutcome split_statements(std::string_view sql);

}  // namespace schemagate::sql
