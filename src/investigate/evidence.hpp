// What the investigation established about one alert: the state handed to scoring and decision.
#pragma once
#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "attack/catalog.hpp"
#include "context/context.hpp"
#include "core/alert.hpp"
#include "core/correlation.hpp"
#include "core/enrichment.hpp"

namespace soc {

enum class AlertCategory {
  kPhishing,
  kBruteForce,
  kLateralMovement,
  kMalware,
  kCredentialAccess,
  kReconnaissance,
  kExfiltration,
  kSuspiciousLogin,
  kExecution,
  kCommandAndControl,
  kOther,
};
std::string_view to_string(AlertCategory category);

struct ReasoningStep {
  std::string thought;
  std::string action;  // the tool call, e.g. enrich(ipv4 185.220.101.34)
  std::string observation;
};

struct AssetHit {
  const Asset* asset = nullptr;
  std::string observable;  // the host name or IP as it appeared
  Role role = Role::kNone;
};

struct IdentityHit {
  const Identity* identity = nullptr;
  std::string observable;
  Role role = Role::kNone;
};

// Outcome evidence: did the attack work? Each flag is set only when the SIEM answered.
struct OutcomeEvidence {
  bool queried = false;                         // the SIEM had events to ask
  std::optional<AuthSummary> auth_from_source;  // brute force / login from an external source
  std::optional<MailActivity> mail;
  int lateral_connections = 0;  // successful connections from the source to the targets
  bool payload_executed = false;
  std::vector<std::pair<std::string, std::string>>
      hardening;  // (host fact, value) that blunt the attack
  std::vector<std::pair<std::string, std::string>> weaknesses;  // (host fact, value) that help it
};

struct BaselineEvidence {
  bool available = false;
  std::string subject;  // account or host the baseline is about
  int events = 0;
  std::vector<std::string> new_destinations;  // targets never reached in the look-back window
  bool off_hours = false;                     // alert hour outside the subject's usual hours
  std::string usual_hours;                    // "22:00-23:00"
  bool unusual_source_host = false;
  std::string unusual_country;  // the source country, when the account never logged on from it
  bool outside_business_hours = false;  // fallback when no baseline exists
};

struct RelatedAlert {
  // Points into the correlation index, which outlives the investigation and never moves entries.
  const CorrelationEntry* entry = nullptr;
  std::string shared_entity;
  double hours_before = 0;
  // hours_before (never negative: the alert is earlier) as "{:.0f}" writes it, to nearest with
  // ties to even as nearbyint rounds in the default mode, for the reasoning text: fmt's
  // floating-point path cost several times the rest of a sentence.
  long long whole_hours_before() const {
    return static_cast<long long>(std::nearbyint(hours_before));
  }
};

struct CorrelationEvidence {
  int similar_true_positive = 0;  // same rule on the same entities, 30 days
  int similar_false_positive = 0;
  std::vector<RelatedAlert> related;  // the most recent earlier alerts on shared entities (capped)
  int related_total = 0;              // how many there were before the cap
  int burst_count = 0;  // alerts on the same host/user within the burst window, this one included
  std::string burst_entity;
  std::vector<std::string> chain_tactics;  // kill-chain order, when the related alerts progress
  bool kill_chain = false;
};

struct Evidence {
  AlertCategory category = AlertCategory::kOther;
  std::vector<Observable> observables;
  std::vector<EnrichmentPtr> enrichments;
  std::vector<Relation> relations;
  std::vector<MappedTechnique> techniques;
  std::vector<AssetHit> assets;
  std::vector<IdentityHit> identities;
  OutcomeEvidence outcome;
  BaselineEvidence baseline;
  CorrelationEvidence correlation;
  std::vector<ReasoningStep> steps;
  std::vector<std::string> unknowns;  // what could not be established, said plainly

  // Helpers over the collected state.
  std::vector<const Observable*> with_role(Role role) const;
  std::vector<const Observable*> of_type(ObservableType type) const;
  const AssetHit* most_critical_asset() const;
  bool has_tactic(std::string_view tactic) const;
};

}  // namespace soc
