// String lists (entities, tactics, techniques, alert ids) stored as readable JSON arrays.
#pragma once
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace soc::store {

// Invalid UTF-8 inside an item is replaced by U+FFFD: a JSON text cannot carry raw bytes.
std::string encode_string_list(const std::vector<std::string>& items);
// The same into `out`, replacing its content and keeping its capacity.
void encode_string_list_into(std::string& out, std::span<const std::string> items);
Result<std::vector<std::string>> decode_string_list(std::string_view json, std::string_view what);

}  // namespace soc::store
