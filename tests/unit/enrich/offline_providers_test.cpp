// Offline providers over tests/data/enrich/intel: file lookup, safety, caching, MISP and lists.
#include "enrich/offline.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include "core/sha256.hpp"
#include "core/time.hpp"
#include "enrich/parsers.hpp"

namespace soc {
namespace {

const std::string kIntelDir = std::string(SOC_TRIAGE_TEST_DATA_DIR) + "/enrich/intel";
const std::string kPhishHash = "a3f2b72b08cdda10c48808aaf1ea65483404b28f05acf91c0c40abd39690c9e1";

Observable obs(ObservableType type, std::string value) {
  Observable o;
  o.type = type;
  o.value = std::move(value);
  return o;
}

class OfflineProviders : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    report_ = new OfflineLoadReport;
    providers_ =
        new std::vector<std::unique_ptr<IntelProvider>>(make_offline_providers(kIntelDir, report_));
  }
  static void TearDownTestSuite() {
    delete providers_;
    delete report_;
  }
  static const IntelProvider& provider(std::string_view name) {
    for (const auto& p : *providers_)
      if (p->name() == name) return *p;
    throw std::runtime_error("no provider");
  }
  static Enrichment lookup(std::string_view name, ObservableType type, std::string value) {
    return provider(name).lookup(obs(type, std::move(value)));
  }

  static std::vector<std::unique_ptr<IntelProvider>>* providers_;
  static OfflineLoadReport* report_;
};
std::vector<std::unique_ptr<IntelProvider>>* OfflineProviders::providers_ = nullptr;
OfflineLoadReport* OfflineProviders::report_ = nullptr;

TEST_F(OfflineProviders, NamesOrderAndReliability) {
  std::vector<std::string> names;
  for (const auto& p : *providers_) names.emplace_back(p->name());
  EXPECT_EQ(names, (std::vector<std::string>{"virustotal", "abuseipdb", "greynoise", "shodan",
                                             "rdap", "misp", "opencti", "lists"}));
  EXPECT_DOUBLE_EQ(provider("virustotal").reliability(), 0.9);
  EXPECT_DOUBLE_EQ(provider("abuseipdb").reliability(), 0.8);
  EXPECT_DOUBLE_EQ(provider("greynoise").reliability(), 0.85);
  EXPECT_DOUBLE_EQ(provider("shodan").reliability(), 0.6);
  EXPECT_DOUBLE_EQ(provider("rdap").reliability(), 0.9);
  EXPECT_DOUBLE_EQ(provider("misp").reliability(), 0.8);
  EXPECT_DOUBLE_EQ(provider("opencti").reliability(), 0.8);
  EXPECT_DOUBLE_EQ(provider("lists").reliability(), 0.7);
  EXPECT_TRUE(provider("abuseipdb").supports(ObservableType::kIpv6));
  EXPECT_FALSE(provider("abuseipdb").supports(ObservableType::kDomain));
  EXPECT_TRUE(provider("lists").supports(ObservableType::kAsn));
}

TEST_F(OfflineProviders, HashesLookUpTheirOwnFiles) {
  auto sha256 = lookup("virustotal", ObservableType::kSha256, kPhishHash);
  EXPECT_EQ(sha256.status, LookupStatus::kOk);
  EXPECT_EQ(sha256.verdict, Verdict::kMalicious);
  EXPECT_EQ(sha256.observable, kPhishHash);
  auto md5 = lookup("virustotal", ObservableType::kMd5, "44D88612FEA8A8F36DE82E1278ABB02F");
  EXPECT_EQ(md5.status, LookupStatus::kOk);
  EXPECT_EQ(md5.facts.malware_family, "eicar");
  auto sha1 =
      lookup("virustotal", ObservableType::kSha1, "3395856ce81f2b7382dee72602f798b642f14140");
  EXPECT_EQ(sha1.status, LookupStatus::kOk);
  EXPECT_EQ(sha1.facts.engines_malicious, 63);
}

TEST_F(OfflineProviders, MissingFileIsNotFoundAndUnknown) {
  auto e = lookup("virustotal", ObservableType::kSha256, std::string(64, 'e'));
  EXPECT_EQ(e.status, LookupStatus::kNotFound);
  EXPECT_EQ(e.verdict, Verdict::kUnknown);
  EXPECT_EQ(e.provider, "virustotal");
  auto ip = lookup("abuseipdb", ObservableType::kIpv4, "192.0.2.254");
  EXPECT_EQ(ip.status, LookupStatus::kNotFound);
}

