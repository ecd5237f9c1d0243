// Store stage contract: durable record of every alert, each stage's state, decisions, incidents,
// quarantined inputs and the hash-chained audit trail.
//
// Input: TriageRecord / QuarantineRecord values built by the engine. Output: audit references,
// stored rows for replay and correlation. Threading: one Store per thread; SQLite connections
// are not shared. Failure: every call returns a Status/Result, never throws. Writes are batched:
// a record is durable once flush() returned ok (or the batch filled and committed itself).
// Reads (load_*, find_triage, quarantine_count, verify_audit) see committed records only: call
// flush() first to include the pending batch. A failed commit never drops anything: the pending
// records stay queued and the next record_triage()/quarantine()/flush() retries them.
// One writer per database: a second process appending to the same chain is detected at commit.
//
// Durable intake (the inbox): webhook, watched-directory and pull sources hand alerts to
// accept_inbound(), which commits them (and the source's cursor) in one transaction before it
// returns, so a source acknowledges only what is on disk. A triage or quarantine recorded with
// the inbox id marks that inbox row done in the same commit as its own rows: after a crash an
// inbox row is either done with exactly one triage, or still pending and triaged again. Other
// connections to the same file (one intake writer, one triage writer) may run at once.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/correlation.hpp"
#include "core/result.hpp"
#include "core/time.hpp"

namespace soc {

struct AuditRef {
  std::int64_t record = 0;  // sequence number in the audit chain
  std::string hash;         // hex SHA-256 of this audit record
};

// Views of the caller's lists (the engine's incident tracker holds them): the store encodes
// them when it records the triage and keeps no reference.
struct IncidentRecord {
  std::string id;
  std::span<const std::string> alert_ids;  // the most recent ones of a large incident
  std::span<const std::string> tactics;
};

// Everything one alert's triage produced, written together in one batch slot.
struct TriageRecord {
  std::string alert_id;
  std::string format;  // source format name
  std::optional<TimestampMs> alert_time;
  std::string raw;                // original bytes of the alert
  std::string stage_states_json;  // {"normalize":{...},"extract":[...],...}: each stage's output
  std::string decision_json;      // the decision as printed, without its "audit" member
  std::string classification;
  std::string severity;
  std::string priority;
  int risk_score = 0;
  CorrelationEntry correlation;
  std::optional<IncidentRecord> incident;
  std::optional<std::int64_t> inbox_id;  // the inbox row this triage completes
};

struct QuarantineRecord {
  std::string input_ref;  // "file.json:12" or "file.json@4096"
  ErrorCode code{};
  std::string message;
  std::string bytes;                     // the rejected input, whole
  std::optional<std::int64_t> inbox_id;  // the inbox row this quarantine completes
};

// One alert as a source delivered it, before any triage.
struct InboundAlert {
  // Idempotency key within the source: the source's own alert id, or "sha256:<hex of bytes>"
  // for an alert without one. A second alert with the same key from the same source is a
  // duplicate: not stored again, reported as such.
  std::string dedup_key;
  std::string input_ref;  // "webhook:splunk-prod#3", "watch:/var/alerts/a.jsonl:12"
  std::string format;     // forced format name, or empty for auto-detection
  std::string bytes;
};

// Where a source stands, committed with the alerts it covers (a pull connector's search_after
// values, a watched file's offset).
struct CursorUpdate {
  std::string name;
  std::string value;
};

struct InboundOutcome {
  std::vector<bool> stored;  // per alert: true when new, false when a duplicate
  std::size_t accepted = 0;
  std::size_t duplicates = 0;
};

// One delivery of a group commit: what accept_inbound() takes, for one source.
struct InboundBatch {
  std::string source;
  std::vector<InboundAlert> alerts;
  std::optional<CursorUpdate> cursor;
};

struct PendingInbound {
  std::int64_t id = 0;
  std::string source;
  std::string input_ref;
  std::string format;
  std::string bytes;
  TimestampMs received_at = 0;
};

struct InboxCounts {
  std::int64_t pending = 0;  // accepted, not yet triaged or quarantined
  std::int64_t done = 0;
};

struct StoredTriage {
  std::int64_t seq = 0;
  std::string alert_id;
  std::string format;
  std::string raw;
  std::string decision_json;
  std::string stage_states_json;
  std::optional<TimestampMs> alert_time;
  TimestampMs received_at = 0;  // Clock time of record_triage()
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
  // Queues the record in the current batch; commits when the batch is full. An error means
  // this record was not accepted (do re-submit it); records accepted earlier stay queued.
  virtual Result<AuditRef> record_triage(const TriageRecord& record) = 0;
  virtual Status quarantine(const QuarantineRecord& record) = 0;  // batched like record_triage
  virtual Status flush() = 0;                                     // commit what is pending
  virtual Result<std::vector<StoredTriage>> load_triages() = 0;   // in arrival order
  virtual Result<std::vector<CorrelationEntry>> load_correlation(TimestampMs since) = 0;
  virtual Result<std::int64_t> quarantine_count() = 0;
  virtual Result<AuditVerifyReport> verify_audit() = 0;
  // The same source alert id may be triaged more than once (a re-sent alert): every triage is
  // kept, and this returns the latest one.
  virtual Result<std::optional<StoredTriage>> find_triage(const std::string& alert_id) = 0;

