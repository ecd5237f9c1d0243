// Shodan /shodan/host/{ip} response parser: exposure facts (ports, CVEs, network, TLS issuer).
#include <algorithm>

#include <fmt/format.h>

#include "core/strings.hpp"
#include "enrich/json_fields.hpp"
#include "enrich/parsers.hpp"

namespace soc {
namespace {
using enrich_detail::array_member;
using enrich_detail::Json;
using enrich_detail::member;
using enrich_detail::object_member;
using enrich_detail::string_at;

constexpr std::string_view kProvider = "shodan";
constexpr std::size_t kMaxVulns = 256;

void add_port(std::vector<int>& ports, const Json* value) {
  auto port = enrich_detail::int_of(value);
  if (port && *port >= 0 && *port <= 65535) ports.push_back(static_cast<int>(*port));
}

// "vulns" is an array of ids in the host summary and an object keyed by id in banners.
void add_vulns(std::vector<std::string>& vulns, const Json* value) {
  if (value == nullptr) return;
  auto add = [&](std::string id) {
    std::string upper = std::move(id);
    for (char& c : upper)
      if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (!upper.empty() && vulns.size() < kMaxVulns) vulns.push_back(std::move(upper));
  };
  if (value->is_array()) {
    for (const Json& id : *value) add(enrich_detail::string_of(&id));
  } else if (value->is_object()) {
    for (auto it = value->begin(); it != value->end(); ++it) add(it.key());
  }
}

void read_certificate(const Json& banner, IntelFacts& facts) {
  const Json* ssl = object_member(&banner, "ssl");
  const Json* certificate = object_member(ssl, "cert");
  const Json* issuer = object_member(certificate, "issuer");
  if (issuer == nullptr) return;
  const Json* subject = object_member(certificate, "subject");
  const std::string organization(trim(string_at(issuer, "O")));
  const std::string common_name(trim(string_at(issuer, "CN")));
  if (is_lets_encrypt_issuer(organization) ||
      (organization.empty() && is_lets_encrypt_issuer(common_name))) {
    facts.certificate_issuer = "Let's Encrypt";
  } else {
    facts.certificate_issuer = organization.empty() ? common_name : organization;
  }
  if (subject != nullptr) facts.certificate_self_signed = *issuer == *subject;
}

template <class T>
void sort_unique(std::vector<T>& values) {
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
}

}  // namespace

Result<Enrichment> parse_shodan_response(std::string_view body, const Observable& observable) {
  auto parsed = enrich_detail::parse_body(body, kProvider);
  if (!parsed) return std::unexpected(parsed.error());
  const Json& root = *parsed;
  if (!root.is_object())
    return fail(ErrorCode::kParseError, "shodan: response is not a JSON object");
  if (const Json* error = member(&root, "error")) {
    const std::string message = enrich_detail::string_of(error);
    LookupStatus status = LookupStatus::kError;
    if (icontains(message, "no information available")) status = LookupStatus::kNotFound;
    if (icontains(message, "rate limit") || icontains(message, "too many"))
      status = LookupStatus::kRateLimited;
    return enrich_detail::make_status(observable, kProvider, status,
                                      fmt::format("shodan: {}", message));
  }
  const Json* ports = array_member(&root, "ports");
  const Json* banners = array_member(&root, "data");
  if (ports == nullptr && banners == nullptr && member(&root, "ip_str") == nullptr)
    return fail(ErrorCode::kParseError, "shodan: not a host body (no ports, data or ip_str)");

  Enrichment out = enrich_detail::make_enrichment(observable, kProvider);
  IntelFacts& facts = out.facts;
  if (ports != nullptr)
    for (const Json& port : *ports) add_port(facts.open_ports, &port);
  add_vulns(facts.vulns, member(&root, "vulns"));
  if (banners != nullptr) {
    for (const Json& banner : *banners) {
      add_port(facts.open_ports, member(&banner, "port"));
      add_vulns(facts.vulns, member(&banner, "vulns"));
      if (facts.certificate_issuer.empty()) read_certificate(banner, facts);
    }
  }
  sort_unique(facts.open_ports);
  sort_unique(facts.vulns);
  facts.asn = enrich_detail::parse_asn(member(&root, "asn"));
  facts.isp = string_at(&root, "isp");
  facts.as_owner = string_at(&root, "org");
  facts.country = string_at(&root, "country_code");
  if (const Json* tags = array_member(&root, "tags"))
    for (const Json& tag : *tags)
      enrich_detail::push_unique(facts.tags, enrich_detail::string_of(&tag));
  out.verdict = facts.vulns.empty() ? Verdict::kUnknown : Verdict::kSuspicious;
  return out;
}

}  // namespace soc
