// The HTTP intake API on cpp-httplib.
#include "serve/webhook.hpp"

#include <fmt/format.h>
#include <httplib.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <charconv>
#include <chrono>
#include <nlohmann/json.hpp>

#include "core/sha256.hpp"

namespace soc::serve {
namespace {

constexpr const char* kJson = "application/json";

std::string hex(const unsigned char* data, std::size_t size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (std::size_t i = 0; i < size; ++i) {
    out += kDigits[data[i] >> 4];
    out += kDigits[data[i] & 0xF];
  }
  return out;
}

// Equal-length digests compared in constant time, so neither content nor length leaks.
bool same_secret(std::string_view given, const std::string& expected_digest) {
  const std::string digest = sha256_hex(given);
  return digest.size() == expected_digest.size() &&
         CRYPTO_memcmp(digest.data(), expected_digest.data(), digest.size()) == 0;
}

void reply(httplib::Response& res, int status, const nlohmann::json& body) {
  res.status = status;
  res.set_content(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), kJson);
}

void reply_error(httplib::Response& res, int status, std::string_view code,
                 std::string_view message) {
  reply(res, status, nlohmann::json{{"error", code}, {"message", message}});
}

struct ListenAddress {
  std::string host;
  int port = 0;
};

Result<ListenAddress> parse_listen(const std::string& listen) {
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos) return fail(ErrorCode::kConfigError, "listen needs host:port");
  ListenAddress address;
  address.host = listen.substr(0, colon);
  if (address.host.size() > 2 && address.host.front() == '[' && address.host.back() == ']')
    address.host = address.host.substr(1, address.host.size() - 2);
  const std::string port = listen.substr(colon + 1);
  auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), address.port);
  if (error != std::errc() || end != port.data() + port.size() || address.port < 0 ||
      address.port > 65535)
    return fail(ErrorCode::kConfigError, "listen port '" + port + "' is not a port number");
  return address;
}

}  // namespace

std::string webhook_signature(const std::string& secret, std::string_view timestamp,
                              std::string_view body) {
  std::string message;
  message.reserve(timestamp.size() + 1 + body.size());
  message.append(timestamp).append(".").append(body);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac, &length);
  return "sha256=" + hex(mac, length);
}

Result<std::vector<WebhookCredentials>> load_webhook_credentials(const ServeConfig& config) {
  std::vector<WebhookCredentials> out;
  for (const WebhookSource& source : config.sources) {
    WebhookCredentials credentials;
    credentials.name = source.name;
    auto token = live::load_api_key(source.token_env, source.token_file);
    if (!token) {
      return fail(ErrorCode::kConfigError,
                  "serve.sources." + source.name + ": token: " + token.error().message);
    }
    if (token->empty()) {
      return fail(ErrorCode::kConfigError, "serve.sources." + source.name + ": the token is empty");
    }
    credentials.token = std::move(*token);
    if (!source.hmac_secret_env.empty() || !source.hmac_secret_file.empty()) {
      auto secret = live::load_api_key(source.hmac_secret_env, source.hmac_secret_file);
      if (!secret || secret->empty()) {
        return fail(ErrorCode::kConfigError,
                    "serve.sources." + source.name + ": HMAC secret: " +
                        (secret ? std::string("empty") : secret.error().message));
      }
      credentials.hmac_secret = std::move(*secret);
    }
    if (!source.format.empty()) {
      credentials.format = source_format_from_string(source.format);
      if (!credentials.format) {
        return fail(ErrorCode::kConfigError,
                    "serve.sources." + source.name + ": unknown format '" + source.format + "'");
      }
    }
    out.push_back(std::move(credentials));
  }
  return out;
}

struct WebhookServer::Impl {
  const ServeConfig& config;
  const IntakeGate& gate;
  IntakeWriter& writer;
  Metrics& metrics;
  std::vector<WebhookCredentials> sources;
  std::vector<std::string> token_digests;  // sha256 of each source's token
  std::unique_ptr<httplib::Server> http;
  std::atomic<std::int64_t> request_counter{0};

  const WebhookCredentials* authenticate(const httplib::Request& req) const {
    const std::string header = req.get_header_value("Authorization");
    constexpr std::string_view kBearer = "Bearer ";
    if (header.size() <= kBearer.size() || header.compare(0, kBearer.size(), kBearer) != 0)
      return nullptr;
    const std::string_view token = std::string_view(header).substr(kBearer.size());
    const WebhookCredentials* found = nullptr;
    // Every source is compared, so the time taken does not say which one matched.
    for (std::size_t i = 0; i < sources.size(); ++i)
      if (same_secret(token, token_digests[i])) found = &sources[i];
    return found;
  }

