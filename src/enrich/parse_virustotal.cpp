// VirusTotal API v3 (and legacy v2) response parser: detections, family, network and DNS facts.
#include <algorithm>
#include <array>

#include <fmt/format.h>

#include "core/strings.hpp"
#include "enrich/ip_address.hpp"
#include "enrich/json_fields.hpp"
#include "enrich/parsers.hpp"

namespace soc {
namespace {
using enrich_detail::array_member;
using enrich_detail::Json;
using enrich_detail::member;
using enrich_detail::object_member;
using enrich_detail::small_int_at;
using enrich_detail::string_at;

constexpr std::string_view kProvider = "virustotal";

// Tokens VirusTotal's threat-name voting returns that name a platform or a generic detection,
// not a family: "trojan.msil/tasker" is the tasker family, not the msil one.
constexpr std::array<std::string_view, 16> kGenericThreatNames{
    "msil",    "win32", "win64",     "w32",   "w64", "generic", "genericrxaa", "gen",
    "malware", "agent", "androidos", "linux", "js",  "html",    "vbs",         "pdf"};

bool is_generic_threat_name(std::string_view name) {
  return std::find(kGenericThreatNames.begin(), kGenericThreatNames.end(), to_lower(name)) !=
         kGenericThreatNames.end();
}

// Highest-count entry of a [{count, value}] vote list, skipping entries `skip` rejects.
template <class Skip>
std::string top_voted(const Json* votes, Skip skip) {
  if (votes == nullptr || !votes->is_array()) return {};
  std::string best;
  std::int64_t best_count = -1;
  for (const Json& vote : *votes) {
    std::string value = string_at(&vote, "value");
    const auto count = enrich_detail::int_at(&vote, "count").value_or(0);
    if (value.empty() || skip(value)) continue;
    if (count > best_count) {
      best_count = count;
      best = std::move(value);
    }
  }
  return best;
}

void read_threat_classification(const Json* attributes, IntelFacts& facts) {
  const Json* classification = object_member(attributes, "popular_threat_classification");
  if (classification == nullptr) return;
  facts.threat_category =
      top_voted(member(classification, "popular_threat_category"), [](auto&) { return false; });
  facts.malware_family =
      top_voted(member(classification, "popular_threat_name"), is_generic_threat_name);
  if (!facts.malware_family.empty()) return;
  // "trojan.agenttesla/msil": category before the dot, candidate families after it.
  std::string label = string_at(classification, "suggested_threat_label");
  const auto dot = label.find('.');
  const std::string_view names =
      dot == std::string::npos ? std::string_view(label) : std::string_view(label).substr(dot + 1);
  for (const std::string& name : split(names, '/')) {
    if (!is_generic_threat_name(name)) {
      facts.malware_family = name;
      break;
    }
  }
}

void read_analysis_stats(const Json* attributes, IntelFacts& facts, int& harmless) {
  const Json* stats = object_member(attributes, "last_analysis_stats");
  if (stats == nullptr) return;
  const int malicious = small_int_at(stats, "malicious").value_or(0);
  const int suspicious = small_int_at(stats, "suspicious").value_or(0);
  const int undetected = small_int_at(stats, "undetected").value_or(0);
  harmless = small_int_at(stats, "harmless").value_or(0);
  facts.engines_malicious = malicious;
  facts.engines_suspicious = suspicious;
  facts.engines_total = malicious + suspicious + undetected + harmless;
}

std::string distinguished_name_part(const Json* name, const char* key) {
  return std::string(trim(string_at(name, key)));
}

void read_certificate(const Json* attributes, IntelFacts& facts) {
  const Json* certificate = object_member(attributes, "last_https_certificate");
  if (certificate == nullptr) return;
  const Json* issuer = object_member(certificate, "issuer");
  const Json* subject = object_member(certificate, "subject");
  if (issuer != nullptr) {
    std::string organization = distinguished_name_part(issuer, "O");
    std::string common_name = distinguished_name_part(issuer, "CN");
    // A bare "R3" only means Let's Encrypt when no other organisation claims the certificate.
    if (is_lets_encrypt_issuer(organization) ||
        (organization.empty() && is_lets_encrypt_issuer(common_name))) {
      facts.certificate_issuer = "Let's Encrypt";
    } else {
      facts.certificate_issuer = organization.empty() ? common_name : organization;
    }
  }
  if (issuer != nullptr && subject != nullptr) facts.certificate_self_signed = *issuer == *subject;
}

void add_resolution(IntelFacts& facts, std::string value) {
  if (facts.resolutions.size() >= kMaxResolutions) return;
  enrich_detail::push_unique(facts.resolutions, to_lower(trim(value)));
}

// relationships.resolutions.data[]: full resolution objects when the request asked for them,
// else bare descriptors whose id is the IP and the host name glued together.
void read_resolution_relationship(const Json* object, const Observable& observable,
                                  IntelFacts& facts) {
  const Json* relationships = object_member(object, "relationships");
  const Json* resolutions = object_member(relationships, "resolutions");
  const Json* items = array_member(resolutions, "data");
  if (items == nullptr) return;
  const bool for_ip = is_ip(observable.type);
  for (const Json& item : *items) {
    const Json* attributes = object_member(&item, "attributes");
    std::string other = string_at(attributes, for_ip ? "host_name" : "ip_address");
    if (other.empty()) {
      const std::string id = string_at(&item, "id");
      if (for_ip && id.starts_with(observable.value)) {
        other = id.substr(observable.value.size());
      } else if (!for_ip && id.ends_with(observable.value)) {
        other = id.substr(0, id.size() - observable.value.size());
      }
    }
    if (!for_ip) {
      auto ip = enrich_detail::canonical_ip_text(other);
      if (!ip) continue;
      other = std::move(*ip);
    }
    add_resolution(facts, std::move(other));
  }
}

void read_dns_records(const Json* attributes, IntelFacts& facts) {
  const Json* records = array_member(attributes, "last_dns_records");
  if (records == nullptr) return;
  for (const Json& record : *records) {
    const std::string type = string_at(&record, "type");
    if (type != "A" && type != "AAAA") continue;
    // Only real addresses join the graph (sanitised exports carry placeholders like ":ip:").
    if (auto ip = enrich_detail::canonical_ip_text(string_at(&record, "value")))
      add_resolution(facts, std::move(*ip));
  }
}

void read_tags(const Json* attributes, IntelFacts& facts) {
  const Json* tags = array_member(attributes, "tags");
  if (tags == nullptr) return;
  for (const Json& tag : *tags) {
    if (facts.tags.size() >= 32) break;
    enrich_detail::push_unique(facts.tags, enrich_detail::string_of(&tag));
  }
}

Enrichment from_error_object(const Json* error, const Observable& observable) {
  const std::string code = string_at(error, "code");
  const std::string message = string_at(error, "message");
  const std::string text =
      fmt::format("virustotal: {}{}{}", code, message.empty() ? "" : ": ", message);
  if (code == "NotFoundError")
    return enrich_detail::make_status(observable, kProvider, LookupStatus::kNotFound, text);
  if (code == "QuotaExceededError" || code == "TooManyRequestsError")
    return enrich_detail::make_status(observable, kProvider, LookupStatus::kRateLimited, text);
  return enrich_detail::make_status(observable, kProvider, LookupStatus::kError, text);
}

Enrichment from_v3_object(const Json* object, const Observable& observable) {
  Enrichment out = enrich_detail::make_enrichment(observable, kProvider);
  IntelFacts& facts = out.facts;
  const Json* attributes = object_member(object, "attributes");
  int harmless = 0;
  read_analysis_stats(attributes, facts, harmless);
  facts.community_reputation = small_int_at(attributes, "reputation");
  read_tags(attributes, facts);
  if (is_hash(observable.type)) {
    read_threat_classification(attributes, facts);
    facts.first_submission =
        enrich_detail::epoch_seconds_of(member(attributes, "first_submission_date"));
  } else if (observable.type == ObservableType::kUrl) {
    facts.first_submission =
        enrich_detail::epoch_seconds_of(member(attributes, "first_submission_date"));
  } else {
    facts.country = string_at(attributes, "country");
    facts.asn = enrich_detail::parse_asn(member(attributes, "asn"));
    facts.as_owner = string_at(attributes, "as_owner");
    read_certificate(attributes, facts);
    if (observable.type == ObservableType::kDomain || observable.type == ObservableType::kHost) {
      facts.registered_at = enrich_detail::epoch_seconds_of(member(attributes, "creation_date"));
      facts.registrar = string_at(attributes, "registrar");
      read_dns_records(attributes, facts);
    }
    read_resolution_relationship(object, observable, facts);
  }
  if (facts.engines_malicious) {
    out.verdict = virustotal_verdict(*facts.engines_malicious, facts.engines_suspicious.value_or(0),
                                     harmless, facts.engines_total.value_or(0));
  }
  return out;
}

// API v2 reports: {"response_code": 0|1, "positives", "total", "resolutions": [...]}.
Enrichment from_v2_report(const Json* report, const Observable& observable) {
  if (enrich_detail::int_at(report, "response_code").value_or(0) != 1) {
    return enrich_detail::make_status(
        observable, kProvider, LookupStatus::kNotFound,
        fmt::format("virustotal: {}", string_at(report, "verbose_msg")));
  }
  Enrichment out = enrich_detail::make_enrichment(observable, kProvider);
  IntelFacts& facts = out.facts;
  if (auto positives = small_int_at(report, "positives")) {
    facts.engines_malicious = *positives;
    facts.engines_total = small_int_at(report, "total");
    // v2 folds "harmless" and "undetected" together, so a clean v2 report never reads benign.
    out.verdict = virustotal_verdict(*positives, 0, 0, facts.engines_total.value_or(0));
  }
  facts.country = string_at(report, "country");
  facts.asn = enrich_detail::parse_asn(member(report, "asn"));
  facts.as_owner = string_at(report, "as_owner");
  if (const Json* resolutions = array_member(report, "resolutions")) {
    std::vector<std::pair<std::string, std::string>> dated;  // (last_resolved, value)
    const char* key = is_ip(observable.type) ? "hostname" : "ip_address";
    for (const Json& item : *resolutions)
      dated.emplace_back(string_at(&item, "last_resolved"), string_at(&item, key));
    std::stable_sort(dated.begin(), dated.end(),
                     [](const auto& a, const auto& b) { return a.first > b.first; });
    for (auto& [when, value] : dated) add_resolution(facts, std::move(value));
  }
  return out;
}

}  // namespace

Verdict virustotal_verdict(int malicious, int suspicious, int harmless, int total) {
  using namespace verdict_rules;
  if (malicious >= kVirusTotalMaliciousEngines) return Verdict::kMalicious;
  if (malicious >= kVirusTotalRatioMinEngines && total > 0 &&
      malicious * 100 >= total * kVirusTotalRatioPercent)
    return Verdict::kMalicious;
  if (malicious >= 1 || suspicious >= kVirusTotalSuspiciousEngines) return Verdict::kSuspicious;
  if (malicious == 0 && suspicious == 0 && harmless > 0) return Verdict::kBenign;
  return Verdict::kUnknown;
}

bool is_lets_encrypt_issuer(std::string_view issuer) {
  issuer = trim(issuer);
  if (icontains(issuer, "let's encrypt") || icontains(issuer, "lets encrypt")) return true;
  // Intermediates: R3, R4, R10-R14, E1, E2, E5-E9 (and their future siblings, same pattern).
  if (issuer.size() < 2 || issuer.size() > 3 || (issuer[0] != 'R' && issuer[0] != 'E'))
    return false;
  for (char c : issuer.substr(1))
    if (c < '0' || c > '9') return false;
  return true;
}

std::string virustotal_url_id(std::string_view url) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  out.reserve((url.size() * 4 + 2) / 3);
  std::size_t i = 0;
  for (; i + 3 <= url.size(); i += 3) {
    const auto n = (static_cast<std::uint32_t>(static_cast<unsigned char>(url[i])) << 16) |
                   (static_cast<std::uint32_t>(static_cast<unsigned char>(url[i + 1])) << 8) |
                   static_cast<std::uint32_t>(static_cast<unsigned char>(url[i + 2]));
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += kAlphabet[n & 63];
  }
  const std::size_t rest = url.size() - i;
  if (rest > 0) {
    std::uint32_t n = static_cast<std::uint32_t>(static_cast<unsigned char>(url[i])) << 16;
    if (rest == 2) n |= static_cast<std::uint32_t>(static_cast<unsigned char>(url[i + 1])) << 8;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    if (rest == 2) out += kAlphabet[(n >> 6) & 63];
  }
  return out;
}

Result<Enrichment> parse_virustotal_response(std::string_view body, const Observable& observable) {
  auto parsed = enrich_detail::parse_body(body, kProvider);
  if (!parsed) return std::unexpected(parsed.error());
  const Json& root = *parsed;
  if (!root.is_object())
    return fail(ErrorCode::kParseError, "virustotal: response is not a JSON object");
  if (const Json* error = object_member(&root, "error"))
    return from_error_object(error, observable);

  const Json* data = member(&root, "data");
  if (data != nullptr && data->is_array()) {
    // A search or collection answer: the first object is the match.
    if (data->empty())
      return enrich_detail::make_status(observable, kProvider, LookupStatus::kNotFound,
                                        "virustotal: empty result list");
    data = &data->front();
  }
  if (data == nullptr && object_member(&root, "attributes") != nullptr) data = &root;
  if (data != nullptr && object_member(data, "attributes") != nullptr)
    return from_v3_object(data, observable);
  if (member(&root, "response_code") != nullptr) return from_v2_report(&root, observable);
  return fail(ErrorCode::kParseError,
              "virustotal: neither a v3 object (data.attributes) nor a v2 report (response_code)");
}

}  // namespace soc
