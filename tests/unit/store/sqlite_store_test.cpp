// SQLite store behaviour: round trips, batching, codecs, quarantine, hostile strings, schema.
#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "core/sha256.hpp"
#include "store/store.hpp"
#include "store_test_support.hpp"

namespace soc {
namespace {

using store_test::open_or_fail;
using store_test::RawDb;
using store_test::sample_record;
using store_test::TempDir;

using store_test::file_options;
using store_test::kNow;

TEST(SqliteStore, RoundTripsEveryStoredField) {
  FixedClock clock(kNow);
  auto store = open_or_fail(SqliteOptions{}, clock);
  ASSERT_TRUE(store);
  std::vector<TriageRecord> records;
  for (int i = 0; i < 3; ++i) records.push_back(sample_record(i));
  records[1].alert_time.reset();
  for (std::size_t i = 0; i < records.size(); ++i) {
    auto ref = store->record_triage(records[i]);
    ASSERT_TRUE(ref) << ref.error().message;
    EXPECT_EQ(ref->record, static_cast<std::int64_t>(i + 1));
    EXPECT_EQ(ref->hash.size(), 64u);
  }
  ASSERT_TRUE(store->flush());

  auto loaded = store->load_triages();
  ASSERT_TRUE(loaded) << loaded.error().message;
  ASSERT_EQ(loaded->size(), records.size());
  for (std::size_t i = 0; i < records.size(); ++i) {
    const StoredTriage& got = (*loaded)[i];
    EXPECT_EQ(got.seq, static_cast<std::int64_t>(i + 1));
    EXPECT_EQ(got.alert_id, records[i].alert_id);
    EXPECT_EQ(got.format, records[i].format);
    EXPECT_EQ(got.raw, records[i].raw);
    EXPECT_EQ(got.decision_json, records[i].decision_json);
    EXPECT_EQ(got.stage_states_json, records[i].stage_states_json);
    EXPECT_EQ(got.alert_time, records[i].alert_time);
    EXPECT_EQ(got.received_at, kNow);
  }
  auto report = store->verify_audit();
  ASSERT_TRUE(report);
  EXPECT_TRUE(report->ok) << report->problem;
  EXPECT_EQ(report->records_checked, 3);
}

TEST(SqliteStore, ReturnsTheAuditReferenceThatTheChainHolds) {
  TempDir dir;
  const std::string path = dir.file("chain.db");
  FixedClock clock(kNow);
  std::vector<AuditRef> refs;
  {
    auto store = open_or_fail(file_options(path), clock);
    ASSERT_TRUE(store);
    for (int i = 0; i < 3; ++i) refs.push_back(*store->record_triage(sample_record(i)));
  }
  RawDb raw(path);
  EXPECT_EQ(raw.bytes("SELECT prev_hash FROM audit WHERE seq = 1"), std::string(64, '0'));
  for (const AuditRef& ref : refs) {
    EXPECT_EQ(raw.bytes("SELECT hash FROM audit WHERE seq = " + std::to_string(ref.record)),
              ref.hash);
  }
  EXPECT_EQ(raw.bytes("SELECT prev_hash FROM audit WHERE seq = 3"), refs[1].hash);
  EXPECT_EQ(raw.bytes("SELECT kind FROM audit WHERE seq = 2"), "triage");
  EXPECT_EQ(raw.bytes("SELECT ref FROM audit WHERE seq = 2"), "alert-1");
  EXPECT_EQ(raw.integer("SELECT time FROM audit WHERE seq = 2"), kNow);
}

// Pins the documented hash encoding with core's independent SHA-256, so a change to the
// audit format cannot slip in unnoticed (old chains would stop verifying).
TEST(SqliteStore, AuditHashesFollowTheDocumentedEncoding) {
  TempDir dir;
  const std::string path = dir.file("encoding.db");
  FixedClock clock(kNow);
  {
    auto store = open_or_fail(file_options(path), clock);
    ASSERT_TRUE(store);
    ASSERT_TRUE(store->quarantine({"feed.json:7", ErrorCode::kParseError, "not JSON", "{oops"}));
  }
  Sha256 payload;
  for (std::string_view field : {"soc-triage/quarantine/v2", "1", "1772500000000", "feed.json:7",
                                 "3", "not JSON", "0", "{oops"}) {
    payload.update_field(field);
  }
  const std::string payload_hash = payload.hex_digest();
  Sha256 record;
  for (std::string_view field :
       {std::string_view("soc-triage/audit/v1"), std::string_view("1"),
        std::string_view("1772500000000"), std::string_view("quarantine"),
        std::string_view("feed.json:7"), std::string_view(payload_hash),
        std::string_view("0000000000000000000000000000000000000000000000000000000000000000")}) {
    record.update_field(field);
  }
  RawDb raw(path);
  EXPECT_EQ(raw.bytes("SELECT payload_hash FROM audit WHERE seq = 1"), payload_hash);
  EXPECT_EQ(raw.bytes("SELECT hash FROM audit WHERE seq = 1"), record.hex_digest());
}

// The triage payload: every column of the triages row (the body as stored), then the
// correlation row, as src/store/README.md lists them.
TEST(SqliteStore, TriagePayloadHashFollowsTheDocumentedEncoding) {
  TempDir dir;
  const std::string path = dir.file("triage-encoding.db");
  FixedClock clock(kNow);
  const TriageRecord record = sample_record(3);
  {
    auto store = open_or_fail(file_options(path), clock);
    ASSERT_TRUE(store);
    ASSERT_TRUE(store->record_triage(record));
  }
  RawDb raw(path);
  const std::string body = raw.bytes("SELECT body FROM triages WHERE seq = 1");
  ASSERT_EQ(raw.integer("SELECT codec FROM triages WHERE seq = 1"), 2) << "LZ4 by default";
  Sha256 payload;
  const std::string fields[] = {
      "soc-triage/triage/v2",
      "1",
      record.alert_id,
      record.format,
      std::to_string(*record.alert_time),
      "1772500000000",
      record.classification,
      record.severity,
      record.priority,
      std::to_string(record.risk_score),
      std::to_string(record.raw.size()),
      std::to_string(record.stage_states_json.size()),
      std::to_string(record.decision_json.size()),
      "2",
      "",  // no dictionary id
      "",  // and so no dictionary hash
      body,
      record.correlation.alert_id,
      std::to_string(record.correlation.time),
      record.correlation.rule_name,
      R"(["host:wks-03","user:alice"])",
      R"(["execution"])",
      R"(["T1059.001"])",
      record.correlation.classification,
      record.correlation.closed_by,
      std::to_string(record.correlation.risk_score),
  };
  for (const std::string& field : fields) payload.update_field(field);
  EXPECT_EQ(raw.bytes("SELECT payload_hash FROM audit WHERE seq = 1"), payload.hex_digest());
}

TEST(SqliteStore, RecordsBecomeVisibleWhenTheBatchCommits) {
  TempDir dir;
  const std::string path = dir.file("batch.db");
  FixedClock clock(kNow);
  auto store = open_or_fail(file_options(path, 3), clock);
  ASSERT_TRUE(store);
  RawDb other(path);

  ASSERT_TRUE(store->record_triage(sample_record(1)));
  ASSERT_TRUE(store->record_triage(sample_record(2)));
  EXPECT_EQ(other.integer("SELECT count(*) FROM triages"), 0) << "a partial batch is pending";
  EXPECT_EQ(store->load_triages()->size(), 0u) << "reads see committed records only";

  ASSERT_TRUE(store->record_triage(sample_record(3)));  // fills the batch
  EXPECT_EQ(other.integer("SELECT count(*) FROM triages"), 3);
  EXPECT_EQ(other.integer("SELECT count(*) FROM audit"), 3);

  ASSERT_TRUE(store->record_triage(sample_record(4)));
  EXPECT_EQ(other.integer("SELECT count(*) FROM triages"), 3);
  ASSERT_TRUE(store->flush());
  EXPECT_EQ(other.integer("SELECT count(*) FROM triages"), 4);
  EXPECT_EQ(store->load_triages()->size(), 4u);
  EXPECT_TRUE(store->flush()) << "flushing nothing is fine";
}

TEST(SqliteStore, FileDatabaseIsInWalModeAndSurvivesReopening) {
  TempDir dir;
  const std::string path = dir.file("reopen.db");
  FixedClock clock(kNow);
  {
    auto store = open_or_fail(file_options(path), clock);
    ASSERT_TRUE(store);
    for (int i = 0; i < 5; ++i) ASSERT_TRUE(store->record_triage(sample_record(i)));
    ASSERT_TRUE(store->quarantine({"in.json:3", ErrorCode::kNotAnAlert, "no alert", "{}"}));
    // No flush: the destructor commits the pending batch.
  }
  {
    RawDb raw(path);
    EXPECT_EQ(raw.bytes("PRAGMA journal_mode"), "wal");
    EXPECT_EQ(raw.integer("PRAGMA user_version"), kSqliteStoreSchemaVersion);
  }
  auto store = open_or_fail(file_options(path), clock);
  ASSERT_TRUE(store);
  auto loaded = store->load_triages();
  ASSERT_TRUE(loaded);
  ASSERT_EQ(loaded->size(), 5u);
  EXPECT_EQ((*loaded)[4].raw, sample_record(4).raw);
  EXPECT_EQ(*store->quarantine_count(), 1);

  // The chain continues where the file left it.
  auto ref = store->record_triage(sample_record(9));
  ASSERT_TRUE(ref);
  EXPECT_EQ(ref->record, 7);
  ASSERT_TRUE(store->flush());
  auto report = store->verify_audit();
  ASSERT_TRUE(report);
  EXPECT_TRUE(report->ok) << report->problem;
  EXPECT_EQ(report->records_checked, 7);
}

TEST(SqliteStore, CompressesLargeBodiesAndKeepsSmallOnesPlain) {
  TempDir dir;
  const std::string path = dir.file("codec.db");
  FixedClock clock(kNow);
  TriageRecord big = sample_record(1);
  TriageRecord small = sample_record(2);
  small.raw = R"({"id":"small"})";
  TriageRecord noise = sample_record(3);
  noise.raw.clear();
  noise.stage_states_json.clear();
  noise.decision_json.clear();
  std::uint32_t x = 12345;
  for (int i = 0; i < 4096; ++i) {  // incompressible: zstd would not shrink it
    x = x * 1664525u + 1013904223u;
    noise.raw.push_back(static_cast<char>(x >> 24));
  }
  {
    auto store = open_or_fail(file_options(path), clock);
    ASSERT_TRUE(store);
    for (const auto& r : {big, small, noise}) ASSERT_TRUE(store->record_triage(r));
  }
  RawDb raw(path);
  // One frame for the three texts, split again by the sizes stored beside it.
  EXPECT_EQ(raw.integer("SELECT codec FROM triages WHERE seq = 1"), 2);
  EXPECT_LT(raw.integer("SELECT length(body) FROM triages WHERE seq = 1"),
            static_cast<std::int64_t>(big.raw.size()) / 2);
  EXPECT_EQ(raw.integer("SELECT raw_size FROM triages WHERE seq = 1"),
            static_cast<std::int64_t>(big.raw.size()));
  EXPECT_EQ(raw.integer("SELECT state_size FROM triages WHERE seq = 1"),
            static_cast<std::int64_t>(big.stage_states_json.size()));
  EXPECT_EQ(raw.integer("SELECT decision_size FROM triages WHERE seq = 1"),
            static_cast<std::int64_t>(big.decision_json.size()));
  EXPECT_EQ(raw.integer("SELECT codec FROM triages WHERE seq = 2"), 0)
      << "a body under the threshold stays plain";
  EXPECT_EQ(raw.bytes("SELECT body FROM triages WHERE seq = 2"),
            small.raw + small.stage_states_json + small.decision_json);
  EXPECT_EQ(raw.integer("SELECT codec FROM triages WHERE seq = 3"), 0);
  EXPECT_EQ(raw.integer("SELECT count(*) FROM triages WHERE dictionary_id IS NOT NULL"), 0)
      << "no dictionary before the store has seen enough records";

  auto store = open_or_fail(file_options(path), clock);
  ASSERT_TRUE(store);
  auto loaded = store->load_triages();
  ASSERT_TRUE(loaded);
  ASSERT_EQ(loaded->size(), 3u);
  const TriageRecord* expected[] = {&big, &small, &noise};
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ((*loaded)[i].raw, expected[i]->raw);
    EXPECT_EQ((*loaded)[i].stage_states_json, expected[i]->stage_states_json);
    EXPECT_EQ((*loaded)[i].decision_json, expected[i]->decision_json);
  }
}

TEST(SqliteStore, CompressionThresholdIsAnOption) {
  TempDir dir;
  const std::string path = dir.file("threshold.db");
  FixedClock clock(kNow);
  SqliteOptions options = file_options(path);
  options.compress_over_bytes = 1u << 20;
  {
    auto store = open_or_fail(options, clock);
    ASSERT_TRUE(store);
    ASSERT_TRUE(store->record_triage(sample_record(1)));
  }
  RawDb raw(path);
  EXPECT_EQ(raw.integer("SELECT codec FROM triages WHERE seq = 1"), 0);
}

// zstd frames carry a checksum: a damaged body fails on every read, not only under verify.
TEST(SqliteStore, CorruptZstdBodyIsAClearErrorOnRead) {
  TempDir dir;
  const std::string path = dir.file("corrupt.db");
  FixedClock clock(kNow);
  SqliteOptions options = file_options(path);
  options.compression = StoreCompression::kZstd;
  {
    auto store = open_or_fail(options, clock);
    ASSERT_TRUE(store);
    ASSERT_TRUE(store->record_triage(sample_record(1)));
  }
  {
    RawDb raw(path);
    ASSERT_EQ(raw.integer("SELECT codec FROM triages WHERE seq = 1"), 1);
    std::string blob = raw.bytes("SELECT body FROM triages WHERE seq = 1");
    blob[blob.size() / 2] = static_cast<char>(blob[blob.size() / 2] ^ 0x5a);
    raw.exec_with_blob("UPDATE triages SET body = ?1 WHERE seq = 1", blob);
  }
  auto store = open_or_fail(options, clock);
  ASSERT_TRUE(store);
  auto loaded = store->load_triages();
  ASSERT_FALSE(loaded);
  EXPECT_EQ(loaded.error().code, ErrorCode::kIntegrityError);
  EXPECT_NE(loaded.error().message.find("triages.body of seq 1"), std::string::npos)
      << loaded.error().message;
  auto report = store->verify_audit();
  ASSERT_TRUE(report);
  EXPECT_FALSE(report->ok);
  EXPECT_EQ(report->first_bad_record, 1);
}

// LZ4 frames have no checksum: a cut frame fails on read; a flipped byte may still decode, and
// `audit verify` is what names the record (the chain hashes the stored bytes).
TEST(SqliteStore, DamagedLz4BodyFailsOnReadWhenCutAndUnderVerifyAlways) {
  TempDir dir;
  const std::string path = dir.file("corrupt-lz4.db");
  FixedClock clock(kNow);
  {
    auto store = open_or_fail(file_options(path), clock);
    ASSERT_TRUE(store);
    for (int i = 1; i <= 3; ++i) ASSERT_TRUE(store->record_triage(sample_record(i)));
  }
  std::string intact;
  {
    RawDb raw(path);
    ASSERT_EQ(raw.integer("SELECT codec FROM triages WHERE seq = 2"), 2);
    intact = raw.bytes("SELECT body FROM triages WHERE seq = 2");
    std::string blob = intact;
    blob.resize(blob.size() - 3);
    raw.exec_with_blob("UPDATE triages SET body = ?1 WHERE seq = 2", blob);
    std::string flipped = raw.bytes("SELECT body FROM triages WHERE seq = 3");
    flipped[flipped.size() / 2] = static_cast<char>(flipped[flipped.size() / 2] ^ 0x01);
    raw.exec_with_blob("UPDATE triages SET body = ?1 WHERE seq = 3", flipped);
  }
  auto store = open_or_fail(file_options(path), clock);
  ASSERT_TRUE(store);
  auto loaded = store->load_triages();
  ASSERT_FALSE(loaded);
  EXPECT_EQ(loaded.error().code, ErrorCode::kIntegrityError);
  EXPECT_NE(loaded.error().message.find("triages.body of seq 2"), std::string::npos)
      << loaded.error().message;
  auto report = store->verify_audit();
  ASSERT_TRUE(report);
  EXPECT_FALSE(report->ok);
  EXPECT_EQ(report->first_bad_record, 2);
  // With the cut one repaired, the flipped one is named.
  RawDb(path).exec_with_blob("UPDATE triages SET body = ?1 WHERE seq = 2", intact);
  auto again = store->verify_audit();
  ASSERT_TRUE(again);
  EXPECT_FALSE(again->ok);
  EXPECT_EQ(again->first_bad_record, 3) << again->problem;
}

TEST(SqliteStore, UnknownCodecIsAnIntegrityError) {
  TempDir dir;
  const std::string path = dir.file("codec9.db");
  FixedClock clock(kNow);
  {
    auto store = open_or_fail(file_options(path), clock);
    ASSERT_TRUE(store);
    ASSERT_TRUE(store->record_triage(sample_record(1)));
  }
  RawDb(path).exec("UPDATE triages SET codec = 9 WHERE seq = 1");
  auto store = open_or_fail(file_options(path), clock);
  ASSERT_TRUE(store);
  auto found = store->find_triage("alert-1");
  ASSERT_FALSE(found);
  EXPECT_EQ(found.error().code, ErrorCode::kIntegrityError);
  EXPECT_NE(found.error().message.find("unknown codec 9"), std::string::npos);
}

TEST(SqliteStore, RefusesToDecompressPastTheSizeCap) {
  TempDir dir;
  const std::string path = dir.file("cap.db");
  FixedClock clock(kNow);
  TriageRecord record = sample_record(1);
  record.raw = std::string(100'000, 'A');
  {
    auto store = open_or_fail(file_options(path), clock);
    ASSERT_TRUE(store);
    ASSERT_TRUE(store->record_triage(record));
  }
  SqliteOptions options = file_options(path);
  options.max_blob_bytes = 50'000;
  auto store = open_or_fail(options, clock);
  ASSERT_TRUE(store);
  auto loaded = store->load_triages();
  ASSERT_FALSE(loaded);
  EXPECT_EQ(loaded.error().code, ErrorCode::kTooLarge);
}

TEST(SqliteStore, RefusesARecordItCouldNotReadBack) {
  FixedClock clock(kNow);
  SqliteOptions options;
  options.max_blob_bytes = 10'000;
  auto store = open_or_fail(options, clock);
  ASSERT_TRUE(store);
  TriageRecord record = sample_record(1);
  record.decision_json = std::string(10'001, 'd');
  auto refused = store->record_triage(record);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kTooLarge);
  EXPECT_NE(refused.error().message.find("decision"), std::string::npos);
  auto accepted = store->record_triage(sample_record(2));
  ASSERT_TRUE(accepted);
  EXPECT_EQ(accepted->record, 1) << "a refused record takes no seq";
}

TEST(SqliteStore, QuarantineKeepsTheReadablePrefixOfAnOversizedInput) {
  TempDir dir;
  const std::string path = dir.file("quarantine-big.db");
  FixedClock clock(kNow);
  SqliteOptions options = file_options(path);
  options.max_blob_bytes = 1000;
  {
    auto store = open_or_fail(options, clock);
    ASSERT_TRUE(store);
    ASSERT_TRUE(store->quarantine(
        {"huge.json", ErrorCode::kTooLarge, "over limit", std::string(5000, 'q')}));
    ASSERT_TRUE(store->flush());
    auto report = store->verify_audit();
    ASSERT_TRUE(report);
    EXPECT_TRUE(report->ok) << report->problem;
  }
  RawDb raw(path);
  EXPECT_EQ(raw.bytes("SELECT message FROM quarantine WHERE seq = 1"),
            "over limit [quarantine kept the first 1000 of 5000 bytes]");
}

TEST(SqliteStore, QuarantineIsStoredCountedAndAudited) {
  TempDir dir;
  const std::string path = dir.file("quarantine.db");
  FixedClock clock(kNow);
  const std::string hostile = std::string("not json\0\xff\xfe", 11) + std::string(3000, 'x');
  {
    auto store = open_or_fail(file_options(path), clock);
    ASSERT_TRUE(store);
    ASSERT_TRUE(store->record_triage(sample_record(1)));
    ASSERT_TRUE(store->quarantine({"feed.json:2", ErrorCode::kParseError, "bad JSON", hostile}));
    ASSERT_TRUE(store->quarantine({"feed.json@4096", ErrorCode::kTooLarge, "over limit", "{}"}));
    EXPECT_EQ(*store->quarantine_count(), 0) << "not committed yet";
    ASSERT_TRUE(store->flush());
    EXPECT_EQ(*store->quarantine_count(), 2);
    auto report = store->verify_audit();
    ASSERT_TRUE(report);
    EXPECT_TRUE(report->ok) << report->problem;
    EXPECT_EQ(report->records_checked, 3);
  }
  RawDb raw(path);
  EXPECT_EQ(raw.bytes("SELECT kind FROM audit WHERE seq = 2"), "quarantine");
  EXPECT_EQ(raw.bytes("SELECT ref FROM audit WHERE seq = 2"), "feed.json:2");
  EXPECT_EQ(raw.integer("SELECT error_code FROM quarantine WHERE seq = 2"),
            static_cast<std::int64_t>(ErrorCode::kParseError));
  EXPECT_EQ(raw.bytes("SELECT message FROM quarantine WHERE seq = 3"), "over limit");
  EXPECT_EQ(raw.integer("SELECT codec FROM quarantine WHERE seq = 2"), 2);
  EXPECT_EQ(raw.bytes("SELECT bytes FROM quarantine WHERE seq = 3"), "{}");
}

TEST(SqliteStore, HostileStringsAreStoredAsDataAndRoundTripExactly) {
  TempDir dir;
  const std::string path = dir.file("hostile.db");
  FixedClock clock(kNow);
  const std::vector<std::string> ids = {
      "x'); DROP TABLE alerts; --",
      "\" OR 1=1 --",
      "'; DELETE FROM audit WHERE '1'='1",
      std::string("nul\0inside", 10),
      "\xff\xfe\x80 not utf-8",
      "%_* LIKE wildcards",
      "",
  };
  std::vector<TriageRecord> records;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    TriageRecord r = sample_record(static_cast<int>(i), "placeholder");
    r.alert_id = ids[i];
    r.format = "ecs'); --";
    r.raw = std::string("{\"a\":\"") + std::string("\0\xc3\x28\xff", 4) +
            "\",\"sql\":\"'); DROP TABLE audit; --\"}" + std::string(i * 700, '\x01');
    r.decision_json = ids[i] + std::string("\0tail", 5);
    r.correlation.alert_id = ids[i];
    r.correlation.entities = {"user:o'brien", "host:\"quoted\"\\back", "tab\there"};
    records.push_back(r);
  }
  {
    auto store = open_or_fail(file_options(path), clock);
    ASSERT_TRUE(store);
    for (const auto& r : records) ASSERT_TRUE(store->record_triage(r));
  }
  RawDb raw(path);
  EXPECT_EQ(raw.integer("SELECT count(*) FROM triages"), static_cast<std::int64_t>(ids.size()));
  EXPECT_EQ(raw.integer("SELECT count(*) FROM audit"), static_cast<std::int64_t>(ids.size()));

  auto store = open_or_fail(file_options(path), clock);
  ASSERT_TRUE(store);
  for (std::size_t i = 0; i < ids.size(); ++i) {
    auto found = store->find_triage(ids[i]);
    ASSERT_TRUE(found) << found.error().message;
    ASSERT_TRUE(found->has_value()) << "id #" << i;
    EXPECT_EQ((*found)->alert_id, ids[i]);
    EXPECT_EQ((*found)->raw, records[i].raw);
    EXPECT_EQ((*found)->decision_json, records[i].decision_json);
    EXPECT_EQ((*found)->format, "ecs'); --");
  }
  EXPECT_FALSE(store->find_triage("nul")->has_value()) << "NUL must not truncate the key";
  EXPECT_FALSE(store->find_triage("%")->has_value()) << "no pattern matching";
  auto entries = store->load_correlation(0);
  ASSERT_TRUE(entries) << entries.error().message;
  ASSERT_EQ(entries->size(), ids.size());
  EXPECT_EQ((*entries)[0].entities, records[0].correlation.entities);
  auto report = store->verify_audit();
  ASSERT_TRUE(report);
  EXPECT_TRUE(report->ok) << report->problem;
}

TEST(SqliteStore, FindTriageReturnsTheLatestOfARepeatedAlertId) {
  FixedClock clock(kNow);
  auto store = open_or_fail(SqliteOptions{}, clock);
  ASSERT_TRUE(store);
  for (int i = 0; i < 3; ++i) {
    TriageRecord r = sample_record(i, "resent-1");
    r.decision_json = "{\"version\":" + std::to_string(i) + "}";
    ASSERT_TRUE(store->record_triage(r));
    ASSERT_TRUE(store->record_triage(sample_record(10 + i)));
  }
  ASSERT_TRUE(store->flush());
  auto found = store->find_triage("resent-1");
  ASSERT_TRUE(found);
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->seq, 5);
  EXPECT_EQ((*found)->decision_json, "{\"version\":2}");
  EXPECT_EQ(store->load_triages()->size(), 6u) << "every triage is kept";
  auto missing = store->find_triage("never-seen");
  ASSERT_TRUE(missing);
  EXPECT_FALSE(missing->has_value());
}

