// JSON-RPC over a byte stream, as LSP frames it: headers ("Content-Length: N"), an empty line,
// then N bytes of JSON. The reader never trusts the stream: a wrong length, a broken header,
// bytes between messages, malformed or too deeply nested JSON each become an error to answer,
// and reading goes on with the next message.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace schemagate::lsp {

using json = nlohmann::json;

// JSON-RPC 2.0 and LSP 3.17 error codes.
enum class ErrorCode : int {
  parse_error = -32700,
  invalid_request = -32600,
  method_not_found = -32601,
  invalid_params = -32602,
  internal_error = -32603,
  server_not_initialized = -32002,
  request_failed = -32803,
};

// What the reader got: a JSON value (not yet checked to be a JSON-RPC message), or an error.
struct Incoming {
  std::optional<json> message;
  ErrorCode code = ErrorCode::parse_error;  // when there is no message
  std::string error;
  json id;  // the id of the request that could not be read, when it was readable; else null
};

class MessageReader {
 public:
  static constexpr std::size_t kMaxBody = std::size_t{256} << 20U;  // bytes of one message
  static constexpr std::size_t kMaxHeader = 8192;                   // bytes of its headers
  static constexpr int kMaxDepth = 256;  // nesting of arrays and objects (LSP needs < 10)

  void feed(std::string_view bytes);

  // The next message, or the next error; nullopt when the bytes so far end inside a message.
  [[nodiscard]] std::optional<Incoming> next();

  // Called when no bytes came for a while. A message whose body is already complete JSON but
  // shorter than its Content-Length is answered with an error (instead of waiting for bytes
  // that will never come).
  [[nodiscard]] std::optional<Incoming> idle();

  // Bytes of a message that has begun but not ended are buffered.
  [[nodiscard]] bool partial() const { return pos_ < buffer_.size(); }

 private:
  std::optional<Incoming> body(std::size_t begin, std::size_t length);
  std::optional<Incoming> skip_junk();
  void compact();

  std::string buffer_;
  std::size_t pos_ = 0;  // the first byte not consumed
  // Headers read, body awaited: where it begins and its declared length.
  std::optional<std::pair<std::size_t, std::size_t>> awaiting_;
  bool quiet_ = false;  // bytes after a broken message are skipped without a second error
};

// A message as the stream carries it: headers and body.
[[nodiscard]] std::string frame(const json& message);

// The error response to a request (`id` null when it is not known).
[[nodiscard]] json error_response(const json& id, ErrorCode code, const std::string& message);

}  // namespace schemagate::lsp
