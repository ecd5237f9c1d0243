// Generic JSON alert normalization by well-known field names.
#include "parse/generic_normalizer.hpp"

#include <algorithm>
#include <cctype>

#include "core/strings.hpp"
#include "parse/json_path.hpp"
#include "parse/tags.hpp"

namespace soc {
namespace {

std::string title_of(simdjson::dom::element doc) {
  return json::get_string(doc, {"title", "rule_name", "alert_name", "name", "rule.name", "rule",
                                "signature", "alert", "summary"});
}

// String leaves for the extractor: bounded in count and total size so a hostile document
// cannot make the walk expensive (the document's depth is already bounded by the parser).
void collect_texts(simdjson::dom::element element, std::string& path, Alert& alert,
                   size_t& budget) {
  if (budget == 0) return;
  switch (element.type()) {
    case simdjson::dom::element_type::OBJECT: {
      simdjson::dom::object obj;
      if (element.get_object().get(obj) != simdjson::SUCCESS) break;
      for (auto [key, value] : obj) {
        const size_t before = path.size();
        if (!path.empty()) path.push_back('.');
        path.append(key);
        collect_texts(value, path, alert, budget);
        path.resize(before);
      }
      break;
    }
    case simdjson::dom::element_type::ARRAY: {
      simdjson::dom::array items;
      if (element.get_array().get(items) != simdjson::SUCCESS) break;
      for (simdjson::dom::element value : items) collect_texts(value, path, alert, budget);
      break;
    }
    case simdjson::dom::element_type::STRING: {
      std::string_view s = element.get_string().value_unsafe();
      if (s.size() < 3) break;
      size_t take = std::min(s.size(), budget);
      // Never cut a UTF-8 sequence in half: back up to the start of the character.
      while (take < s.size() && take > 0 && (static_cast<unsigned char>(s[take]) & 0xC0) == 0x80)
        --take;
      alert.texts.push_back({path, std::string(s.substr(0, take))});
      budget -= take;
      break;
    }
    default:
      break;
  }
}

void add_addresses(Alert& alert, simdjson::dom::element doc,
                   std::initializer_list<std::string_view> paths, Role role) {
  for (auto path : paths) {
    std::vector<std::string> values;
    json::collect_strings(doc, path, values);
    for (auto& v : values) {
      // "a, b, c" lists in one string are common in webhook payloads.
      for (auto& part : split(v, ','))
        add_observable(alert, classify_address(part), part, role, path);
    }
  }
}

}  // namespace

int GenericNormalizer::detect(simdjson::dom::element doc) const {
  if (!doc.is_object()) return 0;
  return title_of(doc).empty() ? 0 : 10;
}

Result<Alert> GenericNormalizer::normalize(simdjson::dom::element doc) const {
  Alert alert;
  alert.format = SourceFormat::kGeneric;
  alert.rule_name = title_of(doc);
  if (alert.rule_name.empty())
    return std::unexpected(
        Error{ErrorCode::kNotAnAlert, "JSON object has no title, name or rule field"});
  alert.id = json::get_string(doc, {"alert_id", "id", "uuid", "event_id"});
  alert.rule_id = json::get_string(doc, {"rule_id", "rule.id", "signature_id", "detection_id"});
  alert.description = json::get_string(doc, {"description", "message", "details", "reason"});
  const std::string time_text = json::get_string(
      doc, {"timestamp", "@timestamp", "time", "event_time", "created_at", "date", "detected_at"});
  if (!time_text.empty()) alert.timestamp = parse_time(time_text);
  alert.source_severity =
      severity_from_string(json::get_string(doc, {"severity", "level", "priority", "urgency"}));

  std::vector<std::string> tags;
  for (auto path : {"tags", "techniques", "mitre", "mitre_attack", "attack", "tactics"})
    json::collect_strings(doc, path, tags);
  add_attack_tags(alert, tags);
  json::collect_strings(doc, "category", alert.categories);
  for (auto& c : alert.categories) c = to_lower(c);
  alert.outcome = to_lower(json::get_string(doc, {"outcome", "result", "status"}));
  if (alert.outcome != "success" && alert.outcome != "failure") alert.outcome.clear();
  alert.event_count = json::get_int(doc, {"count", "event_count"});
  alert.source_country = json::get_string(doc, {"src_country", "source_country", "country"});

  // A bare "source" often names the reporting product ("CrowdStrike"), so it is not read as an
  // address.
  add_addresses(alert, doc, {"src_ip", "source_ip", "src", "source.ip", "client_ip", "attacker_ip"},
                Role::kSource);
  add_addresses(alert, doc,
                {"dst_ip", "dest_ip", "destination_ip", "dest", "destination", "destination.ip"},
                Role::kDestination);
  add_addresses(alert, doc, {"target", "targets", "target_host", "target_hosts", "dest_host"},
                Role::kTarget);
  for (auto path : {"host", "hostname", "computer", "device", "host.name", "device_name"}) {
    std::vector<std::string> hosts;
    json::collect_strings(doc, path, hosts);
    for (auto& h : hosts) add_observable(alert, ObservableType::kHost, h, Role::kTarget, path);
  }
  for (auto path : {"user", "username", "user_name", "account", "user.name", "account_name"}) {
    std::vector<std::string> users;
    json::collect_strings(doc, path, users);
    for (auto& u : users) add_observable(alert, ObservableType::kUser, u, Role::kActor, path);
  }
  add_addresses(alert, doc, {"sender", "from", "email_from", "sender_address"}, Role::kSender);
  add_addresses(alert, doc, {"recipient", "recipients", "to", "email_to", "recipient_address"},
                Role::kRecipient);
  static constexpr std::pair<std::string_view, ObservableType> kHashFields[] = {
      {"md5", ObservableType::kMd5},
      {"sha1", ObservableType::kSha1},
      {"sha256", ObservableType::kSha256},
      {"file_hash", ObservableType::kSha256},
      {"hash", ObservableType::kSha256}};
  for (const auto& [path, type] : kHashFields) {
    const std::string value = json::get_string(doc, {path});
    if (!std::all_of(value.begin(), value.end(),
                     [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); }))
      continue;  // not a hash: the extractor still sees it as text
    ObservableType actual = type;
    if (value.size() == 32)
      actual = ObservableType::kMd5;
    else if (value.size() == 40)
      actual = ObservableType::kSha1;
    else if (value.size() == 64)
      actual = ObservableType::kSha256;
    else if (!value.empty())
      continue;  // not a hash length: leave it to the extractor
    add_observable(alert, actual, value, Role::kRelated, path);
  }
  add_observable(alert, ObservableType::kUrl, json::get_string(doc, {"url", "uri"}), Role::kRelated,
                 "url");
  add_observable(alert, ObservableType::kDomain, json::get_string(doc, {"domain"}), Role::kRelated,
                 "domain");

  std::string path;
  size_t budget = 256 * 1024;
  collect_texts(doc, path, alert, budget);
  return alert;
}

}  // namespace soc
