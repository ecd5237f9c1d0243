// Sentinel CSV export to JSON rows.
#include "parse/sentinel_csv.hpp"

#include "core/json_writer.hpp"

namespace soc {

std::vector<CsvRow> split_delimited(std::string_view text, std::string_view delimiter) {
  std::vector<CsvRow> rows;
  if (delimiter.empty()) return rows;
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);  // UTF-8 byte order mark
  std::size_t pos = 0;
  std::size_t line = 1;
  while (pos < text.size()) {
    CsvRow row;
    row.line = line;
    bool row_done = false;
    while (!row_done) {
      std::string field;
      if (pos < text.size() && text[pos] == '"') {
        ++pos;
        bool closed = false;
        while (pos < text.size()) {
          const std::size_t quote = text.find('"', pos);
          if (quote == std::string_view::npos) {
            field.append(text.substr(pos));
            for (char c : text.substr(pos)) line += c == '\n';
            pos = text.size();
            break;
          }
          for (char c : text.substr(pos, quote - pos)) line += c == '\n';
          field.append(text.substr(pos, quote - pos));
          pos = quote + 1;
          if (pos < text.size() && text[pos] == '"') {
            field.push_back('"');
            ++pos;
            continue;
          }
          closed = true;
          break;
        }
        if (!closed) row.unterminated_quote = true;
      }
      // Unquoted text, or anything after a closing quote, runs to the next delimiter or newline.
      const std::size_t delim = text.find(delimiter, pos);
      const std::size_t newline =
          text.substr(0, delim == std::string_view::npos ? text.size() : delim).find('\n', pos);
      const std::size_t end_of_line = newline != std::string_view::npos ? newline
                                      : delim != std::string_view::npos ? std::string_view::npos
                                                                        : text.size();
      if (newline == std::string_view::npos && delim != std::string_view::npos) {
        field.append(text.substr(pos, delim - pos));
        pos = delim + delimiter.size();
      } else {
        std::string_view rest = text.substr(pos, end_of_line - pos);
        if (rest.ends_with('\r')) rest.remove_suffix(1);
        field.append(rest);
        pos = end_of_line == text.size() ? text.size() : end_of_line + 1;
        if (end_of_line < text.size()) ++line;
        row_done = true;
      }
      row.fields.push_back(std::move(field));
    }
    const bool blank = row.fields.size() == 1 && row.fields[0].empty() && !row.unterminated_quote;
    if (!blank) rows.push_back(std::move(row));
  }
  return rows;
}

Result<std::vector<CsvJsonRow>> sentinel_csv_to_json(std::string_view csv) {
  const std::size_t first_newline = csv.find('\n');
  const std::string_view header_line = csv.substr(0, first_newline);
  const std::string_view delimiter =
      header_line.find(kSentinelCsvDelimiter) != std::string_view::npos ? kSentinelCsvDelimiter
                                                                        : ",";
  std::vector<CsvRow> rows = split_delimited(csv, delimiter);
  if (rows.empty() || rows.front().unterminated_quote)
    return fail(ErrorCode::kParseError, "CSV has no header line");
  const std::vector<std::string>& header = rows.front().fields;
  for (const auto& name : header)
    if (name.empty()) return fail(ErrorCode::kParseError, "CSV header has an empty column name");

  std::vector<CsvJsonRow> out;
  out.reserve(rows.size() - 1);
  for (std::size_t r = 1; r < rows.size(); ++r) {
    const CsvRow& row = rows[r];
    CsvJsonRow record;
    record.line = row.line;
    if (row.unterminated_quote) {
      record.error = Error{ErrorCode::kParseError, "CSV row at line " + std::to_string(row.line) +
                                                       " has an unterminated quoted field"};
    } else if (row.fields.size() != header.size()) {
      record.error = Error{ErrorCode::kParseError, "CSV row at line " + std::to_string(row.line) +
                                                       " has " + std::to_string(row.fields.size()) +
                                                       " fields, the header has " +
                                                       std::to_string(header.size())};
    } else {
      std::string& json = record.json;
      json.push_back('{');
      for (std::size_t i = 0; i < header.size(); ++i) {
        if (i) json.push_back(',');
        append_json_string(json, header[i]);
        json.push_back(':');
        append_json_string(json, row.fields[i]);
      }
      json.push_back('}');
    }
    out.push_back(std::move(record));
  }
  return out;
}

bool looks_like_sentinel_csv(std::string_view head) {
  const std::string_view first_line = head.substr(0, head.find('\n'));
  const bool alert = first_line.find("SystemAlertId") != std::string_view::npos &&
                     first_line.find("AlertName") != std::string_view::npos;
  const bool incident = first_line.find("IncidentNumber") != std::string_view::npos &&
                        first_line.find("Title") != std::string_view::npos;
  return (alert || incident) && first_line.find('{') == std::string_view::npos;
}

}  // namespace soc
