// Splitting SQL into statements with libpg_query's scanner, window by window, so that memory
// stays bounded whatever the size of the text; and an upper bound of how deeply each
// statement's parse tree nests, known before it is parsed. Internal to the SQL frontend.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "schemagate/source.hpp"

namespace schemagate::sql {

// Statements beyond these limits are reported and not parsed. libpg_query turns a parse tree
// into JSON by recursion, one level of the tree at a time and with no check of its own: a
// deep enough tree overflows any thread's stack. A tree of kMaxNesting levels takes well under
// 2 MiB of it. A parse tree and its JSON take some fifty times the statement's size in memory.
inline constexpr std::size_t kMaxNesting = 1000;
inline constexpr std::size_t kMaxStatementBytes = std::size_t{16} << 20U;

// One top-level statement.
struct Statement {
  ByteRange range;  // raw: from after the previous `;` to before its own (or the text's end)
  // An upper bound of the depth of its parse tree (counted up to kMaxNesting + 1).
  std::size_t nesting = 0;
};

struct ScanError {
  std::size_t at = 0;  // the byte where the bad token starts
  std::string message;
};

// Scans `sql` and calls `statement` for each top-level statement (`BEGIN ATOMIC ... END`
// bodies keep their inner semicolons) and `comment` (when given) for each comment, in text
// order. When the scanner fails (an unterminated quote or comment), the statements that end
// before the bad token have been passed on and its error is returned.
std::optional<ScanError> scan_statements(std::string_view sql,
                                         const std::function<void(const Statement&)>& statement,
                                         const std::function<void(ByteRange)>& comment = {});

// The same, always with libpg_query's scanner. scan_statements first tries a small lexer of
// its own, which finds the same statements (tests compare the two) at a fraction of the
// cost, and gives way to the scanner whenever it is unsure.
std::optional<ScanError> scanner_statements(std::string_view sql,
                                            const std::function<void(const Statement&)>& statement,
                                            const std::function<void(ByteRange)>& comment = {});

// What a token of libpg_query's scanner is, as far as finding things outside quotes and
// comments needs (the Alembic frontend's bind parameters).
enum class TokenKind {
  comment,            // -- ... or /* ... */ (nested)
  string,             // '...', E'...', $tag$...$tag$, B'...', X'...', U&'...'
  quoted_identifier,  // "..." or U&"..."
  name,               // a bare identifier or an unreserved keyword (`data`, `value`)
  constant,           // a number or $1
  close,              // ) or ]
  in,                 // the keyword IN
  op,                 // an operator the scanner does not name (`?`, `?|`, `=?`, `->>`)
  other,              // other keywords, punctuation, `=`, `::`, ...
};

struct Token {
  ByteRange range;
  TokenKind kind = TokenKind::other;
};

// Calls `token` for each token of `sql`, comments included, in text order, window by window
// as scanner_statements does. When the scanner fails (an unterminated quote or comment), the
// tokens before the bad one have been passed on and its error is returned.
std::optional<ScanError> scan_tokens(std::string_view sql,
                                     const std::function<void(const Token&)>& token);

// The ranges of the tokens of `sql`, comments left out, in text order, as scan_tokens gives
// them, found by a small lexer of its own at a fraction of the scanner's cost (a statement's
// edit points need only where its tokens are). Nullopt whenever the lexer is not sure of a
// token's extent (a string with a prefix or continued on another line, a number with an
// exponent, a character SQL does not use, an unterminated quote or comment): scan_tokens
// decides then. Tests compare the two.
[[nodiscard]] std::optional<std::vector<ByteRange>> quick_token_ranges(std::string_view sql);

// An upper bound of the depth of the parse trees of the statements of `sql` (as
// Statement::nesting); kMaxNesting + 1 also when the text does not scan.
[[nodiscard]] std::size_t statement_nesting(std::string_view sql);

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
