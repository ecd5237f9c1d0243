// Configuration loading: SPEC defaults, every key read, strict unknown-key and type checking,
// validation of ranges, and the shipped default file.
#include "config/config.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "../parse/mapped_test_support.hpp"

namespace soc {
namespace {

std::string test_data(const std::string& relative) {
  return (std::filesystem::path(SOC_TRIAGE_TEST_DATA_DIR) / relative).string();
}

// Parses text that must be rejected and returns the error message.
std::string rejection(const std::string& yaml) {
  auto c = parse_config(yaml);
  EXPECT_FALSE(c) << "accepted:\n" << yaml;
  if (c) return {};
  EXPECT_EQ(c.error().code, ErrorCode::kConfigError) << yaml;
  return c.error().message;
}

void expect_same(const Config& a, const Config& b) {
  EXPECT_EQ(a.mode, b.mode);
  EXPECT_EQ(a.organization.name, b.organization.name);
  EXPECT_EQ(a.organization.utc_offset_minutes, b.organization.utc_offset_minutes);
  EXPECT_EQ(a.organization.business_hours_start, b.organization.business_hours_start);
  EXPECT_EQ(a.organization.business_hours_end, b.organization.business_hours_end);
  EXPECT_EQ(a.organization.internal_domains, b.organization.internal_domains);
  EXPECT_EQ(a.thresholds.critical, b.thresholds.critical);
  EXPECT_EQ(a.thresholds.true_positive, b.thresholds.true_positive);
  EXPECT_EQ(a.thresholds.review, b.thresholds.review);
  EXPECT_EQ(a.thresholds.auto_close, b.thresholds.auto_close);
  EXPECT_EQ(a.correlation.burst_alerts, b.correlation.burst_alerts);
  EXPECT_EQ(a.correlation.burst_window_minutes, b.correlation.burst_window_minutes);
  EXPECT_EQ(a.correlation.kill_chain_window_hours, b.correlation.kill_chain_window_hours);
  EXPECT_EQ(a.correlation.history_days, b.correlation.history_days);
  EXPECT_EQ(a.correlation.related_alert_window_hours, b.correlation.related_alert_window_hours);
  EXPECT_EQ(a.rules.critical_asset_roles, b.rules.critical_asset_roles);
  EXPECT_EQ(a.rules.critical_database_tags, b.rules.critical_database_tags);
  EXPECT_EQ(a.rules.critical_criticality_is_p1, b.rules.critical_criticality_is_p1);
  EXPECT_EQ(a.rules.vip_notify, b.rules.vip_notify);
  EXPECT_EQ(a.rules.vip_groups, b.rules.vip_groups);
  EXPECT_EQ(a.actions.block_ip_days, b.actions.block_ip_days);
  EXPECT_EQ(a.limits.max_alert_bytes, b.limits.max_alert_bytes);
  EXPECT_EQ(a.limits.max_json_depth, b.limits.max_json_depth);
  EXPECT_EQ(a.store.path, b.store.path);
  EXPECT_EQ(a.store.batch_size, b.store.batch_size);
  EXPECT_EQ(a.store.synchronous_full, b.store.synchronous_full);
  EXPECT_EQ(a.context_dir, b.context_dir);
  EXPECT_EQ(a.data_dir, b.data_dir);
  EXPECT_EQ(a.provider_weights, b.provider_weights);
}

TEST(ConfigDefaults, MatchTheSpec) {
  const Config c;
  EXPECT_EQ(c.mode, OperatingMode::kAssisted);
  // SPEC section 4: > 75 critical, 50-75 true positive, 25-50 review, < 25 false positive;
  // section 8: semi-autonomous closes below 15.
  EXPECT_EQ(c.thresholds.critical, 75);
  EXPECT_EQ(c.thresholds.true_positive, 50);
  EXPECT_EQ(c.thresholds.review, 25);
  EXPECT_EQ(c.thresholds.auto_close, 15);
  // SPEC section 6: 5 alerts within 15 minutes; history over 30 days.
  EXPECT_EQ(c.correlation.burst_alerts, 5);
  EXPECT_EQ(c.correlation.burst_window_minutes, 15);
  EXPECT_EQ(c.correlation.history_days, 30);
  EXPECT_EQ(c.correlation.kill_chain_window_hours, 168);
  EXPECT_EQ(c.correlation.related_alert_window_hours, 72);
  EXPECT_EQ(c.rules.critical_asset_roles, (std::vector<std::string>{"domain_controller", "scada"}));
  EXPECT_EQ(c.rules.critical_database_tags, std::vector<std::string>{"production"});
  EXPECT_TRUE(c.rules.critical_criticality_is_p1);
  EXPECT_EQ(c.rules.vip_notify, std::vector<std::string>{"sms"});
  EXPECT_EQ(c.rules.vip_groups,
            (std::vector<std::string>{"Domain Admins", "Enterprise Admins", "Executives"}));
  EXPECT_EQ(c.organization.name, "default");
  EXPECT_EQ(c.organization.utc_offset_minutes, 0);
  EXPECT_EQ(c.organization.business_hours_start, 8);
  EXPECT_EQ(c.organization.business_hours_end, 19);
  EXPECT_TRUE(c.organization.internal_domains.empty());
  EXPECT_EQ(c.actions.block_ip_days, 30);
  EXPECT_EQ(c.limits.max_alert_bytes, 4 * 1024 * 1024);
  EXPECT_EQ(c.limits.max_json_depth, 128);
  EXPECT_EQ(c.store.path, "");
  EXPECT_EQ(c.store.batch_size, 1000);
  EXPECT_TRUE(c.store.synchronous_full);
  EXPECT_EQ(c.provider_weights, Config::default_provider_weights());
  EXPECT_TRUE(validate(c));
}

TEST(ConfigDefaults, EmptyOrCommentOnlyTextGivesTheDefaults) {
  for (const char* text : {"", "# nothing here\n", "{}", "---\n"}) {
    auto c = parse_config(text);
    ASSERT_TRUE(c) << text << ": " << c.error().message;
    expect_same(*c, Config{});
  }
}

TEST(ConfigDefaults, ProviderWeightsFollowTheSpecEmphasis) {
  const Config c;
  // SPEC section 4: AbuseIPDB counts more for brute force than for exfiltration; VirusTotal
  // dominates for file-based alerts.
  EXPECT_GT(c.provider_weight("brute_force", "abuseipdb"),
            c.provider_weight("exfiltration", "abuseipdb"));
  EXPECT_DOUBLE_EQ(c.provider_weight("malware", "virustotal"), 1.0);
  EXPECT_DOUBLE_EQ(c.provider_weight("phishing", "virustotal"), 1.0);
}

TEST(ConfigFile, EveryKeyIsRead) {
  auto loaded = load_config(test_data("config/full.yaml"));
  ASSERT_TRUE(loaded) << loaded.error().message;
  const Config& c = *loaded;
  EXPECT_EQ(c.mode, OperatingMode::kSemiAutonomous);
  EXPECT_EQ(c.organization.name, "Corp SA");
  EXPECT_EQ(c.organization.utc_offset_minutes, 60);
  EXPECT_EQ(c.organization.business_hours_start, 7);
  EXPECT_EQ(c.organization.business_hours_end, 20);
  EXPECT_EQ(c.organization.internal_domains, (std::vector<std::string>{"corp.fr", "corp.local"}));
  EXPECT_EQ(c.thresholds.critical, 80);
  EXPECT_EQ(c.thresholds.true_positive, 55);
  EXPECT_EQ(c.thresholds.review, 30);
  EXPECT_EQ(c.thresholds.auto_close, 10);
  EXPECT_EQ(c.correlation.burst_alerts, 6);
  EXPECT_EQ(c.correlation.burst_window_minutes, 20);
  EXPECT_EQ(c.correlation.kill_chain_window_hours, 72);
  EXPECT_EQ(c.correlation.history_days, 45);
  EXPECT_EQ(c.correlation.related_alert_window_hours, 48);
  EXPECT_EQ(c.rules.critical_asset_roles,
            (std::vector<std::string>{"domain_controller", "scada", "database"}));
  EXPECT_EQ(c.rules.critical_database_tags, (std::vector<std::string>{"production", "pci"}));
  EXPECT_FALSE(c.rules.critical_criticality_is_p1);
  EXPECT_EQ(c.rules.vip_notify, (std::vector<std::string>{"sms", "email"}));
  EXPECT_EQ(c.rules.vip_groups, (std::vector<std::string>{"Domain Admins", "Executives", "Board"}));
  EXPECT_EQ(c.actions.block_ip_days, 7);
  EXPECT_EQ(c.limits.max_alert_bytes, 1048576);
  EXPECT_EQ(c.limits.max_json_depth, 64);
  EXPECT_EQ(c.store.path, "/var/lib/soc-triage/triage.db");
  EXPECT_EQ(c.store.batch_size, 250);
  EXPECT_FALSE(c.store.synchronous_full);
  EXPECT_EQ(c.context_dir, "/etc/soc-triage/context");
  EXPECT_EQ(c.data_dir, "/usr/share/soc-triage");
  EXPECT_DOUBLE_EQ(c.provider_weight("default", "virustotal"), 0.9);
  EXPECT_DOUBLE_EQ(c.provider_weight("default", "abuseipdb"), 0.7);
  EXPECT_DOUBLE_EQ(c.provider_weight("brute_force", "abuseipdb"), 1.2);
  EXPECT_DOUBLE_EQ(c.provider_weight("ransomware", "virustotal"), 1.5);
  EXPECT_DOUBLE_EQ(c.provider_weight("ransomware", "misp"), 1.1);
}

TEST(ConfigFile, ProviderWeightsFromTheFileMergeIntoTheBuiltIns) {
  auto c = parse_config("scoring:\n  provider_weights:\n    default: {virustotal: 0.9}\n");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_DOUBLE_EQ(c->provider_weight("default", "virustotal"), 0.9);
  EXPECT_DOUBLE_EQ(c->provider_weight("default", "shodan"), 0.3);  // untouched built-in entry
  EXPECT_DOUBLE_EQ(c->provider_weight("brute_force", "abuseipdb"), 1.0);
}

TEST(ConfigFile, EveryModeName) {
  const std::pair<const char*, OperatingMode> modes[] = {
      {"shadow", OperatingMode::kShadow},
      {"assisted", OperatingMode::kAssisted},
      {"semi_autonomous", OperatingMode::kSemiAutonomous},
      {"autonomous", OperatingMode::kAutonomous}};
  for (const auto& [name, mode] : modes) {
    auto c = parse_config(std::string("mode: ") + name);
    ASSERT_TRUE(c) << name;
    EXPECT_EQ(c->mode, mode);
    EXPECT_EQ(to_string(mode), name);
  }
  EXPECT_NE(rejection("mode: fast").find("'fast'"), std::string::npos);
  EXPECT_FALSE(parse_config("mode: Shadow"));  // names are exact
}

TEST(ConfigFile, PartialSectionsKeepTheOtherDefaults) {
  auto c = parse_config("thresholds:\n  critical: 90\norganization:\n  utc_offset_minutes: -300\n");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->thresholds.critical, 90);
  EXPECT_EQ(c->thresholds.true_positive, 50);
  EXPECT_EQ(c->organization.utc_offset_minutes, -300);
  EXPECT_EQ(c->organization.business_hours_end, 19);
  EXPECT_EQ(c->correlation.burst_alerts, 5);
}

TEST(ConfigFile, UnknownKeysAtEveryLevelAreNamed) {
  struct Case {
    const char* yaml;
    const char* key;
    const char* where;
  };
  for (const Case& c : {Case{"treshold: 5", "treshold", "the configuration"},
                        Case{"organization:\n  nme: x", "nme", "organization"},
                        Case{"thresholds:\n  critcal: 80", "critcal", "thresholds"},
                        Case{"correlation:\n  burst: 3", "burst", "correlation"},
                        Case{"rules:\n  vip_group: [a]", "vip_group", "rules"},
                        Case{"actions:\n  block_days: 3", "block_days", "actions"},
                        Case{"limits:\n  max_bytes: 2048", "max_bytes", "limits"},
                        Case{"store:\n  file: x.db", "file", "store"},
                        Case{"scoring:\n  weights: {}", "weights", "scoring"}}) {
    const std::string message = rejection(c.yaml);
    EXPECT_NE(message.find(std::string("'") + c.key + "'"), std::string::npos) << message;
    EXPECT_NE(message.find(c.where), std::string::npos) << message;
  }
}

TEST(ConfigFile, WrongTypesAreErrorsNamingTheField) {
  EXPECT_NE(rejection("thresholds:\n  critical: high").find("thresholds.critical"),
            std::string::npos);
  EXPECT_NE(rejection("thresholds:\n  review: 2.5").find("thresholds.review"), std::string::npos);
  EXPECT_NE(rejection("correlation:\n  burst_alerts: [5]").find("correlation.burst_alerts"),
            std::string::npos);
  EXPECT_NE(
      rejection("organization:\n  internal_domains: {a: b}").find("organization.internal_domains"),
      std::string::npos);
  EXPECT_NE(rejection("rules:\n  critical_criticality_is_p1: maybe")
                .find("rules.critical_criticality_is_p1"),
            std::string::npos);
  EXPECT_NE(rejection("store:\n  batch_size: lots").find("store.batch_size"), std::string::npos);
  EXPECT_NE(rejection("limits:\n  max_alert_bytes: 4MB").find("limits.max_alert_bytes"),
            std::string::npos);
  EXPECT_NE(rejection("context_dir: [a, b]").find("context_dir"), std::string::npos);
}

TEST(ConfigFile, SectionsMustBeMappings) {
  EXPECT_NE(rejection("organization: Corp").find("organization must be a mapping"),
            std::string::npos);
  EXPECT_NE(rejection("thresholds: [75, 50]").find("thresholds must be a mapping"),
            std::string::npos);
  EXPECT_NE(rejection("- a\n- b").find("the configuration must be a mapping"), std::string::npos);
  EXPECT_NE(rejection("scoring:\n  provider_weights: [1, 2]")
                .find("scoring.provider_weights must be a mapping"),
            std::string::npos);
  EXPECT_NE(rejection("scoring:\n  provider_weights:\n    phishing: 1")
                .find("scoring.provider_weights.phishing"),
            std::string::npos);
  EXPECT_NE(rejection("scoring:\n  provider_weights:\n    phishing: {virustotal: lots}")
                .find("scoring.provider_weights.phishing.virustotal must be a number"),
            std::string::npos);
}

TEST(ConfigFile, MalformedYamlIsAConfigError) {
  const std::string message = rejection("thresholds:\n  critical: [75\n");
  EXPECT_NE(message.find("YAML"), std::string::npos) << message;
  rejection("mode: [shadow]");
  rejection("a: b: c");
}

TEST(ConfigValidation, ThresholdsMustBeOrderedWithin0And100) {
  EXPECT_NE(rejection("thresholds:\n  review: 60").find("thresholds"), std::string::npos);
  rejection("thresholds:\n  critical: 40");
  rejection("thresholds:\n  critical: 101");
  rejection("thresholds:\n  auto_close: -1");
  rejection("thresholds:\n  auto_close: 30");
  auto equal =
      parse_config("thresholds: {critical: 40, true_positive: 40, review: 40, auto_close: 40}");
  EXPECT_TRUE(equal) << "equal thresholds are ordered";
  auto extremes =
      parse_config("thresholds: {critical: 100, true_positive: 0, review: 0, auto_close: 0}");
  EXPECT_TRUE(extremes);
}

TEST(ConfigValidation, BusinessHoursAndOffset) {
  EXPECT_NE(rejection("organization: {business_hours_start: 19, business_hours_end: 8}")
                .find("business hours"),
            std::string::npos);
  rejection("organization: {business_hours_start: 9, business_hours_end: 9}");
  rejection("organization: {business_hours_end: 25}");
  rejection("organization: {business_hours_start: -1}");
  EXPECT_TRUE(parse_config("organization: {business_hours_start: 0, business_hours_end: 24}"));
  EXPECT_NE(rejection("organization: {utc_offset_minutes: 900}").find("utc_offset_minutes"),
            std::string::npos);
  rejection("organization: {utc_offset_minutes: -841}");
  EXPECT_TRUE(parse_config("organization: {utc_offset_minutes: 840}"));
  EXPECT_TRUE(parse_config("organization: {utc_offset_minutes: -720}"));
}

TEST(ConfigValidation, CorrelationLimitsStoreAndActions) {
  EXPECT_NE(rejection("correlation: {burst_alerts: 1}").find("burst_alerts"), std::string::npos);
  rejection("correlation: {burst_window_minutes: 0}");
  rejection("correlation: {history_days: 0}");
  rejection("correlation: {kill_chain_window_hours: 0}");
  EXPECT_NE(rejection("limits: {max_alert_bytes: 100}").find("max_alert_bytes"), std::string::npos);
  rejection("limits: {max_json_depth: 4}");
  EXPECT_NE(rejection("store: {batch_size: 0}").find("batch_size"), std::string::npos);
  EXPECT_NE(rejection("store: {compression: brotli}").find("lz4 or zstd"), std::string::npos);
  auto zstd = parse_config("store: {compression: zstd}");
  ASSERT_TRUE(zstd);
  EXPECT_EQ(zstd->store.compression, "zstd");
  auto fallback = parse_config("store: {batch_size: 10}");
  ASSERT_TRUE(fallback);
  EXPECT_EQ(fallback->store.compression, "lz4");
  EXPECT_NE(rejection("actions: {block_ip_days: 0}").find("block_ip_days"), std::string::npos);
}

TEST(ConfigValidation, ProviderWeightsWithin0And2) {
  const std::string negative =
      rejection("scoring:\n  provider_weights:\n    phishing: {virustotal: -0.5}");
  EXPECT_NE(negative.find("scoring.provider_weights.phishing.virustotal"), std::string::npos)
      << negative;
  rejection("scoring:\n  provider_weights:\n    default: {shodan: 2.5}");
  EXPECT_TRUE(parse_config("scoring:\n  provider_weights:\n    default: {shodan: 0}"));
  EXPECT_TRUE(parse_config("scoring:\n  provider_weights:\n    default: {shodan: 2}"));
}

TEST(ConfigValidation, ValidateOnAStructBuiltInCode) {
  Config c;
  EXPECT_TRUE(validate(c));
  c.thresholds.true_positive = 80;  // above critical
  auto bad = validate(c);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::kConfigError);
  c = Config{};
  c.provider_weights["x"]["y"] = -1;
  EXPECT_FALSE(validate(c));
}

