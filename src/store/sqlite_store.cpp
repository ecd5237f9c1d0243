// The embedded SQLite store: batched WAL writes, zstd blobs, the audit chain and its verifier.
#include <sqlite3.h>

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <limits>
#include <map>
#include <memory>
#include <thread>
#include <unordered_map>
#include <utility>
#include <variant>

#include "store/audit_chain.hpp"
#include "store/blob_codec.hpp"
#include "store/sqlite_handle.hpp"
#include "store/store.hpp"
#include "store/string_list.hpp"

namespace soc {
namespace {

using store::AuditFields;
using store::BlobCoder;
using store::BlobDictionary;
using store::EncodedBlob;
using store::Statement;

// "SOCT": marks the file as ours, so a foreign SQLite database is refused rather than altered.
constexpr std::int64_t kApplicationId = 0x534F4354;

// Version 2: one triages row per triage (raw alert, stage states and decision in one body
// blob), its correlation row and its audit row. triages.alert_id is deliberately not unique: a
// source may re-send an alert and each triage is kept and audited; find_triage() returns the
// latest. Row keys (triages.seq, quarantine.seq, correlation.alert_seq) are the seq of the
// row's audit record, so the verifier joins each audit record to its rows by key.
//
// The alert id index leads with `seq >> 12`: ids are random, and an index ordered by them alone
// takes each batch's inserts on as many pages as the batch has records once the table is large;
// grouped by blocks of 4,096 seqs, a batch writes a few neighbouring pages and find_triage()
// probes one block at a time, newest first.
constexpr const char* kSchemaV2 = R"sql(
CREATE TABLE triages(
  seq INTEGER PRIMARY KEY,
  alert_id TEXT NOT NULL,
  format TEXT NOT NULL,
  alert_time INTEGER,
  received_at INTEGER NOT NULL,
  classification TEXT NOT NULL,
  severity TEXT NOT NULL,
  priority TEXT NOT NULL,
  risk_score INTEGER NOT NULL,
  raw_size INTEGER NOT NULL,
  state_size INTEGER NOT NULL,
  decision_size INTEGER NOT NULL,
  codec INTEGER NOT NULL,
  dictionary_id INTEGER REFERENCES dictionaries(id),
  body BLOB NOT NULL
) STRICT;
CREATE INDEX triages_by_alert_id ON triages(seq >> 12, alert_id);
CREATE TABLE correlation(
  alert_seq INTEGER PRIMARY KEY REFERENCES triages(seq),
  alert_id TEXT NOT NULL,
  time INTEGER NOT NULL,
  rule_name TEXT NOT NULL,
  entities TEXT NOT NULL,
  tactics TEXT NOT NULL,
  techniques TEXT NOT NULL,
  classification TEXT NOT NULL,
  closed_by TEXT NOT NULL,
  risk_score INTEGER NOT NULL
) STRICT;
CREATE INDEX correlation_by_time ON correlation(time);
CREATE TABLE incidents(
  id TEXT PRIMARY KEY,
  alert_ids TEXT NOT NULL,
  tactics TEXT NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
CREATE TABLE quarantine(
  seq INTEGER PRIMARY KEY,
  received_at INTEGER NOT NULL,
  input_ref TEXT NOT NULL,
  error_code INTEGER NOT NULL,
  message TEXT NOT NULL,
  bytes BLOB NOT NULL,
  codec INTEGER NOT NULL
) STRICT;
CREATE TABLE audit(
  seq INTEGER PRIMARY KEY,
  time INTEGER NOT NULL,
  kind TEXT NOT NULL,
  ref TEXT NOT NULL,
  payload_hash TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
) STRICT;
CREATE TABLE dictionaries(
  id INTEGER PRIMARY KEY,
  content BLOB NOT NULL
) STRICT;
)sql";

// Version 3 adds durable intake on top of version 2, leaving every version-2 table and hash as
// it was (a version-2 file is upgraded in place). inbox holds what sources delivered until it is
// triaged: (source, dedup_key) is unique, so a retried delivery is a duplicate, not a second
// alert. done_seq is the audit seq of the triage or quarantine that completed the row, written
// in the same transaction as that record; the delivered bytes are then dropped from the inbox
// (the triages or quarantine row holds them). cursors keep each source's read position,
// committed with the alerts it covers. Neither table is in the audit chain: they record
// delivery, not decisions.
constexpr const char* kInboxSchema = R"sql(
CREATE TABLE inbox(
  id INTEGER PRIMARY KEY,
  source TEXT NOT NULL,
  dedup_key TEXT NOT NULL,
  input_ref TEXT NOT NULL,
  format TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  codec INTEGER NOT NULL,
  bytes BLOB NOT NULL,
  done_seq INTEGER
) STRICT;
CREATE UNIQUE INDEX inbox_by_source_key ON inbox(source, dedup_key);
CREATE INDEX inbox_pending ON inbox(id) WHERE done_seq IS NULL;
CREATE TABLE cursors(
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
)sql";

constexpr const char* kInsertInbox =
    "INSERT INTO inbox(source, dedup_key, input_ref, format, received_at, codec, bytes) "
    "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT(source, dedup_key) DO NOTHING";
constexpr const char* kUpsertCursor =
    "INSERT INTO cursors(name, value, updated_at) VALUES(?1, ?2, ?3) "
    "ON CONFLICT(name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at";
constexpr const char* kReadCursor = "SELECT value FROM cursors WHERE name = ?1";
constexpr const char* kPendingInbound =
    "SELECT id, source, input_ref, format, received_at, codec, bytes FROM inbox "
    "WHERE done_seq IS NULL AND id > ?1 ORDER BY id LIMIT ?2";
constexpr const char* kMarkInboxDone =
    "UPDATE inbox SET done_seq = ?1, bytes = X'', codec = 0 WHERE id = ?2 AND done_seq IS NULL";
constexpr const char* kInboxCounts =
    "SELECT (SELECT count(*) FROM inbox WHERE done_seq IS NULL), "
    "(SELECT count(*) FROM inbox WHERE done_seq IS NOT NULL)";

// find_triage() probes blocks of this many seqs (the `seq >> 12` of the index above).
constexpr int kAlertIdBlockShift = 12;

constexpr const char* kInsertTriage =
    "INSERT INTO triages(seq, alert_id, format, alert_time, received_at, classification, "
    "severity, priority, risk_score, raw_size, state_size, decision_size, codec, dictionary_id, "
    "body) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)";
constexpr const char* kInsertCorrelation =
    "INSERT INTO correlation(alert_seq, alert_id, time, rule_name, entities, tactics, techniques, "
    "classification, closed_by, risk_score) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";
constexpr const char* kUpsertIncident =
    "INSERT INTO incidents(id, alert_ids, tactics, updated_at) VALUES(?1, ?2, ?3, ?4) "
    "ON CONFLICT(id) DO UPDATE SET alert_ids = excluded.alert_ids, tactics = excluded.tactics, "
    "updated_at = excluded.updated_at";
constexpr const char* kInsertQuarantine =
    "INSERT INTO quarantine(seq, received_at, input_ref, error_code, message, bytes, codec) "
    "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)";
constexpr const char* kInsertAudit =
    "INSERT INTO audit(seq, time, kind, ref, payload_hash, prev_hash, hash) "
    "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)";
constexpr const char* kInsertDictionary = "INSERT INTO dictionaries(id, content) VALUES(?1, ?2)";
constexpr const char* kLoadDictionary = "SELECT content FROM dictionaries WHERE id = ?1";
constexpr const char* kLatestDictionary =
    "SELECT id, content FROM dictionaries ORDER BY id DESC LIMIT 1";
constexpr const char* kChainTip = "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1";

// Columns of a stored triage as read back; see read_triage_row().
constexpr const char* kTriageColumns =
    "SELECT seq, alert_id, format, alert_time, received_at, raw_size, state_size, "
    "decision_size, codec, dictionary_id, body FROM triages ";
constexpr const char* kLastTriageSeq = "SELECT max(seq) FROM triages";
constexpr const char* kLoadCorrelation =
    "SELECT alert_id, time, rule_name, entities, tactics, techniques, classification, closed_by, "
    "risk_score FROM correlation WHERE time >= ?1 ORDER BY time, alert_seq";

// One row per audit record with every row it covers, in chain order; rowid joins only.
constexpr const char* kVerifyWalk =
    "SELECT au.seq, au.time, au.kind, au.ref, au.payload_hash, au.prev_hash, au.hash, "
    "t.seq, t.alert_id, t.format, t.alert_time, t.received_at, t.classification, t.severity, "
    "t.priority, t.risk_score, t.raw_size, t.state_size, t.decision_size, t.codec, "
    "t.dictionary_id, t.body, "
    "c.alert_seq, c.alert_id, c.time, c.rule_name, c.entities, c.tactics, c.techniques, "
    "c.classification, c.closed_by, c.risk_score, "
    "q.seq, q.received_at, q.input_ref, q.error_code, q.message, q.bytes, q.codec "
    "FROM audit au "
    "LEFT JOIN triages t ON t.seq = au.seq "
    "LEFT JOIN correlation c ON c.alert_seq = au.seq "
    "LEFT JOIN quarantine q ON q.seq = au.seq "
    "ORDER BY au.seq";
// Column positions in kVerifyWalk.
enum WalkColumn : int {
  kAuSeq,
  kAuTime,
  kAuKind,
  kAuRef,
  kAuPayloadHash,
  kAuPrevHash,
  kAuHash,
  kTSeq,
  kTAlertId,
  kTFormat,
  kTAlertTime,
  kTReceivedAt,
  kTClassification,
  kTSeverity,
  kTPriority,
  kTRiskScore,
  kTRawSize,
  kTStateSize,
  kTDecisionSize,
  kTCodec,
  kTDictionaryId,
  kTBody,
  kCSeq,
  kCAlertId,
  kCTime,
  kCRuleName,
  kCEntities,
  kCTactics,
  kCTechniques,
  kCClassification,
  kCClosedBy,
  kCRiskScore,
  kQSeq,
  kQReceivedAt,
  kQInputRef,
  kQErrorCode,
  kQMessage,
  kQBytes,
  kQCodec,
};

// Rows that no audit record of the right kind covers (inserted rows, or rows whose audit
// record was deleted from the end of the chain).
struct OrphanQuery {
  const char* table;
  const char* sql;
};
constexpr OrphanQuery kOrphanQueries[] = {
    {"triages",
     "SELECT min(seq) FROM triages t WHERE NOT EXISTS "
     "(SELECT 1 FROM audit a WHERE a.seq = t.seq AND a.kind = 'triage')"},
    {"correlation",
     "SELECT min(alert_seq) FROM correlation t WHERE NOT EXISTS "
     "(SELECT 1 FROM audit a WHERE a.seq = t.alert_seq AND a.kind = 'triage')"},
    {"quarantine",
     "SELECT min(seq) FROM quarantine t WHERE NOT EXISTS "
     "(SELECT 1 FROM audit a WHERE a.seq = t.seq AND a.kind = 'quarantine')"},
};

// Dictionary schedule: the first dictionary is built from the first records a new store
// takes, then rebuilt from records spread over longer and longer spans, so it follows what
// the feed looks like without costing more than a few bytes per record.
constexpr std::int64_t kDictionaryBuildAfter[] = {64, 4096, 262144};
constexpr std::int64_t kDictionarySamples = 16;
constexpr std::string_view kBlobDictionaryMagic("\x37\xA4\x30\xEC", 4);

// prev_hash is not kept: it is the hash of the item before it in the batch, or the committed
// tip for the first one (a batch is only written on top of the tip it was built on).
struct AuditRow {
  std::int64_t seq = 0;
  TimestampMs time = 0;
  std::string_view kind;
  std::string ref;
  std::string payload_hash;
  std::string hash;
};

// An incident's latest state in the pending batch. Incidents are mutable rows outside the
// chain: only the last state of each is written, once per commit. The lists are kept as the
// JSON the row stores, encoded into the slot's buffers: copying a hundred alert ids as strings
// for every alert that joins a large incident cost 3 us per alert (bench/triage_bench.cpp);
// one pass into a reused buffer costs a fraction of that.
struct PendingIncidentState {
  std::string alert_ids_json;
  std::string tactics_json;
  TimestampMs updated_at = 0;
};

struct PendingTriage {
  std::string alert_id;
  std::string format;
  std::optional<TimestampMs> alert_time;
  std::string classification;
  std::string severity;
  std::string priority;
  std::int64_t risk_score = 0;
  std::int64_t raw_size = 0;
  std::int64_t state_size = 0;
  std::int64_t decision_size = 0;
  EncodedBlob body;
  std::string correlation_alert_id;
  TimestampMs correlation_time = 0;
  std::string rule_name;
  std::string entities_json;
  std::string tactics_json;
  std::string techniques_json;
  std::string correlation_classification;
  std::string closed_by;
  std::int64_t correlation_risk_score = 0;
  std::optional<std::int64_t> inbox_id;
  AuditRow audit;
};

struct PendingQuarantine {
  std::string input_ref;
  std::int64_t error_code = 0;
  std::string message;
  EncodedBlob bytes;
  std::optional<std::int64_t> inbox_id;
  AuditRow audit;
};

using PendingItem = std::variant<PendingTriage, PendingQuarantine>;

const AuditRow& audit_of(const PendingItem& item) {
  return std::visit([](const auto& pending) -> const AuditRow& { return pending.audit; }, item);
}

// A failed write attempt: the SQLite code decides whether retrying can help.
struct WriteFailure {
  int code = SQLITE_ERROR;
  Error error;
};

// Leaves a read statement reset however the read ends, releasing its read snapshot.
class ResetOnExit {
 public:
  explicit ResetOnExit(Statement& stmt) : stmt_(stmt) {}
  ~ResetOnExit() { stmt_.reset(); }
  ResetOnExit(const ResetOnExit&) = delete;
  ResetOnExit& operator=(const ResetOnExit&) = delete;

