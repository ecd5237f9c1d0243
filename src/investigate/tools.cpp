// The built-in investigation tools and the deterministic planner that drives them.
#include "investigate/tools.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "core/strings.hpp"
#include "enrich/parsers.hpp"
#include "extract/ip.hpp"
#include "investigate/entities.hpp"

namespace soc {

std::string_view to_string(AlertCategory category) {
  switch (category) {
    case AlertCategory::kPhishing:
      return "phishing";
    case AlertCategory::kBruteForce:
      return "brute_force";
    case AlertCategory::kLateralMovement:
      return "lateral_movement";
    case AlertCategory::kMalware:
      return "malware";
    case AlertCategory::kCredentialAccess:
      return "credential_access";
    case AlertCategory::kReconnaissance:
      return "reconnaissance";
    case AlertCategory::kExfiltration:
      return "exfiltration";
    case AlertCategory::kSuspiciousLogin:
      return "suspicious_login";
    case AlertCategory::kExecution:
      return "execution";
    case AlertCategory::kCommandAndControl:
      return "command_and_control";
    case AlertCategory::kOther:
      return "other";
  }
  return "other";
}

std::vector<const Observable*> Evidence::with_role(Role role) const {
  std::vector<const Observable*> out;
  for (const auto& o : observables)
    if (o.role == role) out.push_back(&o);
  return out;
}

std::vector<const Observable*> Evidence::of_type(ObservableType type) const {
  std::vector<const Observable*> out;
  for (const auto& o : observables)
    if (o.type == type) out.push_back(&o);
  return out;
}

namespace {
int criticality_rank(std::string_view c) {
  if (c == "critical") return 4;
  if (c == "high") return 3;
  if (c == "medium") return 2;
  if (c == "low") return 1;
  return 0;
}
}  // namespace

const AssetHit* Evidence::most_critical_asset() const {
  const AssetHit* best = nullptr;
  for (const auto& a : assets)
    if (!best ||
        criticality_rank(a.asset->criticality) > criticality_rank(best->asset->criticality))
      best = &a;
  return best;
}

bool Evidence::has_tactic(std::string_view tactic) const {
  for (const auto& t : techniques)
    for (const auto& name : t.technique->tactics)
      if (name == tactic) return true;
  return false;
}

EnrichmentCache::EnrichmentCache(std::vector<std::unique_ptr<IntelProvider>> providers,
                                 Prefetch prefetch)
    : providers_(std::move(providers)), prefetch_(std::move(prefetch)) {}

std::vector<EnrichmentPtr> EnrichmentCache::lookup(const Observable& observable) {
  std::string key(to_string(observable.type));
  key.push_back(':');
  key.append(observable.value);
  if (auto it = cache_.find(key); it != cache_.end()) return it->second;
  std::vector<EnrichmentPtr> results;
  bool failed = false;
  for (const auto& p : providers_) {
    if (!p->supports(observable.type)) continue;
    ++lookups_made_;
    results.push_back(p->lookup_shared(observable));
    const LookupStatus s = results.back()->status;
    failed = failed || s == LookupStatus::kTimeout || s == LookupStatus::kError ||
             s == LookupStatus::kRateLimited;
  }
  // A failure is this moment's answer, not the observable's: a later alert asks again (the
  // providers hold failures briefly themselves).
  if (!failed) cache_.emplace(std::move(key), results);
  return results;
}

AlertCategory categorize(const Alert& alert, const std::vector<MappedTechnique>& techniques) {
  auto has_technique = [&](std::string_view prefix) {
    return std::any_of(techniques.begin(), techniques.end(), [&](const MappedTechnique& t) {
      return t.technique->id.starts_with(prefix);
    });
  };
  auto has_tactic = [&](std::string_view tactic) {
    for (const auto& t : techniques)
      for (const auto& name : t.technique->tactics)
        if (name == tactic) return true;
    return false;
  };
  const bool has_mail = std::any_of(
      alert.observables.begin(), alert.observables.end(),
      [](const Observable& o) { return o.role == Role::kSender || o.role == Role::kRecipient; });
  if (has_technique("T1566") || has_technique("T1598") ||
      (has_mail && icontains(alert.rule_name, "phish")))
    return AlertCategory::kPhishing;
  if (has_technique("T1110")) return AlertCategory::kBruteForce;
  if (has_tactic("lateral-movement")) return AlertCategory::kLateralMovement;
  if (has_tactic("exfiltration")) return AlertCategory::kExfiltration;
  if (has_tactic("credential-access")) return AlertCategory::kCredentialAccess;
  if (has_technique("T1204") || has_technique("T1486") || icontains(alert.rule_name, "malware") ||
      icontains(alert.rule_name, "trojan") || icontains(alert.rule_name, "ransomware"))
    return AlertCategory::kMalware;
  if (has_mail) return AlertCategory::kPhishing;
  if (has_technique("T1078") || icontains(alert.rule_name, "sign-in") ||
      icontains(alert.rule_name, "login") || icontains(alert.rule_name, "logon"))
    return AlertCategory::kSuspiciousLogin;
  if (has_tactic("command-and-control")) return AlertCategory::kCommandAndControl;
  if (has_tactic("reconnaissance") || has_tactic("discovery"))
    return AlertCategory::kReconnaissance;
  if (has_tactic("execution")) return AlertCategory::kExecution;
  return AlertCategory::kOther;
}

namespace {

std::string describe(const Observable& o) {
  return fmt::format("{} {}", to_string(o.type), o.value);
}

std::string subjects_text(const std::vector<Observable>& subjects) {
  std::vector<std::string> parts;
  for (const auto& s : subjects) parts.push_back(s.value);
  return join(parts, ", ");
}

TimeWindow window_before(TimestampMs t, TimestampMs length, TimestampMs gap = 0) {
  return {t - length, t - gap};
}

// ---------------------------------------------------------------------------------------------
class AttackLookupTool final : public InvestigationTool {
 public:
  std::string_view name() const override { return "attack_lookup"; }
  std::string_view description() const override {
    return "Map the alert to MITRE ATT&CK techniques from its tags, the Sigma rule titles and "
           "keywords.";
  }
  void run(const ToolCall&, const Alert& alert, ToolEnvironment& env, Evidence& ev) const override {
    ev.techniques = env.mapper.map(alert);
    std::vector<std::string> found;
    for (const auto& t : ev.techniques)
      found.push_back(fmt::format("{} {} ({})", t.technique->id, t.technique->name, t.evidence));
    ev.steps.push_back(
        {"Which ATT&CK techniques does this detection describe?", "attack_lookup(alert)",
         found.empty() ? "No technique could be mapped from tags, rule title or keywords."
                       : join(found, "; ")});
  }
};

// ---------------------------------------------------------------------------------------------
class AssetLookupTool final : public InvestigationTool {
 public:
  std::string_view name() const override { return "asset_lookup"; }
  std::string_view description() const override {
    return "Look hosts and internal IPs up in the asset inventory: role, criticality, owner, tags.";
  }
  void run(const ToolCall& call, const Alert&, ToolEnvironment& env, Evidence& ev) const override {
    std::vector<std::string> found, missing;
    for (const auto& s : call.subjects) {
      const Asset* a = s.type == ObservableType::kHost ? env.context.asset_by_host(s.value)
                                                       : env.context.asset_by_ip(s.value);
      if (!a) {
        missing.push_back(s.value);
        continue;
      }
      bool seen = false;
      for (auto& hit : ev.assets)
        if (hit.asset == a) {
          seen = true;
          if (hit.role == Role::kRelated || hit.role == Role::kNone) hit.role = s.role;
        }
      if (!seen) ev.assets.push_back({a, s.value, s.role});
      if (!seen)
        found.push_back(fmt::format("{}: {} ({} criticality{}{})",
                                    a->host.empty() ? a->ip : a->host,
                                    a->role.empty() ? "unknown role" : a->role, a->criticality,
                                    a->tags.empty() ? "" : ", ", join(a->tags, ", ")));
    }
    std::string observation =
        found.empty() ? "No asset found in the inventory." : join(found, "; ");
    if (!missing.empty()) {
      observation += fmt::format(" Not in the inventory: {}.", join(missing, ", "));
      ev.unknowns.push_back(fmt::format("assets not in the inventory: {}", join(missing, ", ")));
    }
    ev.steps.push_back({"How critical are the machines involved?",
                        fmt::format("asset_lookup({})", subjects_text(call.subjects)),
                        observation});
  }
};

// ---------------------------------------------------------------------------------------------
class IdentityLookupTool final : public InvestigationTool {
 public:
  std::string_view name() const override { return "identity_lookup"; }
  std::string_view description() const override {
    return "Look accounts and e-mail addresses up in the directory: VIP, privileged, service "
           "account, groups.";
  }
  void run(const ToolCall& call, const Alert&, ToolEnvironment& env, Evidence& ev) const override {
    std::vector<std::string> found, missing;
    for (const auto& s : call.subjects) {
      const Identity* id = env.context.identity(s.value);
      if (!id) {
        missing.push_back(s.value);
        continue;
      }
      if (std::any_of(ev.identities.begin(), ev.identities.end(),
                      [&](const IdentityHit& h) { return h.identity == id; }))
        continue;
      ev.identities.push_back({id, s.value, s.role});
      std::vector<std::string> traits;
      if (id->vip) traits.push_back("VIP");
      if (id->privileged) traits.push_back("privileged");
      if (id->service_account) traits.push_back("service account");
      if (!id->groups.empty()) traits.push_back("groups " + join(id->groups, ", "));
      found.push_back(
          fmt::format("{} ({}{}{}){}", id->user, id->title.empty() ? id->department : id->title,
                      traits.empty() ? "" : "; ", join(traits, "; "),
                      id->workstation.empty() ? "" : ", usual workstation " + id->workstation));
    }
    std::string observation =
        found.empty() ? "No account found in the directory." : join(found, "; ");
    if (!missing.empty())
      observation += fmt::format(" Not in the directory: {}.", join(missing, ", "));
    ev.steps.push_back({"Who are the people and accounts involved?",
                        fmt::format("identity_lookup({})", subjects_text(call.subjects)),
                        observation});
  }
};

// ---------------------------------------------------------------------------------------------
class EnrichTool final : public InvestigationTool {
 public:
  std::string_view name() const override { return "enrich"; }
  std::string_view description() const override {
    return "Query the threat-intelligence providers (VirusTotal, AbuseIPDB, GreyNoise, Shodan, "
           "RDAP, MISP, "
           "OpenCTI, lists) about external observables.";
  }
  void run(const ToolCall& call, const Alert& alert, ToolEnvironment& env,
           Evidence& ev) const override {
    env.enrichment.prefetch(call.subjects);  // one parallel round for all of them
    enrich_each(call.subjects, env, ev);
    // Second hop along the relation graph: the domains an IP resolves to (their age and
    // certificates) and the AS it belongs to (bulletproof hosting lists). Weak signals that are
    // grey alone add up (SPEC section 4).
    std::vector<Observable> neighbours;
    auto add_neighbour = [&](ObservableType type, const std::string& value,
                             const std::string& via) {
      if (value.empty() || neighbours.size() >= kMaxNeighbours) return;
      const bool known =
          std::any_of(ev.observables.begin(), ev.observables.end(),
                      [&](const Observable& o) { return o.type == type && o.value == value; }) ||
          std::any_of(neighbours.begin(), neighbours.end(),
                      [&](const Observable& o) { return o.type == type && o.value == value; });
      if (!known) neighbours.push_back({type, value, Role::kRelated, "relation:" + via, 0});
    };
    for (const auto& r : ev.relations) {
      if (r.type == "resolves_to") add_neighbour(ObservableType::kDomain, r.to, r.from);
      if (r.type == "belongs_to") add_neighbour(ObservableType::kAsn, r.to, r.from);
    }
    if (neighbours.empty()) return;
    (void)alert;
    env.enrichment.prefetch(neighbours);
    enrich_each(neighbours, env, ev);
    for (auto& n : neighbours)
      if (n.type != ObservableType::kAsn) ev.observables.push_back(std::move(n));
  }