TEST(ConfigLoad, MissingFileIsAnIoError) {
  auto c = load_config(test_data("config/does-not-exist.yaml"));
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, ErrorCode::kIoError);
  EXPECT_NE(c.error().message.find("does-not-exist.yaml"), std::string::npos);
}

TEST(ConfigLoad, ShippedDefaultFileEqualsTheBuiltInDefaults) {
  const std::string path = test_data("../../config/soc-triage.yaml");
  if (!std::filesystem::exists(path))
    GTEST_SKIP() << "config/soc-triage.yaml is not written yet: " << path;
  auto c = load_config(path);
  ASSERT_TRUE(c) << c.error().message;
  expect_same(*c, Config{});
}

TEST(ProviderWeight, CategoryThenDefaultThenHalf) {
  Config c;
  c.provider_weights = {{"default", {{"virustotal", 1.0}, {"shodan", 0.3}}},
                        {"brute_force", {{"abuseipdb", 1.0}}}};
  EXPECT_DOUBLE_EQ(c.provider_weight("brute_force", "abuseipdb"), 1.0);   // category entry
  EXPECT_DOUBLE_EQ(c.provider_weight("brute_force", "virustotal"), 1.0);  // default entry
  EXPECT_DOUBLE_EQ(c.provider_weight("brute_force", "greynoise"), 0.5);   // nobody knows it
  EXPECT_DOUBLE_EQ(c.provider_weight("unknown_category", "shodan"), 0.3);
  EXPECT_DOUBLE_EQ(c.provider_weight("unknown_category", "other"), 0.5);
  c.provider_weights.erase("default");
  EXPECT_DOUBLE_EQ(c.provider_weight("malware", "virustotal"), 0.5);
  EXPECT_DOUBLE_EQ(c.provider_weight("brute_force", "abuseipdb"), 1.0);
}

