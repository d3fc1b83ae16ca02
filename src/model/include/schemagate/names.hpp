// The names PostgreSQL gives objects created without one (src/backend/commands/indexcmds.c,
// ChooseRelationName / makeObjectName; catalog/pg_constraint.c, ChooseConstraintName):
// "<table>_<columns>_<label>", the parts truncated so that the whole fits in 63 bytes, then
// numbered ("_key1", "_key2", ...) while the name is taken.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace schemagate::names {

// NAMEDATALEN - 1: the longest identifier, in bytes.
inline constexpr std::size_t kMaxIdentifierBytes = 63;

// makeObjectName: "<name1>_<name2>_<label>" (no "_<name2>" when name2 is null), the longer of
// name1 and name2 losing a byte at a time until it fits in 63 bytes, neither cut inside a UTF-8
// character.
[[nodiscard]] std::string make_object_name(std::string_view name1,
                                           std::optional<std::string_view> name2,
                                           std::string_view label);

// ChooseIndexNameAddition / ChooseForeignKeyConstraintNameAddition: the column names joined by
// "_", stopping once 63 bytes are reached.
[[nodiscard]] std::string columns_addition(const std::vector<std::string>& columns);

// ChooseIndexColumnNames: a column named twice in one index gets a number ("a", "a1").
[[nodiscard]] std::vector<std::string> index_column_names(const std::vector<std::string>& columns);

// ChooseRelationName / ChooseConstraintName: the first of make_object_name(name1, name2,
// label), then label1, label2, ... that `taken` says is free (a null `taken`: nothing is).
[[nodiscard]] std::string choose(std::string_view name1, std::optional<std::string_view> name2,
                                 std::string_view label,
                                 const std::function<bool(const std::string&)>& taken = {});

// The automatic names, without numbering (`taken` as in choose()):
// PRIMARY KEY: <table>_pkey.
[[nodiscard]] std::string primary_key(std::string_view table,
                                      const std::function<bool(const std::string&)>& taken = {});
// UNIQUE constraint (and its index): <table>_<columns>_key.
[[nodiscard]] std::string unique_key(std::string_view table,
                                     const std::vector<std::string>& columns,
                                     const std::function<bool(const std::string&)>& taken = {});
// EXCLUDE constraint: <table>_<columns>_excl.
[[nodiscard]] std::string exclusion(std::string_view table, const std::vector<std::string>& columns,
                                    const std::function<bool(const std::string&)>& taken = {});
// CREATE INDEX without a name: <table>_<columns>_idx.
[[nodiscard]] std::string index(std::string_view table, const std::vector<std::string>& columns,
                                const std::function<bool(const std::string&)>& taken = {});
// FOREIGN KEY: <table>_<columns>_fkey.
[[nodiscard]] std::string foreign_key(std::string_view table,
                                      const std::vector<std::string>& columns,
                                      const std::function<bool(const std::string&)>& taken = {});
// CHECK: <table>_<column>_check when the expression uses exactly one column, <table>_check
// otherwise (no column).
[[nodiscard]] std::string check(std::string_view table, std::optional<std::string_view> column,
                                const std::function<bool(const std::string&)>& taken = {});
// serial / bigserial column: the sequence <table>_<column>_seq.
[[nodiscard]] std::string sequence(std::string_view table, std::string_view column,
                                   const std::function<bool(const std::string&)>& taken = {});

// Is `name` the automatic name `base` (as choose() makes it without a clash) or one of its
// numbered variants ("t_a_key", "t_a_key1", "t_a_key12"; the label's part grows as the number
// does, so the parts may be truncated differently)? `label` is base's label.
[[nodiscard]] bool is_numbered_variant(std::string_view name, std::string_view name1,
                                       std::optional<std::string_view> name2,
                                       std::string_view label);

}  // namespace schemagate::names