 private:
  static constexpr std::size_t kMaxNeighbours = 4;

  static void enrich_each(const std::vector<Observable>& subjects, ToolEnvironment& env,
                          Evidence& ev) {
    for (const auto& s : subjects) {
      auto results = env.enrichment.lookup(s);
      std::vector<std::string> said, failed;
      for (const auto& e : results) {
        ev.enrichments.push_back(e);
        for (auto& r : relations_from(*e)) ev.relations.push_back(std::move(r));
        if (e->status == LookupStatus::kOk) {
          said.push_back(
              fmt::format("{}: {}{}", e->provider, to_string(e->verdict), summarize_facts(*e)));
        } else if (e->status != LookupStatus::kNotFound && e->status != LookupStatus::kSkipped) {
          failed.push_back(fmt::format("{} {}{}", e->provider, to_string(e->status),
                                       e->error.empty() ? "" : " (" + e->error + ")"));
        }
      }
      std::string observation = said.empty() ? "No provider knows it." : join(said, "; ");
      if (!failed.empty()) {
        observation += fmt::format(". Unavailable, not counted as clean: {}", join(failed, ", "));
        ev.unknowns.push_back(
            fmt::format("intel on {} incomplete: {}", s.value, join(failed, ", ")));
      }
      ev.steps.push_back(
          {fmt::format("What does threat intelligence say about the {}{}?", to_string(s.type),
                       s.role == Role::kNone ? "" : " (" + std::string(to_string(s.role)) + ")"),
           fmt::format("enrich({})", describe(s)), observation});
    }
  }

