// Microsoft Sentinel SecurityAlert / SecurityIncident rows and their Entities JSON to Alert.
#include "parse/sentinel_normalizer.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include "core/strings.hpp"
#include "parse/format_support.hpp"
#include "parse/json_path.hpp"
#include "parse/tags.hpp"

namespace soc {
namespace {

using formats::member;
using formats::string_view_of;
using formats::text;

constexpr std::size_t kMaxEntities = 4096;

// One entity object found anywhere in the Entities tree (top level or nested as a process's
// ImageFile, a file's FileHashes...), in document order.
struct Entity {
  simdjson::dom::element element;
  std::string_view id;    // "$id", when it has one
  std::string_view type;  // "account", "process", ...
  bool parent_process = false;
  std::optional<std::size_t> image;  // a process's executable file
  bool is_image = false;             // a file some process runs from
  bool image_of_actor = false;       // ... and one of those processes is not a parent
  bool hash_of_file = false;         // a FileHash already reported with its file
  std::optional<Role> network_role;  // an Ip named by a network-connection
};

struct EntityIndex {
  std::vector<Entity> entities;
  std::vector<std::pair<std::string_view, std::size_t>> ids;  // sorted by id, for $ref lookups
  bool too_many = false;

  void sort_ids() {
    for (std::size_t i = 0; i < entities.size(); ++i)
      if (!entities[i].id.empty()) ids.emplace_back(entities[i].id, i);
    std::sort(ids.begin(), ids.end());
  }
  std::optional<std::size_t> by_id(std::string_view id) const {
    auto it =
        std::lower_bound(ids.begin(), ids.end(), std::pair<std::string_view, std::size_t>(id, 0));
    if (it == ids.end() || it->first != id) return std::nullopt;
    return it->second;
  }
  // The entity an element stands for when it is a reference {"$ref": id}.
  std::optional<std::size_t> resolve(simdjson::dom::element element) const {
    if (auto ref = member(element, "$ref")) return by_id(string_view_of(*ref));
    return std::nullopt;
  }
};

// Walks the tree once; returns the index of the entity the element is (for objects with a Type).
std::optional<std::size_t> index_entities(simdjson::dom::element element, EntityIndex& index);

void index_children(simdjson::dom::object object, std::optional<std::size_t> self,
                    EntityIndex& index) {
  for (auto [key, value] : object) {
    if (key == "$id" || key == "$ref") continue;
    simdjson::dom::array hashes;
    if (key == "FileHashes" && value.get_array().get(hashes) == simdjson::SUCCESS) {
      for (simdjson::dom::element item : hashes)
        if (const auto hash = index_entities(item, index); hash && !index.too_many)
          index.entities[*hash].hash_of_file = true;
      continue;
    }
    const auto child = index_entities(value, index);
    if (!self || !child || index.too_many) continue;
    if (key == "ParentProcess") index.entities[*child].parent_process = true;
    if (key == "ImageFile") index.entities[*self].image = child;
    if (key == "SourceAddress") index.entities[*child].network_role = Role::kSource;
    if (key == "DestinationAddress") index.entities[*child].network_role = Role::kDestination;
  }
}

std::optional<std::size_t> index_entities(simdjson::dom::element element, EntityIndex& index) {
  if (index.too_many) return std::nullopt;
  simdjson::dom::array items;
  if (element.get_array().get(items) == simdjson::SUCCESS) {
    for (simdjson::dom::element item : items) index_entities(item, index);
    return std::nullopt;
  }
  simdjson::dom::object object;
  if (element.get_object().get(object) != simdjson::SUCCESS) return std::nullopt;
  std::optional<std::size_t> self;
  if (auto type = member(element, "Type"); type && type->is_string()) {
    if (index.entities.size() >= kMaxEntities) {
      index.too_many = true;
      return std::nullopt;
    }
    Entity entity{element, {}, string_view_of(*type)};
    if (auto id = member(element, "$id")) entity.id = string_view_of(*id);
    index.entities.push_back(entity);
    self = index.entities.size() - 1;
  }
  index_children(object, self, index);
  return self;
}

// Relationships expressed by reference: {"ParentProcess": {"$ref": "9"}} and the like.
void link_references(EntityIndex& index) {
  index.sort_ids();
  for (std::size_t i = 0; i < index.entities.size(); ++i) {
    const Entity& entity = index.entities[i];
    if (entity.type == "process") {
      if (auto parent = member(entity.element, "ParentProcess"))
        if (auto target = index.resolve(*parent)) index.entities[*target].parent_process = true;
      if (auto image = member(entity.element, "ImageFile"))
        if (auto target = index.resolve(*image)) index.entities[i].image = target;
    } else if (entity.type == "file") {
      if (auto hashes = member(entity.element, "FileHashes"))
        formats::for_each_bounded(*hashes, [&](simdjson::dom::element item) {
          if (auto target = index.resolve(item)) index.entities[*target].hash_of_file = true;
        });
    } else if (entity.type == "network-connection") {
      for (auto [key, role] :
           {std::pair<std::string_view, Role>{"SourceAddress", Role::kSource},
            std::pair<std::string_view, Role>{"DestinationAddress", Role::kDestination}})
        if (auto address = member(entity.element, key))
          if (auto target = index.resolve(*address)) index.entities[*target].network_role = role;
    }
  }
  // A file shared by several processes (the same powershell.exe twice) is the actor's if any of
  // them is not merely a parent.
  for (const Entity& process : index.entities) {
    if (process.type != "process" || !process.image) continue;
    Entity& file = index.entities[*process.image];
    file.is_image = true;
    file.image_of_actor = file.image_of_actor || !process.parent_process;
  }
}

// Microsoft 365 Defender marks some entities with Roles: ["Attacker"], ["Compromised"], ...
std::optional<Role> declared_role(simdjson::dom::element entity) {
  auto roles = member(entity, "Roles");
  if (!roles) return std::nullopt;
  std::optional<Role> role;
  formats::for_each_bounded(*roles, [&](simdjson::dom::element item) {
    if (role) return;
    const std::string_view r = string_view_of(item);
    if (iequals(r, "Attacker") || iequals(r, "Source"))
      role = Role::kSource;
    else if (iequals(r, "Destination"))
      role = Role::kDestination;
    else if (iequals(r, "Compromised") || iequals(r, "Victim"))
      role = Role::kTarget;
    else if (iequals(r, "Contextual"))
      role = Role::kRelated;
  });
  return role;
}

std::string path_of_file(simdjson::dom::element file) {
  const std::string name = text(file, "Name");
  const std::string directory = text(file, "Directory");
  if (directory.empty()) return name;
  if (name.empty()) return directory;
  const char separator = directory.find('/') != std::string::npos ? '/' : '\\';
  if (directory.back() == separator) return directory + name;
  return directory + separator + name;
}

struct EntityContext {
  bool sign_in = false;  // an identity-protection style alert: the account is the victim
  bool mail = false;     // a mail alert: the accounts are recipients, files attachments
};

void add_file_hashes(Alert& alert, const EntityIndex& index, simdjson::dom::element file,
                     Role role) {
  auto hashes = member(file, "FileHashes");
  if (!hashes) return;
  formats::for_each_bounded(*hashes, [&](simdjson::dom::element item) {
    const auto target = index.resolve(item);
    const simdjson::dom::element hash = target ? index.entities[*target].element : item;
    formats::add_hash(alert, text(hash, "Value"), role, "Entities.FileHash");
  });
}

void add_entity(Alert& alert, const EntityIndex& index, std::size_t i,
                const EntityContext& context) {
  const Entity& entity = index.entities[i];
  const simdjson::dom::element e = entity.element;
  const std::optional<Role> declared = declared_role(e);
  const std::string_view type = entity.type;
  if (type == "account") {
    std::string name = text(e, "UserPrincipalName");
    if (name.empty() && !text(e, "Name").empty() && !text(e, "UPNSuffix").empty())
      name = text(e, "Name") + "@" + text(e, "UPNSuffix");
    if (name.empty() && !text(e, "Name").empty() && !text(e, "NTDomain").empty())
      name = text(e, "NTDomain") + "\\" + text(e, "Name");
    if (name.empty()) name = formats::first_text(e, {"Name", "AccountName", "DisplayName"});
    const Role fallback = context.sign_in || context.mail ? Role::kTarget : Role::kActor;
    formats::add_user(alert, name, declared.value_or(fallback), "Entities.Account");
  } else if (type == "host") {
    const std::string name = formats::first_text(e, {"HostName", "FQDN", "NetBiosName"});
    add_observable(alert, ObservableType::kHost, name, declared.value_or(Role::kTarget),
                   "Entities.Host");
  } else if (type == "ip") {
    const Role fallback =
        entity.network_role.value_or(context.sign_in ? Role::kSource : Role::kRelated);
    const Role role = declared.value_or(fallback);
    formats::add_address(alert, text(e, "Address"), role, "Entities.Ip");
    if (role == Role::kSource && alert.source_country.empty())
      if (auto location = member(e, "Location"))
        alert.source_country = text(*location, "CountryCode");
  } else if (type == "process") {
    const Role role = entity.parent_process ? Role::kRelated : Role::kActor;
    if (auto image = member(e, "ImageFile")) {
      const auto target = index.resolve(*image);
      const simdjson::dom::element file = target ? index.entities[*target].element : *image;
      add_observable(alert, ObservableType::kProcess, path_of_file(file), role, "Entities.Process");
    }
    formats::add_text(alert, "Entities.Process.CommandLine", text(e, "CommandLine"));
  } else if (type == "file") {
    // A process's image is already named as the process; its hashes still belong here.
    if (entity.is_image) {
      add_file_hashes(alert, index, e, entity.image_of_actor ? Role::kActor : Role::kRelated);
    } else {
      const Role role = declared.value_or(context.mail ? Role::kAttachment : Role::kRelated);
      add_observable(alert, ObservableType::kFile, path_of_file(e), role, "Entities.File");
      add_file_hashes(alert, index, e, role);
    }
  } else if (type == "filehash") {
    // Hashes of a file are reported with the file (with its role); only loose ones here.
    if (!entity.hash_of_file)
      formats::add_hash(alert, text(e, "Value"), Role::kRelated, "Entities.FileHash");
  } else if (type == "mailbox") {
    add_observable(alert, ObservableType::kEmail,
                   formats::first_text(e, {"MailboxPrimaryAddress", "Upn"}),
                   declared.value_or(Role::kRecipient), "Entities.Mailbox");
  } else if (type == "mailMessage") {
    for (std::string_view key : {"Sender", "P1Sender", "P2Sender"})
      add_observable(alert, ObservableType::kEmail, text(e, key), Role::kSender,
                     "Entities.MailMessage.Sender");
    add_observable(alert, ObservableType::kEmail, text(e, "Recipient"), Role::kRecipient,
                   "Entities.MailMessage.Recipient");
    formats::add_address(alert, text(e, "SenderIP"), Role::kSource,
                         "Entities.MailMessage.SenderIP");
    if (auto urls = member(e, "Urls"))
      formats::for_each_bounded(*urls, [&](simdjson::dom::element url) {
        add_observable(alert, ObservableType::kUrl, std::string(string_view_of(url)),
                       Role::kRelated, "Entities.MailMessage.Urls");
      });
    formats::add_text(alert, "Entities.MailMessage.Subject", text(e, "Subject"));
  } else if (type == "url") {
    add_observable(alert, ObservableType::kUrl, text(e, "Url"), declared.value_or(Role::kRelated),
                   "Entities.Url");
  } else if (type == "dns") {
    add_observable(alert, ObservableType::kDomain, text(e, "DomainName"), Role::kRelated,
                   "Entities.Dns");
  } else if (type == "registry-key") {
    const std::string hive = text(e, "Hive");
    const std::string key = text(e, "Key");
    add_observable(alert, ObservableType::kRegistry, hive.empty() ? key : hive + "\\" + key,
                   Role::kRelated, "Entities.RegistryKey");
  } else if (type == "malware") {
    formats::add_text(alert, "Entities.Malware", text(e, "Name"));
  }
}

Status add_entities(Alert& alert, simdjson::dom::element entities, std::string_view provider) {
  if (auto bounded = formats::check_array_sizes(entities, "Sentinel Entities"); !bounded)
    return bounded;
  EntityIndex index;
  index_entities(entities, index);
  if (index.too_many)
    return fail(ErrorCode::kTooLarge,
                "Sentinel Entities: more than " + std::to_string(kMaxEntities) + " entities");
  link_references(index);
  EntityContext context;
  // Identity Protection and cloud sign-in alerts name the signed-in account and where from.
  context.sign_in = provider == "IPC" || icontains(provider, "Identity Protection");
  for (const auto& entity : index.entities) {
    if (entity.type == "cloud-logon-session" || entity.type == "cloud-logon-request")
      context.sign_in = true;
    if (entity.type == "mailMessage" || entity.type == "mailbox" || entity.type == "mailCluster")
      context.mail = true;
  }
  if (context.mail) formats::add_category(alert, "email");
  for (std::size_t i = 0; i < index.entities.size(); ++i) add_entity(alert, index, i, context);
  return {};
}

// A dynamic column: the query API returns it as JSON text, other exports as JSON.
Result<std::optional<simdjson::dom::element>> dynamic_column(simdjson::dom::element row,
                                                             std::string_view key,
                                                             std::string_view what) {
  auto value = member(row, key);
  if (!value || value->is_null()) return std::optional<simdjson::dom::element>();
  std::string_view embedded;
  if (value->get_string().get(embedded) != simdjson::SUCCESS) return std::optional(*value);
  if (trim(embedded).empty()) return std::optional<simdjson::dom::element>();
  auto parsed = formats::parse_embedded_json(embedded, what);
  if (!parsed) return std::unexpected(parsed.error());
  return std::optional(*parsed);
}

void add_string_list(simdjson::dom::element list, std::vector<std::string>& out) {
  formats::for_each_bounded(list, [&](simdjson::dom::element item) {
    std::string value = json::scalar_text(item);
    if (!value.empty()) out.push_back(std::move(value));
  });
}

Status normalize_alert_row(simdjson::dom::element row, Alert& alert) {
  alert.id = formats::first_text(row, {"SystemAlertId", "VendorOriginalId"});
  alert.rule_name = formats::first_text(row, {"AlertName", "DisplayName"});
  if (alert.rule_name.empty())
    return fail(ErrorCode::kNotAnAlert, "Sentinel SecurityAlert row has no AlertName");
  alert.description = text(row, "Description");
  const std::string provider = text(row, "ProviderName");

  alert.source_severity = severity_from_string(text(row, "AlertSeverity"));
  formats::add_tactics_from_list(alert, text(row, "Tactics"));
  for (std::string_view key : {"Techniques", "SubTechniques"}) {
    auto column = member(row, key);
    if (!column) continue;
    if (column->is_string())
      formats::add_techniques_from_list(alert, string_view_of(*column));
    else
      formats::for_each_bounded(*column, [&](simdjson::dom::element t) {
        formats::add_technique(alert, json::scalar_text(t));
      });
  }

  // ExtendedProperties first: the embedded parser is reused for Entities afterwards.
  std::string detector, analytic_rule_ids;
  {
    auto extended = dynamic_column(row, "ExtendedProperties", "Sentinel ExtendedProperties");
    if (!extended) return std::unexpected(extended.error());
    if (*extended && (*extended)->is_object()) {
      const simdjson::dom::element props = **extended;
      detector = text(props, "DetectorId");
      analytic_rule_ids = text(props, "Analytic Rule Ids");
      formats::add_techniques_from_list(alert, text(props, "MitreTechniques"));
      for (std::string_view key : {"Category", "MicrosoftDefenderAtp.Category"})
        if (const std::string c = text(props, key); !c.empty())
          formats::add_category(alert,
                                tactic_short_name(c));  // "InitialAccess" -> "initial-access"
      for (std::string_view key : {"ThreatName", "ThreatFamilyName", "Detail Description", "Query"})
        formats::add_text(alert, std::string("ExtendedProperties.") + std::string(key),
                          text(props, key));
    }
  }
  std::vector<std::string> rule_ids;
  if (!analytic_rule_ids.empty()) {
    auto parsed = formats::parse_embedded_json(analytic_rule_ids, "Sentinel Analytic Rule Ids");
    if (parsed) add_string_list(*parsed, rule_ids);
  }
  alert.rule_id = !rule_ids.empty()   ? rule_ids.front()
                  : !detector.empty() ? detector
                                      : text(row, "AlertType");

  for (std::string_view key : {"StartTime", "TimeGenerated", "EndTime"}) {
    if (auto t = formats::parse_any_time(text(row, key))) {
      alert.timestamp = t;
      break;
    }
  }
  auto entities = dynamic_column(row, "Entities", "Sentinel Entities");
  if (!entities) return std::unexpected(entities.error());
  if (*entities) {
    if (auto added = add_entities(alert, **entities, provider); !added) return added;
  }
  const std::string compromised = text(row, "CompromisedEntity");
  if (!compromised.empty() &&
      !std::any_of(alert.observables.begin(), alert.observables.end(), [&](const Observable& o) {
        return iequals(o.value, compromised) ||
               (o.type == ObservableType::kHost && starts_with_icase(compromised, o.value + "."));
      }))
    formats::add_address(alert, compromised, Role::kTarget, "CompromisedEntity");

  formats::add_text(alert, "AlertName", alert.rule_name);
  formats::add_text(alert, "DisplayName", text(row, "DisplayName"));
  formats::add_text(alert, "Description", alert.description);
  return {};
}

Status normalize_incident_row(simdjson::dom::element row, Alert& alert) {
  alert.id = formats::first_text(row, {"IncidentName", "ProviderIncidentId", "IncidentNumber"});
  alert.rule_name = formats::first_text(row, {"Title"});
  if (alert.rule_name.empty())
    return fail(ErrorCode::kNotAnAlert, "Sentinel SecurityIncident row has no Title");
  alert.description = text(row, "Description");
  for (std::string_view key : {"FirstActivityTime", "CreatedTime", "TimeGenerated"}) {
    if (auto t = formats::parse_any_time(text(row, key))) {
      alert.timestamp = t;
      break;
    }
  }
  alert.source_severity = severity_from_string(text(row, "Severity"));
  {
    auto rules = dynamic_column(row, "RelatedAnalyticRuleIds", "Sentinel RelatedAnalyticRuleIds");
    if (!rules) return std::unexpected(rules.error());
    std::vector<std::string> ids;
    if (*rules) add_string_list(**rules, ids);
    if (!ids.empty()) {
      // A full resource id ends with the rule's GUID.
      const std::string& first = ids.front();
      alert.rule_id =
          first.substr(first.rfind('/') == std::string::npos ? 0 : first.rfind('/') + 1);
    }
  }
  auto additional = dynamic_column(row, "AdditionalData", "Sentinel AdditionalData");
  if (!additional) return std::unexpected(additional.error());
  if (*additional && (*additional)->is_object()) {
    const simdjson::dom::element data = **additional;
    if (auto tactics = member(data, "tactics"))
      formats::for_each_bounded(*tactics, [&](simdjson::dom::element t) {
        formats::add_tactic(alert, json::scalar_text(t));
      });
    for (std::string_view key : {"techniques", "subTechniques"})
      if (auto techniques = member(data, key))
        formats::for_each_bounded(*techniques, [&](simdjson::dom::element t) {
          formats::add_technique(alert, json::scalar_text(t));
        });
    if (auto count = json::get_int(data, {"alertsCount"})) alert.event_count = count;
  }
  formats::add_text(alert, "Title", alert.rule_name);
  formats::add_text(alert, "Description", alert.description);
  return {};
}

bool is_incident(simdjson::dom::element doc) {
  const std::string type = text(doc, "Type");
  if (type == "SecurityIncident") return true;
  return type.empty() && member(doc, "IncidentNumber") &&
         (member(doc, "Title") || member(doc, "IncidentName"));
}

}  // namespace

int SentinelNormalizer::detect(simdjson::dom::element doc) const {
  if (!doc.is_object()) return 0;
  const std::string type = text(doc, "Type");
  if (type == "SecurityAlert" || type == "SecurityIncident") return 95;
  if (member(doc, "SystemAlertId") && (member(doc, "AlertName") || member(doc, "DisplayName")))
    return 95;
  if (member(doc, "AlertName") && (member(doc, "ProviderName") || member(doc, "AlertSeverity")))
    return 85;
  if (is_incident(doc)) return 90;
  return 0;
}

Result<Alert> SentinelNormalizer::normalize(simdjson::dom::element doc) const {
  if (!doc.is_object()) return fail(ErrorCode::kNotAnAlert, "a Sentinel row must be a JSON object");
  if (auto bounded = formats::check_array_sizes(doc, "Sentinel row"); !bounded)
    return std::unexpected(bounded.error());
  Alert alert;
  alert.format = SourceFormat::kSentinel;
  const Status status =
      is_incident(doc) ? normalize_incident_row(doc, alert) : normalize_alert_row(doc, alert);
  if (!status) return std::unexpected(status.error());
  return alert;
}

}  // namespace soc