TEST(ProviderWeight, BuiltInTable) {
  const Config c;
  EXPECT_DOUBLE_EQ(c.provider_weight("default", "virustotal"), 1.0);
  EXPECT_DOUBLE_EQ(c.provider_weight("default", "abuseipdb"), 0.8);
  EXPECT_DOUBLE_EQ(c.provider_weight("default", "shodan"), 0.3);
  EXPECT_DOUBLE_EQ(c.provider_weight("brute_force", "greynoise"), 0.9);
  EXPECT_DOUBLE_EQ(c.provider_weight("brute_force", "shodan"), 0.3);  // from default
  EXPECT_DOUBLE_EQ(c.provider_weight("exfiltration", "opencti"), 1.0);
  EXPECT_DOUBLE_EQ(c.provider_weight("phishing", "rdap"), 0.5);
}

TEST(ConfigFile, SectionWhoseKeysAreAllCommentedOutMeansDefaults) {
  // A YAML section with every key commented out is null, not a mapping; it must not be an error.
  auto c = parse_config("thresholds:\n  # critical: 80\nstore:\n");
  ASSERT_TRUE(c) << c.error().message;
  expect_same(*c, Config{});
}

TEST(ConfigValidation, RelatedAlertWindowMustBePositive) {
  // The other correlation windows are checked; this one feeds the same look-back arithmetic.
  rejection("correlation: {related_alert_window_hours: 0}");
  rejection("correlation: {related_alert_window_hours: -72}");
}

