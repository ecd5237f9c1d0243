// Decide stage contract: classification, severity, priority, escalation, actions, incident and
// the written reasoning, from the score, the evidence and the organization's rules.
//
// Input: Alert, Evidence, RiskScore, Config, and the incident tracker (correlation state of the
// run). Output: a Decision whose actions are all "proposed" (the act stage sets their status by
// operating mode). Threading: one call at a time per tracker. Failure: none; every branch of the
// matrix yields a decision with its reasons written down.
#pragma once
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "decide/decision.hpp"

namespace soc {

// Keeps which alerts were aggregated into which incident, across the alerts of a run.
class IncidentTracker {
 public:
  // How many of an incident's most recent alert ids a decision lists (alert_count says how many
  // there are): the decision is read for this alert, and a large incident's full list belongs to
  // the incident record, not to every one of its alerts' decisions.
  static constexpr std::size_t kListedInDecision = 20;
  // How many the store's incidents row keeps.
  static constexpr std::size_t kListedInRecord = 100;

  // Joins the alert to the incident of any related alert, or opens a new one.
  Incident assign(const std::string& alert_id,
                  const std::vector<std::string_view>& related_alert_ids,
                  const std::vector<std::string>& tactics);
  void restore(const Incident& incident);  // from the store, at start-up
  // The `count` most recent alert ids of an incident, oldest first (empty for an unknown id);
  // valid until the next assign() or restore().
  std::span<const std::string> recent_members(const std::string& incident_id,
                                              std::size_t count) const;

 private:
  struct TextHash {  // lets incident_of_alert_ be searched with a string_view
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const {
      return std::hash<std::string_view>{}(text);
    }
  };
  // Incidents by position; an alert maps to its incident's position (no copy of the incident id
  // per alert, and one lookup fewer per member).
  std::vector<Incident> incidents_;
  std::unordered_map<std::string, std::uint32_t, TextHash, std::equal_to<>> incident_by_id_;
  std::unordered_map<std::string, std::uint32_t, TextHash, std::equal_to<>> incident_of_alert_;
  Incident& incident_named(const std::string& id);
};

Decision decide(const Alert& alert, Evidence evidence, const RiskScore& score, const Config& config,
                const AttackCatalog& catalog, IncidentTracker& incidents);

}  // namespace soc
