// Store stage contract: durable record of every alert, each stage's state, decisions, incidents,
// quarantined inputs and the hash-chained audit trail.
//
// Input: TriageRecord / QuarantineRecord values built by the engine. Output: audit references,
// stored rows for replay and correlation. Threading: one Store per thread; SQLite connections
// are not shared. Failure: every call returns a Status/Result, never throws. Writes are batched:
// a record is durable once flush() returned ok (or the batch filled and committed itself).
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/correlation.hpp"
#include "core/result.hpp"
#include "core/time.hpp"

namespace soc {

struct AuditRef {
  std::int64_t record = 0;  // sequence number in the audit chain
  std::string hash;         // hex SHA-256 of this audit record
};

struct IncidentRecord {
  std::string id;
  std::vector<std::string> alert_ids;
  std::vector<std::string> tactics;
};

// Everything one alert's triage produced, written together in one batch slot.
struct TriageRecord {
  std::string alert_id;
  std::string format;                    // source format name
  std::optional<TimestampMs> alert_time;
  std::string raw;                       // original bytes of the alert
  std::string stage_states_json;         // {"normalize":{...},"extract":[...],...}: each stage's output
  std::string decision_json;             // the decision as printed, without its "audit" member
  std::string classification;
  std::string severity;
  std::string priority;
  int risk_score = 0;
  CorrelationEntry correlation;
  std::optional<IncidentRecord> incident;
};

struct QuarantineRecord {
  std::string input_ref;   // "file.json:12" or "file.json@4096"
  ErrorCode code{};
  std::string message;
  std::string bytes;       // the rejected input, whole
};

struct StoredTriage {
  std::int64_t seq = 0;
  std::string alert_id;
  std::string format;
  std::string raw;
  std::string decision_json;
};

struct AuditVerifyReport {
  bool ok = true;
  std::int64_t records_checked = 0;
  std::optional<std::int64_t> first_bad_record;
  std::string problem;  // what did not match, for people
};

class Store {
 public:
  virtual ~Store() = default;
  // Queues the record in the current batch; commits when the batch is full.
  virtual Result<AuditRef> record_triage(const TriageRecord& record) = 0;
  virtual Status quarantine(const QuarantineRecord& record) = 0;
  virtual Status flush() = 0;  // commit what is pending
  virtual Result<std::vector<StoredTriage>> load_triages() = 0;                // in arrival order
  virtual Result<std::vector<CorrelationEntry>> load_correlation(TimestampMs since) = 0;
  virtual Result<std::int64_t> quarantine_count() = 0;
  virtual Result<AuditVerifyReport> verify_audit() = 0;
  virtual Result<std::optional<StoredTriage>> find_triage(const std::string& alert_id) = 0;
};

struct SqliteOptions {
  std::string path = ":memory:";
  int batch_size = 1000;
  bool synchronous_full = true;
  std::size_t compress_over_bytes = 1024;  // blobs larger than this are zstd-compressed
};
Result<std::unique_ptr<Store>> open_sqlite_store(const SqliteOptions& options, const class Clock& clock);

}  // namespace soc