TEST(SqliteStore, LoadCorrelationReturnsEntriesSinceATimeInTimeOrder) {
  FixedClock clock(kNow);
  auto store = open_or_fail(SqliteOptions{}, clock);
  ASSERT_TRUE(store);
  const TimestampMs times[] = {5000, 1000, 3000, 3000, 9000};
  for (int i = 0; i < 5; ++i) {
    TriageRecord r = sample_record(i);
    r.correlation.time = times[i];
    r.correlation.tactics = {"tactic-" + std::to_string(i)};
    ASSERT_TRUE(store->record_triage(r));
  }
  ASSERT_TRUE(store->flush());
  auto entries = store->load_correlation(3000);
  ASSERT_TRUE(entries);
  ASSERT_EQ(entries->size(), 4u);
  std::vector<std::string> ids;
  for (const auto& e : *entries) ids.push_back(e.alert_id);
  EXPECT_EQ(ids, (std::vector<std::string>{"alert-2", "alert-3", "alert-0", "alert-4"}));
  const CorrelationEntry& first = (*entries)[0];
  const TriageRecord expected = sample_record(2);
  EXPECT_EQ(first.time, 3000);
  EXPECT_EQ(first.rule_name, expected.correlation.rule_name);
  EXPECT_EQ(first.entities, expected.correlation.entities);
  EXPECT_EQ(first.tactics, std::vector<std::string>{"tactic-2"});
  EXPECT_EQ(first.techniques, expected.correlation.techniques);
  EXPECT_EQ(first.classification, "TRUE_POSITIVE");
  EXPECT_EQ(first.closed_by, "agent");
  EXPECT_EQ(first.risk_score, expected.correlation.risk_score);
  EXPECT_EQ(store->load_correlation(10'000)->size(), 0u);
}

TEST(SqliteStore, IncidentsAreUpserted) {
  TempDir dir;
  const std::string path = dir.file("incidents.db");
  FixedClock clock(kNow);
  {
    auto store = open_or_fail(file_options(path), clock);
    ASSERT_TRUE(store);
    // The record holds views of the caller's lists; the store encodes them at once.
    using Ids = std::vector<std::string>;
    const Ids first_ids{"alert-1"}, second_ids{"alert-1", "alert-2"}, other_ids{"alert-3"},
        third_ids{"alert-1", "alert-2", "alert-4"}, later_ids{"alert-3", "alert-5"};
    const Ids execution{"execution"}, chain{"execution", "lateral-movement"},
        discovery{"discovery"};
    TriageRecord first = sample_record(1);
    first.incident = IncidentRecord{"INC-1", first_ids, execution};
    TriageRecord second = sample_record(2);
    second.incident = IncidentRecord{"INC-1", second_ids, chain};
    TriageRecord other = sample_record(3);
    other.incident = IncidentRecord{"INC-2", other_ids, discovery};
    TriageRecord third = sample_record(4);
    third.incident = IncidentRecord{"INC-1", third_ids, execution};
    // One batch: the store writes each incident's last state once.
    for (const auto& r : {first, second, other, third}) ASSERT_TRUE(store->record_triage(r));
    ASSERT_TRUE(store->flush());
    TriageRecord later = sample_record(5);
    later.incident = IncidentRecord{"INC-2", later_ids, discovery};
    ASSERT_TRUE(store->record_triage(later));
  }
  RawDb raw(path);
  EXPECT_EQ(raw.integer("SELECT count(*) FROM incidents"), 2);
  EXPECT_EQ(raw.bytes("SELECT alert_ids FROM incidents WHERE id = 'INC-1'"),
            R"(["alert-1","alert-2","alert-4"])");
  EXPECT_EQ(raw.bytes("SELECT tactics FROM incidents WHERE id = 'INC-1'"), R"(["execution"])");
  EXPECT_EQ(raw.bytes("SELECT alert_ids FROM incidents WHERE id = 'INC-2'"),
            R"(["alert-3","alert-5"])");
}

TEST(SqliteStore, RefusesANewerSchemaVersion) {
  TempDir dir;
  const std::string path = dir.file("future.db");
  FixedClock clock(kNow);
  ASSERT_TRUE(open_or_fail(file_options(path), clock));
  const std::int64_t newer = kSqliteStoreSchemaVersion + 1;
  RawDb(path).exec("PRAGMA user_version = " + std::to_string(newer));
  auto store = open_sqlite_store(file_options(path), clock);
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code, ErrorCode::kUnsupported);
  EXPECT_NE(store.error().message.find("schema version " + std::to_string(newer) + ", newer"),
            std::string::npos)
      << store.error().message;
  EXPECT_EQ(RawDb(path).integer("PRAGMA user_version"), newer) << "the file is left alone";
}

// A version 1 file (separate alerts, stage_states and decisions tables, blobs hashed decoded)
// keeps the evidence of its own chain: it is refused as it is, never rewritten.
TEST(SqliteStore, RefusesAnOlderSchemaVersion) {
  TempDir dir;
  const std::string path = dir.file("old.db");
  {
    RawDb old(path);
    old.exec("CREATE TABLE alerts(seq INTEGER PRIMARY KEY, alert_id TEXT NOT NULL, raw BLOB)");
    old.exec("INSERT INTO alerts VALUES(1, 'alert-1', x'7b7d')");
    old.exec("PRAGMA application_id = 1397703508");  // 0x534F4354, "SOCT"
    old.exec("PRAGMA user_version = 1");
  }
  FixedClock clock(kNow);
  auto store = open_sqlite_store(file_options(path), clock);
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code, ErrorCode::kUnsupported);
  EXPECT_NE(store.error().message.find("schema version 1, older than the 3"), std::string::npos)
      << store.error().message;
  RawDb after(path);
  EXPECT_EQ(after.integer("PRAGMA user_version"), 1) << "the file is left alone";
  EXPECT_EQ(after.integer("SELECT count(*) FROM sqlite_schema"), 1);
  EXPECT_EQ(after.integer("SELECT count(*) FROM alerts"), 1);
}

