// Retrying requests, status errors and Authorization headers shared by the pull connectors.
#include "connectors/http_support.hpp"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

#include "core/strings.hpp"

namespace soc::connectors {
namespace {

bool retryable_status(int status) {
  return status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
}

bool retryable_transfer(live::Transfer transfer) {
  return live::is_transient(transfer) || transfer == live::Transfer::kTimedOut;
}

// Retry-After in delta-seconds; an HTTP-date (or nothing) falls back to our own backoff.
std::optional<std::chrono::milliseconds> retry_after(std::string_view header) {
  header = trim(header);
  long long seconds = 0;
  const auto [end, ec] = std::from_chars(header.data(), header.data() + header.size(), seconds);
  if (ec != std::errc() || end != header.data() + header.size() || seconds < 0) return std::nullopt;
  return std::chrono::milliseconds(std::min<long long>(seconds, 86400) * 1000);
}

}  // namespace

bool is_success(int status) {
  return status >= 200 && status < 300;
}

Result<live::HttpResponse> send_with_retries(live::HttpClient& http, live::HttpRequest request,
                                             const RetryPolicy& policy, std::string_view who) {
  request.timeout = policy.timeout;
  request.max_response_bytes = policy.max_response_bytes;
  request.start_delay = std::chrono::milliseconds(0);
  const int retries = std::max(0, policy.max_retries);
  // Every attempt may use its whole timeout and every wait its cap: the deadline never cuts
  // an attempt the policy allows.
  const auto budget = (policy.timeout + policy.max_wait) * (retries + 1);
  live::HttpResponse final_response;
  int attempt = 0;
  auto backoff = policy.backoff;
  http.run({request}, live::SteadyClock::now() + budget,
           [&](std::size_t, live::HttpResponse& response) -> std::optional<live::HttpRequest> {
             final_response = std::move(response);
             const bool completed = final_response.transfer == live::Transfer::kCompleted;
             const bool again = completed ? retryable_status(final_response.status)
                                          : retryable_transfer(final_response.transfer);
             if (!again || attempt >= retries) return std::nullopt;
             ++attempt;
             auto wait = backoff;
             if (completed && final_response.status == 429)
               if (auto hinted = retry_after(final_response.retry_after)) wait = *hinted;
             backoff *= 2;
             live::HttpRequest next = request;
             next.start_delay = std::min(wait, policy.max_wait);
             return next;
           });
  if (final_response.transfer == live::Transfer::kCompleted) return final_response;
  const ErrorCode code = final_response.transfer == live::Transfer::kTimedOut ||
                                 final_response.transfer == live::Transfer::kDeadline
                             ? ErrorCode::kTimeout
                         : final_response.transfer == live::Transfer::kTooLarge
                             ? ErrorCode::kTooLarge
                             : ErrorCode::kUpstreamError;
  return fail(code, fmt::format("{}: request failed after {} attempt{} ({}: {})", who, attempt + 1,
                                attempt == 0 ? "" : "s", live::to_string(final_response.transfer),
                                final_response.error));
}

Error http_status_error(std::string_view who, int status, std::string_view detail) {
  std::string message;
  ErrorCode code = ErrorCode::kUpstreamError;
  if (status == 401 || status == 403) {
    code = ErrorCode::kUnauthorized;
    message = fmt::format(
        "{}: the credentials were refused (HTTP {}); check the configured "
        "secret and its permissions",
        who, status);
  } else if (status == 429) {
    code = ErrorCode::kRateLimited;
    message = fmt::format("{}: still rate limited (HTTP 429) after the retries", who);
  } else {
    message = fmt::format("{}: HTTP {}", who, status);
  }
  if (!detail.empty()) message += fmt::format(" ({})", detail);
  return Error{code, std::move(message)};
}

std::string base64(std::string_view bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const unsigned v = (static_cast<unsigned char>(bytes[i]) << 16) |
                       (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                       static_cast<unsigned char>(bytes[i + 2]);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (i < bytes.size()) {
    unsigned v = static_cast<unsigned char>(bytes[i]) << 16;
    const bool two = i + 1 < bytes.size();
    if (two) v |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += two ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::string form_encode(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string out;
  for (const auto& [name, value] : fields) {
    if (!out.empty()) out += '&';
    out += live::url_encode(name);
    out += '=';
    out += live::url_encode(value);
  }
  return out;
}

void Credentials::apply(live::HttpRequest& request) const {
  switch (kind) {
    case Kind::kNone:
      return;
    case Kind::kBasic:
      request.headers.emplace_back("Authorization",
                                   "Basic " + base64(username + ":" + secret.reveal()));
      return;
    case Kind::kApiKey:
      request.headers.emplace_back("Authorization", "ApiKey " + secret.reveal());
      return;
    case Kind::kBearer:
      request.headers.emplace_back("Authorization", "Bearer " + secret.reveal());
      return;
    case Kind::kSplunkToken:
      request.headers.emplace_back("Authorization", "Splunk " + secret.reveal());
      return;
  }
}

std::string Credentials::scrub(std::string text) const {
  text = secret.scrub(std::move(text));
  if (kind == Kind::kBasic && !secret.empty())
    text = live::Secret(base64(username + ":" + secret.reveal())).scrub(std::move(text));
  return text;
}

std::string short_detail(std::string_view text, std::size_t limit) {
  std::string out;
  for (char c : text.substr(0, limit)) out += (c == '\n' || c == '\r' || c == '\t') ? ' ' : c;
  out = std::string(trim(out));
  if (text.size() > limit) out += "...";
  return sanitize_utf8(out);
}

}  // namespace soc::connectors