 private:
  Statement& stmt_;
};

// Dictionaries by id, loaded from the file on first use.
class DictionaryCache {
 public:
  explicit DictionaryCache(sqlite3* db) : db_(db) {}

  // nullptr when `id` is absent (no dictionary).
  Result<BlobDictionary*> get(std::optional<std::int64_t> id) {
    if (!id) return nullptr;
    if (auto found = loaded_.find(*id); found != loaded_.end()) return found->second.get();
    if (!load_prepared_) {
      auto stmt = Statement::prepare(db_, kLoadDictionary);
      if (!stmt) return std::unexpected(stmt.error());
      load_ = std::move(*stmt);
      load_prepared_ = true;
    }
    ResetOnExit guard(load_);
    load_.bind(1, *id);
    const int code = load_.step();
    if (code == SQLITE_DONE) {
      return fail(ErrorCode::kIntegrityError, fmt::format("dictionary {} is missing", *id));
    }
    if (code != SQLITE_ROW) {
      return std::unexpected(store::sqlite_error(db_, code, "loading a compression dictionary"));
    }
    return add(*id, std::string(load_.blob(0)));
  }

  // Keeps the first content seen for an id: pointers handed out stay valid.
  BlobDictionary* add(std::int64_t id, std::string content) {
    auto& slot = loaded_[id];
    if (!slot) slot = std::make_unique<BlobDictionary>(id, std::move(content));
    return slot.get();
  }

 private:
  sqlite3* db_;
  Statement load_;
  bool load_prepared_ = false;
  std::map<std::int64_t, std::unique_ptr<BlobDictionary>> loaded_;
};

std::size_t body_limit(std::size_t max_blob_bytes) {
  constexpr std::size_t kMax = std::numeric_limits<std::size_t>::max();
  return max_blob_bytes > kMax / 3 ? kMax : 3 * max_blob_bytes;
}

class SqliteStore final : public Store {
 public:
  SqliteStore(const SqliteOptions& options, const Clock& clock)
      : options_(options),
        clock_(clock),
        coder_(options.compress_over_bytes,
               options.compression == StoreCompression::kZstd ? store::BlobCodec::kZstd
                                                              : store::BlobCodec::kLz4,
               options.compression_level, body_limit(options.max_blob_bytes)) {}

  ~SqliteStore() override {
    // Last chance for the pending batch; a destructor can neither report nor throw.
    try {
      (void)commit_pending();
    } catch (...) {  // only allocation failure can get here
    }
  }

  Status open();

  Result<AuditRef> record_triage(const TriageRecord& record) override;
  Status quarantine(const QuarantineRecord& record) override;
  Status flush() override {
    auto committed = commit_pending();
    if (!committed) committed.error().message += " (they stay queued for the next flush)";
    return committed;
  }
  Result<std::vector<StoredTriage>> load_triages() override;
  Result<std::vector<CorrelationEntry>> load_correlation(TimestampMs since) override;
  Result<std::int64_t> quarantine_count() override;
  Result<AuditVerifyReport> verify_audit() override;
  Result<std::optional<StoredTriage>> find_triage(const std::string& alert_id) override;
  Result<InboundOutcome> accept_inbound(std::string_view source,
                                        std::span<const InboundAlert> alerts,
                                        const std::optional<CursorUpdate>& cursor) override;
  Result<std::vector<InboundOutcome>> accept_inbound_group(
      std::span<const InboundBatch> batches) override;
  Result<std::optional<std::string>> read_cursor(std::string_view name) override;
  Result<std::vector<PendingInbound>> pending_inbound(std::int64_t after_id,
                                                      std::size_t limit) override;
  Result<InboxCounts> inbox_counts() override;

