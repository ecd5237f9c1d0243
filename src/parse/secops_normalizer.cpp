// Google SecOps (Chronicle) detections and UDM alerts to Alert.
#include "parse/secops_normalizer.hpp"

#include <algorithm>

#include "core/strings.hpp"
#include "parse/format_support.hpp"
#include "parse/json_path.hpp"

namespace soc {
namespace {

using formats::member;

// A multi-event detection may reference thousands of events; the first ones name the entities.
constexpr std::size_t kMaxEventsRead = 100;

std::string snake_case(std::string_view camel) {
  std::string out;
  out.reserve(camel.size() + 4);
  for (char c : camel) {
    if (c >= 'A' && c <= 'Z') {
      out.push_back('_');
      out.push_back(static_cast<char>(c - 'A' + 'a'));
    } else {
      out.push_back(c);
    }
  }
  return out;
}

// A UDM field by its camelCase name, or by the snake_case name exports use.
std::optional<simdjson::dom::element> udm(simdjson::dom::element object, std::string_view camel) {
  if (auto found = member(object, camel)) return found;
  if (std::none_of(camel.begin(), camel.end(), [](char c) { return c >= 'A' && c <= 'Z'; }))
    return std::nullopt;
  return member(object, snake_case(camel));
}

std::optional<simdjson::dom::element> udm_object(simdjson::dom::element object,
                                                 std::string_view camel) {
  auto found = udm(object, camel);
  if (!found || !found->is_object()) return std::nullopt;
  return found;
}

std::optional<simdjson::dom::element> udm_object(std::optional<simdjson::dom::element> object,
                                                 std::string_view camel) {
  return object ? udm_object(*object, camel) : std::nullopt;
}

std::string udm_text(simdjson::dom::element object, std::string_view camel) {
  auto found = udm(object, camel);
  return found ? json::scalar_text(*found) : std::string();
}

template <class Fn>
void udm_each(simdjson::dom::element object, std::string_view camel, Fn&& fn) {
  auto found = udm(object, camel);
  if (!found) return;
  formats::for_each_bounded(*found, [&](simdjson::dom::element item) {
    const std::string value = json::scalar_text(item);
    if (!trim(value).empty()) fn(value);
  });
}

// The UDM event inside the known wrappers: {"udm": ...}, {"event": ...}, {"udmEvent": ...}.
std::optional<simdjson::dom::element> udm_event(simdjson::dom::element doc) {
  auto metadata = udm_object(doc, "metadata");
  if (metadata && udm(*metadata, "eventType")) return doc;
  for (std::string_view wrapper : {"udm", "event", "udmEvent"})
    if (auto inner = udm_object(doc, wrapper))
      if (auto inner_metadata = udm_object(*inner, "metadata");
          inner_metadata && udm(*inner_metadata, "eventType"))
        return inner;
  return std::nullopt;
}

std::optional<simdjson::dom::element> first_detection(simdjson::dom::element doc) {
  auto detections = udm(doc, "detection");
  if (!detections) return std::nullopt;
  simdjson::dom::array items;
  if (detections->get_array().get(items) != simdjson::SUCCESS)
    return detections->is_object() ? detections : std::nullopt;
  for (simdjson::dom::element item : items)
    if (item.is_object()) return item;
  return std::nullopt;
}

struct EventShape {
  bool target_network = false;  // the target is a network endpoint: the principal is the source
  bool target_process = false;  // a process launch: the principal's process is the parent
  bool mail = false;
  bool web = false;               // the target is a web server (HTTP, a URL)
  bool principal_source = false;  // the principal acts from elsewhere (login, connection, mail)
};

void add_file(Alert& alert, simdjson::dom::element file, Role role, bool as_file,
              const std::string& field) {
  if (as_file)
    add_observable(alert, ObservableType::kFile, udm_text(file, "fullPath"), role,
                   field + ".fullPath");
  for (std::string_view hash : {"sha256", "sha1", "md5"})
    formats::add_hash(alert, udm_text(file, hash), role, field + "." + std::string(hash));
}

void add_process(Alert& alert, simdjson::dom::element process, Role role,
                 const std::string& field) {
  if (auto file = udm_object(process, "file")) {
    add_observable(alert, ObservableType::kProcess, udm_text(*file, "fullPath"), role,
                   field + ".file.fullPath");
    add_file(alert, *file, role, false, field + ".file");
  }
  formats::add_text(alert, field + ".commandLine", udm_text(process, "commandLine"));
  if (auto parent = udm_object(process, "parentProcess"))
    add_process(alert, *parent, Role::kRelated, field + ".parentProcess");
}

enum class Noun { kPrincipal, kSource, kTarget, kAbout };

void add_noun(Alert& alert, simdjson::dom::element noun, Noun kind, const EventShape& shape,
              const std::string& field) {
  Role address_role = Role::kRelated, host_role = Role::kRelated, user_role = Role::kRelated,
       process_role = Role::kRelated;
  switch (kind) {
    case Noun::kPrincipal:
      address_role = host_role = shape.principal_source ? Role::kSource : Role::kTarget;
      user_role = Role::kActor;
      process_role = shape.target_process ? Role::kRelated : Role::kActor;
      break;
    case Noun::kSource:
      address_role = host_role = Role::kSource;
      user_role = process_role = Role::kActor;
      break;
    case Noun::kTarget:
      address_role = Role::kDestination;
      host_role = Role::kTarget;
      user_role = Role::kTarget;
      process_role = Role::kActor;
      break;
    case Noun::kAbout:
      break;
  }
  // A hostname names a machine, except a target reached over the web, where it is a domain.
  auto add_host = [&](const std::string& host, const std::string& where) {
    const ObservableType type = classify_address(host);
    if (type == ObservableType::kIpv4 || type == ObservableType::kIpv6) {
      add_observable(alert, type, host, address_role, where);
    } else if (type == ObservableType::kDomain &&
               (kind == Noun::kAbout || (kind == Noun::kTarget && shape.web))) {
      add_observable(alert, ObservableType::kDomain, host, host_role, where);
    } else {
      add_observable(alert, ObservableType::kHost, host, host_role, where);
    }
  };
  udm_each(noun, "hostname", [&](const std::string& h) { add_host(h, field + ".hostname"); });
  udm_each(noun, "ip", [&](const std::string& ip) {
    formats::add_address(alert, ip, address_role, field + ".ip");
  });
  if (auto asset = udm_object(noun, "asset")) {
    udm_each(*asset, "hostname",
             [&](const std::string& h) { add_host(h, field + ".asset.hostname"); });
    udm_each(*asset, "ip", [&](const std::string& ip) {
      formats::add_address(alert, ip, address_role, field + ".asset.ip");
    });
  }
  if (auto user = udm_object(noun, "user")) {
    formats::add_user(alert, udm_text(*user, "userid"), user_role, field + ".user.userid");
    const std::string userid = udm_text(*user, "userid");
    udm_each(*user, "emailAddresses", [&](const std::string& e) {
      if (!iequals(e, userid))  // the same account already named as a user
        add_observable(alert, ObservableType::kEmail, e, user_role, field + ".user.emailAddresses");
    });
  }
  if (auto process = udm_object(noun, "process"))
    add_process(alert, *process, process_role, field + ".process");
  if (auto file = udm_object(noun, "file"))
    add_file(alert, *file, shape.mail ? Role::kAttachment : Role::kRelated, true, field + ".file");
  add_observable(alert, ObservableType::kUrl, udm_text(noun, "url"), Role::kRelated,
                 field + ".url");
  if (auto registry = udm_object(noun, "registry"))
    add_observable(alert, ObservableType::kRegistry, udm_text(*registry, "registryKey"),
                   Role::kRelated, field + ".registry.registryKey");
  if (kind == Noun::kPrincipal && alert.source_country.empty())
    if (auto location = udm_object(noun, "location"))
      if (const std::string country = udm_text(*location, "countryOrRegion"); country.size() == 2)
        alert.source_country = country;
}

void add_attack_details(Alert& alert, simdjson::dom::element details) {
  if (auto techniques = udm(details, "techniques"))
    formats::for_each_bounded(*techniques, [&](simdjson::dom::element t) {
      formats::add_technique(alert, udm_text(t, "id"));
      formats::add_technique(alert, udm_text(t, "subtechniqueId"));
    });
  if (auto tactics = udm(details, "tactics"))
    formats::for_each_bounded(*tactics, [&](simdjson::dom::element t) {
      const std::string id = udm_text(t, "id");
      formats::add_tactic(alert, id.empty() ? udm_text(t, "name") : id);
    });
}

std::optional<Severity> more_severe(std::optional<Severity> a, std::optional<Severity> b) {
  if (!a) return b;
  if (!b) return a;
  return std::max(*a, *b);
}

// One UDM event: its nouns, network details and security results. Returns the most severe
// securityResult severity.
std::optional<Severity> add_event(Alert& alert, simdjson::dom::element event,
                                  const std::string& field) {
  const auto metadata = udm_object(event, "metadata");
  const std::string event_type = metadata ? udm_text(*metadata, "eventType") : std::string();
  const auto target = udm_object(event, "target");
  const auto network = udm_object(event, "network");
  const auto email = udm_object(network, "email");
  EventShape shape;
  shape.mail = email.has_value() || event_type == "EMAIL_TRANSACTION";
  shape.target_process = target && udm_object(*target, "process");
  shape.target_network = target && (udm(*target, "ip") || udm(*target, "hostname") ||
                                    udm(*target, "url") || udm_object(*target, "asset"));
  shape.web = event_type == "NETWORK_HTTP" || (target && udm(*target, "url"));
  // On a process, file or registry event the principal is the machine where it happened; on a
  // login, a connection or a message it is where the activity came from.
  shape.principal_source = shape.target_network || shape.mail ||
                           (target && udm_object(*target, "user")) ||
                           event_type.starts_with("USER_") || event_type.starts_with("NETWORK_");
  if (event_type == "USER_LOGIN" || event_type == "USER_LOGOUT")
    formats::add_category(alert, "authentication");
  if (shape.mail) formats::add_category(alert, "email");
  if (event_type.starts_with("NETWORK_")) formats::add_category(alert, "network");
  if (event_type.starts_with("PROCESS_")) formats::add_category(alert, "process");

  if (auto principal = udm_object(event, "principal"))
    add_noun(alert, *principal, Noun::kPrincipal, shape, field + ".principal");
  if (auto src = udm_object(event, "src"))
    add_noun(alert, *src, Noun::kSource, shape, field + ".src");
  if (target) add_noun(alert, *target, Noun::kTarget, shape, field + ".target");
  if (auto about = udm(event, "about"))
    formats::for_each_bounded(*about, [&](simdjson::dom::element noun) {
      if (noun.is_object()) add_noun(alert, noun, Noun::kAbout, shape, field + ".about");
    });
  if (email) {
    udm_each(*email, "from", [&](const std::string& v) {
      add_observable(alert, ObservableType::kEmail, v, Role::kSender,
                     field + ".network.email.from");
    });
    for (std::string_view key : {"to", "cc", "bcc"})
      udm_each(*email, key, [&](const std::string& v) {
        add_observable(alert, ObservableType::kEmail, v, Role::kRecipient,
                       field + ".network.email." + std::string(key));
      });
    udm_each(*email, "subject", [&](const std::string& v) {
      formats::add_text(alert, field + ".network.email.subject", v);
    });
  }
  if (auto dns = udm_object(network, "dns"))
    if (auto questions = udm(*dns, "questions"))
      formats::for_each_bounded(*questions, [&](simdjson::dom::element q) {
        const std::string name = udm_text(q, "name");
        if (classify_address(name) == ObservableType::kDomain)
          add_observable(alert, ObservableType::kDomain, name, Role::kRelated,
                         field + ".network.dns.questions.name");
      });

  std::optional<Severity> severity;
  if (auto results = udm(event, "securityResult"))
    formats::for_each_bounded(*results, [&](simdjson::dom::element result) {
      if (!result.is_object()) return;
      const std::string s = udm_text(result, "severity");
      severity = more_severe(severity, severity_from_string(s));
      if (auto details = udm_object(result, "attackDetails")) add_attack_details(alert, *details);
      udm_each(result, "category", [&](const std::string& c) { formats::add_category(alert, c); });
      udm_each(result, "action", [&](const std::string& a) {
        if (a == "ALLOW") alert.outcome = "success";
        if (a == "BLOCK" || a == "QUARANTINE") alert.outcome = "failure";
      });
      formats::add_text(alert, field + ".securityResult.summary", udm_text(result, "summary"));
      formats::add_text(alert, field + ".securityResult.description",
                        udm_text(result, "description"));
    });
  if (metadata)
    formats::add_text(alert, field + ".metadata.description", udm_text(*metadata, "description"));
  return severity;
}

// ruleLabels / outcomes: [{"key": "mitre_attack_technique_id", "value": "T1110"}, ...].
void read_labels(Alert& alert, simdjson::dom::element labels, std::optional<Severity>& severity,
                 std::string& description) {
  formats::for_each_bounded(labels, [&](simdjson::dom::element label) {
    const std::string key = to_lower(udm_text(label, "key"));
    const std::string value = udm_text(label, "value");
    if (key.empty() || value.empty()) return;
    if (key == "severity" || key == "priority") {
      if (!severity) severity = severity_from_string(value);
    } else if (key == "description") {
      if (description.empty()) description = value;
    } else if (key.find("tactic") != std::string::npos) {
      for (const auto& part : split(value, ',')) {
        const bool id = part.size() >= 6 && (part[0] == 'T' || part[0] == 't') &&
                        (part[1] == 'A' || part[1] == 'a');
        formats::add_tactic(alert,
                            id ? std::string_view(part).substr(0, 6) : std::string_view(part));
      }
    } else if (key.find("technique") != std::string::npos ||
               key.find("mitre") != std::string::npos) {
      formats::add_techniques_in_text(alert, value);
    }
  });
}

Result<Alert> normalize_detection(simdjson::dom::element doc, simdjson::dom::element detection) {
  Alert alert;
  alert.format = SourceFormat::kSecops;
  alert.rule_name = udm_text(detection, "ruleName");
  if (trim(alert.rule_name).empty())
    return fail(ErrorCode::kNotAnAlert, "SecOps detection has no ruleName");
  alert.rule_id = udm_text(detection, "ruleId");
  alert.id = udm_text(doc, "id");
  std::optional<Severity> severity = severity_from_string(udm_text(detection, "severity"));
  std::string description;
  if (auto labels = udm(detection, "ruleLabels"))
    read_labels(alert, *labels, severity, description);
  if (auto outcomes = udm(detection, "outcomes"))
    read_labels(alert, *outcomes, severity, description);
  if (!severity)
    if (auto risk = json::get_int(detection, {"riskScore", "risk_score"}))
      severity = formats::severity_from_score(*risk);
  alert.description = description;

  for (std::string_view key : {"detectionTime", "createdTime"}) {
    if (auto t = formats::parse_any_time(udm_text(doc, key))) {
      alert.timestamp = t;
      break;
    }
  }
  if (!alert.timestamp)
    if (auto window = udm_object(doc, "timeWindow"))
      alert.timestamp = formats::parse_any_time(udm_text(*window, "endTime"));

  std::optional<Severity> event_severity;
  std::size_t events_read = 0;
  std::optional<TimestampMs> first_event_time;
  bool bounded = true;
  if (auto elements = udm(doc, "collectionElements")) {
    bounded = formats::for_each_bounded(
                  *elements,
                  [&](simdjson::dom::element element) {
                    auto references = udm(element, "references");
                    if (!references) return;
                    const std::string label = udm_text(element, "label");
                    bounded = formats::for_each_bounded(
                                  *references,
                                  [&](simdjson::dom::element reference) {
                                    auto event = udm_object(reference, "event");
                                    if (!event || events_read >= kMaxEventsRead) return;
                                    ++events_read;
                                    if (!first_event_time)
                                      if (auto metadata = udm_object(*event, "metadata"))
                                        first_event_time = formats::parse_any_time(
                                            udm_text(*metadata, "eventTimestamp"));
                                    event_severity = more_severe(
                                        event_severity, add_event(alert, *event, "event." + label));
                                  }) &&
                              bounded;
                  }) &&
              bounded;
  }
  if (!bounded)
    return fail(ErrorCode::kTooLarge, "SecOps detection has more than " +
                                          std::to_string(formats::kMaxArrayItems) +
                                          " collection elements or references in one element");
  if (!alert.timestamp) alert.timestamp = first_event_time;
  alert.source_severity = severity ? severity : event_severity;
  if (auto count = json::get_int(doc, {"eventCount"})) alert.event_count = count;
  formats::add_text(alert, "ruleName", alert.rule_name);
  formats::add_text(alert, "description", alert.description);
  return alert;
}

Result<Alert> normalize_udm_alert(simdjson::dom::element event) {
  Alert alert;
  alert.format = SourceFormat::kSecops;
  const auto metadata = udm_object(event, "metadata");
  // The first security result names the rule that flagged the event.
  std::optional<simdjson::dom::element> result;
  if (auto results = udm(event, "securityResult")) {
    formats::for_each_bounded(*results, [&](simdjson::dom::element r) {
      if (!result && r.is_object()) result = r;
    });
  }
  if (result) {
    alert.rule_name = formats::first_text(
        *result, {"ruleName", "rule_name", "summary", "threatName", "threat_name"});
    alert.rule_id = formats::first_text(*result, {"ruleId", "rule_id"});
    alert.description = formats::first_text(*result, {"description", "summary"});
  }
  if (alert.rule_name.empty() && metadata)
    alert.rule_name =
        formats::first_text(*metadata, {"description", "productEventType", "product_event_type"});
  if (trim(alert.rule_name).empty())
    return fail(ErrorCode::kNotAnAlert,
                "UDM event has no securityResult rule name or metadata description");
  if (metadata) {
    alert.id = formats::first_text(*metadata, {"id", "productLogId", "product_log_id"});
    alert.timestamp = formats::parse_any_time(udm_text(*metadata, "eventTimestamp"));
  }
  if (!alert.timestamp) alert.timestamp = formats::parse_any_time(udm_text(event, "timestamp"));
  alert.source_severity = add_event(alert, event, "udm");
  formats::add_text(alert, "ruleName", alert.rule_name);
  return alert;
}

}  // namespace

int SecopsNormalizer::detect(simdjson::dom::element doc) const {
  if (!doc.is_object()) return 0;
  if (auto detection = first_detection(doc); detection && udm(*detection, "ruleName")) {
    if (udm(doc, "collectionElements") || udm(doc, "detectionTime") ||
        udm_text(doc, "type") == "RULE_DETECTION")
      return 95;
    return 75;
  }
  if (auto event = udm_event(doc)) return udm(*event, "securityResult") ? 85 : 45;
  return 0;
}

Result<Alert> SecopsNormalizer::normalize(simdjson::dom::element doc) const {
  if (!doc.is_object()) return fail(ErrorCode::kNotAnAlert, "a SecOps alert must be a JSON object");
  if (auto bounded = formats::check_array_sizes(doc, "SecOps alert"); !bounded)
    return std::unexpected(bounded.error());
  if (auto detection = first_detection(doc)) return normalize_detection(doc, *detection);
  if (auto event = udm_event(doc)) return normalize_udm_alert(*event);
  return fail(ErrorCode::kNotAnAlert,
              "not a SecOps detection (detection[].ruleName) or UDM event (metadata.eventType)");
}

}  // namespace soc
