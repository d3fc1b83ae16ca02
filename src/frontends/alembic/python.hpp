// Internal to the Alembic frontend: tree-sitter-python parse trees, node helpers, and
// Python string literals decoded with a byte map back into the source. No tree-sitter type
// leaves src/frontends/.
#pragma once

#include <tree_sitter/api.h>

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "schemagate/source.hpp"

namespace schemagate::alembic::py {

using Node = TSNode;

// One parsed Python text. Owns the parser's tree; the text must outlive it.
class Tree {
 public:
  explicit Tree(std::string_view text);
  Tree(const Tree&) = delete;
  Tree& operator=(const Tree&) = delete;
  ~Tree();

  [[nodiscard]] Node root() const;
  [[nodiscard]] bool has_error() const;

 private:
  TSTree* tree_ = nullptr;
};

[[nodiscard]] inline bool null(Node n) { return ts_node_is_null(n); }
[[nodiscard]] inline std::string_view type(Node n) {
  return null(n) ? std::string_view() : std::string_view(ts_node_type(n));
}
[[nodiscard]] inline bool is(Node n, std::string_view t) { return !null(n) && type(n) == t; }
[[nodiscard]] inline ByteRange range(Node n) {
  return {ts_node_start_byte(n), ts_node_end_byte(n)};
}
[[nodiscard]] inline std::string_view text(std::string_view source, Node n) {
  ByteRange r = range(n);
  if (r.end > source.size() || r.begin > r.end) return {};
  return source.substr(r.begin, r.end - r.begin);
}
[[nodiscard]] Node field(Node n, std::string_view name);
[[nodiscard]] std::vector<Node> named_children(Node n);
[[nodiscard]] std::vector<Node> children(Node n);
// The expression inside any number of parentheses.
[[nodiscard]] Node unparen(Node n);

// A Python string value with, for each of its bytes, the source bytes it came from, so that
// positions inside it (SQL findings) map back to the .py file. Parts that are only known at
// run time (f-string fields, names, % or .format() arguments) are holes: one placeholder
// byte each.
struct Literal {
  std::string value;
  std::vector<ByteRange> source;   // per byte of value
  std::vector<std::size_t> holes;  // offsets in value of placeholder bytes
  std::string dynamic_reason;      // why there are holes ("an f-string", ...)
  ByteRange whole;                 // the expression the literal was read from

  [[nodiscard]] bool dynamic() const { return !holes.empty(); }
  void append(const Literal& other);
  void append_hole(ByteRange from, std::string_view reason);
  // Maps a range of `value` to the source.
  [[nodiscard]] ByteRange map(ByteRange r) const;
};

// Decodes a `string` or `concatenated_string` node. nullopt for bytes literals that are not
// text and for nodes that are not strings.
[[nodiscard]] std::optional<Literal> string_literal(std::string_view source, Node n);

// Marks the `%` conversions (printf style) or `{}` fields (str.format style) of a literal as
// holes.
[[nodiscard]] Literal with_percent_holes(const Literal& lit);
[[nodiscard]] Literal with_format_holes(const Literal& lit);
// Fills in the holes whose source begins at a key of `known` (an f-string field whose value
// is known: `f"DROP INDEX ix_{table}"` in a loop over table names); each byte put in maps
// to the hole's source.
[[nodiscard]] Literal with_filled_holes(const Literal& lit,
                                        const std::map<std::size_t, std::string>& known);

// The dotted name of an identifier or attribute chain ("sa.types.String"); empty otherwise.
[[nodiscard]] std::string dotted(std::string_view source, Node n);
// The last part of a dotted name ("String" for sa.types.String).
[[nodiscard]] std::string last_part(std::string_view dotted_name);

}  // namespace schemagate::alembic::py
