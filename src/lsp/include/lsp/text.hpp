// A document's text as LSP and the engine count it. LSP: 0-based lines and UTF-16 code units
// (a character outside the Basic Multilingual Plane is two); the engine: 1-based lines and
// code points, a byte order mark taking no column. Lines end at "\n", "\r\n" or a lone "\r" for
// both.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "schemagate/source.hpp"

namespace schemagate::lsp {

struct LspPosition {
  std::uint32_t line = 0;
  std::uint32_t character = 0;  // UTF-16 code units
  friend bool operator==(const LspPosition&, const LspPosition&) = default;
  friend auto operator<=>(const LspPosition&, const LspPosition&) = default;
};

class Text {
 public:
  explicit Text(std::string_view text);

  [[nodiscard]] std::string_view text() const { return text_; }
  [[nodiscard]] std::size_t line_count() const { return starts_.size(); }
  // Byte offsets of a 0-based line's start and of its end (before the line break).
  [[nodiscard]] std::size_t line_start(std::size_t line) const;
  [[nodiscard]] std::size_t line_end(std::size_t line) const;
  [[nodiscard]] std::string_view line_text(std::size_t line) const;
  // The 0-based line holding byte `offset`.
  [[nodiscard]] std::size_t line_of(std::size_t offset) const;

  // LSP position → byte offset, clamped as LSP asks: a character past the line's end is the
  // line's end, a line past the last is the end of the text; inside a surrogate pair, the
  // character's start.
  [[nodiscard]] std::size_t offset(std::int64_t line, std::int64_t character) const;
  [[nodiscard]] LspPosition position(std::size_t offset) const;

  // The engine's position (Diagnostic::begin/end) → byte offset, and → LSP position.
  [[nodiscard]] std::size_t offset(Position p) const;
  [[nodiscard]] LspPosition position(Position p) const { return position(offset(p)); }

  // The line break the text uses most ("\n" when it has none).
  [[nodiscard]] std::string_view line_break() const;

 private:
  std::string_view text_;
  std::vector<std::size_t> starts_;
  std::size_t bom_ = 0;
};

// The path of a file: URI ("file:///a%20b/c.py" → "/a b/c.py"); empty for any other URI.
[[nodiscard]] std::string path_from_uri(std::string_view uri);
// (A file: URI for an absolute path: report::file_uri.)

}  // namespace schemagate::lsp