TEST(PullConfig, ReadsEveryKeyOfEachSource) {
  auto c = parse_config(R"(
pull:
  - name: elastic-prod
    product: elastic
    url: https://elastic.example.org:9200
    index: .alerts-security.alerts-default
    time_field: "@timestamp"
    tiebreaker_field: kibana.alert.uuid
    auth: api_key
    secret_env: ELASTIC_API_KEY
    page_size: 250
    interval_seconds: 15
    lookback_seconds: 300
    backfill_seconds: 86400
    max_pages_per_run: 40
    timeout_ms: 20000
    max_retries: 5
    retry_backoff_ms: 1000
    max_retry_wait_ms: 30000
  - name: sentinel-prod
    product: sentinel
    enabled: false
    workspace: 63613592-b6f7-4c3d-a390-22ba13102111
    tenant: 72f988bf-86f1-41af-91ab-2d7cd011db47
    client_id: 3c1f5e2a-9b8d-4c7e-a6f5-1e2d3c4b5a69
    authority_url: https://login.microsoftonline.us
    url: https://api.loganalytics.us
    query: SecurityAlert | where ProductName == "Azure Sentinel"
    secret_file: /run/secrets/sentinel
  - name: splunk-es
    product: splunk
    url: https://splunk.example.org:8089
    search: search index=notable urgency=high
    auth: basic
    username: svc_soc
    secret_env: SPLUNK_PASSWORD
  - name: wazuh
    product: wazuh
    url: https://wazuh-indexer.example.org:9200
    auth: none
)");
  ASSERT_TRUE(c) << c.error().message;
  ASSERT_EQ(c->pull.size(), 4u);
  const auto& e = c->pull[0];
  EXPECT_EQ(e.name, "elastic-prod");
  EXPECT_EQ(e.product, "elastic");
  EXPECT_TRUE(e.enabled);
  EXPECT_EQ(e.url, "https://elastic.example.org:9200");
  EXPECT_EQ(e.index, ".alerts-security.alerts-default");
  EXPECT_EQ(e.time_field, "@timestamp");
  EXPECT_EQ(e.tiebreaker_field, "kibana.alert.uuid");
  EXPECT_EQ(e.auth, "api_key");
  EXPECT_EQ(e.secret_env, "ELASTIC_API_KEY");
  EXPECT_EQ(e.page_size, 250);
  EXPECT_EQ(e.interval_seconds, 15);
  EXPECT_EQ(e.lookback_seconds, 300);
  EXPECT_EQ(e.backfill_seconds, 86400);
  EXPECT_EQ(e.max_pages_per_run, 40);
  EXPECT_EQ(e.timeout_ms, 20000);
  EXPECT_EQ(e.max_retries, 5);
  EXPECT_EQ(e.retry_backoff_ms, 1000);
  EXPECT_EQ(e.max_retry_wait_ms, 30000);
  const auto& s = c->pull[1];
  EXPECT_FALSE(s.enabled);
  EXPECT_EQ(s.workspace, "63613592-b6f7-4c3d-a390-22ba13102111");
  EXPECT_EQ(s.tenant, "72f988bf-86f1-41af-91ab-2d7cd011db47");
  EXPECT_EQ(s.client_id, "3c1f5e2a-9b8d-4c7e-a6f5-1e2d3c4b5a69");
  EXPECT_EQ(s.authority_url, "https://login.microsoftonline.us");
  EXPECT_EQ(s.query, "SecurityAlert | where ProductName == \"Azure Sentinel\"");
  EXPECT_EQ(s.secret_file, "/run/secrets/sentinel");
  EXPECT_EQ(s.page_size, 500);  // defaults where unset
  EXPECT_EQ(s.lookback_seconds, 120);
  EXPECT_EQ(c->pull[2].search, "search index=notable urgency=high");
  EXPECT_EQ(c->pull[2].username, "svc_soc");
  EXPECT_EQ(c->pull[3].auth, "none");
}