TEST_F(OfflineProviders, VendorErrorBodies) {
  EXPECT_EQ(lookup("virustotal", ObservableType::kSha256, std::string(64, 'b')).status,
            LookupStatus::kNotFound);
  auto quota = lookup("virustotal", ObservableType::kSha256, std::string(64, 'c'));
  EXPECT_EQ(quota.status, LookupStatus::kRateLimited);
  EXPECT_EQ(quota.verdict, Verdict::kUnknown);
  EXPECT_EQ(lookup("abuseipdb", ObservableType::kIpv4, "192.0.2.67").status,
            LookupStatus::kRateLimited);
  EXPECT_EQ(lookup("shodan", ObservableType::kIpv4, "192.0.2.99").status, LookupStatus::kNotFound);
  EXPECT_EQ(lookup("opencti", ObservableType::kIpv4, "192.0.2.88").status, LookupStatus::kError);
}

TEST_F(OfflineProviders, TruncatedAndMalformedFilesAreErrorsNeverBenign) {
  auto truncated = lookup("virustotal", ObservableType::kSha256, std::string(64, 'd'));
  EXPECT_EQ(truncated.status, LookupStatus::kError);
  EXPECT_EQ(truncated.verdict, Verdict::kUnknown);
  EXPECT_NE(truncated.error.find("malformed JSON"), std::string::npos) << truncated.error;
  EXPECT_NE(truncated.error.find("virustotal/files/dddd"), std::string::npos) << truncated.error;

  auto malformed = lookup("virustotal", ObservableType::kIpv4, "192.0.2.66");
  EXPECT_EQ(malformed.status, LookupStatus::kError);
  EXPECT_EQ(malformed.verdict, Verdict::kUnknown);

  auto abuse = lookup("abuseipdb", ObservableType::kIpv4, "192.0.2.66");
  EXPECT_EQ(abuse.status, LookupStatus::kError);
  EXPECT_EQ(abuse.verdict, Verdict::kUnknown);
}

TEST_F(OfflineProviders, PathTraversalAndUnsafeValuesAreSkipped) {
  const std::vector<std::pair<ObservableType, std::string>> hostile{
      {ObservableType::kDomain, "../../../../etc/passwd"},
      {ObservableType::kDomain, "..%2f..%2fetc/passwd"},
      {ObservableType::kDomain, "a/b.example"},
      {ObservableType::kDomain, "a\\b.example"},
      {ObservableType::kDomain, std::string("evil.example\0.json", 18)},
      {ObservableType::kDomain, ".hidden"},
      {ObservableType::kDomain, ".."},
      {ObservableType::kDomain, std::string(300, 'a') + ".example"},
      {ObservableType::kIpv4, "../abuseipdb/38.75.137.9"},
      {ObservableType::kSha256, "../../virustotal/files/" + kPhishHash},
  };
  for (const auto& [type, value] : hostile) {
    for (const auto& p : *providers_) {
      if (!p->supports(type) || p->name() == "misp" || p->name() == "lists") continue;
      const Enrichment e = p->lookup(obs(type, value));
      EXPECT_EQ(e.status, LookupStatus::kSkipped) << p->name() << " " << value;
      EXPECT_EQ(e.verdict, Verdict::kUnknown);
    }
  }
  // An in-memory index has no paths to escape: a hostile value is just a miss.
  EXPECT_EQ(lookup("misp", ObservableType::kDomain, "../../etc/passwd").status,
            LookupStatus::kNotFound);
}

TEST(FileIds, SafetyRule) {
  EXPECT_TRUE(is_safe_file_id("doc-secure.xyz"));
  EXPECT_TRUE(is_safe_file_id("2001:db8::1"));
  EXPECT_TRUE(is_safe_file_id("aHR0cDovLzIxOC41NC40Ny43Ny8"));
  EXPECT_FALSE(is_safe_file_id(""));
  EXPECT_FALSE(is_safe_file_id(".."));
  EXPECT_FALSE(is_safe_file_id("a..b"));
  EXPECT_FALSE(is_safe_file_id(".profile"));
  EXPECT_FALSE(is_safe_file_id("a/b"));
  EXPECT_FALSE(is_safe_file_id("a\\b"));
  EXPECT_FALSE(is_safe_file_id(std::string("a\0b", 3)));
  EXPECT_FALSE(is_safe_file_id("a\nb"));
  EXPECT_FALSE(is_safe_file_id(std::string(kMaxFileIdBytes + 1, 'a')));
  EXPECT_TRUE(is_safe_file_id(std::string(kMaxFileIdBytes, 'a')));
}

