// Decision vocabulary, JSON serialization (decision.schema.json) and the analyst's text summary.
#include "decide/decision.hpp"

#include <fmt/format.h>

#include "core/json_writer.hpp"
#include "core/strings.hpp"

namespace soc {

std::string_view to_string(Classification c) {
  switch (c) {
    case Classification::kTruePositive:
      return "TRUE_POSITIVE";
    case Classification::kFalsePositive:
      return "FALSE_POSITIVE";
    case Classification::kNeedsReview:
      return "NEEDS_REVIEW";
  }
  return "NEEDS_REVIEW";
}

std::string_view to_string(Priority p) {
  switch (p) {
    case Priority::kP1:
      return "P1";
    case Priority::kP2:
      return "P2";
    case Priority::kP3:
      return "P3";
    case Priority::kP4:
      return "P4";
  }
  return "P3";
}

std::string_view to_string(EscalationLevel l) {
  switch (l) {
    case EscalationLevel::kNone:
      return "none";
    case EscalationLevel::kL2:
      return "L2";
    case EscalationLevel::kL3:
      return "L3";
  }
  return "none";
}

std::string_view to_string(ActionStatus s) {
  switch (s) {
    case ActionStatus::kProposed:
      return "proposed";
    case ActionStatus::kPendingApproval:
      return "pending_approval";
    case ActionStatus::kExecuted:
      return "executed";
    case ActionStatus::kFailed:
      return "failed";
    case ActionStatus::kSkipped:
      return "skipped";
  }
  return "proposed";
}

std::string_view to_string(ActionType t) {
  switch (t) {
    case ActionType::kBlockDomain:
      return "block_domain";
    case ActionType::kBlockUrl:
      return "block_url";
    case ActionType::kBlockIp:
      return "block_ip";
    case ActionType::kPurgeEmail:
      return "purge_email";
    case ActionType::kIsolateHost:
      return "isolate_host";
    case ActionType::kDisableAccount:
      return "disable_account";
    case ActionType::kBlockSessions:
      return "block_sessions";
    case ActionType::kResetPassword:
      return "reset_password";
    case ActionType::kCheckUserClicks:
      return "check_user_clicks";
    case ActionType::kAuditConnections:
      return "audit_connections";
    case ActionType::kCreateTicket:
      return "create_ticket";
    case ActionType::kNotify:
      return "notify";
    case ActionType::kOpenWarRoom:
      return "open_war_room";
    case ActionType::kCloseAlert:
      return "close_alert";
    case ActionType::kReopenAlert:
      return "reopen_alert";
  }
  return "notify";
}

bool is_containment(ActionType t) {
  switch (t) {
    case ActionType::kBlockDomain:
    case ActionType::kBlockUrl:
    case ActionType::kBlockIp:
    case ActionType::kPurgeEmail:
    case ActionType::kIsolateHost:
    case ActionType::kDisableAccount:
    case ActionType::kBlockSessions:
    case ActionType::kResetPassword:
      return true;
    default:
      return false;
  }
}

namespace {

void write_facts(JsonWriter& w, const IntelFacts& f) {
  w.key("facts").begin_object();
  auto opt_int = [&](std::string_view k, const auto& v) {
    if (v) w.field(k, static_cast<std::int64_t>(*v));
  };
  auto opt_time = [&](std::string_view k, const std::optional<TimestampMs>& v) {
    if (v) w.field(k, format_time(*v));
  };
  auto str = [&](std::string_view k, const std::string& v) {
    if (!v.empty()) w.field(k, v);
  };
  auto list = [&](std::string_view k, const std::vector<std::string>& v) {
    if (!v.empty()) w.string_array(k, v);
  };
  auto flag = [&](std::string_view k, const std::optional<bool>& v) {
    if (v) w.field(k, *v);
  };
  opt_int("engines_malicious", f.engines_malicious);
  opt_int("engines_suspicious", f.engines_suspicious);
  opt_int("engines_total", f.engines_total);
  str("malware_family", f.malware_family);
  str("threat_category", f.threat_category);
  opt_time("first_submission", f.first_submission);
  opt_int("community_reputation", f.community_reputation);
  opt_int("abuse_confidence", f.abuse_confidence);
  opt_int("total_reports", f.total_reports);
  opt_int("distinct_reporters", f.distinct_reporters);
  list("abuse_categories", f.abuse_categories);
  opt_time("last_reported", f.last_reported);
  str("isp", f.isp);
  str("usage_type", f.usage_type);
  flag("is_tor", f.is_tor);
  str("classification", f.noise_classification);
  flag("internet_noise", f.internet_noise);
  flag("riot", f.riot);
  list("tags", f.tags);
  str("actor", f.actor);
  opt_time("first_seen", f.first_seen);
  opt_time("last_seen", f.last_seen);
  opt_time("registered_at", f.registered_at);
  str("registrar", f.registrar);
  flag("registrant_redacted", f.registrant_redacted);
  str("country", f.country);
  if (f.asn) w.field("asn", static_cast<std::int64_t>(*f.asn));
  str("as_owner", f.as_owner);
  if (!f.open_ports.empty()) {
    w.key("open_ports").begin_array();
    for (int p : f.open_ports) w.value(p);
    w.end_array();
  }
  list("vulns", f.vulns);
  list("resolutions", f.resolutions);
  str("certificate_issuer", f.certificate_issuer);
  flag("certificate_self_signed", f.certificate_self_signed);
  list("events", f.events);
  list("lists", f.lists);
  flag("allow_listed", f.allow_listed);
  w.end_object();
}

void write_param(JsonWriter& w, const ActionParam& p) {
  w.key(p.key);
  std::visit(
      [&](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::vector<std::string>>) {
          w.begin_array();
          for (const auto& s : v) w.value(s);
          w.end_array();
        } else {
          w.value(v);
        }
      },
      p.value);
}

}  // namespace