TEST(PullConfig, NoPullSectionMeansNoSources) {
  auto c = parse_config("mode: assisted\n");
  ASSERT_TRUE(c);
  EXPECT_TRUE(c->pull.empty());
  auto empty = parse_config("pull: []\n");
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->pull.empty());
}

TEST(PullConfig, RejectsMistakes) {
  const std::string ok =
      "  - name: e\n    product: elastic\n    url: https://e.example:9200\n"
      "    secret_env: E_KEY\n";
  ASSERT_TRUE(parse_config("pull:\n" + ok));
  auto rejected = [&](const std::string& extra, const std::string& expected) {
    const std::string message = rejection("pull:\n" + ok + extra);
    EXPECT_NE(message.find(expected), std::string::npos) << message;
  };
  rejected("    pagesize: 10\n", "unknown key 'pagesize' in pull[0]");
  rejected("    search: search index=notable\n", "search does not apply to product elastic");
  rejected("    auth: bearer\n", "auth must be one of");
  rejected("    auth: basic\n", "basic auth needs a username");
  rejected("    page_size: 0\n", "page_size");
  rejected("    lookback_seconds: -1\n", "lookback_seconds");
  rejected("    max_retries: 11\n", "max_retries");
  EXPECT_NE(rejection("pull:\n  - name: b\n    product: elastic\n    url: https://e:1\n"
                      "    secret_env: 1BAD-NAME\n")
                .find("secret_env must name an environment variable"),
            std::string::npos);
  rejected(ok, "'e' is used twice");
  EXPECT_NE(rejection("pull:\n  - product: elastic\n    url: https://e:1\n    auth: none\n")
                .find("needs a name"),
            std::string::npos);
  EXPECT_NE(rejection("pull:\n  - name: q\n    product: qradar\n    url: https://q:1\n")
                .find("product must be"),
            std::string::npos);
  EXPECT_NE(rejection("pull:\n  - name: s\n    product: splunk\n    url: ftp://s:1\n"
                      "    secret_env: S\n")
                .find("url must start with"),
            std::string::npos);
  EXPECT_NE(
      rejection("pull:\n  - name: w\n    product: wazuh\n    auth: none\n").find("url is required"),
      std::string::npos);
  EXPECT_NE(rejection("pull:\n  - name: z\n    product: sentinel\n    secret_env: Z\n"
                      "    tenant: t\n")
                .find("workspace, tenant and client_id"),
            std::string::npos);
  EXPECT_NE(rejection("pull:\n  - name: n\n    product: splunk\n    url: https://s:1\n")
                .find("secret_env or secret_file is required"),
            std::string::npos);
  EXPECT_NE(rejection("pull: {name: x}\n").find("pull must be a list"), std::string::npos);
}

