// Wazuh alerts.json documents to Alert.
#include "parse/wazuh_normalizer.hpp"

#include <algorithm>

#include "core/strings.hpp"
#include "parse/format_support.hpp"
#include "parse/json_path.hpp"

namespace soc {
namespace {

using formats::member;
using formats::object_member;
using formats::text;

std::string text_at(std::optional<simdjson::dom::element> object, std::string_view key) {
  return object ? text(*object, key) : std::string();
}

// Wazuh writes rule.level as a number; some pipelines turn it into a string of digits.
bool numeric_level(simdjson::dom::element rule) {
  auto level = member(rule, "level");
  if (!level) return false;
  if (level->is_int64() || level->is_uint64()) return true;
  const std::string_view digits = formats::string_view_of(*level);
  return !digits.empty() && digits.size() <= 2 &&
         std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

Severity severity_from_wazuh_level(std::int64_t level) {
  if (level >= 15) return Severity::kCritical;
  if (level >= 12) return Severity::kHigh;
  if (level >= 7) return Severity::kMedium;
  return Severity::kLow;
}

int WazuhNormalizer::detect(simdjson::dom::element doc) const {
  if (!doc.is_object()) return 0;
  auto rule = object_member(doc, "rule");
  if (!rule || !numeric_level(*rule) || !(member(*rule, "id") || member(*rule, "description")))
    return 0;
  int score = 60;
  if (object_member(doc, "agent")) score += 15;
  if (object_member(doc, "manager")) score += 10;
  if (object_member(doc, "decoder") || member(doc, "location") || member(doc, "full_log"))
    score += 10;
  return std::min(score, 95);
}

Result<Alert> WazuhNormalizer::normalize(simdjson::dom::element doc) const {
  if (!doc.is_object()) return fail(ErrorCode::kNotAnAlert, "a Wazuh alert must be a JSON object");
  if (auto bounded = formats::check_array_sizes(doc, "Wazuh alert"); !bounded)
    return std::unexpected(bounded.error());
  auto rule = object_member(doc, "rule");
  if (!rule) return fail(ErrorCode::kNotAnAlert, "Wazuh alert has no rule object");
  Alert alert;
  alert.format = SourceFormat::kWazuh;
  alert.rule_name = text(*rule, "description");
  if (trim(alert.rule_name).empty())
    return fail(ErrorCode::kNotAnAlert, "Wazuh alert has no rule.description");
  alert.rule_id = text(*rule, "id");
  alert.id = text(doc, "id");
  alert.description = alert.rule_name;
  for (std::string_view key : {"timestamp", "@timestamp"}) {
    if (auto t = formats::parse_any_time(text(doc, key))) {
      alert.timestamp = t;
      break;
    }
  }
  if (auto level = json::get_int(*rule, {"level"})) {
    if (*level < 0 || *level > 16)
      return fail(ErrorCode::kInvalidArgument, "Wazuh rule.level out of range 0-15");
    alert.source_severity = severity_from_wazuh_level(*level);
  }
  if (auto frequency = json::get_int(*rule, {"frequency"})) alert.event_count = frequency;

  if (auto mitre = object_member(*rule, "mitre")) {
    if (auto ids = member(*mitre, "id"))
      formats::for_each_bounded(*ids, [&](simdjson::dom::element id) {
        formats::add_technique(alert, json::scalar_text(id));
      });
    if (auto tactics = member(*mitre, "tactic"))
      formats::for_each_bounded(*tactics, [&](simdjson::dom::element tactic) {
        formats::add_tactic(alert, json::scalar_text(tactic));
      });
  }
  bool authentication = false;
  if (auto groups = member(*rule, "groups"))
    formats::for_each_bounded(*groups, [&](simdjson::dom::element group) {
      const std::string g = to_lower(json::scalar_text(group));
      formats::add_category(alert, g);
      if (g.find("authentication") != std::string::npos || g == "sshd" ||
          g == "win_authentication_failed")
        authentication = true;
      if (g == "authentication_success") alert.outcome = "success";
      if (g == "authentication_failed" || g == "authentication_failures" ||
          g == "win_authentication_failed")
        alert.outcome = "failure";
    });
  if (authentication) formats::add_category(alert, "authentication");

  // The monitored machine: where the alert happened.
  const auto agent = object_member(doc, "agent");
  const std::string agent_name = text_at(agent, "name");
  add_observable(alert, ObservableType::kHost, agent_name, Role::kTarget, "agent.name");
  formats::add_address(alert, text_at(agent, "ip"), Role::kTarget, "agent.ip");

  const auto data = object_member(doc, "data");
  const std::string source_ip = text_at(data, "srcip");
  formats::add_address(alert, source_ip, Role::kSource, "data.srcip");
  formats::add_address(alert, text_at(data, "dstip"), Role::kDestination, "data.dstip");
  // An authentication from a remote source names the account being tried.
  const Role user_role = authentication && !source_ip.empty() ? Role::kTarget : Role::kActor;
  formats::add_user(alert, text_at(data, "srcuser"), user_role, "data.srcuser");
  formats::add_user(alert, text_at(data, "dstuser"), Role::kTarget, "data.dstuser");
  formats::add_user(alert, text_at(data, "user"), user_role, "data.user");
  add_observable(alert, ObservableType::kUrl, text_at(data, "url"), Role::kRelated, "data.url");
  if (auto geo = object_member(doc, "GeoLocation"))
    alert.source_country = text(*geo, "country_code");

  // Windows event channel (Security, Sysmon) fields.
  const auto win = data ? object_member(*data, "win") : std::nullopt;
  const auto eventdata = win ? object_member(*win, "eventdata") : std::nullopt;
  if (win)
    if (auto system = object_member(*win, "system"))
      if (const std::string computer = text(*system, "computer");
          !computer.empty() && !iequals(computer, agent_name) &&
          !starts_with_icase(computer, agent_name + "."))
        add_observable(alert, ObservableType::kHost, computer, Role::kTarget,
                       "data.win.system.computer");
  if (eventdata) {
    const simdjson::dom::element ed = *eventdata;
    formats::add_address(alert, text(ed, "ipAddress"), Role::kSource,
                         "data.win.eventdata.ipAddress");
    formats::add_address(alert, text(ed, "sourceIp"), Role::kSource, "data.win.eventdata.sourceIp");
    formats::add_address(alert, text(ed, "destinationIp"), Role::kDestination,
                         "data.win.eventdata.destinationIp");
    formats::add_address(alert, text(ed, "destinationHostname"), Role::kDestination,
                         "data.win.eventdata.destinationHostname");
    add_observable(alert, ObservableType::kHost, text(ed, "workstationName"), Role::kSource,
                   "data.win.eventdata.workstationName");
    formats::add_user(alert, text(ed, "targetUserName"), Role::kTarget,
                      "data.win.eventdata.targetUserName");
    formats::add_user(alert, text(ed, "subjectUserName"), Role::kActor,
                      "data.win.eventdata.subjectUserName");
    formats::add_user(alert, text(ed, "user"), Role::kActor, "data.win.eventdata.user");
    add_observable(alert, ObservableType::kProcess, text(ed, "image"), Role::kActor,
                   "data.win.eventdata.image");
    add_observable(alert, ObservableType::kProcess, text(ed, "parentImage"), Role::kRelated,
                   "data.win.eventdata.parentImage");
    formats::add_hash_list(alert, text(ed, "hashes"), Role::kActor, "data.win.eventdata.hashes");
    add_observable(alert, ObservableType::kFile, text(ed, "targetFilename"), Role::kRelated,
                   "data.win.eventdata.targetFilename");
    add_observable(alert, ObservableType::kRegistry, text(ed, "targetObject"), Role::kRelated,
                   "data.win.eventdata.targetObject");
    const std::string query = text(ed, "queryName");
    if (classify_address(query) == ObservableType::kDomain)
      add_observable(alert, ObservableType::kDomain, query, Role::kRelated,
                     "data.win.eventdata.queryName");
    formats::add_text(alert, "data.win.eventdata.commandLine", text(ed, "commandLine"));
    formats::add_text(alert, "data.win.eventdata.parentCommandLine", text(ed, "parentCommandLine"));
  }
  // Linux audit (auditd) process execution.
  if (auto audit = data ? object_member(*data, "audit") : std::nullopt) {
    add_observable(alert, ObservableType::kProcess, text(*audit, "exe"), Role::kActor,
                   "data.audit.exe");
    formats::add_text(alert, "data.audit.command", text(*audit, "command"));
  }
  // File integrity monitoring.
  if (auto syscheck = object_member(doc, "syscheck")) {
    add_observable(alert, ObservableType::kFile, text(*syscheck, "path"), Role::kTarget,
                   "syscheck.path");
    for (std::string_view key : {"sha256_after", "sha1_after", "md5_after"})
      formats::add_hash(alert, text(*syscheck, key), Role::kTarget,
                        std::string("syscheck.") + std::string(key));
    formats::add_user(alert, text(*syscheck, "uname_after"), Role::kRelated,
                      "syscheck.uname_after");
  }

  formats::add_text(alert, "rule.description", alert.rule_name);
  formats::add_text(alert, "full_log", text(doc, "full_log"));
  return alert;
}

}  // namespace soc