 public:
  static std::string summarize_facts(const Enrichment& e) {
    const auto& f = e.facts;
    std::vector<std::string> parts;
    if (f.engines_malicious && f.engines_total)
      parts.push_back(fmt::format("{}/{} engines", *f.engines_malicious, *f.engines_total));
    if (!f.malware_family.empty()) parts.push_back("family " + f.malware_family);
    if (f.abuse_confidence) parts.push_back(fmt::format("confidence {}/100", *f.abuse_confidence));
    if (f.total_reports) parts.push_back(fmt::format("{} reports", *f.total_reports));
    if (!f.abuse_categories.empty())
      parts.push_back("categories " + join(f.abuse_categories, ", "));
    if (!f.noise_classification.empty())
      parts.push_back("classification " + f.noise_classification);
    if (!f.tags.empty()) parts.push_back("tags " + join(f.tags, ", "));
    if (f.is_tor && *f.is_tor) parts.push_back("Tor exit node");
    if (f.registered_at) parts.push_back("registered " + format_time(*f.registered_at));
    if (!f.registrar.empty()) parts.push_back("registrar " + f.registrar);
    if (f.registrant_redacted && *f.registrant_redacted) parts.push_back("registrant anonymized");
    if (!f.open_ports.empty()) parts.push_back(fmt::format("{} open ports", f.open_ports.size()));
    if (!f.vulns.empty()) parts.push_back(fmt::format("{} CVEs", f.vulns.size()));
    if (!f.events.empty()) parts.push_back("events: " + join(f.events, " | "));
    if (!f.lists.empty()) parts.push_back("lists: " + join(f.lists, ", "));
    return parts.empty() ? "" : " (" + join(parts, ", ") + ")";
  }
};

// ---------------------------------------------------------------------------------------------
class HostFactsTool final : public InvestigationTool {
 public:
  std::string_view name() const override { return "host_facts"; }
  std::string_view description() const override {
    return "Read configuration facts recorded for a host (e.g. sshd.PermitRootLogin).";
  }
  void run(const ToolCall& call, const Alert& alert, ToolEnvironment& env,
           Evidence& ev) const override {
    std::vector<std::string> said;
    for (const auto& s : call.subjects) {
      for (const auto& [key, value] : env.context.host_facts(s.value)) {
        said.push_back(fmt::format("{} {}={}", s.value, key, value));
        classify_fact(alert, key, value, ev);
      }
    }
    if (said.empty())
      ev.unknowns.push_back("no configuration facts recorded for " + subjects_text(call.subjects));
    ev.steps.push_back({"Is the target configured to resist this?",
                        fmt::format("host_facts({})", subjects_text(call.subjects)),
                        said.empty() ? "No configuration facts recorded." : join(said, "; ")});
  }

