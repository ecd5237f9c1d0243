// CEF (ArcSight Common Event Format) line parsing and normalization.
#include "parse/cef_normalizer.hpp"

#include <algorithm>
#include <array>

#include "core/sha256.hpp"
#include "core/strings.hpp"
#include "parse/format_support.hpp"
#include "parse/json_path.hpp"

namespace soc {
namespace {

bool is_key_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == '-' || c == '[' || c == ']';
}

std::string unescape_value(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (v[i] == '\\' && i + 1 < v.size()) {
      const char next = v[i + 1];
      if (next == '=' || next == '\\') {
        out.push_back(next);
        ++i;
        continue;
      }
      if (next == 'n' || next == 'r') {
        out.push_back(next == 'n' ? '\n' : '\r');
        ++i;
        continue;
      }
    }
    out.push_back(v[i]);
  }
  if (out.size() >= 2 && out.front() == '"' && out.back() == '"')
    out = out.substr(1, out.size() - 2);
  return out;
}

// Syslog header before "CEF:": RFC 5424 ("<134>1 2026-03-02T02:47:00Z host app - - - ") gives a
// full timestamp; RFC 3164 ("<134>Aug  3 10:49:35 host ") only the host.
void read_syslog_prefix(std::string_view prefix, CefRecord& record) {
  prefix = trim(prefix);
  if (prefix.starts_with('<')) {
    const auto close = prefix.find('>');
    if (close != std::string_view::npos && close < 5) prefix.remove_prefix(close + 1);
  }
  const std::vector<std::string> tokens = split(prefix, ' ');
  if (tokens.empty()) return;
  if (tokens[0] == "1" && tokens.size() >= 3) {
    record.syslog_time = parse_time(tokens[1]);
    record.syslog_host = tokens[2] == "-" ? "" : tokens[2];
  } else if (auto t = parse_time(tokens[0]); t && tokens.size() >= 2) {
    record.syslog_time = t;
    record.syslog_host = tokens[1];
  } else if (tokens.size() >= 4 && tokens[2].find(':') != std::string::npos) {
    record.syslog_host = tokens[3];
  }
}

int month_number(std::string_view name) {
  static constexpr std::array<std::string_view, 12> kMonths = {
      "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"};
  for (std::size_t i = 0; i < kMonths.size(); ++i)
    if (iequals(name, kMonths[i])) return static_cast<int>(i) + 1;
  return 0;
}

// rt / start / end: epoch milliseconds, "MMM dd yyyy HH:mm:ss[.SSS][ zone]" or RFC 3339.
std::optional<TimestampMs> parse_cef_time(std::string_view text) {
  text = trim(text);
  if (text.empty()) return std::nullopt;
  if (auto t = formats::parse_any_time(text)) return t;
  const std::vector<std::string> parts = split(text, ' ');
  if (parts.size() < 4 || parts.size() > 5) return std::nullopt;
  const int month = month_number(parts[0]);
  if (month == 0 || parts[1].size() > 2 || parts[2].size() != 4) return std::nullopt;
  std::string zone = "Z";
  if (parts.size() == 5) {
    const std::string& z = parts[4];
    if (iequals(z, "UTC") || iequals(z, "GMT") || z == "Z")
      zone = "Z";
    else if (z.size() >= 5 && (z[0] == '+' || z[0] == '-'))
      zone = z;
    else
      return std::nullopt;  // a named zone we cannot resolve: no time rather than a wrong one
  }
  const std::string day = parts[1].size() == 1 ? "0" + parts[1] : parts[1];
  const std::string iso = parts[2] + "-" + (month < 10 ? "0" : "") + std::to_string(month) + "-" +
                          day + "T" + parts[3] + zone;
  return parse_time(iso);
}

}  // namespace

std::string_view CefRecord::get(std::string_view key) const {
  for (const auto& [k, v] : extension)
    if (k == key) return v;
  return {};
}

bool is_cef_line(std::string_view line) {
  const auto at = line.find("CEF:");
  if (at == std::string_view::npos) return false;
  std::size_t i = at + 4;
  while (i < line.size() && line[i] == ' ') ++i;
  return i < line.size() && line[i] >= '0' && line[i] <= '9';
}