  // Durable intake. Commits the new alerts of `alerts` and the cursor in one transaction
  // (independent of the triage batch) and returns only after the commit: an error means
  // nothing of the call was stored. `source` names the sender ("webhook:splunk-prod").
  virtual Result<InboundOutcome> accept_inbound(std::string_view source,
                                                std::span<const InboundAlert> alerts,
                                                const std::optional<CursorUpdate>& cursor) = 0;
  // Several deliveries in one transaction (one fsync): the webhook groups concurrent requests.
  // All or nothing; one outcome per batch.
  virtual Result<std::vector<InboundOutcome>> accept_inbound_group(
      std::span<const InboundBatch> batches) = 0;
  virtual Result<std::optional<std::string>> read_cursor(std::string_view name) = 0;
  // Inbox rows not yet done, oldest first, with an id above `after_id`.
  virtual Result<std::vector<PendingInbound>> pending_inbound(std::int64_t after_id,
                                                              std::size_t limit) = 0;
  virtual Result<InboxCounts> inbox_counts() = 0;
};

// LZ4: about twice as fast to write as zstd, a fifth more bytes on disk (src/store/README.md).
enum class StoreCompression { kLz4, kZstd };

struct SqliteOptions {
  std::string path = ":memory:";
  int batch_size = 1000;
  bool synchronous_full = true;            // else synchronous=NORMAL (WAL: may lose the last
                                           // commits on power loss, never corrupts)
  std::size_t compress_over_bytes = 1024;  // bodies (alert, states, decision together),
                                           // inbox and quarantined inputs larger than this
                                           // are compressed
  StoreCompression compression = StoreCompression::kLz4;  // what new blobs are written with;
                                                          // a file may hold both
  int compression_level = -3;                             // zstd level (see src/store/README.md)
  std::size_t dictionary_bytes = 128u << 10;  // zstd dictionary built from sampled records
                                              // and kept in the file; 0: none (see README)
  std::size_t max_blob_bytes = 64u << 20;     // a larger raw alert, stage states or decision
                                              // is refused when recorded (a quarantined input
                                              // keeps its first bytes) and when read back
  int commit_attempts = 5;                    // tries of one batch commit before it reports
  int retry_backoff_ms = 5;                   // first wait between tries; doubles each time
  int busy_timeout_ms = 200;                  // SQLite's own wait for a lock, per statement
  int page_size = 16384;                      // for new files only (see src/store/README.md)
  int cache_kib = 32768;                      // SQLite page cache of the connection
};

inline constexpr std::int64_t kSqliteStoreSchemaVersion = 3;  // PRAGMA user_version
// Creates the file and schema when missing; refuses any other schema version (older files keep
// their own audit hash definitions) or a database that is not a soc-triage store. `clock` stamps
// received_at and audit times and must outlive the store. The file format (tables, hashes) is
// described in src/store/README.md.
Result<std::unique_ptr<Store>> open_sqlite_store(const SqliteOptions& options,
                                                 const class Clock& clock);

}  // namespace soc
