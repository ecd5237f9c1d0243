// AbuseIPDB API v2 /check response parser: confidence, report counts, categories, ISP.
#include <algorithm>
#include <array>
#include <map>

#include <fmt/format.h>

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

constexpr std::string_view kProvider = "abuseipdb";

// AbuseIPDB's documented report categories (https://www.abuseipdb.com/categories), by id.
constexpr std::array<std::string_view, 24> kCategoryNames{"",
                                                          "DNS Compromise",
                                                          "DNS Poisoning",
                                                          "Fraud Orders",
                                                          "DDoS Attack",
                                                          "FTP Brute-Force",
                                                          "Ping of Death",
                                                          "Phishing",
                                                          "Fraud VoIP",
                                                          "Open Proxy",
                                                          "Web Spam",
                                                          "Email Spam",
                                                          "Blog Spam",
                                                          "VPN IP",
                                                          "Port Scan",
                                                          "Hacking",
                                                          "SQL Injection",
                                                          "Spoofing",
                                                          "Brute-Force",
                                                          "Bad Web Bot",
                                                          "Exploited Host",
                                                          "Web App Attack",
                                                          "SSH",
                                                          "IoT Targeted"};

Enrichment from_errors(const Json& errors, const Observable& observable) {
  int status = 0;
  std::string detail;
  if (!errors.empty()) {
    status = small_int_at(&errors.front(), "status").value_or(0);
    detail = string_at(&errors.front(), "detail");
  }
  std::string text = fmt::format("abuseipdb: {} {}", status, detail);
  LookupStatus lookup_status = LookupStatus::kError;
  if (status == 429) lookup_status = LookupStatus::kRateLimited;
  if (status == 404) lookup_status = LookupStatus::kNotFound;
  return enrich_detail::make_status(observable, kProvider, lookup_status, std::move(text));
}

// Distinct category names, most reported first (ties: lower category id first, so the order
// is stable across runs).
std::vector<std::string> category_names_by_frequency(const Json& reports) {
  std::map<int, int> count_by_category;
  for (const Json& report : reports) {
    const Json* categories = array_member(&report, "categories");
    if (categories == nullptr) continue;
    for (const Json& category : *categories) {
      if (auto id = enrich_detail::int_of(&category); id && *id >= 0 && *id < 1000)
        ++count_by_category[static_cast<int>(*id)];
    }
  }
  std::vector<std::pair<int, int>> ranked(count_by_category.begin(), count_by_category.end());
  std::stable_sort(ranked.begin(), ranked.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  std::vector<std::string> names;
  names.reserve(ranked.size());
  for (const auto& [category, count] : ranked)
    enrich_detail::push_unique(names, abuseipdb_category_name(category));
  return names;
}

}  // namespace

std::string abuseipdb_category_name(int category) {
  if (category >= 1 && category < static_cast<int>(kCategoryNames.size()))
    return std::string(kCategoryNames[static_cast<std::size_t>(category)]);
  return fmt::format("Category {}", category);
}

Verdict abuseipdb_verdict(int confidence, int total_reports, bool whitelisted) {
  using namespace verdict_rules;
  if (confidence >= kAbuseIpdbMalicious) return Verdict::kMalicious;
  if (confidence >= kAbuseIpdbSuspicious) return Verdict::kSuspicious;
  if (whitelisted || total_reports == 0) return Verdict::kBenign;
  return Verdict::kUnknown;
}

Result<Enrichment> parse_abuseipdb_response(std::string_view body, const Observable& observable) {
  auto parsed = enrich_detail::parse_body(body, kProvider);
  if (!parsed) return std::unexpected(parsed.error());
  const Json& root = *parsed;
  if (!root.is_object())
    return fail(ErrorCode::kParseError, "abuseipdb: response is not a JSON object");
  if (const Json* errors = array_member(&root, "errors")) return from_errors(*errors, observable);
  const Json* data = object_member(&root, "data");
  if (data == nullptr) return fail(ErrorCode::kParseError, "abuseipdb: no \"data\" object");

  Enrichment out = enrich_detail::make_enrichment(observable, kProvider);
  IntelFacts& facts = out.facts;
  facts.abuse_confidence = small_int_at(data, "abuseConfidenceScore");
  facts.total_reports = small_int_at(data, "totalReports");
  facts.distinct_reporters = small_int_at(data, "numDistinctUsers");
  facts.country = string_at(data, "countryCode");
  facts.isp = string_at(data, "isp");
  facts.usage_type = string_at(data, "usageType");
  facts.is_tor = enrich_detail::bool_at(data, "isTor");
  facts.last_reported = enrich_detail::time_of(member(data, "lastReportedAt"));
  if (const Json* reports = array_member(data, "reports"))
    facts.abuse_categories = category_names_by_frequency(*reports);
  const bool whitelisted = enrich_detail::bool_at(data, "isWhitelisted").value_or(false);
  if (!facts.abuse_confidence) {
    return fail(ErrorCode::kParseError, "abuseipdb: data has no abuseConfidenceScore");
  }
  out.verdict =
      abuseipdb_verdict(*facts.abuse_confidence, facts.total_reports.value_or(-1), whitelisted);
  return out;
}

}  // namespace soc
