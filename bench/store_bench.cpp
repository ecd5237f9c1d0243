// Store throughput: record_triage into a WAL/FULL file at realistic sizes, verify, and parts.
#include <benchmark/benchmark.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "core/time.hpp"
#include "store/audit_chain.hpp"
#include "store/blob_codec.hpp"
#include "store/store.hpp"

namespace {

using soc::TriageRecord;

// Deterministic, so runs compare; varied, so compression sees realistic entropy.
class Prng {
 public:
  explicit Prng(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    state_ ^= state_ << 13;
    state_ ^= state_ >> 7;
    state_ ^= state_ << 17;
    return state_;
  }
  std::string hex(int digits) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    while (static_cast<int>(out.size()) < digits) out.push_back(kDigits[next() & 15]);
    return out;
  }
  std::string base64(int chars) {
    static constexpr char kDigits[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    while (static_cast<int>(out.size()) < chars) out.push_back(kDigits[next() & 63]);
    return out;
  }
  std::string ip() {
    return std::to_string(next() % 223 + 1) + "." + std::to_string(next() % 256) + "." +
           std::to_string(next() % 256) + "." + std::to_string(next() % 254 + 1);
  }

 private:
  std::uint64_t state_;
};

// An ECS-like EDR alert padded with process events up to about `raw_bytes`.
std::string make_raw_alert(Prng& rng, int n, std::size_t raw_bytes) {
  std::string raw = R"({"@timestamp":"2026-03-02T02:47:)" + std::to_string(10 + n % 50) +
                    R"(Z","event":{"id":")" + rng.hex(32) +
                    R"(","kind":"alert","category":["process"],"severity":73},)"
                    R"("rule":{"name":"Suspicious PowerShell execution","id":")" +
                    rng.hex(8) + R"("},"host":{"name":"WKS-MARKETING-)" + std::to_string(n % 97) +
                    R"(","ip":[")" + rng.ip() +
                    R"("],"os":{"family":"windows"}},"user":{"name":"user)" +
                    std::to_string(n % 500) + R"(","domain":"CORP"},"events":[)";
  while (raw.size() + 400 < raw_bytes) {
    raw += R"({"process":{"pid":)" + std::to_string(rng.next() % 60000) +
           R"(,"name":"powershell.exe","command_line":"powershell.exe -NoP -W Hidden -enc )" +
           rng.base64(96) + R"(","hash":{"sha256":")" + rng.hex(64) +
           R"("},"parent":{"name":"winword.exe"}},"destination":{"ip":")" + rng.ip() +
           R"(","port":443}},)";
  }
  raw += R"({}],"message":"Encoded PowerShell launched by an Office document"})";
  return raw;
}

std::string make_stage_states(Prng& rng, int n) {
  return R"({"normalize":{"format":"ecs","rule":"Suspicious PowerShell execution","time":)" +
         std::to_string(1'772'419'620'000 + n) + R"(},"extract":[{"type":"ip","value":")" +
         rng.ip() + R"(","field":"destination.ip"},{"type":"sha256","value":")" + rng.hex(64) +
         R"(","field":"process.hash.sha256"},{"type":"host","value":"wks-marketing-07"}],)"
         R"("enrich":[{"provider":"virustotal","indicator":")" +
         rng.hex(64) +
         R"(","verdict":"malicious","detections":47,"engines":72,"family":"AgentTesla",)"
         R"("first_seen":"2026-03-02T00:40:00Z","fetched_at":"2026-03-02T02:47:01Z"},)"
         R"({"provider":"abuseipdb","indicator":")" +
         rng.ip() +
         R"(","score":100,"reports":15234,"categories":["brute-force","ssh"]}],)"
         R"("attack":[{"technique":"T1059.001","tactic":"execution","source":"rule"},)"
         R"({"technique":"T1566.001","tactic":"initial-access","source":"inferred"}],)"
         R"("context":{"asset":{"criticality":"high","owner":"marketing"},"baseline":{)"
         R"("seen_before":false,"first_contact":true},"history":{"alerts_72h":1}},)"
         R"("score":{"total":92,"factors":[{"name":"intel","points":35},{"name":"asset",)"
         R"("points":20},{"name":"technique","points":22},{"name":"history","points":15}]}})";
}