 private:
  // SQLite's own busy timeout sleeps 1, 2, 5, 10... ms between tries: a writer waiting for the
  // other connection's commit (one fsync, a few ms) would lose most of the time after it. This
  // polls every 100 µs for the first 10 ms, then every millisecond, up to busy_timeout_ms.
  static int wait_for_lock(void* self, int attempt);
  Status check_or_create_schema();
  Status upgrade_from_v2();
  Status prepare_statements();
  Status read_chain_tip();
  Status load_latest_dictionary();
  void sample_for_dictionary(std::string_view body);
  AuditRow next_audit_row(TimestampMs time, std::string_view kind, std::string ref,
                          std::string payload_hash);
  Result<AuditRef> accept(PendingItem item);
  Status commit_pending();
  std::expected<void, WriteFailure> write_pending_once();
  std::expected<void, WriteFailure> write_item(const PendingTriage& item,
                                               std::string_view prev_hash);
  std::expected<void, WriteFailure> write_item(const PendingQuarantine& item,
                                               std::string_view prev_hash);
  std::expected<void, WriteFailure> write_audit(const AuditRow& row, std::string_view prev_hash);
  std::expected<void, WriteFailure> mark_inbox_done(const std::optional<std::int64_t>& inbox_id,
                                                    std::int64_t seq);
  struct InboundView {
    std::string_view source;
    std::span<const InboundAlert> alerts;
    const std::optional<CursorUpdate>* cursor;
  };
  Result<std::vector<InboundOutcome>> accept_inbound_views(std::span<const InboundView> views);
  std::expected<void, WriteFailure> write_inbound_once(std::span<const InboundView> views,
                                                       std::span<const EncodedBlob> encoded,
                                                       std::vector<InboundOutcome>& outcomes);
  std::expected<void, WriteFailure> run(Statement& stmt, std::string_view context);
  Result<StoredTriage> read_triage_row(Statement& stmt);
  Result<std::int64_t> first_orphan(std::string& problem);

  SqliteOptions options_;
  const Clock& clock_;
  store::Connection db_;
  BlobCoder coder_;
  std::unique_ptr<DictionaryCache> dictionaries_;

  Statement begin_, commit_, rollback_, chain_tip_;
  Statement insert_triage_, insert_correlation_, upsert_incident_, insert_quarantine_;
  Statement insert_audit_, insert_dictionary_;
  Statement load_triages_, find_triage_, last_triage_seq_, load_correlation_, quarantine_count_;
  Statement insert_inbox_, upsert_cursor_, read_cursor_, pending_inbound_, mark_inbox_done_;
  Statement inbox_counts_;

  std::vector<PendingItem> pending_;
  std::unordered_map<std::string, PendingIncidentState> pending_incidents_;
  // Chain tip including the pending batch, and the tip the database holds.
  std::int64_t tip_seq_ = 0;
  std::string tip_hash_{store::kGenesisHash};
  std::int64_t committed_seq_ = 0;
  std::string committed_hash_{store::kGenesisHash};

