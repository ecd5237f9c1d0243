// Splunk ES notable events and webhook alert-action payloads to Alert (CIM field names).
#include "parse/splunk_normalizer.hpp"

#include <algorithm>

#include "core/strings.hpp"
#include "parse/format_support.hpp"
#include "parse/json_path.hpp"
#include "parse/tags.hpp"

namespace soc {
namespace {

using formats::member;
using formats::text;

bool is_object(std::optional<simdjson::dom::element> e) {
  return e && e->is_object();
}

// The webhook carries the triggering search's first result row under "result"; a notable event
// (or an export/search API row) is the row itself.
simdjson::dom::element result_row(simdjson::dom::element doc) {
  auto result = member(doc, "result");
  return is_object(result) ? *result : doc;
}

bool is_webhook(simdjson::dom::element doc) {
  return is_object(member(doc, "result")) && member(doc, "sid") &&
         (member(doc, "results_link") || member(doc, "search_name") || member(doc, "app"));
}

// Calls fn for each scalar value of a field that may be multi-valued (a JSON array in results).
template <class Fn>
void each_value(simdjson::dom::element row, std::string_view key, Fn&& fn) {
  auto found = member(row, key);
  if (!found) return;
  formats::for_each_bounded(*found, [&](simdjson::dom::element item) {
    const std::string value = json::scalar_text(item);
    if (!trim(value).empty()) fn(value);
  });
}

// The CIM field, or the originating event's copy of it that ES keeps as orig_<field>.
template <class Fn>
void each_cim_value(simdjson::dom::element row, std::string_view key, Fn&& fn) {
  if (member(row, key)) {
    each_value(row, key, fn);
  } else {
    each_value(row, "orig_" + std::string(key), fn);
  }
}

void collect_attack_values(Alert& alert, simdjson::dom::element value, int depth) {
  if (depth > 4) return;
  simdjson::dom::object nested;
  if (value.get_object().get(nested) == simdjson::SUCCESS) {
    for (auto [key, child] : nested) {
      // Technique and tactic names cannot be told from free text; ids and tactic names can.
      if (key.find("technique") != std::string_view::npos &&
          key.find("_id") == std::string_view::npos && key != "mitre_attack")
        continue;
      collect_attack_values(alert, child, depth + 1);
    }
    return;
  }
  formats::for_each_bounded(value, [&](simdjson::dom::element item) {
    const std::string tag = json::scalar_text(item);
    if (tag.empty()) return;
    if (!normalize_technique_id(tag).empty()) {
      formats::add_technique(alert, tag);
    } else {
      formats::add_tactic(alert, tag);
    }
  });
}

// ES correlation searches annotate notables with ATT&CK as "annotations.mitre_attack" (ids),
// "annotations.mitre_attack.mitre_tactic" ... flattened, or as a nested "annotations" object;
// ESCU-style searches add mitre_technique_id / mitre_attack_id fields.
void add_attack(Alert& alert, simdjson::dom::element row) {
  simdjson::dom::object obj;
  if (row.get_object().get(obj) != simdjson::SUCCESS) return;
  for (auto [key, value] : obj) {
    if (key == "annotations") {
      if (auto mitre = member(value, "mitre_attack")) collect_attack_values(alert, *mitre, 1);
      continue;
    }
    const bool annotation = key.starts_with("annotations.mitre_attack");
    const bool mitre_field = key == "mitre_technique_id" || key == "mitre_attack_id" ||
                             key == "mitre_tactic" || key == "mitre_tactic_id" ||
                             key == "mitre_attack";
    if (!annotation && !mitre_field) continue;
    if (key.ends_with("mitre_technique")) continue;  // technique names, not ids
    collect_attack_values(alert, value, 1);
  }
}

std::optional<Severity> severity_of(simdjson::dom::element row) {
  for (std::string_view key : {"urgency", "severity", "severities", "priority"}) {
    const std::string value = text(row, key);
    if (value.empty() || iequals(value, "unknown")) continue;
    if (auto severity = severity_from_string(value)) return severity;
  }
  return std::nullopt;
}

bool has_value(simdjson::dom::element row, std::string_view key, std::string_view wanted) {
  bool found = false;
  each_value(row, key, [&](const std::string& v) { found = found || iequals(v, wanted); });
  return found;
}

}  // namespace

int SplunkNormalizer::detect(simdjson::dom::element doc) const {
  if (!doc.is_object()) return 0;
  if (is_webhook(doc)) return 95;
  const simdjson::dom::element row = result_row(doc);
  const std::string event_id = text(row, "event_id");
  if (event_id.find("@@notable@@") != std::string::npos) return 95;
  const bool rule =
      member(row, "search_name") || member(row, "rule_name") || member(row, "savedsearch_name");
  if (rule &&
      (text(row, "index") == "notable" || member(row, "security_domain") || member(row, "urgency")))
    return 90;
  // A search result row: Splunk's internal fields, and a search that produced it.
  if (rule && member(row, "_time") &&
      (member(row, "_raw") || member(row, "sourcetype") || member(row, "_cd")))
    return 80;
  return 0;
}

Result<Alert> SplunkNormalizer::normalize(simdjson::dom::element doc) const {
  if (!doc.is_object()) return fail(ErrorCode::kNotAnAlert, "a Splunk alert must be a JSON object");
  if (auto bounded = formats::check_array_sizes(doc, "Splunk alert"); !bounded)
    return std::unexpected(bounded.error());
  const bool webhook = is_webhook(doc);
  const simdjson::dom::element row = result_row(doc);

  Alert alert;
  alert.format = SourceFormat::kSplunk;
  const std::string search_name = formats::first_text(row, {"search_name", "savedsearch_name"});
  const std::string top_search_name = webhook ? text(doc, "search_name") : std::string();
  alert.rule_name = formats::first_text(row, {"rule_name", "rule_title"});
  if (alert.rule_name.empty())
    alert.rule_name = !search_name.empty() ? search_name : top_search_name;
  if (alert.rule_name.empty()) alert.rule_name = formats::first_text(row, {"signature", "source"});
  if (alert.rule_name.empty())
    return fail(ErrorCode::kNotAnAlert, "Splunk result has no rule_name, search_name or signature");
  // The saved search is the stable identity of the rule (ES's own rule_id is per notable).
  alert.rule_id = !search_name.empty() ? search_name : top_search_name;
  if (alert.rule_id.empty()) alert.rule_id = text(row, "rule_id");
  alert.id = formats::first_text(row, {"event_id", "notable_id"});
  if (alert.id.empty() && webhook) alert.id = text(doc, "sid");
  alert.description = formats::first_text(
      row, {"rule_description", "description", "savedsearch_description", "signature"});

  // The originating event's time first (what the correlation windows need), then the notable's.
  for (std::string_view key : {"orig_time", "_time", "info_max_time"}) {
    if (auto t = formats::parse_any_time(text(row, key))) {
      alert.timestamp = t;
      break;
    }
  }
  alert.source_severity = severity_of(row);
  add_attack(alert, row);

  each_value(row, "security_domain",
             [&](const std::string& v) { formats::add_category(alert, v); });
  // CIM data-model tags that say what kind of activity this is.
  for (std::string_view model :
       {"authentication", "email", "malware", "network", "web", "ids", "process", "dns"})
    if (has_value(row, "tag", model) || has_value(row, "orig_tag", model))
      formats::add_category(alert, model);
  const std::string action = to_lower(text(row, "action"));
  if (action == "success" || action == "allowed") alert.outcome = "success";
  if (action == "failure" || action == "failed" || action == "blocked") alert.outcome = "failure";
  if (auto count = json::get_int(row, {"count", "event_count"})) alert.event_count = count;
  alert.source_country = formats::first_text(row, {"src_country", "src_iso_code"});

  const bool authentication = std::find(alert.categories.begin(), alert.categories.end(),
                                        "authentication") != alert.categories.end();
  bool has_source = false;

  // Network endpoints.
  for (std::string_view key : {"src", "src_ip", "src_host", "src_nt_host"})
    each_cim_value(row, key, [&](const std::string& v) {
      formats::add_address(alert, v, Role::kSource, key);
      has_source = true;
    });
  for (std::string_view key : {"dest", "dest_ip", "dest_host", "dest_nt_host", "dest_dns"})
    each_cim_value(row, key, [&](const std::string& v) {
      const ObservableType type = classify_address(v);
      // On endpoint data "dest" names the machine the event happened on.
      const Role role = has_source ? Role::kDestination : Role::kTarget;
      add_observable(alert, type, v, role, key);
    });
  each_value(row, "dvc",
             [&](const std::string& v) { formats::add_address(alert, v, Role::kRelated, "dvc"); });

  // E-mail (CIM Email model: src_user is the sender, recipient the recipients).
  std::vector<std::string> recipients;
  each_value(row, "recipient", [&](const std::string& v) { recipients.push_back(v); });
  const bool mail = !recipients.empty() || member(row, "sender") || has_value(row, "tag", "email");
  for (const auto& r : recipients)
    add_observable(alert, ObservableType::kEmail, r, Role::kRecipient, "recipient");
  each_value(row, "sender", [&](const std::string& v) {
    add_observable(alert, ObservableType::kEmail, v, Role::kSender, "sender");
  });

  // Accounts: for a remote authentication, or an escalation by src_user, the named user is the
  // account being attacked (CIM Authentication).
  bool has_src_user = false;
  each_cim_value(row, "src_user", [&](const std::string&) { has_src_user = true; });
  const Role user_role =
      authentication && (has_source || has_src_user) ? Role::kTarget : Role::kActor;
  each_cim_value(row, "user",
                 [&](const std::string& v) { formats::add_user(alert, v, user_role, "user"); });
  each_cim_value(row, "src_user", [&](const std::string& v) {
    if (mail && v.find('@') != std::string::npos) {
      add_observable(alert, ObservableType::kEmail, v, Role::kSender, "src_user");
    } else {
      formats::add_user(alert, v, Role::kActor, "src_user");
    }
  });
  for (std::string_view key : {"target_user", "dest_user"})
    each_value(row, key,
               [&](const std::string& v) { formats::add_user(alert, v, Role::kTarget, key); });

  // Processes and files (CIM Endpoint: "process" is the full command line).
  // One name per process: the most complete field the source filled in.
  for (std::string_view key : {"process_path", "process_exec", "process_name", "app_path"}) {
    bool found = false;
    each_cim_value(row, key, [&](const std::string& v) {
      add_observable(alert, ObservableType::kProcess, v, Role::kActor, key);
      found = true;
    });
    if (found) break;
  }
  each_value(row, "parent_process_path", [&](const std::string& v) {
    add_observable(alert, ObservableType::kProcess, v, Role::kRelated, "parent_process_path");
  });
  for (std::string_view key : {"process_hash", "process_sha256", "process_md5", "process_sha1"})
    each_value(row, key,
               [&](const std::string& v) { formats::add_hash_list(alert, v, Role::kActor, key); });
  const Role file_role = mail ? Role::kAttachment : Role::kRelated;
  for (std::string_view key : {"file_path", "file_name"}) {
    bool found = false;
    each_cim_value(row, key, [&](const std::string& v) {
      add_observable(alert, ObservableType::kFile, v, file_role, key);
      found = true;
    });
    if (found) break;
  }
  for (std::string_view key : {"file_hash", "sha256", "sha1", "md5"})
    each_value(row, key,
               [&](const std::string& v) { formats::add_hash_list(alert, v, file_role, key); });

  // Web and DNS.
  for (std::string_view key : {"url", "http_referrer"})
    each_cim_value(row, key, [&](const std::string& v) {
      add_observable(alert, ObservableType::kUrl, v, Role::kRelated, key);
    });
  for (std::string_view key : {"url_domain", "query"})
    each_value(row, key, [&](const std::string& v) {
      if (classify_address(v) == ObservableType::kDomain)
        add_observable(alert, ObservableType::kDomain, v, Role::kRelated, key);
    });

  // Free text for the extractor.
  formats::add_text(alert, "rule_name", alert.rule_name);
  for (std::string_view key : {"rule_title", "description", "signature", "subject", "process",
                               "parent_process", "cmdline", "command", "orig_raw"})
    each_value(row, key, [&](const std::string& v) { formats::add_text(alert, key, v); });
  if (webhook) formats::add_text(alert, "results_link", text(doc, "results_link"));
  return alert;
}

}  // namespace soc
