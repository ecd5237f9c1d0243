// Score stage contract: a composite risk score 0-100 from weighted, explained factors.
//
// Input: the Alert, the investigation's Evidence and the Config. Output: the factors (each with
// points, weight and one sentence) and their sum clamped to 0-100, so the score can be recomputed
// and explained; plus the reputation summary the decision reasons over. Threading: pure
// function. Failure: none; missing evidence contributes nothing and is said so in the factor.
#pragma once
#include <string>
#include <vector>

#include "config/config.hpp"
#include "investigate/evidence.hpp"

namespace soc {

struct ScoreFactor {
  std::string name;  // ioc_reputation, asset_criticality, identity, attack_technique, time_context,
                     // correlated_signals, similar_alert_history, outcome
  double points = 0;
  double weight = 1;
  std::string detail;
};

struct ReputationSummary {
  double strength = 0;     // 0..1, after category weights and GreyNoise context
  std::string observable;  // the most incriminated observable
  std::vector<std::string> malicious_providers;  // providers that call it malicious
  bool benign_noise = false;                     // GreyNoise benign / RIOT
  bool opportunistic = false;                    // seen mass-scanning the internet
  bool allow_listed = false;
  std::vector<std::string> disagreements;
};

struct RiskScore {
  int total = 0;
  double confidence = 0.5;
  std::vector<ScoreFactor> factors;
  ReputationSummary reputation;
  // Outcome as the decision needs it: did the attack demonstrably fail, or succeed?
  bool attack_failed = false;
  bool attack_succeeded = false;
};

RiskScore score_alert(const Alert& alert, const Evidence& evidence, const Config& config);

}  // namespace soc
