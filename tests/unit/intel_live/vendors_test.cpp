// Each vendor client against a local server speaking its protocol, through the failure matrix.
//
// 401, 404, 429 with Retry-After, 5xx, timeouts, truncated and malformed bodies, a hang: a
// failure is never an answer that reads as clean.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "enrich/offline.hpp"
#include "enrich/parsers.hpp"
#include "support.hpp"

namespace soc::live {
namespace {
using testing::Fault;
using testing::fixture;
using testing::json_reply;
using testing::LocalServer;
using testing::ManualClock;
using testing::Reply;
using testing::ServerRequest;

struct VendorCase {
  std::string label;
  std::function<std::unique_ptr<Vendor>(const LocalServer&, Milliseconds timeout)> make;
  Observable observable;
  std::string route;       // the path the request must hit
  std::string ok_body;     // what the vendor answers
  std::string cache_path;  // where the answer lands under intel/
  std::function<void(const ServerRequest&)> check_request;
  std::function<void(const Enrichment&)> check_answer;
};

std::string key_of(const std::string& vendor) {
  return testing::test_key(vendor);
}

std::vector<VendorCase> cases() {
  std::vector<VendorCase> out;
  auto vt = [](const LocalServer& s, Milliseconds t) {
    return make_virustotal(testing::vendor_settings(s.root("/api/v3"), key_of("virustotal"), t));
  };
  auto vt_headers = [](const ServerRequest& r) {
    EXPECT_EQ(r.method, "GET");
    EXPECT_EQ(r.header("x-apikey"), key_of("virustotal"));
    EXPECT_EQ(r.header("accept"), "application/json");
  };
  const std::string file_hash = "03bd9a94482f180bb047626cb2f27ccf8daa0e201345480b43585580e09c311b";
  out.push_back({"virustotal_file", vt, testing::observable(ObservableType::kSha256, file_hash),
                 "/api/v3/files/" + file_hash, fixture("virustotal/file_vt3_file_1.json"),
                 "virustotal/files/" + file_hash + ".json", vt_headers, [](const Enrichment& e) {
                   EXPECT_EQ(e.verdict, Verdict::kMalicious);
                   EXPECT_EQ(e.facts.engines_malicious, 40);
                 }});
  out.push_back({"virustotal_ip", vt, testing::ipv4("23.129.64.215"),
                 "/api/v3/ip_addresses/23.129.64.215", fixture("virustotal/ip_23.129.64.215.json"),
                 "virustotal/ip_addresses/23.129.64.215.json",
                 [vt_headers](const ServerRequest& r) {
                   vt_headers(r);
                   EXPECT_EQ(r.query, "relationships=resolutions");
                 },
                 [](const Enrichment& e) {
                   EXPECT_EQ(e.status, LookupStatus::kOk);
                   EXPECT_TRUE(e.facts.engines_malicious.has_value());
                 }});
  out.push_back(
      {"virustotal_domain", vt, testing::observable(ObservableType::kDomain, "down.mykings.pw"),
       "/api/v3/domains/down.mykings.pw", fixture("virustotal/domain_down.mykings.pw.json"),
       "virustotal/domains/down.mykings.pw.json", vt_headers,
       [](const Enrichment& e) { EXPECT_EQ(e.status, LookupStatus::kOk); }});
  const std::string url = "http://218.54.47.77/";
  out.push_back(
      {"virustotal_url", vt, testing::observable(ObservableType::kUrl, url),
       "/api/v3/urls/" + virustotal_url_id(url), fixture("virustotal/url_218.54.47.77.json"),
       "virustotal/urls/" + virustotal_url_id(url) + ".json", vt_headers, [](const Enrichment& e) {
         EXPECT_EQ(e.status, LookupStatus::kOk);
         EXPECT_EQ(e.verdict, Verdict::kBenign);  // 57 harmless, 0 malicious
       }});
  out.push_back(
      {"abuseipdb",
       [](const LocalServer& s, Milliseconds t) {
         return make_abuseipdb(testing::vendor_settings(s.root("/api/v2"), key_of("abuseipdb"), t));
       },
       testing::ipv4("185.220.101.34"), "/api/v2/check",
       fixture("abuseipdb/check_verbose_185.220.101.34.json"), "abuseipdb/185.220.101.34.json",
       [](const ServerRequest& r) {
         EXPECT_EQ(r.query, "ipAddress=185.220.101.34&maxAgeInDays=90&verbose");
         EXPECT_EQ(r.header("key"), key_of("abuseipdb"));
         EXPECT_EQ(r.header("accept"), "application/json");
       },
       [](const Enrichment& e) {
         EXPECT_EQ(e.verdict, Verdict::kMalicious);
         EXPECT_EQ(e.facts.abuse_confidence, 100);
         EXPECT_EQ(e.facts.total_reports, 15234);
       }});
  out.push_back({"greynoise_community",
                 [](const LocalServer& s, Milliseconds t) {
                   return make_greynoise(testing::vendor_settings(s.root(), key_of("greynoise"), t),
                                         GreyNoiseEdition::kCommunity);
                 },
                 testing::ipv4("51.91.185.74"), "/v3/community/51.91.185.74",
                 fixture("greynoise/community_51.91.185.74.json"), "greynoise/51.91.185.74.json",
                 [](const ServerRequest& r) { EXPECT_EQ(r.header("key"), key_of("greynoise")); },
                 [](const Enrichment& e) {
                   EXPECT_EQ(e.verdict, Verdict::kMalicious);
                   EXPECT_EQ(e.facts.noise_classification, "malicious");
                 }});
  out.push_back({"greynoise_enterprise",
                 [](const LocalServer& s, Milliseconds t) {
                   return make_greynoise(testing::vendor_settings(s.root(), key_of("greynoise"), t),
                                         GreyNoiseEdition::kEnterprise);
                 },
                 testing::ipv4("71.6.135.131"), "/v2/noise/context/71.6.135.131",
                 fixture("greynoise/context_71.6.135.131.json"), "greynoise/71.6.135.131.json",
                 [](const ServerRequest& r) { EXPECT_EQ(r.header("key"), key_of("greynoise")); },
                 [](const Enrichment& e) { EXPECT_EQ(e.status, LookupStatus::kOk); }});
  out.push_back({"shodan",
                 [](const LocalServer& s, Milliseconds t) {
                   return make_shodan(testing::vendor_settings(s.root(), key_of("shodan"), t));
                 },
                 testing::ipv4("203.0.113.10"), "/shodan/host/203.0.113.10",
                 fixture("shodan/host_203.0.113.10.json"), "shodan/203.0.113.10.json",
                 [](const ServerRequest& r) { EXPECT_EQ(r.query, "key=" + key_of("shodan")); },
                 [](const Enrichment& e) {
                   EXPECT_EQ(e.verdict, Verdict::kSuspicious);
                   EXPECT_FALSE(e.facts.open_ports.empty());
                 }});
  out.push_back(
      {"rdap_domain",
       [](const LocalServer& s, Milliseconds t) {
         return make_rdap(testing::vendor_settings(s.root("/rdap/"), "", t), nullptr);
       },
       testing::observable(ObservableType::kDomain, "example.cz"), "/rdap/domain/example.cz",
       fixture("rdap/domain_example.cz.json"), "rdap/domain/example.cz.json",
       [](const ServerRequest& r) { EXPECT_EQ(r.header("accept"), "application/rdap+json"); },
       [](const Enrichment& e) {
         EXPECT_EQ(e.verdict, Verdict::kUnknown);
         EXPECT_TRUE(e.facts.registered_at.has_value());
       }});
  out.push_back(
      {"rdap_ip",
       [](const LocalServer& s, Milliseconds t) {
         return make_rdap(testing::vendor_settings(s.root("/rdap"), "", t), nullptr);
       },
       testing::ipv4("206.41.110.10"), "/rdap/ip/206.41.110.10",
       fixture("rdap/ip_206.41.110.0.json"), "rdap/ip/206.41.110.10.json",
       [](const ServerRequest& r) { EXPECT_EQ(r.header("accept"), "application/rdap+json"); },
       [](const Enrichment& e) { EXPECT_EQ(e.status, LookupStatus::kOk); }});
  const std::string md5 = "0749bae92ca336a02c83d126e04ec628";
  out.push_back({"misp",
                 [](const LocalServer& s, Milliseconds t) {
                   return make_misp(testing::vendor_settings(s.root("/misp"), key_of("misp"), t),
                                    testing::fresh_dir("misp-feed-empty"));
                 },
                 testing::observable(ObservableType::kMd5, md5), "/misp/events/restSearch",
                 fixture("misp/events_restsearch_xorist.json"),
                 "misp/restsearch/md5/" + md5 + ".json",
                 [md5](const ServerRequest& r) {
                   EXPECT_EQ(r.method, "POST");
                   EXPECT_EQ(r.header("authorization"), key_of("misp"));
                   const auto body = nlohmann::json::parse(r.body);
                   EXPECT_EQ(body["value"], md5);
                   EXPECT_EQ(body["returnFormat"], "json");
                 },
                 [](const Enrichment& e) {
                   EXPECT_EQ(e.verdict, Verdict::kSuspicious);  // to_ids, but threat level 3 (Low)
                   ASSERT_FALSE(e.facts.events.empty());
                   EXPECT_EQ(e.facts.events[0], "Ransomware - Xorist");
                 }});
  out.push_back({"opencti",
                 [](const LocalServer& s, Milliseconds t) {
                   return make_opencti(
                       testing::vendor_settings(s.root("/opencti"), key_of("opencti"), t));
                 },
                 testing::observable(ObservableType::kDomain, "doc-secure.xyz"), "/opencti/graphql",
                 fixture("opencti/observables_doc-secure.xyz.json"), "opencti/doc-secure.xyz.json",
                 [](const ServerRequest& r) {
                   EXPECT_EQ(r.method, "POST");
                   EXPECT_EQ(r.header("authorization"), "Bearer " + key_of("opencti"));
                   const auto body = nlohmann::json::parse(r.body);
                   EXPECT_EQ(body["variables"]["value"], "doc-secure.xyz");
                   EXPECT_NE(body["query"].get<std::string>().find("stixCyberObservables"),
                             std::string::npos);
                 },
                 [](const Enrichment& e) {
                   EXPECT_EQ(e.verdict, Verdict::kMalicious);
                   EXPECT_FALSE(e.facts.tags.empty());
                 }});
  return out;
}

class VendorProtocol : public ::testing::TestWithParam<VendorCase> {
 protected:
  std::shared_ptr<LiveEnricher> enricher(const std::filesystem::path& cache_dir = {},
                                         Milliseconds timeout = Milliseconds(1500)) {
    std::vector<LiveSource> sources;
    sources.push_back(LiveSource{GetParam().make(server_, timeout), testing::fast_settings()});
    LiveOptions options;
    options.failure_hold_ms = 0;  // every lookup below is a fresh question
    options.deadline = Milliseconds(2500);
    return testing::enricher_for(server_, std::move(sources), clock_, cache_dir, options);
  }
  EnrichmentPtr ask(LiveEnricher& live) {
    auto out = live.lookup(0, GetParam().observable);
    testing::remember(out);
    return out;
  }
  // A failure: named, explained, never clean, and keyless.
  void expect_failure(const Enrichment& e, LookupStatus status, const std::string& words) {
    EXPECT_EQ(e.status, status) << e.error;
    EXPECT_EQ(e.verdict, Verdict::kUnknown);
    EXPECT_TRUE(e.error.starts_with(e.provider)) << e.error;
    EXPECT_NE(e.error.find(words), std::string::npos) << e.error;
    EXPECT_EQ(e.error.find(testing::kKeyMarker), std::string::npos) << e.error;
  }