TEST(SqliteStore, RefusesSomeoneElsesDatabase) {
  TempDir dir;
  const std::string path = dir.file("foreign.db");
  RawDb(path).exec("CREATE TABLE customers(id INTEGER PRIMARY KEY, name TEXT)");
  FixedClock clock(kNow);
  auto store = open_sqlite_store(file_options(path), clock);
  ASSERT_FALSE(store);
  EXPECT_NE(store.error().message.find("not a soc-triage store"), std::string::npos)
      << store.error().message;
  EXPECT_EQ(RawDb(path).integer("SELECT count(*) FROM sqlite_schema"), 1);

  const std::string marked = dir.file("marked.db");
  RawDb(marked).exec("PRAGMA application_id = 42");  // another program's empty file
  auto refused = open_sqlite_store(file_options(marked), clock);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("application_id 42"), std::string::npos)
      << refused.error().message;
  EXPECT_EQ(RawDb(marked).integer("SELECT count(*) FROM sqlite_schema"), 0);
}

TEST(SqliteStore, RefusesAFileThatIsNotADatabase) {
  TempDir dir;
  const std::string path = dir.file("notes.txt");
  std::ofstream(path) << "these are not the pages you are looking for, " << std::string(200, 'z');
  FixedClock clock(kNow);
  auto store = open_sqlite_store(file_options(path), clock);
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code, ErrorCode::kStoreError);
  EXPECT_NE(store.error().message.find("not a usable SQLite database"), std::string::npos)
      << store.error().message;
}

