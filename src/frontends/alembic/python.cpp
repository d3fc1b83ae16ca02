// tree-sitter-python trees, node helpers and string literal decoding.
#include "frontends/alembic/python.hpp"

#include <algorithm>
#include <cstdint>
#include <string>

extern "C" const TSLanguage* tree_sitter_python();

namespace schemagate::alembic::py {

namespace {

// One parser per thread, kept for the next parse (a parse leaves it reset).
struct ThreadParser {
  TSParser* parser = ts_parser_new();
  ThreadParser() {
    if (parser != nullptr && !ts_parser_set_language(parser, tree_sitter_python())) {
      ts_parser_delete(parser);
      parser = nullptr;
    }
  }
  ThreadParser(const ThreadParser&) = delete;
  ThreadParser& operator=(const ThreadParser&) = delete;
  ~ThreadParser() {
    if (parser != nullptr) ts_parser_delete(parser);
  }
};

// The last text parsed on this thread and its tree. An editor lints one buffer after each
// change (schemagate lsp): a text that differs from the last one in one stretch is parsed
// incrementally, tree-sitter reusing what the change left intact. A tree with an error is made
// afresh, so that error recovery is exactly a fresh parse's.
struct LastParse {
  static constexpr std::size_t kMaxBytes = std::size_t{256} << 10U;  // kept for smaller texts
  std::string text;
  TSTree* tree = nullptr;
  LastParse() = default;
  LastParse(const LastParse&) = delete;
  LastParse& operator=(const LastParse&) = delete;
  ~LastParse() { forget(); }
  void forget() {
    if (tree != nullptr) ts_tree_delete(tree);
    tree = nullptr;
    text.clear();
  }
};

// Row and column (bytes) of `offset`, as tree-sitter counts them ("\n" ends a row).
TSPoint point_at(std::string_view text, std::size_t offset) {
  std::size_t row = 0;
  std::size_t line_start = 0;
  for (std::size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++row;
      line_start = i + 1;
    }
  }
  return {static_cast<std::uint32_t>(row), static_cast<std::uint32_t>(offset - line_start)};
}

// The last tree edited into the shape of `text`, when the two texts differ in one stretch
// that leaves most of `text` as it was; null otherwise.
TSTree* reusable(const LastParse& last, std::string_view text) {
  std::string_view old = last.text;
  if (last.tree == nullptr || text.size() > LastParse::kMaxBytes) return nullptr;
  std::size_t limit = std::min(old.size(), text.size());
  std::size_t prefix = 0;
  while (prefix < limit && old[prefix] == text[prefix]) ++prefix;
  std::size_t suffix = 0;
  while (suffix < limit - prefix &&
         old[old.size() - 1 - suffix] == text[text.size() - 1 - suffix]) {
    ++suffix;
  }
  if (prefix == old.size() && prefix == text.size()) return ts_tree_copy(last.tree);
  if ((prefix + suffix) * 4 < text.size() * 3) return nullptr;  // not one small change
  TSInputEdit edit{};
  edit.start_byte = static_cast<std::uint32_t>(prefix);
  edit.old_end_byte = static_cast<std::uint32_t>(old.size() - suffix);
  edit.new_end_byte = static_cast<std::uint32_t>(text.size() - suffix);
  edit.start_point = point_at(text, prefix);
  edit.old_end_point = point_at(old, old.size() - suffix);
  edit.new_end_point = point_at(text, text.size() - suffix);
  TSTree* tree = ts_tree_copy(last.tree);
  ts_tree_edit(tree, &edit);
  return tree;
}

}  // namespace

Tree::Tree(std::string_view text) {
  thread_local ThreadParser p;
  thread_local LastParse last;
  if (p.parser == nullptr) return;
  auto size = static_cast<std::uint32_t>(text.size());
  if (TSTree* old = reusable(last, text)) {
    tree_ = ts_parser_parse_string(p.parser, old, text.data(), size);
    ts_tree_delete(old);
    if (tree_ != nullptr && ts_node_has_error(ts_tree_root_node(tree_))) {
      ts_tree_delete(tree_);
      tree_ = nullptr;
    }
  }
  if (tree_ == nullptr) tree_ = ts_parser_parse_string(p.parser, nullptr, text.data(), size);
  last.forget();
  if (tree_ != nullptr && text.size() <= LastParse::kMaxBytes) {
    last.tree = ts_tree_copy(tree_);
    last.text.assign(text);
  }
}