  std::optional<std::string> signature_problem(const WebhookCredentials& source,
                                               const httplib::Request& req,
                                               std::string_view body) const {
    const std::string timestamp = req.get_header_value("X-Soc-Triage-Timestamp");
    const std::string signature = req.get_header_value("X-Soc-Triage-Signature");
    if (timestamp.empty() || signature.empty())
      return "this source signs its requests: X-Soc-Triage-Timestamp and X-Soc-Triage-Signature "
             "are required";
    std::int64_t seconds = 0;
    auto [end, error] =
        std::from_chars(timestamp.data(), timestamp.data() + timestamp.size(), seconds);
    if (error != std::errc() || end != timestamp.data() + timestamp.size())
      return "X-Soc-Triage-Timestamp must be Unix seconds";
    const std::int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                                 std::chrono::system_clock::now().time_since_epoch())
                                 .count();
    if (seconds < now - config.hmac_tolerance_seconds ||
        seconds > now + config.hmac_tolerance_seconds)
      return "X-Soc-Triage-Timestamp is too far from the server's time (replayed or skewed)";
    const std::string expected = webhook_signature(source.hmac_secret->reveal(), timestamp, body);
    if (signature.size() != expected.size() ||
        CRYPTO_memcmp(signature.data(), expected.data(), expected.size()) != 0)
      return "the signature does not match the body";
    return std::nullopt;
  }

  void refuse_retry_later(httplib::Response& res, int status, std::string_view code,
                          std::string_view message) {
    res.set_header("Retry-After", std::to_string(config.retry_after_seconds));
    reply_error(res, status, code, message);
  }

  // The body is read here, after authentication, and never past the limit: an unauthenticated
  // client cannot make the server buffer anything. (Reading it ourselves also avoids the HTTP
  // library's small cap on form-encoded bodies, which some senders label their JSON as.)
  void post_alerts(const httplib::Request& req, httplib::Response& res,
                   const httplib::ContentReader& read_body) {
    ++metrics.requests;
    const WebhookCredentials* source = authenticate(req);
    if (source == nullptr) {
      ++metrics.refused_unauthorized;
      res.set_header("WWW-Authenticate", "Bearer realm=\"soc-triage\"");
      return reply_error(res, 401, "unauthorized", "a valid bearer token is required");
    }
    std::string body;
    // A declared length over the limit is refused unread (the library would not read it).
    const std::string declared = req.get_header_value("Content-Length");
    std::int64_t declared_length = 0;
    std::from_chars(declared.data(), declared.data() + declared.size(), declared_length);
    bool too_large = declared_length > config.max_body_bytes;
    if (!too_large)
      read_body([&](const char* data, std::size_t length) {
        if (static_cast<std::int64_t>(body.size() + length) > config.max_body_bytes) {
          too_large = true;
          return false;
        }
        body.append(data, length);
        return true;
      });
    if (too_large) {
      ++metrics.refused_too_large;
      res.set_header("Connection", "close");
      return reply_error(res, 413, "too_large", "the body is over serve.max_body_bytes");
    }
    if (source->hmac_secret) {
      if (auto problem = signature_problem(*source, req, body)) {
        ++metrics.refused_bad_signature;
        return reply_error(res, 401, "bad_signature", *problem);
      }
    }
    const std::string source_name = "webhook:" + source->name;
    const std::string ref = fmt::format("{}/{}", source_name, ++request_counter);
    GatedDelivery delivery = gate.admit(body, ref, source->format);
    if (delivery.alerts.empty())
      return reply_error(res, 400, "empty", "the body holds no alert record");
    if (delivery.alerts.size() > static_cast<std::size_t>(config.max_alerts_per_request)) {
      ++metrics.refused_too_large;
      return reply_error(res, 413, "too_many_alerts",
                         fmt::format("{} records, over serve.max_alerts_per_request ({})",
                                     delivery.alerts.size(), config.max_alerts_per_request));
    }
    const std::size_t records = delivery.alerts.size();
    auto submitted =
        writer.submit(InboundBatch{source_name, std::move(delivery.alerts), std::nullopt});
    if (!submitted) {
      switch (submitted.error()) {
        case Refusal::kQueueFull:
          ++metrics.refused_queue_full;
          return refuse_retry_later(res, 429, "overloaded",
                                    "the intake queue is full; retry after the delay");
        case Refusal::kBacklogFull:
          ++metrics.refused_backlog;
          return refuse_retry_later(res, 429, "backlog_full",
                                    "too many alerts wait for triage; retry after the delay");
        case Refusal::kStopping:
          ++metrics.refused_unavailable;
          return refuse_retry_later(res, 503, "stopping", "the service is shutting down");
      }
    }
    auto& future = *submitted;
    if (future.wait_for(std::chrono::milliseconds(config.intake_timeout_ms)) !=
        std::future_status::ready) {
      ++metrics.refused_unavailable;
      // It may still commit: a retry is then a duplicate, never a second alert.
      return refuse_retry_later(res, 503, "timeout", "the store did not commit in time; retry");
    }
    Result<InboundOutcome> outcome = future.get();
    if (!outcome) {
      ++metrics.refused_unavailable;
      return refuse_retry_later(res, 503, "store_unavailable", outcome.error().message);
    }
    metrics.alerts_received += static_cast<std::int64_t>(records);
    nlohmann::json rejected = nlohmann::json::array();
    for (const RecordRejection& r : delivery.rejected) {
      metrics.count_rejected(source_name, std::string(error_code_id(r.error.code)));
      rejected.push_back({{"index", r.index},
                          {"ref", r.ref},
                          {"error", error_code_id(r.error.code)},
                          {"message", r.error.message}});
    }
    // Every record kept (quarantined) but none an alert: the sender's mistake, shown as one.
    const int status = delivery.rejected.size() == records ? 422 : 202;
    reply(res, status,
          nlohmann::json{{"accepted", outcome->accepted},
                         {"duplicates", outcome->duplicates},
                         {"records", records},
                         {"quarantined", std::move(rejected)}});
  }

  void health(httplib::Response& res) const {
    reply(res, 200,
          nlohmann::json{{"status", "ok"},
                         {"backlog", metrics.backlog.load()},
                         {"queued", metrics.queued_alerts.load()},
                         {"accepted", metrics.alerts_accepted.load()},
                         {"triaged", metrics.triaged.load()},
                         {"quarantined", metrics.quarantined.load()}});
  }
};

