// Errors as values at module boundaries: a closed set of codes with stable ids, and Result<T>.
#pragma once
#include <expected>
#include <string>
#include <string_view>
#include <utility>

namespace soc {

// Stable ids: they appear in logs, the quarantine table and the audit trail. Append only.
enum class ErrorCode {
  kInvalidArgument = 1,
  kNotFound = 2,
  kParseError = 3,  // input is not valid JSON / CSV / YAML
  kNotAnAlert = 4,  // valid JSON that no normalizer recognises
  kTooLarge = 5,    // over a configured size limit
  kTooDeep = 6,     // nesting over the limit
  kInvalidUtf8 = 7,
  kIoError = 8,
  kStoreError = 9,
  kConfigError = 10,
  kIntegrityError = 11,  // audit chain or stored record does not verify
  kTimeout = 12,
  kRateLimited = 13,
  kUpstreamError = 14,
  kUnsupported = 15,
  kUnauthorized = 16,  // credentials missing or refused (ours or an upstream's)
};

std::string_view error_code_id(ErrorCode code);           // "parse_error"
std::string_view error_code_description(ErrorCode code);  // one line for people

struct Error {
  ErrorCode code;
  std::string message;
};

template <class T>
using Result = std::expected<T, Error>;
using Status = std::expected<void, Error>;

inline std::unexpected<Error> fail(ErrorCode code, std::string message) {
  return std::unexpected<Error>(Error{code, std::move(message)});
}

}  // namespace soc
