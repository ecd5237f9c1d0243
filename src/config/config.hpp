// Configuration: YAML parsed into typed structs with in-class defaults (SPEC thresholds and
// rules). Unknown keys are errors, so a typo never silently falls back to a default.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"

namespace soc {

// SPEC section 8.
enum class OperatingMode { kShadow, kAssisted, kSemiAutonomous, kAutonomous };
std::string_view to_string(OperatingMode mode);

struct Thresholds {
  int critical = 75;      // score > critical: TRUE_POSITIVE, critical
  int true_positive = 50; // score >= true_positive: TRUE_POSITIVE, to investigate
  int review = 25;        // score >= review: NEEDS_REVIEW; below: FALSE_POSITIVE
  int auto_close = 15;    // semi-autonomous mode closes false positives below this score
};

struct CorrelationConfig {
  int burst_alerts = 5;                 // this many alerts on one host or user...
  int burst_window_minutes = 15;        // ...within this window trigger preventive containment
  int kill_chain_window_hours = 168;    // alerts this close on shared entities can form a chain
  int history_days = 30;                // similar-alert and baseline look-back
  int related_alert_window_hours = 72;  // earlier alerts on the same entities worth re-reading
};

struct BusinessRules {
  // SPEC section 6: any alert touching these is P1 whatever the score.
  std::vector<std::string> critical_asset_roles{"domain_controller", "scada"};
  std::vector<std::string> critical_database_tags{"production"};
  bool critical_criticality_is_p1 = true;  // inventory criticality "critical" also means P1
  std::vector<std::string> vip_notify{"sms"};
  std::vector<std::string> vip_groups{"Domain Admins", "Enterprise Admins", "Executives"};
};

struct ActionDefaults {
  int block_ip_days = 30;
};

struct OrganizationConfig {
  std::string name = "default";
  int utc_offset_minutes = 0;  // local time of the organization, for hour-of-day reasoning
  int business_hours_start = 8;
  int business_hours_end = 19;
  std::vector<std::string> internal_domains;  // e-mail/domain suffixes that are ours
};

struct LimitsConfig {
  std::int64_t max_alert_bytes = 4 << 20;
  int max_json_depth = 128;
};

struct StoreConfig {
  std::string path;  // empty: in-memory
  int batch_size = 1000;
  bool synchronous_full = true;
};

struct Config {
  OperatingMode mode = OperatingMode::kAssisted;
  OrganizationConfig organization;
  Thresholds thresholds;
  CorrelationConfig correlation;
  BusinessRules rules;
  ActionDefaults actions;
  LimitsConfig limits;
  StoreConfig store;
  std::string context_dir;
  std::string data_dir;  // ATT&CK catalog and knowledge base; empty: next to the binary / source tree
  // Per alert category, per provider: how much that source's reputation counts (SPEC section 4).
  // Category "default" applies where a category has no entry of its own.
  std::map<std::string, std::map<std::string, double>> provider_weights = default_provider_weights();

  static std::map<std::string, std::map<std::string, double>> default_provider_weights();
  double provider_weight(const std::string& category, const std::string& provider) const;
};

Result<Config> load_config(const std::string& path);
Result<Config> parse_config(const std::string& yaml_text);
Status validate(const Config& config);

}  // namespace soc
