// RDAP (RFC 9083) response parser: registration date, registrar, registrant redaction, network.
#include <array>

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

constexpr std::string_view kProvider = "rdap";
constexpr int kMaxEntityDepth = 3;

// Placeholder texts registrars put where a registrant's data was withheld (ICANN's Temporary
// Specification "REDACTED FOR PRIVACY", proxy services, ccTLD variants).
constexpr std::array<std::string_view, 9> kRedactionMarkers{
    "redacted",   "privacy",  "withheld", "not disclosed", "data protected",
    "whoisguard", "by proxy", "anonymi",  "gdpr"};

bool has_redaction_marker(std::string_view text) {
  for (std::string_view marker : kRedactionMarkers)
    if (icontains(text, marker)) return true;
  return false;
}

bool has_role(const Json& entity, std::string_view role) {
  const Json* roles = array_member(&entity, "roles");
  if (roles == nullptr) return false;
  for (const Json& r : *roles)
    if (r.is_string() && iequals(r.get_ref<const std::string&>(), role)) return true;
  return false;
}

// vcardArray: ["vcard", [[name, params, type, value], ...]].
const Json* vcard_properties(const Json& entity) {
  const Json* vcard = array_member(&entity, "vcardArray");
  if (vcard == nullptr || vcard->size() < 2 || !(*vcard)[1].is_array()) return nullptr;
  return &(*vcard)[1];
}

std::string vcard_value(const Json& entity, std::string_view property) {
  const Json* properties = vcard_properties(entity);
  if (properties == nullptr) return {};
  for (const Json& item : *properties) {
    if (!item.is_array() || item.size() < 4 || !item[0].is_string()) continue;
    if (item[0].get_ref<const std::string&>() != property) continue;
    std::string value(trim(enrich_detail::string_of(&item[3])));
    if (!value.empty()) return value;
  }
  return {};
}

// The registrant's vCard or remarks carry a redaction placeholder: true; a real name: false;
// nothing to judge by: absent.
std::optional<bool> registrant_redaction(const Json& entity) {
  if (const Json* remarks = array_member(&entity, "remarks")) {
    for (const Json& remark : *remarks)
      if (has_redaction_marker(string_at(&remark, "title"))) return true;
  }
  const Json* properties = vcard_properties(entity);
  if (properties == nullptr) return std::nullopt;
  bool any_text = false;
  for (const Json& item : *properties) {
    if (!item.is_array() || item.size() < 4 || !item[0].is_string()) continue;
    const std::string& name = item[0].get_ref<const std::string&>();
    if (name == "version") continue;
    std::string value = enrich_detail::string_of(&item[3]);
    if (item[3].is_array()) {
      for (const Json& part : item[3]) value += " " + enrich_detail::string_of(&part);
    }
    if (has_redaction_marker(value)) return true;
    if ((name == "fn" || name == "org") && !trim(value).empty()) any_text = true;
  }
  if (any_text) return false;
  return std::nullopt;
}

// RFC 9537 "redacted" member: [{"name": {"type": "Registrant Name"} | {"description": ...}}].
bool rfc9537_registrant_redacted(const Json& root) {
  const Json* redacted = array_member(&root, "redacted");
  if (redacted == nullptr) return false;
  for (const Json& item : *redacted) {
    const Json* name = object_member(&item, "name");
    if (icontains(string_at(name, "type"), "registrant") ||
        icontains(string_at(name, "description"), "registrant"))
      return true;
  }
  return false;
}

struct EntityFacts {
  std::string registrar;
  std::string registrant_name;
  std::optional<bool> registrant_redacted;
};

void walk_entities(const Json* entities, int depth, EntityFacts& found) {
  if (entities == nullptr || depth > kMaxEntityDepth) return;
  for (const Json& entity : *entities) {
    if (!entity.is_object()) continue;
    if (found.registrar.empty() && has_role(entity, "registrar")) {
      found.registrar = vcard_value(entity, "fn");
      if (found.registrar.empty()) found.registrar = vcard_value(entity, "org");
      if (found.registrar.empty()) found.registrar = string_at(&entity, "handle");
    }
    if (has_role(entity, "registrant")) {
      if (auto redacted = registrant_redaction(entity)) {
        // One redacted registrant record is enough to call the registrant hidden.
        found.registrant_redacted = found.registrant_redacted.value_or(false) || *redacted;
      }
      if (found.registrant_name.empty()) {
        found.registrant_name = vcard_value(entity, "fn");
        if (found.registrant_name.empty()) found.registrant_name = vcard_value(entity, "org");
      }
    }
    walk_entities(array_member(&entity, "entities"), depth + 1, found);
  }
}

std::optional<TimestampMs> registration_date(const Json& root) {
  const Json* events = array_member(&root, "events");
  if (events == nullptr) return std::nullopt;
  for (const Json& event : *events) {
    if (iequals(string_at(&event, "eventAction"), "registration"))
      return enrich_detail::time_of(member(&event, "eventDate"));
  }
  return std::nullopt;
}

Enrichment from_error(const Json& root, const Observable& observable) {
  const int code = enrich_detail::small_int_at(&root, "errorCode").value_or(0);
  LookupStatus status = LookupStatus::kError;
  if (code == 404) status = LookupStatus::kNotFound;
  if (code == 429) status = LookupStatus::kRateLimited;
  return enrich_detail::make_status(observable, kProvider, status,
                                    fmt::format("rdap: {} {}", code, string_at(&root, "title")));
}

}  // namespace

Result<Enrichment> parse_rdap_response(std::string_view body, const Observable& observable) {
  auto parsed = enrich_detail::parse_body(body, kProvider);
  if (!parsed) return std::unexpected(parsed.error());
  const Json& root = *parsed;
  if (!root.is_object()) return fail(ErrorCode::kParseError, "rdap: response is not a JSON object");
  if (member(&root, "errorCode") != nullptr) return from_error(root, observable);
  const std::string object_class = to_lower(string_at(&root, "objectClassName"));
  const bool is_network = object_class == "ip network" || member(&root, "startAddress") != nullptr;
  if (object_class.empty() && !is_network && member(&root, "ldhName") == nullptr)
    return fail(ErrorCode::kParseError, "rdap: not an RDAP object (no objectClassName)");

  Enrichment out = enrich_detail::make_enrichment(observable, kProvider);
  IntelFacts& facts = out.facts;
  facts.registered_at = registration_date(root);
  EntityFacts entities;
  walk_entities(array_member(&root, "entities"), 0, entities);
  if (is_network) {
    facts.country = string_at(&root, "country");
    // The holder's organisation names the network better than its handle-like "name".
    facts.isp =
        entities.registrant_name.empty() ? string_at(&root, "name") : entities.registrant_name;
    if (const Json* origins = array_member(&root, "arin_originas0_originautnums");
        origins != nullptr && !origins->empty())
      facts.asn = enrich_detail::parse_asn(&origins->front());
  } else {
    facts.registrar = entities.registrar;
    facts.registrant_redacted = entities.registrant_redacted;
    if (rfc9537_registrant_redacted(root)) facts.registrant_redacted = true;
  }
  out.verdict = Verdict::kUnknown;
  return out;
}

}  // namespace soc
