// Small helpers shared by rules.
#pragma once

#include <string>

#include "schemagate/rule.hpp"

namespace schemagate::rules {

// Writes "`name`" for messages.
inline std::string quoted(const std::string& name) { return "`" + name + "`"; }
inline std::string quoted(const QualifiedName& name) { return quoted(name.display()); }
inline std::string quoted(const QualifiedName& table, const std::string& column) {
  return quoted(table.display() + "." + column);
}

// Lock and rewrite rules: the table existed before this migration.
inline bool on_existing_table(const Step& step) { return !step.table_is_new; }

// Destructive and compatibility rules: the table, column, index or constraint existed
// before this migration (dropping what the migration itself created, e.g. in a downgrade
// undoing its upgrade, harms nobody).
inline bool on_existing_object(const Step& step) {
  return !step.table_is_new && !step.object_is_new;
}

// Did the frontend fail to parse part of the migration?
inline bool has_syntax_error(const Migration& m) {
  for (const FrontendIssue& issue : m.issues) {
    if (issue.rule == "syntax-error") return true;
  }
  return false;
}

}  // namespace schemagate::rules