Tree::~Tree() {
  if (tree_ != nullptr) ts_tree_delete(tree_);
}

Node Tree::root() const {
  if (tree_ == nullptr) return Node{};
  return ts_tree_root_node(tree_);
}

bool Tree::has_error() const { return tree_ == nullptr || ts_node_has_error(root()); }

std::vector<std::string_view> read_symbol_names() {
  const TSLanguage* language = tree_sitter_python();
  std::vector<std::string_view> out(ts_language_symbol_count(language));
  for (std::size_t i = 0; i < out.size(); ++i) {
    const char* name = ts_language_symbol_name(language, static_cast<TSSymbol>(i));
    out[i] = name == nullptr ? std::string_view() : std::string_view(name);
  }
  return out;
}

const std::array<TSFieldId, kFieldNames.size()>& field_ids() {
  static const std::array<TSFieldId, kFieldNames.size()> ids = [] {
    const TSLanguage* language = tree_sitter_python();
    std::array<TSFieldId, kFieldNames.size()> out{};
    for (std::size_t i = 0; i < out.size(); ++i) {
      out[i] = ts_language_field_id_for_name(language, kFieldNames[i].data(),
                                             static_cast<std::uint32_t>(kFieldNames[i].size()));
    }
    return out;
  }();
  return ids;
}

namespace {

// One tree cursor per thread, reset for each walk (ts_tree_cursor_new allocates). Walks
// don't nest: each fills its vector and returns.
struct ThreadCursor {
  TSTreeCursor cursor{};
  bool live = false;
  ThreadCursor() = default;
  ThreadCursor(const ThreadCursor&) = delete;
  ThreadCursor& operator=(const ThreadCursor&) = delete;
  ~ThreadCursor() {
    if (live) ts_tree_cursor_delete(&cursor);
  }
};

TSTreeCursor& cursor_at(Node n) {
  thread_local ThreadCursor c;
  if (!c.live) {
    c.cursor = ts_tree_cursor_new(n);
    c.live = true;
  } else {
    ts_tree_cursor_reset(&c.cursor, n);
  }
  return c.cursor;
}

// tree-sitter 0.20 finds an indexed child by walking the node's children from the first
// (through the hidden nodes of a repetition), which is cheapest for the few children most
// nodes have; a tree cursor steps from one child to the next at a higher, constant cost.
constexpr std::uint32_t kIndexedChildren = 8;

// A map from 64-bit keys (not 0) to values, open addressing: the memo's lookups are many
// and its entries few.
template <typename V>
class FlatMap {
 public:
  // The value for `key`, and whether it was just added (default-constructed).
  std::pair<V*, bool> find_or_add(std::uint64_t key) {
    if ((count_ + 1) * 2 > keys_.size()) grow();
    std::size_t mask = keys_.size() - 1;
    for (std::size_t i = hash(key) & mask;; i = (i + 1) & mask) {
      if (keys_[i] == key) return {&values_[i], false};
      if (keys_[i] == 0) {
        keys_[i] = key;
        ++count_;
        return {&values_[i], true};
      }
    }
  }

 private:
  static std::size_t hash(std::uint64_t key) {
    key ^= key >> 29;
    key *= 0xbf58476d1ce4e5b9ULL;
    return static_cast<std::size_t>(key ^ (key >> 32));
  }
  void grow() {
    std::vector<std::uint64_t> keys(keys_.empty() ? 64 : keys_.size() * 2, 0);
    std::vector<V> values(keys.size());
    std::size_t mask = keys.size() - 1;
    for (std::size_t j = 0; j < keys_.size(); ++j) {
      if (keys_[j] == 0) continue;
      std::size_t i = hash(keys_[j]) & mask;
      while (keys[i] != 0) i = (i + 1) & mask;
      keys[i] = keys_[j];
      values[i] = std::move(values_[j]);
    }
    keys_ = std::move(keys);
    values_ = std::move(values);
  }