WebhookServer::WebhookServer(const ServeConfig& config, std::vector<WebhookCredentials> sources,
                             const IntakeGate& gate, IntakeWriter& writer, Metrics& metrics)
    : impl_(new Impl{config, gate, writer, metrics, std::move(sources), {}, nullptr, {}}) {
  for (const WebhookCredentials& source : impl_->sources)
    impl_->token_digests.push_back(sha256_hex(source.token.reveal()));
}

WebhookServer::~WebhookServer() {
  stop();
}

Status WebhookServer::bind() {
  const ServeConfig& config = impl_->config;
  auto address = parse_listen(config.listen);
  if (!address) return std::unexpected(address.error());
  if (!config.tls_cert_file.empty()) {
    auto tls = std::make_unique<httplib::SSLServer>(config.tls_cert_file.c_str(),
                                                    config.tls_key_file.c_str());
    if (!tls->is_valid()) {
      return fail(ErrorCode::kConfigError, "serve: cannot load the TLS certificate or key (" +
                                               config.tls_cert_file + ", " + config.tls_key_file +
                                               ")");
    }
    impl_->http = std::move(tls);
  } else {
    impl_->http = std::make_unique<httplib::Server>();
  }
  httplib::Server& http = *impl_->http;
  const int threads = config.http_threads;
  http.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  // A little over the limit, so the handler (not the library) answers and counts a 413 for a
  // body it reads; the library refuses a larger declared Content-Length itself.
  http.set_payload_max_length(static_cast<std::size_t>(config.max_body_bytes) + 1);
  // A keep-alive connection holds a pool thread while it is open: idle ones are let go soon,
  // so senders beyond http_threads are not starved.
  http.set_keep_alive_max_count(1000);
  http.set_keep_alive_timeout(2);
  // Headers and body leave in separate writes: without this, Nagle's algorithm holds the body
  // back until the client's delayed ACK, milliseconds per request.
  http.set_tcp_nodelay(true);
  http.set_read_timeout(std::chrono::seconds(30));
  Impl* impl = impl_.get();
  http.Post("/api/v1/alerts", [impl](const httplib::Request& req, httplib::Response& res,
                                     const httplib::ContentReader& read_body) {
    impl->post_alerts(req, res, read_body);
  });
  http.Get("/api/v1/health",
           [impl](const httplib::Request&, httplib::Response& res) { impl->health(res); });
  http.Get("/metrics", [impl](const httplib::Request&, httplib::Response& res) {
    res.set_content(impl->metrics.prometheus_text(), "text/plain; version=0.0.4");
  });
  // Gives library-made errors (404, 400 on a malformed request) a JSON body; ours have one.
  http.set_error_handler([](const httplib::Request&, httplib::Response& res) {
    if (res.body.empty())
      reply_error(res, res.status, "http_error", fmt::format("HTTP status {}", res.status));
  });
  http.set_exception_handler(
      [](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
        reply_error(res, 500, "internal", "the request could not be handled");
      });
  if (address->port == 0) {
    port_ = http.bind_to_any_port(address->host);
    if (port_ <= 0) return fail(ErrorCode::kIoError, "cannot bind " + config.listen);
  } else {
    if (!http.bind_to_port(address->host, address->port))
      return fail(ErrorCode::kIoError, "cannot bind " + config.listen);
    port_ = address->port;
  }
  return {};
}

Status WebhookServer::run() {
  if (!impl_->http) return fail(ErrorCode::kInvalidArgument, "bind() first");
  if (!impl_->http->listen_after_bind())
    return fail(ErrorCode::kIoError, "the HTTP server stopped with an error");
  return {};
}

void WebhookServer::stop() {
  if (impl_ && impl_->http) impl_->http->stop();
}

}  // namespace soc::serve
