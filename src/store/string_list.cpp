// JSON-array encoding of string lists for the correlation and incident tables.
#include "store/string_list.hpp"

#include <fmt/format.h>

#include <cstdint>
#include <cstring>

#include <nlohmann/json.hpp>

#include "core/strings.hpp"

namespace soc::store {
namespace {

// Bytes that JSON strings carry as they are: printable ASCII other than the quote and the
// backslash. Lists can hold hundreds of ids, so the common case is one scan, eight bytes at a
// time, and one copy.
bool is_plain_json_text(std::string_view item) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
  constexpr std::uint64_t kHighs = 0x8080808080808080ULL;
  // Any byte below n (n <= 0x80), and any zero byte, in the classic bit-twiddling form.
  const auto any_below = [](std::uint64_t x, std::uint64_t n) { return (x - kOnes * n) & ~x; };
  std::size_t i = 0;
  for (; i + 8 <= item.size(); i += 8) {
    std::uint64_t x;
    std::memcpy(&x, item.data() + i, sizeof x);
    const std::uint64_t special =
        x | any_below(x, 0x20) | any_below(x ^ (kOnes * '"'), 1) | any_below(x ^ (kOnes * '\\'), 1);
    if ((special & kHighs) != 0) return false;
  }
  for (; i < item.size(); ++i) {
    const auto byte = static_cast<unsigned char>(item[i]);
    if (byte < 0x20 || byte >= 0x80 || byte == '"' || byte == '\\') return false;
  }
  return true;
}

void append_escaped(std::string& out, std::string_view item) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::size_t run = 0;
  for (std::size_t i = 0; i < item.size(); ++i) {
    const char c = item[i];
    const auto byte = static_cast<unsigned char>(c);
    if (c != '"' && c != '\\' && byte >= 0x20) continue;
    out.append(item.substr(run, i - run));
    run = i + 1;
    if (byte >= 0x20) {
      out.push_back('\\');
      out.push_back(c);
    } else {
      out.append("\\u00");
      out.push_back(kHex[byte >> 4]);
      out.push_back(kHex[byte & 0x0f]);
    }
  }
  out.append(item.substr(run));
}

}  // namespace

std::string encode_string_list(const std::vector<std::string>& items) {
  std::string out;
  encode_string_list_into(out, items);
  return out;
}

void encode_string_list_into(std::string& out, std::span<const std::string> items) {
  std::size_t size = 2;
  for (const std::string& item : items) size += item.size() + 3;
  out.clear();
  out.reserve(size);
  out.push_back('[');
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out.push_back(',');
    out.push_back('"');
    if (is_plain_json_text(items[i])) {
      out.append(items[i]);
    } else if (is_valid_utf8(items[i])) {
      append_escaped(out, items[i]);
    } else {
      append_escaped(out, sanitize_utf8(items[i]));
    }
    out.push_back('"');
  }
  out.push_back(']');
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
