// Byte spans of members and items inside JSON text, so a pulled alert is stored exactly as sent.
//
// The vendor's own bytes are what the audit trail keeps; re-serializing a parsed document would
// reorder keys or reprint numbers. These helpers walk text that a real parser has already
// accepted: they never unescape, never allocate, and give up (nullopt) on anything unexpected
// instead of guessing. Keys are compared as written between their quotes.
#pragma once
#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

namespace soc::connectors::raw_json {

// The span of the value starting at text[pos] (after leading whitespace), or nullopt.
std::optional<std::string_view> value_at(std::string_view text, std::size_t pos = 0);
// The value of `key` in the object `object` (a span starting with '{'), or nullopt.
std::optional<std::string_view> member(std::string_view object, std::string_view key);
// The items of the array `array` (a span starting with '['), or nullopt when it is not one.
std::optional<std::vector<std::string_view>> items(std::string_view array);
// Follows a path of member names from the top-level object.
std::optional<std::string_view> path(std::string_view object,
                                     std::initializer_list<std::string_view> keys);

}  // namespace soc::connectors::raw_json