  std::vector<std::uint64_t> keys_;
  std::vector<V> values_;
  std::size_t count_ = 0;
};

bool is_comment(Node n) {
  static const TSSymbol comment =
      ts_language_symbol_for_name(tree_sitter_python(), "comment", 7, true);
  return ts_node_symbol(n) == comment;
}

std::vector<Node> find_named_children(Node n) {
  std::vector<Node> out;
  std::uint32_t count = ts_node_named_child_count(n);
  if (count == 0) return out;
  out.reserve(count);
  if (count <= kIndexedChildren) {
    for (std::uint32_t i = 0; i < count; ++i) {
      Node c = ts_node_named_child(n, i);
      if (!is_comment(c)) out.push_back(c);
    }
    return out;
  }
  TSTreeCursor& cursor = cursor_at(n);
  if (!ts_tree_cursor_goto_first_child(&cursor)) return out;
  // As ts_node_named_child counts them: the named nodes, and the named nodes inside an
  // anonymous one (an alias) that has any.
  int depth = 0;
  while (true) {
    Node c = ts_tree_cursor_current_node(&cursor);
    if (ts_node_is_named(c)) {
      if (!is_comment(c)) out.push_back(c);
    } else if (ts_node_named_child_count(c) > 0 && ts_tree_cursor_goto_first_child(&cursor)) {
      ++depth;
      continue;
    }
    while (!ts_tree_cursor_goto_next_sibling(&cursor)) {
      if (depth == 0 || !ts_tree_cursor_goto_parent(&cursor)) return out;
      --depth;
    }
  }
}

}  // namespace

struct NodeMemo::Tables {
  FlatMap<Node> fields;                              // node id * 32 + field → the child
  FlatMap<std::vector<Node>> named_children;         // node id → its named children
  FlatMap<std::shared_ptr<const Literal>> literals;  // node id → its string's value
};

namespace {

thread_local NodeMemo::Tables* memo = nullptr;

}  // namespace

NodeMemo::NodeMemo() : tables_(std::make_unique<Tables>()) {
  static_assert(kFieldNames.size() <= 32);
  previous_tables_ = memo;
  memo = tables_.get();
}

NodeMemo::~NodeMemo() { memo = previous_tables_; }

Node field(Node n, FieldName name) {
  if (null(n)) return n;
  if (memo == nullptr) return ts_node_child_by_field_id(n, field_ids()[name.index()]);
  // Node ids are addresses in their tree, 8-aligned: room for the field's index below.
  std::uint64_t key =
      (static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(n.id)) << 5) + name.index();
  auto [child, fresh] = memo->fields.find_or_add(key);
  if (fresh) *child = ts_node_child_by_field_id(n, field_ids()[name.index()]);
  return *child;
}

std::vector<Node> named_children(Node n) {
  if (null(n)) return {};
  if (memo == nullptr) return find_named_children(n);
  auto [children, fresh] = memo->named_children.find_or_add(reinterpret_cast<std::uintptr_t>(n.id));
  if (fresh) *children = find_named_children(n);
  return *children;
}

std::vector<Node> children(Node n) {
  std::vector<Node> out;
  if (null(n)) return out;
  std::uint32_t count = ts_node_child_count(n);
  if (count == 0) return out;
  out.reserve(count);
  if (count <= kIndexedChildren) {
    for (std::uint32_t i = 0; i < count; ++i) out.push_back(ts_node_child(n, i));
    return out;
  }
  TSTreeCursor& cursor = cursor_at(n);
  if (!ts_tree_cursor_goto_first_child(&cursor)) return out;
  do {
    out.push_back(ts_tree_cursor_current_node(&cursor));
  } while (ts_tree_cursor_goto_next_sibling(&cursor));
  return out;
}

Node unparen(Node n) {
  for (int guard = 0; guard < 256 && is(n, "parenthesized_expression"); ++guard) {
    std::vector<Node> inner = named_children(n);
    if (inner.size() != 1) break;
    n = inner[0];
  }
  return n;
}