std::string make_decision(Prng& rng, int n) {
  std::string decision = R"({"alert_id":")" + rng.hex(32) +
                         R"(","classification":"TRUE_POSITIVE","severity":"critical",)"
                         R"("priority":"P1","risk_score":)" +
                         std::to_string(60 + n % 40) + R"(,"reasoning":[)";
  for (int step = 0; step < 12; ++step) {
    decision += R"({"step":)" + std::to_string(step) +
                R"(,"thought":"Check the reputation of the destination and the hash against )"
                R"(threat intelligence before scoring","action":"enrich","observation":")" +
                rng.hex(24) + R"( flagged by 47/72 engines"},)";
  }
  decision += R"({}],"actions":[{"type":"isolate_host","target":"wks-marketing-07",)"
              R"("requires_approval":true},{"type":"block_domain","target":"doc-secure.xyz"}],)"
              R"("attack":["T1059.001","T1566.001"],"recommendations":["Re-investigate the )"
              R"(PowerShell alert closed 36 h ago"]})";
  return decision;
}

std::vector<TriageRecord> make_records(std::size_t count, std::size_t raw_bytes) {
  Prng rng(0x5eed0000 + raw_bytes);
  std::vector<TriageRecord> records;
  records.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    const int n = static_cast<int>(i);
    TriageRecord r;
    r.alert_id = "alert-" + rng.hex(16);
    r.format = "ecs";
    r.alert_time = 1'772'419'620'000 + n * 50;
    r.raw = make_raw_alert(rng, n, raw_bytes);
    r.stage_states_json = make_stage_states(rng, n);
    r.decision_json = make_decision(rng, n);
    r.classification = "TRUE_POSITIVE";
    r.severity = "critical";
    r.priority = "P1";
    r.risk_score = 60 + n % 40;
    r.correlation.alert_id = r.alert_id;
    r.correlation.time = *r.alert_time;
    r.correlation.rule_name = "Suspicious PowerShell execution";
    r.correlation.entities = {"host:wks-marketing-" + std::to_string(n % 97),
                              "user:user" + std::to_string(n % 500), "ip:" + rng.ip()};
    r.correlation.tactics = {"execution", "initial-access"};
    r.correlation.techniques = {"T1059.001", "T1566.001"};
    r.correlation.classification = r.classification;
    r.correlation.closed_by = "agent";
    r.correlation.risk_score = r.risk_score;
    records.push_back(std::move(r));
  }
  return records;
}

std::size_t record_bytes(const TriageRecord& r) {
  return r.raw.size() + r.stage_states_json.size() + r.decision_json.size();
}

class TempDb {
 public:
  explicit TempDb(const std::string& name)
      : path_((std::filesystem::temp_directory_path() /
               ("soc-store-bench-" + std::to_string(::getpid()) + "-" + name + ".db"))
                  .string()) {
    remove();
  }
  ~TempDb() { remove(); }
  const std::string& path() const { return path_; }

 private:
  void remove() {
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path_ + suffix);
  }
  std::string path_;
};

constexpr std::size_t kRecordPool = 2048;

soc::SqliteOptions file_options(const std::string& path) {
  soc::SqliteOptions options;
  options.path = path;
  options.batch_size = 1000;
  return options;
}

// Bytes this process has passed to write(2) and friends so far: the WAL, then the checkpoint's
// copy into the database file.
std::uint64_t bytes_written() {
  std::ifstream io("/proc/self/io");
  std::string key;
  std::uint64_t value = 0;
  while (io >> key >> value) {
    if (key == "wchar:") return value;
  }
  return 0;
}

// Bytes the database file and its WAL hold, per record stored.
double file_bytes_per_record(const std::string& path, std::size_t records) {
  std::size_t bytes = std::filesystem::file_size(path);
  if (std::filesystem::exists(path + "-wal")) bytes += std::filesystem::file_size(path + "-wal");
  return static_cast<double>(bytes) / static_cast<double>(records ? records : 1);
}