TEST(FileIds, CachePaths) {
  EXPECT_EQ(intel_cache_path("virustotal", obs(ObservableType::kSha256, kPhishHash)),
            "virustotal/files/" + kPhishHash + ".json");
  EXPECT_EQ(intel_cache_path("virustotal", obs(ObservableType::kUrl, "http://218.54.47.77/")),
            "virustotal/urls/aHR0cDovLzIxOC41NC40Ny43Ny8.json");
  EXPECT_EQ(intel_cache_path("abuseipdb", obs(ObservableType::kIpv6, "2001:DB8:0:0::1")),
            "abuseipdb/2001:db8::1.json");
  EXPECT_EQ(intel_cache_path("rdap", obs(ObservableType::kDomain, "WWW.Doc-Secure.xyz.")),
            "rdap/domain/www.doc-secure.xyz.json");
  EXPECT_FALSE(intel_cache_path("greynoise", obs(ObservableType::kIpv4, "../x")).has_value());
  EXPECT_FALSE(intel_cache_path("lists", obs(ObservableType::kIpv4, "192.0.2.1")).has_value());
  // A URL too long for a base64 file name still has its SHA-256 name.
  const std::string long_url = "http://a.example/" + std::string(400, 'x');
  EXPECT_EQ(intel_cache_path("virustotal", obs(ObservableType::kUrl, long_url)),
            "virustotal/urls/" + sha256_hex(long_url) + ".json");
}

TEST_F(OfflineProviders, UnsupportedTypeIsSkipped) {
  auto e = lookup("abuseipdb", ObservableType::kDomain, "doc-secure.xyz");
  EXPECT_EQ(e.status, LookupStatus::kSkipped);
  auto user = lookup("virustotal", ObservableType::kUser, "alice");
  EXPECT_EQ(user.status, LookupStatus::kSkipped);
  auto not_hex = lookup("virustotal", ObservableType::kMd5, "zzzz");
  EXPECT_EQ(not_hex.status, LookupStatus::kSkipped);
}

TEST_F(OfflineProviders, UrlByBase64IdAndBySha256AndSlashlessSpelling) {
  auto by_id = lookup("virustotal", ObservableType::kUrl, "http://218.54.47.77/");
  EXPECT_EQ(by_id.status, LookupStatus::kOk);
  EXPECT_EQ(by_id.verdict, Verdict::kBenign);
  auto slashless = lookup("virustotal", ObservableType::kUrl, "http://218.54.47.77");
  EXPECT_EQ(slashless.status, LookupStatus::kOk);
  auto by_hash = lookup("virustotal", ObservableType::kUrl, "http://218.54.47.76/");
  EXPECT_EQ(by_hash.status, LookupStatus::kOk);
  EXPECT_EQ(by_hash.verdict, Verdict::kSuspicious);
}

TEST_F(OfflineProviders, IpFileNamesMatchCanonically) {
  auto e = lookup("virustotal", ObservableType::kIpv4, "23.129.64.215");
  EXPECT_EQ(e.status, LookupStatus::kOk);
  auto mapped = lookup("virustotal", ObservableType::kIpv6, "::ffff:23.129.64.215");
  EXPECT_EQ(mapped.status, LookupStatus::kOk);
}

TEST_F(OfflineProviders, FetchedAtFromSidecar) {
  auto with_meta = lookup("virustotal", ObservableType::kIpv4, "23.129.64.215");
  EXPECT_EQ(with_meta.fetched_at, parse_time("2026-03-02T10:00:00Z"));
  auto without = lookup("virustotal", ObservableType::kSha256, kPhishHash);
  EXPECT_FALSE(without.fetched_at.has_value());
}