  // Facts that blunt or help the attack the alert describes.
  static void classify_fact(const Alert& alert, std::string_view key, std::string_view value,
                            Evidence& ev) {
    const std::string k = to_lower(key), v = to_lower(value);
    const bool no = v == "no" || v == "false" || v == "disabled" || v == "0" || v == "off";
    const bool yes = v == "yes" || v == "true" || v == "enabled" || v == "1" || v == "on";
    const bool targets_root =
        std::any_of(alert.observables.begin(), alert.observables.end(), [](const Observable& o) {
          return o.type == ObservableType::kUser &&
                 (o.value == "root" || o.value == "administrator");
        });
    auto record = [&](bool hardening) {
      (hardening ? ev.outcome.hardening : ev.outcome.weaknesses)
          .emplace_back(std::string(key), std::string(value));
    };
    if (k == "sshd.permitrootlogin") {
      if (targets_root && (no || v == "prohibit-password" || v == "without-password")) record(true);
      if (targets_root && yes) record(false);
    } else if (k == "sshd.passwordauthentication") {
      if (no) record(true);
      if (yes) record(false);
    } else if (k == "fail2ban" || k == "fail2ban.enabled" || k == "mfa" || k == "mfa.enforced") {
      if (yes) record(true);
      if (no) record(false);
    }
  }
};

// ---------------------------------------------------------------------------------------------
class SiemQueryTool final : public InvestigationTool {
 public:
  std::string_view name() const override { return "siem_query"; }
  std::string_view description() const override {
    return "Query the event history: auth_from_source, mail_activity, lateral_connections, "
           "user_baseline, "
           "host_baseline, process_execution.";
  }
  void run(const ToolCall& call, const Alert& alert, ToolEnvironment& env,
           Evidence& ev) const override {
    if (!alert.timestamp) {
      ev.unknowns.push_back(
          "the alert has no timestamp, so the event history could not be queried");
      return;
    }
    if (!env.context.has_events()) {
      ev.unknowns.push_back("no event history is available to query (events.jsonl missing)");
      ev.steps.push_back({"What happened around the alert?", "siem_query(" + call.query + ")",
                          "No event history available: outcome and baselines unknown."});
      return;
    }
    ev.outcome.queried = true;
    const TimestampMs t = *alert.timestamp;
    const auto& cfg = env.config;
    if (call.query == "auth_from_source")
      auth_from_source(call, t, env, ev);
    else if (call.query == "mail_activity")
      mail_activity(call, t, env, ev);
    else if (call.query == "lateral_connections")
      lateral_connections(call, t, env, ev);
    else if (call.query == "user_baseline")
      baseline(call, alert, t, cfg, env, ev, true);
    else if (call.query == "host_baseline")
      baseline(call, alert, t, cfg, env, ev, false);
    else if (call.query == "process_execution")
      process_execution(call, t, env, ev);
  }

 private:
  static void auth_from_source(const ToolCall& call, TimestampMs t, ToolEnvironment& env,
                               Evidence& ev) {
    AuthSummary total;
    for (const auto& s : call.subjects) {
      if (s.role != Role::kSource) continue;
      const auto a = env.context.authentications_from(s.value, window_before(t, kDay));
      total.failures += a.failures;
      total.successes += a.successes;
      if (a.first_success && (!total.first_success || *a.first_success < *total.first_success))
        total.first_success = a.first_success;
      total.users.insert(a.users.begin(), a.users.end());
    }
    ev.outcome.auth_from_source = total;
    ev.steps.push_back(
        {"Did any login from the source succeed?",
         fmt::format("siem_query(authentication from {}, last 24 h)", subjects_text(call.subjects)),
         fmt::format(
             "{} failed and {} successful logins{}{}.", total.failures, total.successes,
             total.users.empty() ? "" : " for accounts ",
             total.users.empty()
                 ? ""
                 : join(std::vector<std::string>(total.users.begin(), total.users.end()), ", "))});
  }