// Args: raw alert size in bytes, codec as stored (0: compression off, 1: zstd, 2: LZ4), zstd
// level, synchronous FULL (1) or NORMAL (0), page size in KiB, dictionary size in KiB (0: none).
void BM_Store_RecordTriage(benchmark::State& state) {
  const auto raw_bytes = static_cast<std::size_t>(state.range(0));
  const auto records = make_records(kRecordPool, raw_bytes);
  TempDb db("record-" + std::to_string(state.thread_index()));
  soc::SystemClock clock;
  soc::SqliteOptions options = file_options(db.path());
  options.compression =
      state.range(1) == 1 ? soc::StoreCompression::kZstd : soc::StoreCompression::kLz4;
  if (state.range(1) == 0) options.compress_over_bytes = SIZE_MAX;
  options.compression_level = static_cast<int>(state.range(2));
  options.synchronous_full = state.range(3) != 0;
  options.page_size = static_cast<int>(state.range(4)) * 1024;
  options.dictionary_bytes = static_cast<std::size_t>(state.range(5)) * 1024;
  auto store = soc::open_sqlite_store(options, clock);
  if (!store) {
    state.SkipWithError(store.error().message.c_str());
    return;
  }
  std::size_t i = 0;
  std::size_t bytes = 0;
  const std::uint64_t written_before = bytes_written();
  for (auto _ : state) {
    const TriageRecord& record = records[i++ % kRecordPool];
    auto ref = (*store)->record_triage(record);
    if (!ref) {
      state.SkipWithError(ref.error().message.c_str());
      break;
    }
    bytes += record_bytes(record);
  }
  if (auto flushed = (*store)->flush(); !flushed)
    state.SkipWithError(flushed.error().message.c_str());
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
  state.counters["record_bytes"] = static_cast<double>(bytes) / static_cast<double>(i ? i : 1);
  state.counters["file_bytes_per_record"] = file_bytes_per_record(db.path(), i);
  state.counters["written_per_record"] =
      static_cast<double>(bytes_written() - written_before) / static_cast<double>(i ? i : 1);
}
BENCHMARK(BM_Store_RecordTriage)
    ->ArgNames({"raw", "codec", "level", "full", "page_kib", "dict_kib"})
    ->Args({2048, 2, 0, 1, 16, 128})
    ->Args({4608, 2, 0, 1, 16, 128})
    ->Args({7168, 2, 0, 1, 16, 128})
    ->Args({4608, 2, 0, 1, 16, 0})
    ->Args({2048, 1, -3, 1, 16, 128})
    ->Args({4608, 1, -3, 1, 16, 128})
    ->Args({7168, 1, -3, 1, 16, 128})
    ->Args({4608, 1, -3, 1, 16, 0})
    ->Args({4608, 1, -3, 1, 16, 32})
    ->Args({4608, 1, 1, 1, 16, 128})
    ->Args({4608, 1, 1, 1, 16, 0})
    ->Args({4608, 1, -1, 1, 16, 128})
    ->Args({4608, 1, -5, 1, 16, 128})
    ->Args({4608, 0, 0, 1, 16, 0})
    ->Args({4608, 2, 0, 0, 16, 128})
    ->Args({4608, 2, 0, 1, 4, 128})
    ->Args({4608, 2, 0, 1, 64, 128})
    ->Unit(benchmark::kMicrosecond)
    ->MinTime(2.0)
    ->UseRealTime();

// The same once the store already holds `arg` records: the cost of a large file (indexes,
// checkpoints) on each new record.
// A live feed: alert times go forward (the pool's times repeat every kRecordPool records).
TriageRecord& with_time(TriageRecord& record, std::size_t n) {
  record.correlation.time = 1'772'419'620'000 + static_cast<std::int64_t>(n) * 50;
  return record;
}