  LocalServer server_;
  ManualClock clock_;
};

TEST_P(VendorProtocol, SendsTheDocumentedRequestAndReadsTheRecordedAnswer) {
  const auto& c = GetParam();
  server_.on(c.route, json_reply(200, c.ok_body));
  const auto cache_dir = testing::fresh_dir(c.label);
  auto live = enricher(cache_dir);
  auto answer = ask(*live);
  EXPECT_EQ(answer->status, LookupStatus::kOk) << answer->error;
  EXPECT_EQ(answer->provider, live->source_name(0));
  EXPECT_EQ(answer->fetched_at, clock_.now());
  c.check_answer(*answer);
  const auto seen = server_.requests();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].path, c.route);
  c.check_request(seen[0]);

  // Written through to the intel/ layout, with its fetch time.
  EXPECT_TRUE(std::filesystem::exists(cache_dir / c.cache_path)) << c.cache_path;
  const auto meta =
      nlohmann::json::parse(*IntelCache::read_file(cache_dir / meta_path_for(c.cache_path)));
  EXPECT_EQ(meta["status"], "ok");
  EXPECT_EQ(parse_time(meta["fetched_at"].get<std::string>()), clock_.now());

  // A new process with the same cache asks nobody while the answer is fresh.
  auto again = enricher(cache_dir);
  auto cached = ask(*again);
  EXPECT_EQ(cached->status, LookupStatus::kOk);
  EXPECT_EQ(cached->verdict, answer->verdict);
  EXPECT_EQ(server_.count(), 1u);
  EXPECT_EQ(again->stats(0).cache_hits, 1u);
}

