// Helpers shared by the SIEM format normalizers (Splunk, Sentinel, SecOps, Wazuh, OCSF, CEF).
#pragma once
#include <simdjson.h>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/alert.hpp"
#include "core/result.hpp"

namespace soc::formats {

// Arrays in an alert are walked at most this far: a real alert has tens of entities, and
// add_observable() deduplicates by scanning, so an unbounded array would cost quadratic time.
inline constexpr std::size_t kMaxArrayItems = 1024;

// JSON documents embedded as strings (Sentinel Entities / ExtendedProperties) are parsed with a
// second, per-thread parser under these bounds; the outer document stays valid meanwhile.
inline constexpr std::size_t kMaxEmbeddedBytes = 1u << 20;
inline constexpr std::size_t kMaxEmbeddedDepth = 32;

// Parses JSON text found inside a string field. The element lives until the next call on the
// same thread, so parse one embedded document at a time and read it before parsing the next.
Result<simdjson::dom::element> parse_embedded_json(std::string_view text, std::string_view what);

// Rejects documents with an array longer than kMaxArrayItems anywhere (kTooLarge), so that
// walking them stays cheap. Array sizes are read from the DOM without iterating the items.
Status check_array_sizes(simdjson::dom::element document, std::string_view what);

// Member of an object or nothing (no dotted paths: callers know the shape).
std::optional<simdjson::dom::element> member(simdjson::dom::element object, std::string_view key);
// The member if it is an object, else nullopt.
std::optional<simdjson::dom::element> object_member(simdjson::dom::element parent,
                                                    std::string_view key);
// Text of a scalar member ("" when absent, null, an object or an array).
std::string text(simdjson::dom::element object, std::string_view key);
// The first non-empty text among the keys.
std::string first_text(simdjson::dom::element object, std::initializer_list<std::string_view> keys);
std::string_view string_view_of(simdjson::dom::element element);  // "" unless a string

// Calls fn(item) for each item of an array (at most kMaxArrayItems), or once for a non-array;
// returns false when the array was longer than the bound.
template <class Fn>
bool for_each_bounded(simdjson::dom::element element, Fn&& fn) {
  simdjson::dom::array items;
  if (element.get_array().get(items) != simdjson::SUCCESS) {
    fn(element);
    return true;
  }
  std::size_t n = 0;
  for (simdjson::dom::element item : items) {
    if (++n > kMaxArrayItems) return false;
    fn(item);
  }
  return true;
}

// ATT&CK tags, deduplicated in the order met. Tactics may be names ("Credential Access",
// "CredentialAccess") or ids ("TA0006"); "Unknown" and other non-tactics are dropped.
void add_technique(Alert& alert, std::string_view text);
void add_tactic(Alert& alert, std::string_view text);
// A list in one string: "T1003, T1550" / "T1047;T1082" / "[\"T1059\"]".
void add_techniques_from_list(Alert& alert, std::string_view text);
void add_tactics_from_list(Alert& alert, std::string_view text);
// Technique ids written inside text: "Brute Force (T1110)", "T1059.001 - PowerShell".
void add_techniques_in_text(Alert& alert, std::string_view text);
void add_category(Alert& alert, std::string_view text);

// An IP, e-mail, domain or host name, typed by its shape.
void add_address(Alert& alert, std::string_view value, Role role, std::string_view field);
// A hex digest typed by its length (MD5, SHA-1, SHA-256, SHA-512); other values are ignored.
void add_hash(Alert& alert, std::string_view value, Role role, std::string_view field);
// "SHA1=...,MD5=...,SHA256=...,IMPHASH=..." as Sysmon writes it.
void add_hash_list(Alert& alert, std::string_view list, Role role, std::string_view field);
// "DOMAIN\\user" and "user@domain" are kept whole: the account as the source names it.
void add_user(Alert& alert, std::string_view value, Role role, std::string_view field);
void add_text(Alert& alert, std::string_view field, std::string_view text);

// Timestamps: RFC 3339, epoch seconds or milliseconds, with or without a fraction
// ("1717493410.000", "1659523775038").
std::optional<TimestampMs> parse_any_time(std::string_view text);

// OCSF-style severity_id / 1-10 scales are mapped by their callers; these are the shared bands.
// Severity for a 0-100 risk score (Elastic's bands: 74+ critical, 48+ high, 22+ medium).
Severity severity_from_score(std::int64_t score);

}  // namespace soc::formats
