// GreyNoise response parser: background-noise vs targeted, RIOT business services, tags, actor.
#include <fmt/format.h>

#include "core/strings.hpp"
#include "enrich/json_fields.hpp"
#include "enrich/parsers.hpp"

namespace soc {
namespace {
using enrich_detail::array_member;
using enrich_detail::bool_at;
using enrich_detail::Json;
using enrich_detail::member;
using enrich_detail::object_member;
using enrich_detail::string_at;

constexpr std::string_view kProvider = "greynoise";

Verdict greynoise_verdict(const IntelFacts& facts) {
  const std::string classification = to_lower(facts.noise_classification);
  if (classification == "malicious") return Verdict::kMalicious;
  if (classification == "suspicious") return Verdict::kSuspicious;
  if (facts.riot.value_or(false) || classification == "benign") return Verdict::kBenign;
  return Verdict::kUnknown;
}

void set_actor(IntelFacts& facts, std::string actor) {
  if (!actor.empty() && !iequals(actor, "unknown")) facts.actor = std::move(actor);
}

// Tags arrive as strings (v2) or as objects with a name (v3 ip).
void read_tags(const Json* tags, IntelFacts& facts) {
  if (tags == nullptr) return;
  for (const Json& tag : *tags) {
    std::string name = tag.is_object() ? string_at(&tag, "name") : enrich_detail::string_of(&tag);
    enrich_detail::push_unique(facts.tags, std::move(name));
  }
}

void read_metadata(const Json* metadata, IntelFacts& facts) {
  if (metadata == nullptr) return;
  facts.country = string_at(metadata, "country_code");
  if (facts.country.empty()) facts.country = string_at(metadata, "source_country_code");
  facts.asn = enrich_detail::parse_asn(member(metadata, "asn"));
  facts.as_owner = string_at(metadata, "organization");
  if (auto tor = bool_at(metadata, "tor")) facts.is_tor = tor;
}

// v2 /noise/context: {"seen", "classification", "first_seen", "actor", "tags", "metadata"}.
Enrichment from_context(const Json& root, const Observable& observable) {
  Enrichment out = enrich_detail::make_enrichment(observable, kProvider);
  IntelFacts& facts = out.facts;
  facts.internet_noise = bool_at(&root, "seen");
  facts.noise_classification = string_at(&root, "classification");
  facts.first_seen = enrich_detail::time_of(member(&root, "first_seen"));
  facts.last_seen = enrich_detail::time_of(member(&root, "last_seen"));
  set_actor(facts, string_at(&root, "actor"));
  read_tags(array_member(&root, "tags"), facts);
  read_metadata(object_member(&root, "metadata"), facts);
  if (auto tor = bool_at(&root, "tor")) facts.is_tor = tor;
  out.verdict = greynoise_verdict(facts);
  return out;
}

// v3 /community: {"noise", "riot", "classification", "name", "last_seen", "message"}.
Enrichment from_community(const Json& root, const Observable& observable) {
  Enrichment out = enrich_detail::make_enrichment(observable, kProvider);
  IntelFacts& facts = out.facts;
  facts.internet_noise = bool_at(&root, "noise");
  facts.riot = bool_at(&root, "riot");
  facts.noise_classification = string_at(&root, "classification");
  facts.last_seen = enrich_detail::time_of(member(&root, "last_seen"));
  set_actor(facts, string_at(&root, "name"));
  if (facts.noise_classification.empty() && !facts.internet_noise.value_or(false) &&
      !facts.riot.value_or(false)) {
    // The community API's 404 body: GreyNoise has never seen the address. That absence is a
    // fact the scorer uses ("unknown to GreyNoise but flagged elsewhere").
    out.status = LookupStatus::kNotFound;
    out.error = fmt::format("greynoise: {}", string_at(&root, "message"));
  }
  out.verdict = greynoise_verdict(facts);
  return out;
}

// v3 /ip: {"internet_scanner_intelligence": {...}, "business_service_intelligence": {...}}.
Enrichment from_v3_ip(const Json& root, const Observable& observable) {
  Enrichment out = enrich_detail::make_enrichment(observable, kProvider);
  IntelFacts& facts = out.facts;
  const Json* scanner = object_member(&root, "internet_scanner_intelligence");
  const Json* business = object_member(&root, "business_service_intelligence");
  if (scanner != nullptr) {
    facts.internet_noise = bool_at(scanner, "found");
    if (!facts.internet_noise) facts.internet_noise = bool_at(scanner, "seen");
    facts.noise_classification = string_at(scanner, "classification");
    facts.first_seen = enrich_detail::time_of(member(scanner, "first_seen"));
    facts.last_seen = enrich_detail::time_of(member(scanner, "last_seen"));
    set_actor(facts, string_at(scanner, "actor"));
    read_tags(array_member(scanner, "tags"), facts);
    read_metadata(object_member(scanner, "metadata"), facts);
    if (auto tor = bool_at(scanner, "tor")) facts.is_tor = tor;
  }
  if (business != nullptr) {
    facts.riot = bool_at(business, "found");
    if (facts.riot.value_or(false) && facts.actor.empty())
      set_actor(facts, string_at(business, "name"));
  }
  out.verdict = greynoise_verdict(facts);
  return out;
}

// v2 /noise/multi/quick: [{"ip", "noise", "code"}]; only the entry for this observable counts.
Enrichment from_quick_list(const Json& root, const Observable& observable) {
  for (const Json& entry : root) {
    if (string_at(&entry, "ip") != observable.value) continue;
    Enrichment out = enrich_detail::make_enrichment(observable, kProvider);
    out.facts.internet_noise = bool_at(&entry, "noise");
    if (auto riot = bool_at(&entry, "riot")) out.facts.riot = riot;
    out.verdict = greynoise_verdict(out.facts);
    return out;
  }
  return enrich_detail::make_status(observable, kProvider, LookupStatus::kNotFound,
                                    "greynoise: address not in the quick-check answer");
}

Enrichment from_error_body(const Json& root, const Observable& observable) {
  std::string message = string_at(&root, "error");
  if (message.empty()) message = string_at(&root, "message");
  LookupStatus status = LookupStatus::kError;
  if (icontains(message, "rate limit") || icontains(message, "quota") ||
      icontains(message, "too many"))
    status = LookupStatus::kRateLimited;
  else if (icontains(message, "not found") || icontains(message, "not observed"))
    status = LookupStatus::kNotFound;
  return enrich_detail::make_status(observable, kProvider, status,
                                    fmt::format("greynoise: {}", message));
}

}  // namespace

Result<Enrichment> parse_greynoise_response(std::string_view body, const Observable& observable) {
  auto parsed = enrich_detail::parse_body(body, kProvider);
  if (!parsed) return std::unexpected(parsed.error());
  const Json& root = *parsed;
  if (root.is_array()) return from_quick_list(root, observable);
  if (!root.is_object())
    return fail(ErrorCode::kParseError, "greynoise: response is not a JSON object");
  if (member(&root, "internet_scanner_intelligence") != nullptr ||
      member(&root, "business_service_intelligence") != nullptr)
    return from_v3_ip(root, observable);
  if (member(&root, "seen") != nullptr) return from_context(root, observable);
  if (member(&root, "noise") != nullptr || member(&root, "riot") != nullptr)
    return from_community(root, observable);
  if (member(&root, "classification") != nullptr) return from_context(root, observable);
  if (member(&root, "error") != nullptr || member(&root, "message") != nullptr)
    return from_error_body(root, observable);
  return fail(ErrorCode::kParseError,
              "greynoise: neither a context (seen), community (noise/riot) nor v3 ip body");
}

}  // namespace soc
