// The checklist of one migration (schemagate/checklist.hpp): its attestations, read
// from the text, what its operations need, and the items settled from both and from the
// migration's findings.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "schemagate/checklist.hpp"
#include "schemagate/rule.hpp"

namespace schemagate::checklist {

struct Attestation {
  std::string id;
  bool checked = false;  // [x]
  std::string note;      // after the colon
  ByteRange range;       // the line
};

// A migration's `Checklist:` block: in the Alembic docstring (or the comments above it), or in
// the SQL file's leading comments.
struct Block {
  bool found = false;
  ByteRange range;  // the `Checklist:` line
  std::vector<Attestation> entries;
};

[[nodiscard]] Block read_block(std::string_view text, bool python, ByteRange docstring);

// What the migration's upgrade does that makes items needed; each is empty when it doesn't.
struct Needs {
  std::string heavy;        // rewrites or scans an existing table, or touches a large one
  std::string destructive;  // drops or overwrites existing data
  std::string first_phase;  // starts a change that a later migration must finish
};

[[nodiscard]] Needs needs_of(std::span<const Step> steps, int pg_version);

// A checklist-incomplete finding, in the upgrade's file.
struct Incomplete {
  ByteRange range;
  std::string message;
  std::string help;
};

struct Settled {
  MigrationChecklist list;
  std::vector<Incomplete> incomplete;  // unmet required items and malformed attestations
};

// Settles every item. `findings` are the migration's findings (both of its files) after inline
// ignores, suppressed ones included; `lines` indexes the upgrade's text.
[[nodiscard]] Settled settle(const ChecklistOptions& options, const Block& block,
                             const Needs& needs, std::span<const Diagnostic> findings,
                             const LineIndex& lines, ByteRange fallback);

}  // namespace schemagate::checklist
