#include "lsp/text.hpp"

#include <algorithm>
#include <cctype>

namespace schemagate::lsp {

namespace {

// Bytes of the UTF-8 sequence that starts with `lead` (1 for a stray byte).
std::size_t sequence_length(unsigned char lead) {
  if (lead >= 0xF0 && lead < 0xF8) return 4;
  if (lead >= 0xE0 && lead < 0xF0) return 3;
  if (lead >= 0xC0 && lead < 0xE0) return 2;
  return 1;
}

}  // namespace

Text::Text(std::string_view text) : text_(text), bom_(bom_length(text)) {
  starts_.push_back(0);
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r') {
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
      starts_.push_back(i + 1);
    } else if (text[i] == '\n') {
      starts_.push_back(i + 1);
    }
  }
}

std::size_t Text::line_start(std::size_t line) const {
  return line < starts_.size() ? starts_[line] : text_.size();
}

std::size_t Text::line_end(std::size_t line) const {
  if (line + 1 >= starts_.size()) return text_.size();  // the last line has no line break
  std::size_t next = starts_[line + 1];
  if (text_[next - 1] == '\n' && next - 1 > starts_[line] && text_[next - 2] == '\r')
    return next - 2;
  return next - 1;
}

std::string_view Text::line_text(std::size_t line) const {
  std::size_t b = line_start(line);
  return text_.substr(b, line_end(line) - b);
}

std::size_t Text::line_of(std::size_t offset) const {
  auto it = std::upper_bound(starts_.begin(), starts_.end(), offset);
  return static_cast<std::size_t>(it - starts_.begin()) - 1;
}

std::size_t Text::offset(std::int64_t line, std::int64_t character) const {
  if (line < 0) return 0;
  if (static_cast<std::uint64_t>(line) >= starts_.size()) return text_.size();
  auto l = static_cast<std::size_t>(line);
  std::size_t at = starts_[l];
  std::size_t end = line_end(l);
  std::int64_t units = 0;
  while (at < end && units < character) {
    std::size_t n = std::min(sequence_length(static_cast<unsigned char>(text_[at])), end - at);
    std::int64_t u = n == 4 ? 2 : 1;
    if (units + u > character) break;  // inside a surrogate pair
    units += u;
    at += n;
  }
  return at;
}

LspPosition Text::position(std::size_t offset) const {
  offset = std::min(offset, text_.size());
  std::size_t line = line_of(offset);
  std::size_t at = starts_[line];
  std::size_t end = std::min(offset, line_end(line));
  std::uint32_t units = 0;
  while (at < end) {
    std::size_t n = sequence_length(static_cast<unsigned char>(text_[at]));
    units += n == 4 ? 2 : 1;
    at += n;
  }
  return {static_cast<std::uint32_t>(line), units};
}

std::size_t Text::offset(Position p) const {
  std::size_t line = p.line >= 1 ? p.line - 1 : 0;
  if (line >= starts_.size()) return text_.size();
  std::size_t at = line == 0 ? bom_ : starts_[line];
  std::size_t end = line_end(line);
  for (std::uint32_t c = 1; c < p.column && at < end; ++c) {
    at += std::min(sequence_length(static_cast<unsigned char>(text_[at])), end - at);
  }
  return at;
}

std::string_view Text::line_break() const {
  std::size_t crlf = 0;
  std::size_t lf = 0;
  for (std::size_t i = 1; i < starts_.size(); ++i) {
    std::size_t s = starts_[i];
    if (text_[s - 1] == '\n') {
      (s >= 2 && text_[s - 2] == '\r' ? crlf : lf) += 1;
    }
  }
  return crlf > lf ? "\r\n" : "\n";
}

std::string path_from_uri(std::string_view uri) {
  constexpr std::string_view kScheme = "file://";
  if (uri.size() < kScheme.size()) return {};
  for (std::size_t i = 0; i < kScheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(uri[i])) != kScheme[i]) return {};
  }
  std::string_view rest = uri.substr(kScheme.size());
  if (rest.starts_with("localhost/")) rest.remove_prefix(9);
  if (!rest.starts_with("/")) return {};  // another host
  if (auto q = rest.find_first_of("?#"); q != std::string_view::npos) rest = rest.substr(0, q);
  std::string out;
  for (std::size_t i = 0; i < rest.size(); ++i) {
    if (rest[i] == '%' && i + 2 < rest.size() &&
        std::isxdigit(static_cast<unsigned char>(rest[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(rest[i + 2]))) {
      out += static_cast<char>(std::stoi(std::string(rest.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += rest[i];
    }
  }
  if (out.find('\0') != std::string::npos) return {};
  return out;
}

}  // namespace schemagate::lsp
