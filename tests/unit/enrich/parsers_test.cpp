// Response parsers: real and documented-shape vendor bodies to facts, errors and verdicts.
#include "enrich/parsers.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "core/time.hpp"

namespace soc {
namespace {

const std::string kIntel = std::string(SOC_TRIAGE_TEST_DATA_DIR) + "/enrich/intel/";
const std::string kSamples = std::string(SOC_TRIAGE_TEST_DATA_DIR) + "/enrich/samples/";

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << path;
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

Observable obs(ObservableType type, std::string value) {
  Observable o;
  o.type = type;
  o.value = std::move(value);
  return o;
}

TimestampMs at(const char* rfc3339) {
  return parse_time(rfc3339).value();
}

// ---- VirusTotal --------------------------------------------------------------------------------

TEST(VirusTotalParser, RealFileObjectGivesEnginesFamilyAndSubmission) {
  const auto body = slurp(
      kIntel +
      "virustotal/files/03bd9a94482f180bb047626cb2f27ccf8daa0e201345480b43585580e09c311b.json");
  auto e = parse_virustotal_response(
      body, obs(ObservableType::kSha256,
                "03bd9a94482f180bb047626cb2f27ccf8daa0e201345480b43585580e09c311b"));
  ASSERT_TRUE(e.has_value()) << e.error().message;
  EXPECT_EQ(e->status, LookupStatus::kOk);
  EXPECT_EQ(e->provider, "virustotal");
  EXPECT_EQ(e->facts.engines_malicious, 40);
  EXPECT_EQ(e->facts.engines_suspicious, 0);
  // 40 malicious + 28 undetected; type-unsupported and failures are not verdicts.
  EXPECT_EQ(e->facts.engines_total, 68);
  EXPECT_EQ(e->facts.malware_family, "tasker");  // "msil" is a platform, not a family
  EXPECT_EQ(e->facts.threat_category, "trojan");
  EXPECT_EQ(e->facts.first_submission, 1633178439LL * 1000);
  EXPECT_EQ(e->facts.community_reputation, 0);
  EXPECT_EQ(e->verdict, Verdict::kMalicious);
}

TEST(VirusTotalParser, ScenarioPhishingAttachmentIsAgentTesla) {
  const std::string hash = "a3f2b72b08cdda10c48808aaf1ea65483404b28f05acf91c0c40abd39690c9e1";
  auto e = parse_virustotal_response(slurp(kIntel + "virustotal/files/" + hash + ".json"),
                                     obs(ObservableType::kSha256, hash));
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->facts.engines_malicious, 47);
  EXPECT_EQ(e->facts.engines_total, 72);
  EXPECT_EQ(e->facts.malware_family, "agenttesla");
  EXPECT_EQ(e->facts.community_reputation, -35);
  EXPECT_EQ(e->verdict, Verdict::kMalicious);
}

TEST(VirusTotalParser, RealIpObjectGivesNetworkFacts) {
  auto e = parse_virustotal_response(slurp(kIntel + "virustotal/ip_addresses/23.129.64.215.json"),
                                     obs(ObservableType::kIpv4, "23.129.64.215"));
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->facts.country, "US");
  EXPECT_EQ(e->facts.asn, 396507u);
  EXPECT_EQ(e->facts.as_owner, "EMERALD-ONION");
  EXPECT_EQ(e->facts.engines_malicious, 5);
  EXPECT_EQ(e->facts.engines_suspicious, 2);
  EXPECT_EQ(e->facts.engines_total, 87);
  EXPECT_EQ(e->facts.community_reputation, -4);
  EXPECT_EQ(e->verdict, Verdict::kMalicious);  // exactly 5 engines
}

TEST(VirusTotalParser, RealSanitisedDomainDropsPlaceholderRecord) {
  auto e = parse_virustotal_response(slurp(kIntel + "virustotal/domains/down.mykings.pw.json"),
                                     obs(ObservableType::kDomain, "down.mykings.pw"));
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->facts.registrar, "Namecheap");
  EXPECT_EQ(e->facts.registered_at, 1485015979LL * 1000);
  EXPECT_EQ(e->facts.engines_malicious, 8);
  EXPECT_TRUE(e->facts.resolutions.empty());  // the A record is ":ip:", not an address
  EXPECT_EQ(e->verdict, Verdict::kMalicious);
}

