// Risk scoring: each factor is computed from evidence, weighted by alert category, and explained.
#include "score/score.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "core/strings.hpp"

namespace soc {
namespace {

// How strongly one provider's answer incriminates an observable, 0..1 (negative: vouches for it).
double provider_strength(const Enrichment& e) {
  if (e.status != LookupStatus::kOk) return 0;
  const auto& f = e.facts;
  if (f.allow_listed && *f.allow_listed) return -1;
  if (e.provider == "virustotal") {
    const int m = f.engines_malicious.value_or(0);
    if (m > 0) return std::min(1.0, 0.3 + m / 20.0);
    if (f.engines_suspicious.value_or(0) > 0) return 0.2;
    return 0;
  }
  if (e.provider == "abuseipdb") {
    if (f.total_reports.value_or(0) == 0) return 0;
    return f.abuse_confidence.value_or(0) / 100.0;
  }
  if (e.provider == "greynoise") {
    if ((f.riot && *f.riot) || e.verdict == Verdict::kBenign) return -1;
    return e.verdict == Verdict::kMalicious ? 0.8 : 0;
  }
  if (e.provider == "shodan") return f.vulns.empty() ? 0 : 0.2;
  switch (e.verdict) {
    case Verdict::kMalicious:
      return 0.9;
    case Verdict::kSuspicious:
      return 0.5;
    case Verdict::kBenign:
      return e.provider == "lists" ? -1 : 0;
    default:
      return 0;
  }
}

std::string hours_text(TimestampMs delta) {
  if (delta < 3 * kDay) return fmt::format("{} h", delta / kHour);
  return fmt::format("{} days", delta / kDay);
}

int criticality_points(std::string_view c) {
  if (c == "critical") return 20;
  if (c == "high") return 12;
  if (c == "medium") return 6;
  if (c == "low") return 2;
  return 0;
}

void reputation_factor(const Alert& alert, const Evidence& ev, const Config& cfg, RiskScore& out) {
  const std::string category(to_string(ev.category));
  std::map<std::string, std::vector<const Enrichment*>> by_observable;
  for (const auto& e : ev.enrichments) by_observable[e->observable].push_back(e.get());
  double best = 0, best_weight = 1;
  std::string best_detail;
  auto& rep = out.reputation;
  for (const auto& [value, enrichments] : by_observable) {
    double strongest = 0, weight_of_strongest = 1;
    int agreeing = 0;
    bool benign = false, noise = false, unknown_to_greynoise = false, allowed = false;
    std::vector<std::string> malicious, clean;
    std::string strongest_provider;
    for (const Enrichment* e : enrichments) {
      const double s = provider_strength(*e);
      if (e->provider == "greynoise") {
        if (s < 0) benign = true;
        if (e->facts.internet_noise && *e->facts.internet_noise && s >= 0) noise = true;
        if (e->status == LookupStatus::kNotFound ||
            (e->facts.internet_noise && !*e->facts.internet_noise))
          unknown_to_greynoise = true;
      }
      if (s < 0) {
        if (e->provider == "lists") allowed = true;
        clean.push_back(e->provider);
        continue;
      }
      if (e->verdict == Verdict::kMalicious) malicious.push_back(e->provider);
      if (e->verdict == Verdict::kBenign) clean.push_back(e->provider);
      const double w = cfg.provider_weight(category, e->provider);
      if (s >= 0.5) ++agreeing;
      if (s * w > strongest) {
        strongest = s * w;
        weight_of_strongest = w;
        strongest_provider = e->provider;
      }
    }
    double strength = std::min(1.0, strongest + 0.05 * std::max(0, agreeing - 1));
    std::vector<std::string> notes;
    if (!strongest_provider.empty())
      notes.push_back(fmt::format("strongest source {}", strongest_provider));
    if (agreeing > 1) notes.push_back(fmt::format("{} sources agree", agreeing));
    if (benign) {
      strength *= 0.3;
      notes.push_back("GreyNoise knows it as a benign service, threat lowered");
    } else if (noise) {
      strength *= 0.85;
      notes.push_back("GreyNoise sees it mass-scanning the internet: opportunistic, not targeted");
    } else if (unknown_to_greynoise && strength >= 0.5) {
      strength = std::min(1.0, strength * 1.15);
      notes.push_back("not known to GreyNoise as a mass scanner yet flagged: likely targeted");
    }
    if (allowed) {
      strength = 0;
      notes.push_back("on an allow-list");
    }
    if (!malicious.empty() && !clean.empty())
      rep.disagreements.push_back(fmt::format("{}: {} say malicious, {} say benign", value,
                                              join(malicious, ", "), join(clean, ", ")));
    if (allowed) rep.allow_listed = true;
    if (strength > best || (best == 0 && rep.observable.empty() && !malicious.empty())) {
      best = strength;
      best_weight = weight_of_strongest;
      rep.observable = value;
      rep.malicious_providers = malicious;
      rep.benign_noise = benign;
      rep.opportunistic = noise;
      best_detail = join(notes, "; ");
    }
  }
  rep.strength = best;
  ScoreFactor f{"ioc_reputation", std::round(40 * best), best_weight, ""};
  if (by_observable.empty()) {
    f.detail = "No external observable to look up.";
  } else if (rep.observable.empty() || best == 0) {
    f.detail = rep.allow_listed ? "Observables are allow-listed."
                                : "No provider incriminates any observable.";
  } else {
    f.detail = fmt::format("{} rated {:.2f} for a {} alert ({}).", rep.observable, best,
                           to_string(ev.category), best_detail);
  }
  if (rep.allow_listed) {
    f.points -= 10;
    f.detail += " Allow-listed indicators lower the threat.";
  }
  (void)alert;
  out.factors.push_back(std::move(f));
}

// The detection's own severity is a prior: it counts most when threat intelligence has nothing
// on the indicators, and little once it has spoken (the vendor's rating often already reflects it).
void detection_severity_factor(const Alert& alert, RiskScore& out) {
  if (!alert.source_severity) {
    out.factors.push_back({"detection_severity", 0, 1, "The source gave no severity."});
    return;
  }
  const int base = *alert.source_severity == Severity::kCritical ? 12
                   : *alert.source_severity == Severity::kHigh   ? 8
                   : *alert.source_severity == Severity::kMedium ? 4
                                                                 : 0;
  const double weight = 1.0 - std::clamp(out.reputation.strength, 0.0, 1.0);
  out.factors.push_back(
      {"detection_severity", std::round(base * weight), weight,
       fmt::format("The source rates it {}{}.", to_string(*alert.source_severity),
                   weight < 1 ? ", discounted by what threat intelligence already says" : "")});
}

void asset_factor(const Evidence& ev, RiskScore& out) {
  const AssetHit* top = ev.most_critical_asset();
  if (!top) {
    out.factors.push_back({"asset_criticality", 0, 1, "No inventoried asset involved."});
    return;
  }
  double points = criticality_points(top->asset->criticality);
  int others = 0;
  for (const auto& a : ev.assets)
    if (&a != top && criticality_points(a.asset->criticality) >= 12) ++others;
  points += std::min(6, 2 * others);
  out.factors.push_back(
      {"asset_criticality", points, 1,
       fmt::format("{} is a {}-criticality {}{}.", top->asset->host, top->asset->criticality,
                   top->asset->role.empty() ? "asset" : top->asset->role,
                   others ? fmt::format(", plus {} other high-value asset(s)", others) : "")});
}

void identity_factor(const Evidence& ev, RiskScore& out) {
  double points = 0;
  std::string detail = "No sensitive account involved.";
  for (const auto& hit : ev.identities) {
    const Identity& id = *hit.identity;
    double p = 0;
    std::string why;
    if (id.vip) {
      p = 10;
      why = "is a VIP";
    } else if (id.privileged) {
      p = 8;
      why = id.service_account ? "is a privileged service account" : "is privileged";
    } else if (id.service_account) {
      p = 4;
      why = "is a service account";
    }
    if (p > points) {
      points = p;
      detail =
          fmt::format("{} ({}) {}.", id.user, id.title.empty() ? id.department : id.title, why);
    }
  }
  out.factors.push_back({"identity", points, 1, detail});
}

void attack_factor(const Evidence& ev, RiskScore& out) {
  if (ev.techniques.empty()) {
    out.factors.push_back({"attack_technique", 0, 1, "No ATT&CK technique mapped."});
    return;
  }
  const MappedTechnique* top = &ev.techniques.front();
  for (const auto& t : ev.techniques)
    if (t.technique->group_count > top->technique->group_count) top = &t;
  const double points = 4 + std::min(6, top->technique->group_count / 10);
  out.factors.push_back({"attack_technique", points, 1,
                         fmt::format("{} ({}) is used by {} known groups.", top->technique->id,
                                     top->technique->name, top->technique->group_count)});
}

bool time_sensitive(AlertCategory c) {
  return c == AlertCategory::kLateralMovement || c == AlertCategory::kSuspiciousLogin ||
         c == AlertCategory::kCredentialAccess || c == AlertCategory::kExfiltration;
}

void time_factor(const Alert& alert, const Evidence& ev, const Config& cfg, RiskScore& out) {
  const auto& b = ev.baseline;
  double points = 0;
  std::vector<std::string> why;
  if (b.available) {
    if (b.off_hours) {
      points += 10;
      why.push_back(fmt::format("outside {}'s usual hours ({})", b.subject, b.usual_hours));
    }
    if (b.unusual_source_host) {
      points += 4;
      why.push_back("from a host the account does not usually use");
    }
    if (!b.unusual_country.empty()) {
      points += 5;
      why.push_back(
          fmt::format("from {}, a country the account never logged on from", b.unusual_country));
    }
    if (!b.off_hours && !b.unusual_source_host && b.unusual_country.empty() &&
        b.new_destinations.empty() && time_sensitive(ev.category)) {
      points -= 5;
      why.push_back(fmt::format("matches {}'s usual pattern (hours {})", b.subject, b.usual_hours));
    }
  } else if (alert.timestamp && time_sensitive(ev.category)) {
    const int local =
        hour_of_day_utc(*alert.timestamp + cfg.organization.utc_offset_minutes * kMinute);
    if (local < cfg.organization.business_hours_start ||
        local >= cfg.organization.business_hours_end) {
      points += 4;
      why.push_back(
          fmt::format("at {:02}:xx, outside business hours (no baseline to compare)", local));
    }
  }
  out.factors.push_back({"time_context", points, 1,
                         why.empty() ? "Nothing unusual about the time." : join(why, "; ") + "."});
}

void correlated_factor(const Alert& alert, const Evidence& ev, const Config& cfg, RiskScore& out) {
  double points = 0;
  std::vector<std::string> why;
  const TimestampMs t = alert.timestamp.value_or(0);
  bool new_domain = false;
  for (const auto& e : ev.enrichments) {
    const auto& f = e->facts;
    if (e->status != LookupStatus::kOk) continue;
    if (f.registered_at && alert.timestamp) {
      const TimestampMs age = t - *f.registered_at;
      if (age >= 0 && age < 7 * kDay) {
        points += 10;
        new_domain = true;
        why.push_back(
            fmt::format("{} registered {} before the alert", e->observable, hours_text(age)));
        if (f.registrant_redacted && *f.registrant_redacted) {
          points += 2;
          why.push_back("with an anonymized registrant");
        }
      } else if (age >= 0 && age < 30 * kDay) {
        points += 5;
        why.push_back(
            fmt::format("{} registered {} before the alert", e->observable, hours_text(age)));
      }
    }
    if (f.first_submission && alert.timestamp) {
      const TimestampMs age = t - *f.first_submission;
      if (age >= 0 && age < 7 * kDay) {
        points += 5;
        why.push_back(
            fmt::format("sample first seen by VirusTotal {} before the alert", hours_text(age)));
      }
    }
    for (const auto& list : f.lists)
      if (icontains(list, "bulletproof")) {
        points += 5;
        why.push_back(fmt::format("{} is on the list {}", e->observable, list));
      }
  }
  if (new_domain)
    for (const auto& e : ev.enrichments)
      if ((e->facts.certificate_self_signed && *e->facts.certificate_self_signed) ||
          icontains(e->facts.certificate_issuer, "let's encrypt")) {
        points += 3;
        why.push_back("a free or self-signed certificate on a new domain");
        break;
      }
  const auto& b = ev.baseline;
  if (b.available && !b.new_destinations.empty()) {
    points += std::min<double>(12, 8 + 2 * (static_cast<double>(b.new_destinations.size()) - 1));
    why.push_back(fmt::format("first contact in {} days with {}", cfg.correlation.history_days,
                              join(b.new_destinations, ", ")));
  }
  const auto& c = ev.correlation;
  if (c.kill_chain) {
    points += 15;
    why.push_back("tactics progress across alerts on the same entities: " +
                  join(c.chain_tactics, " -> "));
    const AssetHit* top = ev.most_critical_asset();
    if (top && top->asset->criticality == "critical") {
      points += 5;
      why.push_back(fmt::format("the chain reaches {}", top->asset->host));
    }
  } else if (!c.related.empty()) {
    points += std::min<double>(6, 3 * static_cast<double>(c.related.size()));
    why.push_back(fmt::format("{} earlier alert(s) on the same entities", c.related.size()));
  }
  if (c.burst_count >= cfg.correlation.burst_alerts) {
    points += 8;
    why.push_back(fmt::format("{} alerts on {} within {} minutes", c.burst_count, c.burst_entity,
                              cfg.correlation.burst_window_minutes));
  }
  points = std::min(40.0, points);
  out.factors.push_back({"correlated_signals", points, 1,
                         why.empty() ? "No correlated weak signal." : join(why, "; ") + "."});
}

void history_factor(const Evidence& ev, const Config& cfg, RiskScore& out) {
  const auto& c = ev.correlation;
  const double points =
      std::min(9, 3 * c.similar_true_positive) - std::min(12, 4 * c.similar_false_positive);
  std::string detail =
      "No similar alert in the last " + std::to_string(cfg.correlation.history_days) + " days.";
  if (c.similar_true_positive || c.similar_false_positive)
    detail = fmt::format(
        "Same rule on these entities in {} days: {} confirmed, {} closed as false positive.",
        cfg.correlation.history_days, c.similar_true_positive, c.similar_false_positive);
  out.factors.push_back({"similar_alert_history", points, 1, detail});
}

void outcome_factor(const Evidence& ev, RiskScore& out) {
  const auto& o = ev.outcome;
  double points = 0;
  std::vector<std::string> why;
  if (o.auth_from_source) {
    const auto& a = *o.auth_from_source;
    if (a.successes > 0) {
      points += 40;
      out.attack_succeeded = true;
      why.push_back(fmt::format(
          "{} successful login(s) from the source after {} failures: probable compromise",
          a.successes, a.failures));
    } else if (a.failures > 0) {
      points -= 15;
      out.attack_failed = true;
      why.push_back(fmt::format("0 successful logins from the source ({} failures)", a.failures));
    }
  }
  if (o.mail) {
    const auto& m = *o.mail;
    if (m.attachment_executed || o.payload_executed) {
      points += 15;
      out.attack_succeeded = true;
      why.push_back("the attachment was executed");
    } else if (m.blocked && !m.opened) {
      points -= 15;
      out.attack_failed = true;
      why.push_back("the message was blocked before reaching the user");
    } else if (m.attachment_downloaded || m.opened || m.clicked) {
      points += 10;
      why.push_back(fmt::format("message {}{}, not executed", m.opened ? "opened" : "delivered",
                                m.attachment_downloaded ? " and attachment downloaded" : ""));
    } else if (m.delivered) {
      points += 3;
      why.push_back("delivered, no interaction seen");
    }
  } else if (o.payload_executed) {
    points += 15;
    out.attack_succeeded = true;
    why.push_back("the file was executed");
  }
  if (o.lateral_connections > 0) {
    points += 10;
    out.attack_succeeded = true;
    why.push_back(fmt::format("{} successful connection(s) from the source to the targets",
                              o.lateral_connections));
  }
  double hardening = 0;
  for (const auto& [key, value] : o.hardening) {
    hardening -= 5;
    why.push_back(fmt::format("{}={} on the target", key, value));
  }
  points += std::max(-10.0, hardening);
  for (const auto& [key, value] : o.weaknesses) {
    points += 5;
    why.push_back(fmt::format("{}={} on the target weakens it", key, value));
  }
  if (!o.queried && why.empty()) why.push_back("no event history to establish the outcome");
  out.factors.push_back({"outcome", points, 1,
                         why.empty() ? "No outcome evidence either way." : join(why, "; ") + "."});
}

}  // namespace

RiskScore score_alert(const Alert& alert, const Evidence& ev, const Config& cfg) {
  RiskScore out;
  reputation_factor(alert, ev, cfg, out);
  detection_severity_factor(alert, out);
  asset_factor(ev, out);
  identity_factor(ev, out);
  attack_factor(ev, out);
  time_factor(alert, ev, cfg, out);
  correlated_factor(alert, ev, cfg, out);
  history_factor(ev, cfg, out);
  outcome_factor(ev, out);
  double sum = 0;
  for (const auto& f : out.factors) sum += f.points;
  out.total = static_cast<int>(std::clamp(std::lround(sum), 0L, 100L));

  // Confidence: how much of the picture the evidence covers, and whether sources agree.
  double confidence = 0.5;
  if (!out.reputation.malicious_providers.empty() && out.reputation.disagreements.empty())
    confidence += 0.15;
  if (ev.outcome.queried) confidence += 0.15;
  if (!ev.assets.empty() || !ev.identities.empty()) confidence += 0.1;
  if (ev.baseline.available) confidence += 0.05;
  confidence -= 0.05 * static_cast<double>(std::min<size_t>(4, ev.unknowns.size()));
  confidence -= 0.1 * static_cast<double>(std::min<size_t>(2, out.reputation.disagreements.size()));
  out.confidence = std::clamp(std::round(confidence * 100) / 100, 0.2, 0.99);
  return out;
}

}  // namespace soc
