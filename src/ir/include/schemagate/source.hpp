// Source text and position mapping: byte offsets to 1-based line:column.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace schemagate {

// A 1-based line and column. Columns count Unicode code points (characters), so tabs,
// CRLF line ends and multibyte UTF-8 never shift them.
struct Position {
  std::uint32_t line = 1;
  std::uint32_t column = 1;
  friend bool operator==(const Position&, const Position&) = default;
  friend auto operator<=>(const Position&, const Position&) = default;
};

// A half-open byte range [begin, end) in one source text.
struct ByteRange {
  std::size_t begin = 0;
  std::size_t end = 0;
  friend bool operator==(const ByteRange&, const ByteRange&) = default;
};

// Maps byte offsets of a text to positions. Line breaks are "\n", "\r\n" and a lone "\r",
// as editors count them. A UTF-8 byte order mark at the start takes no column.
class LineIndex {
 public:
  explicit LineIndex(std::string_view text);

  // The position of the byte at `offset` (clamped to the text's end).
  [[nodiscard]] Position position(std::size_t offset) const;
  // Byte offset of the start of 1-based `line` (the text's end past the last line).
  [[nodiscard]] std::size_t line_start(std::uint32_t line) const;
  // The text of 1-based `line`, without its line break.
  [[nodiscard]] std::string_view line_text(std::uint32_t line) const;
  [[nodiscard]] std::uint32_t line_count() const {
    return static_cast<std::uint32_t>(starts_.size());
  }

 private:
  std::string_view text_;
  std::vector<std::size_t> starts_;
  std::size_t bom_ = 0;  // bytes of a leading byte order mark
};

// The length of a UTF-8 byte order mark at the start of `text` (0 or 3).
[[nodiscard]] std::size_t bom_length(std::string_view text);

// Where the first invalid UTF-8 sequence begins, if any.
[[nodiscard]] std::optional<std::size_t> find_invalid_utf8(std::string_view text);

// Number of code points in `text` (which must be valid UTF-8).
[[nodiscard]] std::size_t count_code_points(std::string_view text);

// Byte offset of the `n`-th code point (0-based) of `text`, or text.size() past the end.
[[nodiscard]] std::size_t code_point_offset(std::string_view text, std::size_t n);

// A file read into memory, with its path as the user gave it.
struct SourceFile {
  std::string path;
  std::string text;
};

}  // namespace schemagate
