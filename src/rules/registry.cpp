// The rule registry: one explicit list, sorted by id (a test checks the order and that
// every rule has its doc in rules/<id>.md).
#include <algorithm>
#include <array>

#include "rules/rules.hpp"

namespace schemagate {

namespace {

using S = Severity;

constexpr std::array kRules = {
    RuleInfo{"adding-field-with-default", S::warning, "locks",
             "ADD COLUMN with a volatile default rewrites the whole table",
             &rules::adding_field_with_default},
    RuleInfo{"adding-not-nullable-field", S::warning, "locks",
             "SET NOT NULL scans the table under an ACCESS EXCLUSIVE lock",
             &rules::adding_not_nullable_field},
    RuleInfo{"adding-required-field", S::error, "locks",
             "ADD COLUMN NOT NULL without a default fails on a table with rows",
             &rules::adding_required_field},
    RuleInfo{"ban-concurrent-index-creation-in-transaction", S::error, "locks",
             "CONCURRENTLY index operations fail inside a transaction",
             &rules::ban_concurrent_index_creation_in_transaction},
    RuleInfo{"ban-drop-column", S::warning, "compatibility",
             "dropping a column breaks the running application", &rules::ban_drop_column},
    RuleInfo{"ban-drop-database", S::error, "compatibility", "DROP DATABASE in a migration",
             &rules::ban_drop_database},
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
    RuleInfo{"duplicate-migration-version", S::error, "graph",
             "two SQL migrations of one folder share a version", nullptr,
             &rules::duplicate_migration_version},
    RuleInfo{"duplicate-revision-id", S::error, "graph", "two files declare the same revision id",
             nullptr, &rules::duplicate_revision_id},
    RuleInfo{"dynamic-sql", S::info, "input", "SQL built at run time can't be checked", nullptr},
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
    RuleInfo{"renaming-column", S::warning, "compatibility",
             "renaming a column in one step breaks the running application",
             &rules::renaming_column},
    RuleInfo{"renaming-table", S::warning, "compatibility",
             "renaming a table in one step breaks the running application", &rules::renaming_table},
    RuleInfo{"require-concurrent-index-creation", S::warning, "locks",
             "CREATE INDEX without CONCURRENTLY blocks writes while it builds",
             &rules::require_concurrent_index_creation},
    RuleInfo{"require-concurrent-index-deletion", S::warning, "locks",
             "DROP INDEX without CONCURRENTLY blocks reads and writes",
             &rules::require_concurrent_index_deletion},
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
             nullptr},
    RuleInfo{"unused-ignore", S::info, "input", "an inline ignore that suppresses nothing",
             nullptr},
};

}  // namespace

std::span<const RuleInfo> all_rules() { return kRules; }

const RuleInfo* find_rule(std::string_view id) {
  auto it = std::lower_bound(kRules.begin(), kRules.end(), id,
                             [](const RuleInfo& r, std::string_view v) { return r.id < v; });
  return it != kRules.end() && it->id == id ? &*it : nullptr;
}

}  // namespace schemagate
