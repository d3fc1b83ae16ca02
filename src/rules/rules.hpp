// Every rule's check function. Registered, sorted by id, in registry.cpp.
#pragma once

#include "schemagate/rule.hpp"

namespace schemagate::rules {

void adding_field_with_default(RuleContext& ctx);
void adding_foreign_key_constraint(RuleContext& ctx);
void adding_not_nullable_field(RuleContext& ctx);
void adding_required_field(RuleContext& ctx);
void adding_serial_primary_key_field(RuleContext& ctx);
void ban_alter_domain_with_add_constraint(RuleContext& ctx);
void ban_char_field(RuleContext& ctx);
void ban_concurrent_index_creation_in_transaction(RuleContext& ctx);
void ban_create_domain_with_constraint(RuleContext& ctx);
void ban_drop_column(RuleContext& ctx);
void ban_drop_database(RuleContext& ctx);
void ban_drop_not_null(RuleContext& ctx);
void ban_drop_table(RuleContext& ctx);
void ban_truncate_cascade(RuleContext& ctx);
void ban_uncommitted_transaction(RuleContext& ctx);
void changing_column_type(RuleContext& ctx);
void constraint_missing_not_valid(RuleContext& ctx);
void disallowed_unique_constraint(RuleContext& ctx);
void identifier_too_long(RuleContext& ctx);
void incomplete_downgrade(RuleContext& ctx);
void missing_downgrade(RuleContext& ctx);
void mixed_schema_and_data(RuleContext& ctx);
void prefer_bigint_over_int(RuleContext& ctx);
void prefer_bigint_over_smallint(RuleContext& ctx);
void prefer_identity(RuleContext& ctx);
void prefer_jsonb(RuleContext& ctx);
void prefer_text_field(RuleContext& ctx);
void prefer_timestamptz(RuleContext& ctx);
void renaming_column(RuleContext& ctx);
void renaming_enum_value(RuleContext& ctx);
void renaming_table(RuleContext& ctx);
void require_concurrent_index_creation(RuleContext& ctx);
void require_concurrent_index_deletion(RuleContext& ctx);
void require_concurrent_reindex(RuleContext& ctx);
void require_lock_timeout(RuleContext& ctx);
void require_statement_timeout(RuleContext& ctx);
void revision_header_mismatch(RuleContext& ctx);
void transaction_nesting(RuleContext& ctx);
void unbatched_backfill(RuleContext& ctx);
void unsupported_operation(RuleContext& ctx);

// Graph rules: once per project.
void duplicate_migration_version(GraphContext& ctx);
void duplicate_revision_id(GraphContext& ctx);
void missing_parent_revision(GraphContext& ctx);
void multiple_heads(GraphContext& ctx);
void revision_cycle(GraphContext& ctx);

}  // namespace schemagate::rules
