// The providers section of the configuration, and the provider list built from it.
#include <gtest/gtest.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "config/config.hpp"
#include "enrich/offline.hpp"
#include "intel_live/intel_hub.hpp"
#include "intel_live/misp_feed.hpp"
#include "support.hpp"

namespace soc::live {
namespace {
using testing::json_reply;
using testing::LocalServer;
using testing::ManualClock;
using testing::ServerRequest;

std::string source_dir() {
  return std::string(SOC_TRIAGE_TEST_DATA_DIR) + "/../..";
}

TEST(ProvidersConfig, DefaultsEnableNothingAndFollowThePublishedLimits) {
  const Config c;
  const auto& p = c.providers;
  EXPECT_FALSE(p.offline);
  for (const auto* s :
       {&p.virustotal, &p.abuseipdb, &p.greynoise, &p.shodan, &p.rdap, &p.misp, &p.opencti})
    EXPECT_FALSE(s->enabled);
  EXPECT_EQ(p.virustotal.base_url, "https://www.virustotal.com/api/v3");
  EXPECT_EQ(p.virustotal.rate_per_minute, 4);
  EXPECT_EQ(p.virustotal.daily_quota, 500);
  EXPECT_EQ(p.abuseipdb.daily_quota, 1000);
  EXPECT_EQ(p.greynoise.edition, "community");
  EXPECT_EQ(p.cache_ttl_hours.hash, 168);
  EXPECT_TRUE(validate(c));
}

TEST(ProvidersConfig, EveryKeyIsRead) {
  auto c = parse_config(R"(
providers:
  offline: true
  deadline_ms: 1500
  cache_dir: /var/cache/soc/intel
  proxy: http://proxy.example:3128
  cache_ttl_hours: {ip: 1, domain: 2, url: 3, hash: 4, other: 5, not_found: 0}
  bulletproof_asns: [AS64500, 64501]
  virustotal:
    enabled: true
    base_url: http://vt-mirror.example/api/v3
    api_key_env: MY_VT_KEY
    rate_per_minute: 1000
    daily_quota: 0
    timeout_ms: 2500
    reliability: 0.95
    max_retries: 1
    retry_backoff_ms: 100
    breaker_failures: 2
    breaker_cooldown_seconds: 5
  greynoise: {enabled: true, edition: enterprise, api_key_file: /run/secrets/gn}
  rdap: {enabled: true, bootstrap_dir: /opt/rdap, refresh_bootstrap: true, bootstrap_url: https://data.iana.org/rdap/}
  misp: {enabled: true, base_url: https://misp.example, feeds: [https://www.circl.lu/doc/misp/feed-osint]}
)");
  ASSERT_TRUE(c) << c.error().message;
  const auto& p = c->providers;
  EXPECT_TRUE(p.offline);
  EXPECT_EQ(p.deadline_ms, 1500);
  EXPECT_EQ(p.cache_dir, "/var/cache/soc/intel");
  EXPECT_EQ(p.proxy, "http://proxy.example:3128");
  EXPECT_EQ(p.cache_ttl_hours.url, 3);
  EXPECT_EQ(p.cache_ttl_hours.not_found, 0);
  EXPECT_EQ(p.bulletproof_asns, (std::vector<std::string>{"AS64500", "64501"}));
  EXPECT_TRUE(p.virustotal.enabled);
  EXPECT_EQ(p.virustotal.base_url, "http://vt-mirror.example/api/v3");
  EXPECT_EQ(p.virustotal.api_key_env, "MY_VT_KEY");
  EXPECT_EQ(p.virustotal.rate_per_minute, 1000);
  EXPECT_EQ(p.virustotal.daily_quota, 0);
  EXPECT_EQ(p.virustotal.timeout_ms, 2500);
  EXPECT_DOUBLE_EQ(p.virustotal.reliability, 0.95);
  EXPECT_EQ(p.virustotal.max_retries, 1);
  EXPECT_EQ(p.virustotal.retry_backoff_ms, 100);
  EXPECT_EQ(p.virustotal.breaker_failures, 2);
  EXPECT_EQ(p.virustotal.breaker_cooldown_seconds, 5);
  EXPECT_EQ(p.greynoise.edition, "enterprise");
  EXPECT_EQ(p.greynoise.api_key_file, "/run/secrets/gn");
  EXPECT_EQ(p.rdap.bootstrap_dir, "/opt/rdap");
  EXPECT_TRUE(p.rdap.refresh_bootstrap);
  EXPECT_EQ(p.misp.feeds.size(), 1u);
}

void rejected(const std::string& yaml, const std::string& words) {
  auto c = parse_config(yaml);
  ASSERT_FALSE(c) << yaml;
  EXPECT_EQ(c.error().code, ErrorCode::kConfigError);
  EXPECT_NE(c.error().message.find(words), std::string::npos) << c.error().message;
}

TEST(ProvidersConfig, UnknownKeysAndBadValuesAreErrors) {
  rejected("providers: {virustotl: {enabled: true}}", "unknown key 'virustotl' in providers");
  rejected("providers: {virustotal: {api_key: abc}}",
           "unknown key 'api_key' in providers.virustotal");
  rejected("providers: {virustotal: {edition: enterprise}}", "unknown key 'edition'");
  rejected("providers: {shodan: {feeds: []}}", "unknown key 'feeds'");
  rejected("providers: {cache_ttl_hours: {ipv4: 1}}", "unknown key 'ipv4'");
  rejected("providers: {virustotal: {rate_per_minute: fast}}",
           "providers.virustotal.rate_per_minute");
  rejected("providers: {virustotal: {rate_per_minute: 0}}", "rate_per_minute must be within");
  rejected("providers: {abuseipdb: {reliability: 1.5}}", "reliability must be within 0..1");
  rejected("providers: {shodan: {base_url: ftp://x}}", "base_url must start with https://");
  rejected("providers: {misp: {enabled: true}}", "providers.misp.base_url is required");
  rejected("providers: {virustotal: {enabled: true, api_key_env: ''}}",
           "api_key_env or api_key_file");
  rejected("providers: {virustotal: {api_key_env: 'A-B'}}", "must name an environment variable");
  rejected("providers: {greynoise: {edition: pro}}", "edition must be community or enterprise");
  rejected("providers: {deadline_ms: 10}", "deadline_ms must be within");
  rejected("providers: {bulletproof_asns: [ASX]}", "'ASX' is not an AS number");
  rejected("providers: {virustotal: {timeout_ms: 50}}", "timeout_ms must be within");
}

TEST(ProvidersConfig, TheShippedFileHoldsTheDefaults) {
  auto c = load_config(source_dir() + "/config/soc-triage.yaml");
  ASSERT_TRUE(c) << c.error().message;
  const ProvidersConfig defaults;
  const auto& p = c->providers;
  EXPECT_EQ(p.offline, defaults.offline);
  EXPECT_EQ(p.deadline_ms, defaults.deadline_ms);
  EXPECT_EQ(p.cache_dir, defaults.cache_dir);
  EXPECT_EQ(p.bulletproof_asns, defaults.bulletproof_asns);
  EXPECT_EQ(p.cache_ttl_hours.ip, defaults.cache_ttl_hours.ip);
  EXPECT_EQ(p.cache_ttl_hours.not_found, defaults.cache_ttl_hours.not_found);
  const std::pair<const ProviderSettings*, const ProviderSettings*> pairs[] = {
      {&p.virustotal, &defaults.virustotal},
      {&p.abuseipdb, &defaults.abuseipdb},
      {&p.greynoise, &defaults.greynoise},
      {&p.shodan, &defaults.shodan},
      {&p.rdap, &defaults.rdap},
      {&p.misp, &defaults.misp},
      {&p.opencti, &defaults.opencti}};
  for (const auto& [read, built_in] : pairs) {
    EXPECT_FALSE(read->enabled);
    EXPECT_EQ(read->base_url, built_in->base_url);
    EXPECT_EQ(read->api_key_env, built_in->api_key_env);
    EXPECT_EQ(read->rate_per_minute, built_in->rate_per_minute);
    EXPECT_EQ(read->daily_quota, built_in->daily_quota);
    EXPECT_EQ(read->timeout_ms, built_in->timeout_ms);
    EXPECT_DOUBLE_EQ(read->reliability, built_in->reliability);
    EXPECT_EQ(read->edition, built_in->edition);
  }
}

std::vector<std::string> names(const std::vector<std::unique_ptr<IntelProvider>>& providers) {
  std::vector<std::string> out;
  for (const auto& p : providers) out.emplace_back(p->name());
  return out;
}

TEST(IntelHub, WithNothingEnabledTheProvidersAreTheOfflineOnes) {
  Config config;
  config.context_dir = std::string(SOC_TRIAGE_TEST_DATA_DIR) + "/enrich";
  ManualClock clock;
  auto hub = make_intel_hub(config, clock);
  ASSERT_TRUE(hub) << hub.error().message;
  EXPECT_EQ((*hub)->live(), nullptr);
  const auto providers = (*hub)->providers();
  EXPECT_EQ(names(providers),
            (std::vector<std::string>{"virustotal", "abuseipdb", "greynoise", "shodan", "rdap",
                                      "misp", "opencti", "lists"}));
  const auto answer = providers[1]->lookup(testing::ipv4("185.220.101.34"));
  EXPECT_EQ(answer.status, LookupStatus::kOk);
  EXPECT_EQ(answer.verdict, Verdict::kMalicious);
  EXPECT_DOUBLE_EQ(providers[0]->reliability(), 0.9);
  Config no_context;
  EXPECT_TRUE((*make_intel_hub(no_context, clock))->providers().empty());
}

TEST(IntelHub, EnabledVendorsAreLiveAndReadTheirKeyFromTheEnvironment) {
  LocalServer server;
  server.fallback([](const ServerRequest&) {
    return json_reply(200, R"({"data":{"abuseConfidenceScore":90,"totalReports":3}})");
  });
  Config config;
  config.providers.cache_dir = testing::fresh_dir("hub-live").string();
  config.providers.abuseipdb.enabled = true;
  config.providers.abuseipdb.base_url = server.root("/api/v2");
  config.providers.abuseipdb.api_key_env = "SOC_HUB_TEST_ABUSE_KEY";
  config.providers.abuseipdb.reliability = 0.65;
  ManualClock clock;
  ::unsetenv("SOC_HUB_TEST_ABUSE_KEY");
  auto missing = make_intel_hub(config, clock);
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("providers.abuseipdb"), std::string::npos);
  EXPECT_NE(missing.error().message.find("SOC_HUB_TEST_ABUSE_KEY"), std::string::npos);

  ::setenv("SOC_HUB_TEST_ABUSE_KEY", testing::test_key("hub-abuse").c_str(), 1);
  auto hub = make_intel_hub(config, clock);
  ASSERT_TRUE(hub) << hub.error().message;
  ASSERT_NE((*hub)->live(), nullptr);
  auto providers = (*hub)->providers();
  EXPECT_EQ(names(providers).size(), 8u);
  EXPECT_EQ(providers[1]->name(), "abuseipdb");
  EXPECT_DOUBLE_EQ(providers[1]->reliability(), 0.65);
  auto answer = providers[1]->lookup_shared(testing::ipv4("192.0.2.10"));
  testing::remember(answer);
  EXPECT_EQ(answer->status, LookupStatus::kOk);
  EXPECT_EQ(answer->verdict, Verdict::kMalicious);
  ASSERT_EQ(server.count(), 1u);
  EXPECT_EQ(server.requests()[0].header("key"), testing::test_key("hub-abuse"));
  // A second engine's providers share the same client: no second request.
  auto other_engine = (*hub)->providers();
  EXPECT_EQ(other_engine[1]->lookup_shared(testing::ipv4("192.0.2.10"))->status, LookupStatus::kOk);
  EXPECT_EQ(server.count(), 1u);
  // Offline: the same cache, no network.
  config.providers.offline = true;
  auto offline = make_intel_hub(config, clock);
  ASSERT_TRUE(offline);
  EXPECT_EQ((*offline)->live(), nullptr);
  EXPECT_EQ((*offline)->providers()[1]->lookup(testing::ipv4("192.0.2.10")).verdict,
            Verdict::kMalicious);
  EXPECT_EQ(server.count(), 1u);
  ::unsetenv("SOC_HUB_TEST_ABUSE_KEY");
}

TEST(IntelHub, TheDefaultClientOnlyReachesConfiguredRoots) {
  LocalServer configured;
  LocalServer other;
  configured.fallback([](const ServerRequest&) { return json_reply(200, "{}"); });
  Config config;
  config.providers.shodan.enabled = true;
  config.providers.shodan.base_url = configured.root();
  config.providers.shodan.api_key_env = "SOC_HUB_TEST_SHODAN_KEY";
  config.providers.virustotal.enabled = true;
  config.providers.virustotal.base_url = "https://" + std::string("127.0.0.1:") +
                                         std::to_string(other.port()) + "/api/v3";  // TLS only
  config.providers.virustotal.api_key_env = "SOC_HUB_TEST_SHODAN_KEY";
  config.providers.virustotal.timeout_ms = 300;
  ::setenv("SOC_HUB_TEST_SHODAN_KEY", testing::test_key("hub-shodan").c_str(), 1);
  ManualClock clock;
  auto hub = make_intel_hub(config, clock);
  ASSERT_TRUE(hub) << hub.error().message;
  auto answers = (*hub)->live()->enrich(std::vector<Observable>{testing::ipv4("192.0.2.1")},
                                        clock.now() + 2000);
  testing::remember(answers);
  ASSERT_EQ(answers.size(), 2u);
  EXPECT_EQ(answers[0]->provider, "virustotal");
  EXPECT_NE(answers[0]->status, LookupStatus::kOk);  // no TLS there, and never plain http
  EXPECT_EQ(answers[0]->verdict, Verdict::kUnknown);
  EXPECT_EQ(other.count(), 0u);
  EXPECT_EQ(configured.count(), 1u);
  ::unsetenv("SOC_HUB_TEST_SHODAN_KEY");
}

TEST(IntelHub, RdapUsesTheBootstrapServersAndOnlyThem) {
  LocalServer registry;
  registry.on("/rdap/domain/example.cz",
              json_reply(200, testing::fixture("rdap/domain_example.cz.json")));
  const auto bootstrap = testing::fresh_dir("bootstrap");
  auto write = [&](const std::string& name, const std::string& body) {
    std::ofstream(bootstrap / name) << body;
  };
  write("dns.json", R"({"services":[[["cz"],[")" + registry.root("/rdap/") + R"("]]]})");
  write("ipv4.json", R"({"services":[]})");
  write("ipv6.json", R"({"services":[]})");
  Config config;
  config.providers.rdap.enabled = true;
  config.providers.rdap.bootstrap_dir = bootstrap.string();
  ManualClock clock;
  auto hub = make_intel_hub(config, clock);
  ASSERT_TRUE(hub) << hub.error().message;
  auto answers = (*hub)->live()->enrich(
      std::vector<Observable>{testing::observable(ObservableType::kDomain, "example.cz"),
                              testing::observable(ObservableType::kDomain, "example.com")},
      clock.now() + 2000);
  EXPECT_EQ(answers[0]->status, LookupStatus::kOk) << answers[0]->error;
  EXPECT_TRUE(answers[0]->facts.registered_at.has_value());
  EXPECT_EQ(answers[1]->status, LookupStatus::kSkipped);  // no server for .com in this registry
  EXPECT_EQ(registry.count(), 1u);

  // The shipped registry is found through the data directory when none is configured.
  Config shipped;
  shipped.providers.rdap.enabled = true;
  auto with_data = make_intel_hub(shipped, clock, IntelOptions{.data_dir = source_dir() + "/data"});
  ASSERT_TRUE(with_data) << with_data.error().message;
  auto no_data = make_intel_hub(shipped, clock);
  ASSERT_FALSE(no_data);
  EXPECT_NE(no_data.error().message.find("bootstrap"), std::string::npos);
}

TEST(IntelHub, TheRdapBootstrapIsRefreshedFromIanaWhenAsked) {
  LocalServer iana;
  LocalServer registry;
  iana.on("/rdap/dns.json",
          json_reply(200, R"({"services":[[["cz"],[")" + registry.root("/new/") + R"("]]]})"));
  iana.on("/rdap/ipv4.json", json_reply(200, R"({"services":[]})"));
  iana.on("/rdap/ipv6.json", json_reply(200, R"({"services":[]})"));
  registry.on("/new/domain/example.cz",
              json_reply(200, testing::fixture("rdap/domain_example.cz.json")));
  Config config;
  config.providers.cache_dir = testing::fresh_dir("bootstrap-refresh").string();
  config.providers.rdap.enabled = true;
  config.providers.rdap.refresh_bootstrap = true;
  config.providers.rdap.bootstrap_url = iana.root("/rdap/");
  ManualClock clock;
  // A refreshed registry that names a plain-http server is not trusted; with TLS it would be.
  auto hub = make_intel_hub(config, clock, IntelOptions{.data_dir = source_dir() + "/data"});
  ASSERT_TRUE(hub) << hub.error().message;
  EXPECT_EQ(iana.count(), 3u);
  EXPECT_TRUE(std::filesystem::exists(std::filesystem::path(config.providers.cache_dir) /
                                      "rdap/bootstrap/dns.json"));
  auto answer =
      (*hub)->live()->lookup(0, testing::observable(ObservableType::kDomain, "example.cz"));
  EXPECT_EQ(answer->status, LookupStatus::kSkipped) << answer->error;
  EXPECT_EQ(registry.count(), 0u);
}

TEST(IntelHub, BulletproofAsNumbersAreOneSignalFromOneProvider) {
  Config config;
  config.context_dir = std::string(SOC_TRIAGE_TEST_DATA_DIR) + "/enrich";
  config.providers.bulletproof_asns = {"AS64500"};
  ManualClock clock;
  auto hub = make_intel_hub(config, clock);
  ASSERT_TRUE(hub);
  auto providers = (*hub)->providers();
  ASSERT_EQ(providers.back()->name(), "asn");
  // 203.0.113.10: Shodan knows it is in AS64500.
  auto listed = providers.back()->lookup_shared(testing::ipv4("203.0.113.10"));
  EXPECT_EQ(listed->status, LookupStatus::kOk);
  EXPECT_EQ(listed->facts.asn, 64500u);
  ASSERT_EQ(listed->facts.lists.size(), 1u);
  EXPECT_NE(listed->facts.lists[0].find("bulletproof"), std::string::npos);
  EXPECT_EQ(listed->verdict, Verdict::kUnknown);  // context, not proof
  EXPECT_EQ(providers.back()->lookup_shared(testing::ipv4("192.0.2.250"))->status,
            LookupStatus::kNotFound);
}

TEST(MispFeed, NewAndChangedEventsAreFetchedIntoTheFeedLayout) {
  LocalServer feed;
  const std::string uuid = "57c4445b-c548-4654-af0b-4be3950d210f";
  const auto event =
      nlohmann::json::parse(testing::fixture("misp/events_restsearch_xorist.json"))["response"][0];
  feed.on("/feed/manifest.json",
          json_reply(
              200,
              nlohmann::json{{uuid, {{"info", "Ransomware - Xorist"}, {"timestamp", "1469555057"}}},
                             {"../../etc", {{"timestamp", "1"}}}}
                  .dump()));
  feed.on("/feed/" + uuid + ".json", json_reply(200, event.dump()));
  const auto dir = testing::fresh_dir("feed") / "misp";
  auto client = make_curl_client(testing::allow(feed));
  auto first = sync_misp_feed(*client, feed.root("/feed/"), dir,
                              SteadyClock::now() + Milliseconds(3000), Milliseconds(1000));
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(first->listed, 2u);
  EXPECT_EQ(first->fetched, 1u);
  EXPECT_EQ(first->rejected, 1u);
  EXPECT_TRUE(std::filesystem::exists(dir / (uuid + ".json")));
  auto second = sync_misp_feed(*client, feed.root("/feed"), dir,
                               SteadyClock::now() + Milliseconds(3000), Milliseconds(1000));
  ASSERT_TRUE(second);
  EXPECT_EQ(second->unchanged, 1u);
  EXPECT_EQ(second->fetched, 0u);
  EXPECT_EQ(feed.count("/feed/" + uuid), 1u);
  // The offline MISP provider reads what was synchronised.
  auto offline = make_offline_misp(dir.parent_path());
  EXPECT_EQ(
      offline->lookup(testing::observable(ObservableType::kMd5, "0749bae92ca336a02c83d126e04ec628"))
          .status,
      LookupStatus::kOk);
}

}  // namespace
}  // namespace soc::live