TEST(SqliteStore, RejectsInvalidOptions) {
  FixedClock clock(kNow);
  SqliteOptions options;
  options.batch_size = 0;
  auto store = open_sqlite_store(options, clock);
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code, ErrorCode::kInvalidArgument);
  options = SqliteOptions{};
  options.path = "";
  EXPECT_FALSE(open_sqlite_store(options, clock));
  options = SqliteOptions{};
  options.page_size = 3000;
  EXPECT_FALSE(open_sqlite_store(options, clock));
}

TEST(SqliteStore, NewFilesGetTheConfiguredPageSize) {
  TempDir dir;
  FixedClock clock(kNow);
  SqliteOptions options = file_options(dir.file("pages.db"));
  options.page_size = 8192;
  ASSERT_TRUE(open_or_fail(options, clock));
  EXPECT_EQ(RawDb(options.path).integer("PRAGMA page_size"), 8192);
  options.page_size = 4096;  // an existing file keeps its page size
  ASSERT_TRUE(open_or_fail(options, clock));
  EXPECT_EQ(RawDb(options.path).integer("PRAGMA page_size"), 8192);
}

SqliteOptions impatient(const std::string& path, int batch_size) {
  SqliteOptions options = file_options(path, batch_size);
  options.commit_attempts = 2;
  options.retry_backoff_ms = 1;
  options.busy_timeout_ms = 5;
  return options;
}

