// The live round: parallel providers under a deadline, budgets, single flight, cache, facades.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

#include "enrich/offline.hpp"
#include "support.hpp"

namespace soc::live {
namespace {
using testing::Fault;
using testing::json_reply;
using testing::LocalServer;
using testing::ManualClock;
using testing::Reply;
using testing::ServerRequest;

constexpr std::string_view kVtClean =
    R"({"data":{"type":"ip_address","id":"x","attributes":{"last_analysis_stats":)"
    R"({"malicious":0,"suspicious":0,"undetected":10,"harmless":60},"asn":64500,"country":"NL"}}})";
constexpr std::string_view kAbuseClean =
    R"({"data":{"ipAddress":"x","abuseConfidenceScore":0,"totalReports":0,"isWhitelisted":false}})";
constexpr std::string_view kGreyNoiseBenign =
    R"({"ip":"x","noise":false,"riot":true,"classification":"benign","message":"Success"})";

// VirusTotal, AbuseIPDB and GreyNoise on one local server, answering every route.
struct ThreeVendors {
  LocalServer server;
  ManualClock clock;

  ThreeVendors() {
    server.fallback([](const ServerRequest& r) {
      if (r.path.starts_with("/vt/")) return json_reply(200, std::string(kVtClean));
      if (r.path.starts_with("/abuse/")) return json_reply(200, std::string(kAbuseClean));
      if (r.path.starts_with("/gn/")) return json_reply(200, std::string(kGreyNoiseBenign));
      return json_reply(404, "{}");
    });
  }
  std::vector<LiveSource> sources(SourceSettings settings = testing::fast_settings()) {
    std::vector<LiveSource> out;
    out.push_back(LiveSource{
        make_virustotal(testing::vendor_settings(server.root("/vt"), testing::test_key("vt"))),
        settings});
    out.push_back(LiveSource{
        make_abuseipdb(testing::vendor_settings(server.root("/abuse"), testing::test_key("ab"))),
        settings});
    out.push_back(LiveSource{
        make_greynoise(testing::vendor_settings(server.root("/gn"), testing::test_key("gn")),
                       GreyNoiseEdition::kCommunity),
        settings});
    return out;
  }
};

const EnrichmentPtr& by_provider(const std::vector<EnrichmentPtr>& all, std::string_view name) {
  for (const auto& e : all)
    if (e->provider == name) return e;
  throw std::runtime_error("no answer from " + std::string(name));
}

TEST(LiveEnricher, AHangingProviderIsCutAtTheDeadlineAndTheOthersStillAnswer) {
  ThreeVendors vendors;
  Reply hang;
  hang.fault = Fault::kHang;
  vendors.server.on("/gn/v3/community/198.51.100.7", hang);
  Reply slowish = json_reply(200, std::string(kVtClean));
  slowish.delay_ms = 100;
  vendors.server.on("/vt/ip_addresses/198.51.100.7", slowish);
  auto live = testing::enricher_for(vendors.server, vendors.sources(), vendors.clock);
  const std::vector<Observable> alert{testing::ipv4("198.51.100.7")};
  const auto start = SteadyClock::now();
  auto answers = live->enrich(alert, vendors.clock.now() + 600);
  testing::remember(answers);
  const auto took = std::chrono::duration_cast<Milliseconds>(SteadyClock::now() - start).count();

  ASSERT_EQ(answers.size(), 3u);
  EXPECT_GE(took, 590);
  EXPECT_LT(took, 900) << "the alert must be decided within its deadline";
  const auto& greynoise = by_provider(answers, "greynoise");
  EXPECT_EQ(greynoise->status, LookupStatus::kTimeout);
  EXPECT_EQ(greynoise->verdict, Verdict::kUnknown);
  // What the reasoning prints for an unavailable source: "<provider> <status> (<error>)".
  EXPECT_TRUE(greynoise->error.starts_with("greynoise: no answer before the alert's deadline"))
      << greynoise->error;
  EXPECT_EQ(by_provider(answers, "virustotal")->status, LookupStatus::kOk);
  EXPECT_EQ(by_provider(answers, "abuseipdb")->status, LookupStatus::kOk);
  // The slow-but-healthy VirusTotal ran alongside, not after, the others.
  const auto seen = vendors.server.requests();
  ASSERT_EQ(seen.size(), 3u);
  const auto spread = std::chrono::duration_cast<Milliseconds>(
      std::max_element(seen.begin(), seen.end(),
                       [](auto& a, auto& b) { return a.received < b.received; })
          ->received -
      std::min_element(seen.begin(), seen.end(), [](auto& a, auto& b) {
        return a.received < b.received;
      })->received);
  EXPECT_LT(spread.count(), 50);
}

TEST(LiveEnricher, TenThousandAlertsOverFiveHundredObservablesNeverExceedTheRate) {
  ThreeVendors vendors;
  // Record, per vendor, the (injected) time of every request the server sees.
  std::mutex seen_mutex;
  std::map<std::string, std::vector<TimestampMs>> times;
  std::map<std::string, std::multiset<std::string>> asked;
  vendors.server.fallback([&](const ServerRequest& r) {
    const std::string vendor = r.path.substr(1, r.path.find('/', 1) - 1);
    {
      std::lock_guard lock(seen_mutex);
      times[vendor].push_back(vendors.clock.now());
      asked[vendor].insert(r.target);
    }
    if (vendor == "vt") return json_reply(200, std::string(kVtClean));
    if (vendor == "abuse") return json_reply(200, std::string(kAbuseClean));
    return json_reply(200, std::string(kGreyNoiseBenign));
  });
  constexpr int kRate = 120;
  SourceSettings settings = testing::fast_settings();
  settings.rate_per_minute = kRate;
  auto live = testing::enricher_for(vendors.server, vendors.sources(settings), vendors.clock);

  std::vector<Observable> pool;
  for (int i = 0; i < 250; ++i)
    pool.push_back(testing::ipv4("198.51." + std::to_string(100 + i / 200) + "." +
                                 std::to_string(i % 200 + 1)));
  for (int i = 0; i < 150; ++i)
    pool.push_back(
        testing::observable(ObservableType::kDomain, "host" + std::to_string(i) + ".example.org"));
  for (int i = 0; i < 100; ++i) {
    char hash[65];
    std::snprintf(hash, sizeof hash, "%064x", i + 1);
    pool.push_back(testing::observable(ObservableType::kSha256, hash));
  }
  std::mt19937 random(42);
  std::map<LookupStatus, int> statuses;
  for (int alert = 0; alert < 10'000; ++alert) {
    std::vector<Observable> observables;
    for (int k = 0; k < 3; ++k) observables.push_back(pool[random() % pool.size()]);
    for (const auto& answer : live->enrich(observables, vendors.clock.now() + 2000)) {
      ++statuses[answer->status];
      if (answer->status != LookupStatus::kOk) {
        ASSERT_EQ(answer->status, LookupStatus::kRateLimited) << answer->error;
        ASSERT_EQ(answer->verdict, Verdict::kUnknown);  // never read as clean
      }
    }
    vendors.clock.advance(30);  // 10,000 alerts over five simulated minutes
  }

  const std::map<std::string, std::size_t> distinct{{"vt", 500}, {"abuse", 250}, {"gn", 250}};
  for (const auto& [vendor, limit] : distinct) {
    const auto& requests = asked[vendor];
    std::set<std::string> unique(requests.begin(), requests.end());
    EXPECT_EQ(unique.size(), requests.size()) << vendor << " asked an observable twice";
    EXPECT_LE(requests.size(), limit) << vendor;
    EXPECT_GT(requests.size(), 200u) << vendor;  // the budget was used, not starved
    auto& t = times[vendor];
    std::sort(t.begin(), t.end());
    for (std::size_t i = kRate; i < t.size(); ++i)
      ASSERT_GE(t[i] - t[i - kRate], kMinute)
          << vendor << ": more than " << kRate << " requests within one minute";
  }
  EXPECT_GT(statuses[LookupStatus::kRateLimited], 0);  // the rate did bind
  EXPECT_GT(statuses[LookupStatus::kOk], 20'000);
}

TEST(LiveEnricher, AWarmRunMakesAtMostOneLookupPerObservable) {
  ThreeVendors vendors;
  auto live = testing::enricher_for(vendors.server, vendors.sources(), vendors.clock);
  std::vector<Observable> pool;
  for (int i = 1; i <= 50; ++i) pool.push_back(testing::ipv4("203.0.113." + std::to_string(i)));
  for (int round = 0; round < 20; ++round)
    for (std::size_t i = 0; i + 2 < pool.size(); i += 3)
      (void)live->enrich(std::span<const Observable>(&pool[i], 3));
  EXPECT_EQ(vendors.server.count("/vt/"), 48u);
  EXPECT_EQ(vendors.server.count("/abuse/"), 48u);
  EXPECT_EQ(live->stats(0).requests, 48u);
  EXPECT_EQ(live->stats(0).memo_hits, 19u * 48u);
}

TEST(LiveEnricher, ConcurrentLookupsOfOneObservableShareOneRequest) {
  ThreeVendors vendors;
  Reply slow = json_reply(200, std::string(kVtClean));
  slow.delay_ms = 200;
  vendors.server.on("/vt/ip_addresses/192.0.2.44", slow);
  auto live = testing::enricher_for(vendors.server, vendors.sources(), vendors.clock);
  std::vector<std::thread> threads;
  std::vector<EnrichmentPtr> answers(8);
  for (int i = 0; i < 8; ++i)
    threads.emplace_back([&, i] { answers[i] = live->lookup(0, testing::ipv4("192.0.2.44")); });
  for (auto& t : threads) t.join();
  for (const auto& a : answers) EXPECT_EQ(a->status, LookupStatus::kOk) << a->error;
  EXPECT_EQ(vendors.server.count("/vt/"), 1u);
  EXPECT_GE(live->stats(0).shared + live->stats(0).memo_hits, 7u);
}

TEST(LiveEnricher, EachFacadeAsksOnceAndTheFirstAsksEveryProviderInParallel) {
  ThreeVendors vendors;
  auto live = testing::enricher_for(vendors.server, vendors.sources(), vendors.clock);
  auto providers = live->providers();
  ASSERT_EQ(providers.size(), 3u);
  EXPECT_EQ(providers[0]->name(), "virustotal");
  EXPECT_EQ(providers[1]->name(), "abuseipdb");
  EXPECT_EQ(providers[2]->name(), "greynoise");
  EXPECT_FALSE(providers[1]->supports(ObservableType::kDomain));
  const auto ip = testing::ipv4("192.0.2.55");
  EXPECT_EQ(providers[0]->lookup_shared(ip)->status, LookupStatus::kOk);
  EXPECT_EQ(vendors.server.count(), 3u);  // the round asked all three at once
  EXPECT_EQ(providers[1]->lookup_shared(ip)->provider, "abuseipdb");
  EXPECT_EQ(providers[2]->lookup(ip).provider, "greynoise");
  EXPECT_EQ(vendors.server.count(), 3u);
  EXPECT_EQ(providers[1]
                ->lookup_shared(testing::observable(ObservableType::kDomain, "a.example"))
                ->status,
            LookupStatus::kSkipped);
}

TEST(LiveEnricher, AnEmptyMinuteBudgetAnswersRateLimitedAtOnce) {
  ThreeVendors vendors;
  SourceSettings settings = testing::fast_settings();
  settings.rate_per_minute = 2;
  std::vector<LiveSource> sources;
  sources.push_back(std::move(vendors.sources(settings)[0]));
  auto live = testing::enricher_for(vendors.server, std::move(sources), vendors.clock);
  const std::vector<Observable> alert{testing::ipv4("192.0.2.1"), testing::ipv4("192.0.2.2"),
                                      testing::ipv4("192.0.2.3")};
  auto answers = live->enrich(alert);
  testing::remember(answers);
  EXPECT_EQ(answers[0]->status, LookupStatus::kOk);
  EXPECT_EQ(answers[1]->status, LookupStatus::kOk);
  EXPECT_EQ(answers[2]->status, LookupStatus::kRateLimited);
  EXPECT_EQ(answers[2]->verdict, Verdict::kUnknown);
  EXPECT_NE(answers[2]->error.find("local budget exhausted: 2 requests a minute"),
            std::string::npos)
      << answers[2]->error;
  EXPECT_EQ(vendors.server.count(), 2u);
  vendors.clock.advance(kMinute);
  EXPECT_EQ(live->enrich(alert)[2]->status, LookupStatus::kOk);
  EXPECT_EQ(vendors.server.count(), 3u);
}

TEST(LiveEnricher, TheDailyQuotaSurvivesARestartAndResetsAtMidnightUtc) {
  ThreeVendors vendors;
  vendors.clock.set(20'000 * kDay + 10 * kHour);
  const auto dir = testing::fresh_dir("quota");
  SourceSettings settings = testing::fast_settings();
  settings.daily_quota = 2;
  LiveOptions options;
  options.quota_dir = dir;
  auto make = [&] {
    std::vector<LiveSource> sources;
    sources.push_back(std::move(vendors.sources(settings)[0]));
    return testing::enricher_for(vendors.server, std::move(sources), vendors.clock, {}, options);
  };
  {
    auto first = make();
    EXPECT_EQ(first->lookup(0, testing::ipv4("192.0.2.1"))->status, LookupStatus::kOk);
    EXPECT_EQ(first->lookup(0, testing::ipv4("192.0.2.2"))->status, LookupStatus::kOk);
  }
  auto second = make();
  auto refused = second->lookup(0, testing::ipv4("192.0.2.3"));
  EXPECT_EQ(refused->status, LookupStatus::kRateLimited);
  EXPECT_NE(refused->error.find("daily quota of 2"), std::string::npos) << refused->error;
  EXPECT_EQ(vendors.server.count(), 2u);
  vendors.clock.set(20'001 * kDay);
  EXPECT_EQ(second->lookup(0, testing::ipv4("192.0.2.4"))->status, LookupStatus::kOk);
}

TEST(LiveEnricher, TheBreakerOpensAfterRepeatedFailuresAndAProbeClosesIt) {
  LocalServer server;
  server.fallback([](const ServerRequest&) { return json_reply(500, "{}"); });
  ManualClock clock;
  SourceSettings settings = testing::fast_settings();
  settings.max_retries = 0;
  settings.breaker_failures = 3;
  settings.breaker_cooldown_ms = 30'000;
  std::vector<LiveSource> sources;
  sources.push_back(LiveSource{
      make_virustotal(testing::vendor_settings(server.root("/vt"), testing::test_key("vt"))),
      settings});
  LiveOptions options;
  options.failure_hold_ms = 0;
  auto live = testing::enricher_for(server, std::move(sources), clock, {}, options);
  for (int i = 1; i <= 3; ++i)
    EXPECT_EQ(live->lookup(0, testing::ipv4("192.0.2." + std::to_string(i)))->status,
              LookupStatus::kError);
  auto refused = live->lookup(0, testing::ipv4("192.0.2.9"));
  EXPECT_EQ(refused->status, LookupStatus::kError);
  EXPECT_NE(refused->error.find("circuit open after 3 consecutive failures"), std::string::npos)
      << refused->error;
  EXPECT_EQ(server.count(), 3u);
  clock.advance(30'000);
  server.fallback([](const ServerRequest&) { return json_reply(200, std::string(kVtClean)); });
  EXPECT_EQ(live->lookup(0, testing::ipv4("192.0.2.9"))->status, LookupStatus::kOk);  // the probe
  EXPECT_EQ(live->lookup(0, testing::ipv4("192.0.2.10"))->status, LookupStatus::kOk);
  EXPECT_EQ(server.count(), 5u);
}

TEST(LiveEnricher, CachedAnswersLiveForTheirTypesTtl) {
  ThreeVendors vendors;
  const auto dir = testing::fresh_dir("ttl");
  auto make = [&] {
    std::vector<LiveSource> sources;
    sources.push_back(std::move(vendors.sources()[0]));
    return testing::enricher_for(vendors.server, std::move(sources), vendors.clock, dir);
  };
  const auto ip = testing::ipv4("192.0.2.77");
  const auto hash = testing::observable(ObservableType::kSha256, std::string(64, 'c'));
  (void)make()->enrich(std::vector<Observable>{ip, hash});
  EXPECT_EQ(vendors.server.count(), 2u);
  vendors.clock.advance(23 * kHour);
  (void)make()->enrich(std::vector<Observable>{ip, hash});
  EXPECT_EQ(vendors.server.count(), 2u);  // both fresh
  vendors.clock.advance(2 * kHour);
  auto answers = make()->enrich(std::vector<Observable>{ip, hash});
  EXPECT_EQ(vendors.server.count(), 3u);  // the IP (24 h) was asked again, the hash (7 d) not
  EXPECT_EQ(answers[0]->fetched_at, vendors.clock.now());
  EXPECT_EQ(answers[1]->fetched_at, vendors.clock.now() - 25 * kHour);
}

TEST(LiveEnricher, OfflineProvidersReadWhatTheLiveClientsWrote) {
  ThreeVendors vendors;
  const auto dir = testing::fresh_dir("offline-after-live");
  auto live = testing::enricher_for(vendors.server, vendors.sources(), vendors.clock, dir);
  const auto ip = testing::ipv4("192.0.2.88");
  auto answers = live->enrich(std::vector<Observable>{ip});
  auto offline = make_offline_providers(dir.string());
  for (const auto& provider : offline) {
    if (provider->name() != "virustotal" && provider->name() != "abuseipdb" &&
        provider->name() != "greynoise")
      continue;
    const auto read = provider->lookup(ip);
    const auto& fetched = by_provider(answers, provider->name());
    EXPECT_EQ(read.status, fetched->status) << provider->name();
    EXPECT_EQ(read.verdict, fetched->verdict) << provider->name();
    EXPECT_EQ(read.fetched_at, fetched->fetched_at) << provider->name();
  }
}

TEST(LiveEnricher, ASharedFlightStillRunningAtTheDeadlineIsATimeoutForTheWaiter) {
  ThreeVendors vendors;
  Reply slow = json_reply(200, std::string(kVtClean));
  slow.delay_ms = 600;
  vendors.server.on("/vt/ip_addresses/192.0.2.99", slow);
  std::vector<LiveSource> sources;
  sources.push_back(std::move(vendors.sources()[0]));
  auto live = testing::enricher_for(vendors.server, std::move(sources), vendors.clock);
  const std::vector<Observable> alert{testing::ipv4("192.0.2.99")};
  std::thread first([&] { (void)live->enrich(alert, vendors.clock.now() + 2000); });
  std::this_thread::sleep_for(Milliseconds(100));
  const auto start = SteadyClock::now();
  auto waiting = live->enrich(alert, vendors.clock.now() + 200);
  const auto took = std::chrono::duration_cast<Milliseconds>(SteadyClock::now() - start).count();
  first.join();
  EXPECT_EQ(waiting[0]->status, LookupStatus::kTimeout);
  EXPECT_LT(took, 450);
  EXPECT_EQ(vendors.server.count(), 1u);
  EXPECT_EQ(live->lookup(0, alert[0])->status, LookupStatus::kOk);  // the first one's answer
}

}  // namespace
}  // namespace soc::live
