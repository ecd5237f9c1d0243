// Wazuh alerts (one line of alerts.json, or the same document from the Wazuh indexer):
// rule.id/level/description/groups/mitre, agent, data.* decoded fields, syscheck, full_log.
#pragma once
#include "parse/normalizer.hpp"

namespace soc {

class WazuhNormalizer final : public Normalizer {
 public:
  SourceFormat format() const override { return SourceFormat::kWazuh; }
  int detect(simdjson::dom::element document) const override;
  Result<Alert> normalize(simdjson::dom::element document) const override;
};

// Wazuh rule level (0-15) to our severity, with the bands of Wazuh's own dashboards:
// 0-6 low, 7-11 medium, 12-14 high, 15 critical.
Severity severity_from_wazuh_level(std::int64_t level);

}  // namespace soc