TEST_P(VendorProtocol, UnauthorizedIsAnErrorAndOpensTheBreaker) {
  server_.on(GetParam().route, json_reply(401, R"({"error":"unauthorized"})"));
  auto live = enricher();
  expect_failure(*ask(*live), LookupStatus::kError, "unauthorized (HTTP 401)");
  clock_.advance(1000);
  expect_failure(*ask(*live), LookupStatus::kError, "circuit open: the API key was refused");
  EXPECT_EQ(server_.count(), 1u);
}

TEST_P(VendorProtocol, NotFoundIsCachedAsNotFound) {
  server_.on(GetParam().route, json_reply(404, R"({"errorCode":404})"));
  const auto cache_dir = testing::fresh_dir(GetParam().label + "-404");
  auto live = enricher(cache_dir);
  auto answer = ask(*live);
  EXPECT_EQ(answer->status, LookupStatus::kNotFound) << answer->error;
  EXPECT_EQ(answer->verdict, Verdict::kUnknown);
  auto again = enricher(cache_dir);
  EXPECT_EQ(ask(*again)->status, LookupStatus::kNotFound);
  EXPECT_EQ(server_.count(), 1u);  // negative caching
  clock_.advance(7 * kHour);       // past the not-found TTL (6 h by default)
  EXPECT_EQ(ask(*again)->status, LookupStatus::kNotFound);
  EXPECT_EQ(server_.count(), 2u);
}