TEST(VirusTotalParser, DomainCertificateAndDnsRecords) {
  auto e = parse_virustotal_response(slurp(kIntel + "virustotal/domains/doc-secure.xyz.json"),
                                     obs(ObservableType::kDomain, "doc-secure.xyz"));
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->facts.certificate_issuer, "Let's Encrypt");
  EXPECT_EQ(e->facts.certificate_self_signed, false);
  EXPECT_EQ(e->facts.resolutions, (std::vector<std::string>{"203.0.113.45", "2001:db8::45"}));
  EXPECT_EQ(e->facts.registrar, "NameCheap, Inc.");
  EXPECT_EQ(e->verdict, Verdict::kSuspicious);  // 3 engines
}

TEST(VirusTotalParser, IpSelfSignedCertificateAndResolutionRelationship) {
  auto e = parse_virustotal_response(slurp(kIntel + "virustotal/ip_addresses/203.0.113.45.json"),
                                     obs(ObservableType::kIpv4, "203.0.113.45"));
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->facts.certificate_self_signed, true);
  EXPECT_EQ(e->facts.certificate_issuer, "Acme Co");
  EXPECT_EQ(e->facts.resolutions,
            (std::vector<std::string>{"doc-secure.xyz", "invoice-portal.example"}));
  EXPECT_EQ(e->facts.asn, 64500u);
}

TEST(VirusTotalParser, UrlObjectsRealPayloads) {
  auto one = parse_virustotal_response(
      slurp(
          kIntel +
          "virustotal/urls/19e1199c6aa6e817845cc025cd7c8979cec22f8c94bc7416ff16b8808706cd54.json"),
      obs(ObservableType::kUrl, "http://218.54.47.76/"));
  ASSERT_TRUE(one.has_value());
  EXPECT_EQ(one->facts.engines_malicious, 1);
  EXPECT_EQ(one->verdict, Verdict::kSuspicious);
  auto clean =
      parse_virustotal_response(slurp(kIntel + "virustotal/urls/aHR0cDovLzIxOC41NC40Ny43Ny8.json"),
                                obs(ObservableType::kUrl, "http://218.54.47.77/"));
  ASSERT_TRUE(clean.has_value());
  EXPECT_EQ(clean->facts.engines_total, 66);
  EXPECT_EQ(clean->verdict, Verdict::kBenign);  // 0 malicious, 57 harmless
}

TEST(VirusTotalParser, LegacyV2Reports) {
  auto ip = parse_virustotal_response(slurp(kSamples + "vt_v2_ip_report_clean.json"),
                                      obs(ObservableType::kIpv4, "23.253.135.79"));
  ASSERT_TRUE(ip.has_value());
  EXPECT_EQ(ip->facts.as_owner, "Rackspace Hosting");
  EXPECT_EQ(ip->facts.asn, 27357u);
  ASSERT_FALSE(ip->facts.resolutions.empty());
  EXPECT_LE(ip->facts.resolutions.size(), kMaxResolutions);
  EXPECT_EQ(ip->facts.resolutions.front(), "python.org");  // most recent first
  EXPECT_EQ(ip->facts.resolutions.size(), 12u);            // 13 records, "Python.org" twice by case
  EXPECT_EQ(ip->verdict, Verdict::kUnknown);

  auto file =
      parse_virustotal_response(slurp(kSamples + "vt_v2_file_report.json"),
                                obs(ObservableType::kMd5, "7657fcb7d772448a6d8504e4b20168b8"));
  ASSERT_TRUE(file.has_value());
  EXPECT_EQ(file->facts.engines_malicious, 65);
  EXPECT_EQ(file->facts.engines_total, 71);
  EXPECT_EQ(file->verdict, Verdict::kMalicious);

  auto missing = parse_virustotal_response(R"({"response_code": 0, "verbose_msg": "not there"})",
                                           obs(ObservableType::kMd5, "00"));
  ASSERT_TRUE(missing.has_value());
  EXPECT_EQ(missing->status, LookupStatus::kNotFound);
}