TEST_F(OfflineProviders, SameObservableIsParsedOnceAndShared) {
  const auto o = obs(ObservableType::kDomain, "doc-secure.xyz");
  const auto first = provider("virustotal").lookup_shared(o);
  const auto second = provider("virustotal").lookup_shared(o);
  EXPECT_EQ(first.get(), second.get());
  EXPECT_EQ(first->facts.certificate_issuer, "Let's Encrypt");
  // Misses are answered fresh each time (attacker-chosen values must not fill the cache).
  const auto miss = obs(ObservableType::kDomain, "nothing-here.example");
  EXPECT_NE(provider("virustotal").lookup_shared(miss).get(),
            provider("virustotal").lookup_shared(miss).get());
}

TEST_F(OfflineProviders, ConcurrentLookupsAgree) {
  const auto o = obs(ObservableType::kIpv4, "185.220.101.34");
  std::atomic<int> malicious{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 500; ++i) {
        if (provider("abuseipdb").lookup_shared(o)->verdict == Verdict::kMalicious) ++malicious;
        (void)provider("lists").lookup(o);
        (void)provider("misp").lookup(obs(ObservableType::kIpv4, "198.51.100.7"));
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(malicious.load(), 2000);
}

TEST(OfflineCache, RacingFirstLookupsShareOneAnswer) {
  const auto vt = make_offline_virustotal(kIntelDir);
  const std::vector<Observable> wanted{
      obs(ObservableType::kSha256, kPhishHash), obs(ObservableType::kDomain, "doc-secure.xyz"),
      obs(ObservableType::kIpv4, "203.0.113.45"), obs(ObservableType::kUrl, "http://218.54.47.76/"),
      obs(ObservableType::kSha256, std::string(64, 'd'))};
  constexpr int kThreads = 4;
  std::vector<std::vector<const Enrichment*>> seen(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (const Observable& o : wanted) seen[t].push_back(vt->lookup_shared(o).get());
    });
  }
  for (auto& thread : threads) thread.join();
  for (int t = 1; t < kThreads; ++t) EXPECT_EQ(seen[t], seen[0]);
  EXPECT_EQ(seen[0][4]->status, LookupStatus::kError);  // a malformed file is cached too
}

TEST_F(OfflineProviders, ScenarioTwoSshBruteForcer) {
  auto abuse = lookup("abuseipdb", ObservableType::kIpv4, "185.220.101.34");
  EXPECT_EQ(abuse.facts.abuse_confidence, 100);
  EXPECT_EQ(abuse.facts.abuse_categories.front(), "Brute-Force");
  auto noise = lookup("greynoise", ObservableType::kIpv4, "185.220.101.34");
  EXPECT_EQ(noise.verdict, Verdict::kMalicious);
  EXPECT_EQ(noise.facts.is_tor, true);
  EXPECT_NE(std::find(noise.facts.tags.begin(), noise.facts.tags.end(), "SSH Bruteforcer"),
            noise.facts.tags.end());
  auto listed = lookup("lists", ObservableType::kIpv4, "185.220.101.34");
  EXPECT_EQ(listed.facts.lists, std::vector<std::string>{"tor_exit_nodes"});
  EXPECT_EQ(listed.verdict, Verdict::kUnknown);  // a Tor exit is context, not a verdict
}

// ---- RDAP --------------------------------------------------------------------------------------

TEST_F(OfflineProviders, RdapSubdomainFallsBackToRegisteredDomain) {
  auto e = lookup("rdap", ObservableType::kDomain, "mail.doc-secure.xyz");
  EXPECT_EQ(e.status, LookupStatus::kOk);
  EXPECT_EQ(e.observable, "mail.doc-secure.xyz");
  EXPECT_EQ(e.facts.registrant_redacted, true);
  EXPECT_EQ(lookup("rdap", ObservableType::kDomain, "unknown.example").status,
            LookupStatus::kNotFound);
}

TEST_F(OfflineProviders, RdapIpInsideANetworkFile) {
  auto inside = lookup("rdap", ObservableType::kIpv4, "206.41.110.77");
  EXPECT_EQ(inside.status, LookupStatus::kOk);
  EXPECT_EQ(inside.facts.isp, "United-IX");
  EXPECT_EQ(lookup("rdap", ObservableType::kIpv4, "206.41.111.1").status, LookupStatus::kNotFound);
}

// ---- MISP --------------------------------------------------------------------------------------