  static void mail_activity(const ToolCall& call, TimestampMs t, ToolEnvironment& env,
                            Evidence& ev) {
    std::string sender;
    std::vector<std::string> recipients, hashes;
    for (const auto& s : call.subjects) {
      if (s.role == Role::kSender && s.type == ObservableType::kEmail) sender = s.value;
      if (s.role == Role::kRecipient) recipients.push_back(s.value);
      if (is_hash(s.type)) hashes.push_back(s.value);
    }
    const auto m =
        env.context.mail_activity(sender, recipients, hashes, window_before(t, 7 * kDay));
    ev.outcome.mail = m;
    ev.outcome.payload_executed = ev.outcome.payload_executed || m.attachment_executed;
    std::vector<std::string> facts;
    facts.push_back(m.blocked ? "blocked or quarantined by the gateway"
                              : (m.delivered ? "delivered" : "no delivery record"));
    if (m.opened) facts.push_back("opened");
    if (m.clicked) facts.push_back("link clicked");
    if (!hashes.empty()) {
      facts.push_back(m.attachment_downloaded ? "attachment downloaded"
                                              : "no download of the attachment seen");
      facts.push_back(m.attachment_executed ? "attachment EXECUTED" : "not executed");
    }
    if (m.recipients.size() > 1)
      facts.push_back(fmt::format("{} recipients got mail from this sender", m.recipients.size()));
    ev.steps.push_back({"Did the message reach the user, and did the payload run?",
                        fmt::format("siem_query(e-mail and endpoint events for {}, last 7 days)",
                                    subjects_text(call.subjects)),
                        join(facts, ", ") + "."});
  }

  static void lateral_connections(const ToolCall& call, TimestampMs t, ToolEnvironment& env,
                                  Evidence& ev) {
    std::string source;
    std::vector<std::string> targets;
    for (const auto& s : call.subjects) {
      if (s.role == Role::kSource && source.empty())
        source = s.value;
      else if (s.role == Role::kTarget || s.role == Role::kDestination)
        targets.push_back(s.value);
    }
    std::vector<std::string> said;
    int successes = 0;
    for (const auto& target : targets) {
      const auto c = env.context.connections(source, target, window_before(t, kHour, -5 * kMinute));
      successes += c.successes;
      std::vector<std::string> ports;
      for (int p : c.ports) ports.push_back(std::to_string(p));
      said.push_back(fmt::format("{}: {} connections, {} succeeded{}", target, c.attempts,
                                 c.successes,
                                 ports.empty() ? "" : " (ports " + join(ports, ", ") + ")"));
    }
    ev.outcome.lateral_connections = successes;
    ev.steps.push_back({"Did the source actually reach the targets?",
                        fmt::format("siem_query(connections from {} in the last hour)", source),
                        said.empty() ? "No target to check." : join(said, "; ") + "."});
  }

  static void process_execution(const ToolCall& call, TimestampMs t, ToolEnvironment& env,
                                Evidence& ev) {
    std::vector<std::string> executed;
    for (const auto& s : call.subjects)
      if (is_hash(s.type) &&
          env.context.process_executed(s.value, window_before(t, 7 * kDay, -5 * kMinute)))
        executed.push_back(s.value);
    if (!executed.empty()) ev.outcome.payload_executed = true;
    ev.steps.push_back({"Did the file run anywhere?",
                        fmt::format("siem_query(process starts with {}, last 7 days)",
                                    subjects_text(call.subjects)),
                        executed.empty() ? "No process start with these hashes."
                                         : "Executed: " + join(executed, ", ") + "."});
  }

  static std::string hour_ranges(const std::set<int>& hours) {
    std::vector<std::string> ranges;
    auto it = hours.begin();
    while (it != hours.end()) {
      int start = *it, end = *it;
      ++it;
      while (it != hours.end() && *it == end + 1) end = *it++;
      ranges.push_back(fmt::format("{:02}:00-{:02}:00", start, (end + 1) % 24));
    }
    return join(ranges, ", ");
  }

