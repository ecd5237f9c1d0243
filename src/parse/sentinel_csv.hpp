// Microsoft Sentinel CSV exports (the '❖'-delimited SecurityAlert export, or plain CSV) turned
// into one JSON object per row, so the rows go through the Sentinel normalizer like rows from
// the Log Analytics query API.
//
// Input: the whole CSV text, header first. Output: per row, the JSON object text with every
// column as a string (the header names are the keys), or the error for that row. Quoted fields
// may hold the delimiter, doubled quotes and newlines. Threading: pure function. Failure: the
// whole call fails only without a header; a bad row (wrong column count, unterminated quote) is
// an error record that does not stop the others.
#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace soc {

inline constexpr std::string_view kSentinelCsvDelimiter = "\xE2\x9D\x96";  // U+2756 '❖'

struct CsvJsonRow {
  std::size_t line = 0;  // 1-based line where the row starts (the header is line 1)
  std::string json;
  std::optional<Error> error;
};

// Splits delimited text into rows of fields (RFC 4180 quoting, any delimiter string, CRLF or LF).
// A row whose closing quote is missing ends at the end of the text and is reported as unterminated.
struct CsvRow {
  std::size_t line = 0;
  std::vector<std::string> fields;
  bool unterminated_quote = false;
};
std::vector<CsvRow> split_delimited(std::string_view text, std::string_view delimiter);

// The delimiter is '❖' when the header holds one, else ','.
Result<std::vector<CsvJsonRow>> sentinel_csv_to_json(std::string_view csv);

// True when the first line looks like a Sentinel SecurityAlert/SecurityIncident CSV header, so
// intake can route such a file here.
bool looks_like_sentinel_csv(std::string_view head);

}  // namespace soc