TEST(VirusTotalParser, ErrorObjectsMapToStatuses) {
  const auto o = obs(ObservableType::kSha256, std::string(64, 'b'));
  auto not_found =
      parse_virustotal_response(R"({"error":{"code":"NotFoundError","message":"x"}})", o);
  ASSERT_TRUE(not_found.has_value());
  EXPECT_EQ(not_found->status, LookupStatus::kNotFound);
  EXPECT_EQ(not_found->verdict, Verdict::kUnknown);
  auto quota = parse_virustotal_response(R"({"error":{"code":"QuotaExceededError"}})", o);
  ASSERT_TRUE(quota.has_value());
  EXPECT_EQ(quota->status, LookupStatus::kRateLimited);
  auto auth = parse_virustotal_response(R"({"error":{"code":"WrongCredentialsError"}})", o);
  ASSERT_TRUE(auth.has_value());
  EXPECT_EQ(auth->status, LookupStatus::kError);
  EXPECT_NE(auth->error.find("WrongCredentialsError"), std::string::npos);
}

TEST(VirusTotalParser, MalformedAndTruncatedBodiesAreErrors) {
  const auto o = obs(ObservableType::kSha256, std::string(64, 'd'));
  const auto full = slurp(
      kIntel +
      "virustotal/files/03bd9a94482f180bb047626cb2f27ccf8daa0e201345480b43585580e09c311b.json");
  auto truncated = parse_virustotal_response(std::string_view(full).substr(0, full.size() / 2), o);
  ASSERT_FALSE(truncated.has_value());
  EXPECT_EQ(truncated.error().code, ErrorCode::kParseError);
  EXPECT_NE(truncated.error().message.find("virustotal"), std::string::npos);
  EXPECT_FALSE(parse_virustotal_response("", o).has_value());
  EXPECT_FALSE(parse_virustotal_response("[1,2]", o).has_value());
  EXPECT_FALSE(parse_virustotal_response(R"({"data": {"id": "x"}})", o).has_value());
}

TEST(VirusTotalVerdict, Thresholds) {
  EXPECT_EQ(virustotal_verdict(5, 0, 0, 90), Verdict::kMalicious);
  EXPECT_EQ(virustotal_verdict(4, 0, 60, 90), Verdict::kSuspicious);
  EXPECT_EQ(virustotal_verdict(1, 0, 60, 90), Verdict::kSuspicious);
  EXPECT_EQ(virustotal_verdict(2, 0, 10, 20), Verdict::kMalicious);   // 10 % of a small set
  EXPECT_EQ(virustotal_verdict(2, 0, 17, 21), Verdict::kSuspicious);  // just under 10 %
  EXPECT_EQ(virustotal_verdict(1, 0, 5, 6), Verdict::kSuspicious);    // one engine never suffices
  EXPECT_EQ(virustotal_verdict(0, 3, 60, 90), Verdict::kSuspicious);
  EXPECT_EQ(virustotal_verdict(0, 2, 60, 90), Verdict::kUnknown);
  EXPECT_EQ(virustotal_verdict(0, 0, 60, 90), Verdict::kBenign);
  EXPECT_EQ(virustotal_verdict(0, 0, 0, 70), Verdict::kUnknown);  // undetected is not clean
}

TEST(VirusTotalUrlId, IsUnpaddedBase64Url) {
  EXPECT_EQ(virustotal_url_id("http://218.54.47.77/"), "aHR0cDovLzIxOC41NC40Ny43Ny8");
  EXPECT_EQ(virustotal_url_id("http://218.54.47.77"), "aHR0cDovLzIxOC41NC40Ny43Nw");
  EXPECT_EQ(virustotal_url_id("a?>"), "YT8-");  // '+' becomes '-'
  EXPECT_EQ(virustotal_url_id("a??"), "YT8_");  // '/' becomes '_'
  EXPECT_EQ(virustotal_url_id(""), "");
}