void BM_Store_RecordTriageAtScale(benchmark::State& state) {
  const auto stored = static_cast<std::size_t>(state.range(0));
  auto records = make_records(kRecordPool, 4608);
  TempDb db("scale");
  soc::SystemClock clock;
  auto store = soc::open_sqlite_store(file_options(db.path()), clock);
  if (!store) {
    state.SkipWithError(store.error().message.c_str());
    return;
  }
  for (std::size_t i = 0; i < stored; ++i) {
    if (!(*store)->record_triage(with_time(records[i % kRecordPool], i))) {
      state.SkipWithError("record_triage failed while filling the store");
      return;
    }
  }
  if (!(*store)->flush()) {
    state.SkipWithError("flush failed while filling the store");
    return;
  }
  std::size_t i = stored;
  for (auto _ : state) {
    auto ref = (*store)->record_triage(with_time(records[i % kRecordPool], i));
    ++i;
    if (!ref) {
      state.SkipWithError(ref.error().message.c_str());
      break;
    }
  }
  if (auto flushed = (*store)->flush(); !flushed)
    state.SkipWithError(flushed.error().message.c_str());
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  state.counters["file_bytes_per_record"] = file_bytes_per_record(db.path(), i);
}
BENCHMARK(BM_Store_RecordTriageAtScale)
    ->ArgName("stored")
    ->Arg(50'000)
    ->Arg(300'000)
    ->Unit(benchmark::kMicrosecond)
    ->Iterations(50'000)
    ->UseRealTime();

// find_triage() in a file of `arg` triages: it probes the alert id index one block of 4,096
// seqs at a time, newest first; the ids looked up are spread over the whole file.
void BM_Store_FindTriage(benchmark::State& state) {
  const auto stored = static_cast<std::size_t>(state.range(0));
  auto records = make_records(kRecordPool, 2048);
  TempDb db("find");
  soc::SystemClock clock;
  auto store = soc::open_sqlite_store(file_options(db.path()), clock);
  if (!store) {
    state.SkipWithError(store.error().message.c_str());
    return;
  }
  std::vector<std::string> ids;
  for (std::size_t i = 0; i < stored; ++i) {
    TriageRecord& record = records[i % kRecordPool];
    record.alert_id = "alert-" + std::to_string(i);
    if (i % (stored / 64) == 0) ids.push_back(record.alert_id);
    if (!(*store)->record_triage(record)) {
      state.SkipWithError("record_triage failed while filling the store");
      return;
    }
  }
  if (!(*store)->flush()) {
    state.SkipWithError("flush failed while filling the store");
    return;
  }
  std::size_t i = 0;
  for (auto _ : state) {
    auto found = (*store)->find_triage(ids[i++ % ids.size()]);
    if (!found || !found->has_value()) {
      state.SkipWithError("a stored triage was not found");
      break;
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_Store_FindTriage)->ArgName("stored")->Arg(300'000)->Unit(benchmark::kMicrosecond);

// The same into ":memory:": the CPU cost without the file system.
void BM_Store_RecordTriageInMemory(benchmark::State& state) {
  const auto records = make_records(kRecordPool, static_cast<std::size_t>(state.range(0)));
  soc::SystemClock clock;
  soc::SqliteOptions options;
  options.batch_size = 1000;
  auto store = soc::open_sqlite_store(options, clock);
  if (!store) {
    state.SkipWithError(store.error().message.c_str());
    return;
  }
  std::size_t i = 0;
  for (auto _ : state) {
    auto ref = (*store)->record_triage(records[i++ % kRecordPool]);
    benchmark::DoNotOptimize(ref);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_Store_RecordTriageInMemory)->Arg(4608)->Unit(benchmark::kMicrosecond);

// A raw-content dictionary as the store builds one: sampled records end to end.
std::string sample_dictionary(const std::vector<TriageRecord>& records, std::size_t bytes) {
  std::string dictionary;
  for (std::size_t i = 0; i < 64 && dictionary.size() < bytes; i += 4) {
    const TriageRecord& r = records[i];
    dictionary += r.raw + r.stage_states_json + r.decision_json;
  }
  if (dictionary.size() > bytes) dictionary.erase(0, dictionary.size() - bytes);
  return dictionary;
}

// Per-record CPU before SQLite: compressing one record with a codec (arg 1: 1 zstd, 2 LZ4) at
// a zstd level (arg 2). Arg 3 is the layout: 0 three frames (raw, states, decision), 1 one
// frame, 2 one frame with a 128 KiB dictionary (LZ4 reaches its last 64 KiB).
void BM_Store_EncodeBlobs(benchmark::State& state) {
  const auto records = make_records(kRecordPool, static_cast<std::size_t>(state.range(0)));
  soc::store::BlobCoder coder(1024, static_cast<soc::store::BlobCodec>(state.range(1)),
                              static_cast<int>(state.range(2)), 64u << 20);
  soc::store::BlobDictionary dictionary(1, sample_dictionary(records, 128u << 10));
  soc::store::BlobDictionary* use = state.range(3) == 2 ? &dictionary : nullptr;
  std::size_t i = 0;
  std::size_t in = 0;
  std::size_t out = 0;
  std::string body;
  for (auto _ : state) {
    const TriageRecord& r = records[i++ % kRecordPool];
    if (state.range(3) == 0) {
      for (const std::string* blob : {&r.raw, &r.stage_states_json, &r.decision_json}) {
        out += coder.encode(*blob).bytes.size();
      }
    } else {
      body.assign(r.raw);
      body.append(r.stage_states_json);
      body.append(r.decision_json);
      out += coder.encode(body, use).bytes.size();
    }
    in += record_bytes(r);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  state.SetBytesProcessed(static_cast<std::int64_t>(in));
  state.counters["ratio"] = static_cast<double>(in) / static_cast<double>(out ? out : 1);
}
BENCHMARK(BM_Store_EncodeBlobs)
    ->ArgNames({"raw", "codec", "level", "layout"})
    ->Args({4608, 1, 1, 0})
    ->Args({4608, 1, 1, 1})
    ->Args({4608, 1, 1, 2})
    ->Args({4608, 1, -1, 2})
    ->Args({4608, 1, -3, 0})
    ->Args({4608, 1, -3, 1})
    ->Args({4608, 1, -3, 2})
    ->Args({4608, 1, -5, 2})
    ->Args({4608, 2, 0, 0})
    ->Args({4608, 2, 0, 1})
    ->Args({4608, 2, 0, 2})
    ->Unit(benchmark::kMicrosecond);

// The audit payload hash of one record, over its body as stored (compressed with the
// dictionary) or, for comparison, over the three texts decoded (arg 1).
void BM_Store_PayloadHash(benchmark::State& state) {
  const auto records = make_records(kRecordPool, 4608);
  soc::store::BlobCoder coder(1024, soc::store::BlobCodec::kLz4, -3, 64u << 20);
  soc::store::BlobDictionary dictionary(1, sample_dictionary(records, 128u << 10));
  std::vector<std::string> bodies;
  for (std::size_t i = 0; i < 64; ++i) {
    const TriageRecord& r = records[64 + i];
    const std::string plain = r.raw + r.stage_states_json + r.decision_json;
    bodies.push_back(state.range(0) == 1 ? plain : coder.encode(plain, &dictionary).bytes);
  }
  std::size_t i = 0;
  for (auto _ : state) {
    const TriageRecord& r = records[64 + i % bodies.size()];
    soc::store::TriagePayload payload;
    payload.seq = static_cast<std::int64_t>(i);
    payload.alert_id = r.alert_id;
    payload.dictionary_sha256 = dictionary.sha256();
    payload.body = bodies[i++ % bodies.size()];
    payload.entities_json = R"(["host:wks-marketing-07","user:user12","ip:10.1.2.3"])";
    benchmark::DoNotOptimize(soc::store::triage_payload_hash(payload));
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_Store_PayloadHash)->ArgName("decoded")->Arg(0)->Arg(1);

// Reference point from the issue: plain 1-blob rows, WAL, FULL, batches of 1,000.
void BM_Sqlite_PlainInsert(benchmark::State& state) {
  const std::string row(static_cast<std::size_t>(state.range(0)), 'x');
  TempDb db("plain");
  sqlite3* raw = nullptr;
  sqlite3_open(db.path().c_str(), &raw);
  sqlite3_exec(raw,
               "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
               "CREATE TABLE t(id INTEGER PRIMARY KEY, body BLOB)",
               nullptr, nullptr, nullptr);
  sqlite3_stmt* insert = nullptr;
  sqlite3_prepare_v2(raw, "INSERT INTO t(body) VALUES(?1)", -1, &insert, nullptr);
  std::int64_t n = 0;
  sqlite3_exec(raw, "BEGIN", nullptr, nullptr, nullptr);
  for (auto _ : state) {
    sqlite3_bind_blob(insert, 1, row.data(), static_cast<int>(row.size()), SQLITE_STATIC);
    sqlite3_step(insert);
    sqlite3_reset(insert);
    if (++n % 1000 == 0) sqlite3_exec(raw, "COMMIT; BEGIN", nullptr, nullptr, nullptr);
  }
  sqlite3_exec(raw, "COMMIT", nullptr, nullptr, nullptr);
  sqlite3_finalize(insert);
  sqlite3_close(raw);
  state.SetItemsProcessed(n);
  state.SetBytesProcessed(n * state.range(0));
}
BENCHMARK(BM_Sqlite_PlainInsert)
    ->Arg(2200)
    ->Arg(10240)
    ->Unit(benchmark::kMicrosecond)
    ->MinTime(2.0)
    ->UseRealTime();

// verify_audit over a file of 20,000 triage records (items = records checked).
void BM_Store_VerifyAudit(benchmark::State& state) {
  constexpr std::size_t kRecords = 20'000;
  const auto records = make_records(kRecordPool, 4608);
  TempDb db("verify");
  soc::SystemClock clock;
  soc::SqliteOptions options;
  options.path = db.path();
  {
    auto store = soc::open_sqlite_store(options, clock);
    if (!store) {
      state.SkipWithError(store.error().message.c_str());
      return;
    }
    for (std::size_t i = 0; i < kRecords; ++i) {
      if (!(*store)->record_triage(records[i % kRecordPool])) {
        state.SkipWithError("record_triage failed");
        return;
      }
    }
  }
  auto store = soc::open_sqlite_store(options, clock);
  std::int64_t checked = 0;
  for (auto _ : state) {
    auto report = (*store)->verify_audit();
    if (!report || !report->ok) {
      state.SkipWithError(report ? report->problem.c_str() : report.error().message.c_str());
      break;
    }
    checked += report->records_checked;
  }
  state.SetItemsProcessed(checked);
}
BENCHMARK(BM_Store_VerifyAudit)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