// --- formats.mappings ---

// A valid mapping to break one piece at a time.
const std::string kMapping =
    "formats:\n"          // line 1
    "  mappings:\n"       // line 2
    "    - name: acme\n"  // line 3
    "      match: {field: product, equals: Acme}\n"
    "      fields:\n"                                      // line 5
    "        time: ts\n"                                   // line 6
    "        rule_name: detection.name\n"                  // line 7
    "      observables:\n"                                 // line 8
    "        - {path: src.ip, type: ip, role: source}\n";  // line 9

std::string mapping_rejection(const std::string& from, const std::string& to) {
  std::string yaml = kMapping;
  const auto at = yaml.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) yaml.replace(at, from.size(), to);
  return rejection(yaml);
}

TEST(ConfigFormats, NoMappingsByDefault) {
  EXPECT_TRUE(Config{}.formats.mappings.empty());
  EXPECT_TRUE(Config{}.formats.forced_mapping.empty());
  auto c = parse_config("formats:\n  mappings: []\n");
  ASSERT_TRUE(c);
  EXPECT_TRUE(c->formats.mappings.empty());
}

TEST(ConfigFormats, TheTestMappingFileReadsAsItsCppTwin) {
  auto c = load_config(test_data("parse/mapped/acme_xdr.yaml"));
  ASSERT_TRUE(c) << c.error().message;
  ASSERT_EQ(c->formats.mappings.size(), 1u);
  const FormatMapping& got = c->formats.mappings[0];
  const FormatMapping want = parse_test::acme_xdr_mapping();
  EXPECT_EQ(got.name, want.name);
  EXPECT_EQ(got.line, 6);
  ASSERT_EQ(got.match.size(), want.match.size());
  for (std::size_t i = 0; i < want.match.size(); ++i) {
    EXPECT_EQ(got.match[i].field, want.match[i].field);
    EXPECT_EQ(got.match[i].equals, want.match[i].equals);
  }
  EXPECT_EQ(got.id, want.id);
  EXPECT_EQ(got.time, want.time);
  EXPECT_EQ(got.rule_name, want.rule_name);
  EXPECT_EQ(got.rule_id, want.rule_id);
  EXPECT_EQ(got.description, want.description);
  EXPECT_EQ(got.severity, want.severity);
  EXPECT_EQ(got.severity_map, want.severity_map);
  EXPECT_EQ(got.outcome, want.outcome);
  EXPECT_EQ(got.event_count, want.event_count);
  EXPECT_EQ(got.source_country, want.source_country);
  EXPECT_EQ(got.techniques, want.techniques);
  EXPECT_EQ(got.tactics, want.tactics);
  EXPECT_EQ(got.categories, want.categories);
  EXPECT_EQ(got.texts, want.texts);
  ASSERT_EQ(got.observables.size(), want.observables.size());
  for (std::size_t i = 0; i < want.observables.size(); ++i) {
    const auto& g = got.observables[i];
    const auto& w = want.observables[i];
    EXPECT_EQ(g.path, w.path) << i;
    EXPECT_EQ(g.kind, w.kind) << g.path;
    if (w.kind == MappedValueKind::kFixed) {
      EXPECT_EQ(g.type, w.type) << g.path;
    }
    EXPECT_EQ(g.role, w.role) << g.path;
  }
}

