// Field order of each audit hash; changing it invalidates every stored chain (add a new tag).
#include "store/audit_chain.hpp"

#include <charconv>
#include <cstring>

#include "core/sha256.hpp"

namespace soc::store {
namespace {

// Gathers short fields in a local buffer so the digest sees a few large updates rather than
// two per field; the bytes hashed are exactly the field encoding, whatever the buffering.
class FieldHasher {
 public:
  void field(std::int64_t value) {
    // Integers enter the hash as decimal text, so the definition needs no byte-order rule.
    char text[24];
    const auto end = std::to_chars(text, text + sizeof text, value).ptr;
    field(std::string_view(text, static_cast<std::size_t>(end - text)));
  }
  void field(std::string_view bytes) {
    unsigned char prefix[8];
    std::uint64_t size = bytes.size();
    for (unsigned char& byte : prefix) {
      byte = static_cast<unsigned char>(size);
      size >>= 8;
    }
    append(std::string_view(reinterpret_cast<const char*>(prefix), sizeof prefix));
    append(bytes);
  }
  // Absent and present values must differ: an absent one is an empty field, a present
  // integer always has at least one digit.
  void field(const std::optional<std::int64_t>& value) {
    if (value) {
      field(*value);
    } else {
      field(std::string_view());
    }
  }
  std::string hex_digest() {
    flush();
    return sha_.hex_digest();
  }

 private:
  void append(std::string_view bytes) {
    if (bytes.size() > sizeof buffer_ - used_) {
      flush();
      if (bytes.size() >= sizeof buffer_ / 2) {
        sha_.update(bytes);
        return;
      }
    }
    std::memcpy(buffer_ + used_, bytes.data(), bytes.size());
    used_ += bytes.size();
  }
  void flush() {
    if (used_ > 0) sha_.update(std::string_view(buffer_, used_));
    used_ = 0;
  }

  Sha256 sha_;
  char buffer_[1024];
  std::size_t used_ = 0;
};

}  // namespace

std::string triage_payload_hash(const TriagePayload& p) {
  FieldHasher h;
  h.field("soc-triage/triage/v2");
  h.field(p.seq);
  h.field(p.alert_id);
  h.field(p.format);
  h.field(p.alert_time);
  h.field(p.received_at);
  h.field(p.classification);
  h.field(p.severity);
  h.field(p.priority);
  h.field(p.risk_score);
  h.field(p.raw_size);
  h.field(p.state_size);
  h.field(p.decision_size);
  h.field(p.codec);
  h.field(p.dictionary_id);
  h.field(p.dictionary_sha256);
  h.field(p.body);
  h.field(p.correlation_alert_id);
  h.field(p.correlation_time);
  h.field(p.rule_name);
  h.field(p.entities_json);
  h.field(p.tactics_json);
  h.field(p.techniques_json);
  h.field(p.correlation_classification);
  h.field(p.closed_by);
  h.field(p.correlation_risk_score);
  return h.hex_digest();
}

std::string quarantine_payload_hash(const QuarantinePayload& p) {
  FieldHasher h;
  h.field("soc-triage/quarantine/v2");
  h.field(p.seq);
  h.field(p.received_at);
  h.field(p.input_ref);
  h.field(p.error_code);
  h.field(p.message);
  h.field(p.codec);
  h.field(p.bytes);
  return h.hex_digest();
}

std::string audit_record_hash(const AuditFields& f) {
  FieldHasher h;
  h.field("soc-triage/audit/v1");
  h.field(f.seq);
  h.field(f.time);
  h.field(f.kind);
  h.field(f.ref);
  h.field(f.payload_hash);
  h.field(f.prev_hash);
  return h.hex_digest();
}

}  // namespace soc::store