TEST_P(VendorProtocol, TooManyRequestsHonoursRetryAfterInSeconds) {
  Reply limited = json_reply(429, R"({"error":{"code":"QuotaExceededError"}})");
  limited.headers.emplace_back("Retry-After", "30");
  server_.on(GetParam().route, limited);
  auto live = enricher();
  expect_failure(*ask(*live), LookupStatus::kRateLimited, "HTTP 429");
  clock_.advance(29'000);
  expect_failure(*ask(*live), LookupStatus::kRateLimited, "Retry-After");
  EXPECT_EQ(server_.count(), 1u);
  clock_.advance(1'000);
  server_.on(GetParam().route, json_reply(200, GetParam().ok_body));
  EXPECT_EQ(ask(*live)->status, LookupStatus::kOk);
  EXPECT_EQ(server_.count(), 2u);
}

TEST_P(VendorProtocol, TooManyRequestsHonoursRetryAfterAsAnHttpDate) {
  Reply limited = json_reply(429, "{}");
  clock_.set(784'111'777'000 - 10'000);  // ten seconds before the date below
  limited.headers.emplace_back("Retry-After", "Sun, 06 Nov 1994 08:49:37 GMT");
  server_.on(GetParam().route, limited);
  auto live = enricher();
  auto first = ask(*live);
  expect_failure(*first, LookupStatus::kRateLimited, "1994-11-06T08:49:37Z");
  clock_.advance(9'999);
  expect_failure(*ask(*live), LookupStatus::kRateLimited, "Retry-After");
  EXPECT_EQ(server_.count(), 1u);
}

TEST_P(VendorProtocol, TransientServerErrorsAreRetriedWithBackoff) {
  server_.script(GetParam().route, {json_reply(503, "{}"), json_reply(502, "{}"),
                                    json_reply(200, GetParam().ok_body)});
  auto live = enricher();
  auto answer = ask(*live);
  EXPECT_EQ(answer->status, LookupStatus::kOk) << answer->error;
  const auto seen = server_.requests();
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_GE(std::chrono::duration_cast<Milliseconds>(seen[2].received - seen[1].received).count(),
            18);  // backoff doubles: 10 ms, then 20 ms
}

TEST_P(VendorProtocol, PersistentServerErrorsEndAsAnErrorAfterTheRetries) {
  server_.on(GetParam().route, json_reply(500, "<html>oops</html>"));
  auto live = enricher();
  expect_failure(*ask(*live), LookupStatus::kError, "HTTP 500 after 3 attempt(s)");
  EXPECT_EQ(server_.count(), 3u);
}

TEST_P(VendorProtocol, ClientErrorsAreNotRetried) {
  server_.on(GetParam().route, json_reply(400, R"({"error":"bad request"})"));
  auto live = enricher();
  expect_failure(*ask(*live), LookupStatus::kError, "HTTP 400");
  EXPECT_EQ(server_.count(), 1u);
}

TEST_P(VendorProtocol, ASlowAnswerIsATimeout) {
  Reply slow = json_reply(200, GetParam().ok_body);
  slow.delay_ms = 1000;
  server_.on(GetParam().route, slow);
  auto live = enricher({}, Milliseconds(200));
  const auto start = SteadyClock::now();
  expect_failure(*ask(*live), LookupStatus::kTimeout, "no answer within 200 ms");
  EXPECT_LT(std::chrono::duration_cast<Milliseconds>(SteadyClock::now() - start).count(), 700);
  EXPECT_EQ(server_.count(), 1u);  // a timeout is not retried: the deadline is the alert's
}

TEST_P(VendorProtocol, TruncatedBodiesAreRetriedThenAnError) {
  Reply truncated = json_reply(200, GetParam().ok_body);
  truncated.fault = Fault::kTruncate;
  server_.on(GetParam().route, truncated);
  auto live = enricher();
  expect_failure(*ask(*live), LookupStatus::kError, "interrupted");
  EXPECT_EQ(server_.count(), 3u);
}

TEST_P(VendorProtocol, AMalformedBodyIsAnErrorNeverClean) {
  server_.on(GetParam().route, json_reply(200, GetParam().ok_body.substr(0, 40)));
  const auto cache_dir = testing::fresh_dir(GetParam().label + "-malformed");
  auto live = enricher(cache_dir);
  expect_failure(*ask(*live), LookupStatus::kError, "malformed response");
  EXPECT_FALSE(std::filesystem::exists(cache_dir / GetParam().cache_path));
}

TEST_P(VendorProtocol, AHangIsCutAtTheDeadline) {
  Reply hang;
  hang.fault = Fault::kHang;
  server_.on(GetParam().route, hang);
  auto live = enricher();
  const auto start = SteadyClock::now();
  auto answer =
      live->enrich(std::span<const Observable>(&GetParam().observable, 1), clock_.now() + 250);
  testing::remember(answer);
  const auto took = std::chrono::duration_cast<Milliseconds>(SteadyClock::now() - start).count();
  expect_failure(*answer[0], LookupStatus::kTimeout, "deadline");
  EXPECT_GE(took, 240);
  EXPECT_LT(took, 600);
}

INSTANTIATE_TEST_SUITE_P(AllVendors, VendorProtocol, ::testing::ValuesIn(cases()),
                         [](const auto& info) { return info.param.label; });

// ---------------------------------------------------------------------------------------------
// Vendor-specific behaviour.

std::shared_ptr<LiveEnricher> single(const LocalServer& server, std::unique_ptr<Vendor> vendor,
                                     const Clock& clock, const std::filesystem::path& dir = {}) {
  std::vector<LiveSource> sources;
  sources.push_back(LiveSource{std::move(vendor), testing::fast_settings()});
  LiveOptions options;
  options.failure_hold_ms = 0;
  return testing::enricher_for(server, std::move(sources), clock, dir, options);
}

TEST(GreyNoise, ACommunity404ExplainsItselfAndThatIsKept) {
  LocalServer server;
  server.on("/v3/community/192.0.2.200",
            json_reply(404, fixture("greynoise/community_not_observed_192.0.2.200.json")));
  ManualClock clock;
  const auto dir = testing::fresh_dir("greynoise-404");
  auto live = single(
      server,
      make_greynoise(testing::vendor_settings(server.root(), ""), GreyNoiseEdition::kCommunity),
      clock, dir);
  auto answer = live->lookup(0, testing::ipv4("192.0.2.200"));
  testing::remember(answer);
  EXPECT_EQ(answer->status, LookupStatus::kNotFound);
  EXPECT_EQ(answer->facts.internet_noise, false);  // "GreyNoise does not know it" is a fact
  EXPECT_TRUE(server.requests()[0].header("key").empty());  // community without a key
  // The body is kept, so the offline provider reads the same facts.
  auto offline = make_offline_greynoise(dir)->lookup(testing::ipv4("192.0.2.200"));
  EXPECT_EQ(offline.status, LookupStatus::kNotFound);
  EXPECT_EQ(offline.facts.internet_noise, false);
}

TEST(VirusTotal, AQuotaErrorInTheBodyIsRateLimitedNotClean) {
  LocalServer server;
  server.on("/api/v3/ip_addresses/192.0.2.1",
            json_reply(200, fixture("virustotal/error_quota_exceeded.json")));
  ManualClock clock;
  auto live = single(
      server,
      make_virustotal(testing::vendor_settings(server.root("/api/v3"), testing::test_key("vt"))),
      clock);
  auto answer = live->lookup(0, testing::ipv4("192.0.2.1"));
  testing::remember(answer);
  EXPECT_EQ(answer->status, LookupStatus::kRateLimited);
  EXPECT_EQ(answer->verdict, Verdict::kUnknown);
  clock.advance(1000);
  auto next = live->lookup(0, testing::ipv4("192.0.2.2"));
  EXPECT_EQ(next->status, LookupStatus::kRateLimited);  // backs off without asking
  EXPECT_EQ(server.count(), 1u);
}

TEST(VirusTotal, ABareHostUrlIsAlsoAskedWithItsSlash) {
  LocalServer server;
  const std::string bare = "http://218.54.47.77";
  server.on("/api/v3/urls/" + virustotal_url_id(bare),
            json_reply(404, fixture("virustotal/error_not_found.json")));
  server.on("/api/v3/urls/" + virustotal_url_id(bare + "/"),
            json_reply(200, fixture("virustotal/url_218.54.47.77.json")));
  ManualClock clock;
  auto live = single(
      server,
      make_virustotal(testing::vendor_settings(server.root("/api/v3"), testing::test_key("vt"))),
      clock);
  auto answer = live->lookup(0, testing::observable(ObservableType::kUrl, bare));
  EXPECT_EQ(answer->status, LookupStatus::kOk) << answer->error;
  EXPECT_EQ(server.count(), 2u);
}

TEST(Rdap, ASubdomainFallsBackToTheRegisteredDomain) {
  LocalServer server;
  server.on("/rdap/domain/www.shop.example.cz", json_reply(404, fixture("rdap/error_404.json")));
  server.on("/rdap/domain/shop.example.cz", json_reply(404, fixture("rdap/error_404.json")));
  server.on("/rdap/domain/example.cz", json_reply(200, fixture("rdap/domain_example.cz.json")));
  ManualClock clock;
  const auto dir = testing::fresh_dir("rdap-walk");
  auto live = single(
      server, make_rdap(testing::vendor_settings(server.root("/rdap/"), ""), nullptr), clock, dir);
  const auto name = testing::observable(ObservableType::kDomain, "www.shop.example.cz");
  auto answer = live->lookup(0, name);
  EXPECT_EQ(answer->status, LookupStatus::kOk) << answer->error;
  EXPECT_TRUE(answer->facts.registered_at.has_value());
  EXPECT_EQ(server.count(), 3u);
  EXPECT_TRUE(std::filesystem::exists(dir / "rdap/domain/example.cz.json"));
  // No body for the names the registry does not know, so the offline walk reaches the parent.
  EXPECT_FALSE(std::filesystem::exists(dir / "rdap/domain/www.shop.example.cz.json"));
  auto offline = make_offline_rdap(dir)->lookup(name);
  EXPECT_EQ(offline.status, LookupStatus::kOk);
  // A second process walks the cached not-founds without asking.
  auto again = single(
      server, make_rdap(testing::vendor_settings(server.root("/rdap/"), ""), nullptr), clock, dir);
  EXPECT_EQ(again->lookup(0, name)->status, LookupStatus::kOk);
  EXPECT_EQ(server.count(), 3u);
}

TEST(Rdap, TheBootstrapRegistryPicksTheServer) {
  LocalServer registry_a;
  LocalServer registry_b;
  registry_a.on("/a/domain/example.cz", json_reply(200, fixture("rdap/domain_example.cz.json")));
  registry_b.on("/b/ip/206.41.110.10", json_reply(200, fixture("rdap/ip_206.41.110.0.json")));
  auto bootstrap = std::make_shared<RdapBootstrap>();
  ASSERT_TRUE(bootstrap->add_registry(
      "dns", R"({"services":[[["cz","xyz"],[")" + registry_a.root("/a/") + R"("]]]})", true));
  ASSERT_TRUE(bootstrap->add_registry(
      "ipv4",
      R"({"services":[[["206.0.0.0/8"],[")" + registry_a.root("/wrong/") +
          R"("]],[["206.41.0.0/16"],[")" + registry_b.root("/b") + R"("]]]})",
      true));
  EXPECT_EQ(bootstrap->server_for_domain("www.Example.CZ."), registry_a.root("/a/"));
  EXPECT_EQ(bootstrap->server_for_ip("206.41.110.10"), registry_b.root("/b/"));  // longest prefix
  EXPECT_FALSE(bootstrap->server_for_domain("example.invalid"));
  EXPECT_EQ(bootstrap->servers().size(), 3u);

  EgressPolicy policy;
  for (const auto& server : bootstrap->servers()) ASSERT_TRUE(policy.allow_root(server));
  std::vector<LiveSource> sources;
  sources.push_back(
      LiveSource{make_rdap(testing::vendor_settings("", ""), bootstrap), testing::fast_settings()});
  ManualClock clock;
  LiveEnricher live(std::move(sources), make_curl_client(policy), IntelCache(), clock, {});
  std::vector<Observable> asked{testing::observable(ObservableType::kDomain, "example.cz"),
                                testing::ipv4("206.41.110.10"),
                                testing::observable(ObservableType::kDomain, "example.invalid")};
  auto answers = live.enrich(asked, clock.now() + 2000);
  EXPECT_EQ(answers[0]->status, LookupStatus::kOk) << answers[0]->error;
  EXPECT_EQ(answers[1]->status, LookupStatus::kOk) << answers[1]->error;
  EXPECT_EQ(answers[2]->status, LookupStatus::kSkipped);
  EXPECT_NE(answers[2]->error.find("no RDAP server"), std::string::npos);
}

