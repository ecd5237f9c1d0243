// API keys held so they cannot be printed by accident, and scrubbed from any text that leaves.
#pragma once
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace soc::live {

// A credential. It has no stream operator and no formatter on purpose: the only way to the bytes
// is reveal(), which request builders call and nothing else should.
class Secret {
 public:
  Secret() = default;
  explicit Secret(std::string value) : value_(std::move(value)) {}

  bool empty() const { return value_.empty(); }
  const std::string& reveal() const { return value_; }
  // `text` with every occurrence of the secret (raw or percent-encoded) replaced by "[redacted]".
  // Applied to every error message, response body and URL before it is stored or shown, so a
  // vendor that echoes the key (or a transport error quoting the URL) cannot leak it.
  std::string scrub(std::string text) const;

 private:
  std::string value_;
};

// Reads a key from the environment variable `env_name` or, when that is empty, from the first
// line of `file_path` (surrounding whitespace dropped). Errors name the variable or the file,
// never the value. A key with control characters is refused: it would split an HTTP header.
Result<Secret> load_api_key(const std::string& env_name, const std::string& file_path);

}  // namespace soc::live
