// Names of source formats and severities.
#include "core/alert.hpp"

#include <array>
#include <utility>

#include "core/strings.hpp"

namespace soc {
namespace {
constexpr std::array<std::pair<SourceFormat, std::string_view>, 8> kFormatNames{{
    {SourceFormat::kEcs, "ecs"},
    {SourceFormat::kSplunk, "splunk"},
    {SourceFormat::kSentinel, "sentinel"},
    {SourceFormat::kSecops, "secops"},
    {SourceFormat::kWazuh, "wazuh"},
    {SourceFormat::kOcsf, "ocsf"},
    {SourceFormat::kCef, "cef"},
    {SourceFormat::kGeneric, "generic"},
}};
}  // namespace

std::string_view to_string(SourceFormat format) {
  for (const auto& [f, name] : kFormatNames)
    if (f == format) return name;
  return "generic";
}

std::optional<SourceFormat> source_format_from_string(std::string_view name) {
  for (const auto& [f, n] : kFormatNames)
    if (n == name) return f;
  return std::nullopt;
}

std::string_view to_string(Severity severity) {
  switch (severity) {
    case Severity::kLow:
      return "low";
    case Severity::kMedium:
      return "medium";
    case Severity::kHigh:
      return "high";
    case Severity::kCritical:
      return "critical";
  }
  return "low";
}

std::optional<Severity> severity_from_string(std::string_view name) {
  const std::string s = to_lower(trim(name));
  if (s == "critical" || s == "crit" || s == "very-high" || s == "fatal" || s == "4" || s == "5")
    return Severity::kCritical;
  if (s == "high" || s == "3" || s == "error" || s == "severe") return Severity::kHigh;
  if (s == "medium" || s == "moderate" || s == "2" || s == "warning") return Severity::kMedium;
  if (s == "low" || s == "informational" || s == "info" || s == "information" || s == "1" ||
      s == "0" || s == "unknown" || s == "minor")
    return Severity::kLow;
  return std::nullopt;
}

}  // namespace soc