TEST_F(OfflineProviders, MispHitHighThreatToIdsIsMalicious) {
  auto e = lookup("misp", ObservableType::kSha256, kPhishHash);
  EXPECT_EQ(e.status, LookupStatus::kOk);
  EXPECT_EQ(e.verdict, Verdict::kMalicious);
  EXPECT_EQ(e.facts.events,
            std::vector<std::string>{"AgentTesla phishing wave against finance teams"});
  EXPECT_NE(
      std::find(e.facts.tags.begin(), e.facts.tags.end(), "misp-galaxy:malpedia=\"Agent Tesla\""),
      e.facts.tags.end());
}

TEST_F(OfflineProviders, MispIndexesPairsCidrsObjectsAndCase) {
  EXPECT_EQ(lookup("misp", ObservableType::kDomain, "DOC-SECURE.XYZ").verdict, Verdict::kMalicious);
  EXPECT_EQ(lookup("misp", ObservableType::kIpv4, "203.0.113.45").verdict, Verdict::kMalicious);
  EXPECT_EQ(lookup("misp", ObservableType::kIpv4, "198.51.100.7").verdict, Verdict::kMalicious);
  EXPECT_EQ(lookup("misp", ObservableType::kFile, "facture_2026-03.xlsm").status,
            LookupStatus::kOk);
  EXPECT_EQ(lookup("misp", ObservableType::kMd5, "0123456789ABCDEF0123456789ABCDEF").status,
            LookupStatus::kOk);
  EXPECT_EQ(lookup("misp", ObservableType::kAsn, "64500").status, LookupStatus::kOk);
  // to_ids false on the only attribute: a hit, but not detection-grade.
  EXPECT_EQ(lookup("misp", ObservableType::kEmail, "facture-urgent@doc-secure.xyz").verdict,
            Verdict::kSuspicious);
  // Deleted attributes and non-indicator types are not indexed.
  EXPECT_EQ(lookup("misp", ObservableType::kDomain, "deleted.example").status,
            LookupStatus::kNotFound);
  EXPECT_EQ(lookup("misp", ObservableType::kUrl, "https://blog.example/agenttesla-wave").status,
            LookupStatus::kNotFound);
}

TEST_F(OfflineProviders, MispRealEventsLowThreatAreSuspicious) {
  auto xorist = lookup("misp", ObservableType::kMd5, "0749bae92ca336a02c83d126e04ec628");
  EXPECT_EQ(xorist.status, LookupStatus::kOk);
  EXPECT_EQ(xorist.verdict, Verdict::kSuspicious);  // threat level 3 (low)
  EXPECT_EQ(xorist.facts.events, std::vector<std::string>{"Ransomware - Xorist"});
  auto sednit = lookup("misp", ObservableType::kDomain, "meteost.com");
  EXPECT_EQ(sednit.facts.events,
            std::vector<std::string>{"OSINT - Sednit update: How Fancy Bear Spent the Year"});
  auto object_hash =
      lookup("misp", ObservableType::kSha1, "68064fc152e23d56e541714af52651cb4ba81aaf");
  EXPECT_EQ(object_hash.status, LookupStatus::kOk);
}

TEST_F(OfflineProviders, LoadWarningsNameSkippedInputs) {
  auto has = [&](std::string_view needle) {
    return std::any_of(report_->warnings.begin(), report_->warnings.end(),
                       [&](const std::string& w) { return w.find(needle) != std::string::npos; });
  };
  EXPECT_TRUE(has("7e7e7e7e-0000-4000-8000-000000000bad.json"));  // truncated event
  EXPECT_TRUE(has("9f9f9f9f-0000-4000-8000-00000000dead"));       // manifest without file
  EXPECT_TRUE(has("broken_header.csv"));
}

// ---- OpenCTI -----------------------------------------------------------------------------------

TEST_F(OfflineProviders, OpenCtiFiles) {
  EXPECT_EQ(lookup("opencti", ObservableType::kDomain, "doc-secure.xyz").verdict,
            Verdict::kMalicious);
  EXPECT_EQ(lookup("opencti", ObservableType::kIpv4, "198.51.100.23").verdict,
            Verdict::kSuspicious);
  auto url = lookup("opencti", ObservableType::kUrl, "http://clean.example/");
  EXPECT_EQ(url.status, LookupStatus::kNotFound);
  EXPECT_TRUE(url.error.find("no observable") != std::string::npos) << url.error;
}

// ---- Lists -------------------------------------------------------------------------------------