TEST(LetsEncrypt, RecognisesIssuerNames) {
  EXPECT_TRUE(is_lets_encrypt_issuer("Let's Encrypt"));
  EXPECT_TRUE(is_lets_encrypt_issuer("R3"));
  EXPECT_TRUE(is_lets_encrypt_issuer("R10"));
  EXPECT_TRUE(is_lets_encrypt_issuer("E5"));
  EXPECT_FALSE(is_lets_encrypt_issuer("DigiCert TLS RSA SHA256 2020 CA1"));
  EXPECT_FALSE(is_lets_encrypt_issuer("Rx"));
  EXPECT_FALSE(is_lets_encrypt_issuer(""));
}

// ---- AbuseIPDB ---------------------------------------------------------------------------------

TEST(AbuseIpdbParser, RealCleanCheckBody) {
  auto e = parse_abuseipdb_response(slurp(kIntel + "abuseipdb/38.75.137.9.json"),
                                    obs(ObservableType::kIpv4, "38.75.137.9"));
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->facts.abuse_confidence, 0);
  EXPECT_EQ(e->facts.total_reports, 0);
  EXPECT_EQ(e->facts.isp, "GlobalTeleHost Corp.");
  EXPECT_EQ(e->facts.usage_type, "Data Center/Web Hosting/Transit");
  EXPECT_EQ(e->facts.country, "US");
  EXPECT_EQ(e->facts.is_tor, false);
  EXPECT_FALSE(e->facts.last_reported.has_value());  // null
  EXPECT_EQ(e->verdict, Verdict::kBenign);           // never reported
}

TEST(AbuseIpdbParser, VerboseBodyCategoriesByFrequency) {
  auto e = parse_abuseipdb_response(slurp(kIntel + "abuseipdb/185.220.101.34.json"),
                                    obs(ObservableType::kIpv4, "185.220.101.34"));
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->facts.abuse_confidence, 100);
  EXPECT_EQ(e->facts.total_reports, 15234);
  EXPECT_EQ(e->facts.distinct_reporters, 1187);
  EXPECT_EQ(e->facts.is_tor, true);
  EXPECT_EQ(e->facts.last_reported, at("2026-03-02T08:12:45Z"));
  // 18 x4, 22 x3, then 14 and 15 once each (lower id first).
  EXPECT_EQ(e->facts.abuse_categories,
            (std::vector<std::string>{"Brute-Force", "SSH", "Port Scan", "Hacking"}));
  EXPECT_EQ(e->verdict, Verdict::kMalicious);
}

TEST(AbuseIpdbParser, ErrorsAndMalformed) {
  const auto o = obs(ObservableType::kIpv4, "192.0.2.67");
  auto limited = parse_abuseipdb_response(slurp(kIntel + "abuseipdb/192.0.2.67.json"), o);
  ASSERT_TRUE(limited.has_value());
  EXPECT_EQ(limited->status, LookupStatus::kRateLimited);
  EXPECT_EQ(limited->verdict, Verdict::kUnknown);
  auto truncated = parse_abuseipdb_response(slurp(kIntel + "abuseipdb/192.0.2.66.json"), o);
  EXPECT_FALSE(truncated.has_value());
  EXPECT_FALSE(parse_abuseipdb_response(R"({"data": {"isp": "x"}})", o).has_value());
}

TEST(AbuseIpdbVerdict, Thresholds) {
  EXPECT_EQ(abuseipdb_verdict(75, 10, false), Verdict::kMalicious);
  EXPECT_EQ(abuseipdb_verdict(74, 10, false), Verdict::kSuspicious);
  EXPECT_EQ(abuseipdb_verdict(25, 10, false), Verdict::kSuspicious);
  EXPECT_EQ(abuseipdb_verdict(24, 10, false), Verdict::kUnknown);
  EXPECT_EQ(abuseipdb_verdict(0, 0, false), Verdict::kBenign);
  EXPECT_EQ(abuseipdb_verdict(0, 5, true), Verdict::kBenign);
  EXPECT_EQ(abuseipdb_verdict(0, 5, false), Verdict::kUnknown);
}

