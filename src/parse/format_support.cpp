// Helpers shared by the SIEM format normalizers.
#include "parse/format_support.hpp"

#include <algorithm>
#include <array>
#include <utility>

#include "core/strings.hpp"
#include "parse/json_path.hpp"
#include "parse/normalizer.hpp"
#include "parse/tags.hpp"

namespace soc::formats {
namespace {

constexpr std::array<std::pair<std::string_view, std::string_view>, 14> kEnterpriseTactics{{
    {"TA0043", "reconnaissance"},
    {"TA0042", "resource-development"},
    {"TA0001", "initial-access"},
    {"TA0002", "execution"},
    {"TA0003", "persistence"},
    {"TA0004", "privilege-escalation"},
    {"TA0005", "defense-evasion"},
    {"TA0006", "credential-access"},
    {"TA0007", "discovery"},
    {"TA0008", "lateral-movement"},
    {"TA0009", "collection"},
    {"TA0011", "command-and-control"},
    {"TA0010", "exfiltration"},
    {"TA0040", "impact"},
}};

void push_unique(std::vector<std::string>& items, std::string value) {
  if (value.empty()) return;
  if (std::find(items.begin(), items.end(), value) == items.end())
    items.push_back(std::move(value));
}

bool is_hex(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  });
}

// Splits on ',' ';' and strips JSON-array punctuation, so "[\"T1003\",\"T1550\"]",
// "T1003, T1550" and "T1047;T1082" all give the same items.
template <class Fn>
void for_each_list_item(std::string_view list, Fn&& fn) {
  std::size_t start = 0;
  std::size_t count = 0;
  while (start <= list.size() && count < kMaxArrayItems) {
    std::size_t end = list.find_first_of(",;", start);
    if (end == std::string_view::npos) end = list.size();
    std::string_view item = trim(list.substr(start, end - start));
    while (!item.empty() && (item.front() == '[' || item.front() == '"' || item.front() == '\''))
      item.remove_prefix(1);
    while (!item.empty() && (item.back() == ']' || item.back() == '"' || item.back() == '\''))
      item.remove_suffix(1);
    item = trim(item);
    if (!item.empty()) {
      fn(item);
      ++count;
    }
    start = end + 1;
  }
}

}  // namespace

Result<simdjson::dom::element> parse_embedded_json(std::string_view text, std::string_view what) {
  if (text.size() > kMaxEmbeddedBytes)
    return fail(ErrorCode::kTooLarge,
                std::string(what) + ": embedded JSON of " + std::to_string(text.size()) +
                    " bytes exceeds the limit of " + std::to_string(kMaxEmbeddedBytes));
  // Starts small and grows up to kMaxEmbeddedBytes on demand, keeping the depth limit.
  thread_local simdjson::dom::parser parser(kMaxEmbeddedBytes);
  thread_local const bool ready =
      parser.allocate(64 * 1024, kMaxEmbeddedDepth) == simdjson::SUCCESS;
  if (!ready)
    return fail(ErrorCode::kTooLarge, std::string(what) + ": cannot allocate a JSON parser");
  simdjson::dom::element element;
  const auto error = parser.parse(text.data(), text.size(), true).get(element);
  if (error == simdjson::SUCCESS) return element;
  const ErrorCode code = error == simdjson::DEPTH_ERROR  ? ErrorCode::kTooDeep
                         : error == simdjson::UTF8_ERROR ? ErrorCode::kInvalidUtf8
                         : error == simdjson::CAPACITY   ? ErrorCode::kTooLarge
                                                         : ErrorCode::kParseError;
  return fail(code, std::string(what) + " is not valid JSON: " + simdjson::error_message(error));
}

namespace {

bool arrays_within_bounds(simdjson::dom::element element) {
  switch (element.type()) {
    case simdjson::dom::element_type::ARRAY: {
      const simdjson::dom::array items = element.get_array().value_unsafe();
      if (items.size() > kMaxArrayItems) return false;
      for (simdjson::dom::element item : items)
        if (!arrays_within_bounds(item)) return false;
      return true;
    }
    case simdjson::dom::element_type::OBJECT: {
      const simdjson::dom::object fields = element.get_object().value_unsafe();
      for (auto [key, value] : fields)
        if (!arrays_within_bounds(value)) return false;
      return true;
    }
    default:
      return true;
  }
}

}  // namespace

Status check_array_sizes(simdjson::dom::element document, std::string_view what) {
  if (arrays_within_bounds(document)) return {};
  return fail(ErrorCode::kTooLarge, std::string(what) + " has an array of more than " +
                                        std::to_string(kMaxArrayItems) + " items");
}

std::optional<simdjson::dom::element> member(simdjson::dom::element object, std::string_view key) {
  simdjson::dom::element found;
  if (object.at_key(key).get(found) != simdjson::SUCCESS) return std::nullopt;
  return found;
}

std::string text(simdjson::dom::element object, std::string_view key) {
  auto found = member(object, key);
  return found ? json::scalar_text(*found) : std::string();
}

std::string first_text(simdjson::dom::element object,
                       std::initializer_list<std::string_view> keys) {
  for (auto key : keys) {
    std::string value = text(object, key);
    if (!trim(value).empty()) return value;
  }
  return {};
}

std::string_view string_view_of(simdjson::dom::element element) {
  std::string_view s;
  if (element.get_string().get(s) != simdjson::SUCCESS) return {};
  return s;
}

