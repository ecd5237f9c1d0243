// The decision matrix: score bands, evidence overrides, business rules, playbooks, reasoning.
#include "decide/decide.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <set>

#include "core/sha256.hpp"
#include "core/strings.hpp"

namespace soc {

Incident& IncidentTracker::incident_named(const std::string& id) {
  const auto [it, added] =
      incident_by_id_.try_emplace(id, static_cast<std::uint32_t>(incidents_.size()));
  if (added) incidents_.push_back(Incident{id, {}, 0, {}});
  return incidents_[it->second];
}

Incident IncidentTracker::assign(const std::string& alert_id,
                                 const std::vector<std::string_view>& related_alert_ids,
                                 const std::vector<std::string>& tactics) {
  std::optional<std::uint32_t> found;
  for (const auto& r : related_alert_ids)
    if (auto it = incident_of_alert_.find(r); it != incident_of_alert_.end()) {
      found = it->second;
      break;
    }
  if (!found) {
    // Named after its first alert so the same inputs always give the same incident id.
    const std::string id =
        "INC-" +
        sha256_hex(related_alert_ids.empty() ? alert_id : related_alert_ids.front()).substr(0, 12);
    incident_named(id);
    found = incident_by_id_.find(id)->second;
  }
  const std::uint32_t position = *found;
  Incident& inc = incidents_[position];
  // An alert belongs to the first incident it joined. The related alerts mostly joined already:
  // looking them up by view copies no id.
  auto join = [&](std::string_view member) {
    if (incident_of_alert_.contains(member)) return;
    incident_of_alert_.emplace(std::string(member), position);
    inc.alert_ids.emplace_back(member);
  };
  for (const auto& r : related_alert_ids) join(r);
  join(alert_id);
  for (const auto& t : tactics)
    if (std::find(inc.tactics.begin(), inc.tactics.end(), t) == inc.tactics.end())
      inc.tactics.push_back(t);
  std::stable_sort(inc.tactics.begin(), inc.tactics.end(),
                   [](const std::string& a, const std::string& b) {
                     return AttackCatalog::tactic_order(a) < AttackCatalog::tactic_order(b);
                   });
  inc.alert_count = inc.alert_ids.size();
  // A decision carries the most recent members; the count keeps the scale.
  Incident view{inc.id, {}, inc.alert_count, inc.tactics};
  const auto listed = recent_members(inc.id, kListedInDecision);
  view.alert_ids.assign(listed.begin(), listed.end());
  return view;
}

std::span<const std::string> IncidentTracker::recent_members(const std::string& incident_id,
                                                             std::size_t count) const {
  const auto it = incident_by_id_.find(incident_id);
  if (it == incident_by_id_.end()) return {};
  const std::vector<std::string>& all = incidents_[it->second].alert_ids;
  const std::size_t n = std::min(count, all.size());
  return std::span<const std::string>(all).subspan(all.size() - n);
}

void IncidentTracker::restore(const Incident& incident) {
  Incident& slot = incident_named(incident.id);
  slot = incident;
  const std::uint32_t position = incident_by_id_.find(incident.id)->second;
  for (const auto& a : incident.alert_ids) incident_of_alert_.try_emplace(a, position);
}

namespace {

Action make_action(ActionType type, std::string target, bool reversible = true) {
  Action a;
  a.type = type;
  a.target = std::move(target);
  a.reversible = reversible;
  return a;
}

void add_action(std::vector<Action>& actions, Action a) {
  for (const auto& existing : actions)
    if (existing.type == a.type && existing.target == a.target) return;
  actions.push_back(std::move(a));
}

std::string display_host(const Context* ctx, const std::string& host, const Evidence& ev) {
  for (const auto& hit : ev.assets)
    if (iequals(hit.asset->host, host) || iequals(hit.observable, host) ||
        iequals(hit.asset->ip, host))
      return hit.asset->host.empty() ? host : hit.asset->host;
  (void)ctx;
  return host;
}

bool is_p1_asset(const Asset& a, const Config& cfg) {
  for (const auto& role : cfg.rules.critical_asset_roles)
    if (iequals(a.role, role)) return true;
  if (a.role == "database")
    for (const auto& tag : cfg.rules.critical_database_tags)
      if (a.has_tag(tag)) return true;
  return cfg.rules.critical_criticality_is_p1 && a.criticality == "critical";
}

bool is_vip(const Identity& id, const Config& cfg) {
  if (id.vip) return true;
  for (const auto& g : id.groups)
    for (const auto& vg : cfg.rules.vip_groups)
      if (iequals(g, vg)) return true;
  return id.service_account && id.privileged;  // critical service accounts
}

Priority priority_of(Severity s) {
  switch (s) {
    case Severity::kCritical:
      return Priority::kP1;
    case Severity::kHigh:
      return Priority::kP2;
    case Severity::kMedium:
      return Priority::kP3;
    case Severity::kLow:
      return Priority::kP4;
  }
  return Priority::kP3;
}

std::vector<std::string> observable_values(const Evidence& ev, Role role,
                                           std::initializer_list<ObservableType> types) {
  std::vector<std::string> out;
  for (const auto& o : ev.observables)
    if ((role == Role::kNone || o.role == role) &&
        std::find(types.begin(), types.end(), o.type) != types.end() &&
        std::find(out.begin(), out.end(), o.value) == out.end())
      out.push_back(o.value);
  return out;
}

struct Playbook {
  std::vector<Action> actions;
  std::vector<std::string> recommendations;
};

std::string actor_account(const Evidence& ev) {
  for (const auto& hit : ev.identities)
    if (hit.role == Role::kActor) return hit.identity->user;
  for (const auto& o : ev.observables)
    if (o.type == ObservableType::kUser && o.role == Role::kActor) return o.value;
  return {};
}

void phishing_playbook(const Evidence& ev, const RiskScore& score, Playbook& pb) {
  for (const auto& d : observable_values(ev, Role::kSender, {ObservableType::kDomain}))
    add_action(pb.actions, make_action(ActionType::kBlockDomain, d));
  for (const auto& u : observable_values(ev, Role::kNone, {ObservableType::kUrl}))
    add_action(pb.actions, make_action(ActionType::kBlockUrl, u));
  const auto senders = observable_values(ev, Role::kSender, {ObservableType::kEmail});
  const auto hashes =
      observable_values(ev, Role::kAttachment,
                        {ObservableType::kSha256, ObservableType::kSha1, ObservableType::kMd5});
  Action purge = make_action(ActionType::kPurgeEmail,
                             senders.empty() ? "all mailboxes" : senders.front(), false);
  purge.params.push_back({"scope", std::string("all mailboxes")});
  if (!hashes.empty()) purge.params.push_back({"attachment_hashes", hashes});
  add_action(pb.actions, std::move(purge));
  const bool has_url = !observable_values(ev, Role::kNone, {ObservableType::kUrl}).empty();
  const auto recipients = observable_values(ev, Role::kRecipient, {ObservableType::kEmail});
  if (has_url) {
    for (const auto& r : recipients)
      add_action(pb.actions, make_action(ActionType::kCheckUserClicks, r));
    const bool clicked = ev.outcome.mail && ev.outcome.mail->clicked;
    if (clicked || !ev.outcome.queried)
      for (const auto& r : recipients)
        add_action(pb.actions, make_action(ActionType::kResetPassword, r, false));
  }
  // The payload reached an endpoint: isolate it before it runs (or while it runs).
  const bool reached_endpoint =
      ev.outcome.mail && (ev.outcome.mail->attachment_downloaded ||
                          ev.outcome.mail->attachment_executed || ev.outcome.mail->opened);
  if (reached_endpoint && !hashes.empty()) {
    std::set<std::string> hosts = ev.outcome.mail->hosts_with_file;
    if (hosts.empty())
      for (const auto& hit : ev.identities)
        if (hit.role == Role::kRecipient && !hit.identity->workstation.empty())
          hosts.insert(hit.identity->workstation);
    for (const auto& h : hosts) {
      Action iso = make_action(ActionType::kIsolateHost, display_host(nullptr, h, ev));
      iso.params.push_back(
          {"reason",
           std::string(score.attack_succeeded ? "payload executed"
                                              : "preventive: payload on disk, not executed")});
      add_action(pb.actions, std::move(iso));
    }
  }
  if (ev.outcome.mail && ev.outcome.mail->recipients.size() > 1)
    pb.recommendations.push_back(fmt::format(
        "{} mailboxes received mail from this sender: confirm the purge reached all of them.",
        ev.outcome.mail->recipients.size()));
}

void brute_force_playbook(const Evidence& ev, const RiskScore& score, const Config& cfg,
                          Playbook& pb) {
  for (const auto& ip :
       observable_values(ev, Role::kSource, {ObservableType::kIpv4, ObservableType::kIpv6})) {
    Action block = make_action(ActionType::kBlockIp, ip);
    block.params.push_back({"duration_days", static_cast<std::int64_t>(cfg.actions.block_ip_days)});
    block.params.push_back({"where", std::string("perimeter firewall")});
    add_action(pb.actions, std::move(block));
  }
  if (score.attack_succeeded) {
    for (const auto& hit : ev.assets)
      if (hit.role == Role::kTarget || hit.role == Role::kDestination)
        add_action(pb.actions, make_action(ActionType::kIsolateHost, hit.asset->host));
    for (const auto& u : observable_values(ev, Role::kNone, {ObservableType::kUser})) {
      add_action(pb.actions, make_action(ActionType::kDisableAccount, u));
      add_action(pb.actions, make_action(ActionType::kResetPassword, u, false));
    }
    add_action(pb.actions,
               make_action(ActionType::kAuditConnections, "accounts logged on from the source"));
  }
  const bool ssh =
      std::any_of(ev.techniques.begin(), ev.techniques.end(), [](const MappedTechnique& t) {
        return icontains(t.evidence, "ssh") || t.technique->id == "T1110.001";
      });
  for (const auto& [key, value] : ev.outcome.weaknesses)
    pb.recommendations.push_back(
        fmt::format("Harden the target: {}={} helps this attack.", key, value));
  if (ssh && !score.attack_succeeded)
    pb.recommendations.push_back(
        "Check that fail2ban (or an equivalent rate limiter) is active on every internet-exposed "
        "SSH server.");
}

void lateral_playbook(const Evidence& ev, const Playbook& in, Playbook& pb) {
  (void)in;
  std::string source;
  for (const auto& o : ev.observables)
    if (o.role == Role::kSource && (o.type == ObservableType::kHost || is_ip(o.type))) {
      source = display_host(nullptr, o.value, ev);
      break;
    }
  std::vector<std::string> targets;
  for (const auto& hit : ev.assets)
    if (hit.role == Role::kTarget || hit.role == Role::kDestination)
      targets.push_back(hit.asset->host);
  for (const auto& o : ev.observables)
    if ((o.role == Role::kTarget || o.role == Role::kDestination) &&
        o.type == ObservableType::kHost &&
        std::none_of(targets.begin(), targets.end(),
                     [&](const std::string& t) { return iequals(t, o.value); }))
      targets.push_back(o.value);
  if (!source.empty()) add_action(pb.actions, make_action(ActionType::kIsolateHost, source));
  if (const auto account = actor_account(ev); !account.empty()) {
    Action disable = make_action(ActionType::kDisableAccount, account);
    disable.params.push_back({"directory", std::string("Active Directory")});
    disable.params.push_back({"temporary", true});
    add_action(pb.actions, std::move(disable));
  }
  if (!source.empty() && !targets.empty()) {
    Action block = make_action(ActionType::kBlockSessions, source);
    block.params.push_back({"protocol", std::string("SMB")});
    block.params.push_back({"targets", targets});
    add_action(pb.actions, std::move(block));
  }
  add_action(pb.actions,
             make_action(ActionType::kAuditConnections, source.empty() ? "targets" : source));
  if (const auto account = actor_account(ev); !account.empty())
    pb.recommendations.push_back(
        fmt::format("Review where {} is used and rotate its credentials once contained.", account));
}

void malware_playbook(const Evidence& ev, const RiskScore& score, Playbook& pb) {
  for (const auto& hit : ev.assets)
    if (score.attack_succeeded || hit.role == Role::kTarget)
      add_action(pb.actions, make_action(ActionType::kIsolateHost, hit.asset->host));
  for (const auto& ip :
       observable_values(ev, Role::kDestination, {ObservableType::kIpv4, ObservableType::kIpv6})) {
    Action block = make_action(ActionType::kBlockIp, ip);
    add_action(pb.actions, std::move(block));
  }
  for (const auto& d : observable_values(ev, Role::kNone, {ObservableType::kDomain}))
    add_action(pb.actions, make_action(ActionType::kBlockDomain, d));
}

// The probable next step of an attack, from where it stands now.
void predict_next(const Evidence& ev, const AttackCatalog& catalog,
                  std::vector<AttackEntry>& attack, std::vector<std::string>& recommendations) {
  auto add_predicted = [&](std::string_view id, const std::string& why) {
    const Technique* t = catalog.find(id);
    if (!t) return;
    if (std::any_of(attack.begin(), attack.end(),
                    [&](const AttackEntry& a) { return a.technique_id == t->id; }))
      return;
    attack.push_back({t->id, t->name, t->tactics, MappingSource::kCorrelation, why, true});
  };
  if (ev.category == AlertCategory::kLateralMovement)
    for (const auto& hit : ev.assets)
      if (hit.asset->role == "domain_controller" &&
          (hit.role == Role::kTarget || hit.role == Role::kDestination)) {
        add_predicted("T1003",
                      fmt::format("probable next step: credential dumping on {}", hit.asset->host));
        recommendations.push_back(
            fmt::format("Hunt for credential dumping (T1003: LSASS access, DCSync replication "
                        "requests) on {} and the source.",
                        hit.asset->host));
        break;
      }
}

// "ioc_reputation +23": the factor and its signed points as "{:+g}" writes them. Integral
// points (every factor today) go through integer formatting, which gives the same text below
// 1e6: fmt's floating-point path cost several times the rest of the sentence.
std::string factor_points_text(const ScoreFactor& f) {
  if (f.points == std::trunc(f.points) && std::fabs(f.points) < 1e6)
    return fmt::format("{} {:+d}", f.name, static_cast<std::int64_t>(f.points));
  return fmt::format("{} {:+g}", f.name, f.points);
}

std::string join_actions(const std::vector<Action>& actions) {
  std::vector<std::string> parts;
  for (const auto& a : actions)
    parts.push_back(a.target.empty() ? std::string(to_string(a.type))
                                     : fmt::format("{} {}", to_string(a.type), a.target));
  return join(parts, ", ");
}

}  // namespace

Decision decide(const Alert& alert, Evidence ev, const RiskScore& score, const Config& cfg,
                const AttackCatalog& catalog, IncidentTracker& incidents) {
  Decision d;
  d.alert_id = alert.id;
  d.format = alert.format;
  d.rule_name = alert.rule_name;
  d.rule_id = alert.rule_id;
  d.timestamp = alert.timestamp;
  d.category = std::string(to_string(ev.category));
  d.risk_score = score.total;
  d.confidence = score.confidence;
  d.factors = score.factors;
  d.mode = cfg.mode;
  const auto& th = cfg.thresholds;
  const auto& rep = score.reputation;
  std::vector<std::string> why;

  // 1. Score bands (SPEC section 4).
  if (score.total > th.critical) {
    d.classification = Classification::kTruePositive;
    d.severity = Severity::kCritical;
    why.push_back(fmt::format("score {} is above {}", score.total, th.critical));
  } else if (score.total >= th.true_positive) {
    d.classification = Classification::kTruePositive;
    d.severity = Severity::kHigh;
    why.push_back(fmt::format("score {} is in the true-positive band {}-{}", score.total,
                              th.true_positive, th.critical));
  } else if (score.total >= th.review) {
    d.classification = Classification::kNeedsReview;
    d.severity = Severity::kMedium;
    why.push_back(fmt::format("score {} is in the review band {}-{}", score.total, th.review,
                              th.true_positive));
  } else {
    d.classification = Classification::kFalsePositive;
    d.severity = Severity::kLow;
    why.push_back(fmt::format("score {} is below {}", score.total, th.review));
  }

  // 2. Evidence over score: a confirmed attack that demonstrably failed is real but harmless;
  //    deterministic malicious evidence is never auto-closed.
  const bool confirmed_malicious = rep.strength >= 0.6 && !rep.malicious_providers.empty();
  if (d.classification != Classification::kTruePositive && confirmed_malicious &&
      score.attack_failed && !score.attack_succeeded) {
    d.classification = Classification::kTruePositive;
    d.severity = Severity::kLow;
    why.push_back(
        fmt::format("the source is confirmed malicious ({}) but the attempt failed: a real, "
                    "unsuccessful attack, low severity",
                    join(rep.malicious_providers, ", ")));
  } else if (d.classification == Classification::kFalsePositive && confirmed_malicious) {
    d.classification = Classification::kNeedsReview;
    d.severity = Severity::kMedium;
    why.push_back(fmt::format("{} call {} malicious: never auto-closed on a low score",
                              join(rep.malicious_providers, ", "), rep.observable));
  } else if (d.classification == Classification::kFalsePositive && score.attack_succeeded) {
    d.classification = Classification::kNeedsReview;
    d.severity = Severity::kMedium;
    why.push_back("the attack shows signs of success: a human must look");
  } else if (d.classification == Classification::kFalsePositive && alert.source_severity &&
             *alert.source_severity >= Severity::kHigh && !rep.allow_listed && !rep.benign_noise &&
             !score.attack_failed) {
    // Missing context is not evidence of innocence: a high-severity detection is never
    // auto-closed unless something actually vouches for it.
    d.classification = Classification::kNeedsReview;
    d.severity = Severity::kMedium;
    why.push_back(fmt::format("the source rates it {} and nothing here refutes it: not auto-closed",
                              to_string(*alert.source_severity)));
  }
  d.priority = priority_of(d.severity);

  // 3. ATT&CK: observed techniques, the chain's earlier techniques, context-derived ones,
  // predictions.
  for (const auto& m : ev.techniques)
    d.attack.push_back(
        {m.technique->id, m.technique->name, m.technique->tactics, m.source, m.evidence, false});
  if (ev.correlation.kill_chain)
    for (const auto& r : ev.correlation.related)
      for (const auto& tid : r.entry->techniques)
        if (const Technique* t = catalog.find(tid))
          if (std::none_of(d.attack.begin(), d.attack.end(),
                           [&](const AttackEntry& a) { return a.technique_id == t->id; }))
            d.attack.push_back({t->id, t->name, t->tactics, MappingSource::kCorrelation,
                                fmt::format("earlier alert {} ({} h before) in the same chain",
                                            r.entry->alert_id, r.whole_hours_before()),
                                false});
  if (ev.category == AlertCategory::kLateralMovement ||
      ev.category == AlertCategory::kSuspiciousLogin)
    for (const auto& hit : ev.identities)
      if (hit.role == Role::kActor && (hit.identity->service_account || hit.identity->privileged))
        if (const Technique* t = catalog.find("T1078.002"))
          if (std::none_of(d.attack.begin(), d.attack.end(),
                           [&](const AttackEntry& a) { return a.technique_id == t->id; }))
            d.attack.push_back(
                {t->id, t->name, t->tactics, MappingSource::kKnowledge,
                 fmt::format("directory account {} used to reach other hosts", hit.identity->user),
                 false});

  // 4. Kill chain: one incident holding the chain's alerts.
  if (ev.correlation.kill_chain) {
    std::vector<std::string_view> related_ids;  // views into the correlation index
    related_ids.reserve(ev.correlation.related.size());
    for (const auto& r : ev.correlation.related) related_ids.push_back(r.entry->alert_id);
    d.incident = incidents.assign(alert.id, related_ids, ev.correlation.chain_tactics);
    if (d.classification == Classification::kTruePositive && d.severity < Severity::kHigh) {
      d.severity = Severity::kHigh;
      d.priority = priority_of(d.severity);
    }
    why.push_back("alerts on the same entities progress through " +
                  join(ev.correlation.chain_tactics, " -> "));
  }

  // 5. Business rules (SPEC section 6).
  std::vector<std::string> escalation_reasons;
  const Asset* p1_asset = nullptr;
  for (const auto& hit : ev.assets)
    if (is_p1_asset(*hit.asset, cfg)) {
      p1_asset = hit.asset;
      break;
    }
  if (p1_asset) {
    d.priority = Priority::kP1;
    escalation_reasons.push_back(fmt::format("{} is a critical asset ({}): P1 whatever the score",
                                             p1_asset->host, p1_asset->role));
  }
  const Identity* vip = nullptr;
  for (const auto& hit : ev.identities)
    if (is_vip(*hit.identity, cfg)) {
      vip = hit.identity;
      break;
    }

  // 6. Playbook for the category and what the evidence says.
  Playbook pb;
  if (d.classification == Classification::kTruePositive) {
    switch (ev.category) {
      case AlertCategory::kPhishing:
        phishing_playbook(ev, score, pb);
        break;
      case AlertCategory::kBruteForce:
      case AlertCategory::kSuspiciousLogin:
        brute_force_playbook(ev, score, cfg, pb);
        break;
      case AlertCategory::kLateralMovement:
      case AlertCategory::kCredentialAccess:
        lateral_playbook(ev, pb, pb);
        break;
      default:
        malware_playbook(ev, score, pb);
        break;
    }
  }
  predict_next(ev, catalog, d.attack, pb.recommendations);

  // Earlier alerts closed as false positives that fit the chain deserve a second look.
  // At most five, oldest first: the entry point of a chain is among its earliest alerts.
  int reopened = 0;
  if (ev.correlation.kill_chain)
    for (const auto& r : ev.correlation.related)
      if (r.entry->classification == "FALSE_POSITIVE" && reopened++ < 5) {
        add_action(pb.actions, make_action(ActionType::kReopenAlert, r.entry->alert_id));
        pb.recommendations.push_back(
            fmt::format("Re-investigate alert {} ('{}', {} h earlier on {}), closed as "
                        "FALSE_POSITIVE{}: it fits this chain "
                        "as the probable initial entry point.",
                        r.entry->alert_id, r.entry->rule_name, r.whole_hours_before(),
                        r.shared_entity.substr(r.shared_entity.find(':') + 1),
                        r.entry->closed_by.empty() ? "" : " by " + r.entry->closed_by));
      }

  // Time correlation: a burst on one host or account triggers preventive isolation, pending L2.
  if (ev.correlation.burst_count >= cfg.correlation.burst_alerts &&
      d.classification != Classification::kFalsePositive) {
    const std::string& entity = ev.correlation.burst_entity;
    const std::string name = entity.substr(entity.find(':') + 1);
    Action contain = entity.starts_with("host:")
                         ? make_action(ActionType::kIsolateHost, display_host(nullptr, name, ev))
                         : make_action(ActionType::kDisableAccount, name);
    contain.requires_approval = true;
    contain.params.push_back(
        {"reason",
         fmt::format("{} alerts within {} minutes: preventive containment pending L2 validation",
                     ev.correlation.burst_count, cfg.correlation.burst_window_minutes)});
    add_action(pb.actions, std::move(contain));
    escalation_reasons.push_back(fmt::format("{} alerts on {} within {} minutes",
                                             ev.correlation.burst_count, name,
                                             cfg.correlation.burst_window_minutes));
  }

  // 7. Escalation.
  Escalation& esc = d.escalation;
  auto notify = [&](const std::string& channel) {
    if (std::find(esc.notify.begin(), esc.notify.end(), channel) == esc.notify.end())
      esc.notify.push_back(channel);
  };
  if (d.classification == Classification::kTruePositive && d.severity >= Severity::kHigh) {
    esc.level = EscalationLevel::kL2;
    escalation_reasons.insert(escalation_reasons.begin(),
                              fmt::format("confirmed {} incident", to_string(d.severity)));
    if (d.severity == Severity::kCritical)
      notify("sms");
    else
      notify("chat");
    if (d.incident && d.severity == Severity::kCritical && p1_asset) {
      esc.level = EscalationLevel::kL3;
      escalation_reasons.push_back(
          "an active kill chain reaches a critical asset: incident response (L3)");
    }
  }
  if (vip && d.classification != Classification::kFalsePositive) {
    if (esc.level == EscalationLevel::kNone) esc.level = EscalationLevel::kL2;
    for (const auto& c : cfg.rules.vip_notify) notify(c);
    escalation_reasons.push_back(
        fmt::format("{} is a VIP or critical account: systematic L2 escalation", vip->user));
  }
  if (p1_asset && d.classification != Classification::kFalsePositive &&
      esc.level == EscalationLevel::kNone)
    esc.level = EscalationLevel::kL2;
  if (esc.level == EscalationLevel::kNone) {
    esc.reason = d.classification == Classification::kNeedsReview
                     ? "queued for analyst review (grey zone)"
                 : d.classification == Classification::kFalsePositive
                     ? "auto-closed as a false positive with the reasoning logged"
                     : "handled without escalation: the attack failed and is blocked";
  } else {
    esc.reason = join(escalation_reasons, "; ");
  }

  // 8. Ticket, notification, war room, closure.
  if (esc.level != EscalationLevel::kNone) {
    Action ticket = make_action(ActionType::kCreateTicket, "ITSM");
    ticket.params.push_back({"priority", std::string(to_string(d.priority))});
    std::vector<std::string> ids;
    for (const auto& a : d.attack)
      if (!a.predicted) ids.push_back(a.technique_id);
    ticket.params.push_back({"attack", ids});
    if (d.incident) ticket.params.push_back({"incident", d.incident->id});
    if (d.incident)
      ticket.params.push_back({"timeline", std::string("full chain timeline attached")});
    add_action(pb.actions, std::move(ticket));
    for (const auto& channel : esc.notify) {
      Action n = make_action(ActionType::kNotify, std::string(to_string(esc.level)) + " on-call");
      n.params.push_back({"channel", channel});
      add_action(pb.actions, std::move(n));
    }
    if (esc.level == EscalationLevel::kL3 || (d.incident && d.priority == Priority::kP1))
      add_action(pb.actions,
                 make_action(ActionType::kOpenWarRoom, d.incident ? d.incident->id : d.alert_id));
  }
  if (d.classification == Classification::kFalsePositive ||
      (d.classification == Classification::kTruePositive && d.severity == Severity::kLow &&
       esc.level == EscalationLevel::kNone)) {
    Action close = make_action(ActionType::kCloseAlert, d.alert_id);
    close.params.push_back(
        {"resolution", std::string(d.classification == Classification::kFalsePositive
                                       ? "false positive"
                                       : "true positive, blocked, no impact")});
    add_action(pb.actions, std::move(close));
  }
  d.actions = std::move(pb.actions);
  d.recommendations = std::move(pb.recommendations);
  if (d.classification == Classification::kNeedsReview && !ev.unknowns.empty())
    d.recommendations.push_back("Fill the gaps before deciding: " + join(ev.unknowns, "; ") + ".");

  // 9. Reasoning: summary, steps, and for L2/L3 a briefing.
  d.summary =
      fmt::format("{} ({} severity, {}), risk score {}: {}.", to_string(d.classification),
                  to_string(d.severity), to_string(d.priority), d.risk_score, join(why, "; "));
  if (!rep.disagreements.empty())
    d.summary += " Sources disagree: " + join(rep.disagreements, "; ") + ".";
  d.steps = std::move(ev.steps);
  std::vector<std::string> factor_text;
  for (const auto& f : d.factors)
    if (f.points != 0) factor_text.push_back(factor_points_text(f));
  d.steps.push_back(
      {"What do the factors add up to, and what follows?",
       fmt::format("score(category={}) and decide(mode={})", d.category, to_string(cfg.mode)),
       fmt::format("{} = {}. {} {} {}. Actions: {}.", join(factor_text, ", "), d.risk_score,
                   to_string(d.classification), to_string(d.severity), to_string(d.priority),
                   d.actions.empty() ? "none" : join_actions(d.actions))});
  if (esc.level != EscalationLevel::kNone) {
    std::vector<std::string> facts;
    for (const auto& f : d.factors)
      if (f.points > 0) facts.push_back(f.detail);
    std::vector<std::string> hypotheses;
    if (ev.correlation.kill_chain)
      hypotheses.push_back(
          "the earlier alerts in the chain are the entry point: confirm how the first host was "
          "compromised");
    if (score.attack_succeeded)
      hypotheses.push_back(
          "the attacker already has a foothold: scope every host and account it touched");
    else
      hypotheses.push_back(
          "the attack has not yet run: confirm nothing executed and contain before it does");
    for (const auto& a : d.attack)
      if (a.predicted)
        hypotheses.push_back(
            fmt::format("watch for {} ({}): {}", a.technique_id, a.name, a.evidence));
    if (!ev.unknowns.empty()) hypotheses.push_back("unknowns to close: " + join(ev.unknowns, "; "));
    d.briefing = fmt::format("Key facts: {} Hypotheses to check first: {}.", join(facts, " "),
                             join(hypotheses, "; "));
  }
  d.observables.reserve(ev.observables.size());
  for (auto& o : ev.observables)
    if (is_decision_type(o.type)) d.observables.push_back(std::move(o));
  d.enrichments = std::move(ev.enrichments);
  d.relations = std::move(ev.relations);
  return d;
}

}  // namespace soc
