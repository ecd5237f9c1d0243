// Splitting inputs into alert records.
#include "intake/reader.hpp"

#include <simdjson.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/strings.hpp"
#include "parse/sentinel_csv.hpp"

namespace soc {
namespace {

std::string_view skip_space(std::string_view s) {
  size_t i = 0;
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n')) ++i;
  return s.substr(i);
}

RecordKind kind_of_line(std::string_view line) {
  if (!line.empty() && (line.front() == '{' || line.front() == '[')) return RecordKind::kJson;
  if (line.find("CEF:") != std::string_view::npos) return RecordKind::kCef;
  return RecordKind::kUnknownText;
}

}  // namespace

RecordKind kind_of_record(std::string_view bytes) {
  return kind_of_line(skip_space(bytes));
}

namespace {

InputRecord too_large(std::string ref, std::string_view bytes, size_t limit) {
  InputRecord r;
  r.ref = std::move(ref);
  r.bytes.assign(bytes);
  r.error = Error{ErrorCode::kTooLarge, "alert of " + std::to_string(bytes.size()) +
                                            " bytes exceeds the limit of " + std::to_string(limit)};
  return r;
}

void split_lines(std::string_view content, std::string_view name, const ReadLimits& limits,
                 std::vector<InputRecord>& out) {
  size_t line_no = 0;
  size_t pos = 0;
  while (pos < content.size()) {
    size_t end = content.find('\n', pos);
    if (end == std::string_view::npos) end = content.size();
    ++line_no;
    std::string_view line = trim(content.substr(pos, end - pos));
    pos = end + 1;
    if (line.empty()) continue;
    std::string ref = std::string(name) + ":" + std::to_string(line_no);
    if (line.size() > limits.max_alert_bytes) {
      out.push_back(too_large(std::move(ref), line, limits.max_alert_bytes));
      continue;
    }
    out.push_back(InputRecord{std::move(ref), kind_of_line(line), std::string(line), std::nullopt});
  }
}

bool first_line_is_whole_json(std::string_view content, size_t max_depth) {
  const size_t end = content.find('\n');
  if (end == std::string_view::npos) return false;
  std::string_view rest = skip_space(content.substr(end + 1));
  if (rest.empty()) return false;
  simdjson::dom::parser parser(64 * 1024 * 1024);
  if (parser.allocate(end + 64, max_depth) != simdjson::SUCCESS) return false;
  simdjson::dom::element doc;
  return parser.parse(content.data(), end).get(doc) == simdjson::SUCCESS;
}

}  // namespace

std::vector<InputRecord> split_records(std::string_view content, std::string_view name,
                                       const ReadLimits& limits) {
  std::vector<InputRecord> out;
  if (content.size() >= 3 && content.substr(0, 3) == "\xEF\xBB\xBF") content.remove_prefix(3);
  std::string_view body = skip_space(content);
  if (body.empty()) return out;
  if (body.front() == '[') {
    if (body.size() > limits.max_alert_bytes * 64) {
      out.push_back(too_large(std::string(name), body, limits.max_alert_bytes * 64));
      return out;
    }
    simdjson::dom::parser parser(body.size() + 64);
    if (parser.allocate(body.size() + 64, limits.max_depth) != simdjson::SUCCESS) {
      out.push_back(
          InputRecord{std::string(name), RecordKind::kJson, std::string(body),
                      Error{ErrorCode::kTooLarge, "cannot allocate a parser for this input"}});
      return out;
    }
    simdjson::dom::array items;
    const auto error = parser.parse(body.data(), body.size()).get_array().get(items);
    if (error != simdjson::SUCCESS) {
      const ErrorCode code = error == simdjson::DEPTH_ERROR  ? ErrorCode::kTooDeep
                             : error == simdjson::UTF8_ERROR ? ErrorCode::kInvalidUtf8
                                                             : ErrorCode::kParseError;
      out.push_back(
          InputRecord{std::string(name), RecordKind::kJson, std::string(body),
                      Error{code, std::string("JSON array: ") + simdjson::error_message(error)}});
      return out;
    }
    size_t index = 0;
    for (simdjson::dom::element item : items) {
      std::string ref = std::string(name) + "[" + std::to_string(index++) + "]";
      std::string bytes = simdjson::minify(item);
      if (bytes.size() > limits.max_alert_bytes) {
        out.push_back(too_large(std::move(ref), bytes, limits.max_alert_bytes));
        continue;
      }
      out.push_back(InputRecord{std::move(ref), RecordKind::kJson, std::move(bytes), std::nullopt});
    }
    return out;
  }
  if (body.front() == '{' && !first_line_is_whole_json(body, limits.max_depth)) {
    // One JSON document, possibly pretty-printed over many lines.
    std::string_view doc = trim(body);
    if (doc.size() > limits.max_alert_bytes) {
      out.push_back(too_large(std::string(name), doc, limits.max_alert_bytes));
      return out;
    }
    out.push_back(
        InputRecord{std::string(name), RecordKind::kJson, std::string(doc), std::nullopt});
    return out;
  }
  if (looks_like_sentinel_csv(body.substr(0, body.find('\n')))) {
    // A Sentinel export: one JSON alert per row, each referenced by the line it starts on.
    auto rows = sentinel_csv_to_json(body);
    if (!rows) {
      out.push_back(
          InputRecord{std::string(name), RecordKind::kJson, std::string(body), rows.error()});
      return out;
    }
    for (auto& row : *rows) {
      std::string ref = std::string(name) + ":" + std::to_string(row.line);
      if (row.error) {
        out.push_back(
            InputRecord{std::move(ref), RecordKind::kJson, std::move(row.json), row.error});
      } else if (row.json.size() > limits.max_alert_bytes) {
        out.push_back(too_large(std::move(ref), row.json, limits.max_alert_bytes));
      } else {
        out.push_back(
            InputRecord{std::move(ref), RecordKind::kJson, std::move(row.json), std::nullopt});
      }
    }
    return out;
  }
  split_lines(content, name, limits, out);
  return out;
}

Result<std::string> read_file(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    return fail(ErrorCode::kIoError, path + " is a directory, not a file");
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(ErrorCode::kIoError, "cannot open " + path);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) return fail(ErrorCode::kIoError, "cannot read " + path);
  return buffer.str();
}

Result<std::string> read_stream_stdin() {
  std::string data;
  char chunk[1 << 16];
  size_t n;
  while ((n = std::fread(chunk, 1, sizeof chunk, stdin)) > 0) data.append(chunk, n);
  if (std::ferror(stdin)) return fail(ErrorCode::kIoError, "cannot read standard input");
  return data;
}

}  // namespace soc
