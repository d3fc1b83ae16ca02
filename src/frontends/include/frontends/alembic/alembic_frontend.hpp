// The Alembic frontend: revision files (Python) → IR, statically, with tree-sitter.
// The Python is never imported or executed.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "schemagate/ir.hpp"

namespace schemagate::alembic {

// Reads project files for one-level helper-import resolution; nullopt if not readable.
using FileReader = std::function<std::optional<std::string>(const std::string& path)>;

struct AlembicOptions {
  // Imports of project helpers resolve to files below this folder (`from a.b import f`:
  // root/a/b.py or root/a/b/__init__.py; root/src/... too), below the folders above the
  // revision, or, for relative imports, from the revision's own folder.
  std::string project_root;
  FileReader read_file;  // may be empty: then imports are left unresolved
};

// A cheap test for discovery: does this Python text look like an Alembic revision (assigns
// `revision` and defines `upgrade` at the top level)?
[[nodiscard]] bool looks_like_revision(std::string_view text);

// Parses one revision file statically. Never throws, whatever the input; needs about 2 MiB
// of stack (deeper nesting than that allows is cut off with an unsupported-operation
// issue).
[[nodiscard]] Migration parse_file(const SourceFile& file, const AlembicOptions& options);

// The revision's header only (id, parents, branch labels, depends_on, the docstring header and
// their ranges), read from the module's top-level statements before its first function or
// class, or from the whole module when the revision variables come later. What parse_file
// gives for the same fields, at a fraction of the cost. Never throws.
[[nodiscard]] Migration read_revision_header(const SourceFile& file, const AlembicOptions& options);

// Reads a project's env.py statically, as Alembic would run it online against PostgreSQL:
// the settings it makes on the migration connection for every revision (SET executed through
// the connection or the context, `connect_args` options of the engine it creates), and
// context.configure(transaction_per_migration=...). What is conditional or not known
// statically is not guessed: such a SET does not count, such a transaction_per_migration is
// nullopt. Never throws; needs the stack parse_file needs.
[[nodiscard]] RunnerEnvironment read_environment(const SourceFile& env,
                                                 const AlembicOptions& options);

// Where the comments of a Python text are (for inline ignores).
[[nodiscard]] std::vector<ByteRange> comment_ranges(std::string_view text);

// The Python text's tokens without its comments and docstrings, one per line: two texts that
// differ only in comments, docstrings or white space give the same.
[[nodiscard]] std::string significant_tokens(std::string_view text);

}  // namespace schemagate::alembic
