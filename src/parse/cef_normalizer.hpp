// ArcSight Common Event Format (CEF) lines, as ArcSight, QRadar and appliances send them over
// syslog: "[syslog prefix] CEF:Version|Vendor|Product|Version|Signature
// ID|Name|Severity|Extension".
//
// A CEF line is not JSON, so the engine calls normalize_cef_line() for records intake marks as
// CEF. The CefNormalizer registered for SourceFormat::kCef never claims a JSON document by
// detection (detect() is 0); forced onto a JSON object it reads a CEF line held in "message",
// "raw", "_raw", "log" or "event.original".
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "parse/normalizer.hpp"

namespace soc {

inline constexpr std::size_t kMaxCefLineBytes = 1u << 20;
inline constexpr std::size_t kMaxCefExtensionPairs = 1024;

struct CefRecord {
  std::string version;
  std::string device_vendor;
  std::string device_product;
  std::string device_version;
  std::string signature_id;
  std::string name;
  std::string severity;
  // Extension pairs in line order, values unescaped (\= \\ \n \r) and trimmed.
  std::vector<std::pair<std::string, std::string>> extension;
  std::optional<TimestampMs> syslog_time;  // from an RFC 5424 prefix (RFC 3164 has no year)
  std::string syslog_host;

  // The value of an extension key ("" when absent).
  std::string_view get(std::string_view key) const;
};

// True when the line holds a CEF header ("CEF:" followed by a version digit).
bool is_cef_line(std::string_view line);
// Splits a line into header and extension. Errors: kNotAnAlert (no CEF header), kParseError
// (fewer than 7 header fields), kInvalidUtf8, kTooLarge (over kMaxCefLineBytes or
// kMaxCefExtensionPairs).
Result<CefRecord> parse_cef(std::string_view line);
// The whole path for one CEF line: parse, map to an Alert, keep the line as raw bytes and, when
// the line carries no externalId, give it the same fingerprint id the registry gives JSON alerts.
Result<Alert> normalize_cef_line(std::string_view line);
// CEF severity (0-10 or Unknown/Low/Medium/High/Very-High) to ours: 0-3 low, 4-6 medium,
// 7-8 high, 9-10 critical.
std::optional<Severity> severity_from_cef(std::string_view severity);

class CefNormalizer final : public Normalizer {
 public:
  SourceFormat format() const override { return SourceFormat::kCef; }
  int detect(simdjson::dom::element document) const override;
  Result<Alert> normalize(simdjson::dom::element document) const override;
};

}  // namespace soc
