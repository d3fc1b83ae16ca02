#include "lsp/protocol.hpp"

#include <algorithm>
#include <cctype>

namespace schemagate::lsp {

namespace {

constexpr std::string_view kContentLength = "content-length:";

bool iequals_prefix(std::string_view text, std::string_view lower_prefix) {
  if (text.size() < lower_prefix.size()) return false;
  for (std::size_t i = 0; i < lower_prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[i])) != lower_prefix[i]) return false;
  }
  return true;
}

// Is `text` the start (any case) of "Content-Length:" cut short by the end of the bytes so far?
bool starts_header(std::string_view text) {
  return text.size() < kContentLength.size() &&
         iequals_prefix(text, kContentLength.substr(0, text.size()));
}

// Where "Content-Length:" (any case) begins in `text` at or after `from`.
std::size_t find_content_length(std::string_view text, std::size_t from) {
  for (std::size_t i = from; i + kContentLength.size() <= text.size(); ++i) {
    if ((text[i] == 'C' || text[i] == 'c') && iequals_prefix(text.substr(i), kContentLength)) {
      return i;
    }
  }
  return std::string_view::npos;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

bool blank(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; });
}

// Nesting deeper than `limit` (outside strings)? nlohmann's values copy and compare
// recursively, so depth is refused before parsing.
bool too_deep(std::string_view body, int limit) {
  int depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < body.size(); ++i) {
    char c = body[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > limit) return true;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return false;
}

// The id of a request whose frame was wrong, to answer it.
json id_of(const json& value) {
  if (value.is_object()) {
    auto it = value.find("id");
    if (it != value.end() && (it->is_string() || it->is_number_integer())) return *it;
  }
  return nullptr;
}

Incoming error(ErrorCode code, std::string message, json id = nullptr) {
  Incoming in;
  in.code = code;
  in.error = std::move(message);
  in.id = std::move(id);
  return in;
}

}  // namespace

void MessageReader::feed(std::string_view bytes) {
  compact();
  buffer_.append(bytes);
}

void MessageReader::compact() {
  if (pos_ == 0) return;
  if (awaiting_) {
    awaiting_->first -= pos_;
  }
  buffer_.erase(0, pos_);
  pos_ = 0;
}

std::optional<Incoming> MessageReader::next() {
  for (;;) {
    if (awaiting_) {
      auto [begin, length] = *awaiting_;
      if (buffer_.size() - begin < length) return std::nullopt;
      awaiting_.reset();
      return body(begin, length);
    }
    while (pos_ < buffer_.size() && std::isspace(static_cast<unsigned char>(buffer_[pos_]))) ++pos_;
    if (pos_ == buffer_.size()) return std::nullopt;
    std::string_view rest = std::string_view(buffer_).substr(pos_);
    // A message starts with its headers: "Content-Length" or "Content-Type".
    if (!iequals_prefix(rest, "content-")) {
      if (starts_header(rest)) return std::nullopt;
      if (auto junk = skip_junk()) return junk;
      continue;
    }
    std::size_t crlf = rest.find("\r\n\r\n");
    std::size_t lf = rest.find("\n\n");
    std::size_t end = std::min(crlf, lf);
    if (end == std::string_view::npos) {
      if (rest.size() <= kMaxHeader) return std::nullopt;
      ++pos_;  // not a header after all: look for the next one
      quiet_ = false;
      if (auto junk = skip_junk()) return junk;
      continue;
    }
    std::size_t body_begin = pos_ + end + (end == crlf ? 4 : 2);
    std::string_view headers = rest.substr(0, end);
    std::optional<std::size_t> length;
    std::string problem;
    while (!headers.empty() && problem.empty()) {
      std::size_t nl = headers.find('\n');
      std::string_view line = trim(headers.substr(0, nl));
      headers = nl == std::string_view::npos ? std::string_view() : headers.substr(nl + 1);
      std::size_t colon = line.find(':');
      if (colon == std::string_view::npos) {
        problem = "a header line without ':'";
        break;
      }
      if (!iequals_prefix(line, kContentLength)) continue;  // Content-Type and others
      std::string_view value = trim(line.substr(colon + 1));
      if (value.empty() || value.size() > 12 ||
          !std::all_of(value.begin(), value.end(),
                       [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; })) {
        problem =
            "Content-Length is not a number of bytes: '" + std::string(value.substr(0, 40)) + "'";
        break;
      }
      std::size_t n = std::stoull(std::string(value));
      if (length && *length != n) problem = "two different Content-Length headers";
      length = n;
    }
    if (problem.empty() && !length) problem = "a message without a Content-Length header";
    if (problem.empty() && *length > kMaxBody) {
      problem = "a message of " + std::to_string(*length) + " bytes: more than " +
                std::to_string(kMaxBody >> 20U) + " MiB is not read";
    }
    if (!problem.empty()) {
      // The body, if any, is skipped as bytes between messages.
      pos_ = body_begin;
      quiet_ = true;
      return error(ErrorCode::parse_error, problem);
    }
    pos_ = body_begin;
    awaiting_ = {body_begin, *length};
  }
}

