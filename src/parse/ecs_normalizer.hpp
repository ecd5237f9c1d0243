// Elastic Security detection alerts and ECS documents (nested or flattened "kibana.alert.*").
#pragma once
#include "parse/normalizer.hpp"

namespace soc {

class EcsNormalizer final : public Normalizer {
 public:
  SourceFormat format() const override { return SourceFormat::kEcs; }
  int detect(simdjson::dom::element document) const override;
  Result<Alert> normalize(simdjson::dom::element document) const override;
};

// ECS event.severity / Elastic risk score (0-100) to our severity, using Elastic's own bands.
Severity severity_from_risk_score(std::int64_t score);

}  // namespace soc