TEST(SqliteStore, FailedCommitKeepsThePendingBatchForTheNextFlush) {
  TempDir dir;
  const std::string path = dir.file("busy.db");
  FixedClock clock(kNow);
  auto store = open_or_fail(impatient(path, 100), clock);
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->record_triage(sample_record(1)));
  ASSERT_TRUE(store->record_triage(sample_record(2)));

  RawDb other(path);
  other.exec("BEGIN IMMEDIATE");  // another writer holds the write lock
  auto flushed = store->flush();
  ASSERT_FALSE(flushed);
  EXPECT_EQ(flushed.error().code, ErrorCode::kStoreError);
  EXPECT_NE(flushed.error().message.find("2 pending records"), std::string::npos)
      << flushed.error().message;
  EXPECT_NE(flushed.error().message.find("2 attempts"), std::string::npos);
  EXPECT_NE(flushed.error().message.find("stay queued"), std::string::npos);
  other.exec("COMMIT");

  ASSERT_TRUE(store->flush());
  EXPECT_EQ(other.integer("SELECT count(*) FROM triages"), 2);
  auto report = store->verify_audit();
  ASSERT_TRUE(report);
  EXPECT_TRUE(report->ok) << report->problem;
}

TEST(SqliteStore, RecordWhoseBatchCannotCommitIsNotAccepted) {
  TempDir dir;
  const std::string path = dir.file("busy-batch.db");
  FixedClock clock(kNow);
  auto store = open_or_fail(impatient(path, 2), clock);
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->record_triage(sample_record(1)));

  RawDb other(path);
  other.exec("BEGIN IMMEDIATE");
  auto refused = store->record_triage(sample_record(2));  // fills the batch; commit fails
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kStoreError);
  EXPECT_NE(refused.error().message.find("not accepted"), std::string::npos)
      << refused.error().message;
  EXPECT_NE(refused.error().message.find("1 earlier records stay queued"), std::string::npos);
  other.exec("COMMIT");

  auto accepted = store->record_triage(sample_record(2));  // re-submitted, as documented
  ASSERT_TRUE(accepted) << accepted.error().message;
  EXPECT_EQ(accepted->record, 2) << "the refused record left no hole in the chain";
  EXPECT_EQ(other.integer("SELECT count(*) FROM triages"), 2);
  auto loaded = store->load_triages();
  ASSERT_TRUE(loaded);
  EXPECT_EQ((*loaded)[1].alert_id, "alert-2");
  auto report = store->verify_audit();
  ASSERT_TRUE(report);
  EXPECT_TRUE(report->ok) << report->problem;
}

