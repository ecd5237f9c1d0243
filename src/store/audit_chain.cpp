// Field order of each audit hash. Changing anything here invalidates every stored chain: add a
// new domain tag ("...v2") instead and keep the old definition for verification.
#include "store/audit_chain.hpp"

namespace soc::store {

std::string triage_payload_hash(Sha256& sha, const TriagePayload& p) {
  sha.begin();
  sha.field("soc-triage/triage/v1");
  sha.field(p.seq);
  sha.field(p.alert_id);
  sha.field(p.format);
  // Absent and present times must differ: an absent time is an empty field, a present one
  // always has at least one digit.
  if (p.alert_time) {
    sha.field(*p.alert_time);
  } else {
    sha.field(std::string_view());
  }
  sha.field(p.received_at);
  sha.field(p.raw);
  sha.field(p.stage_states);
  sha.field(p.decision_alert_id);
  sha.field(p.classification);
  sha.field(p.severity);
  sha.field(p.priority);
  sha.field(p.risk_score);
  sha.field(p.decision);
  sha.field(p.correlation_alert_id);
  sha.field(p.correlation_time);
  sha.field(p.rule_name);
  sha.field(p.entities_json);
  sha.field(p.tactics_json);
  sha.field(p.techniques_json);
  sha.field(p.correlation_classification);
  sha.field(p.closed_by);
  sha.field(p.correlation_risk_score);
  return sha.finish_hex();
}

std::string quarantine_payload_hash(Sha256& sha, const QuarantinePayload& p) {
  sha.begin();
  sha.field("soc-triage/quarantine/v1");
  sha.field(p.seq);
  sha.field(p.received_at);
  sha.field(p.input_ref);
  sha.field(p.error_code);
  sha.field(p.message);
  sha.field(p.bytes);
  return sha.finish_hex();
}

std::string audit_record_hash(Sha256& sha, const AuditFields& f) {
  sha.begin();
  sha.field("soc-triage/audit/v1");
  sha.field(f.seq);
  sha.field(f.time);
  sha.field(f.kind);
  sha.field(f.ref);
  sha.field(f.payload_hash);
  sha.field(f.prev_hash);
  return sha.finish_hex();
}

}  // namespace soc::store
