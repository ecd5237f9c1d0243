// Serve stage contract: the long-running service. Sources (the webhook, watched directories, pull
// connectors) hand deliveries to the IntakeWriter, which commits them to the store's inbox in
// group transactions before any source acknowledges; the TriageWorker drains the inbox through
// the engine, one decision per inbox row. Nothing accepted is lost: a crash at any point leaves
// every acknowledged alert either triaged once or pending in the inbox for the next start.
//
// This file: the gate every delivery passes first. It splits a body into records and gives each
// its idempotency key: the alert's own id as the normalizer reads it, or the SHA-256 of the bytes
// for a record that is not a valid alert (which is still stored, and quarantined by the triage
// worker with its error). Threading: admit() may run on many threads at once.
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/alert.hpp"
#include "core/result.hpp"
#include "intake/reader.hpp"
#include "parse/normalizer.hpp"
#include "store/store.hpp"

namespace soc::serve {

struct RecordRejection {
  std::size_t index = 0;  // position of the record in the delivery
  std::string ref;
  Error error;
};

struct GatedDelivery {
  std::vector<InboundAlert> alerts;       // every record, valid or not, in delivery order
  std::vector<RecordRejection> rejected;  // the records that will be quarantined
  std::vector<std::string> alert_ids;     // per record: the alert id (empty when rejected)
};

class IntakeGate {
 public:
  IntakeGate(std::shared_ptr<const NormalizerRegistry> normalizers, ReadLimits limits);

  // `ref_prefix` names the delivery ("webhook:splunk-prod/<request>"); records get "#<n>".
  GatedDelivery admit(std::string_view body, std::string_view ref_prefix,
                      std::optional<SourceFormat> forced) const;

 private:
  Result<std::string> alert_id(const InputRecord& record, std::optional<SourceFormat> forced) const;

  std::shared_ptr<const NormalizerRegistry> normalizers_;
  ReadLimits limits_;
};

}  // namespace soc::serve