  // The dictionary new bodies are compressed with, the ones the next commit must write first,
  // and the bodies sampled for the next one.
  BlobDictionary* dictionary_ = nullptr;
  std::int64_t last_dictionary_id_ = 0;
  std::vector<BlobDictionary*> pending_dictionaries_;
  std::vector<std::string> dictionary_samples_;
  std::size_t dictionary_phase_ = 0;
  std::int64_t records_since_dictionary_ = 0;
  std::string body_;  // reused to assemble each triage's body
};

int SqliteStore::wait_for_lock(void* self, int attempt) {
  const auto& options = static_cast<SqliteStore*>(self)->options_;
  constexpr int kFastAttempts = 100;
  const std::int64_t waited_us = attempt <= kFastAttempts
                                     ? std::int64_t{attempt} * 100
                                     : kFastAttempts * 100 + (attempt - kFastAttempts) * 1000;
  if (waited_us >= std::int64_t{options.busy_timeout_ms} * 1000) return 0;
  std::this_thread::sleep_for(std::chrono::microseconds(attempt < kFastAttempts ? 100 : 1000));
  return 1;
}

Status SqliteStore::open() {
  if (options_.path.empty()) {
    return fail(ErrorCode::kInvalidArgument, "store path is empty (use \":memory:\" for none)");
  }
  if (options_.page_size < 512 || options_.page_size > 65536 ||
      (options_.page_size & (options_.page_size - 1)) != 0) {
    return fail(ErrorCode::kInvalidArgument,
                fmt::format("store page_size must be a power of two from 512 to 65536, got {}",
                            options_.page_size));
  }
  if (options_.cache_kib < 0) {
    return fail(ErrorCode::kInvalidArgument,
                fmt::format("store cache_kib must not be negative, got {}", options_.cache_kib));
  }
  if (options_.batch_size < 1) {
    return fail(ErrorCode::kInvalidArgument,
                fmt::format("store batch_size must be at least 1, got {}", options_.batch_size));
  }
  if (auto opened = db_.open(options_.path); !opened) return opened;
  sqlite3_busy_handler(db_.get(), &SqliteStore::wait_for_lock, this);
  if (auto schema = check_or_create_schema(); !schema) return schema;

  // An empty file name means an in-memory (or temporary) database, where WAL does not apply.
  const char* file = sqlite3_db_filename(db_.get(), "main");
  if (file != nullptr && file[0] != '\0') {
    auto mode = db_.query_text("PRAGMA journal_mode=WAL", "enabling WAL");
    if (!mode) return std::unexpected(mode.error());
    if (*mode != "wal") {
      return fail(ErrorCode::kStoreError,
                  fmt::format("store '{}' could not switch to WAL mode (journal_mode is '{}')",
                              options_.path, *mode));
    }
  }
  const char* sync =
      options_.synchronous_full ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL";
  if (auto s = db_.exec(sync, "setting synchronous"); !s) return s;
  if (auto s = db_.exec(fmt::format("PRAGMA cache_size={}", -options_.cache_kib).c_str(),
                        "setting the cache size");
      !s) {
    return s;
  }
  if (auto s = prepare_statements(); !s) return s;
  dictionaries_ = std::make_unique<DictionaryCache>(db_.get());
  if (auto s = read_chain_tip(); !s) return s;
  if (auto s = load_latest_dictionary(); !s) return s;
  pending_.reserve(static_cast<std::size_t>(options_.batch_size));
  return {};
}

Status SqliteStore::check_or_create_schema() {
  auto application_id = db_.query_int("PRAGMA application_id", "reading the store's id");
  if (!application_id) {
    return fail(ErrorCode::kStoreError, fmt::format("'{}' is not a usable SQLite database: {}",
                                                    options_.path, application_id.error().message));
  }
  auto version = db_.query_int("PRAGMA user_version", "reading the schema version");
  if (!version) return std::unexpected(version.error());
  // Another program's database (marked by its id or its schema version) is never touched.
  if ((*version > 0 || *application_id != 0) && *application_id != kApplicationId) {
    return fail(ErrorCode::kStoreError,
                fmt::format("'{}' is not a soc-triage store (application_id {}, user_version {})",
                            options_.path, *application_id, *version));
  }
  if (*version > kSqliteStoreSchemaVersion) {
    return fail(ErrorCode::kUnsupported,
                fmt::format("store '{}' has schema version {}, newer than the {} this build of "
                            "soc-triage supports; upgrade soc-triage to open it",
                            options_.path, *version, kSqliteStoreSchemaVersion));
  }
  if (*version == kSqliteStoreSchemaVersion) return {};
  if (*version == 2) return upgrade_from_v2();
  if (*version > 0) {
    // Its audit hashes follow the older definitions; rewriting them would break the chain's
    // evidence, so the file is left as it is.
    return fail(ErrorCode::kUnsupported,
                fmt::format("store '{}' has schema version {}, older than the {} this build of "
                            "soc-triage writes; verify and keep it with the soc-triage release "
                            "that wrote it, and give this one a new store file",
                            options_.path, *version, kSqliteStoreSchemaVersion));
  }

  // Version 0: a new file, unless someone else's tables are there. The page size only takes
  // effect while the file has no tables yet; on any other file the pragma is a no-op.
  if (auto s = db_.exec(fmt::format("PRAGMA page_size={}", options_.page_size).c_str(),
                        "setting the page size");
      !s) {
    return s;
  }
  if (auto s = db_.exec("BEGIN IMMEDIATE", "creating the schema"); !s) return s;
  auto tables = db_.query_int("SELECT count(*) FROM sqlite_schema", "creating the schema");
  auto again = db_.query_int("PRAGMA user_version", "creating the schema");
  Status created;
  if (!tables) {
    created = std::unexpected(tables.error());
  } else if (!again) {
    created = std::unexpected(again.error());
  } else if (*again == 0 && *tables > 0) {
    created = fail(ErrorCode::kStoreError,
                   fmt::format("'{}' already holds tables that are not a soc-triage store; "
                               "refusing to add ours",
                               options_.path));
  } else if (*again == 0) {
    created = db_.exec(kSchemaV2, "creating the schema");
    if (created) created = db_.exec(kInboxSchema, "creating the inbox");
    if (created) {
      created = db_.exec(fmt::format("PRAGMA application_id={}; PRAGMA user_version={}",
                                     kApplicationId, kSqliteStoreSchemaVersion)
                             .c_str(),
                         "setting the schema version");
    }
  } else if (*again != kSqliteStoreSchemaVersion) {
    created = fail(ErrorCode::kUnsupported,
                   fmt::format("store '{}' got schema version {} from another process while "
                               "this one was creating version {}",
                               options_.path, *again, kSqliteStoreSchemaVersion));
  }
  if (!created) {
    (void)db_.exec("ROLLBACK", "creating the schema");
    return created;
  }
  return db_.exec("COMMIT", "creating the schema");
}

// Version 3 only adds tables: version-2 rows and their audit hashes stay valid as they are.
Status SqliteStore::upgrade_from_v2() {
  if (auto s = db_.exec("BEGIN IMMEDIATE", "upgrading the schema"); !s) return s;
  auto version = db_.query_int("PRAGMA user_version", "upgrading the schema");
  Status upgraded;
  if (!version) {
    upgraded = std::unexpected(version.error());
  } else if (*version == 2) {
    upgraded = db_.exec(kInboxSchema, "adding the inbox");
    if (upgraded) {
      upgraded = db_.exec(fmt::format("PRAGMA user_version={}", kSqliteStoreSchemaVersion).c_str(),
                          "setting the schema version");
    }
  }  // else another process upgraded it meanwhile
  if (!upgraded) {
    (void)db_.exec("ROLLBACK", "upgrading the schema");
    return upgraded;
  }
  return db_.exec("COMMIT", "upgrading the schema");
}

Status SqliteStore::prepare_statements() {
  struct Entry {
    Statement* stmt;
    std::string sql;
  };
  const Entry entries[] = {
      {&begin_, "BEGIN IMMEDIATE"},
      {&commit_, "COMMIT"},
      {&rollback_, "ROLLBACK"},
      {&chain_tip_, kChainTip},
      {&insert_triage_, kInsertTriage},
      {&insert_correlation_, kInsertCorrelation},
      {&upsert_incident_, kUpsertIncident},
      {&insert_quarantine_, kInsertQuarantine},
      {&insert_audit_, kInsertAudit},
      {&insert_dictionary_, kInsertDictionary},
      {&load_triages_, std::string(kTriageColumns) + "ORDER BY seq"},
      {&find_triage_,
       std::string(kTriageColumns) + fmt::format("WHERE seq >> {} = ?1 AND alert_id = ?2 "
                                                 "ORDER BY seq DESC LIMIT 1",
                                                 kAlertIdBlockShift)},
      {&last_triage_seq_, kLastTriageSeq},
      {&load_correlation_, kLoadCorrelation},
      {&quarantine_count_, "SELECT count(*) FROM quarantine"},
      {&insert_inbox_, kInsertInbox},
      {&upsert_cursor_, kUpsertCursor},
      {&read_cursor_, kReadCursor},
      {&pending_inbound_, kPendingInbound},
      {&mark_inbox_done_, kMarkInboxDone},
      {&inbox_counts_, kInboxCounts},
  };
  for (const Entry& entry : entries) {
    auto stmt = Statement::prepare(db_.get(), entry.sql);
    if (!stmt) {
      return fail(ErrorCode::kStoreError,
                  fmt::format("store '{}' does not have the expected schema: {}", options_.path,
                              stmt.error().message));
    }
    *entry.stmt = std::move(*stmt);
  }
  return {};
}

Status SqliteStore::read_chain_tip() {
  ResetOnExit guard(chain_tip_);
  const int code = chain_tip_.step();
  if (code == SQLITE_ROW) {
    committed_seq_ = chain_tip_.int64(0);
    committed_hash_ = std::string(chain_tip_.text(1));
  } else if (code != SQLITE_DONE) {
    return std::unexpected(store::sqlite_error(db_.get(), code, "reading the audit chain tip"));
  }
  tip_seq_ = committed_seq_;
  tip_hash_ = committed_hash_;
  return {};
}

Status SqliteStore::load_latest_dictionary() {
  auto latest = Statement::prepare(db_.get(), kLatestDictionary);
  if (!latest) return std::unexpected(latest.error());
  const int code = latest->step();
  if (code == SQLITE_DONE) return {};
  if (code != SQLITE_ROW) {
    return std::unexpected(
        store::sqlite_error(db_.get(), code, "reading the latest compression dictionary"));
  }
  last_dictionary_id_ = latest->int64(0);
  if (options_.dictionary_bytes > 0) {
    dictionary_ = dictionaries_->add(last_dictionary_id_, std::string(latest->blob(1)));
    // A store reopened on a file with a dictionary goes on with it and refreshes it later.
    dictionary_phase_ = std::size(kDictionaryBuildAfter) - 1;
  }
  return {};
}

// Keeps an evenly spaced sample of the bodies since the last dictionary and builds the next
// dictionary from them when the schedule says so. The dictionary is raw content: the sampled
// bodies end to end, the newest last (zstd reaches the end of a dictionary most cheaply).
void SqliteStore::sample_for_dictionary(std::string_view body) {
  if (options_.dictionary_bytes == 0) return;
  const std::int64_t build_after = kDictionaryBuildAfter[dictionary_phase_];
  const std::int64_t stride = std::max<std::int64_t>(1, build_after / kDictionarySamples);
  ++records_since_dictionary_;
  if (records_since_dictionary_ % stride == 0) {
    dictionary_samples_.emplace_back(body.substr(0, options_.dictionary_bytes));
  }
  if (records_since_dictionary_ < build_after) return;

  std::string content;
  for (const std::string& sample : dictionary_samples_) content += sample;
  if (content.size() > options_.dictionary_bytes) {
    content.erase(0, content.size() - options_.dictionary_bytes);
  }
  // Content that began with zstd's dictionary magic number would be parsed as a dictionary
  // header instead of taken as raw content; the bytes come from alerts, so never begin so.
  while (content.starts_with(kBlobDictionaryMagic)) content.erase(0, 1);
  dictionary_samples_.clear();
  records_since_dictionary_ = 0;
  dictionary_phase_ = std::min(dictionary_phase_ + 1, std::size(kDictionaryBuildAfter) - 1);
  // A few bytes of history would not pay for a dictionary row.
  if (content.size() < 1024) return;
  dictionary_ = dictionaries_->add(++last_dictionary_id_, std::move(content));
  pending_dictionaries_.push_back(dictionary_);
}

AuditRow SqliteStore::next_audit_row(TimestampMs time, std::string_view kind, std::string ref,
                                     std::string payload_hash) {
  AuditRow row;
  row.seq = tip_seq_ + 1;
  row.time = time;
  row.kind = kind;
  row.ref = std::move(ref);
  row.payload_hash = std::move(payload_hash);
  row.hash = store::audit_record_hash(
      AuditFields{row.seq, row.time, row.kind, row.ref, row.payload_hash, tip_hash_});
  return row;
}

Result<AuditRef> SqliteStore::accept(PendingItem item) {
  const AuditRow& audit = audit_of(item);
  AuditRef ref{audit.seq, audit.hash};
  const std::int64_t previous_seq = tip_seq_;
  std::string previous_hash = std::exchange(tip_hash_, audit.hash);
  tip_seq_ = audit.seq;
  pending_.push_back(std::move(item));
  if (pending_.size() >= static_cast<std::size_t>(options_.batch_size)) {
    if (auto committed = commit_pending(); !committed) {
      // Not accepted after all: the caller keeps it and may re-submit; the earlier records
      // stay queued for the next commit.
      pending_.pop_back();
      tip_seq_ = previous_seq;
      tip_hash_ = std::move(previous_hash);
      return fail(committed.error().code,
                  fmt::format("record not accepted (re-submit it); the {} earlier records stay "
                              "queued for the next flush: {}",
                              pending_.size(), committed.error().message));
    }
  }
  return ref;
}

Result<AuditRef> SqliteStore::record_triage(const TriageRecord& record) {
  // Refused here rather than stored: the store would refuse to read it back.
  for (const auto& [blob, name] :
       {std::pair{&record.raw, "raw alert"}, std::pair{&record.stage_states_json, "stage states"},
        std::pair{&record.decision_json, "decision"}}) {
    if (blob->size() > options_.max_blob_bytes) {
      return fail(ErrorCode::kTooLarge,
                  fmt::format("the {} of alert '{}' is {} bytes, over the store's limit of {}",
                              name, record.alert_id, blob->size(), options_.max_blob_bytes));
    }
  }
  const TimestampMs now = clock_.now();
  PendingTriage item;
  item.alert_id = record.alert_id;
  item.inbox_id = record.inbox_id;
  item.format = record.format;
  item.alert_time = record.alert_time;
  item.classification = record.classification;
  item.severity = record.severity;
  item.priority = record.priority;
  item.risk_score = record.risk_score;
  item.raw_size = static_cast<std::int64_t>(record.raw.size());
  item.state_size = static_cast<std::int64_t>(record.stage_states_json.size());
  item.decision_size = static_cast<std::int64_t>(record.decision_json.size());
  // One frame for the three texts: one zstd call instead of three, and the decision can
  // reuse strings of the alert it describes.
  body_.assign(record.raw);
  body_.append(record.stage_states_json);
  body_.append(record.decision_json);
  item.body = coder_.encode(body_, dictionary_);
  const BlobDictionary* used = item.body.dictionary_id ? dictionary_ : nullptr;
  const CorrelationEntry& corr = record.correlation;
  item.correlation_alert_id = corr.alert_id.empty() ? record.alert_id : corr.alert_id;
  item.correlation_time = corr.time;
  item.rule_name = corr.rule_name;
  item.entities_json = store::encode_string_list(corr.entities);
  item.tactics_json = store::encode_string_list(corr.tactics);
  item.techniques_json = store::encode_string_list(corr.techniques);
  item.correlation_classification = corr.classification;
  item.closed_by = corr.closed_by;
  item.correlation_risk_score = corr.risk_score;
  if (record.incident) {
    PendingIncidentState& state = pending_incidents_[record.incident->id];
    store::encode_string_list_into(state.alert_ids_json, record.incident->alert_ids);
    store::encode_string_list_into(state.tactics_json, record.incident->tactics);
    state.updated_at = now;
  }
  const std::string payload_hash = store::triage_payload_hash(store::TriagePayload{
      .seq = tip_seq_ + 1,
      .alert_id = item.alert_id,
      .format = item.format,
      .alert_time = item.alert_time,
      .received_at = now,
      .classification = item.classification,
      .severity = item.severity,
      .priority = item.priority,
      .risk_score = item.risk_score,
      .raw_size = item.raw_size,
      .state_size = item.state_size,
      .decision_size = item.decision_size,
      .codec = static_cast<std::int64_t>(item.body.codec),
      .dictionary_id = item.body.dictionary_id,
      .dictionary_sha256 = used != nullptr ? std::string_view(used->sha256()) : std::string_view(),
      .body = item.body.bytes,
      .correlation_alert_id = item.correlation_alert_id,
      .correlation_time = item.correlation_time,
      .rule_name = item.rule_name,
      .entities_json = item.entities_json,
      .tactics_json = item.tactics_json,
      .techniques_json = item.techniques_json,
      .correlation_classification = item.correlation_classification,
      .closed_by = item.closed_by,
      .correlation_risk_score = item.correlation_risk_score,
  });
  item.audit = next_audit_row(now, store::kKindTriage, record.alert_id, payload_hash);
  // After the hash: this may switch to a new dictionary, for the records that follow.
  sample_for_dictionary(body_);
  return accept(std::move(item));
}

Status SqliteStore::quarantine(const QuarantineRecord& record) {
  const TimestampMs now = clock_.now();
  PendingQuarantine item;
  item.input_ref = record.input_ref;
  item.inbox_id = record.inbox_id;
  item.error_code = static_cast<std::int64_t>(record.code);
  item.message = record.message;
  // Inputs are often quarantined for being too large; keep what the store can read back and
  // say so in the stored message rather than failing the quarantine.
  std::string_view bytes = record.bytes;
  if (bytes.size() > options_.max_blob_bytes) {
    bytes = bytes.substr(0, options_.max_blob_bytes);
    item.message += fmt::format(" [quarantine kept the first {} of {} bytes]", bytes.size(),
                                record.bytes.size());
  }
  // Rejected inputs are anything at all: no dictionary, which is made for alerts.
  item.bytes = coder_.encode(bytes);
  const std::string payload_hash = store::quarantine_payload_hash(
      store::QuarantinePayload{tip_seq_ + 1, now, item.input_ref, item.error_code, item.message,
                               static_cast<std::int64_t>(item.bytes.codec), item.bytes.bytes});
  item.audit = next_audit_row(now, store::kKindQuarantine, record.input_ref, payload_hash);
  auto accepted = accept(std::move(item));
  if (!accepted) return std::unexpected(accepted.error());
  return {};
}

Status SqliteStore::commit_pending() {
  if (pending_.empty()) return {};
  int backoff_ms = options_.retry_backoff_ms;
  const int attempts = std::max(1, options_.commit_attempts);
  for (int attempt = 1;; ++attempt) {
    auto written = write_pending_once();
    if (written) {
      const AuditRow& last = audit_of(pending_.back());
      committed_seq_ = last.seq;
      committed_hash_ = last.hash;
      pending_.clear();
      pending_dictionaries_.clear();
      pending_incidents_.clear();
      return {};
    }
    if (!store::is_transient(written.error().code) || attempt >= attempts) {
      return fail(ErrorCode::kStoreError,
                  fmt::format("committing {} pending records to '{}' failed after {} attempt{}: {}",
                              pending_.size(), options_.path, attempt, attempt == 1 ? "" : "s",
                              written.error().error.message));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(backoff_ms));
    backoff_ms *= 2;
  }
}

std::expected<void, WriteFailure> SqliteStore::run(Statement& stmt, std::string_view context) {
  const int code = stmt.step();
  stmt.reset();
  if (code == SQLITE_DONE || code == SQLITE_ROW) return {};
  return std::unexpected(WriteFailure{code, store::sqlite_error(db_.get(), code, context)});
}

std::expected<void, WriteFailure> SqliteStore::write_pending_once() {
  if (auto begun = run(begin_, "starting a batch"); !begun) return begun;
  bool already_written = false;
  auto written = [&]() -> std::expected<void, WriteFailure> {
    {
      ResetOnExit guard(chain_tip_);
      const int code = chain_tip_.step();
      if (code != SQLITE_ROW && code != SQLITE_DONE) {
        return std::unexpected(
            WriteFailure{code, store::sqlite_error(db_.get(), code, "reading the chain tip")});
      }
      const std::int64_t seq = code == SQLITE_ROW ? chain_tip_.int64(0) : 0;
      const std::string_view hash = code == SQLITE_ROW ? chain_tip_.text(1) : store::kGenesisHash;
      // A commit reported as failed may still have reached the file (an error after the WAL
      // write); writing the batch again would then duplicate it.
      const AuditRow& last = audit_of(pending_.back());
      if (seq == last.seq && hash == last.hash) {
        already_written = true;
        return {};
      }
      if (seq != committed_seq_ || hash != committed_hash_) {
        return std::unexpected(WriteFailure{
            SQLITE_ERROR,
            Error{ErrorCode::kStoreError,
                  "another writer appended to the audit chain since this store opened it; "
                  "a store database takes one writer at a time"}});
      }
    }
    // Dictionaries go first: the records of this batch may need them.
    for (const BlobDictionary* dictionary : pending_dictionaries_) {
      insert_dictionary_.bind(1, dictionary->id()).bind_blob(2, dictionary->content());
      if (auto r = run(insert_dictionary_, "storing a compression dictionary"); !r) return r;
    }
    std::string_view prev_hash = committed_hash_;
    for (const PendingItem& item : pending_) {
      auto one = std::holds_alternative<PendingTriage>(item)
                     ? write_item(std::get<PendingTriage>(item), prev_hash)
                     : write_item(std::get<PendingQuarantine>(item), prev_hash);
      if (!one) return one;
      prev_hash = audit_of(item).hash;
    }
    for (const auto& [id, state] : pending_incidents_) {
      upsert_incident_.bind_text(1, id)
          .bind_text(2, state.alert_ids_json)
          .bind_text(3, state.tactics_json)
          .bind(4, state.updated_at);
      if (auto r = run(upsert_incident_, "storing an incident"); !r) return r;
    }
    return run(commit_, "committing a batch");
  }();
  if ((!written || already_written) && sqlite3_get_autocommit(db_.get()) == 0) {
    (void)run(rollback_, "ending a batch transaction");
  }
  return written;
}

std::expected<void, WriteFailure> SqliteStore::write_item(const PendingTriage& item,
                                                          std::string_view prev_hash) {
  const std::int64_t seq = item.audit.seq;
  insert_triage_.bind(1, seq)
      .bind_text(2, item.alert_id)
      .bind_text(3, item.format)
      .bind_optional(4, item.alert_time)
      .bind(5, item.audit.time)
      .bind_text(6, item.classification)
      .bind_text(7, item.severity)
      .bind_text(8, item.priority)
      .bind(9, item.risk_score)
      .bind(10, item.raw_size)
      .bind(11, item.state_size)
      .bind(12, item.decision_size)
      .bind(13, static_cast<std::int64_t>(item.body.codec))
      .bind_optional(14, item.body.dictionary_id)
      .bind_blob(15, item.body.bytes);
  if (auto r = run(insert_triage_, "storing a triage"); !r) return r;
  insert_correlation_.bind(1, seq)
      .bind_text(2, item.correlation_alert_id)
      .bind(3, item.correlation_time)
      .bind_text(4, item.rule_name)
      .bind_text(5, item.entities_json)
      .bind_text(6, item.tactics_json)
      .bind_text(7, item.techniques_json)
      .bind_text(8, item.correlation_classification)
      .bind_text(9, item.closed_by)
      .bind(10, item.correlation_risk_score);
  if (auto r = run(insert_correlation_, "storing a correlation entry"); !r) return r;
  if (auto r = mark_inbox_done(item.inbox_id, seq); !r) return r;
  return write_audit(item.audit, prev_hash);
}

std::expected<void, WriteFailure> SqliteStore::write_item(const PendingQuarantine& item,
                                                          std::string_view prev_hash) {
  insert_quarantine_.bind(1, item.audit.seq)
      .bind(2, item.audit.time)
      .bind_text(3, item.input_ref)
      .bind(4, item.error_code)
      .bind_text(5, item.message)
      .bind_blob(6, item.bytes.bytes)
      .bind(7, static_cast<std::int64_t>(item.bytes.codec));
  if (auto r = run(insert_quarantine_, "storing a quarantined input"); !r) return r;
  if (auto r = mark_inbox_done(item.inbox_id, item.audit.seq); !r) return r;
  return write_audit(item.audit, prev_hash);
}

std::expected<void, WriteFailure> SqliteStore::write_audit(const AuditRow& row,
                                                           std::string_view prev_hash) {
  insert_audit_.bind(1, row.seq)
      .bind(2, row.time)
      .bind_text(3, row.kind)
      .bind_text(4, row.ref)
      .bind_text(5, row.payload_hash)
      .bind_text(6, prev_hash)
      .bind_text(7, row.hash);
  return run(insert_audit_, "appending to the audit chain");
}

std::expected<void, WriteFailure> SqliteStore::mark_inbox_done(
    const std::optional<std::int64_t>& inbox_id, std::int64_t seq) {
  if (!inbox_id) return {};
  mark_inbox_done_.bind(1, seq).bind(2, *inbox_id);
  if (auto r = run(mark_inbox_done_, "marking an inbox row done"); !r) return r;
  // A second triage of one delivery would break "exactly one decision per accepted alert":
  // refuse the batch rather than record it.
  if (sqlite3_changes(db_.get()) != 1) {
    return std::unexpected(WriteFailure{
        SQLITE_CONSTRAINT,
        Error{ErrorCode::kIntegrityError,
              fmt::format("inbox row {} is missing or already done; a delivery is triaged once",
                          *inbox_id)}});
  }
  return {};
}

Result<InboundOutcome> SqliteStore::accept_inbound(std::string_view source,
                                                   std::span<const InboundAlert> alerts,
                                                   const std::optional<CursorUpdate>& cursor) {
  const InboundView view{source, alerts, &cursor};
  auto outcomes = accept_inbound_views(std::span(&view, 1));
  if (!outcomes) return std::unexpected(outcomes.error());
  return std::move(outcomes->front());
}

Result<std::vector<InboundOutcome>> SqliteStore::accept_inbound_group(
    std::span<const InboundBatch> batches) {
  std::vector<InboundView> views;
  views.reserve(batches.size());
  for (const InboundBatch& batch : batches)
    views.push_back(InboundView{batch.source, batch.alerts, &batch.cursor});
  return accept_inbound_views(views);
}

Result<std::vector<InboundOutcome>> SqliteStore::accept_inbound_views(
    std::span<const InboundView> views) {
  std::size_t total = 0;
  for (const InboundView& view : views) {
    for (const InboundAlert& alert : view.alerts) {
      if (alert.bytes.size() > options_.max_blob_bytes) {
        return fail(ErrorCode::kTooLarge,
                    fmt::format("inbound alert '{}' is {} bytes, over the store's limit of {}",
                                alert.input_ref, alert.bytes.size(), options_.max_blob_bytes));
      }
    }
    total += view.alerts.size();
  }
  // Compressed once, outside the transaction, so retries and the write lock stay short.
  std::vector<EncodedBlob> encoded;
  encoded.reserve(total);
  for (const InboundView& view : views)
    for (const InboundAlert& alert : view.alerts) encoded.push_back(coder_.encode(alert.bytes));
  int backoff_ms = options_.retry_backoff_ms;
  const int attempts = std::max(1, options_.commit_attempts);
  for (int attempt = 1;; ++attempt) {
    std::vector<InboundOutcome> outcomes;
    auto written = write_inbound_once(views, encoded, outcomes);
    if (sqlite3_get_autocommit(db_.get()) == 0) (void)run(rollback_, "ending an intake");
    if (written) return outcomes;
    if (!store::is_transient(written.error().code) || attempt >= attempts) {
      return fail(ErrorCode::kStoreError,
                  fmt::format("storing {} inbound alerts failed after {} attempt{}: {}", total,
                              attempt, attempt == 1 ? "" : "s", written.error().error.message));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(backoff_ms));
    backoff_ms *= 2;
  }
}

std::expected<void, WriteFailure> SqliteStore::write_inbound_once(
    std::span<const InboundView> views, std::span<const EncodedBlob> encoded,
    std::vector<InboundOutcome>& outcomes) {
  if (auto begun = run(begin_, "starting an intake"); !begun) return begun;
  const TimestampMs now = clock_.now();
  std::size_t next_blob = 0;
  for (const InboundView& view : views) {
    InboundOutcome& outcome = outcomes.emplace_back();
    outcome.stored.reserve(view.alerts.size());
    for (const InboundAlert& alert : view.alerts) {
      const EncodedBlob& blob = encoded[next_blob++];
      insert_inbox_.bind_text(1, view.source)
          .bind_text(2, alert.dedup_key)
          .bind_text(3, alert.input_ref)
          .bind_text(4, alert.format)
          .bind(5, now)
          .bind(6, static_cast<std::int64_t>(blob.codec))
          .bind_blob(7, blob.bytes);
      if (auto r = run(insert_inbox_, "storing an inbound alert"); !r) return r;
      const bool stored = sqlite3_changes(db_.get()) == 1;
      outcome.stored.push_back(stored);
      ++(stored ? outcome.accepted : outcome.duplicates);
    }
    if (*view.cursor) {
      const CursorUpdate& cursor = **view.cursor;
      upsert_cursor_.bind_text(1, cursor.name).bind_text(2, cursor.value).bind(3, now);
      if (auto r = run(upsert_cursor_, "storing a source cursor"); !r) return r;
    }
  }
  return run(commit_, "committing an intake");
}

Result<std::optional<std::string>> SqliteStore::read_cursor(std::string_view name) {
  ResetOnExit guard(read_cursor_);
  read_cursor_.bind_text(1, name);
  const int code = read_cursor_.step();
  if (code == SQLITE_DONE) return std::optional<std::string>();
  if (code != SQLITE_ROW) {
    return std::unexpected(store::sqlite_error(db_.get(), code, "reading a source cursor"));
  }
  return std::optional<std::string>(std::string(read_cursor_.text(0)));
}

Result<std::vector<PendingInbound>> SqliteStore::pending_inbound(std::int64_t after_id,
                                                                 std::size_t limit) {
  ResetOnExit guard(pending_inbound_);
  pending_inbound_.bind(1, after_id).bind(2, static_cast<std::int64_t>(limit));
  std::vector<PendingInbound> rows;
  int code;
  while ((code = pending_inbound_.step()) == SQLITE_ROW) {
    PendingInbound row;
    row.id = pending_inbound_.int64(0);
    row.source = std::string(pending_inbound_.text(1));
    row.input_ref = std::string(pending_inbound_.text(2));
    row.format = std::string(pending_inbound_.text(3));
    row.received_at = pending_inbound_.int64(4);
    auto bytes = coder_.decode(pending_inbound_.blob(6), pending_inbound_.int64(5),
                               fmt::format("inbox.bytes of id {}", row.id));
    if (!bytes) return std::unexpected(bytes.error());
    row.bytes = std::move(*bytes);
    rows.push_back(std::move(row));
  }
  if (code != SQLITE_DONE) {
    return std::unexpected(store::sqlite_error(db_.get(), code, "reading the inbox"));
  }
  return rows;
}

Result<InboxCounts> SqliteStore::inbox_counts() {
  ResetOnExit guard(inbox_counts_);
  const int code = inbox_counts_.step();
  if (code != SQLITE_ROW) {
    return std::unexpected(store::sqlite_error(db_.get(), code, "counting the inbox"));
  }
  return InboxCounts{inbox_counts_.int64(0), inbox_counts_.int64(1)};
}

// Checks the stored sizes that split a body: each within the blob limit, together its length.
Status check_body_sizes(std::int64_t raw, std::int64_t state, std::int64_t decision,
                        std::size_t max_blob_bytes, std::int64_t seq) {
  for (const auto& [size, name] : {std::pair{raw, "raw alert"}, std::pair{state, "stage states"},
                                   std::pair{decision, "decision"}}) {
    if (size < 0) {
      return fail(ErrorCode::kIntegrityError,
                  fmt::format("the {} of triage {} has a negative size", name, seq));
    }
    if (static_cast<std::uint64_t>(size) > max_blob_bytes) {
      return fail(ErrorCode::kTooLarge,
                  fmt::format("the {} of triage {} is {} bytes, over the limit of {}", name, seq,
                              size, max_blob_bytes));
    }
  }
  return {};
}

Result<StoredTriage> SqliteStore::read_triage_row(Statement& stmt) {
  StoredTriage triage;
  triage.seq = stmt.int64(0);
  triage.alert_id = std::string(stmt.text(1));
  triage.format = std::string(stmt.text(2));
  triage.alert_time = stmt.optional_int64(3);
  triage.received_at = stmt.int64(4);
  const std::int64_t raw_size = stmt.int64(5);
  const std::int64_t state_size = stmt.int64(6);
  const std::int64_t decision_size = stmt.int64(7);
  if (auto sizes = check_body_sizes(raw_size, state_size, decision_size, options_.max_blob_bytes,
                                    triage.seq);
      !sizes) {
    return std::unexpected(sizes.error());
  }
  auto dictionary = dictionaries_->get(stmt.optional_int64(9));
  if (!dictionary) {
    return fail(dictionary.error().code, fmt::format("triages.body of seq {} needs {}", triage.seq,
                                                     dictionary.error().message));
  }
  auto body = coder_.decode(stmt.blob(10), stmt.int64(8),
                            fmt::format("triages.body of seq {}", triage.seq), *dictionary);
  if (!body) return std::unexpected(body.error());
  const auto raw = static_cast<std::size_t>(raw_size);
  const auto state = static_cast<std::size_t>(state_size);
  if (raw + state + static_cast<std::size_t>(decision_size) != body->size()) {
    return fail(ErrorCode::kIntegrityError,
                fmt::format("triages.body of seq {} is {} bytes, not the {} its sizes add up to",
                            triage.seq, body->size(), raw + state + decision_size));
  }
  triage.stage_states_json = body->substr(raw, state);
  triage.decision_json = body->substr(raw + state);
  body->resize(raw);
  triage.raw = std::move(*body);
  return triage;
}

Result<std::vector<StoredTriage>> SqliteStore::load_triages() {
  ResetOnExit guard(load_triages_);
  std::vector<StoredTriage> triages;
  int code;
  while ((code = load_triages_.step()) == SQLITE_ROW) {
    auto triage = read_triage_row(load_triages_);
    if (!triage) return std::unexpected(triage.error());
    triages.push_back(std::move(*triage));
  }
  if (code != SQLITE_DONE) {
    return std::unexpected(store::sqlite_error(db_.get(), code, "loading stored triages"));
  }
  return triages;
}

Result<std::optional<StoredTriage>> SqliteStore::find_triage(const std::string& alert_id) {
  std::int64_t last_seq = 0;
  {
    ResetOnExit guard(last_triage_seq_);
    const int code = last_triage_seq_.step();
    if (code != SQLITE_ROW) {
      return std::unexpected(store::sqlite_error(db_.get(), code, "finding a stored triage"));
    }
    if (last_triage_seq_.is_null(0)) return std::optional<StoredTriage>();
    last_seq = last_triage_seq_.int64(0);
  }
  // Newest block first, so the first match is the latest triage of this id.
  for (std::int64_t block = last_seq >> kAlertIdBlockShift; block >= 0; --block) {
    ResetOnExit guard(find_triage_);
    find_triage_.bind(1, block).bind_text(2, alert_id);
    const int code = find_triage_.step();
    if (code == SQLITE_DONE) continue;
    if (code != SQLITE_ROW) {
      return std::unexpected(store::sqlite_error(db_.get(), code, "finding a stored triage"));
    }
    auto triage = read_triage_row(find_triage_);
    if (!triage) return std::unexpected(triage.error());
    return std::optional<StoredTriage>(std::move(*triage));
  }
  return std::optional<StoredTriage>();
}

Result<std::vector<CorrelationEntry>> SqliteStore::load_correlation(TimestampMs since) {
  ResetOnExit guard(load_correlation_);
  load_correlation_.bind(1, since);
  std::vector<CorrelationEntry> entries;
  int code;
  while ((code = load_correlation_.step()) == SQLITE_ROW) {
    CorrelationEntry entry;
    entry.alert_id = std::string(load_correlation_.text(0));
    entry.time = load_correlation_.int64(1);
    entry.rule_name = std::string(load_correlation_.text(2));
    const std::string where = fmt::format("correlation row of alert '{}'", entry.alert_id);
    auto entities = store::decode_string_list(load_correlation_.text(3), where + " entities");
    if (!entities) return std::unexpected(entities.error());
    auto tactics = store::decode_string_list(load_correlation_.text(4), where + " tactics");
    if (!tactics) return std::unexpected(tactics.error());
    auto techniques = store::decode_string_list(load_correlation_.text(5), where + " techniques");
    if (!techniques) return std::unexpected(techniques.error());
    entry.entities = std::move(*entities);
    entry.tactics = std::move(*tactics);
    entry.techniques = std::move(*techniques);
    entry.classification = std::string(load_correlation_.text(6));
    entry.closed_by = std::string(load_correlation_.text(7));
    entry.risk_score = static_cast<int>(load_correlation_.int64(8));
    entries.push_back(std::move(entry));
  }
  if (code != SQLITE_DONE) {
    return std::unexpected(store::sqlite_error(db_.get(), code, "loading correlation entries"));
  }
  return entries;
}

Result<std::int64_t> SqliteStore::quarantine_count() {
  ResetOnExit guard(quarantine_count_);
  const int code = quarantine_count_.step();
  if (code != SQLITE_ROW) {
    return std::unexpected(store::sqlite_error(db_.get(), code, "counting quarantined inputs"));
  }
  return quarantine_count_.int64(0);
}

// Walks the chain in seq order; stops at the first record that does not verify. Dictionaries
// come from the verified snapshot, never from what the writer holds in memory.
class ChainVerifier {
 public:
  ChainVerifier(BlobCoder& coder, sqlite3* db, std::size_t max_blob_bytes)
      : coder_(coder), dictionaries_(db), max_blob_bytes_(max_blob_bytes) {}

