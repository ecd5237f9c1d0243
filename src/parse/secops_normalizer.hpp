// Google SecOps (Chronicle) alerts: rule detections (detection[].ruleName/ruleId, ruleLabels,
// collectionElements[].references[].event as UDM) and UDM events that carry a securityResult.
// Field names are accepted in the API's camelCase and in the snake_case of UDM exports.
#pragma once
#include "parse/normalizer.hpp"

namespace soc {

class SecopsNormalizer final : public Normalizer {
 public:
  SourceFormat format() const override { return SourceFormat::kSecops; }
  int detect(simdjson::dom::element document) const override;
  Result<Alert> normalize(simdjson::dom::element document) const override;
};

}  // namespace soc
