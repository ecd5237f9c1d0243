// From a `pull:` configuration entry to a running connector: defaults, secret, egress guard.
#include <fmt/format.h>

#include "config/config.hpp"
#include "connectors/connector.hpp"
#include "connectors/products.hpp"
#include "core/strings.hpp"
#include "intel_live/http.hpp"
#include "intel_live/secret.hpp"

namespace soc::connectors {
namespace {

std::string without_trailing_slash(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

RetryPolicy retry_policy(const PullSourceConfig& config) {
  RetryPolicy policy;
  policy.timeout = std::chrono::milliseconds(config.timeout_ms);
  policy.max_retries = config.max_retries;
  policy.backoff = std::chrono::milliseconds(config.retry_backoff_ms);
  policy.max_wait = std::chrono::milliseconds(config.max_retry_wait_ms);
  return policy;
}

Window window(const PullSourceConfig& config) {
  return Window{std::chrono::seconds(config.lookback_seconds),
                std::chrono::seconds(config.backfill_seconds)};
}

Result<live::Secret> secret(const PullSourceConfig& config) {
  auto loaded = live::load_api_key(config.secret_env, config.secret_file);
  if (!loaded)
    return fail(loaded.error().code,
                fmt::format("pull source '{}': {}", config.name, loaded.error().message));
  if (loaded->empty())
    return fail(ErrorCode::kConfigError,
                fmt::format("pull source '{}': no secret configured", config.name));
  return loaded;
}

Result<Credentials> credentials(const PullSourceConfig& config, std::string_view default_auth) {
  Credentials out;
  const std::string auth = config.auth.empty() ? std::string(default_auth) : config.auth;
  if (auth == "none") return out;
  auto loaded = secret(config);
  if (!loaded) return std::unexpected(loaded.error());
  out.secret = std::move(*loaded);
  out.username = config.username;
  if (auth == "basic") {
    out.kind = Credentials::Kind::kBasic;
  } else if (auth == "api_key") {
    out.kind = Credentials::Kind::kApiKey;
  } else if (auth == "bearer") {
    out.kind = Credentials::Kind::kBearer;
  } else if (auth == "splunk") {
    out.kind = Credentials::Kind::kSplunkToken;
  } else {
    return fail(ErrorCode::kConfigError,
                fmt::format("pull source '{}': unknown auth '{}'", config.name, auth));
  }
  return out;
}

Result<std::shared_ptr<live::HttpClient>> client_for(const std::vector<std::string>& roots,
                                                     const std::string& name) {
  live::EgressPolicy policy;
  for (const auto& root : roots)
    if (auto allowed = policy.allow_root(root); !allowed)
      return fail(ErrorCode::kConfigError,
                  fmt::format("pull source '{}': {}", name, allowed.error().message));
  return std::shared_ptr<live::HttpClient>(live::make_curl_client(std::move(policy)));
}

}  // namespace

Result<std::unique_ptr<PullConnector>> make_pull_connector(const PullSourceConfig& config,
                                                           const Clock& clock,
                                                           std::shared_ptr<live::HttpClient> http) {
  const std::string url = without_trailing_slash(config.url);
  // Unless the caller supplies a client, the connector gets one that reaches its roots only.
  auto ensure_client = [&](const std::vector<std::string>& roots) -> Status {
    if (http) return {};
    auto built = client_for(roots, config.name);
    if (!built) return std::unexpected(built.error());
    http = std::move(*built);
    return {};
  };
  if (config.product == "elastic" || config.product == "wazuh") {
    const bool elastic = config.product == "elastic";
    SearchAfterOptions options;
    options.name = config.name;
    options.product = config.product;
    options.format = elastic ? "ecs" : "wazuh";
    options.base_url = url;
    options.index = !config.index.empty() ? config.index
                    : elastic             ? ".alerts-security.alerts-default"
                                          : "wazuh-alerts-*";
    options.time_field = !config.time_field.empty() ? config.time_field
                         : elastic                  ? "@timestamp"
                                                    : "timestamp";
    options.tiebreaker_field = !config.tiebreaker_field.empty() ? config.tiebreaker_field
                               : elastic                        ? "kibana.alert.uuid"
                                                                : "id";
    options.id_fields =
        elastic ? std::vector<std::string>{"kibana.alert.uuid"} : std::vector<std::string>{"id"};
    options.window = window(config);
    options.retry = retry_policy(config);
    auto creds = credentials(config, elastic ? "api_key" : "basic");
    if (!creds) return std::unexpected(creds.error());
    options.credentials = std::move(*creds);
    if (auto ready = ensure_client({url}); !ready) return std::unexpected(ready.error());
    return make_search_after_connector(std::move(options), std::move(http), clock);
  }
  if (config.product == "splunk") {
    SplunkOptions options;
    options.name = config.name;
    options.base_url = url;
    if (!trim(config.search).empty()) options.search = config.search;
    options.window = window(config);
    options.retry = retry_policy(config);
    auto creds = credentials(config, "bearer");
    if (!creds) return std::unexpected(creds.error());
    options.credentials = std::move(*creds);
    if (auto ready = ensure_client({url}); !ready) return std::unexpected(ready.error());
    return make_splunk_connector(std::move(options), std::move(http), clock);
  }
  if (config.product == "sentinel") {
    SentinelOptions options;
    options.name = config.name;
    if (!url.empty()) options.api_url = url;
    if (!config.authority_url.empty())
      options.authority_url = without_trailing_slash(config.authority_url);
    options.tenant = config.tenant;
    options.client_id = config.client_id;
    options.workspace = config.workspace;
    if (!trim(config.query).empty()) options.query = config.query;
    options.window = window(config);
    options.retry = retry_policy(config);
    auto client_secret = secret(config);
    if (!client_secret) return std::unexpected(client_secret.error());
    options.client_secret = std::move(*client_secret);
    if (auto ready = ensure_client({options.api_url, options.authority_url}); !ready)
      return std::unexpected(ready.error());
    return make_sentinel_connector(std::move(options), std::move(http), clock);
  }
  return fail(ErrorCode::kConfigError,
              fmt::format("pull source '{}': unknown product '{}'", config.name, config.product));
}

Result<PullSource> make_pull_source(const PullSourceConfig& config, const Clock& clock,
                                    std::shared_ptr<live::HttpClient> http) {
  auto connector = make_pull_connector(config, clock, std::move(http));
  if (!connector) return std::unexpected(connector.error());
  PullOptions options;
  options.page_size = static_cast<std::size_t>(std::max(1, config.page_size));
  options.max_pages = static_cast<std::size_t>(std::max(1, config.max_pages_per_run));
  return PullSource(std::move(*connector), options,
                    std::chrono::seconds(std::max(1, config.interval_seconds)));
}

}  // namespace soc::connectors
