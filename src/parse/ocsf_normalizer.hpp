// OCSF findings: Detection Finding (class_uid 2004) and Security Finding (2001), and with less
// confidence the other Findings classes and OCSF events. Entities come from the endpoints,
// actor, device, evidences[] and observables[] (whose "name" path gives the role).
#pragma once
#include "parse/normalizer.hpp"

namespace soc {

class OcsfNormalizer final : public Normalizer {
 public:
  SourceFormat format() const override { return SourceFormat::kOcsf; }
  int detect(simdjson::dom::element document) const override;
  Result<Alert> normalize(simdjson::dom::element document) const override;
};

// OCSF severity_id: 1 Informational, 2 Low, 3 Medium, 4 High, 5 Critical, 6 Fatal.
std::optional<Severity> severity_from_ocsf_id(std::int64_t severity_id);

}  // namespace soc
