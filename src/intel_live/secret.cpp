// Loading API keys from the environment or a file, and scrubbing them out of text.
#include "intel_live/secret.hpp"

#include <cstdlib>
#include <fstream>

#include "core/strings.hpp"
#include "intel_live/http.hpp"

namespace soc::live {
namespace {

constexpr std::string_view kRedacted = "[redacted]";

void replace_all(std::string& text, std::string_view needle) {
  if (needle.empty()) return;
  for (auto at = text.find(needle); at != std::string::npos;
       at = text.find(needle, at + kRedacted.size()))
    text.replace(at, needle.size(), kRedacted);
}

Result<Secret> checked(std::string value, const std::string& where) {
  value = std::string(trim(value));
  if (value.empty()) return fail(ErrorCode::kConfigError, where + " holds an empty API key");
  for (char c : value)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
      return fail(ErrorCode::kConfigError, where + " holds an API key with control characters");
  return Secret(std::move(value));
}

}  // namespace

std::string Secret::scrub(std::string text) const {
  if (value_.empty()) return text;
  replace_all(text, value_);
  const std::string encoded = url_encode(value_);
  if (encoded != value_) replace_all(text, encoded);
  return text;
}

Result<Secret> load_api_key(const std::string& env_name, const std::string& file_path) {
  if (!env_name.empty()) {
    const char* value = std::getenv(env_name.c_str());
    if (value != nullptr && *value != '\0')
      return checked(value, "environment variable " + env_name);
    if (file_path.empty())
      return fail(ErrorCode::kConfigError, "environment variable " + env_name + " is not set");
  }
  if (file_path.empty()) return Secret();
  std::ifstream in(file_path);
  if (!in) return fail(ErrorCode::kConfigError, "cannot read the API key file " + file_path);
  std::string line;
  std::getline(in, line);
  return checked(std::move(line), "API key file " + file_path);
}

}  // namespace soc::live