TEST(Rdap, TheShippedRegistryListsTlsServersOnly) {
  auto shipped = RdapBootstrap::load(
      std::string(SOC_TRIAGE_TEST_DATA_DIR) + "/../../data/rdap-bootstrap", false);
  ASSERT_TRUE(shipped) << shipped.error().message;
  EXPECT_GT(shipped->tld_count(), 700u);
  for (const auto& server : shipped->servers())
    EXPECT_TRUE(server.starts_with("https://")) << server;
  EXPECT_EQ(shipped->server_for_domain("example.com"), "https://rdap.verisign.com/com/v1/");
  EXPECT_TRUE(shipped->server_for_ip("185.220.101.34").has_value());
}

TEST(Misp, ReturnedEventsJoinTheOfflineFeed) {
  LocalServer server;
  server.on("/misp/events/restSearch",
            json_reply(200, fixture("misp/events_restsearch_xorist.json")));
  ManualClock clock;
  const auto dir = testing::fresh_dir("misp-feed");
  auto live =
      single(server,
             make_misp(testing::vendor_settings(server.root("/misp"), testing::test_key("misp")),
                       dir / "misp"),
             clock, dir);
  const auto sha1 =
      testing::observable(ObservableType::kSha1, "77b0c41b7d340b8a3d903f21347bbf06aa766b5b");
  EXPECT_EQ(live->lookup(0, sha1)->status, LookupStatus::kOk);
  EXPECT_TRUE(std::filesystem::exists(dir / "misp/57c4445b-c548-4654-af0b-4be3950d210f.json"));
  auto offline = make_offline_misp(dir)->lookup(sha1);
  EXPECT_EQ(offline.status, LookupStatus::kOk);
  EXPECT_EQ(offline.verdict, Verdict::kSuspicious);
}

