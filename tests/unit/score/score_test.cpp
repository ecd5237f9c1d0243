// Scoring: each factor moves the way an analyst expects, and the total is the sum of its factors.
#include "score/score.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numeric>

namespace soc {
namespace {

constexpr TimestampMs kAlertTime = 1'773'000'000'000;  // 2026-03-08

EnrichmentPtr intel(std::string provider, std::string value, LookupStatus status, Verdict verdict,
                    void (*fill)(IntelFacts&) = nullptr) {
  auto e = std::make_shared<Enrichment>();
  e->provider = std::move(provider);
  e->observable = std::move(value);
  e->status = status;
  e->verdict = verdict;
  if (fill) fill(e->facts);
  return e;
}

Alert alert_at(TimestampMs t) {
  Alert a;
  a.id = "a1";
  a.rule_name = "test";
  a.timestamp = t;
  return a;
}

const ScoreFactor& factor(const RiskScore& s, std::string_view name) {
  for (const auto& f : s.factors)
    if (f.name == name) return f;
  static ScoreFactor none{"missing", 0, 0, ""};
  ADD_FAILURE() << "no factor " << name;
  return none;
}

TEST(Score, TotalIsTheClampedSumOfFactors) {
  Evidence ev;
  ev.category = AlertCategory::kMalware;
  ev.enrichments.push_back(
      intel("virustotal", "h", LookupStatus::kOk, Verdict::kMalicious,
            [](IntelFacts& f) { f.engines_malicious = 30, f.engines_total = 70; }));
  const auto s = score_alert(alert_at(kAlertTime), ev, Config{});
  const double sum =
      std::accumulate(s.factors.begin(), s.factors.end(), 0.0,
                      [](double acc, const ScoreFactor& f) { return acc + f.points; });
  EXPECT_EQ(s.total, static_cast<int>(std::lround(sum)));
  for (const auto& f : s.factors) EXPECT_FALSE(f.detail.empty()) << f.name;
}

TEST(Score, EngineDetectionsDriveReputationForFiles) {
  Evidence many, few;
  many.category = few.category = AlertCategory::kPhishing;
  many.enrichments.push_back(
      intel("virustotal", "h", LookupStatus::kOk, Verdict::kMalicious,
            [](IntelFacts& f) { f.engines_malicious = 47, f.engines_total = 72; }));
  few.enrichments.push_back(
      intel("virustotal", "h", LookupStatus::kOk, Verdict::kSuspicious,
            [](IntelFacts& f) { f.engines_malicious = 2, f.engines_total = 72; }));
  const auto a = score_alert(alert_at(kAlertTime), many, Config{});
  const auto b = score_alert(alert_at(kAlertTime), few, Config{});
  EXPECT_EQ(factor(a, "ioc_reputation").points, 40);
  EXPECT_LT(factor(b, "ioc_reputation").points, 20);
  EXPECT_GT(factor(b, "ioc_reputation").points, 0);
}

TEST(Score, AbuseReportsWeighMoreForBruteForceThanForExfiltration) {
  auto abuse = intel("abuseipdb", "203.0.113.5", LookupStatus::kOk, Verdict::kMalicious,
                     [](IntelFacts& f) { f.abuse_confidence = 100, f.total_reports = 500; });
  Evidence brute, exfil;
  brute.category = AlertCategory::kBruteForce;
  exfil.category = AlertCategory::kExfiltration;
  brute.enrichments.push_back(abuse);
  exfil.enrichments.push_back(abuse);
  EXPECT_GT(factor(score_alert(alert_at(kAlertTime), brute, Config{}), "ioc_reputation").points,
            factor(score_alert(alert_at(kAlertTime), exfil, Config{}), "ioc_reputation").points);
}

TEST(Score, GreyNoiseBenignScannerLowersTheThreat) {
  auto abuse = intel("abuseipdb", "203.0.113.5", LookupStatus::kOk, Verdict::kMalicious,
                     [](IntelFacts& f) { f.abuse_confidence = 80, f.total_reports = 50; });
  Evidence plain, benign;
  plain.category = benign.category = AlertCategory::kReconnaissance;
  plain.enrichments.push_back(abuse);
  benign.enrichments = {abuse,
                        intel("greynoise", "203.0.113.5", LookupStatus::kOk, Verdict::kBenign,
                              [](IntelFacts& f) { f.riot = true, f.internet_noise = true; })};
  const auto p = score_alert(alert_at(kAlertTime), plain, Config{});
  const auto b = score_alert(alert_at(kAlertTime), benign, Config{});
  EXPECT_LT(factor(b, "ioc_reputation").points, factor(p, "ioc_reputation").points / 2);
  EXPECT_TRUE(b.reputation.benign_noise);
}

TEST(Score, FlaggedButUnknownToGreyNoiseIsWeightedUp) {
  auto vt = intel("virustotal", "203.0.113.5", LookupStatus::kOk, Verdict::kMalicious,
                  [](IntelFacts& f) { f.engines_malicious = 6, f.engines_total = 90; });
  Evidence alone, unseen;
  alone.category = unseen.category = AlertCategory::kCommandAndControl;
  alone.enrichments = {vt};
  unseen.enrichments = {
      vt, intel("greynoise", "203.0.113.5", LookupStatus::kNotFound, Verdict::kUnknown)};
  EXPECT_GT(factor(score_alert(alert_at(kAlertTime), unseen, Config{}), "ioc_reputation").points,
            factor(score_alert(alert_at(kAlertTime), alone, Config{}), "ioc_reputation").points);
}

TEST(Score, FailedLookupsAreNeverReadAsClean) {
  Evidence ev;
  ev.category = AlertCategory::kMalware;
  ev.enrichments = {intel("virustotal", "h", LookupStatus::kTimeout, Verdict::kUnknown),
                    intel("abuseipdb", "h", LookupStatus::kRateLimited, Verdict::kUnknown)};
  const auto s = score_alert(alert_at(kAlertTime), ev, Config{});
  EXPECT_EQ(factor(s, "ioc_reputation").points, 0);
  EXPECT_FALSE(s.reputation.allow_listed);
}

TEST(Score, AllowListedIndicatorsSubtract) {
  Evidence ev;
  ev.category = AlertCategory::kOther;
  ev.enrichments = {
      intel("lists", "198.51.100.1", LookupStatus::kOk, Verdict::kBenign,
            [](IntelFacts& f) { f.allow_listed = true, f.lists = {"allowlist_partners"}; })};
  const auto s = score_alert(alert_at(kAlertTime), ev, Config{});
  EXPECT_LT(factor(s, "ioc_reputation").points, 0);
  EXPECT_TRUE(s.reputation.allow_listed);
}

TEST(Score, DomainAgeIsMeasuredFromTheAlertTime) {
  auto domain_registered = [](TimestampMs at) {
    auto e = std::make_shared<Enrichment>();
    e->provider = "rdap";
    e->observable = "example.test";
    e->status = LookupStatus::kOk;
    e->facts.registered_at = at;
    e->facts.registrant_redacted = true;
    return e;
  };
  Evidence fresh, month, old;
  fresh.enrichments = {domain_registered(kAlertTime - 48 * kHour)};
  month.enrichments = {domain_registered(kAlertTime - 20 * kDay)};
  old.enrichments = {domain_registered(kAlertTime - 5 * 365 * kDay)};
  EXPECT_EQ(factor(score_alert(alert_at(kAlertTime), fresh, Config{}), "correlated_signals").points,
            12);
  EXPECT_EQ(factor(score_alert(alert_at(kAlertTime), month, Config{}), "correlated_signals").points,
            5);
  EXPECT_EQ(factor(score_alert(alert_at(kAlertTime), old, Config{}), "correlated_signals").points,
            0);
  // The same facts judged at another alert time give another answer: the alert is the clock.
  EXPECT_EQ(
      factor(score_alert(alert_at(kAlertTime + 365 * kDay), fresh, Config{}), "correlated_signals")
          .points,
      0);
}

TEST(Score, AssetCriticalityAndExtraHighValueTargets) {
  Asset dc{"SRV-DC-01", "10.0.0.1", "domain_controller", "critical", "", "", {}};
  Asset file{"SRV-FILE-01", "10.0.0.2", "file_server", "high", "", "", {}};
  Asset wks{"WKS-1", "10.0.0.3", "workstation", "medium", "", "", {}};
  Evidence one, three;
  one.assets = {{&wks, "wks-1", Role::kSource}};
  three.assets = {{&wks, "wks-1", Role::kSource},
                  {&dc, "srv-dc-01", Role::kTarget},
                  {&file, "srv-file-01", Role::kTarget}};
  EXPECT_EQ(factor(score_alert(alert_at(kAlertTime), one, Config{}), "asset_criticality").points,
            6);
  EXPECT_EQ(factor(score_alert(alert_at(kAlertTime), three, Config{}), "asset_criticality").points,
            22);
}

TEST(Score, OutcomeSuccessRaisesFailureAndHardeningLower) {
  Evidence success, failed;
  success.outcome.queried = failed.outcome.queried = true;
  success.outcome.auth_from_source = AuthSummary{57, 1, kAlertTime - kMinute, {}};
  failed.outcome.auth_from_source = AuthSummary{57, 0, std::nullopt, {}};
  failed.outcome.hardening = {{"sshd.PermitRootLogin", "no"}};
  const auto s = score_alert(alert_at(kAlertTime), success, Config{});
  const auto f = score_alert(alert_at(kAlertTime), failed, Config{});
  EXPECT_EQ(factor(s, "outcome").points, 40);
  EXPECT_TRUE(s.attack_succeeded);
  EXPECT_EQ(factor(f, "outcome").points, -20);
  EXPECT_TRUE(f.attack_failed);
  EXPECT_FALSE(f.attack_succeeded);
}

TEST(Score, OffHoursAgainstTheBaselineAndUsualPatternLowers) {
  Evidence off, usual;
  off.category = usual.category = AlertCategory::kLateralMovement;
  off.baseline.available = usual.baseline.available = true;
  off.baseline.subject = usual.baseline.subject = "svc";
  off.baseline.off_hours = true;
  off.baseline.usual_hours = usual.baseline.usual_hours = "22:00-23:00";
  EXPECT_EQ(factor(score_alert(alert_at(kAlertTime), off, Config{}), "time_context").points, 10);
  EXPECT_EQ(factor(score_alert(alert_at(kAlertTime), usual, Config{}), "time_context").points, -5);
}

TEST(Score, WithoutBaselineBusinessHoursAreTheFallback) {
  Evidence ev;
  ev.category = AlertCategory::kSuspiciousLogin;
  Config cfg;
  const TimestampMs midnight = kAlertTime - kAlertTime % kDay;
  EXPECT_EQ(factor(score_alert(alert_at(midnight + 3 * kHour), ev, cfg), "time_context").points, 4);
  EXPECT_EQ(factor(score_alert(alert_at(midnight + 11 * kHour), ev, cfg), "time_context").points,
            0);
  cfg.organization.utc_offset_minutes = -10 * 60;  // 11:00 UTC is 01:00 local
  EXPECT_EQ(factor(score_alert(alert_at(midnight + 11 * kHour), ev, cfg), "time_context").points,
            4);
}

TEST(Score, KillChainAndBurstsAreCorrelatedSignals) {
  Asset dc{"SRV-DC-01", "10.0.0.1", "domain_controller", "critical", "", "", {}};
  Evidence ev;
  ev.assets = {{&dc, "srv-dc-01", Role::kTarget}};
  ev.correlation.kill_chain = true;
  ev.correlation.chain_tactics = {"execution", "lateral-movement"};
  ev.correlation.burst_count = 5;
  ev.correlation.burst_entity = "host:wks";
  const auto s = score_alert(alert_at(kAlertTime), ev, Config{});
  EXPECT_EQ(factor(s, "correlated_signals").points, 15 + 5 + 8);
}

TEST(Score, SimilarFalsePositivesLowerSimilarTruePositivesRaise) {
  Evidence fp, tp;
  fp.correlation.similar_false_positive = 2;
  tp.correlation.similar_true_positive = 2;
  EXPECT_EQ(factor(score_alert(alert_at(kAlertTime), fp, Config{}), "similar_alert_history").points,
            -8);
  EXPECT_EQ(factor(score_alert(alert_at(kAlertTime), tp, Config{}), "similar_alert_history").points,
            6);
}

}  // namespace
}  // namespace soc
