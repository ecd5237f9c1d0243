// OCSF Detection Finding / Security Finding documents to Alert.
#include "parse/ocsf_normalizer.hpp"

#include "core/strings.hpp"
#include "parse/format_support.hpp"
#include "parse/json_path.hpp"

namespace soc {
namespace {

using formats::member;
using formats::object_member;
using formats::text;

// class_uid is an integer in every OCSF version; a string there is not OCSF.
std::optional<std::int64_t> class_uid(simdjson::dom::element doc) {
  std::int64_t uid = 0;
  if (doc["class_uid"].get_int64().get(uid) != simdjson::SUCCESS) return std::nullopt;
  return uid;
}

// file.hashes[] = {algorithm_id, algorithm, value}: typed by the digest's length.
void add_file(Alert& alert, simdjson::dom::element file, Role role, bool name_as_observable,
              std::string_view field) {
  if (name_as_observable)
    add_observable(alert, ObservableType::kFile, formats::first_text(file, {"path", "name"}), role,
                   field);
  if (auto hashes = member(file, "hashes"))
    formats::for_each_bounded(*hashes, [&](simdjson::dom::element hash) {
      formats::add_hash(alert, text(hash, "value"), role, std::string(field) + ".hashes");
    });
}

void add_process(Alert& alert, simdjson::dom::element process, Role role, std::string_view field) {
  std::string executable;
  if (auto file = object_member(process, "file")) {
    executable = formats::first_text(*file, {"path", "name"});
    add_file(alert, *file, role, false, std::string(field) + ".file");
  }
  if (executable.empty()) executable = text(process, "name");
  add_observable(alert, ObservableType::kProcess, executable, role, field);
  formats::add_text(alert, std::string(field) + ".cmd_line", text(process, "cmd_line"));
  if (auto parent = object_member(process, "parent_process"))
    add_process(alert, *parent, Role::kRelated, std::string(field) + ".parent_process");
}

void add_user(Alert& alert, simdjson::dom::element user, Role role, std::string_view field) {
  formats::add_user(alert, formats::first_text(user, {"name", "email_addr"}), role, field);
}

// A destination's hostname may be a web domain; a device's or a source's names a machine.
void add_endpoint(Alert& alert, simdjson::dom::element endpoint, Role address_role, Role host_role,
                  bool may_be_domain, std::string_view field) {
  formats::add_address(alert, text(endpoint, "ip"), address_role, std::string(field) + ".ip");
  const std::string host = formats::first_text(endpoint, {"hostname", "name"});
  if (host.empty()) return;
  const bool domain = may_be_domain && classify_address(host) == ObservableType::kDomain;
  add_observable(alert, domain ? ObservableType::kDomain : ObservableType::kHost, host, host_role,
                 std::string(field) + ".hostname");
}

// The entity objects OCSF puts at the top level and again inside each evidence.
void add_entities(Alert& alert, simdjson::dom::element holder, std::string_view prefix) {
  const std::string p(prefix);
  if (auto src = object_member(holder, "src_endpoint"))
    add_endpoint(alert, *src, Role::kSource, Role::kSource, false, p + "src_endpoint");
  if (auto dst = object_member(holder, "dst_endpoint"))
    add_endpoint(alert, *dst, Role::kDestination, Role::kTarget, true, p + "dst_endpoint");
  if (auto device = object_member(holder, "device"))
    add_endpoint(alert, *device, Role::kTarget, Role::kTarget, false, p + "device");
  bool actor_process = false;
  if (auto actor = object_member(holder, "actor")) {
    if (auto user = object_member(*actor, "user"))
      add_user(alert, *user, Role::kActor, p + "actor.user");
    if (auto process = object_member(*actor, "process")) {
      add_process(alert, *process, Role::kActor, p + "actor.process");
      actor_process = true;
    }
  }
  // With an acting process named, the evidence's process is what it acted on (lsass.exe in a dump).
  if (auto process = object_member(holder, "process"))
    add_process(alert, *process, actor_process ? Role::kTarget : Role::kActor, p + "process");
  if (auto user = object_member(holder, "user")) add_user(alert, *user, Role::kTarget, p + "user");
  if (auto file = object_member(holder, "file"))
    add_file(alert, *file, Role::kRelated, true, p + "file");
  if (auto url = object_member(holder, "url"))
    add_observable(alert, ObservableType::kUrl, text(*url, "url_string"), Role::kRelated,
                   p + "url");
  if (auto query = object_member(holder, "query")) {
    const std::string name = text(*query, "hostname");
    if (classify_address(name) == ObservableType::kDomain)
      add_observable(alert, ObservableType::kDomain, name, Role::kRelated, p + "query.hostname");
  }
  if (auto email = object_member(holder, "email")) {
    formats::add_address(alert, text(*email, "from"), Role::kSender, p + "email.from");
    for (std::string_view key : {"to", "cc"})
      if (auto recipients = member(*email, key))
        formats::for_each_bounded(*recipients, [&](simdjson::dom::element r) {
          add_observable(alert, ObservableType::kEmail, json::scalar_text(r), Role::kRecipient,
                         p + "email." + std::string(key));
        });
    formats::add_text(alert, p + "email.subject", text(*email, "subject"));
  }
}

// observables[].name is the attribute path ("src_endpoint.ip", "actor.user.name"): the role.
Role role_of_path(std::string_view path) {
  const std::string_view inner =
      path.starts_with("evidences") ? path.substr(path.find('.') + 1) : path;
  if (inner.starts_with("src_endpoint")) return Role::kSource;
  if (inner.starts_with("dst_endpoint")) return Role::kDestination;
  if (inner.starts_with("actor")) return Role::kActor;
  if (inner.starts_with("device")) return Role::kTarget;
  if (inner.starts_with("email.from")) return Role::kSender;
  if (inner.starts_with("email.to") || inner.starts_with("email.cc")) return Role::kRecipient;
  return Role::kRelated;
}

void add_observables(Alert& alert, simdjson::dom::element list) {
  formats::for_each_bounded(list, [&](simdjson::dom::element o) {
    const auto type_id = json::get_int(o, {"type_id"});
    const std::string value = text(o, "value");
    if (!type_id || value.empty()) return;
    const std::string name = text(o, "name");
    const Role role = role_of_path(name);
    const std::string field = name.empty() ? "observables" : "observables:" + name;
    switch (*type_id) {
      case 1:
        add_observable(alert, ObservableType::kHost, value,
                       role == Role::kRelated ? Role::kTarget : role, field);
        break;
      case 2:
        formats::add_address(alert, value, role, field);
        break;
      case 4:
        formats::add_user(alert, value, role == Role::kRelated ? Role::kActor : role, field);
        break;
      case 5:
        add_observable(alert, ObservableType::kEmail, value, role, field);
        break;
      case 6:
        add_observable(alert, ObservableType::kUrl, value, role, field);
        break;
      case 7:
        add_observable(alert, ObservableType::kFile, value, role, field);
        break;
      case 8:
        formats::add_hash(alert, value, role, field);
        break;
      case 9:
        add_observable(alert, ObservableType::kProcess, value,
                       role == Role::kRelated ? Role::kActor : role, field);
        break;
      case 13:
        formats::add_text(alert, field, value);
        break;
      case 18:
        add_observable(alert, ObservableType::kCve, value, role, field);
        break;
      case 28:
        add_observable(alert, ObservableType::kRegistry, value, role, field);
        break;
      default:
        break;  // MAC, resource uid, port, subnet... stay in the raw alert
    }
  });
}

void add_attacks(Alert& alert, simdjson::dom::element attacks) {
  formats::for_each_bounded(attacks, [&](simdjson::dom::element attack) {
    if (auto technique = object_member(attack, "technique"))
      formats::add_technique(alert, text(*technique, "uid"));
    if (auto sub = object_member(attack, "sub_technique"))
      formats::add_technique(alert, text(*sub, "uid"));
    if (auto tactic = object_member(attack, "tactic")) {
      const std::string uid = text(*tactic, "uid");
      formats::add_tactic(alert, uid.empty() ? text(*tactic, "name") : uid);
    }
    if (auto tactics = member(attack, "tactics"))
      formats::for_each_bounded(*tactics, [&](simdjson::dom::element t) {
        const std::string uid = text(t, "uid");
        formats::add_tactic(alert, uid.empty() ? text(t, "name") : uid);
      });
  });
}

}  // namespace

std::optional<Severity> severity_from_ocsf_id(std::int64_t id) {
  switch (id) {
    case 1:
    case 2:
      return Severity::kLow;
    case 3:
      return Severity::kMedium;
    case 4:
      return Severity::kHigh;
    case 5:
    case 6:
      return Severity::kCritical;
    default:
      return std::nullopt;  // 0 Unknown, 99 Other
  }
}

int OcsfNormalizer::detect(simdjson::dom::element doc) const {
  if (!doc.is_object()) return 0;
  const auto uid = class_uid(doc);
  if (!uid) return 0;
  const bool finding = object_member(doc, "finding_info") || object_member(doc, "finding");
  if ((*uid == 2004 || *uid == 2001) && finding) return 95;
  if (*uid == 2004 || *uid == 2001) return 80;
  if (*uid > 2000 && *uid < 3000 && finding) return 70;
  // Other OCSF classes are events, not findings: readable, but only if nothing better claims them.
  if (object_member(doc, "metadata") && member(doc, "severity_id") && member(doc, "category_uid"))
    return 40;
  return 0;
}

Result<Alert> OcsfNormalizer::normalize(simdjson::dom::element doc) const {
  if (!doc.is_object())
    return fail(ErrorCode::kNotAnAlert, "an OCSF finding must be a JSON object");
  if (auto bounded = formats::check_array_sizes(doc, "OCSF finding"); !bounded)
    return std::unexpected(bounded.error());
  if (!class_uid(doc))
    return fail(ErrorCode::kNotAnAlert, "OCSF document has no numeric class_uid");
  Alert alert;
  alert.format = SourceFormat::kOcsf;
  const auto info = object_member(doc, "finding_info");
  const auto finding = info ? info : object_member(doc, "finding");
  const auto analytic = finding ? object_member(*finding, "analytic") : std::nullopt;
  if (finding) {
    alert.id = text(*finding, "uid");
    alert.rule_name = text(*finding, "title");
    alert.description = text(*finding, "desc");
  }
  if (analytic) {
    if (alert.rule_name.empty()) alert.rule_name = text(*analytic, "name");
    alert.rule_id = formats::first_text(*analytic, {"uid", "name"});
  }
  if (alert.rule_name.empty())
    alert.rule_name = formats::first_text(doc, {"message", "class_name"});
  if (alert.rule_name.empty())
    return fail(ErrorCode::kNotAnAlert, "OCSF finding has no finding_info.title or message");
  if (alert.id.empty()) {
    if (auto metadata = object_member(doc, "metadata")) alert.id = text(*metadata, "uid");
  }
  if (alert.description.empty()) alert.description = text(doc, "message");

  if (auto time = json::get_int(doc, {"time"}))
    alert.timestamp = *time;
  else if (auto t = formats::parse_any_time(text(doc, "time_dt")))
    alert.timestamp = t;
  else if (finding)
    for (std::string_view key : {"first_seen_time", "created_time"})
      if (auto at = json::get_int(*finding, {key})) {
        alert.timestamp = *at;
        break;
      }
  if (auto severity_id = json::get_int(doc, {"severity_id"}))
    alert.source_severity = severity_from_ocsf_id(*severity_id);
  if (!alert.source_severity) alert.source_severity = severity_from_string(text(doc, "severity"));

  if (auto attacks = member(doc, "attacks")) add_attacks(alert, *attacks);
  if (finding)
    if (auto attacks = member(*finding, "attacks")) add_attacks(alert, *attacks);
  if (finding)
    if (auto types = member(*finding, "types"))
      formats::for_each_bounded(*types, [&](simdjson::dom::element t) {
        formats::add_category(alert, json::scalar_text(t));
      });
  if (auto count = json::get_int(doc, {"count"})) alert.event_count = count;
  const std::string status = to_lower(text(doc, "status"));
  if (status == "success" || status == "failure") alert.outcome = status;

  add_entities(alert, doc, "");
  if (auto evidences = member(doc, "evidences")) {
    std::size_t index = 0;
    formats::for_each_bounded(*evidences, [&](simdjson::dom::element evidence) {
      if (evidence.is_object())
        add_entities(alert, evidence, "evidences[" + std::to_string(index) + "].");
      ++index;
    });
  }
  if (auto observables = member(doc, "observables")) add_observables(alert, *observables);
  if (auto vulnerabilities = member(doc, "vulnerabilities"))
    formats::for_each_bounded(*vulnerabilities, [&](simdjson::dom::element v) {
      if (auto cve = object_member(v, "cve"))
        add_observable(alert, ObservableType::kCve, text(*cve, "uid"), Role::kRelated,
                       "vulnerabilities.cve.uid");
    });

  formats::add_text(alert, "finding_info.title", alert.rule_name);
  formats::add_text(alert, "finding_info.desc", alert.description);
  formats::add_text(alert, "message", text(doc, "message"));
  return alert;
}

}  // namespace soc
