// What a threat-intelligence provider said about one observable: status, verdict, typed facts.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/observable.hpp"
#include "core/time.hpp"

namespace soc {

enum class LookupStatus : std::uint8_t { kOk, kNotFound, kError, kTimeout, kRateLimited, kSkipped };
enum class Verdict : std::uint8_t { kUnknown, kBenign, kSuspicious, kMalicious };

std::string_view to_string(LookupStatus status);
std::string_view to_string(Verdict verdict);

// Facts the scorer and the reasoning use. Each provider fills what it knows; unset stays unknown.
// Kept typed (not a JSON bag) so scoring never guesses at key names.
struct IntelFacts {
  // VirusTotal
  std::optional<int> engines_malicious;
  std::optional<int> engines_suspicious;
  std::optional<int> engines_total;
  std::string malware_family;   // popular_threat_classification / suggested label
  std::string threat_category;  // "trojan", "infostealer", ...
  std::optional<TimestampMs> first_submission;
  std::optional<int> community_reputation;
  // AbuseIPDB
  std::optional<int> abuse_confidence;
  std::optional<int> total_reports;
  std::optional<int> distinct_reporters;
  std::vector<std::string> abuse_categories;  // names, e.g. "Brute-Force", "SSH"
  std::optional<TimestampMs> last_reported;
  std::string isp;
  std::string usage_type;
  std::optional<bool> is_tor;
  // GreyNoise
  std::string noise_classification;    // "malicious", "benign", "unknown"
  std::optional<bool> internet_noise;  // seen mass-scanning the internet
  std::optional<bool> riot;            // known benign business service
  std::vector<std::string> tags;
  std::string actor;
  std::optional<TimestampMs> first_seen;
  std::optional<TimestampMs> last_seen;
  // RDAP / WHOIS
  std::optional<TimestampMs> registered_at;
  std::string registrar;
  std::optional<bool> registrant_redacted;
  // Network facts (several providers)
  std::string country;  // ISO 3166 alpha-2
  std::optional<std::uint32_t> asn;
  std::string as_owner;
  std::vector<int> open_ports;           // Shodan
  std::vector<std::string> vulns;        // Shodan CVEs
  std::vector<std::string> resolutions;  // VT: domains for an IP, IPs for a domain
  std::string certificate_issuer;        // VT last_https_certificate
  std::optional<bool> certificate_self_signed;
  // MISP / OpenCTI / lists
  std::vector<std::string> events;  // MISP event infos, OpenCTI reports
  std::vector<std::string> lists;   // names of the intel lists that hold the indicator
  std::optional<bool> allow_listed;
};

struct Enrichment {
  std::string observable;  // normalized value
  ObservableType type{};
  std::string provider;  // "virustotal", "abuseipdb", ...
  LookupStatus status = LookupStatus::kSkipped;
  Verdict verdict = Verdict::kUnknown;
  IntelFacts facts;
  std::optional<TimestampMs> fetched_at;
  std::string error;  // for status error/timeout/rate_limited: what happened
};
using EnrichmentPtr = std::shared_ptr<const Enrichment>;

// An edge of the relation graph between observables.
struct Relation {
  std::string from;
  std::string to;
  std::string type;  // "resolves_to", "has_cert", "belongs_to", "registered_with"
};

}  // namespace soc