// Stands in for a commit whose error came after its WAL write: the same rows are already in
// the file when the store retries.
TEST(SqliteStore, BatchAlreadyInTheFileIsNotWrittenTwice) {
  TempDir dir;
  const std::string path = dir.file("already.db");
  FixedClock clock(kNow);
  auto store = open_or_fail(file_options(path), clock);
  auto twin = open_or_fail(file_options(path), clock);
  ASSERT_TRUE(store && twin);
  ASSERT_TRUE(store->record_triage(sample_record(1)));
  ASSERT_TRUE(twin->record_triage(sample_record(1)));
  ASSERT_TRUE(twin->flush());
  ASSERT_TRUE(store->flush());
  EXPECT_EQ(RawDb(path).integer("SELECT count(*) FROM triages"), 1);
  auto next = store->record_triage(sample_record(2));
  ASSERT_TRUE(next);
  EXPECT_EQ(next->record, 2);
  ASSERT_TRUE(store->flush());
  auto report = store->verify_audit();
  ASSERT_TRUE(report);
  EXPECT_TRUE(report->ok) << report->problem;
  EXPECT_EQ(report->records_checked, 2);
}

TEST(SqliteStore, DetectsASecondWriterOnTheSameChain) {
  TempDir dir;
  const std::string path = dir.file("two-writers.db");
  FixedClock clock(kNow);
  auto first = open_or_fail(file_options(path), clock);
  auto second = open_or_fail(file_options(path), clock);
  ASSERT_TRUE(first && second);
  ASSERT_TRUE(first->record_triage(sample_record(1)));
  ASSERT_TRUE(first->flush());
  ASSERT_TRUE(second->record_triage(sample_record(2)));
  auto flushed = second->flush();
  ASSERT_FALSE(flushed);
  EXPECT_NE(flushed.error().message.find("another writer"), std::string::npos)
      << flushed.error().message;
  auto report = first->verify_audit();
  ASSERT_TRUE(report);
  EXPECT_TRUE(report->ok) << report->problem;
}

