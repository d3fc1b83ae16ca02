// Code actions for a finding: an inline ignore on its line or in its file (the comment syntax
// of src/engine/suppress.cpp), and the rule's fix when it has a mechanical one. Each comes with
// alternatives; the server lints each result and offers the first that lints clean (the finding
// gone, nothing new), so that an action never breaks the file.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "lsp/text.hpp"
#include "schemagate/diagnostic.hpp"

namespace schemagate::lsp {

struct TextEdit {
  std::size_t begin = 0;  // byte offsets of the document
  std::size_t end = 0;
  std::string text;
};

struct Variant {
  std::string title;
  std::vector<TextEdit> edits;
};

struct Candidate {
  std::vector<Variant> variants;  // tried in order
  bool fix = false;               // the rule's fix (preferred), not an ignore
};

// The actions for `d`, a finding of `text` (an Alembic revision when `python`, else SQL).
[[nodiscard]] std::vector<Candidate> candidates(const Text& text, bool python, const Diagnostic& d);

// `text` with `edits` applied (each against the original text; they must not overlap).
[[nodiscard]] std::string apply_edits(std::string_view text, std::vector<TextEdit> edits);

}  // namespace schemagate::lsp
