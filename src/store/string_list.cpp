// JSON-array encoding of string lists for the correlation and incident tables.
#include "store/string_list.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "core/strings.hpp"

namespace soc::store {
namespace {

void append_escaped(std::string& out, std::string_view item) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (const char c : item) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (byte < 0x20) {
      out.append("\\u00");
      out.push_back(kHex[byte >> 4]);
      out.push_back(kHex[byte & 0x0f]);
    } else {
      out.push_back(c);
    }
  }
}

}  // namespace

std::string encode_string_list(const std::vector<std::string>& items) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out.push_back(',');
    out.push_back('"');
    if (is_valid_utf8(items[i])) {
      append_escaped(out, items[i]);
    } else {
      append_escaped(out, sanitize_utf8(items[i]));
    }
    out.push_back('"');
  }
  out.push_back(']');
  return out;
}

Result<std::vector<std::string>> decode_string_list(std::string_view json, std::string_view what) {
  try {
    const nlohmann::json parsed = nlohmann::json::parse(json);
    if (!parsed.is_array()) {
      return fail(ErrorCode::kIntegrityError, fmt::format("{} is not a JSON array", what));
    }
    std::vector<std::string> items;
    items.reserve(parsed.size());
    for (const auto& item : parsed) {
      if (!item.is_string()) {
        return fail(ErrorCode::kIntegrityError, fmt::format("{} holds a non-string item", what));
      }
      items.push_back(item.get<std::string>());
    }
    return items;
  } catch (const nlohmann::json::exception& e) {
    return fail(ErrorCode::kIntegrityError,
                fmt::format("{} is not valid JSON: {}", what, e.what()));
  }
}

}  // namespace soc::store
