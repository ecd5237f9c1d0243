// Splunk alerts: Enterprise Security notable events (search results over index=notable, CIM
// field names) and the webhook alert-action payload {"result": {...}, "sid", "search_name", ...}.
#pragma once
#include "parse/normalizer.hpp"

namespace soc {

class SplunkNormalizer final : public Normalizer {
 public:
  SourceFormat format() const override { return SourceFormat::kSplunk; }
  int detect(simdjson::dom::element document) const override;
  Result<Alert> normalize(simdjson::dom::element document) const override;
};

}  // namespace soc