std::string to_json(const Decision& d, bool include_audit) {
  std::string out;
  out.reserve(16384);
  write_json(d, include_audit, out);
  return out;
}

void write_json(const Decision& d, bool include_audit, std::string& out) {
  out.clear();
  JsonWriter w(out);
  w.begin_object();
  w.field("alert_id", d.alert_id);
  w.key("source").begin_object();
  w.field("format", to_string(d.format));
  w.field("rule_name", d.rule_name);
  if (!d.rule_id.empty()) w.field("rule_id", d.rule_id);
  if (d.timestamp) w.field("timestamp", format_time(*d.timestamp));
  w.end_object();
  w.field("category", d.category);
  w.field("classification", to_string(d.classification));
  w.field("severity", to_string(d.severity));
  w.field("priority", to_string(d.priority));
  w.field("risk_score", d.risk_score);
  w.field("confidence", d.confidence);
  w.key("score_factors").begin_array();
  for (const auto& f : d.factors) {
    w.begin_object()
        .field("name", f.name)
        .field("points", f.points)
        .field("weight", f.weight)
        .field("detail", f.detail);
    w.end_object();
  }
  w.end_array();
  w.key("observables").begin_array();
  for (const auto& o : d.observables) {
    w.begin_object().field("type", to_string(o.type)).field("value", o.value);
    if (o.role != Role::kNone) w.field("role", to_string(o.role));
    if (!o.field.empty()) w.field("field", o.field);
    w.end_object();
  }
  w.end_array();
  w.key("enrichments").begin_array();
  for (const auto& e : d.enrichments) {
    w.begin_object().field("observable", e->observable).field("provider", e->provider);
    w.field("status", to_string(e->status)).field("verdict", to_string(e->verdict));
    write_facts(w, e->facts);
    if (e->fetched_at) w.field("fetched_at", format_time(*e->fetched_at));
    if (!e->error.empty()) w.field("error", e->error);
    w.end_object();
  }
  w.end_array();
  w.key("relations").begin_array();
  for (const auto& r : d.relations)
    w.begin_object().field("from", r.from).field("to", r.to).field("type", r.type).end_object();
  w.end_array();
  w.key("attack").begin_array();
  for (const auto& a : d.attack) {
    w.begin_object()
        .field("technique_id", a.technique_id)
        .field("name", a.name)
        .string_array("tactics", a.tactics);
    w.field("source", to_string(a.source));
    if (!a.evidence.empty()) w.field("evidence", a.evidence);
    if (a.predicted) w.field("predicted", true);
    w.end_object();
  }
  w.end_array();
  w.key("escalation").begin_object().field("level", to_string(d.escalation.level));
  w.string_array("notify", d.escalation.notify);
  if (!d.escalation.reason.empty()) w.field("reason", d.escalation.reason);
  w.end_object();
  w.key("actions").begin_array();
  for (const auto& a : d.actions) {
    w.begin_object().field("type", to_string(a.type));
    if (!a.target.empty()) w.field("target", a.target);
    if (!a.params.empty()) {
      w.key("params").begin_object();
      for (const auto& p : a.params) write_param(w, p);
      w.end_object();
    }
    w.field("reversible", a.reversible).field("status", to_string(a.status));
    w.end_object();
  }
  w.end_array();
  w.key("incident");
  if (d.incident) {
    w.begin_object().field("id", d.incident->id).string_array("alert_ids", d.incident->alert_ids);
    w.field("alert_count", static_cast<std::int64_t>(d.incident->alert_count));
    w.string_array("tactics", d.incident->tactics).end_object();
  } else {
    w.null();
  }
  w.key("reasoning").begin_object().field("summary", d.summary);
  w.key("steps").begin_array();
  for (const auto& s : d.steps)
    w.begin_object()
        .field("thought", s.thought)
        .field("action", s.action)
        .field("observation", s.observation)
        .end_object();
  w.end_array();
  if (!d.briefing.empty()) w.field("briefing", d.briefing);
  w.field("engine", d.engine);
  w.end_object();
  w.string_array("recommendations", d.recommendations);
  w.field("mode", to_string(d.mode));
  if (include_audit && d.audit)
    w.key("audit")
        .begin_object()
        .field("record", d.audit->record)
        .field("hash", d.audit->hash)
        .end_object();
  w.end_object();
}

std::string to_text(const Decision& d) {
  std::string out =
      fmt::format("{}  {} / {} / {}  score {}  [{}]\n", d.alert_id, to_string(d.classification),
                  to_string(d.severity), to_string(d.priority), d.risk_score, d.category);
  out += fmt::format("  rule: {}\n", sanitize_utf8(d.rule_name));
  out += fmt::format("  why:  {}\n", sanitize_utf8(d.summary));
  std::vector<std::string> ids;
  for (const auto& a : d.attack)
    ids.push_back(a.predicted ? a.technique_id + "(next?)" : a.technique_id);
  if (!ids.empty()) out += fmt::format("  att&ck: {}\n", join(ids, " "));
  if (d.escalation.level != EscalationLevel::kNone)
    out += fmt::format("  escalate: {} {}\n", to_string(d.escalation.level),
                       join(d.escalation.notify, "+"));
  if (d.incident)
    out += fmt::format("  incident: {} ({} alerts)\n", d.incident->id, d.incident->alert_count);
  for (const auto& a : d.actions)
    out += fmt::format("  - {} {} [{}]\n", to_string(a.type), sanitize_utf8(a.target),
                       to_string(a.status));
  for (const auto& r : d.recommendations) out += fmt::format("  > {}\n", sanitize_utf8(r));
  return out;
}

}  // namespace soc