TEST(AbuseIpdbCategories, DocumentedNames) {
  EXPECT_EQ(abuseipdb_category_name(1), "DNS Compromise");
  EXPECT_EQ(abuseipdb_category_name(14), "Port Scan");
  EXPECT_EQ(abuseipdb_category_name(18), "Brute-Force");
  EXPECT_EQ(abuseipdb_category_name(22), "SSH");
  EXPECT_EQ(abuseipdb_category_name(23), "IoT Targeted");
  EXPECT_EQ(abuseipdb_category_name(0), "Category 0");
  EXPECT_EQ(abuseipdb_category_name(99), "Category 99");
}

// ---- GreyNoise ---------------------------------------------------------------------------------

TEST(GreyNoiseParser, RealV2Context) {
  auto e = parse_greynoise_response(slurp(kIntel + "greynoise/71.6.135.131.json"),
                                    obs(ObservableType::kIpv4, "71.6.135.131"));
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->facts.internet_noise, true);
  EXPECT_EQ(e->facts.noise_classification, "malicious");
  EXPECT_EQ(e->facts.tags,
            (std::vector<std::string>{"MSSQL Bruteforcer", "MSSQL Scanner", "RDP Scanner"}));
  EXPECT_EQ(e->facts.first_seen, at("2019-04-04"));
  EXPECT_EQ(e->facts.last_seen, at("2019-08-21"));
  EXPECT_EQ(e->facts.asn, 4134u);
  EXPECT_EQ(e->facts.country, "CN");
  EXPECT_EQ(e->facts.is_tor, false);
  EXPECT_TRUE(e->facts.actor.empty());  // "unknown" is no actor
  EXPECT_EQ(e->verdict, Verdict::kMalicious);
}

TEST(GreyNoiseParser, RealV3Community) {
  auto e = parse_greynoise_response(slurp(kIntel + "greynoise/51.91.185.74.json"),
                                    obs(ObservableType::kIpv4, "51.91.185.74"));
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->status, LookupStatus::kOk);
  EXPECT_EQ(e->facts.internet_noise, true);
  EXPECT_EQ(e->facts.riot, false);
  EXPECT_EQ(e->verdict, Verdict::kMalicious);
}

TEST(GreyNoiseParser, RiotIsBenignAndNotObservedIsNotFound) {
  auto riot = parse_greynoise_response(slurp(kIntel + "greynoise/8.8.8.8.json"),
                                       obs(ObservableType::kIpv4, "8.8.8.8"));
  ASSERT_TRUE(riot.has_value());
  EXPECT_EQ(riot->facts.riot, true);
  EXPECT_EQ(riot->facts.actor, "Google Public DNS");
  EXPECT_EQ(riot->verdict, Verdict::kBenign);

  auto unseen = parse_greynoise_response(slurp(kIntel + "greynoise/192.0.2.200.json"),
                                         obs(ObservableType::kIpv4, "192.0.2.200"));
  ASSERT_TRUE(unseen.has_value());
  EXPECT_EQ(unseen->status, LookupStatus::kNotFound);
  EXPECT_EQ(unseen->facts.internet_noise, false);
  EXPECT_EQ(unseen->verdict, Verdict::kUnknown);

  // Malicious wins over RIOT: a business service's IP can be compromised.
  auto both = parse_greynoise_response(R"({"noise":true,"riot":true,"classification":"malicious"})",
                                       obs(ObservableType::kIpv4, "192.0.2.1"));
  ASSERT_TRUE(both.has_value());
  EXPECT_EQ(both->verdict, Verdict::kMalicious);
}

