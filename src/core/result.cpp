// Names and descriptions of the error codes.
#include "core/result.hpp"

namespace soc {

std::string_view error_code_id(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return "invalid_argument";
    case ErrorCode::kNotFound:
      return "not_found";
    case ErrorCode::kParseError:
      return "parse_error";
    case ErrorCode::kNotAnAlert:
      return "not_an_alert";
    case ErrorCode::kTooLarge:
      return "too_large";
    case ErrorCode::kTooDeep:
      return "too_deep";
    case ErrorCode::kInvalidUtf8:
      return "invalid_utf8";
    case ErrorCode::kIoError:
      return "io_error";
    case ErrorCode::kStoreError:
      return "store_error";
    case ErrorCode::kConfigError:
      return "config_error";
    case ErrorCode::kIntegrityError:
      return "integrity_error";
    case ErrorCode::kTimeout:
      return "timeout";
    case ErrorCode::kRateLimited:
      return "rate_limited";
    case ErrorCode::kUpstreamError:
      return "upstream_error";
    case ErrorCode::kUnsupported:
      return "unsupported";
    case ErrorCode::kUnauthorized:
      return "unauthorized";
  }
  return "unknown";
}

std::string_view error_code_description(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return "an argument is out of its allowed range";
    case ErrorCode::kNotFound:
      return "the requested item does not exist";
    case ErrorCode::kParseError:
      return "the input is not well-formed";
    case ErrorCode::kNotAnAlert:
      return "the input is well-formed but holds no recognisable alert";
    case ErrorCode::kTooLarge:
      return "the input exceeds a size limit";
    case ErrorCode::kTooDeep:
      return "the input nests deeper than allowed";
    case ErrorCode::kInvalidUtf8:
      return "the input is not valid UTF-8";
    case ErrorCode::kIoError:
      return "a file or stream could not be read or written";
    case ErrorCode::kStoreError:
      return "the store rejected an operation";
    case ErrorCode::kConfigError:
      return "the configuration is invalid";
    case ErrorCode::kIntegrityError:
      return "stored data does not match its integrity record";
    case ErrorCode::kTimeout:
      return "an operation did not finish within its deadline";
    case ErrorCode::kRateLimited:
      return "an upstream service refused the call for rate limiting";
    case ErrorCode::kUpstreamError:
      return "an upstream service failed";
    case ErrorCode::kUnsupported:
      return "the operation is not supported here";
    case ErrorCode::kUnauthorized:
      return "the credentials were missing or refused";
  }
  return "unknown error";
}

}  // namespace soc
