// MISP event parser (feed and server-export formats) and attribute-type to indicator mapping.
#include <algorithm>
#include <array>

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

void read_attributes(const Json* attributes, std::vector<MispAttribute>& out) {
  if (attributes == nullptr) return;
  for (const Json& attribute : *attributes) {
    if (enrich_detail::bool_at(&attribute, "deleted").value_or(false)) continue;
    MispAttribute parsed;
    parsed.type = string_at(&attribute, "type");
    parsed.value = string_at(&attribute, "value");
    parsed.to_ids = enrich_detail::bool_at(&attribute, "to_ids").value_or(false);
    if (!parsed.type.empty() && !parsed.value.empty()) out.push_back(std::move(parsed));
  }
}

ObservableType ip_type(std::string_view value) {
  if (value.find('/') != std::string_view::npos) return ObservableType::kCidr;
  return value.find(':') != std::string_view::npos ? ObservableType::kIpv6 : ObservableType::kIpv4;
}

std::optional<ObservableType> hash_type(std::string_view type) {
  if (type == "md5") return ObservableType::kMd5;
  if (type == "sha1") return ObservableType::kSha1;
  if (type == "sha256") return ObservableType::kSha256;
  if (type == "sha512") return ObservableType::kSha512;
  return std::nullopt;
}

constexpr std::array<std::string_view, 6> kEmailTypes{
    "email", "email-src", "email-dst", "email-reply-to", "target-email", "whois-registrant-email"};

}  // namespace

Result<MispEvent> parse_misp_event(std::string_view body) {
  auto parsed = enrich_detail::parse_body(body, "misp");
  if (!parsed) return std::unexpected(parsed.error());
  const Json* event = &*parsed;
  if (const Json* response = member(event, "response")) {
    // Legacy restSearch envelope: {"response": [{"Event": {...}}]}.
    if (response->is_array() && !response->empty()) event = &response->front();
  }
  if (const Json* wrapped = object_member(event, "Event")) event = wrapped;
  if (!event->is_object() ||
      (member(event, "info") == nullptr && member(event, "Attribute") == nullptr))
    return fail(ErrorCode::kParseError, "misp: not an event (no Event, info or Attribute)");

  MispEvent out;
  out.uuid = string_at(event, "uuid");
  out.info = string_at(event, "info");
  if (auto level = enrich_detail::small_int_at(event, "threat_level_id");
      level && *level >= 1 && *level <= 4)
    out.threat_level_id = *level;
  out.date = enrich_detail::time_of(member(event, "date"));
  if (const Json* tags = array_member(event, "Tag")) {
    for (const Json& tag : *tags) enrich_detail::push_unique(out.tags, string_at(&tag, "name"));
  }
  read_attributes(array_member(event, "Attribute"), out.attributes);
  if (const Json* objects = array_member(event, "Object")) {
    for (const Json& object : *objects) {
      if (enrich_detail::bool_at(&object, "deleted").value_or(false)) continue;
      read_attributes(array_member(&object, "Attribute"), out.attributes);
    }
  }
  return out;
}

std::vector<std::pair<ObservableType, std::string>> misp_attribute_indicators(
    const MispAttribute& attribute) {
  std::vector<std::pair<ObservableType, std::string>> out;
  const std::string_view type = attribute.type;
  const std::string_view value = trim(attribute.value);
  const auto bar = value.find('|');
  const std::string_view first = trim(value.substr(0, bar));
  const std::string_view second =
      bar == std::string_view::npos ? std::string_view{} : trim(value.substr(bar + 1));
  auto add = [&](ObservableType t, std::string_view v) {
    if (!v.empty()) out.emplace_back(t, std::string(v));
  };

  if (type == "ip-src" || type == "ip-dst" || type == "ip-src|port" || type == "ip-dst|port") {
    add(ip_type(first), first);
  } else if (type == "domain" || type == "hostname" || type == "hostname|port") {
    add(ObservableType::kDomain, first);
  } else if (type == "domain|ip") {
    add(ObservableType::kDomain, first);
    add(ip_type(second), second);
  } else if (type == "url") {
    add(ObservableType::kUrl, value);
  } else if (auto hash = hash_type(type)) {
    add(*hash, value);
  } else if (type.starts_with("filename|")) {
    add(ObservableType::kFile, first);
    if (auto pair_hash = hash_type(type.substr(9))) add(*pair_hash, second);
  } else if (type == "filename") {
    add(ObservableType::kFile, value);
  } else if (std::find(kEmailTypes.begin(), kEmailTypes.end(), type) != kEmailTypes.end()) {
    add(ObservableType::kEmail, value);
  } else if (type == "AS") {
    add(ObservableType::kAsn, value);
  } else if (type == "vulnerability") {
    add(ObservableType::kCve, value);
  } else if (type == "btc") {
    add(ObservableType::kBitcoin, value);
  } else if (type == "xmr") {
    add(ObservableType::kMonero, value);
  } else if (type == "regkey" || type == "regkey|value") {
    add(ObservableType::kRegistry, first);
  }
  return out;
}

}  // namespace soc