std::string dotted(std::string_view source, Node n) {
  std::vector<std::string_view> parts;
  for (int guard = 0; guard < 64; ++guard) {
    if (is(n, "identifier")) {
      parts.push_back(text(source, n));
      std::string out;
      for (auto it = parts.rbegin(); it != parts.rend(); ++it) {
        if (!out.empty()) out += '.';
        out += *it;
      }
      return out;
    }
    if (!is(n, "attribute")) return {};
    parts.push_back(text(source, field(n, "attribute")));
    n = field(n, "object");
  }
  return {};
}

std::string last_part(std::string_view dotted_name) {
  std::size_t dot = dotted_name.rfind('.');
  return std::string(dot == std::string_view::npos ? dotted_name : dotted_name.substr(dot + 1));
}

void Literal::append(const Literal& other) {
  std::size_t base = value.size();
  value += other.value;
  source.insert(source.end(), other.source.begin(), other.source.end());
  for (std::size_t h : other.holes) holes.push_back(base + h);
  if (dynamic_reason.empty()) dynamic_reason = other.dynamic_reason;
}

void Literal::append_hole(ByteRange from, std::string_view reason) {
  holes.push_back(value.size());
  value += 'x';
  source.push_back(from);
  if (dynamic_reason.empty()) dynamic_reason = std::string(reason);
}

ByteRange Literal::map(ByteRange r) const {
  std::size_t begin = whole.begin;
  if (r.begin < source.size()) {
    begin = source[r.begin].begin;
  } else if (!source.empty()) {
    begin = source.back().end;
  }
  std::size_t end = begin;
  if (r.end > r.begin && r.end <= source.size()) end = source[r.end - 1].end;
  if (end < begin) end = begin;
  return {begin, end};
}

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void append_code_point(std::string& out, std::uint32_t cp, bool bytes) {
  if (bytes || cp < 0x80) {
    out += static_cast<char>(cp & 0xFFU);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0U | (cp >> 6));
    out += static_cast<char>(0x80U | (cp & 0x3FU));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0U | (cp >> 12));
    out += static_cast<char>(0x80U | ((cp >> 6) & 0x3FU));
    out += static_cast<char>(0x80U | (cp & 0x3FU));
  } else {
    cp = cp > 0x10FFFF ? 0xFFFD : cp;
    out += static_cast<char>(0xF0U | (cp >> 18));
    out += static_cast<char>(0x80U | ((cp >> 12) & 0x3FU));
    out += static_cast<char>(0x80U | ((cp >> 6) & 0x3FU));
    out += static_cast<char>(0x80U | (cp & 0x3FU));
  }
}

struct Prefix {
  bool raw = false;
  bool bytes = false;
  bool fstring = false;
};

