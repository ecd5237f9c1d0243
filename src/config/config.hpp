// Configuration: YAML parsed into typed structs with in-class defaults (SPEC thresholds and
// rules). Unknown keys are errors, so a typo never silently falls back to a default.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/alert.hpp"
#include "core/observable.hpp"
#include "core/result.hpp"

namespace soc {

// SPEC section 8.
enum class OperatingMode { kShadow, kAssisted, kSemiAutonomous, kAutonomous };
std::string_view to_string(OperatingMode mode);

struct Thresholds {
  int critical = 75;       // score > critical: TRUE_POSITIVE, critical
  int true_positive = 50;  // score >= true_positive: TRUE_POSITIVE, to investigate
  int review = 25;         // score >= review: NEEDS_REVIEW; below: FALSE_POSITIVE
  int auto_close = 15;     // semi-autonomous mode closes false positives below this score
};

struct CorrelationConfig {
  int burst_alerts = 5;                 // this many alerts on one host or user...
  int burst_window_minutes = 15;        // ...within this window trigger preventive containment
  int kill_chain_window_hours = 168;    // alerts this close on shared entities can form a chain
  int history_days = 30;                // similar-alert and baseline look-back
  int related_alert_window_hours = 72;  // earlier alerts on the same entities worth re-reading
};

struct BusinessRules {
  // SPEC section 6: any alert touching these is P1 whatever the score.
  std::vector<std::string> critical_asset_roles{"domain_controller", "scada"};
  std::vector<std::string> critical_database_tags{"production"};
  bool critical_criticality_is_p1 = true;  // inventory criticality "critical" also means P1
  std::vector<std::string> vip_notify{"sms"};
  std::vector<std::string> vip_groups{"Domain Admins", "Enterprise Admins", "Executives"};
};

struct ActionDefaults {
  int block_ip_days = 30;
};

struct OrganizationConfig {
  std::string name = "default";
  int utc_offset_minutes = 0;  // local time of the organization, for hour-of-day reasoning
  int business_hours_start = 8;
  int business_hours_end = 19;
  std::vector<std::string> internal_domains;  // e-mail/domain suffixes that are ours
};

struct LimitsConfig {
  std::int64_t max_alert_bytes = 4 << 20;
  int max_json_depth = 128;
};

struct StoreConfig {
  std::string path;  // empty: in-memory
  int batch_size = 1000;
  bool synchronous_full = true;
  std::string compression = "lz4";  // lz4 (faster) or zstd (smaller); new records only
};

// One threat-intelligence provider's live API client (providers.<name>). Off unless enabled; the
// key itself never appears in the configuration, only where to read it from.
struct ProviderSettings {
  bool enabled = false;
  std::string base_url;      // the API root as the vendor documents it; http:// only if written so
  std::string api_key_env;   // environment variable holding the key...
  std::string api_key_file;  // ...or a file whose first line is the key
  int rate_per_minute = 60;  // never more requests than this in any 60 seconds
  int daily_quota = 0;       // requests per UTC day; 0: no daily limit
  int timeout_ms = 5000;     // one request
  double reliability = 0.8;  // trust in this source, 0..1
  int max_retries = 2;       // transient failures only (connection, 500/502/503/504)
  int retry_backoff_ms = 250;
  int breaker_failures = 5;           // consecutive failures that open the circuit...
  int breaker_cooldown_seconds = 60;  // ...for this long
  std::string edition;                // greynoise: community | enterprise
  std::string bootstrap_dir;          // rdap: IANA registries; empty: <data_dir>/rdap-bootstrap
  bool refresh_bootstrap = false;     // rdap: fetch fresh registries from bootstrap_url at start
  std::string bootstrap_url;          // rdap
  std::vector<std::string> feeds;     // misp: feed roots synchronised into intel/misp/ at start
};

// How long a cached answer stays fresh, per observable type; not-found answers have their own.
struct CacheTtlHours {
  int ip = 24;
  int domain = 24;
  int url = 24;
  int hash = 168;
  int other = 24;
  int not_found = 6;
};

// Live enrichment (SPEC section 5). With no provider enabled, or offline, enrichment reads only
// the intel/ directory, exactly as before.
struct ProvidersConfig {
  bool offline = false;    // read the intel/ cache only, never the network
  int deadline_ms = 8000;  // per alert: every lookup answers by then, timed out or not
  std::string cache_dir;   // the intel/ cache; empty: <context_dir>/intel
  std::string proxy;       // empty: direct connections (environment proxies are ignored)
  CacheTtlHours cache_ttl_hours;
  std::vector<std::string> bulletproof_asns;  // "AS64500" or "64500": hosting known for abuse
  ProviderSettings virustotal{.base_url = "https://www.virustotal.com/api/v3",
                              .api_key_env = "VT_API_KEY",
                              .rate_per_minute = 4,
                              .daily_quota = 500,
                              .reliability = 0.9};
  ProviderSettings abuseipdb{.base_url = "https://api.abuseipdb.com/api/v2",
                             .api_key_env = "ABUSEIPDB_API_KEY",
                             .rate_per_minute = 60,
                             .daily_quota = 1000,
                             .reliability = 0.8};
  ProviderSettings greynoise{.base_url = "https://api.greynoise.io",
                             .api_key_env = "GREYNOISE_API_KEY",
                             .rate_per_minute = 10,
                             .daily_quota = 50,
                             .reliability = 0.85,
                             .edition = "community"};
  ProviderSettings shodan{.base_url = "https://api.shodan.io",
                          .api_key_env = "SHODAN_API_KEY",
                          .rate_per_minute = 60,
                          .reliability = 0.6};
  ProviderSettings rdap{
      .rate_per_minute = 60, .reliability = 0.9, .bootstrap_url = "https://data.iana.org/rdap/"};
  ProviderSettings misp{.api_key_env = "MISP_API_KEY", .rate_per_minute = 600, .reliability = 0.8};
  ProviderSettings opencti{
      .api_key_env = "OPENCTI_API_KEY", .rate_per_minute = 600, .reliability = 0.8};
};

// One sender of the webhook: its bearer token and, optionally, the secret it signs bodies with.
struct WebhookSource {
  std::string name;             // names the source in the store ("webhook:<name>") and metrics
  std::string token_env;        // environment variable holding the bearer token...
  std::string token_file;       // ...or a file whose first line is the token
  std::string hmac_secret_env;  // when set (or hmac_secret_file), every POST must be signed
  std::string hmac_secret_file;
  std::string format;  // forces a format for this source; empty: auto-detect
};

// A directory whose files are read as they grow: JSON lines, CEF lines, or whole JSON files.
struct WatchedDirectory {
  std::string path;
  std::string pattern = "*";  // file names to read (shell glob)
  std::string format;         // forced format; empty: auto-detect
  int poll_ms = 1000;
  int settle_ms = 2000;  // a file that does not end in a full record is read once it has not
                         // changed for this long (a whole-JSON file still being written)
};

// `soc-triage serve`: the webhook, watched directories and pull connectors feeding one pipeline.
struct ServeConfig {
  std::string listen = "127.0.0.1:8080";   // host:port
  std::string tls_cert_file;               // both set: HTTPS (PEM files); else plain HTTP, for
  std::string tls_key_file;                // loopback or behind a TLS-terminating proxy
  std::int64_t max_body_bytes = 32 << 20;  // larger bodies get 413
  int max_alerts_per_request = 10000;      // larger batches get 413
  int queue_alerts = 20000;                // alerts waiting for the intake commit; beyond: 429
  std::int64_t max_backlog = 500000;       // accepted but not yet triaged; beyond: 429
  int retry_after_seconds = 2;             // sent with every 429 and 503
  int http_threads = 32;                   // each open keep-alive connection holds one
  int intake_timeout_ms = 10000;           // a POST not committed by then gets 503 (retry is safe)
  int hmac_tolerance_seconds = 300;        // signed timestamp this close to now, against replays
  std::vector<WebhookSource> sources;
  std::vector<WatchedDirectory> watch;
};

// One pull connector (the `pull:` list): a SIEM whose alerts are read through its own API into
// the durable inbox, resuming from the cursor the store keeps. The secret itself never appears
// here, only where to read it from.
struct PullSourceConfig {
  std::string name;     // unique; the inbox source and cursor are "pull:<name>"
  std::string product;  // elastic | splunk | sentinel | wazuh
  bool enabled = true;
  std::string url;         // API root; sentinel: the Log Analytics API (empty: api.loganalytics.io)
  std::string index;       // elastic, wazuh; empty: the product's alert index
  std::string time_field;  // elastic, wazuh; empty: @timestamp / timestamp
  std::string tiebreaker_field;  // elastic, wazuh; empty: kibana.alert.uuid / id
  std::string search;            // splunk; empty: "search index=notable"
  std::string query;             // sentinel; empty: "SecurityAlert"
  std::string workspace;         // sentinel: Log Analytics workspace id
  std::string tenant;            // sentinel: Azure AD tenant id
  std::string client_id;         // sentinel: app registration (client credentials)
  std::string authority_url;     // sentinel; empty: https://login.microsoftonline.com
  std::string auth;  // elastic: api_key|basic|none; splunk: bearer|splunk|basic; wazuh: basic|none
  std::string username;     // basic auth
  std::string secret_env;   // API key, token, password or client secret: this variable...
  std::string secret_file;  // ...or the first line of this file
  int page_size = 500;
  int interval_seconds = 30;    // between passes once caught up
  int lookback_seconds = 120;   // a caught-up pass re-reads this much for late alerts
  int backfill_seconds = 3600;  // how far back the very first pass starts
  int max_pages_per_run = 20;
  int timeout_ms = 60000;  // one request
  int max_retries = 3;     // 429, 5xx and connection failures
  int retry_backoff_ms = 500;
  int max_retry_wait_ms = 60000;  // cap on one wait, a Retry-After included
};

// formats.mappings: a home-grown JSON alert format described field by field, so alerts in it are
// read as precisely as the built-in SIEM formats. Paths are dotted keys, "[]" after a key for
// every item of an array ("files[].sha256"), a final "*" for every text below ("details.*").
struct FieldCondition {
  std::string field;                  // path
  std::optional<std::string> equals;  // compared as text; absent: the field must be present
};

// How a mapped value becomes an observable: a fixed type, or typed by its shape.
enum class MappedValueKind : std::uint8_t {
  kFixed,    // ObservableMapping::type
  kIp,       // IPv4 or IPv6; other values are skipped
  kHash,     // MD5, SHA-1, SHA-256 or SHA-512 by length
  kAddress,  // IP, e-mail address, domain or host name by shape
  kText,     // free text for the extractor (command lines, subjects): no observable of its own
};

struct ObservableMapping {
  std::string path;
  MappedValueKind kind = MappedValueKind::kFixed;
  ObservableType type = ObservableType::kHost;  // when kind is kFixed
  Role role = Role::kRelated;
};

struct FormatMapping {
  std::string name;                   // [a-z0-9_-]; --format mapping:<name> forces it
  int line = 0;                       // where it is declared, for messages
  std::vector<FieldCondition> match;  // all must hold; empty: only ever used when forced
  // Single-valued fields: one path each, "" when not mapped. time and rule_name are required.
  std::string id;  // empty: a fingerprint of the raw bytes
  std::string time;
  std::string rule_name;
  std::string rule_id;
  std::string description;
  std::string severity;
  std::vector<std::pair<std::string, Severity>> severity_map;  // source value -> ours
  std::string outcome;                                         // success / failure
  std::string event_count;
  std::string source_country;
  // Multi-valued: lists of paths.
  std::vector<std::string> techniques;
  std::vector<std::string> tactics;
  std::vector<std::string> categories;
  std::vector<ObservableMapping> observables;
  std::vector<std::string> texts;
};

struct FormatsConfig {
  std::vector<FormatMapping> mappings;  // the first whose match holds reads the alert
  // Set by --format mapping:<name> (not a YAML key): that mapping reads every JSON alert triaged.
  std::string forced_mapping;
};

struct Config {
  OperatingMode mode = OperatingMode::kAssisted;
  OrganizationConfig organization;
  Thresholds thresholds;
  CorrelationConfig correlation;
  BusinessRules rules;
  ActionDefaults actions;
  LimitsConfig limits;
  StoreConfig store;
  ProvidersConfig providers;
  ServeConfig serve;
  std::vector<PullSourceConfig> pull;
  FormatsConfig formats;
  std::string context_dir;
  std::string
      data_dir;  // ATT&CK catalog and knowledge base; empty: next to the binary / source tree
  // Per alert category, per provider: how much that source's reputation counts (SPEC section 4).
  // Category "default" applies where a category has no entry of its own.
  std::map<std::string, std::map<std::string, double>> provider_weights =
      default_provider_weights();

  static std::map<std::string, std::map<std::string, double>> default_provider_weights();
  double provider_weight(const std::string& category, const std::string& provider) const;
};

Result<Config> load_config(const std::string& path);
Result<Config> parse_config(const std::string& yaml_text);
Status validate(const Config& config);

}  // namespace soc
