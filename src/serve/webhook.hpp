// POST /api/v1/alerts: authenticated, size-limited, durable-before-acknowledged intake over HTTP.
//
// Request: one alert, a JSON array or NDJSON/CEF lines; `Authorization: Bearer <token>` picks the
// source; a source with an HMAC secret also needs `X-Soc-Triage-Timestamp: <unix seconds>` and
// `X-Soc-Triage-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>`.
// Replies (JSON): 202 once every record is committed to the inbox, with counts, the alert ids and
// the records that will be quarantined; 422 (same body) when every record is quarantined, none
// an alert; 400 for a body with no record; 401 for a missing or
// wrong token or signature; 413 over the body or batch limit; 429 with Retry-After when the
// intake queue or the untriaged backlog is full; 503 with Retry-After when the store cannot
// commit. Retrying any non-202 reply is safe: the inbox is idempotent on (source, alert id).
// Also GET /api/v1/health (backlog, queue) and GET /metrics (Prometheus text).
#pragma once
#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "intel_live/secret.hpp"
#include "serve/intake_gate.hpp"
#include "serve/intake_writer.hpp"
#include "serve/metrics.hpp"

namespace soc::serve {

struct WebhookCredentials {
  std::string name;
  live::Secret token;
  std::optional<live::Secret> hmac_secret;
  std::optional<SourceFormat> format;
};

// Loads every source's token and secret (errors name the variable or file, never a value).
Result<std::vector<WebhookCredentials>> load_webhook_credentials(const ServeConfig& config);

// "sha256=<hex>" for `timestamp` "." `body`: what a sender puts in X-Soc-Triage-Signature.
std::string webhook_signature(const std::string& secret, std::string_view timestamp,
                              std::string_view body);

class WebhookServer {
 public:
  WebhookServer(const ServeConfig& config, std::vector<WebhookCredentials> sources,
                const IntakeGate& gate, IntakeWriter& writer, Metrics& metrics);
  ~WebhookServer();
  WebhookServer(const WebhookServer&) = delete;
  WebhookServer& operator=(const WebhookServer&) = delete;

  // Binds the listen address (port 0: any free port, see port()).
  Status bind();
  int port() const { return port_; }
  // Serves until stop(); returns on the calling thread.
  Status run();
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  int port_ = 0;
};

}  // namespace soc::serve