void add_technique(Alert& alert, std::string_view text) {
  push_unique(alert.technique_ids, normalize_technique_id(text));
}

void add_tactic(Alert& alert, std::string_view text) {
  text = trim(text);
  if (text.size() == 6 && (text[0] == 'T' || text[0] == 't') &&
      (text[1] == 'A' || text[1] == 'a')) {
    for (const auto& [id, name] : kEnterpriseTactics)
      if (iequals(id, text)) push_unique(alert.tactic_names, std::string(name));
    return;
  }
  const std::string name = tactic_short_name(text);
  for (const auto& [id, known] : kEnterpriseTactics)
    if (name == known) push_unique(alert.tactic_names, name);
}

void add_techniques_from_list(Alert& alert, std::string_view list) {
  for_each_list_item(list, [&](std::string_view item) { add_technique(alert, item); });
}

void add_tactics_from_list(Alert& alert, std::string_view list) {
  for_each_list_item(list, [&](std::string_view item) { add_tactic(alert, item); });
}

void add_techniques_in_text(Alert& alert, std::string_view text) {
  const auto digit = [&](std::size_t i) {
    return i < text.size() && text[i] >= '0' && text[i] <= '9';
  };
  const auto word_char = [&](std::size_t i) {
    const char c = text[i];
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
  };
  for (std::size_t i = text.find('T'); i != std::string_view::npos; i = text.find('T', i + 1)) {
    if (i > 0 && word_char(i - 1)) continue;
    if (!(digit(i + 1) && digit(i + 2) && digit(i + 3) && digit(i + 4))) continue;
    std::size_t end = i + 5;
    if (end < text.size() && (text[end] == '.' || text[end] == '/') && digit(end + 1) &&
        digit(end + 2) && digit(end + 3))
      end += 4;
    if (end < text.size() && word_char(end)) continue;
    add_technique(alert, text.substr(i, end - i));
  }
}

void add_category(Alert& alert, std::string_view text) {
  push_unique(alert.categories, to_lower(trim(text)));
}

void add_address(Alert& alert, std::string_view value, Role role, std::string_view field) {
  value = trim(value);
  if (value.empty() || value == "-") return;
  add_observable(alert, classify_address(value), std::string(value), role, field);
}

void add_hash(Alert& alert, std::string_view value, Role role, std::string_view field) {
  value = trim(value);
  if (!is_hex(value)) return;
  ObservableType type;
  switch (value.size()) {
    case 32:
      type = ObservableType::kMd5;
      break;
    case 40:
      type = ObservableType::kSha1;
      break;
    case 64:
      type = ObservableType::kSha256;
      break;
    case 128:
      type = ObservableType::kSha512;
      break;
    default:
      return;
  }
  add_observable(alert, type, std::string(value), role, field);
}

void add_hash_list(Alert& alert, std::string_view list, Role role, std::string_view field) {
  for_each_list_item(list, [&](std::string_view item) {
    const auto eq = item.find('=');
    if (eq == std::string_view::npos) {
      add_hash(alert, item, role, field);
      return;
    }
    const std::string_view algorithm = trim(item.substr(0, eq));
    // IMPHASH is an MD5-sized digest of the import table, not of the file: not an indicator here.
    if (iequals(algorithm, "IMPHASH")) return;
    add_hash(alert, item.substr(eq + 1), role, field);
  });
}

void add_user(Alert& alert, std::string_view value, Role role, std::string_view field) {
  value = trim(value);
  if (value.empty() || value == "-" || iequals(value, "n/a") || iequals(value, "null")) return;
  add_observable(alert, ObservableType::kUser, std::string(value), role, field);
}

void add_text(Alert& alert, std::string_view field, std::string_view text) {
  if (trim(text).empty()) return;
  for (const auto& existing : alert.texts)
    if (existing.text == text) return;
  alert.texts.push_back({std::string(field), std::string(text)});
}

std::optional<TimestampMs> parse_any_time(std::string_view text) {
  text = trim(text);
  if (text.empty()) return std::nullopt;
  // Epoch with a fraction ("1717493410.000000000"): Splunk's _time and info_* fields.
  const auto dot = text.find('.');
  if (dot != std::string_view::npos && dot > 0 && dot <= 13) {
    const std::string_view whole = text.substr(0, dot);
    const std::string_view fraction = text.substr(dot + 1);
    const auto digits = [](std::string_view s) {
      return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
    };
    if (digits(whole) && digits(fraction) && !fraction.empty()) {
      auto base = parse_time(whole);
      if (!base) return std::nullopt;
      if (whole.size() >= 12) return base;  // already milliseconds
      std::int64_t millis = 0;
      for (std::size_t i = 0; i < 3; ++i)
        millis = millis * 10 + (i < fraction.size() ? fraction[i] - '0' : 0);
      return *base + millis;
    }
  }
  return parse_time(text);
}

Severity severity_from_score(std::int64_t score) {
  if (score >= 74) return Severity::kCritical;
  if (score >= 48) return Severity::kHigh;
  if (score >= 22) return Severity::kMedium;
  return Severity::kLow;
}

std::optional<simdjson::dom::element> object_member(simdjson::dom::element parent,
                                                    std::string_view key) {
  auto found = member(parent, key);
  if (!found || !found->is_object()) return std::nullopt;
  return found;
}

}  // namespace soc::formats