TEST(ConfigFormats, ShippedCommentedExampleIsAValidMapping) {
  // The example under "mappings: []" in config/soc-triage.yaml, uncommented, must load.
  std::ifstream in(test_data("../../config/soc-triage.yaml"));
  ASSERT_TRUE(in.good());
  std::string line, example = "formats:\n";
  bool inside = false;
  while (std::getline(in, line)) {
    if (line == "  mappings: []") {
      inside = true;
      continue;
    }
    if (!inside) continue;
    if (!line.starts_with("  # ")) break;
    example += "  " + line.substr(4) + "\n";
  }
  ASSERT_GT(example.size(), 500u) << "no commented example found";
  auto c = parse_config(example);
  ASSERT_TRUE(c) << c.error().message << "\n" << example;
  ASSERT_EQ(c->formats.mappings.size(), 1u);
  const FormatMapping& m = c->formats.mappings[0];
  EXPECT_EQ(m.name, "acme-edr");
  EXPECT_EQ(m.severity_map.size(), 4u);
  EXPECT_GE(m.observables.size(), 8u);
  EXPECT_EQ(m.texts, (std::vector<std::string>{"message", "details.*"}));
}

TEST(ConfigFormats, ShorthandsAndDefaults) {
  auto c = parse_config(
      "formats:\n  mappings:\n    - name: x_1\n      fields: {time: t, rule_name: r, severity: s,\n"
      "               techniques: [a, \"b[].c\"]}\n"
      "      observables: [{path: u, type: user}, {path: cmd, type: command_line},\n"
      "                    {path: h, type: hash, role: attachment}, {path: a, type: address}]\n"
      "      texts: \"*\"\n");
  ASSERT_TRUE(c) << c.error().message;
  const FormatMapping& m = c->formats.mappings[0];
  EXPECT_TRUE(m.match.empty());  // no match: usable only when forced
  EXPECT_EQ(m.severity, "s");
  EXPECT_TRUE(m.severity_map.empty());
  EXPECT_EQ(m.techniques, (std::vector<std::string>{"a", "b[].c"}));
  ASSERT_EQ(m.observables.size(), 4u);
  EXPECT_EQ(m.observables[0].kind, MappedValueKind::kFixed);
  EXPECT_EQ(m.observables[0].type, ObservableType::kUser);
  EXPECT_EQ(m.observables[0].role, Role::kRelated);  // the default role
  EXPECT_EQ(m.observables[1].kind, MappedValueKind::kText);
  EXPECT_EQ(m.observables[2].kind, MappedValueKind::kHash);
  EXPECT_EQ(m.observables[2].role, Role::kAttachment);
  EXPECT_EQ(m.observables[3].kind, MappedValueKind::kAddress);
  EXPECT_EQ(m.texts, std::vector<std::string>{"*"});
}

