// The decision matrix: score bands, evidence overrides, business rules, playbooks, incidents.
#include "decide/decide.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace soc {
namespace {

const AttackCatalog& catalog() {
  static auto loaded = AttackCatalog::load(std::string(SOC_TRIAGE_TEST_DATA_DIR) +
                                           "/../../data/attack/techniques.tsv");
  EXPECT_TRUE(loaded.has_value());
  return **loaded;
}

Alert make_alert(std::string id = "a1") {
  Alert a;
  a.id = std::move(id);
  a.rule_name = "rule";
  a.timestamp = 1'773'000'000'000;
  return a;
}

RiskScore score_of(int total) {
  RiskScore s;
  s.total = total;
  return s;
}

bool has_action(const Decision& d, ActionType type, std::string_view target = {}) {
  return std::any_of(d.actions.begin(), d.actions.end(), [&](const Action& a) {
    return a.type == type && (target.empty() || a.target == target);
  });
}

TEST(Decide, ScoreBandsFollowTheConfiguredThresholds) {
  IncidentTracker incidents;
  const Config cfg;
  struct Band {
    int score;
    Classification classification;
    Severity severity;
    Priority priority;
  };
  for (const Band& b : {Band{90, Classification::kTruePositive, Severity::kCritical, Priority::kP1},
                        Band{60, Classification::kTruePositive, Severity::kHigh, Priority::kP2},
                        Band{30, Classification::kNeedsReview, Severity::kMedium, Priority::kP3},
                        Band{10, Classification::kFalsePositive, Severity::kLow, Priority::kP4}}) {
    const Decision d =
        decide(make_alert(), Evidence{}, score_of(b.score), cfg, catalog(), incidents);
    EXPECT_EQ(d.classification, b.classification) << b.score;
    EXPECT_EQ(d.severity, b.severity) << b.score;
    EXPECT_EQ(d.priority, b.priority) << b.score;
  }
  Config strict;
  strict.thresholds.review = 35;
  EXPECT_EQ(
      decide(make_alert(), Evidence{}, score_of(30), strict, catalog(), incidents).classification,
      Classification::kFalsePositive);
}

TEST(Decide, FalsePositivesAreClosedWithTheirReasoning) {
  IncidentTracker incidents;
  const Decision d = decide(make_alert(), Evidence{}, score_of(5), Config{}, catalog(), incidents);
  EXPECT_TRUE(has_action(d, ActionType::kCloseAlert, "a1"));
  EXPECT_EQ(d.escalation.level, EscalationLevel::kNone);
  EXPECT_FALSE(d.summary.empty());
  EXPECT_FALSE(d.steps.empty());
}

TEST(Decide, ConfirmedButFailedAttackIsTruePositiveLow) {
  IncidentTracker incidents;
  Evidence ev;
  ev.category = AlertCategory::kBruteForce;
  ev.observables.push_back({ObservableType::kIpv4, "203.0.113.7", Role::kSource, "source.ip", 0});
  RiskScore s = score_of(32);
  s.reputation.strength = 0.9;
  s.reputation.malicious_providers = {"abuseipdb"};
  s.attack_failed = true;
  const Decision d = decide(make_alert(), ev, s, Config{}, catalog(), incidents);
  EXPECT_EQ(d.classification, Classification::kTruePositive);
  EXPECT_EQ(d.severity, Severity::kLow);
  EXPECT_TRUE(has_action(d, ActionType::kBlockIp, "203.0.113.7"));
  EXPECT_TRUE(has_action(d, ActionType::kCloseAlert));
  EXPECT_EQ(d.escalation.level, EscalationLevel::kNone);
}

TEST(Decide, MaliciousEvidenceIsNeverAutoClosed) {
  IncidentTracker incidents;
  RiskScore s = score_of(12);
  s.reputation.strength = 0.8;
  s.reputation.malicious_providers = {"virustotal"};
  const Decision d = decide(make_alert(), Evidence{}, s, Config{}, catalog(), incidents);
  EXPECT_EQ(d.classification, Classification::kNeedsReview);
  EXPECT_FALSE(has_action(d, ActionType::kCloseAlert));
}

TEST(Decide, CriticalAssetIsP1WhateverTheScore) {
  IncidentTracker incidents;
  Asset dc{"SRV-DC-01", "10.0.0.1", "domain_controller", "critical", "", "", {}};
  Asset db{"SRV-SQL", "10.0.0.2", "database", "high", "", "", {"production"}};
  for (const Asset* a : {&dc, &db}) {
    Evidence ev;
    ev.assets = {{a, a->host, Role::kTarget}};
    const Decision d = decide(make_alert(), ev, score_of(30), Config{}, catalog(), incidents);
    EXPECT_EQ(d.priority, Priority::kP1) << a->host;
    EXPECT_EQ(d.escalation.level, EscalationLevel::kL2) << a->host;
  }
}

TEST(Decide, VipMeansL2WithSms) {
  IncidentTracker incidents;
  Identity ceo;
  ceo.user = "ceo";
  ceo.vip = true;
  Evidence ev;
  ev.identities = {{&ceo, "ceo@corp.test", Role::kRecipient}};
  const Decision d = decide(make_alert(), ev, score_of(40), Config{}, catalog(), incidents);
  EXPECT_EQ(d.escalation.level, EscalationLevel::kL2);
  EXPECT_NE(std::find(d.escalation.notify.begin(), d.escalation.notify.end(), "sms"),
            d.escalation.notify.end());
  EXPECT_TRUE(has_action(d, ActionType::kNotify));
}

TEST(Decide, BurstTriggersContainmentPendingValidation) {
  IncidentTracker incidents;
  Evidence ev;
  ev.correlation.burst_count = 5;
  ev.correlation.burst_entity = "host:wks-1";
  const Decision d = decide(make_alert(), ev, score_of(55), Config{}, catalog(), incidents);
  auto it = std::find_if(d.actions.begin(), d.actions.end(),
                         [](const Action& a) { return a.type == ActionType::kIsolateHost; });
  ASSERT_NE(it, d.actions.end());
  EXPECT_TRUE(it->requires_approval);
  ev.correlation.burst_count = 4;
  EXPECT_FALSE(
      has_action(decide(make_alert("a2"), ev, score_of(55), Config{}, catalog(), incidents),
                 ActionType::kIsolateHost));
}

TEST(Decide, KillChainOpensOneIncidentAndReopensTheClosedEntryPoint) {
  IncidentTracker incidents;
  Evidence ev;
  ev.category = AlertCategory::kLateralMovement;
  ev.correlation.kill_chain = true;
  ev.correlation.chain_tactics = {"execution", "lateral-movement"};
  CorrelationEntry earlier;
  earlier.alert_id = "early";
  earlier.rule_name = "Suspicious PowerShell execution";
  earlier.classification = "FALSE_POSITIVE";
  earlier.closed_by = "L1";
  earlier.techniques = {"T1059.001"};
  ev.correlation.related = {{&earlier, "host:wks-1", 36}};
  const Decision d = decide(make_alert("late"), ev, score_of(90), Config{}, catalog(), incidents);
  ASSERT_TRUE(d.incident.has_value());
  EXPECT_EQ(d.incident->alert_ids, (std::vector<std::string>{"early", "late"}));
  EXPECT_TRUE(has_action(d, ActionType::kReopenAlert, "early"));
  EXPECT_TRUE(std::any_of(d.attack.begin(), d.attack.end(), [](const AttackEntry& a) {
    return a.technique_id == "T1059.001" && a.source == MappingSource::kCorrelation;
  }));
  // A later alert of the same chain joins the same incident.
  ev.correlation.related = {{&earlier, "host:wks-1", 40}};
  const Decision later =
      decide(make_alert("later"), ev, score_of(90), Config{}, catalog(), incidents);
  ASSERT_TRUE(later.incident.has_value());
  EXPECT_EQ(later.incident->id, d.incident->id);
  EXPECT_EQ(later.incident->alert_count, 3u);
}

// A decision lists its incident's most recent alerts, the count gives the size; the store's
// incident row gets a longer window, read from the tracker without copying.
TEST(IncidentTrackerLists, DecisionsListTheMostRecentAndTheCountKeepsTheScale) {
  IncidentTracker incidents;
  std::vector<std::string> ids;
  for (int i = 0; i < 130; ++i) ids.push_back("a-" + std::to_string(i));
  Incident last;
  for (std::size_t i = 1; i < ids.size(); ++i)
    last = incidents.assign(ids[i], {std::string_view(ids[i - 1])}, {"execution"});
  EXPECT_EQ(last.alert_count, 130u);
  ASSERT_EQ(last.alert_ids.size(), IncidentTracker::kListedInDecision);
  EXPECT_EQ(last.alert_ids.front(), ids[130 - IncidentTracker::kListedInDecision]);
  EXPECT_EQ(last.alert_ids.back(), "a-129");
  const auto row = incidents.recent_members(last.id, IncidentTracker::kListedInRecord);
  ASSERT_EQ(row.size(), IncidentTracker::kListedInRecord);
  EXPECT_EQ(row.front(), ids[130 - IncidentTracker::kListedInRecord]);
  EXPECT_EQ(row.back(), "a-129");
  EXPECT_EQ(incidents.recent_members(last.id, 1000).size(), 130u);
  EXPECT_TRUE(incidents.recent_members("INC-unknown", 10).empty());
}

TEST(Decide, LateralMovementToDomainControllerPredictsCredentialDumping) {
  IncidentTracker incidents;
  Asset dc{"SRV-DC-01", "10.0.0.1", "domain_controller", "critical", "", "", {}};
  Evidence ev;
  ev.category = AlertCategory::kLateralMovement;
  ev.assets = {{&dc, "srv-dc-01", Role::kTarget}};
  const Decision d = decide(make_alert(), ev, score_of(80), Config{}, catalog(), incidents);
  auto it = std::find_if(d.attack.begin(), d.attack.end(),
                         [](const AttackEntry& a) { return a.technique_id == "T1003"; });
  ASSERT_NE(it, d.attack.end());
  EXPECT_TRUE(it->predicted);
}

TEST(Decide, EveryEscalationCarriesATicketAndABriefing) {
  IncidentTracker incidents;
  const Decision d = decide(make_alert(), Evidence{}, score_of(85), Config{}, catalog(), incidents);
  EXPECT_NE(d.escalation.level, EscalationLevel::kNone);
  EXPECT_TRUE(has_action(d, ActionType::kCreateTicket));
  EXPECT_NE(d.briefing.find("Hypotheses"), std::string::npos);
}

}  // namespace
}  // namespace soc
