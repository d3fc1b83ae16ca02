// The rule registry: one explicit list, sorted by id (a test checks the order and that
// every rule has its doc in rules/<id>.md).
#include <algorithm>
#include <array>
#include <string>
#include <vector>

#include "rules/rules.hpp"

namespace schemagate {

namespace {

using S = Severity;

constexpr std::array kRules = {
    RuleInfo{"adding-field-with-default", S::warning, "locks",
             "ADD COLUMN with a volatile default rewrites the whole table",
             &rules::adding_field_with_default},
    RuleInfo{
        "adding-foreign-key-constraint", S::warning, "locks",
        "ADD FOREIGN KEY without NOT VALID blocks writes to both tables while it checks every row",
        &rules::adding_foreign_key_constraint},
    RuleInfo{"adding-not-nullable-field", S::warning, "locks",
             "SET NOT NULL scans the table under an ACCESS EXCLUSIVE lock",
             &rules::adding_not_nullable_field},
    RuleInfo{"adding-required-field", S::error, "locks",
             "ADD COLUMN NOT NULL without a default fails on a table with rows",
             &rules::adding_required_field},
    RuleInfo{"adding-serial-primary-key-field", S::warning, "locks",
             "adding a primary key builds its index under an ACCESS EXCLUSIVE lock",
             &rules::adding_serial_primary_key_field},
    RuleInfo{"ban-alter-domain-with-add-constraint", S::info, "types",
             "ALTER DOMAIN ADD CONSTRAINT checks every column that uses the domain",
             &rules::ban_alter_domain_with_add_constraint},
    RuleInfo{"ban-char-field", S::info, "types",
             "a new char(n) column: padded with spaces, no faster than text",
             &rules::ban_char_field},
    RuleInfo{"ban-concurrent-index-creation-in-transaction", S::error, "locks",
             "CONCURRENTLY index operations fail inside a transaction",
             &rules::ban_concurrent_index_creation_in_transaction},
    RuleInfo{"ban-create-domain-with-constraint", S::info, "types",
             "CREATE DOMAIN with a constraint: hard to change later",
             &rules::ban_create_domain_with_constraint},
    RuleInfo{"ban-drop-column", S::warning, "compatibility",
             "dropping a column breaks the running application", &rules::ban_drop_column},
    RuleInfo{"ban-drop-database", S::error, "compatibility", "DROP DATABASE in a migration",
             &rules::ban_drop_database},
    RuleInfo{"ban-drop-not-null", S::warning, "compatibility",
             "DROP NOT NULL breaks code that assumes the column is never NULL",
             &rules::ban_drop_not_null},
    RuleInfo{"ban-drop-table", S::warning, "compatibility",
             "dropping a table breaks the running application", &rules::ban_drop_table},
    RuleInfo{"ban-truncate-cascade", S::error, "compatibility",
             "TRUNCATE CASCADE empties every table that references this one",
             &rules::ban_truncate_cascade},
    RuleInfo{"ban-uncommitted-transaction", S::error, "process",
             "a transaction is opened and never committed", &rules::ban_uncommitted_transaction},
    RuleInfo{"changing-column-type", S::warning, "locks",
             "ALTER COLUMN TYPE rewrites the table under an ACCESS EXCLUSIVE lock",
             &rules::changing_column_type},
    // Settled by the engine after the rules and inline ignores (src/engine/checklist.cpp).
    RuleInfo{"checklist-incomplete", S::error, "process",
             "a required item of the team's migration checklist is unmet", nullptr},
    RuleInfo{"constraint-missing-not-valid", S::warning, "locks",
             "a CHECK or FOREIGN KEY without NOT VALID checks every row under a lock",
             &rules::constraint_missing_not_valid},
    RuleInfo{"disallowed-unique-constraint", S::warning, "locks",
             "ADD UNIQUE builds its index under an ACCESS EXCLUSIVE lock",
             &rules::disallowed_unique_constraint},
    RuleInfo{"duplicate-migration-version", S::error, "graph",
             "two SQL migrations of one folder share a version", nullptr,
             &rules::duplicate_migration_version},
    RuleInfo{"duplicate-revision-id", S::error, "graph", "two files declare the same revision id",
             nullptr, &rules::duplicate_revision_id},
    RuleInfo{"dynamic-sql", S::info, "input", "SQL built at run time can't be checked", nullptr},
    RuleInfo{"identifier-too-long", S::warning, "types",
             "a name over 63 bytes is silently truncated", &rules::identifier_too_long},
    RuleInfo{"incomplete-downgrade", S::warning, "reversibility",
             "the downgrade leaves a change of the upgrade in place", &rules::incomplete_downgrade},
    RuleInfo{"internal-error", S::error, "input",
             "a rule failed on this input (a bug in schemagate)", nullptr},
    RuleInfo{"invalid-encoding", S::error, "input", "a binary or non-UTF-8 file can't be linted",
             nullptr},
    RuleInfo{"io-error", S::error, "input", "a path can't be read", nullptr},
    RuleInfo{"missing-downgrade", S::error, "reversibility", "the migration can't be rolled back",
             &rules::missing_downgrade},
    RuleInfo{"missing-parent-revision", S::error, "graph",
             "down_revision names a revision that doesn't exist", nullptr,
             &rules::missing_parent_revision},
    RuleInfo{"mixed-schema-and-data", S::warning, "process",
             "one migration changes both schema and data", &rules::mixed_schema_and_data},
    RuleInfo{"modified-applied-migration", S::warning, "graph",
             "a migration that existed at the --since base was edited", nullptr},
    RuleInfo{"multiple-heads", S::error, "graph", "more than one head revision and no merge",
             nullptr, &rules::multiple_heads},
    RuleInfo{"no-migrations-found", S::error, "input",
             "a path named for linting holds no migration", nullptr},
    RuleInfo{"outside-history", S::info, "input",
             "a .sql file without a number among numbered migrations is linted alone", nullptr},
    RuleInfo{"prefer-bigint-over-int", S::info, "types",
             "a new integer column overflows at 2^31 and is costly to widen",
             &rules::prefer_bigint_over_int},
    RuleInfo{"prefer-bigint-over-smallint", S::info, "types",
             "a new smallint column overflows at 32,767 and is costly to widen",
             &rules::prefer_bigint_over_smallint},
    RuleInfo{"prefer-identity", S::info, "types",
             "a new serial column: use an identity column instead", &rules::prefer_identity},
    RuleInfo{"prefer-jsonb", S::info, "types",
             "a new json column: jsonb can be compared and indexed", &rules::prefer_jsonb},
    RuleInfo{"prefer-text-field", S::info, "types",
             "a new varchar(n) column: raising the limit later locks the table",
             &rules::prefer_text_field},
    RuleInfo{"prefer-timestamptz", S::warning, "types", "a new timestamp without time zone column",
             &rules::prefer_timestamptz},
    RuleInfo{"renaming-column", S::warning, "compatibility",
             "renaming a column in one step breaks the running application",
             &rules::renaming_column},
    RuleInfo{"renaming-enum-value", S::warning, "compatibility",
             "renaming an enum value breaks code that still uses the old value",
             &rules::renaming_enum_value},
    RuleInfo{"renaming-table", S::warning, "compatibility",
             "renaming a table in one step breaks the running application", &rules::renaming_table},
    RuleInfo{"require-concurrent-index-creation", S::warning, "locks",
             "CREATE INDEX without CONCURRENTLY blocks writes while it builds",
             &rules::require_concurrent_index_creation},
    RuleInfo{"require-concurrent-index-deletion", S::warning, "locks",
             "DROP INDEX without CONCURRENTLY blocks reads and writes",
             &rules::require_concurrent_index_deletion},
    RuleInfo{"require-concurrent-reindex", S::warning, "locks",
             "REINDEX without CONCURRENTLY blocks writes while it rebuilds",
             &rules::require_concurrent_reindex},
    RuleInfo{"require-lock-timeout", S::warning, "locks",
             "a statement taking a strong lock on an existing table with no lock_timeout set",
             &rules::require_lock_timeout},
    RuleInfo{"require-statement-timeout", S::info, "locks",
             "a statement taking a strong lock runs with no statement_timeout",
             &rules::require_statement_timeout, nullptr, true},
    RuleInfo{"revision-cycle", S::error, "graph", "the revisions' parents form a cycle", nullptr,
             &rules::revision_cycle},
    RuleInfo{"revision-header-mismatch", S::warning, "graph",
             "the docstring header disagrees with revision/down_revision",
             &rules::revision_header_mismatch},
    RuleInfo{"syntax-error", S::error, "input", "the migration does not parse", nullptr},
    RuleInfo{"transaction-nesting", S::warning, "process",
             "BEGIN/COMMIT inside a transaction the runner already manages",
             &rules::transaction_nesting},
    RuleInfo{"unbatched-backfill", S::warning, "process",
             "UPDATE or DELETE of a whole existing table in one statement",
             &rules::unbatched_backfill},
    RuleInfo{"unknown-rule", S::warning, "input",
             "an ignore or the configuration names a rule that doesn't exist", nullptr},
    RuleInfo{"unsupported-operation", S::info, "input", "an operation the analyser does not model",
             &rules::unsupported_operation},
    RuleInfo{"unused-ignore", S::info, "input", "an inline ignore that suppresses nothing",
             nullptr},
};

}  // namespace

std::span<const RuleInfo> all_rules() { return kRules; }

std::optional<std::string_view> closest_rule(std::string_view id) {
  // Levenshtein distance, one row at a time.
  auto distance = [](std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
      std::size_t diagonal = row[0];
      row[0] = i;
      for (std::size_t j = 1; j <= b.size(); ++j) {
        std::size_t up = row[j];
        row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1] ? 1 : 0)});
        diagonal = up;
      }
    }
    return row[b.size()];
  };
  std::optional<std::string_view> best;
  std::size_t best_distance = std::max<std::size_t>(2, id.size() / 4) + 1;
  for (const RuleInfo& r : kRules) {
    std::size_t d = distance(id, r.id);
    // A prefix of a rule id (`require-concurrent`) also points at it.
    if (r.id.starts_with(id) && id.size() >= 6) d = std::min<std::size_t>(d, 1);
    if (d < best_distance) {
      best_distance = d;
      best = r.id;
    }
  }
  return best;
}

std::string unknown_rule_message(std::string_view id) {
  std::string out = "unknown rule '" + std::string(id) + "' (";
  if (auto near = closest_rule(id)) out += "did you mean '" + std::string(*near) + "'? ";
  return out + "see `schemagate rules`)";
}

const RuleInfo* find_rule(std::string_view id) {
  auto it = std::lower_bound(kRules.begin(), kRules.end(), id,
                             [](const RuleInfo& r, std::string_view v) { return r.id < v; });
  return it != kRules.end() && it->id == id ? &*it : nullptr;
}

}  // namespace schemagate