TEST(GreyNoiseParser, V3IpShapeAndErrors) {
  auto v3 = parse_greynoise_response(
      R"({"ip":"192.0.2.5","business_service_intelligence":{"found":false},
          "internet_scanner_intelligence":{"found":true,"classification":"suspicious",
          "tags":[{"name":"Web Crawler"}],"actor":"Example Research","tor":false,
          "metadata":{"asn":"AS64502","source_country_code":"FR","organization":"Example"}}})",
      obs(ObservableType::kIpv4, "192.0.2.5"));
  ASSERT_TRUE(v3.has_value());
  EXPECT_EQ(v3->facts.internet_noise, true);
  EXPECT_EQ(v3->facts.tags, std::vector<std::string>{"Web Crawler"});
  EXPECT_EQ(v3->facts.actor, "Example Research");
  EXPECT_EQ(v3->facts.country, "FR");
  EXPECT_EQ(v3->verdict, Verdict::kSuspicious);

  auto limited = parse_greynoise_response(R"({"message":"Rate limit exceeded"})",
                                          obs(ObservableType::kIpv4, "192.0.2.5"));
  ASSERT_TRUE(limited.has_value());
  EXPECT_EQ(limited->status, LookupStatus::kRateLimited);
  EXPECT_FALSE(parse_greynoise_response(R"({"ip":"192.0.2.5"})", obs(ObservableType::kIpv4, "x"))
                   .has_value());
}

// ---- Shodan ------------------------------------------------------------------------------------

TEST(ShodanParser, HostWithVulnsIsSuspicious) {
  auto e = parse_shodan_response(slurp(kIntel + "shodan/203.0.113.10.json"),
                                 obs(ObservableType::kIpv4, "203.0.113.10"));
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->facts.open_ports, (std::vector<int>{22, 80, 443, 8080}));
  EXPECT_EQ(e->facts.vulns,
            (std::vector<std::string>{"CVE-2018-15473", "CVE-2021-41773", "CVE-2021-42013"}));
  EXPECT_EQ(e->facts.asn, 64500u);
  EXPECT_EQ(e->facts.isp, "Example Transit");
  EXPECT_EQ(e->facts.as_owner, "Example Bulletproof Hosting");
  EXPECT_EQ(e->facts.country, "NL");
  EXPECT_EQ(e->facts.certificate_self_signed, true);
  EXPECT_EQ(e->verdict, Verdict::kSuspicious);
}

TEST(ShodanParser, ExposureWithoutVulnsIsUnknown) {
  auto e = parse_shodan_response(slurp(kIntel + "shodan/203.0.113.11.json"),
                                 obs(ObservableType::kIpv4, "203.0.113.11"));
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->facts.open_ports, std::vector<int>{443});
  EXPECT_EQ(e->facts.certificate_issuer, "Let's Encrypt");  // CN=R10, no organisation
  EXPECT_EQ(e->verdict, Verdict::kUnknown);
}

TEST(ShodanParser, NoInformationIsNotFound) {
  auto e = parse_shodan_response(slurp(kIntel + "shodan/192.0.2.99.json"),
                                 obs(ObservableType::kIpv4, "192.0.2.99"));
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->status, LookupStatus::kNotFound);
  EXPECT_FALSE(
      parse_shodan_response(R"({"isp": "x"})", obs(ObservableType::kIpv4, "x")).has_value());
}

// ---- RDAP --------------------------------------------------------------------------------------

TEST(RdapParser, RealVerisignDomain) {
  auto e = parse_rdap_response(slurp(kIntel + "rdap/domain/20c.com.json"),
                               obs(ObservableType::kDomain, "20c.com"));
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->facts.registered_at, at("2004-06-28T18:28:14Z"));
  EXPECT_EQ(e->facts.registrar, "CSL Computer Service Langenbach GmbH d/b/a joker.com");
  EXPECT_FALSE(e->facts.registrant_redacted.has_value());  // thin registry: nothing to judge
  EXPECT_EQ(e->verdict, Verdict::kUnknown);
}

TEST(RdapParser, RealCzNicDomainRegistrarFromHandle) {
  auto e = parse_rdap_response(slurp(kIntel + "rdap/domain/example.cz.json"),
                               obs(ObservableType::kDomain, "example.cz"));
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->facts.registrar, "REG-INTERNET-CZ");
  EXPECT_EQ(e->facts.registered_at, at("2004-08-30T22:55:00Z"));
}

