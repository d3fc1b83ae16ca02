// Reporters: turn findings into text for people or JSON for programs.
#pragma once

#include <ostream>
#include <string>
#include <string_view>

#include "schemagate/engine.hpp"

namespace schemagate {

struct TextOptions {
  bool color = false;
};

void write_text(std::ostream& out, const LintResult& result, const TextOptions& options);
void write_json(std::ostream& out, const LintResult& result);

}  // namespace schemagate