TEST(Misp, AnEmptyAnswerIsNotFoundAndFeedHitsStillCount) {
  LocalServer server;
  server.on("/misp/events/restSearch",
            json_reply(200, fixture("misp/events_restsearch_empty.json")));
  ManualClock clock;
  const auto feed = testing::fresh_dir("misp-local-feed");
  std::filesystem::create_directories(feed / "misp");
  {
    std::ofstream out(feed / "misp/57c4445b-c548-4654-af0b-4be3950d210f.json");
    out << nlohmann::json::parse(fixture("misp/events_restsearch_xorist.json"))["response"][0]
               .dump();
  }
  auto live =
      single(server,
             make_misp(testing::vendor_settings(server.root("/misp"), testing::test_key("misp")),
                       feed / "misp"),
             clock);
  EXPECT_EQ(
      live->lookup(0, testing::observable(ObservableType::kMd5, "11111111111111111111111111111111"))
          ->status,
      LookupStatus::kNotFound);
  auto from_feed = live->lookup(
      0, testing::observable(ObservableType::kMd5, "0749bae92ca336a02c83d126e04ec628"));
  EXPECT_EQ(from_feed->status, LookupStatus::kOk);
  EXPECT_EQ(from_feed->verdict, Verdict::kSuspicious);
}

TEST(OpenCti, GraphQlErrorsAreErrorsAndAnEmptyAnswerIsNotFound) {
  LocalServer server;
  server.script("/opencti/graphql", {json_reply(200, fixture("opencti/errors_auth_required.json")),
                                     json_reply(200, fixture("opencti/observables_empty.json"))});
  ManualClock clock;
  auto live = single(
      server,
      make_opencti(testing::vendor_settings(server.root("/opencti"), testing::test_key("opencti"))),
      clock);
  auto denied = live->lookup(0, testing::observable(ObservableType::kDomain, "a.example"));
  testing::remember(denied);
  EXPECT_EQ(denied->status, LookupStatus::kError);
  EXPECT_NE(denied->error.find("logged in"), std::string::npos);
  auto empty = live->lookup(0, testing::observable(ObservableType::kDomain, "b.example"));
  EXPECT_EQ(empty->status, LookupStatus::kNotFound);
}

