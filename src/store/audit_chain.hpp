// Audit-chain hash definitions, shared by the writer and verify_audit() so they cannot disagree.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace soc::store {

// Every hash input is a sequence of fields: an 8-byte little-endian length, then the bytes
// (integers as their decimal text), so each sequence has exactly one encoding. The field
// lists are in audit_chain.cpp and src/store/README.md.

inline constexpr std::string_view kGenesisHash =
    "0000000000000000000000000000000000000000000000000000000000000000";
inline constexpr std::string_view kKindTriage = "triage";
inline constexpr std::string_view kKindQuarantine = "quarantine";

// What one triage stored, as its triages and correlation rows hold it. The body is hashed as
// stored (compressed), with its codec, its dictionary's id and SHA-256 and the sizes that split
// it, so the verifier needs no decompression and every stored byte is covered.
struct TriagePayload {
  std::int64_t seq = 0;
  std::string_view alert_id;
  std::string_view format;
  std::optional<std::int64_t> alert_time;
  std::int64_t received_at = 0;
  std::string_view classification;
  std::string_view severity;
  std::string_view priority;
  std::int64_t risk_score = 0;
  std::int64_t raw_size = 0;
  std::int64_t state_size = 0;
  std::int64_t decision_size = 0;
  std::int64_t codec = 0;
  std::optional<std::int64_t> dictionary_id;
  std::string_view dictionary_sha256;  // hex of the dictionary's content; empty without one
  std::string_view body;               // stored bytes
  std::string_view correlation_alert_id;
  std::int64_t correlation_time = 0;
  std::string_view rule_name;
  std::string_view entities_json;
  std::string_view tactics_json;
  std::string_view techniques_json;
  std::string_view correlation_classification;
  std::string_view closed_by;
  std::int64_t correlation_risk_score = 0;
};

struct QuarantinePayload {
  std::int64_t seq = 0;
  std::int64_t received_at = 0;
  std::string_view input_ref;
  std::int64_t error_code = 0;
  std::string_view message;
  std::int64_t codec = 0;
  std::string_view bytes;  // stored bytes
};

struct AuditFields {
  std::int64_t seq = 0;
  std::int64_t time = 0;
  std::string_view kind;
  std::string_view ref;
  std::string_view payload_hash;
  std::string_view prev_hash;
};

std::string triage_payload_hash(const TriagePayload& payload);
std::string quarantine_payload_hash(const QuarantinePayload& payload);
std::string audit_record_hash(const AuditFields& fields);

}  // namespace soc::store
