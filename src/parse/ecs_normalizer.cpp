// ECS / Elastic Security alert normalization.
#include "parse/ecs_normalizer.hpp"

#include "core/strings.hpp"
#include "parse/json_path.hpp"
#include "parse/tags.hpp"

namespace soc {

Severity severity_from_risk_score(std::int64_t score) {
  if (score >= 74) return Severity::kCritical;
  if (score >= 48) return Severity::kHigh;
  if (score >= 22) return Severity::kMedium;
  return Severity::kLow;
}

int EcsNormalizer::detect(simdjson::dom::element doc) const {
  if (json::find(doc, "kibana.alert.rule.name") || json::find(doc, "kibana.alert.uuid") ||
      json::find(doc, "signal.rule.name"))
    return 95;
  int score = 0;
  if (json::find(doc, "@timestamp")) score += 30;
  if (json::find(doc, "ecs.version")) score += 40;
  if (json::find(doc, "event.kind") || json::find(doc, "event.category")) score += 30;
  return score >= 60 ? score : 0;
}

namespace {

void add_hashes(Alert& alert, simdjson::dom::element doc, std::string_view prefix, Role role) {
  static constexpr std::pair<std::string_view, ObservableType> kHashes[] = {
      {"md5", ObservableType::kMd5},
      {"sha1", ObservableType::kSha1},
      {"sha256", ObservableType::kSha256},
      {"sha512", ObservableType::kSha512}};
  // One buffer for the four paths: this runs four times per alert, mostly finding nothing.
  std::string path(prefix);
  path += ".hash.";
  const std::size_t stem = path.size();
  for (const auto& [name, type] : kHashes) {
    path.resize(stem);
    path += name;
    add_observable(alert, type, json::get_string(doc, {path}), role, path);
  }
}

void add_address(Alert& alert, const std::string& value, Role role, std::string_view field) {
  if (!value.empty()) add_observable(alert, classify_address(value), value, role, field);
}

void add_text(Alert& alert, simdjson::dom::element doc, std::string_view path) {
  std::string text = json::get_string(doc, {path});
  if (!text.empty()) alert.texts.push_back({std::string(path), std::move(text)});
}

}  // namespace

Result<Alert> EcsNormalizer::normalize(simdjson::dom::element doc) const {
  Alert alert;
  alert.format = SourceFormat::kEcs;
  alert.id =
      json::get_string(doc, {"kibana.alert.uuid", "_id", "event.id", "signal.original_event.id"});
  alert.rule_name = json::get_string(
      doc, {"kibana.alert.rule.name", "signal.rule.name", "rule.name", "event.action", "message"});
  alert.rule_id = json::get_string(doc, {"kibana.alert.rule.rule_id", "kibana.alert.rule.uuid",
                                         "signal.rule.rule_id", "rule.id", "rule.uuid"});
  alert.description = json::get_string(doc, {"kibana.alert.reason", "kibana.alert.rule.description",
                                             "signal.reason", "rule.description", "message"});
  if (alert.rule_name.empty())
    return std::unexpected(
        Error{ErrorCode::kNotAnAlert, "ECS document has no rule name, event action or message"});
  const std::string time_text = json::get_string(
      doc, {"kibana.alert.original_time", "signal.original_time", "@timestamp", "event.created"});
  if (!time_text.empty()) alert.timestamp = parse_time(time_text);

  if (auto sev = json::get_string(
          doc, {"kibana.alert.severity", "kibana.alert.rule.severity", "signal.rule.severity"});
      !sev.empty()) {
    alert.source_severity = severity_from_string(sev);
  } else if (auto risk = json::get_int(
                 doc, {"kibana.alert.risk_score", "event.severity", "event.risk_score"})) {
    alert.source_severity = severity_from_risk_score(*risk);
  }

  // ATT&CK: the rule's threat mapping, the alert's threat fields, and Sigma-style tags.
  for (std::string_view threat_path :
       {"kibana.alert.rule.threat", "signal.rule.threat", "threat"}) {
    auto threats = json::find(doc, threat_path);
    if (!threats) continue;
    auto collect = [&](simdjson::dom::element threat) {
      std::vector<std::string> tactic;
      json::collect_strings(threat, "tactic.name", tactic);
      for (auto& t : tactic) alert.tactic_names.push_back(tactic_short_name(t));
      auto techniques = json::find(threat, "technique");
      if (!techniques) return;
      auto add_technique = [&](simdjson::dom::element technique) {
        std::string id = json::get_string(technique, {"id"});
        if (!id.empty()) alert.technique_ids.push_back(std::move(id));
        if (auto subs = json::find(technique, "subtechnique"))
          json::for_each_item(*subs, [&](simdjson::dom::element sub) {
            std::string sid = json::get_string(sub, {"id"});
            if (!sid.empty()) alert.technique_ids.push_back(std::move(sid));
          });
      };
      json::for_each_item(*techniques, add_technique);
    };
    json::for_each_item(*threats, collect);
  }
  std::vector<std::string> tags;
  json::collect_strings(doc, "kibana.alert.rule.tags", tags);
  json::collect_strings(doc, "tags", tags);
  add_attack_tags(alert, tags);

  json::collect_strings(doc, "event.category", alert.categories);
  for (auto& c : alert.categories) c = to_lower(c);
  alert.outcome = to_lower(json::get_string(doc, {"event.outcome"}));
  alert.event_count = json::get_int(doc, {"kibana.alert.threshold_result.count", "event.count"});
  alert.source_country =
      json::get_string(doc, {"source.geo.country_iso_code", "client.geo.country_iso_code"});

  const bool is_authentication = std::find(alert.categories.begin(), alert.categories.end(),
                                           "authentication") != alert.categories.end();

  // Network endpoints.
  add_address(alert, json::get_string(doc, {"source.ip"}), Role::kSource, "source.ip");
  add_address(alert, json::get_string(doc, {"client.ip"}), Role::kSource, "client.ip");
  const std::string source_address = json::get_string(doc, {"source.address", "source.domain"});
  add_address(alert, source_address, Role::kSource, "source.address");
  add_address(alert, json::get_string(doc, {"destination.ip"}), Role::kDestination,
              "destination.ip");
  add_address(alert, json::get_string(doc, {"server.ip"}), Role::kDestination, "server.ip");
  std::vector<std::string> destinations;
  json::collect_strings(doc, "destination.address", destinations);
  json::collect_strings(doc, "destination.domain", destinations);
  for (const auto& d : destinations)
    add_address(alert, d, Role::kDestination, "destination.address");

  // The observing host: the target of what happened to it, unless the alert says it is the source.
  const std::string host = json::get_string(doc, {"host.name", "host.hostname", "agent.name"});
  if (!host.empty())
    add_observable(alert, ObservableType::kHost, host,
                   iequals(host, source_address) ? Role::kSource : Role::kTarget, "host.name");
  std::vector<std::string> related_hosts;
  json::collect_strings(doc, "related.hosts", related_hosts);
  for (const auto& h : related_hosts) {
    if (iequals(h, host) || iequals(h, source_address)) continue;
    add_observable(alert,
                   classify_address(h) == ObservableType::kIpv4 ? ObservableType::kIpv4
                                                                : ObservableType::kHost,
                   h, Role::kTarget, "related.hosts");
  }
  std::vector<std::string> related_ips;
  json::collect_strings(doc, "related.ip", related_ips);
  for (const auto& ip : related_ips) add_address(alert, ip, Role::kRelated, "related.ip");

  // Accounts: for an authentication event from a remote source, the named user is the account
  // being attacked; otherwise it is the one acting.
  const Role user_role = is_authentication && !json::get_string(doc, {"source.ip"}).empty()
                             ? Role::kTarget
                             : Role::kActor;
  add_observable(alert, ObservableType::kUser, json::get_string(doc, {"user.name"}), user_role,
                 "user.name");
  add_observable(alert, ObservableType::kUser, json::get_string(doc, {"user.target.name"}),
                 Role::kTarget, "user.target.name");
  std::vector<std::string> related_users;
  json::collect_strings(doc, "related.user", related_users);
  for (const auto& u : related_users)
    add_observable(alert, ObservableType::kUser, u, Role::kRelated, "related.user");

  // E-mail.
  std::vector<std::string> senders, recipients;
  json::collect_strings(doc, "email.from.address", senders);
  json::collect_strings(doc, "email.sender.address", senders);
  json::collect_strings(doc, "email.to.address", recipients);
  json::collect_strings(doc, "email.cc.address", recipients);
  for (const auto& s : senders)
    add_observable(alert, ObservableType::kEmail, s, Role::kSender, "email.from.address");
  for (const auto& r : recipients)
    add_observable(alert, ObservableType::kEmail, r, Role::kRecipient, "email.to.address");
  if (auto attachments = json::find(doc, "email.attachments")) {
    json::for_each_item(*attachments, [&](simdjson::dom::element attachment) {
      add_hashes(alert, attachment, "file", Role::kAttachment);
      add_observable(alert, ObservableType::kFile, json::get_string(attachment, {"file.name"}),
                     Role::kAttachment, "email.attachments.file.name");
    });
  }
  add_text(alert, doc, "email.subject");

  // Files and processes.
  const bool mail = !senders.empty() || !recipients.empty();
  add_hashes(alert, doc, "file", mail ? Role::kAttachment : Role::kRelated);
  add_observable(alert, ObservableType::kFile, json::get_string(doc, {"file.path", "file.name"}),
                 mail ? Role::kAttachment : Role::kRelated, "file.path");
  add_hashes(alert, doc, "process", Role::kActor);
  add_observable(alert, ObservableType::kProcess,
                 json::get_string(doc, {"process.executable", "process.name"}), Role::kActor,
                 "process.executable");
  add_text(alert, doc, "process.command_line");
  add_text(alert, doc, "process.parent.command_line");
  add_hashes(alert, doc, "dll", Role::kRelated);
  add_observable(alert, ObservableType::kRegistry, json::get_string(doc, {"registry.path"}),
                 Role::kRelated, "registry.path");

  // Web and DNS.
  add_observable(alert, ObservableType::kUrl, json::get_string(doc, {"url.full", "url.original"}),
                 Role::kRelated, "url.full");
  add_observable(alert, ObservableType::kDomain, json::get_string(doc, {"url.domain"}),
                 Role::kRelated, "url.domain");
  add_observable(alert, ObservableType::kDomain, json::get_string(doc, {"dns.question.name"}),
                 Role::kRelated, "dns.question.name");

  alert.texts.push_back({"rule.name", alert.rule_name});
  if (!alert.description.empty() && alert.description != alert.rule_name)
    alert.texts.push_back({"description", alert.description});
  add_text(alert, doc, "message");
  return alert;
}

}  // namespace soc