std::optional<Incoming> MessageReader::skip_junk() {
  std::size_t next = find_content_length(buffer_, pos_ + 1);
  std::size_t from = pos_;
  if (next == std::string_view::npos) {
    // Keep a tail that may be the start of the next header.
    next = std::max(pos_ + 1, buffer_.size() - std::min(buffer_.size(), kContentLength.size()));
    while (next < buffer_.size() && !starts_header(std::string_view(buffer_).substr(next))) ++next;
  }
  pos_ = next;
  std::string_view skipped = std::string_view(buffer_).substr(from, next - from);
  if (quiet_ || blank(skipped)) return std::nullopt;
  quiet_ = true;
  return error(ErrorCode::parse_error,
               "skipped " + std::to_string(skipped.size()) +
                   " bytes outside any message (a message starts with a Content-Length header)");
}

std::optional<Incoming> MessageReader::body(std::size_t begin, std::size_t length) {
  std::string_view text = std::string_view(buffer_).substr(begin, length);
  pos_ = begin + length;
  quiet_ = false;
  auto parse = [](std::string_view t, std::string& why) -> std::optional<json> {
    if (too_deep(t, kMaxDepth)) {
      why = "JSON nested more than " + std::to_string(kMaxDepth) + " levels deep";
      return std::nullopt;
    }
    try {
      return json::parse(t);
    } catch (const json::exception& e) {
      why = e.what();
      return std::nullopt;
    }
  };
  std::string why;
  if (auto value = parse(text, why)) {
    Incoming in;
    in.message = std::move(*value);
    return in;
  }
  // A Content-Length larger than the message swallows the next one: cut where its header
  // starts, and read that message next.
  std::size_t next = find_content_length(text, 1);
  if (next != std::string_view::npos) {
    pos_ = begin + next;
    std::string ignored;
    auto first = parse(text.substr(0, next), ignored);
    return error(ErrorCode::parse_error,
                 "Content-Length is " + std::to_string(length) +
                     " but the next message starts after " + std::to_string(next) + " bytes",
                 first ? id_of(*first) : json(nullptr));
  }
  quiet_ = true;  // what follows a message cut short is its end: skipped without a second error
  return error(ErrorCode::parse_error, "malformed JSON (or a wrong Content-Length): " + why);
}

std::optional<Incoming> MessageReader::idle() {
  if (!awaiting_) return std::nullopt;
  auto [begin, length] = *awaiting_;
  std::string_view got = std::string_view(buffer_).substr(begin);
  if (blank(got) || too_deep(got, kMaxDepth) || !json::accept(got)) return std::nullopt;
  awaiting_.reset();
  pos_ = buffer_.size();
  json value = json::parse(got, nullptr, false);
  return error(ErrorCode::parse_error,
               "Content-Length is " + std::to_string(length) + " but the message has " +
                   std::to_string(got.size()) + " bytes and no more came",
               id_of(value));
}

std::string frame(const json& message) {
  std::string body = message.dump(-1, ' ', false, json::error_handler_t::replace);
  return "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

json error_response(const json& id, ErrorCode code, const std::string& message) {
  return {{"jsonrpc", "2.0"},
          {"id", id},
          {"error", {{"code", static_cast<int>(code)}, {"message", message}}}};
}

}  // namespace schemagate::lsp