TEST(SqliteStore, DictionaryIsBuiltFromEarlyRecordsAndKeptInTheFile) {
  TempDir dir;
  const std::string path = dir.file("dictionary.db");
  FixedClock clock(kNow);
  std::vector<TriageRecord> records;
  for (int i = 0; i < 100; ++i) records.push_back(sample_record(i));
  std::int64_t plain_body_bytes = 0;
  {
    auto store = open_or_fail(file_options(path, 40), clock);
    ASSERT_TRUE(store);
    for (const auto& r : records) ASSERT_TRUE(store->record_triage(r));
  }
  {
    RawDb raw(path);
    ASSERT_EQ(raw.integer("SELECT count(*) FROM dictionaries"), 1);
    EXPECT_EQ(raw.integer("SELECT count(*) FROM triages WHERE dictionary_id IS NULL"), 64)
        << "the dictionary is built from the first 64 records";
    EXPECT_EQ(raw.integer("SELECT count(*) FROM triages WHERE dictionary_id = 1"), 36);
    // Records like their predecessors shrink far more with it than without it.
    plain_body_bytes = raw.integer("SELECT sum(length(body)) FROM triages WHERE seq <= 36");
    EXPECT_LT(3 * raw.integer("SELECT sum(length(body)) FROM triages WHERE seq > 64"),
              2 * plain_body_bytes);
  }
  auto store = open_or_fail(file_options(path), clock);
  ASSERT_TRUE(store);
  // Reopened, the store goes on with the dictionary it finds.
  ASSERT_TRUE(store->record_triage(sample_record(100)));
  ASSERT_TRUE(store->flush());
  EXPECT_EQ(RawDb(path).integer("SELECT dictionary_id FROM triages WHERE seq = 101"), 1);
  auto loaded = store->load_triages();
  ASSERT_TRUE(loaded) << loaded.error().message;
  ASSERT_EQ(loaded->size(), 101u);
  for (std::size_t i = 0; i < records.size(); ++i) {
    EXPECT_EQ((*loaded)[i].raw, records[i].raw);
    EXPECT_EQ((*loaded)[i].stage_states_json, records[i].stage_states_json);
    EXPECT_EQ((*loaded)[i].decision_json, records[i].decision_json);
  }
  auto found = store->find_triage("alert-99");
  ASSERT_TRUE(found && found->has_value());
  EXPECT_EQ((*found)->raw, records[99].raw);
  auto report = store->verify_audit();
  ASSERT_TRUE(report);
  EXPECT_TRUE(report->ok) << report->problem;
  EXPECT_EQ(report->records_checked, 101);
}