TEST(Vendors, ValuesThatCannotBeAskedSafelyAreSkippedWithoutARequest) {
  LocalServer server;
  ManualClock clock;
  auto live = single(
      server,
      make_virustotal(testing::vendor_settings(server.root("/api/v3"), testing::test_key("vt"))),
      clock);
  for (const auto& bad : {testing::observable(ObservableType::kDomain, "../../etc/passwd"),
                          testing::observable(ObservableType::kDomain, "a..b"),
                          testing::observable(ObservableType::kDomain, "evil.example/x?y"),
                          testing::observable(ObservableType::kSha256, "zz../"),
                          testing::ipv4("192.0.2.1/../../admin")}) {
    auto answer = live->lookup(0, bad);
    EXPECT_EQ(answer->status, LookupStatus::kSkipped) << bad.value;
    EXPECT_NE(answer->error.find("lookup refused"), std::string::npos);
  }
  EXPECT_EQ(server.count(), 0u);
}

TEST(Vendors, CachePathsAreTheOfflineLayout) {
  // The live clients write exactly where the offline providers read (intel_cache_path).
  LocalServer server;
  const auto vt = make_virustotal(testing::vendor_settings(server.root(), "k"));
  const auto opencti = make_opencti(testing::vendor_settings(server.root(), "k"));
  for (const auto& o : {testing::ipv4("2001:0DB8::1"), testing::ipv4("192.0.2.1"),
                        testing::observable(ObservableType::kDomain, "Example.COM."),
                        testing::observable(ObservableType::kSha256, std::string(64, 'A')),
                        testing::observable(ObservableType::kUrl, "https://example.com/a?b=c")}) {
    auto plan = vt->plan(o);
    ASSERT_TRUE(plan) << o.value;
    EXPECT_EQ((*plan)[0].cache_path, intel_cache_path("virustotal", o).value_or("")) << o.value;
    auto cti = opencti->plan(o);
    ASSERT_TRUE(cti);
    EXPECT_EQ((*cti)[0].cache_path, intel_cache_path("opencti", o).value_or(""));
  }
}

}  // namespace
}  // namespace soc::live