// Decodes source[a, b) of a string's body into `out`.
void decode(std::string_view s, std::size_t a, std::size_t b, Prefix p, Literal& out) {
  auto emit = [&](std::string_view bytes, ByteRange from) {
    for (char c : bytes) {
      out.value += c;
      out.source.push_back(from);
    }
  };
  // Escapes only shorten the text: one allocation each.
  out.value.reserve(out.value.size() + (b - a));
  out.source.reserve(out.source.size() + (b - a));
  std::size_t i = a;
  while (i < b) {
    // A run of bytes that stand for themselves, at once.
    std::size_t run = i;
    while (run < b && (s[run] != '\\' || p.raw) &&
           (!p.fstring || (s[run] != '{' && s[run] != '}'))) {
      ++run;
    }
    if (run > i) {
      out.value.append(s.substr(i, run - i));
      for (std::size_t k = i; k < run; ++k) out.source.push_back({k, k + 1});
      i = run;
      continue;
    }
    char c = s[i];
    if (p.fstring && (c == '{' || c == '}') && i + 1 < b && s[i + 1] == c) {
      emit(std::string_view(&s[i], 1), {i, i + 2});
      i += 2;
      continue;
    }
    if (c != '\\' || p.raw || i + 1 >= b) {
      emit(std::string_view(&s[i], 1), {i, i + 1});
      ++i;
      continue;
    }
    char n = s[i + 1];
    std::size_t stop = i + 2;
    std::string produced;
    switch (n) {
      case '\n':
        i += 2;
        continue;
      case '\r':
        i += (i + 2 < b && s[i + 2] == '\n') ? 3 : 2;
        continue;
      case '\\':
      case '\'':
      case '"':
        produced = std::string(1, n);
        break;
      case 'a':
        produced = "\a";
        break;
      case 'b':
        produced = "\b";
        break;
      case 'f':
        produced = "\f";
        break;
      case 'n':
        produced = "\n";
        break;
      case 'r':
        produced = "\r";
        break;
      case 't':
        produced = "\t";
        break;
      case 'v':
        produced = "\v";
        break;
      case 'x':
      case 'u':
      case 'U': {
        std::size_t digits = n == 'x' ? 2 : (n == 'u' ? 4 : 8);
        if (p.bytes && n != 'x') {
          produced = std::string("\\") + n;
          break;
        }
        std::uint32_t cp = 0;
        std::size_t k = 0;
        for (; k < digits && stop + k < b && hex_value(s[stop + k]) >= 0; ++k) {
          cp = cp * 16 + static_cast<std::uint32_t>(hex_value(s[stop + k]));
        }
        stop += k;
        append_code_point(produced, cp, p.bytes);
        break;
      }
      case 'N':
        if (!p.bytes && stop < b && s[stop] == '{') {
          while (stop < b && s[stop] != '}') ++stop;
          if (stop < b) ++stop;
          produced = "?";  // a named character: its name can't be looked up here
        } else {
          produced = "\\N";
        }
        break;
      default:
        if (n >= '0' && n <= '7') {
          std::uint32_t cp = 0;
          std::size_t k = 0;
          for (; k < 3 && i + 1 + k < b && s[i + 1 + k] >= '0' && s[i + 1 + k] <= '7'; ++k) {
            cp = cp * 8 + static_cast<std::uint32_t>(s[i + 1 + k] - '0');
          }
          stop = i + 1 + k;
          append_code_point(produced, cp, p.bytes);
        } else {
          // An unknown escape keeps its backslash; the next character is read normally.
          emit("\\", {i, i + 1});
          ++i;
          continue;
        }
    }
    emit(produced, {i, stop});
    i = stop;
  }
}

std::optional<Literal> one_string(std::string_view s, Node n) {
  Literal out;
  out.whole = range(n);
  std::vector<Node> parts = children(n);
  if (parts.empty() || !is(parts.front(), "string_start")) return std::nullopt;
  std::string_view start = text(s, parts.front());
  Prefix p;
  for (char c : start) {
    if (c == 'r' || c == 'R') p.raw = true;
    if (c == 'b' || c == 'B') p.bytes = true;
    if (c == 'f' || c == 'F' || c == 't' || c == 'T') p.fstring = true;
  }
  std::size_t pos = ts_node_end_byte(parts.front());
  std::size_t end = ts_node_end_byte(n);
  if (is(parts.back(), "string_end")) end = ts_node_start_byte(parts.back());
  for (Node part : parts) {
    if (!is(part, "interpolation")) continue;
    ByteRange r = range(part);
    if (r.begin < pos || r.end > end) continue;
    decode(s, pos, r.begin, p, out);
    out.append_hole(r, "an f-string");
    pos = r.end;
  }
  if (pos < end) decode(s, pos, end, p, out);
  return out;
}

}  // namespace

std::optional<Literal> string_literal(std::string_view source, Node n) {
  n = unparen(n);
  if (is(n, "string")) return one_string(source, n);
  if (!is(n, "concatenated_string")) return std::nullopt;
  Literal out;
  out.whole = range(n);
  for (Node part : named_children(n)) {
    if (!is(part, "string")) continue;
    auto one = one_string(source, part);
    if (!one) return std::nullopt;
    out.append(*one);
  }
  return out;
}

std::shared_ptr<const Literal> shared_string_literal(std::string_view source, Node n) {
  auto decode_once = [&]() -> std::shared_ptr<const Literal> {
    auto lit = string_literal(source, n);
    if (!lit) return nullptr;
    return std::make_shared<const Literal>(std::move(*lit));
  };
  if (memo == nullptr || null(n)) return decode_once();
  auto [decoded, fresh] = memo->literals.find_or_add(reinterpret_cast<std::uintptr_t>(n.id));
  if (fresh) *decoded = decode_once();
  return *decoded;
}