// Alerts are attacker-controlled bytes: ones that begin like a zstd dictionary header must
// still give a raw-content dictionary that any zstd reads the same way.
TEST(SqliteStore, DictionaryNeverLooksLikeAZstdDictionaryHeader) {
  TempDir dir;
  const std::string path = dir.file("magic.db");
  FixedClock clock(kNow);
  const std::string magic("\x37\xA4\x30\xEC", 4);
  std::vector<TriageRecord> records;
  for (int i = 0; i < 80; ++i) {
    records.push_back(sample_record(i));
    records.back().raw = magic + magic + records.back().raw;
  }
  {
    auto store = open_or_fail(file_options(path), clock);
    ASSERT_TRUE(store);
    for (const auto& r : records) ASSERT_TRUE(store->record_triage(r));
    ASSERT_TRUE(store->flush());
    auto report = store->verify_audit();
    ASSERT_TRUE(report);
    EXPECT_TRUE(report->ok) << report->problem;
  }
  RawDb raw(path);
  const std::string content = raw.bytes("SELECT content FROM dictionaries WHERE id = 1");
  ASSERT_GT(content.size(), magic.size());
  EXPECT_NE(content.substr(0, 4), magic);
  EXPECT_EQ(raw.integer("SELECT count(*) FROM triages WHERE dictionary_id = 1"), 16);
  auto store = open_or_fail(file_options(path), clock);
  ASSERT_TRUE(store);
  auto loaded = store->load_triages();
  ASSERT_TRUE(loaded) << loaded.error().message;
  ASSERT_EQ(loaded->size(), records.size());
  EXPECT_EQ((*loaded)[79].raw, records[79].raw);
}

TEST(SqliteStore, DictionariesCanBeTurnedOff) {
  TempDir dir;
  const std::string path = dir.file("no-dictionary.db");
  FixedClock clock(kNow);
  SqliteOptions options = file_options(path);
  options.dictionary_bytes = 0;
  {
    auto store = open_or_fail(options, clock);
    ASSERT_TRUE(store);
    for (int i = 0; i < 100; ++i) ASSERT_TRUE(store->record_triage(sample_record(i)));
  }
  RawDb raw(path);
  EXPECT_EQ(raw.integer("SELECT count(*) FROM dictionaries"), 0);
  EXPECT_EQ(raw.integer("SELECT count(*) FROM triages WHERE codec = 2"), 100);
}

// find_triage() reads the alert id index one block of 4,096 seqs at a time, newest first.
TEST(SqliteStore, FindTriageSearchesEveryBlockNewestFirst) {
  FixedClock clock(kNow);
  auto store = open_or_fail(SqliteOptions{}, clock);
  ASSERT_TRUE(store);
  TriageRecord first = sample_record(1, "resent-across-blocks");
  first.decision_json = R"({"version":1})";
  ASSERT_TRUE(store->record_triage(first));
  for (int i = 2; i <= 5000; ++i) ASSERT_TRUE(store->record_triage(sample_record(i)));
  TriageRecord again = sample_record(5001, "resent-across-blocks");
  again.decision_json = R"({"version":2})";
  ASSERT_TRUE(store->record_triage(again));
  ASSERT_TRUE(store->flush());

  auto latest = store->find_triage("resent-across-blocks");
  ASSERT_TRUE(latest && latest->has_value());
  EXPECT_EQ((*latest)->seq, 5001);
  EXPECT_EQ((*latest)->decision_json, R"({"version":2})");
  auto old = store->find_triage("alert-7");  // in the first block only
  ASSERT_TRUE(old && old->has_value());
  EXPECT_EQ((*old)->seq, 7);
  auto recent = store->find_triage("alert-4500");
  ASSERT_TRUE(recent && recent->has_value());
  EXPECT_EQ((*recent)->seq, 4500);
  EXPECT_FALSE(store->find_triage("alert-9999")->has_value());
}

// A plan that scanned the table would still find the rows, only slowly: pin the index.
TEST(SqliteStore, FindTriageUsesTheAlertIdIndex) {
  TempDir dir;
  const std::string path = dir.file("plan.db");
  FixedClock clock(kNow);
  ASSERT_TRUE(open_or_fail(file_options(path), clock));
  RawDb raw(path);
  sqlite3_stmt* stmt = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(raw.get(),
                               "EXPLAIN QUERY PLAN SELECT body FROM triages WHERE seq >> 12 = ?1 "
                               "AND alert_id = ?2 ORDER BY seq DESC LIMIT 1",
                               -1, &stmt, nullptr),
            SQLITE_OK);
  std::string plan;
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    plan += reinterpret_cast<const char*>(sqlite3_column_text(stmt, 3));
    plan += "; ";
  }
  sqlite3_finalize(stmt);
  EXPECT_NE(plan.find("USING INDEX triages_by_alert_id"), std::string::npos) << plan;
  EXPECT_EQ(plan.find("TEMP B-TREE"), std::string::npos) << plan;
}

}  // namespace
}  // namespace soc
