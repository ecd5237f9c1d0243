// Intake stage contract: split what arrives (a file, stdin) into alert records, each with a
// reference back to where it came from ("alerts.jsonl:12", "batch.json[3]").
//
// Input: the bytes of one input and its name. Output: records in input order, each either bytes
// to normalize or an error to report and quarantine; nothing is dropped. Threading: pure
// function. Failure: per record, as values; a record over the size limit is an error record
// that still carries its bytes.
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace soc {

enum class RecordKind { kJson, kCef, kUnknownText };

struct InputRecord {
  std::string ref;
  RecordKind kind = RecordKind::kJson;
  std::string bytes;
  std::optional<Error> error;            // set when the record is rejected before normalization
  std::optional<std::int64_t> inbox_id;  // set when it was taken from the durable inbox
};

struct ReadLimits {
  std::size_t max_alert_bytes = 4u << 20;  // one alert; an Elastic alert is ~7 KB
  std::size_t max_depth = 128;             // JSON nesting
};

// One JSON alert, a JSON array of alerts, JSON lines, or CEF/syslog lines.
std::vector<InputRecord> split_records(std::string_view content, std::string_view name,
                                       const ReadLimits& limits);

// What one stored record is, from its first bytes: JSON, a CEF (syslog) line, or other text.
RecordKind kind_of_record(std::string_view bytes);

Result<std::string> read_file(const std::string& path);
Result<std::string> read_stream_stdin();

}  // namespace soc
