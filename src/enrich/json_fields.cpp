// Tolerant field access on parsed vendor JSON, shared by every response parser.
#include "enrich/json_fields.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

#include <fmt/format.h>

#include "core/strings.hpp"
#include "core/time.hpp"

namespace soc::enrich_detail {

std::string string_of(const Json* value) {
  if (value == nullptr) return {};
  if (value->is_string()) return value->get<std::string>();
  if (value->is_number_integer()) return std::to_string(value->get<std::int64_t>());
  if (value->is_number_unsigned()) return std::to_string(value->get<std::uint64_t>());
  if (value->is_number_float()) return fmt::format("{}", value->get<double>());
  return {};
}

std::optional<std::int64_t> int_of(const Json* value) {
  if (value == nullptr) return std::nullopt;
  if (value->is_number_integer()) return value->get<std::int64_t>();
  if (value->is_number_unsigned()) {
    const auto v = value->get<std::uint64_t>();
    if (v > static_cast<std::uint64_t>(INT64_MAX)) return std::nullopt;
    return static_cast<std::int64_t>(v);
  }
  if (value->is_number_float()) {
    const double v = value->get<double>();
    if (!std::isfinite(v) || std::fabs(v) > 9.0e18) return std::nullopt;
    return static_cast<std::int64_t>(v);
  }
  if (value->is_string()) {
    const auto& text = value->get_ref<const std::string&>();
    const std::string_view trimmed = trim(text);
    std::int64_t out = 0;
    auto [end, ec] = std::from_chars(trimmed.data(), trimmed.data() + trimmed.size(), out);
    if (ec != std::errc() || end != trimmed.data() + trimmed.size()) return std::nullopt;
    return out;
  }
  return std::nullopt;
}

std::optional<bool> bool_of(const Json* value) {
  if (value == nullptr) return std::nullopt;
  if (value->is_boolean()) return value->get<bool>();
  if (value->is_number()) return value->get<double>() != 0.0;
  if (value->is_string()) {
    const auto& text = value->get_ref<const std::string&>();
    if (iequals(text, "true") || text == "1") return true;
    if (iequals(text, "false") || text == "0") return false;
  }
  return std::nullopt;
}

Result<Json> parse_body(std::string_view body, std::string_view vendor) {
  try {
    return Json::parse(body.begin(), body.end());
  } catch (const Json::exception& e) {
    return fail(ErrorCode::kParseError, fmt::format("{}: malformed JSON ({})", vendor, e.what()));
  }
}

Enrichment make_enrichment(const Observable& observable, std::string_view provider) {
  Enrichment out;
  out.observable = observable.value;
  out.type = observable.type;
  out.provider = std::string(provider);
  out.status = LookupStatus::kOk;
  out.verdict = Verdict::kUnknown;
  return out;
}

Enrichment make_status(const Observable& observable, std::string_view provider, LookupStatus status,
                       std::string error) {
  Enrichment out = make_enrichment(observable, provider);
  out.status = status;
  out.error = std::move(error);
  return out;
}

std::optional<std::uint32_t> parse_asn_text(std::string_view text) {
  text = trim(text);
  if (starts_with_icase(text, "AS")) text.remove_prefix(2);
  if (text.empty() || text.size() > 10) return std::nullopt;
  std::uint64_t out = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  if (ec != std::errc() || end != text.data() + text.size() || out > UINT32_MAX)
    return std::nullopt;
  return static_cast<std::uint32_t>(out);
}

std::optional<std::uint32_t> parse_asn(const Json* value) {
  if (value == nullptr) return std::nullopt;
  if (value->is_string()) return parse_asn_text(value->get_ref<const std::string&>());
  auto number = int_of(value);
  if (!number || *number < 0 || *number > UINT32_MAX) return std::nullopt;
  return static_cast<std::uint32_t>(*number);
}

std::optional<TimestampMs> epoch_seconds_of(const Json* value) {
  auto seconds = int_of(value);
  // Below zero or beyond year 9999 is a placeholder, not a date.
  if (!seconds || *seconds <= 0 || *seconds > 253402300799) return std::nullopt;
  return *seconds * 1000;
}

std::optional<TimestampMs> time_of(const Json* value) {
  if (value == nullptr) return std::nullopt;
  if (value->is_string()) return parse_time(value->get_ref<const std::string&>());
  return epoch_seconds_of(value);
}

void push_unique(std::vector<std::string>& out, std::string value) {
  if (value.empty()) return;
  if (std::find(out.begin(), out.end(), value) == out.end()) out.push_back(std::move(value));
}

}  // namespace soc::enrich_detail
