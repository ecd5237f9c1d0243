// HTTP seam of the live intel clients: requests run in parallel under one deadline, egress-guarded.
//
// Input: a batch of requests built from configured API roots. Output: one final response per
// request, delivered through a callback that may chain a follow-up request on the same slot (a
// retry after backoff, or the next candidate after a 404). Threading: run() may be called from
// several threads at once; each call drives its own transfers on the calling thread and invokes
// the callback there. Failure: every transport problem is a Transfer value, never an exception.
//
// Egress guard: only origins (scheme, host, port) registered in the EgressPolicy are contacted;
// TLS unless the registered root itself says http://; no redirect is ever followed (a 3xx is
// handed back as it is); no proxy from the environment is used unless one is configured.
// Nothing here logs; error texts name the failure, never the URL or a header.
#pragma once
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.hpp"

namespace soc::live {

using SteadyClock = std::chrono::steady_clock;
using SteadyTime = SteadyClock::time_point;
using Milliseconds = std::chrono::milliseconds;

struct HttpRequest {
  std::string method = "GET";  // GET or POST
  std::string url;             // may carry a key in its query (Shodan): never shown
  std::vector<std::pair<std::string, std::string>> headers;  // may carry a key: never shown
  std::string body;
  Milliseconds timeout{5000};   // this request alone; the batch deadline also applies
  Milliseconds start_delay{0};  // backoff before a retry starts
  std::size_t max_response_bytes = 8u << 20;
};

enum class Transfer : std::uint8_t {
  kCompleted,      // an HTTP status came back (any status, 3xx included)
  kTimedOut,       // the request's own timeout passed
  kDeadline,       // the batch deadline passed first
  kConnectFailed,  // resolve or connect failed: nothing was sent
  kInterrupted,    // the connection broke mid-exchange: truncated or empty reply
  kTooLarge,       // the body went over max_response_bytes
  kRefused,        // the egress guard refused the URL
  kFailed,         // anything else (TLS, protocol)
};
std::string_view to_string(Transfer transfer);
// Connection-level failures worth a retry (the server may be restarting).
bool is_transient(Transfer transfer);

struct HttpResponse {
  Transfer transfer = Transfer::kFailed;
  int status = 0;
  std::string body;
  std::string retry_after;  // the Retry-After header, verbatim
  std::string content_type;
  std::string error;  // what went wrong below HTTP; empty when completed
  Milliseconds elapsed{0};
};

// Scheme, host and port of an absolute http(s) URL, parsed by the same library that connects, so
// the guard and the transfer never disagree about where a URL goes.
struct Origin {
  std::string scheme;  // "https" or "http"
  std::string host;    // lower-case
  int port = 0;
  std::string text() const;  // "https://api.example:443"
  bool operator<(const Origin& other) const { return text() < other.text(); }
};
Result<Origin> origin_of(std::string_view url);

class EgressPolicy {
 public:
  // Registers the origin of a configured API root (https://..., or http://... when the operator
  // wrote http explicitly). Anything else is a configuration error.
  Status allow_root(std::string_view root_url);
  bool allows(std::string_view url) const;
  std::size_t size() const { return origins_.size(); }

 private:
  std::set<std::string> origins_;
};

class HttpClient {
 public:
  virtual ~HttpClient() = default;
  // Receives each slot's response as it finishes; returns the slot's next request, or nothing when
  // the slot is done. Called with Transfer::kDeadline for slots cut by the deadline (its return
  // value is then ignored).
  using Continue = std::function<std::optional<HttpRequest>(std::size_t slot, HttpResponse&)>;
  virtual void run(std::vector<HttpRequest> requests, SteadyTime deadline,
                   const Continue& next) = 0;
};

struct CurlClientOptions {
  std::string proxy;  // empty: direct connections (environment proxies are ignored)
  Milliseconds connect_timeout{3000};
  std::string user_agent = "soc-triage";
};
std::unique_ptr<HttpClient> make_curl_client(EgressPolicy policy, CurlClientOptions options = {});

// Percent-encodes one path segment or query value (RFC 3986 unreserved characters kept).
std::string url_encode(std::string_view text);

}  // namespace soc::live