  static void baseline(const ToolCall& call, const Alert& alert, TimestampMs t, const Config& cfg,
                       ToolEnvironment& env, Evidence& ev, bool for_user) {
    if (call.subjects.empty()) return;
    const Observable& subject = call.subjects.front();
    // The baseline stops an hour before the alert so the activity under review does not teach
    // itself.
    const TimeWindow window = window_before(t, cfg.correlation.history_days * kDay, kHour);
    const Baseline b = for_user ? env.context.user_baseline(subject.value, window)
                                : env.context.host_baseline(subject.value, window);
    std::vector<std::string> targets;
    for (size_t i = 1; i < call.subjects.size(); ++i)
      targets.push_back(env.context.host_key(call.subjects[i].value));
    auto& be = ev.baseline;
    const int hour = env.context.local_hour(t);
    std::vector<std::string> said;
    if (b.events == 0) {
      said.push_back(fmt::format("no activity of {} in the {} days before the alert", subject.value,
                                 cfg.correlation.history_days));
    } else {
      be.available = true;
      if (be.subject.empty()) be.subject = subject.value;
      be.events += b.events;
      std::vector<std::string> fresh;
      for (const auto& target : targets)
        if (!b.destinations.count(target)) fresh.push_back(target);
      for (const auto& f : fresh)
        if (std::find(be.new_destinations.begin(), be.new_destinations.end(), f) ==
            be.new_destinations.end())
          be.new_destinations.push_back(f);
      const std::vector<std::string> usual(b.destinations.begin(), b.destinations.end());
      said.push_back(fmt::format("{} events in {} days; usually reaches {}", b.events,
                                 cfg.correlation.history_days,
                                 usual.empty() ? "nothing recorded" : join(usual, ", ")));
      if (!fresh.empty()) said.push_back("never reached before: " + join(fresh, ", "));
      if (for_user) {
        be.usual_hours = hour_ranges(b.hours);
        const bool off = !b.hours.count(hour);
        be.off_hours = be.off_hours || off;
        said.push_back(fmt::format("active {}; the alert is at {:02}:xx, {}", be.usual_hours, hour,
                                   off ? "outside those hours" : "within those hours"));
        if (!alert.source_country.empty() && !b.countries.empty() &&
            !b.countries.count(alert.source_country)) {
          be.unusual_country = alert.source_country;
          said.push_back(fmt::format(
              "never logged on from {} before (usually {})", alert.source_country,
              join(std::vector<std::string>(b.countries.begin(), b.countries.end()), ", ")));
        }
        for (const auto& s : call.subjects)
          if (s.role == Role::kSource && s.type == ObservableType::kHost &&
              !b.source_hosts.empty() && !b.source_hosts.count(env.context.host_key(s.value))) {
            be.unusual_source_host = true;
            said.push_back(fmt::format("{} is not a host it usually logs on from", s.value));
          }
      }
    }
    ev.steps.push_back(
        {fmt::format("Is this normal for {} {}?", for_user ? "account" : "host", subject.value),
         fmt::format("siem_query({} baseline of {}, {} days before the alert)",
                     for_user ? "account" : "host", subject.value, cfg.correlation.history_days),
         join(said, "; ") + "."});
  }
};

// ---------------------------------------------------------------------------------------------
class HistoryTool final : public InvestigationTool {
 public:
  std::string_view name() const override { return "history"; }
  std::string_view description() const override {
    return "Find earlier alerts on the same hosts, accounts and addresses: similar alerts, bursts, "
           "kill chains.";
  }
  void run(const ToolCall& call, const Alert& alert, ToolEnvironment& env,
           Evidence& ev) const override {
    if (!alert.timestamp) return;
    const TimestampMs t = *alert.timestamp;
    const auto& cfg = env.config.correlation;
    const auto entities = entity_keys(call.subjects, env.context);
    auto& ce = ev.correlation;
    std::vector<std::string> said;

    // Similar alerts: same rule, shared entity, look-back window.
    // The 50 most recent alerts per entity are plenty to tell a recurring pattern.
    const auto similar = env.correlation.rule_history(entities, alert.rule_name,
                                                      t - cfg.history_days * kDay, t, 50, alert.id);
    ce.similar_true_positive += similar.true_positive;
    ce.similar_false_positive += similar.false_positive;
    if (ce.similar_true_positive + ce.similar_false_positive > 0)
      said.push_back(
          fmt::format("same rule on these entities in {} days: {} true positive, {} false positive",
                      cfg.history_days, ce.similar_true_positive, ce.similar_false_positive));

    // Bursts: host and account entities only (an external IP hitting many hosts is not one host's
    // burst).
    for (const auto& entity : entities) {
      if (!entity.starts_with("host:") && !entity.starts_with("user:")) continue;
      // This alert plus the earlier ones in the window (it is not in the index yet).
      const int count = 1 + static_cast<int>(env.correlation.count(
                                entity, t - cfg.burst_window_minutes * kMinute, t));
      if (count > ce.burst_count) {
        ce.burst_count = count;
        ce.burst_entity = entity;
      }
    }
    if (ce.burst_count >= cfg.burst_alerts)
      said.push_back(fmt::format("{} alerts on {} within {} minutes", ce.burst_count,
                                 ce.burst_entity, cfg.burst_window_minutes));

    // Related alerts: shared host or account within the kill-chain window.
    std::vector<std::string> chain_entities;
    for (const auto& e : entities)
      if (e.starts_with("host:") || e.starts_with("user:")) chain_entities.push_back(e);
    constexpr std::size_t kMaxRelated = 20;
    auto earlier = env.correlation.on_entities(
        chain_entities, t - cfg.kill_chain_window_hours * kHour, t, kMaxRelated, alert.id);
    for (const auto& entity : chain_entities)
      ce.related_total =
          std::max(ce.related_total, static_cast<int>(env.correlation.count(
                                         entity, t - cfg.kill_chain_window_hours * kHour, t)));
    // The reasoning and the incident carry the most recent ones; the count says how many more.
    if (earlier.size() > kMaxRelated) earlier.erase(earlier.begin(), earlier.end() - kMaxRelated);
    ce.related.reserve(ce.related.size() + earlier.size());
    for (const auto* e : earlier) {
      std::string shared;
      for (const auto& entity : e->entities)
        if (std::find(chain_entities.begin(), chain_entities.end(), entity) !=
            chain_entities.end()) {
          shared = entity;
          break;
        }
      ce.related.push_back(
          {e, std::move(shared), static_cast<double>(t - e->time) / static_cast<double>(kHour)});
    }
    // A kill chain: earlier related alerts sit at earlier tactics than this alert's latest one.
    int current_max = -1;
    for (const auto& m : ev.techniques)
      for (const auto& tac : m.technique->tactics)
        current_max = std::max(current_max, AttackCatalog::tactic_order(tac));
    std::set<std::pair<int, std::string>> ordered;
    for (const auto& r : ce.related)
      for (const auto& tac : r.entry->tactics) {
        const int order = AttackCatalog::tactic_order(tac);
        if (order >= 0 && order < current_max) ordered.insert({order, tac});
      }
    if (!ordered.empty() && current_max >= 0) {
      ce.kill_chain = true;
      for (const auto& [order, tac] : ordered) ce.chain_tactics.push_back(tac);
      for (const auto& m : ev.techniques)
        for (const auto& tac : m.technique->tactics)
          if (AttackCatalog::tactic_order(tac) == current_max &&
              std::find(ce.chain_tactics.begin(), ce.chain_tactics.end(), tac) ==
                  ce.chain_tactics.end())
            ce.chain_tactics.push_back(tac);
    }
    // The five most recent are named; the rest are counted.
    constexpr std::size_t kNamed = 5;
    const std::size_t first_named = ce.related.size() > kNamed ? ce.related.size() - kNamed : 0;
    for (std::size_t i = first_named; i < ce.related.size(); ++i) {
      const RelatedAlert& r = ce.related[i];
      said.push_back(fmt::format("'{}' ({}) {} h earlier on {}, closed as {}{}", r.entry->rule_name,
                                 r.entry->alert_id, r.whole_hours_before(),
                                 r.shared_entity.substr(r.shared_entity.find(':') + 1),
                                 r.entry->classification.empty() ? "open" : r.entry->classification,
                                 r.entry->closed_by.empty() ? "" : " by " + r.entry->closed_by));
    }
    if (ce.related_total > static_cast<int>(ce.related.size() - first_named))
      said.push_back(
          fmt::format("and {} older alerts on the same entities",
                      ce.related_total - static_cast<int>(ce.related.size() - first_named)));
    if (ce.kill_chain) said.push_back("tactics progress: " + join(ce.chain_tactics, " -> "));
    ev.steps.push_back(
        {"Have these hosts and accounts raised alerts before?",
         fmt::format("history({})", join(entities, ", ")),
         said.empty() ? "No earlier alert on these entities." : join(said, "; ") + "."});
  }
};

bool is_external_ip(const Observable& o, const Context& context) {
  if (!is_ip(o.type)) return false;
  if (context.asset_by_ip(o.value)) return false;
  switch (classify_ip(o.value)) {
    case IpClass::kPrivate:
    case IpClass::kLoopback:
    case IpClass::kLinkLocal:
    case IpClass::kMulticast:
    case IpClass::kUnspecified:
    case IpClass::kSharedAddress:
    case IpClass::kBroadcast:
      return false;
    default:
      return true;
  }
}

bool is_internal_domain(std::string_view domain, const Config& config) {
  for (const auto& d : config.organization.internal_domains)
    if (domain == d || (domain.size() > d.size() && domain.ends_with(d) &&
                        domain[domain.size() - d.size() - 1] == '.'))
      return true;
  return false;
}

}  // namespace

std::vector<std::unique_ptr<InvestigationTool>> make_builtin_tools() {
  std::vector<std::unique_ptr<InvestigationTool>> tools;
  tools.push_back(std::make_unique<AttackLookupTool>());
  tools.push_back(std::make_unique<AssetLookupTool>());
  tools.push_back(std::make_unique<IdentityLookupTool>());
  tools.push_back(std::make_unique<EnrichTool>());
  tools.push_back(std::make_unique<HostFactsTool>());
  tools.push_back(std::make_unique<SiemQueryTool>());
  tools.push_back(std::make_unique<HistoryTool>());
  return tools;
}

DeterministicPlanner::DeterministicPlanner() : tools_(make_builtin_tools()) {}

const InvestigationTool& DeterministicPlanner::tool(std::string_view name) const {
  for (const auto& t : tools_)
    if (t->name() == name) return *t;
  return *tools_.front();  // unreachable: the planner only names built-in tools
}

void DeterministicPlanner::call(const ToolCall& c, const Alert& alert, ToolEnvironment& env,
                                Evidence& ev) const {
  tool(c.tool).run(c, alert, env, ev);
}

Evidence DeterministicPlanner::investigate(const Alert& alert, ToolEnvironment& env) const {
  Evidence ev;
  ev.observables = alert.observables;
  const Context& ctx = env.context;

  // Sender domains are the lure's infrastructure: look them up too.
  for (const auto& o : alert.observables)
    if (o.type == ObservableType::kEmail && o.role == Role::kSender) {
      const auto at = o.value.find('@');
      if (at == std::string::npos) continue;
      Observable d{ObservableType::kDomain, o.value.substr(at + 1), Role::kSender,
                   o.field + "#domain", 0};
      auto same = std::find_if(ev.observables.begin(), ev.observables.end(),
                               [&](const Observable& x) { return x.same_indicator(d); });
      if (same == ev.observables.end())
        ev.observables.push_back(std::move(d));
      else if (same->role == Role::kNone || same->role == Role::kRelated)
        same->role = Role::kSender;
    }

  call({"attack_lookup", {}, ""}, alert, env, ev);
  ev.category = categorize(alert, ev.techniques);

  std::vector<Observable> machines, people, external, hashes;
  for (const auto& o : ev.observables) {
    if (o.type == ObservableType::kHost || (is_ip(o.type) && !is_external_ip(o, ctx)))
      machines.push_back(o);
    if (o.type == ObservableType::kUser ||
        (o.type == ObservableType::kEmail && o.role != Role::kSender))
      people.push_back(o);
    if (is_hash(o.type)) hashes.push_back(o);
    const std::string_view domain_part = std::string_view(o.value).substr(o.value.find('@') + 1);
    const bool internal_domain =
        (o.type == ObservableType::kDomain || o.type == ObservableType::kEmail) &&
        (is_internal_domain(domain_part, env.config) || ctx.is_own_domain(domain_part));
    if ((is_external_ip(o, ctx) || is_hash(o.type) || o.type == ObservableType::kUrl ||
         o.type == ObservableType::kDomain) &&
        !internal_domain)
      external.push_back(o);
  }
  // The recipient's usual workstation is where a lure lands.
  if (ev.category == AlertCategory::kPhishing)
    for (const auto& p : people)
      if (p.role == Role::kRecipient)
        if (const Identity* id = ctx.identity(p.value); id && !id->workstation.empty())
          machines.push_back({ObservableType::kHost, to_lower(id->workstation), Role::kRelated,
                              "identity.workstation", 0});

  if (!machines.empty()) call({"asset_lookup", machines, ""}, alert, env, ev);
  if (!people.empty()) call({"identity_lookup", people, ""}, alert, env, ev);
  if (!external.empty()) call({"enrich", external, ""}, alert, env, ev);

  std::vector<Observable> sources, targets;
  for (const auto& o : ev.observables) {
    if (o.role == Role::kSource) sources.push_back(o);
    if ((o.role == Role::kTarget || o.role == Role::kDestination) &&
        (o.type == ObservableType::kHost || (is_ip(o.type) && !is_external_ip(o, ctx))))
      targets.push_back(o);
  }

  switch (ev.category) {
    case AlertCategory::kPhishing: {
      std::vector<Observable> mail;
      for (const auto& o : ev.observables)
        if (o.role == Role::kSender || o.role == Role::kRecipient || is_hash(o.type))
          mail.push_back(o);
      call({"siem_query", mail, "mail_activity"}, alert, env, ev);
      break;
    }
    case AlertCategory::kBruteForce:
    case AlertCategory::kSuspiciousLogin: {
      call({"siem_query", sources, "auth_from_source"}, alert, env, ev);
      if (!targets.empty()) call({"host_facts", targets, ""}, alert, env, ev);
      for (const auto& p : people)
        if (p.type == ObservableType::kUser && ev.category == AlertCategory::kSuspiciousLogin) {
          std::vector<Observable> subject{p};
          subject.insert(subject.end(), sources.begin(), sources.end());
          call({"siem_query", subject, "user_baseline"}, alert, env, ev);
        }
      break;
    }
    case AlertCategory::kLateralMovement:
    case AlertCategory::kCredentialAccess:
    case AlertCategory::kExfiltration:
    case AlertCategory::kCommandAndControl:
    case AlertCategory::kReconnaissance: {
      for (const auto& p : people) {
        if (p.type != ObservableType::kUser) continue;
        std::vector<Observable> subject{p};
        subject.insert(subject.end(), targets.begin(), targets.end());
        subject.insert(subject.end(), sources.begin(), sources.end());
        call({"siem_query", subject, "user_baseline"}, alert, env, ev);
      }
      for (const auto& s : sources) {
        if (s.type != ObservableType::kHost && !(is_ip(s.type) && !is_external_ip(s, ctx)))
          continue;
        std::vector<Observable> subject{s};
        subject.insert(subject.end(), targets.begin(), targets.end());
        call({"siem_query", subject, "host_baseline"}, alert, env, ev);
        std::vector<Observable> pair{s};
        pair.insert(pair.end(), targets.begin(), targets.end());
        call({"siem_query", pair, "lateral_connections"}, alert, env, ev);
        break;
      }
      break;
    }
    case AlertCategory::kMalware:
    case AlertCategory::kExecution:
    case AlertCategory::kOther:
      if (!hashes.empty()) call({"siem_query", hashes, "process_execution"}, alert, env, ev);
      break;
  }

  std::vector<Observable> entity_subjects = machines;
  entity_subjects.insert(entity_subjects.end(), people.begin(), people.end());
  for (const auto& o : ev.observables)
    if (is_ip(o.type)) entity_subjects.push_back(o);
  call({"history", entity_subjects, ""}, alert, env, ev);

  if (!alert.timestamp)
    ev.unknowns.push_back("the alert carries no timestamp: time windows could not be applied");
  return ev;
}

}  // namespace soc
