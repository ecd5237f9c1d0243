// Generic JSON alerts: common field names from webhooks and home-grown tools, and every string
// leaf offered to the extractor, so nothing in an unknown layout goes unseen.
#pragma once
#include "parse/normalizer.hpp"

namespace soc {

class GenericNormalizer final : public Normalizer {
 public:
  SourceFormat format() const override { return SourceFormat::kGeneric; }
  int detect(simdjson::dom::element document) const override;
  Result<Alert> normalize(simdjson::dom::element document) const override;
};

}  // namespace soc
