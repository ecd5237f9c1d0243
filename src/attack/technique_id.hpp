// ATT&CK technique ids ("T1059.001") packed into one integer, so lookups allocate nothing.
#pragma once
#include <cstdint>
#include <optional>
#include <string_view>

namespace soc::technique_id {

// key = technique number * 1000 + sub-technique number; 0 means "no sub-technique", which no
// real sub-technique uses (they start at .001).
inline std::uint32_t parent_key(std::uint32_t key) {
  return key - key % 1000;
}
inline bool is_subtechnique(std::uint32_t key) {
  return key % 1000 != 0;
}

namespace detail {
inline bool digits(std::string_view s, std::size_t count, std::uint32_t& value) {
  if (s.size() != count) return false;
  value = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + static_cast<std::uint32_t>(c - '0');
  }
  return true;
}

// "T1059", "t1059.001", and with sub_separators "T1059/001".
inline std::optional<std::uint32_t> parse_core(std::string_view s,
                                               std::string_view sub_separators) {
  if (s.size() < 5 || (s[0] != 'T' && s[0] != 't')) return std::nullopt;
  std::uint32_t number = 0;
  if (!digits(s.substr(1, 4), 4, number)) return std::nullopt;
  if (s.size() == 5) return number * 1000;
  std::uint32_t sub = 0;
  if (sub_separators.find(s[5]) == std::string_view::npos || !digits(s.substr(6), 3, sub) ||
      sub == 0)
    return std::nullopt;
  return number * 1000 + sub;
}
}  // namespace detail

// A catalog id: "T1059" or "T1059.001", any letter case, nothing around it.
inline std::optional<std::uint32_t> parse(std::string_view id) {
  return detail::parse_core(id, ".");
}

// A technique tag as sources write it: "T1059.001", "t1059.001", "attack.t1059.001",
// "T1059/001", with surrounding blanks. Anything else (tactic tags, names) is not an id.
inline std::optional<std::uint32_t> parse_tag(std::string_view tag) {
  while (!tag.empty() && (tag.front() == ' ' || tag.front() == '\t')) tag.remove_prefix(1);
  while (!tag.empty() && (tag.back() == ' ' || tag.back() == '\t')) tag.remove_suffix(1);
  constexpr std::string_view kPrefix = "attack.";
  if (tag.size() > kPrefix.size()) {
    bool has_prefix = true;
    for (std::size_t i = 0; i < kPrefix.size() && has_prefix; ++i) {
      const char c = tag[i];
      has_prefix = (c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c) == kPrefix[i];
    }
    if (has_prefix) tag.remove_prefix(kPrefix.size());
  }
  return detail::parse_core(tag, "./");
}

}  // namespace soc::technique_id
