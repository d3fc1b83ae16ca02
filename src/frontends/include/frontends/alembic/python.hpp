// Internal to the Alembic frontend: tree-sitter-python parse trees, node helpers, and
// Python string literals decoded with a byte map back into the source. No tree-sitter type
// leaves src/frontends/.
#pragma once

#include <tree_sitter/api.h>

#include <array>
#include <cstddef>
#include <map>
#include <memory>
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

// The grammar's symbol names by symbol id, read once: a node's type without a name lookup
// and strlen per call.
[[nodiscard]] std::vector<std::string_view> read_symbol_names();
// Read before main (with no guard to test on each use); empty until then, when type() asks
// tree-sitter instead.
inline const std::vector<std::string_view> kSymbolNames = read_symbol_names();
[[nodiscard]] inline const std::vector<std::string_view>& symbol_names() { return kSymbolNames; }
[[nodiscard]] inline std::string_view type(Node n) {
  if (null(n)) return {};
  TSSymbol s = ts_node_symbol(n);
  return s < kSymbolNames.size() ? kSymbolNames[s] : std::string_view(ts_node_type(n));
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
// The field names the frontend reads. A FieldName is checked against them at compile time,
// and its field id is looked up once, not by name on every call.
inline constexpr std::array<std::string_view, 21> kFieldNames = {
    "alias",       "alternative", "argument",   "arguments",  "attribute",  "body",
    "condition",   "consequence", "definition", "expression", "function",   "left",
    "module_name", "name",        "object",     "operator",   "parameters", "right",
    "subject",     "subscript",   "value"};

class FieldName {
 public:
  // Implicit: py::field(n, "body").
  consteval FieldName(const char* name) : index_(find(name)) {}
  [[nodiscard]] std::size_t index() const { return index_; }

 private:
  static consteval std::size_t find(std::string_view name) {
    for (std::size_t i = 0; i < kFieldNames.size(); ++i) {
      if (kFieldNames[i] == name) return i;
    }
    throw "not a field name the Alembic frontend knows (add it to kFieldNames)";
  }
  std::size_t index_;
};

[[nodiscard]] const std::array<TSFieldId, kFieldNames.size()>& field_ids();
[[nodiscard]] Node field(Node n, FieldName name);
// Children in order. named_children leaves out comments.
[[nodiscard]] std::vector<Node> named_children(Node n);
[[nodiscard]] std::vector<Node> children(Node n);

// While one is alive on a thread, field(), named_children() and shared_string_literal()
// remember their answers for each node: the interpreter asks about the same nodes again and
// again (an argument read for its value, then for its effects), and tree-sitter 0.20
// answers by walking the node's children each time. Nodes are told apart by their ids
// (addresses in their tree), so every tree asked about while it lives must outlive it.
// Scopes nest (the innermost is used); each belongs to the thread that made it.
class NodeMemo {
 public:
  NodeMemo();
  NodeMemo(const NodeMemo&) = delete;
  NodeMemo& operator=(const NodeMemo&) = delete;
  ~NodeMemo();

  struct Tables;

 private:
  Tables* previous_tables_ = nullptr;  // the memo this one hides
  std::unique_ptr<Tables> tables_;
};
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
// The same, shared (null where string_literal gives nullopt); decoded once per node while a
// NodeMemo is alive. `source` must be the text of the node's tree, the same on every call.
[[nodiscard]] std::shared_ptr<const Literal> shared_string_literal(std::string_view source, Node n);

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
