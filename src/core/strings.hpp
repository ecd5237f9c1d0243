// Small string helpers shared by every stage (ASCII-only case folding on purpose: indicators
// and field names are ASCII; user-visible text is never case-folded).
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace soc {

std::string to_lower(std::string_view s);
std::string_view trim(std::string_view s);
bool iequals(std::string_view a, std::string_view b);
bool icontains(std::string_view haystack, std::string_view needle);
bool starts_with_icase(std::string_view s, std::string_view prefix);
std::vector<std::string> split(std::string_view s, char sep);  // empty parts dropped, trimmed
std::string join(const std::vector<std::string>& parts, std::string_view sep);
// True when the bytes are well-formed UTF-8 (no overlongs, no surrogates).
bool is_valid_utf8(std::string_view s);
// Replaces each invalid byte sequence with U+FFFD so it can be shown and stored safely.
std::string sanitize_utf8(std::string_view s);

}  // namespace soc
