// Small helpers shared by rules.
#pragma once

#include <string>

#include "schemagate/rule.hpp"

namespace schemagate::rules {

// Writes "`name`" for messages.
inline std::string quoted(const std::string& name) { return "`" + name + "`"; }
inline std::string quoted(const QualifiedName& name) { return quoted(name.display()); }

// Is this step in the migration's upgrade, or in a downgrade that doesn't merely undo
// something the upgrade created? (Steps on tables new in this migration never count.)
inline bool on_existing_table(const Step& step) { return !step.table_is_new; }

}  // namespace schemagate::rules
