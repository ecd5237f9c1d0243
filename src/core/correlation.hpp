// The compact trace an alert leaves for correlating later ones (kill chains, bursts, history).
#pragma once
#include <string>
#include <vector>

#include "core/time.hpp"

namespace soc {

struct CorrelationEntry {
  std::string alert_id;
  TimestampMs time = 0;
  std::string rule_name;
  std::vector<std::string> entities;    // "host:wks-01", "user:alice", "ip:203.0.113.5"
  std::vector<std::string> tactics;     // ATT&CK tactic short names
  std::vector<std::string> techniques;  // "T1059.001"
  std::string classification;           // TRUE_POSITIVE / FALSE_POSITIVE / NEEDS_REVIEW
  std::string closed_by;                // "agent", "L1", ...
  int risk_score = 0;
};

}  // namespace soc
