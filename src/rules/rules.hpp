// Every rule's definition, declared from the one sorted list (rules.def). A rule's file
// defines its `<name>_rule`; the registry (registry.cpp) collects them in list order.
#pragma once

#include "schemagate/rule.hpp"

namespace schemagate::rules {

#define SCHEMAGATE_RULE(name) extern const RuleDef name##_rule;
#include "rules/rules.def"
#undef SCHEMAGATE_RULE

}  // namespace schemagate::rules