namespace {

// Rebuilds `lit`, turning the runs that `hole_at` recognises into holes. `hole_at` returns
// the length of a hole starting at i (0: none) and may ask to keep one byte of an escaped
// pair ("%%" → "%") by returning -1.
template <typename F>
Literal rebuild(const Literal& lit, std::string_view reason, F hole_at) {
  Literal out;
  out.whole = lit.whole;
  out.dynamic_reason = lit.dynamic_reason;
  std::size_t next_hole = 0;
  auto is_hole = [&](std::size_t i) {
    while (next_hole < lit.holes.size() && lit.holes[next_hole] < i) ++next_hole;
    return next_hole < lit.holes.size() && lit.holes[next_hole] == i;
  };
  std::size_t i = 0;
  while (i < lit.value.size()) {
    if (is_hole(i)) {
      out.append_hole(lit.source[i], lit.dynamic_reason);
      ++i;
      continue;
    }
    long n = hole_at(i);
    if (n < 0) {
      out.value += lit.value[i];
      out.source.push_back({lit.source[i].begin, lit.source[i + 1].end});
      i += 2;
    } else if (n > 0) {
      auto len = static_cast<std::size_t>(n);
      out.append_hole({lit.source[i].begin, lit.source[i + len - 1].end}, reason);
      i += len;
    } else {
      out.value += lit.value[i];
      out.source.push_back(lit.source[i]);
      ++i;
    }
  }
  return out;
}

bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

Literal with_percent_holes(const Literal& lit) {
  const std::string& v = lit.value;
  return rebuild(lit, "% formatting", [&](std::size_t i) -> long {
    if (v[i] != '%' || i + 1 >= v.size()) return 0;
    if (v[i + 1] == '%') return -1;
    std::size_t j = i + 1;
    if (v[j] == '(') {
      while (j < v.size() && v[j] != ')') ++j;
      if (j >= v.size()) return 0;
      ++j;
    }
    while (j < v.size() &&
           (v[j] == '#' || v[j] == '0' || v[j] == '-' || v[j] == ' ' || v[j] == '+'))
      ++j;
    while (j < v.size() && (is_digit(v[j]) || v[j] == '*')) ++j;
    if (j < v.size() && v[j] == '.') {
      ++j;
      while (j < v.size() && (is_digit(v[j]) || v[j] == '*')) ++j;
    }
    while (j < v.size() && (v[j] == 'h' || v[j] == 'l' || v[j] == 'L')) ++j;
    if (j >= v.size() || !is_alpha(v[j])) return 0;
    return static_cast<long>(j + 1 - i);
  });
}

Literal with_format_holes(const Literal& lit) {
  const std::string& v = lit.value;
  return rebuild(lit, ".format()", [&](std::size_t i) -> long {
    if (v[i] != '{' && v[i] != '}') return 0;
    if (i + 1 < v.size() && v[i + 1] == v[i]) return -1;
    if (v[i] == '}') return 0;
    int depth = 0;
    for (std::size_t j = i; j < v.size(); ++j) {
      if (v[j] == '{') ++depth;
      if (v[j] == '}' && --depth == 0) return static_cast<long>(j + 1 - i);
    }
    return 0;
  });
}

Literal with_filled_holes(const Literal& lit, const std::map<std::size_t, std::string>& known) {
  Literal out;
  out.whole = lit.whole;
  std::size_t next = 0;
  for (std::size_t i = 0; i < lit.value.size(); ++i) {
    while (next < lit.holes.size() && lit.holes[next] < i) ++next;
    ByteRange from = i < lit.source.size() ? lit.source[i] : lit.whole;
    bool hole = next < lit.holes.size() && lit.holes[next] == i;
    auto fill = hole ? known.find(from.begin) : known.end();
    if (fill != known.end()) {
      out.value += fill->second;
      out.source.insert(out.source.end(), fill->second.size(), from);
    } else if (hole) {
      out.append_hole(from, lit.dynamic_reason);
    } else {
      out.value += lit.value[i];
      out.source.push_back(from);
    }
  }
  return out;
}

}  // namespace schemagate::alembic::py