TEST(RdapParser, RedactedRegistrant) {
  auto e = parse_rdap_response(slurp(kIntel + "rdap/domain/doc-secure.xyz.json"),
                               obs(ObservableType::kDomain, "doc-secure.xyz"));
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->facts.registrant_redacted, true);
  EXPECT_EQ(e->facts.registrar, "NameCheap, Inc.");
  EXPECT_EQ(e->facts.registered_at, at("2026-02-28T10:00:00Z"));

  // RFC 9537 member alone is enough.
  auto rfc9537 = parse_rdap_response(
      R"({"objectClassName":"domain","ldhName":"x.example",
          "redacted":[{"name":{"type":"Registrant Email"},"method":"removal"}]})",
      obs(ObservableType::kDomain, "x.example"));
  ASSERT_TRUE(rfc9537.has_value());
  EXPECT_EQ(rfc9537->facts.registrant_redacted, true);

  // A named registrant is not redacted.
  auto named = parse_rdap_response(
      R"({"objectClassName":"domain","entities":[{"roles":["registrant"],
          "vcardArray":["vcard",[["version",{},"text","4.0"],["fn",{},"text","Example SARL"]]]}]})",
      obs(ObservableType::kDomain, "y.example"));
  ASSERT_TRUE(named.has_value());
  EXPECT_EQ(named->facts.registrant_redacted, false);
}

TEST(RdapParser, RealArinNetwork) {
  auto e = parse_rdap_response(slurp(kIntel + "rdap/ip/206.41.110.0.json"),
                               obs(ObservableType::kIpv4, "206.41.110.0"));
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->facts.isp, "United-IX");  // registrant organisation
  EXPECT_EQ(e->facts.registered_at, at("2014-10-17T18:32:20-04:00"));
  EXPECT_TRUE(e->facts.registrar.empty());
}

TEST(RdapParser, ErrorResponse) {
  auto e = parse_rdap_response(slurp(kSamples + "rdap_error_400_ripe.json"),
                               obs(ObservableType::kDomain, "x.example"));
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->status, LookupStatus::kError);
  EXPECT_NE(e->error.find("Invalid syntax"), std::string::npos);
  auto missing = parse_rdap_response(R"({"errorCode":404,"title":"Not Found"})",
                                     obs(ObservableType::kDomain, "x.example"));
  ASSERT_TRUE(missing.has_value());
  EXPECT_EQ(missing->status, LookupStatus::kNotFound);
}

// ---- OpenCTI -----------------------------------------------------------------------------------

TEST(OpenCtiParser, ObservableSearchTakesTheExactMatch) {
  auto e = parse_opencti_response(slurp(kIntel + "opencti/doc-secure.xyz.json"),
                                  obs(ObservableType::kDomain, "doc-secure.xyz"));
  ASSERT_TRUE(e.has_value());
  // The fuzzy neighbour "docs-secure.xyz" (score 95) is ignored; max(65, indicator 80) = 80.
  EXPECT_EQ(e->verdict, Verdict::kMalicious);
  EXPECT_EQ(e->facts.tags, (std::vector<std::string>{"phishing", "agenttesla"}));
  EXPECT_EQ(e->facts.events, std::vector<std::string>{"AgentTesla phishing wave, March 2026"});
}

TEST(OpenCtiParser, IndicatorSearchIgnoresRevoked) {
  auto e = parse_opencti_response(slurp(kIntel + "opencti/198.51.100.23.json"),
                                  obs(ObservableType::kIpv4, "198.51.100.23"));
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->verdict, Verdict::kSuspicious);  // 50; the revoked 90 does not count
  EXPECT_EQ(e->facts.tags, std::vector<std::string>{"scanner"});
}

