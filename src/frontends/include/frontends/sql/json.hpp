// Small readers over libpg_query's JSON parse tree (simdjson DOM). Internal to the SQL
// frontend: no simdjson type leaves this folder.
#pragma once

#include <simdjson.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace schemagate::sql::json {

// How deeply the JSON that libpg_query prints may nest: statements are parsed only when their
// tree is at most kMaxNesting (split.hpp) levels deep, a level of which takes a few levels of
// JSON; PL/pgSQL blocks nest as deep as PostgreSQL's parser lets them.
inline constexpr std::size_t kMaxDepth = 16384;

// A parser for libpg_query's output, with room for kMaxDepth levels.
inline std::unique_ptr<simdjson::dom::parser> make_parser() {
  auto parser = std::make_unique<simdjson::dom::parser>();
  // On failure (out of memory) the parser allocates with the default depth when first used.
  if (parser->allocate(simdjson::dom::MINIMAL_DOCUMENT_CAPACITY, kMaxDepth) != simdjson::SUCCESS) {
    return std::make_unique<simdjson::dom::parser>();
  }
  return parser;
}

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;

inline std::optional<element> field(element e, std::string_view key) {
  element out;
  if (!e.is_object() || e[key].get(out) != simdjson::SUCCESS) return std::nullopt;
  return out;
}

inline std::string_view str(element e, std::string_view key) {
  std::string_view out;
  if (auto f = field(e, key); f && f->get(out) == simdjson::SUCCESS) return out;
  return {};
}

inline std::int64_t integer(element e, std::string_view key, std::int64_t fallback = 0) {
  std::int64_t out = 0;
  if (auto f = field(e, key); f && f->get(out) == simdjson::SUCCESS) return out;
  return fallback;
}

inline bool boolean(element e, std::string_view key) {
  bool out = false;
  if (auto f = field(e, key); f && f->get(out) == simdjson::SUCCESS) return out;
  return false;
}

// The elements of an array field (empty when absent).
inline std::vector<element> list(element e, std::string_view key) {
  std::vector<element> out;
  array a;
  if (auto f = field(e, key); f && f->get(a) == simdjson::SUCCESS) {
    for (element x : a) out.push_back(x);
  }
  return out;
}

// A node is an object with one key, its type: {"ColumnDef": {...}}.
inline std::pair<std::string_view, element> node(element e) {
  object o;
  if (e.get(o) == simdjson::SUCCESS) {
    for (auto [k, v] : o) return {k, v};
  }
  return {{}, e};
}

// The inner object of a node of the given type, if `e` is one.
inline std::optional<element> as(element e, std::string_view type) {
  auto [k, v] = node(e);
  if (k == type) return v;
  return std::nullopt;
}

// The strings of a list of {"String": {"sval": ...}} nodes.
inline std::vector<std::string> strings(element e, std::string_view key) {
  std::vector<std::string> out;
  for (element x : list(e, key)) {
    if (auto s = as(x, "String")) out.emplace_back(str(*s, "sval"));
  }
  return out;
}

}  // namespace schemagate::sql::json
