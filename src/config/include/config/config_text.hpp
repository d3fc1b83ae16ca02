// Parsing a configuration from text already in memory (load_config reads the file and calls
// this; the fuzz target calls it directly). Internal to the engine.
#pragma once

#include <string>
#include <string_view>

#include "schemagate/config.hpp"

namespace schemagate {

// Reads `text` as the configuration file `path`: pyproject.toml's [tool.schemagate] when the
// file is named pyproject.toml, YAML otherwise. Errors carry `path` and a line:column.
[[nodiscard]] ConfigResult parse_config_text(const std::string& path, std::string_view text);

}  // namespace schemagate