TEST(ConfigFormats, ErrorsNameTheFieldAndTheLine) {
  ASSERT_TRUE(parse_config(kMapping));
  const std::pair<std::pair<std::string, std::string>, std::vector<std::string>> cases[] = {
      {{"        time: ts\n", "        time: ts\n        tme: x\n"},
       {"unknown key 'tme' in formats.mappings[0] (acme).fields", "(line 7)"}},
      {{"type: ip,", "type: ipaddr,"}, {"unknown type 'ipaddr'", "(line 9)"}},
      {{"role: source", "role: attacker"}, {"unknown role 'attacker'", "(line 9)"}},
      {{"rule_name: detection.name", "rule_name: detection..name"},
       {"fields.rule_name: 'detection..name'", "empty key", "(line 7)"}},
      {{"rule_name: detection.name", "rule_name: \"detections[].name\""},
       {"where one value is expected", "(line 7)"}},
      {{"path: src.ip", "path: src.*"}, {"only texts may use", "(line 9)"}},
      {{"path: src.ip, type: ip, role: source", "path: c, type: command_line, role: actor"},
       {"has no role", "(line 9)"}},
      {{"field: product, equals: Acme", "field: product, equals: [a]"},
       {"match.equals must be text or a number", "(line 4)"}},
      {{"match: {field: product, equals: Acme}", "match: {equals: Acme}"},
       {"match needs a field", "(line 4)"}},
      {{"        time: ts\n", ""}, {"'acme' (line 3)", "fields.time is required"}},
      {{"        rule_name: detection.name\n", ""}, {"fields.rule_name is required"}},
      {{"name: acme", "name: Acme EDR"}, {"lower-case letters, digits"}},
      {{"    - name: acme\n", "    - match: {field: a}\n"}, {"name must be 1 to 64"}},
      {{"      observables:", "      observable:"}, {"unknown key 'observable'", "(line 8)"}},
      {{"        - {path: src.ip, type: ip, role: source}\n", "        {path: x}\n"},
       {"observables must be a list", "(line 9)"}},
      {{"        - {path: src.ip, type: ip, role: source}\n", "        - {path: x}\n"},
       {"needs a path and a type", "(line 9)"}},
      {{"  mappings:\n", "  mapping:\n"}, {"unknown key 'mapping' in formats", "(line 2)"}},
  };
  for (const auto& [edit, expected] : cases) {
    const std::string message = mapping_rejection(edit.first, edit.second);
    for (const auto& part : expected)
      EXPECT_NE(message.find(part), std::string::npos) << edit.second << "\n-> " << message;
  }
  // Severity maps: values must be our four names.
  std::string yaml = kMapping;
  yaml.insert(yaml.find("      observables:"),
              "        severity: {field: sev, map: {\"1\": low, \"2\": urgent}}\n");
  const std::string message = rejection(yaml);
  EXPECT_NE(message.find("severity.map.2 must be low, medium, high or critical, not 'urgent'"),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("(line 8)"), std::string::npos) << message;
  EXPECT_NE(rejection(kMapping + "    - name: acme\n      fields: {time: t, rule_name: r}\n")
                .find("'acme' (line 10): name is used twice"),
            std::string::npos);
}

TEST(ConfigFormats, AForcedMappingMustBeDeclared) {
  auto c = parse_config(kMapping);
  ASSERT_TRUE(c);
  c->formats.forced_mapping = "acme";
  EXPECT_TRUE(validate(*c));
  c->formats.forced_mapping = "other";
  auto invalid = validate(*c);
  ASSERT_FALSE(invalid);
  EXPECT_EQ(invalid.error().code, ErrorCode::kConfigError);
  EXPECT_NE(invalid.error().message.find("--format mapping:other"), std::string::npos);
}

}  // namespace
}  // namespace soc