  // Returns a problem description when the current row (of kVerifyWalk) does not verify.
  std::optional<std::pair<std::int64_t, std::string>> check(const Statement& row);
  std::int64_t checked() const { return checked_; }

 private:
  std::optional<std::string> check_triage(const Statement& row, std::int64_t seq,
                                          std::string_view payload_hash);
  std::optional<std::string> check_quarantine(const Statement& row, std::int64_t seq,
                                              std::string_view payload_hash);

  BlobCoder& coder_;
  DictionaryCache dictionaries_;
  std::size_t max_blob_bytes_;
  std::int64_t expected_seq_ = 1;
  std::string prev_hash_{store::kGenesisHash};
  std::int64_t checked_ = 0;
};

std::optional<std::pair<std::int64_t, std::string>> ChainVerifier::check(const Statement& row) {
  const std::int64_t seq = row.int64(kAuSeq);
  if (seq < expected_seq_) {
    return std::pair{
        seq, fmt::format("audit record {} is out of sequence (the chain starts at 1)", seq)};
  }
  if (seq > expected_seq_) {
    return std::pair{
        expected_seq_,
        fmt::format("audit record {} is missing (the next record is {})", expected_seq_, seq)};
  }
  const std::string_view kind = row.text(kAuKind);
  const std::string_view payload_hash = row.text(kAuPayloadHash);
  const std::string_view prev_hash = row.text(kAuPrevHash);
  const std::string_view hash = row.text(kAuHash);
  if (prev_hash != prev_hash_) {
    return std::pair{seq, fmt::format("audit record {} does not link to record {} (prev_hash "
                                      "differs): a record was removed, inserted or reordered",
                                      seq, seq - 1)};
  }
  const std::string recomputed = store::audit_record_hash(
      AuditFields{seq, row.int64(kAuTime), kind, row.text(kAuRef), payload_hash, prev_hash});
  if (recomputed != hash) {
    return std::pair{seq, fmt::format("audit record {} was altered (its hash does not match "
                                      "its fields)",
                                      seq)};
  }
  std::optional<std::string> problem;
  if (kind == store::kKindTriage) {
    problem = check_triage(row, seq, payload_hash);
  } else if (kind == store::kKindQuarantine) {
    problem = check_quarantine(row, seq, payload_hash);
  } else {
    problem = fmt::format("audit record {} has unknown kind '{}'", seq, kind);
  }
  if (problem) return std::pair{seq, std::move(*problem)};
  ++checked_;
  ++expected_seq_;
  prev_hash_.assign(hash);
  return std::nullopt;
}

std::optional<std::string> ChainVerifier::check_triage(const Statement& row, std::int64_t seq,
                                                       std::string_view payload_hash) {
  if (row.is_null(kTSeq)) return fmt::format("the triages row of triage record {} is missing", seq);
  if (row.is_null(kCSeq)) {
    return fmt::format("the correlation row of triage record {} is missing", seq);
  }
  if (!row.is_null(kQSeq)) return fmt::format("triage record {} also has a quarantine row", seq);
  const std::optional<std::int64_t> dictionary_id = row.optional_int64(kTDictionaryId);
  auto dictionary = dictionaries_.get(dictionary_id);
  if (!dictionary) {
    return fmt::format("triages.body of seq {} needs {}", seq, dictionary.error().message);
  }
  // The body must also read back, not only hash right: a record that verifies is readable.
  const std::int64_t raw_size = row.int64(kTRawSize);
  const std::int64_t state_size = row.int64(kTStateSize);
  const std::int64_t decision_size = row.int64(kTDecisionSize);
  if (auto sizes = check_body_sizes(raw_size, state_size, decision_size, max_blob_bytes_, seq);
      !sizes) {
    return sizes.error().message;
  }
  auto body = coder_.check(row.blob(kTBody), row.int64(kTCodec),
                           fmt::format("triages.body of seq {}", seq), *dictionary);
  if (!body) return body.error().message;
  if (static_cast<std::uint64_t>(raw_size + state_size + decision_size) != body->size()) {
    return fmt::format("triages.body of seq {} does not split into the sizes stored with it", seq);
  }
  const std::string recomputed = store::triage_payload_hash(store::TriagePayload{
      .seq = seq,
      .alert_id = row.text(kTAlertId),
      .format = row.text(kTFormat),
      .alert_time = row.optional_int64(kTAlertTime),
      .received_at = row.int64(kTReceivedAt),
      .classification = row.text(kTClassification),
      .severity = row.text(kTSeverity),
      .priority = row.text(kTPriority),
      .risk_score = row.int64(kTRiskScore),
      .raw_size = raw_size,
      .state_size = state_size,
      .decision_size = decision_size,
      .codec = row.int64(kTCodec),
      .dictionary_id = dictionary_id,
      .dictionary_sha256 =
          *dictionary != nullptr ? std::string_view((*dictionary)->sha256()) : std::string_view(),
      .body = row.blob(kTBody),
      .correlation_alert_id = row.text(kCAlertId),
      .correlation_time = row.int64(kCTime),
      .rule_name = row.text(kCRuleName),
      .entities_json = row.text(kCEntities),
      .tactics_json = row.text(kCTactics),
      .techniques_json = row.text(kCTechniques),
      .correlation_classification = row.text(kCClassification),
      .closed_by = row.text(kCClosedBy),
      .correlation_risk_score = row.int64(kCRiskScore),
  });
  if (recomputed != payload_hash) {
    return fmt::format(
        "the stored rows of triage record {} (triage or correlation entry) do not match its "
        "payload hash",
        seq);
  }
  if (row.text(kAuRef) != row.text(kTAlertId)) {
    return fmt::format("audit record {} names alert '{}' but its triages row is '{}'", seq,
                       row.text(kAuRef), row.text(kTAlertId));
  }
  return std::nullopt;
}

std::optional<std::string> ChainVerifier::check_quarantine(const Statement& row, std::int64_t seq,
                                                           std::string_view payload_hash) {
  if (row.is_null(kQSeq)) return fmt::format("the quarantine row of record {} is missing", seq);
  if (!row.is_null(kTSeq)) return fmt::format("quarantine record {} also has a triages row", seq);
  auto bytes = coder_.check(row.blob(kQBytes), row.int64(kQCodec),
                            fmt::format("quarantine.bytes of seq {}", seq));
  if (!bytes) return bytes.error().message;
  const std::string recomputed = store::quarantine_payload_hash(store::QuarantinePayload{
      seq, row.int64(kQReceivedAt), row.text(kQInputRef), row.int64(kQErrorCode),
      row.text(kQMessage), row.int64(kQCodec), row.blob(kQBytes)});
  if (recomputed != payload_hash) {
    return fmt::format("the stored quarantine row of record {} does not match its payload hash",
                       seq);
  }
  if (row.text(kAuRef) != row.text(kQInputRef)) {
    return fmt::format("audit record {} names input '{}' but its quarantine row is '{}'", seq,
                       row.text(kAuRef), row.text(kQInputRef));
  }
  return std::nullopt;
}

Result<std::int64_t> SqliteStore::first_orphan(std::string& problem) {
  std::int64_t first = 0;
  for (const OrphanQuery& query : kOrphanQueries) {
    auto stmt = Statement::prepare(db_.get(), query.sql);
    if (!stmt) return std::unexpected(stmt.error());
    const int code = stmt->step();
    if (code != SQLITE_ROW) {
      return std::unexpected(store::sqlite_error(db_.get(), code, "looking for unaudited rows"));
    }
    if (stmt->is_null(0)) continue;
    const std::int64_t seq = stmt->int64(0);
    if (first == 0 || seq < first) {
      first = seq;
      problem = fmt::format(
          "{} row {} has no audit record of its kind (inserted, or its audit "
          "record was deleted)",
          query.table, seq);
    }
  }
  return first;
}

Result<AuditVerifyReport> SqliteStore::verify_audit() {
  // One read transaction, so the walk and the orphan queries see the same snapshot.
  if (auto s = db_.exec("BEGIN", "verifying the audit chain"); !s)
    return std::unexpected(s.error());
  auto report = [&]() -> Result<AuditVerifyReport> {
    AuditVerifyReport out;
    auto walk = Statement::prepare(db_.get(), kVerifyWalk);
    if (!walk) return std::unexpected(walk.error());
    ChainVerifier verifier(coder_, db_.get(), options_.max_blob_bytes);
    int code;
    while ((code = walk->step()) == SQLITE_ROW) {
      if (auto problem = verifier.check(*walk)) {
        out.ok = false;
        out.first_bad_record = problem->first;
        out.problem = std::move(problem->second);
        break;
      }
    }
    if (code != SQLITE_ROW && code != SQLITE_DONE) {
      return std::unexpected(store::sqlite_error(db_.get(), code, "reading the audit chain"));
    }
    out.records_checked = verifier.checked();
    std::string orphan_problem;
    auto orphan = first_orphan(orphan_problem);
    if (!orphan) return std::unexpected(orphan.error());
    if (*orphan != 0 && (!out.first_bad_record || *orphan < *out.first_bad_record)) {
      out.ok = false;
      out.first_bad_record = *orphan;
      out.problem = std::move(orphan_problem);
    }
    return out;
  }();
  (void)db_.exec("ROLLBACK", "ending the audit verification");
  return report;
}

}  // namespace

Result<std::unique_ptr<Store>> open_sqlite_store(const SqliteOptions& options, const Clock& clock) {
  auto store = std::make_unique<SqliteStore>(options, clock);
  if (auto opened = store->open(); !opened) return std::unexpected(opened.error());
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace soc
