// Threat-intelligence response parsers: one vendor response body in, one Enrichment out.
//
// Shared by the offline providers (bodies read from the intel/ directory of CONTEXT.md) and the
// live HTTP clients (bodies fetched from the APIs). A parser never throws, never reads files and
// never looks at the clock. A malformed or truncated body is an Error (kParseError); a
// well-formed vendor error body is an Enrichment whose status says what happened:
//   VirusTotal   {"error":{"code":"NotFoundError"}} -> not_found; QuotaExceededError or
//                TooManyRequestsError -> rate_limited; any other code -> error.
//   AbuseIPDB    {"errors":[{"status":429,...}]} -> rate_limited; 404 -> not_found; else error.
//   GreyNoise    v3 community "IP not observed..." (no classification) -> not_found, with
//                internet_noise=false and riot=false kept as facts ("GreyNoise does not know it").
//   Shodan       {"error":"No information available..."} -> not_found; rate-limit text ->
//                rate_limited; else error.
//   RDAP         {"errorCode":404} -> not_found; 429 -> rate_limited; else error.
//   OpenCTI      GraphQL {"errors":[...]} without data -> error; no matching node -> not_found.
// Verdicts are never "benign" unless the source positively says so; every failure is unknown.
//
// Verdict rules (constants below, so tests and the documentation cannot drift apart):
//   VirusTotal   malicious engines >= 5, or >= 2 engines that are also >= 10 % of the engines
//                that gave a verdict (small scanner sets) -> malicious; 1 malicious engine or more,
//                or >= 3 suspicious engines -> suspicious; 0 malicious, 0 suspicious and at least
//                one "harmless" verdict -> benign; otherwise unknown (0/70 "undetected" on a file
//                says nothing: fresh malware is undetected too).
//                engines_total counts engines that returned a verdict: malicious + suspicious +
//                undetected + harmless (timeouts, failures and type-unsupported excluded), which
//                is the denominator VirusTotal's own "47/72" display uses.
//   AbuseIPDB    abuseConfidenceScore >= 75 -> malicious, >= 25 -> suspicious, isWhitelisted or
//                totalReports == 0 -> benign, otherwise unknown.
//   GreyNoise    classification "malicious" -> malicious (checked first: a compromised cloud IP can
//                be both RIOT and malicious), "suspicious" -> suspicious, riot or "benign" ->
//                benign, otherwise unknown.
//   Shodan       exposure, not reputation: known CVEs on the host -> suspicious, else unknown.
//   RDAP         facts only: always unknown.
//   OpenCTI      x_opencti_score (max of the observable and its live indicators) >= 70 ->
//                malicious, >= 40 -> suspicious, otherwise unknown.
//   MISP         a to_ids attribute in an event of threat level High (1) or Medium (2) ->
//                malicious; any other hit -> suspicious.
//   Lists        see intel_lists.hpp.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/enrichment.hpp"
#include "core/observable.hpp"
#include "core/result.hpp"

namespace soc {

namespace verdict_rules {
inline constexpr int kVirusTotalMaliciousEngines = 5;
inline constexpr int kVirusTotalRatioMinEngines = 2;
inline constexpr int kVirusTotalRatioPercent = 10;
inline constexpr int kVirusTotalSuspiciousEngines = 3;
inline constexpr int kAbuseIpdbMalicious = 75;
inline constexpr int kAbuseIpdbSuspicious = 25;
inline constexpr int kOpenCtiMalicious = 70;
inline constexpr int kOpenCtiSuspicious = 40;
}  // namespace verdict_rules

// How many resolutions a response may contribute; VirusTotal IPs can carry thousands and the
// graph only needs the recent ones.
inline constexpr std::size_t kMaxResolutions = 64;

Verdict virustotal_verdict(int malicious, int suspicious, int harmless, int total);
Verdict abuseipdb_verdict(int confidence, int total_reports, bool whitelisted);
Verdict opencti_verdict(int score);

// VirusTotal API v3 object responses ({"data":{"type","id","attributes"}}, or the bare object as
// some SDKs store it) for files, ip_addresses, domains and urls; legacy API v2 reports
// (response_code, positives/total, resolutions) are read too.
Result<Enrichment> parse_virustotal_response(std::string_view body, const Observable& observable);
// AbuseIPDB API v2 /check body, verbose or not.
Result<Enrichment> parse_abuseipdb_response(std::string_view body, const Observable& observable);
// GreyNoise v2 noise/context, v3 community, and v3 ip (internet_scanner_intelligence) bodies.
Result<Enrichment> parse_greynoise_response(std::string_view body, const Observable& observable);
// Shodan /shodan/host/{ip} body.
Result<Enrichment> parse_shodan_response(std::string_view body, const Observable& observable);
// RDAP (RFC 9083) domain or ip network object.
Result<Enrichment> parse_rdap_response(std::string_view body, const Observable& observable);
// OpenCTI GraphQL body of a stixCyberObservables or indicators search.
Result<Enrichment> parse_opencti_response(std::string_view body, const Observable& observable);

// VirusTotal's URL identifier: the URL in unpadded base64url (RFC 4648 section 5).
std::string virustotal_url_id(std::string_view url);
// AbuseIPDB report category id -> its documented name ("Brute-Force" for 18, ...); ids outside
// the documented list read as "Category <n>".
std::string abuseipdb_category_name(int category);
// Issuer names Let's Encrypt signs with (O=Let's Encrypt, or the intermediates' CN such as R3,
// R10, E5), so the scorer can recognise a free automated certificate.
bool is_lets_encrypt_issuer(std::string_view issuer);

// One MISP event as a feed or a server export holds it ({"Event":{...}} or the bare event).
struct MispAttribute {
  std::string type;  // MISP attribute type: "ip-dst", "filename|sha256", ...
  std::string value;
  bool to_ids = false;
};
struct MispEvent {
  std::string uuid;
  std::string info;
  int threat_level_id = 4;  // 1 High, 2 Medium, 3 Low, 4 Undefined
  std::optional<TimestampMs> date;
  std::vector<std::string> tags;
  std::vector<MispAttribute> attributes;  // top-level and object attributes, deleted ones dropped
};
Result<MispEvent> parse_misp_event(std::string_view body);
// The indicators one MISP attribute stands for: "filename|sha256" gives a file name and a
// hash, "ip-dst|port" an IP, "domain|ip" both; types that are not indicators give none.
std::vector<std::pair<ObservableType, std::string>> misp_attribute_indicators(
    const MispAttribute& attribute);

// Relation-graph edges an enrichment supports. Directions are fixed so the graph has one shape
// whichever source spoke: ip -resolves_to-> domain (from an IP's resolutions and from a
// domain's A/AAAA records alike), observable -has_cert-> certificate issuer ("self-signed" when
// the issuer is unknown but the certificate signs itself), observable -belongs_to-> "AS<n>",
// domain -registered_with-> registrar.
std::vector<Relation> relations_from(const Enrichment& enrichment);

}  // namespace soc