TEST(OpenCtiParser, EmptyErrorsAndThresholds) {
  auto empty = parse_opencti_response(R"({"data":{"stixCyberObservables":{"edges":[]}}})",
                                      obs(ObservableType::kDomain, "a.example"));
  ASSERT_TRUE(empty.has_value());
  EXPECT_EQ(empty->status, LookupStatus::kNotFound);
  auto denied = parse_opencti_response(slurp(kIntel + "opencti/192.0.2.88.json"),
                                       obs(ObservableType::kIpv4, "192.0.2.88"));
  ASSERT_TRUE(denied.has_value());
  EXPECT_EQ(denied->status, LookupStatus::kError);
  EXPECT_FALSE(parse_opencti_response(R"({"data":{"reports":[]}})",
                                      obs(ObservableType::kDomain, "a.example"))
                   .has_value());
  EXPECT_EQ(opencti_verdict(70), Verdict::kMalicious);
  EXPECT_EQ(opencti_verdict(69), Verdict::kSuspicious);
  EXPECT_EQ(opencti_verdict(40), Verdict::kSuspicious);
  EXPECT_EQ(opencti_verdict(39), Verdict::kUnknown);
}

// ---- MISP --------------------------------------------------------------------------------------

TEST(MispParser, RealFeedEvent) {
  auto event = parse_misp_event(slurp(kIntel + "misp/57c4445b-c548-4654-af0b-4be3950d210f.json"));
  ASSERT_TRUE(event.has_value()) << event.error().message;
  EXPECT_EQ(event->info, "Ransomware - Xorist");
  EXPECT_EQ(event->threat_level_id, 3);
  EXPECT_EQ(event->attributes.size(), 9u);
  EXPECT_EQ(event->tags.front(), "tlp:white");
}

TEST(MispParser, RealServerExportIncludesObjectAttributes) {
  auto event = parse_misp_event(slurp(kIntel + "misp/5a3c2fcd-8328-42bb-a95e-4f4402de0b81.json"));
  ASSERT_TRUE(event.has_value());
  EXPECT_EQ(event->uuid, "5a3c2fcd-8328-42bb-a95e-4f4402de0b81");
  EXPECT_GT(event->attributes.size(), 9u);  // 9 top-level plus the file objects'
  const bool has_object_sha1 = std::any_of(
      event->attributes.begin(), event->attributes.end(),
      [](const MispAttribute& a) { return a.value == "68064fc152e23d56e541714af52651cb4ba81aaf"; });
  EXPECT_TRUE(has_object_sha1);
}

TEST(MispParser, AttributeTypesToIndicators) {
  auto of = [](std::string type, std::string value) {
    return misp_attribute_indicators(MispAttribute{std::move(type), std::move(value), true});
  };
  using P = std::pair<ObservableType, std::string>;
  EXPECT_EQ(of("filename|sha256", "a.exe|ABC"),
            (std::vector<P>{{ObservableType::kFile, "a.exe"}, {ObservableType::kSha256, "ABC"}}));
  EXPECT_EQ(of("domain|ip", "x.example|2001:db8::1"),
            (std::vector<P>{{ObservableType::kDomain, "x.example"},
                            {ObservableType::kIpv6, "2001:db8::1"}}));
  EXPECT_EQ(of("ip-dst|port", "192.0.2.1|443"),
            (std::vector<P>{{ObservableType::kIpv4, "192.0.2.1"}}));
  EXPECT_EQ(of("ip-src", "198.51.100.0/24"),
            (std::vector<P>{{ObservableType::kCidr, "198.51.100.0/24"}}));
  EXPECT_EQ(of("hostname", "a.example"), (std::vector<P>{{ObservableType::kDomain, "a.example"}}));
  EXPECT_EQ(of("email-dst", "a@b.example"),
            (std::vector<P>{{ObservableType::kEmail, "a@b.example"}}));
  EXPECT_TRUE(of("link", "https://blog.example/").empty());
  EXPECT_TRUE(of("text", "hello").empty());
}

TEST(MispParser, MalformedEvent) {
  auto bad = parse_misp_event(slurp(kIntel + "misp/7e7e7e7e-0000-4000-8000-000000000bad.json"));
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code, ErrorCode::kParseError);
  EXPECT_FALSE(parse_misp_event(R"({"Orgc": {}})").has_value());
}

}  // namespace
}  // namespace soc
