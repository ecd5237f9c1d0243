// Field order of each audit hash; changing it invalidates every stored chain (add a "v2" tag).
#include "store/audit_chain.hpp"

#include <charconv>

#include "core/sha256.hpp"

namespace soc::store {
namespace {

// Integers enter the hash as decimal text, so the definition needs no byte-order convention.
void field(Sha256& sha, std::int64_t value) {
  char text[24];
  const auto end = std::to_chars(text, text + sizeof text, value).ptr;
  sha.update_field(std::string_view(text, static_cast<std::size_t>(end - text)));
}
void field(Sha256& sha, std::string_view bytes) {
  sha.update_field(bytes);
}

}  // namespace

std::string triage_payload_hash(const TriagePayload& p) {
  Sha256 sha;
  field(sha, "soc-triage/triage/v1");
  field(sha, p.seq);
  field(sha, p.alert_id);
  field(sha, p.format);
  // Absent and present times must differ: an absent time is an empty field, a present one
  // always has at least one digit.
  if (p.alert_time) {
    field(sha, *p.alert_time);
  } else {
    field(sha, std::string_view());
  }
  field(sha, p.received_at);
  field(sha, p.raw);
  field(sha, p.stage_states);
  field(sha, p.decision_alert_id);
  field(sha, p.classification);
  field(sha, p.severity);
  field(sha, p.priority);
  field(sha, p.risk_score);
  field(sha, p.decision);
  field(sha, p.correlation_alert_id);
  field(sha, p.correlation_time);
  field(sha, p.rule_name);
  field(sha, p.entities_json);
  field(sha, p.tactics_json);
  field(sha, p.techniques_json);
  field(sha, p.correlation_classification);
  field(sha, p.closed_by);
  field(sha, p.correlation_risk_score);
  return sha.hex_digest();
}

std::string quarantine_payload_hash(const QuarantinePayload& p) {
  Sha256 sha;
  field(sha, "soc-triage/quarantine/v1");
  field(sha, p.seq);
  field(sha, p.received_at);
  field(sha, p.input_ref);
  field(sha, p.error_code);
  field(sha, p.message);
  field(sha, p.bytes);
  return sha.hex_digest();
}

std::string audit_record_hash(const AuditFields& f) {
  Sha256 sha;
  field(sha, "soc-triage/audit/v1");
  field(sha, f.seq);
  field(sha, f.time);
  field(sha, f.kind);
  field(sha, f.ref);
  field(sha, f.payload_hash);
  field(sha, f.prev_hash);
  return sha.hex_digest();
}

}  // namespace soc::store
