// Diagnostics that the frontends and the engine emit themselves (no check function here):
// their facts, one definition each. The ids are listed, with every rule, in rules.def.
#include "rules/rules.hpp"

namespace schemagate::rules {

extern const RuleDef checklist_incomplete_rule{
    .id = "checklist-incomplete", .severity = Severity::error, .category = "process"};
extern const RuleDef dynamic_sql_rule{
    .id = "dynamic-sql", .severity = Severity::info, .category = "input", .blocks_analysis = true};
extern const RuleDef internal_error_rule{.id = "internal-error",
                                         .severity = Severity::error,
                                         .category = "input",
                                         .blocks_analysis = true};
extern const RuleDef invalid_encoding_rule{
    .id = "invalid-encoding", .severity = Severity::error, .category = "input"};
extern const RuleDef io_error_rule{
    .id = "io-error", .severity = Severity::error, .category = "input"};
extern const RuleDef modified_applied_migration_rule{
    .id = "modified-applied-migration", .severity = Severity::warning, .category = "graph"};
extern const RuleDef no_migrations_found_rule{
    .id = "no-migrations-found", .severity = Severity::error, .category = "input"};
extern const RuleDef other_database_rule{
    .id = "other-database", .severity = Severity::info, .category = "input"};
extern const RuleDef outside_history_rule{
    .id = "outside-history", .severity = Severity::info, .category = "input"};
extern const RuleDef syntax_error_rule{.id = "syntax-error",
                                       .severity = Severity::error,
                                       .category = "input",
                                       .blocks_analysis = true};
extern const RuleDef unknown_rule_rule{
    .id = "unknown-rule", .severity = Severity::warning, .category = "input"};
extern const RuleDef unused_ignore_rule{
    .id = "unused-ignore", .severity = Severity::info, .category = "input"};

}  // namespace schemagate::rules
