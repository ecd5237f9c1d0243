// Microsoft Sentinel SecurityAlert and SecurityIncident rows (Log Analytics query API rows as JSON
// objects, or CSV rows converted by sentinel_csv.hpp), with the Entities JSON (Account, Host, Ip,
// Process, File, FileHash, Mailbox, MailMessage, Url, ...) and its $id/$ref references.
#pragma once
#include "parse/normalizer.hpp"

namespace soc {

class SentinelNormalizer final : public Normalizer {
 public:
  SourceFormat format() const override { return SourceFormat::kSentinel; }
  int detect(simdjson::dom::element document) const override;
  // Entities, ExtendedProperties and the incident's dynamic columns may be JSON text inside
  // a string; malformed, oversized (> 1 MiB), too deep (> 32) or invalid UTF-8 text there is an
  // error for the whole alert rather than an alert silently missing its entities.
  Result<Alert> normalize(simdjson::dom::element document) const override;
};

}  // namespace soc