TEST_F(OfflineProviders, AllowListMarksKnownGood) {
  auto domain = lookup("lists", ObservableType::kDomain, "corp.example");
  EXPECT_EQ(domain.status, LookupStatus::kOk);
  EXPECT_EQ(domain.facts.allow_listed, true);
  EXPECT_EQ(domain.facts.lists, std::vector<std::string>{"allowlist_corporate"});
  EXPECT_EQ(domain.verdict, Verdict::kBenign);
  auto email = lookup("lists", ObservableType::kEmail, "ceo@corp.example");
  EXPECT_EQ(email.verdict, Verdict::kBenign);
  // Allow-lists match exactly: a subdomain is not vouched for.
  EXPECT_EQ(lookup("lists", ObservableType::kDomain, "x.corp.example").status,
            LookupStatus::kNotFound);
}

TEST_F(OfflineProviders, CidrListMatchesAddressesInside) {
  auto inside = lookup("lists", ObservableType::kIpv4, "198.51.100.200");
  EXPECT_EQ(inside.facts.lists, std::vector<std::string>{"blocklist_partner"});
  EXPECT_EQ(inside.verdict, Verdict::kSuspicious);
  auto office = lookup("lists", ObservableType::kIpv4, "10.20.30.40");
  EXPECT_EQ(office.verdict, Verdict::kBenign);
  auto v6 = lookup("lists", ObservableType::kIpv6, "2001:db8:bad:1::99");
  EXPECT_EQ(v6.verdict, Verdict::kSuspicious);
  EXPECT_EQ(lookup("lists", ObservableType::kIpv4, "198.51.101.1").status, LookupStatus::kNotFound);
  EXPECT_EQ(lookup("lists", ObservableType::kIpv4, "192.0.2.16").status, LookupStatus::kNotFound);
}

TEST_F(OfflineProviders, AllowAndBlockConflictGoesToReview) {
  auto e = lookup("lists", ObservableType::kIpv4, "192.0.2.10");
  EXPECT_EQ(e.facts.lists, (std::vector<std::string>{"allowlist_corporate", "blocklist_partner"}));
  EXPECT_EQ(e.facts.allow_listed, true);
  EXPECT_EQ(e.verdict, Verdict::kSuspicious);
}

TEST_F(OfflineProviders, AsnListsInBothSpellingsAreInformational) {
  for (const char* value : {"AS64500", "as64500", "64500", "AS64501", "64501"}) {
    auto e = lookup("lists", ObservableType::kAsn, value);
    EXPECT_EQ(e.facts.lists, std::vector<std::string>{"bulletproof_asn"}) << value;
    EXPECT_EQ(e.verdict, Verdict::kUnknown) << value;
  }
  EXPECT_EQ(lookup("lists", ObservableType::kAsn, "AS64502").status, LookupStatus::kNotFound);
}

TEST_F(OfflineProviders, BlocklistDomainsCoverSubdomainsAndUrlsMatchWhole) {
  EXPECT_EQ(lookup("lists", ObservableType::kDomain, "cdn.evil.example").verdict,
            Verdict::kSuspicious);
  EXPECT_EQ(lookup("lists", ObservableType::kUrl, "http://evil.example/payload.exe#frag").verdict,
            Verdict::kSuspicious);
  EXPECT_EQ(lookup("lists", ObservableType::kUrl, "http://evil.example/payload.exe").status,
            LookupStatus::kNotFound);
  EXPECT_EQ(lookup("lists", ObservableType::kIpv4, "185.220.101.35").facts.lists,
            std::vector<std::string>{"tor_exit_nodes"});  // entry with a trailing comment
}

TEST(OfflineMissingDirectory, EveryProviderAnswersNotFound) {
  OfflineLoadReport report;
  auto providers = make_offline_providers("/nonexistent/intel/dir", &report);
  ASSERT_EQ(providers.size(), 8u);
  EXPECT_TRUE(report.warnings.empty());
  for (const auto& p : providers) {
    for (auto type : {ObservableType::kIpv4, ObservableType::kDomain, ObservableType::kSha256}) {
      if (!p->supports(type)) continue;
      const std::string value = type == ObservableType::kIpv4     ? "192.0.2.1"
                                : type == ObservableType::kDomain ? "a.example"
                                                                  : std::string(64, 'a');
      EXPECT_EQ(p->lookup(obs(type, value)).status, LookupStatus::kNotFound) << p->name();
    }
  }
}

}  // namespace
}  // namespace soc
