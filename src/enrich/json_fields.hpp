// Tolerant field access on parsed vendor JSON: a missing or mistyped member reads as absent.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/enrichment.hpp"
#include "core/result.hpp"

namespace soc::enrich_detail {

using Json = nlohmann::json;

// Vendors change shapes between API versions and integrators hand-edit cached files, so every
// accessor accepts what a reasonable producer could have meant (a number sent as a string, a
// boolean sent as 0/1) and otherwise answers "absent" rather than failing the whole response.
inline const Json* member(const Json* object, const char* key) {
  if (object == nullptr || !object->is_object()) return nullptr;
  auto it = object->find(key);
  if (it == object->end() || it->is_null()) return nullptr;
  return &*it;
}
inline const Json* member(const Json& object, const char* key) {
  return member(&object, key);
}

inline const Json* array_member(const Json* object, const char* key) {
  const Json* value = member(object, key);
  return value != nullptr && value->is_array() ? value : nullptr;
}

inline const Json* object_member(const Json* object, const char* key) {
  const Json* value = member(object, key);
  return value != nullptr && value->is_object() ? value : nullptr;
}

std::string string_of(const Json* value);  // strings as-is, numbers printed, else ""
std::optional<std::int64_t> int_of(const Json* value);
std::optional<bool> bool_of(const Json* value);

inline std::string string_at(const Json* object, const char* key) {
  return string_of(member(object, key));
}
inline std::optional<std::int64_t> int_at(const Json* object, const char* key) {
  return int_of(member(object, key));
}
inline std::optional<int> small_int_at(const Json* object, const char* key) {
  auto value = int_of(member(object, key));
  if (!value || *value < INT32_MIN || *value > INT32_MAX) return std::nullopt;
  return static_cast<int>(*value);
}
inline std::optional<bool> bool_at(const Json* object, const char* key) {
  return bool_of(member(object, key));
}

// Parses a whole response body; a syntax error or truncation becomes a kParseError naming the
// vendor and the parser's position, never an exception.
Result<Json> parse_body(std::string_view body, std::string_view vendor);

// A fresh answer for `observable` from `provider`, status ok and verdict unknown.
Enrichment make_enrichment(const Observable& observable, std::string_view provider);
Enrichment make_status(const Observable& observable, std::string_view provider, LookupStatus status,
                       std::string error);

// "AS64500", "as64500", "64500" or a number -> 64500.
std::optional<std::uint32_t> parse_asn(const Json* value);
std::optional<std::uint32_t> parse_asn_text(std::string_view text);

// Epoch seconds (VirusTotal, MISP) to milliseconds; RFC 3339 / date-only text via parse_time.
std::optional<TimestampMs> epoch_seconds_of(const Json* value);
std::optional<TimestampMs> time_of(const Json* value);

void push_unique(std::vector<std::string>& out, std::string value);

}  // namespace soc::enrich_detail
