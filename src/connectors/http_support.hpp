// What every pull connector does over HTTP: retries with backoff, status to error, credentials.
#pragma once
#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.hpp"
#include "intel_live/http.hpp"
#include "intel_live/secret.hpp"

namespace soc::connectors {

struct RetryPolicy {
  std::chrono::milliseconds timeout{60000};   // one attempt
  int max_retries = 3;                        // 429, 500/502/503/504, connection failures
  std::chrono::milliseconds backoff{500};     // first wait; doubles per retry
  std::chrono::milliseconds max_wait{60000};  // cap on one wait, a Retry-After included
  std::size_t max_response_bytes = 64u << 20;
};

// Sends `request`, retrying what a later attempt may fix: 429 (after Retry-After when it gives
// seconds), 500/502/503/504, and connections that failed or broke. Returns the last completed
// response whatever its status (the caller reads 2xx and names 4xx), or an error when no
// attempt completed. `who` names the connector in the error; no URL or header is ever quoted.
Result<live::HttpResponse> send_with_retries(live::HttpClient& http, live::HttpRequest request,
                                             const RetryPolicy& policy, std::string_view who);

// The error for a completed non-2xx response: 401/403 are kUnauthorized, 429 kRateLimited,
// the rest kUpstreamError. `detail` is the vendor's short reason, already scrubbed of secrets.
Error http_status_error(std::string_view who, int status, std::string_view detail);

bool is_success(int status);

std::string base64(std::string_view bytes);
// application/x-www-form-urlencoded body.
std::string form_encode(const std::vector<std::pair<std::string, std::string>>& fields);

// How a connector proves who it is. The secret is the API key, token or password.
struct Credentials {
  enum class Kind { kNone, kBasic, kApiKey, kBearer, kSplunkToken };
  Kind kind = Kind::kNone;
  std::string username;  // basic only
  live::Secret secret;
  // Adds the Authorization header (nothing for kNone).
  void apply(live::HttpRequest& request) const;
  // `text` with the secret and the header value built from it removed.
  std::string scrub(std::string text) const;
};

// At most `limit` bytes of vendor text for an error message, on one line.
std::string short_detail(std::string_view text, std::size_t limit = 300);

}  // namespace soc::connectors
