// A SIEM alert normalized from any source format: the input every later stage reads.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/observable.hpp"
#include "core/time.hpp"

namespace soc {

enum class SourceFormat : std::uint8_t {
  kEcs,
  kSplunk,
  kSentinel,
  kSecops,
  kWazuh,
  kOcsf,
  kCef,
  kGeneric
};
std::string_view to_string(SourceFormat format);
std::optional<SourceFormat> source_format_from_string(std::string_view name);

// Ordered: comparisons mean "more severe".
enum class Severity : std::uint8_t { kLow, kMedium, kHigh, kCritical };
std::string_view to_string(Severity severity);
std::optional<Severity> severity_from_string(
    std::string_view name);  // also "informational", "3", ...

// A piece of free text from the alert (title, message, command line, e-mail subject...) that
// the extractor scans for indicators.
struct TextField {
  std::string field;
  std::string text;
};

struct Alert {
  std::string id;  // the source's alert id, or a fingerprint of the raw bytes
  SourceFormat format = SourceFormat::kGeneric;
  std::string rule_name;
  std::string rule_id;
  std::string description;
  std::optional<TimestampMs> timestamp;  // the alert's own time: the clock for every window
  std::optional<Severity> source_severity;
  std::vector<std::string> technique_ids;   // "T1059.001", as tagged by the source
  std::vector<std::string> tactic_names;    // "execution", "lateral-movement"
  std::vector<std::string> categories;      // source categories: "authentication", "email", ...
  std::string outcome;                      // "success", "failure" or "" when the source says
  std::optional<std::int64_t> event_count;  // how many events the rule aggregated
  std::string source_country;  // ISO 3166 alpha-2 of the source, when the SIEM geolocated it
  std::vector<Observable> observables;  // from structured fields, with roles
  std::vector<TextField> texts;         // free text for the extractor
  std::string raw;                      // the original bytes, kept for audit and replay
};

}  // namespace soc