std::optional<Severity> severity_from_cef(std::string_view severity) {
  severity = trim(severity);
  if (severity.empty()) return std::nullopt;
  if (std::all_of(severity.begin(), severity.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    if (severity.size() > 2) return std::nullopt;
    const int value = std::stoi(std::string(severity));
    if (value > 10) return std::nullopt;
    if (value >= 9) return Severity::kCritical;
    if (value >= 7) return Severity::kHigh;
    if (value >= 4) return Severity::kMedium;
    return Severity::kLow;
  }
  if (iequals(severity, "Very-High") || iequals(severity, "VeryHigh")) return Severity::kCritical;
  if (iequals(severity, "Unknown")) return std::nullopt;
  return severity_from_string(severity);
}

Result<CefRecord> parse_cef(std::string_view line) {
  if (line.size() > kMaxCefLineBytes)
    return fail(ErrorCode::kTooLarge, "CEF line of " + std::to_string(line.size()) +
                                          " bytes exceeds the limit of " +
                                          std::to_string(kMaxCefLineBytes));
  if (!is_valid_utf8(line)) return fail(ErrorCode::kInvalidUtf8, "CEF line is not valid UTF-8");
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  if (!is_cef_line(line))
    return fail(ErrorCode::kNotAnAlert, "no CEF header (\"CEF:<version>|\") in the line");
  CefRecord record;
  const auto at = line.find("CEF:");
  read_syslog_prefix(line.substr(0, at), record);

  // Header: seven '|'-separated fields; "\|" and "\\" are escapes there.
  std::array<std::string*, 7> header = {
      &record.version,      &record.device_vendor, &record.device_product, &record.device_version,
      &record.signature_id, &record.name,          &record.severity};
  std::size_t pos = at + 4;
  while (pos < line.size() && line[pos] == ' ') ++pos;
  std::size_t field = 0;
  for (; pos < line.size() && field < header.size(); ++pos) {
    const char c = line[pos];
    if (c == '\\' && pos + 1 < line.size() && (line[pos + 1] == '|' || line[pos + 1] == '\\')) {
      header[field]->push_back(line[++pos]);
    } else if (c == '|') {
      ++field;
    } else {
      header[field]->push_back(c);
    }
  }
  if (field < header.size())
    return fail(ErrorCode::kParseError,
                "CEF header has " + std::to_string(field) + " of its 7 '|'-terminated fields");
  for (std::string* h : header) *h = std::string(trim(*h));

  // Extension: key=value pairs; a value runs to the next " key=" (spaces inside values are
  // common and legal; '=' inside values should be escaped but often is not after the key).
  const std::string_view ext = line.substr(pos);
  std::size_t i = 0;
  const std::size_t n = ext.size();
  while (i < n && ext[i] == ' ') ++i;
  while (i < n) {
    const std::size_t key_start = i;
    while (i < n && is_key_char(ext[i])) ++i;
    if (i == key_start || i >= n || ext[i] != '=') {
      // Not a key here: skip the word and look again.
      const std::size_t space = ext.find(' ', i);
      if (space == std::string_view::npos) break;
      i = space + 1;
      continue;
    }
    const std::string_view key = ext.substr(key_start, i - key_start);
    const std::size_t value_start = ++i;
    std::size_t value_end = n;
    std::size_t next_key = n;
    for (std::size_t space = ext.find(' ', value_start); space != std::string_view::npos;
         space = ext.find(' ', space + 1)) {
      std::size_t k = space;
      while (k < n && ext[k] == ' ') ++k;
      std::size_t t = k;
      while (t < n && is_key_char(ext[t])) ++t;
      if (t > k && t < n && ext[t] == '=') {
        value_end = space;
        next_key = k;
        break;
      }
      space = k - 1;  // skip the run of spaces
    }
    if (record.extension.size() >= kMaxCefExtensionPairs)
      return fail(ErrorCode::kTooLarge, "CEF extension has more than " +
                                            std::to_string(kMaxCefExtensionPairs) + " pairs");
    record.extension.emplace_back(
        std::string(key),
        std::string(trim(unescape_value(ext.substr(value_start, value_end - value_start)))));
    i = next_key;
  }
  return record;
}

namespace {

Alert alert_from_record(const CefRecord& r) {
  Alert alert;
  alert.format = SourceFormat::kCef;
  alert.rule_name = r.name;
  alert.rule_id = r.signature_id;
  alert.id = std::string(r.get("externalId"));
  alert.description = std::string(r.get("msg"));
  alert.source_severity = severity_from_cef(r.severity);
  if (!alert.source_severity) alert.source_severity = severity_from_cef(r.get("severity"));
  for (std::string_view key : {"rt", "start", "end", "deviceReceiptTime", "startTime", "endTime"}) {
    if (auto t = parse_cef_time(r.get(key))) {
      alert.timestamp = t;
      break;
    }
  }
  if (!alert.timestamp) alert.timestamp = r.syslog_time;

  const std::string product = r.device_vendor + " " + r.device_product;
  const std::string_view category = r.get("cat");
  const bool mail = icontains(product, "mail") || icontains(category, "mail") ||
                    icontains(r.name, "e-mail") || icontains(r.name, "email");
  if (!category.empty()) formats::add_category(alert, category);
  if (mail) formats::add_category(alert, "email");
  const std::string outcome = to_lower(r.get("outcome"));
  const std::string action = to_lower(r.get("act"));
  if (outcome == "success" || outcome == "failure") {
    alert.outcome = outcome;
  } else if (action == "allow" || action == "allowed" || action == "accept" ||
             action == "permitted") {
    alert.outcome = "success";
  } else if (action == "block" || action == "blocked" || action == "deny" || action == "denied" ||
             action == "drop" || action == "dropped" || action == "reject" ||
             action == "quarantined") {
    alert.outcome = "failure";
  }
  if (const std::string_view count = r.get("cnt");
      !count.empty() && count.size() < 10 &&
      std::all_of(count.begin(), count.end(), [](char c) { return c >= '0' && c <= '9'; }))
    alert.event_count = std::stoll(std::string(count));

  // Labels of the custom string fields (cs1Label=...), to read cs1..cs6 by meaning.
  std::array<std::string, 7> labels;
  for (int k = 1; k <= 6; ++k) labels[k] = to_lower(r.get("cs" + std::to_string(k) + "Label"));

  for (const auto& [key, value] : r.extension) {
    if (value.empty() || value == "-") continue;
    if (key == "src" || key == "sourceAddress" || key == "c6a2") {
      formats::add_address(alert, value, Role::kSource, key);
    } else if (key == "dst" || key == "destinationAddress" || key == "c6a3") {
      formats::add_address(alert, value, Role::kDestination, key);
    } else if (key == "shost" || key == "sourceHostName") {
      const ObservableType type = classify_address(value);
      add_observable(alert, is_ip(type) ? type : ObservableType::kHost, value, Role::kSource, key);
    } else if (key == "dhost" || key == "destinationHostName") {
      const ObservableType type = classify_address(value);
      add_observable(alert, type, value, is_ip(type) ? Role::kDestination : Role::kTarget, key);
    } else if (key == "suser" || key == "sourceUserName") {
      if (mail && value.find('@') != std::string::npos)
        add_observable(alert, ObservableType::kEmail, value, Role::kSender, key);
      else
        formats::add_user(alert, value, Role::kActor, key);
    } else if (key == "duser" || key == "destinationUserName") {
      if (mail && value.find('@') != std::string::npos)
        add_observable(alert, ObservableType::kEmail, value, Role::kRecipient, key);
      else
        formats::add_user(alert, value, Role::kTarget, key);
    } else if (key == "dproc" || key == "destinationProcessName") {
      add_observable(alert, ObservableType::kProcess, value, Role::kActor, key);
    } else if (key == "sproc" || key == "sourceProcessName") {
      // With a destination process named, the source process is the one that started it.
      const bool launched = !r.get("dproc").empty() || !r.get("destinationProcessName").empty();
      add_observable(alert, ObservableType::kProcess, value,
                     launched ? Role::kRelated : Role::kActor, key);
    } else if (key == "fname" || key == "fileName" || key == "filePath") {
      add_observable(alert, ObservableType::kFile, value, mail ? Role::kAttachment : Role::kRelated,
                     key);
    } else if (key == "fileHash") {
      formats::add_hash(alert, value, mail ? Role::kAttachment : Role::kRelated, key);
    } else if (key == "request" || key == "requestUrl") {
      if (value.find("://") != std::string::npos)
        add_observable(alert, ObservableType::kUrl, value, Role::kRelated, key);
      else
        formats::add_text(alert, key, value);
    } else if (key == "msg" || key == "reason") {
      formats::add_text(alert, key, value);
    } else if (key.size() == 3 && key.starts_with("cs") && key[2] >= '1' && key[2] <= '6') {
      const std::string& label = labels[static_cast<std::size_t>(key[2] - '0')];
      const std::string field = label.empty() ? key : key + ":" + label;
      if (label.find("url") != std::string::npos && value.find("://") != std::string::npos) {
        add_observable(alert, ObservableType::kUrl, value, Role::kRelated, field);
      } else if (label.find("hash") != std::string::npos ||
                 label.find("sha") != std::string::npos || label.find("md5") != std::string::npos) {
        formats::add_hash(alert, value, Role::kRelated, field);
      } else if (label.find("tactic") != std::string::npos) {
        formats::add_tactics_from_list(alert, value);
      } else if (label.find("technique") != std::string::npos ||
                 label.find("mitre") != std::string::npos) {
        formats::add_techniques_in_text(alert, value);
      } else {
        formats::add_text(alert, field, value);
      }
    } else if (icontains(key, "technique")) {
      formats::add_techniques_in_text(alert, value);
    } else if (icontains(key, "tactic")) {
      formats::add_tactics_from_list(alert, value);
    }
  }
  formats::add_text(alert, "name", alert.rule_name);
  return alert;
}

}  // namespace

Result<Alert> normalize_cef_line(std::string_view line) {
  auto record = parse_cef(line);
  if (!record) return std::unexpected(record.error());
  if (trim(record->name).empty())
    return fail(ErrorCode::kNotAnAlert, "CEF header has an empty Name");
  Alert alert = alert_from_record(*record);
  alert.raw.assign(line);
  if (alert.id.empty()) alert.id = "fp-" + sha256_hex(line).substr(0, 32);
  return alert;
}

int CefNormalizer::detect(simdjson::dom::element) const {
  return 0;
}

Result<Alert> CefNormalizer::normalize(simdjson::dom::element doc) const {
  for (std::string_view key : {"message", "raw", "_raw", "log", "event.original"}) {
    const std::string line = json::get_string(doc, {key});
    if (is_cef_line(line)) return normalize_cef_line(line);
  }
  return fail(ErrorCode::kNotAnAlert,
              "not a CEF line: CEF is read from text lines, or a JSON object's message/raw field");
}

}  // namespace soc
