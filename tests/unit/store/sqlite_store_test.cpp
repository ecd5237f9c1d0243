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

constexpr TimestampMs kNow = 1'772'500'000'000;

SqliteOptions file_options(const std::string& path, int batch_size = 1000) {
  SqliteOptions options;
  options.path = path;
  options.batch_size = batch_size;
  return options;
}

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
  for (std::string_view field : {"soc-triage/quarantine/v1", "1", "1772500000000", "feed.json:7",
                                 "3", "not JSON", "{oops"}) {
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

TEST(SqliteStore, RecordsBecomeVisibleWhenTheBatchCommits) {
  TempDir dir;
  const std::string path = dir.file("batch.db");
  FixedClock clock(kNow);
  auto store = open_or_fail(file_options(path, 3), clock);
  ASSERT_TRUE(store);
  RawDb other(path);

  ASSERT_TRUE(store->record_triage(sample_record(1)));
  ASSERT_TRUE(store->record_triage(sample_record(2)));
  EXPECT_EQ(other.integer("SELECT count(*) FROM alerts"), 0) << "a partial batch is pending";
  EXPECT_EQ(store->load_triages()->size(), 0u) << "reads see committed records only";

  ASSERT_TRUE(store->record_triage(sample_record(3)));  // fills the batch
  EXPECT_EQ(other.integer("SELECT count(*) FROM alerts"), 3);
  EXPECT_EQ(other.integer("SELECT count(*) FROM audit"), 3);

  ASSERT_TRUE(store->record_triage(sample_record(4)));
  EXPECT_EQ(other.integer("SELECT count(*) FROM alerts"), 3);
  ASSERT_TRUE(store->flush());
  EXPECT_EQ(other.integer("SELECT count(*) FROM alerts"), 4);
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

TEST(SqliteStore, CompressesLargeBlobsAndKeepsSmallOnesPlain) {
  TempDir dir;
  const std::string path = dir.file("codec.db");
  FixedClock clock(kNow);
  TriageRecord big = sample_record(1);
  TriageRecord small = sample_record(2);
  small.raw = R"({"id":"small"})";
  TriageRecord noise = sample_record(3);
  noise.raw.clear();
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
  EXPECT_EQ(raw.integer("SELECT raw_codec FROM alerts WHERE seq = 1"), 1);
  EXPECT_LT(raw.integer("SELECT length(raw) FROM alerts WHERE seq = 1"),
            static_cast<std::int64_t>(big.raw.size()) / 2);
  EXPECT_EQ(raw.integer("SELECT raw_codec FROM alerts WHERE seq = 2"), 0);
  EXPECT_EQ(raw.bytes("SELECT raw FROM alerts WHERE seq = 2"), small.raw);
  EXPECT_EQ(raw.integer("SELECT raw_codec FROM alerts WHERE seq = 3"), 0);
  EXPECT_EQ(raw.integer("SELECT codec FROM stage_states WHERE alert_seq = 1"), 0)
      << "stage states of this record are under the threshold";

  auto store = open_or_fail(file_options(path), clock);
  ASSERT_TRUE(store);
  auto loaded = store->load_triages();
  ASSERT_TRUE(loaded);
  ASSERT_EQ(loaded->size(), 3u);
  EXPECT_EQ((*loaded)[0].raw, big.raw);
  EXPECT_EQ((*loaded)[1].raw, small.raw);
  EXPECT_EQ((*loaded)[2].raw, noise.raw);
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
  EXPECT_EQ(raw.integer("SELECT raw_codec FROM alerts WHERE seq = 1"), 0);
}

TEST(SqliteStore, CorruptCompressedBlobIsAClearError) {
  TempDir dir;
  const std::string path = dir.file("corrupt.db");
  FixedClock clock(kNow);
  {
    auto store = open_or_fail(file_options(path), clock);
    ASSERT_TRUE(store);
    ASSERT_TRUE(store->record_triage(sample_record(1)));
  }
  {
    RawDb raw(path);
    ASSERT_EQ(raw.integer("SELECT raw_codec FROM alerts WHERE seq = 1"), 1);
    std::string blob = raw.bytes("SELECT raw FROM alerts WHERE seq = 1");
    blob[blob.size() / 2] = static_cast<char>(blob[blob.size() / 2] ^ 0x5a);
    raw.exec_with_blob("UPDATE alerts SET raw = ?1 WHERE seq = 1", blob);
  }
  auto store = open_or_fail(file_options(path), clock);
  ASSERT_TRUE(store);
  auto loaded = store->load_triages();
  ASSERT_FALSE(loaded);
  EXPECT_EQ(loaded.error().code, ErrorCode::kIntegrityError);
  EXPECT_NE(loaded.error().message.find("alerts.raw of seq 1"), std::string::npos)
      << loaded.error().message;
  auto report = store->verify_audit();
  ASSERT_TRUE(report);
  EXPECT_FALSE(report->ok);
  EXPECT_EQ(report->first_bad_record, 1);
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
  RawDb(path).exec("UPDATE decisions SET codec = 9 WHERE alert_seq = 1");
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
  EXPECT_EQ(raw.integer("SELECT codec FROM quarantine WHERE seq = 2"), 1);
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
  EXPECT_EQ(raw.integer("SELECT count(*) FROM alerts"), static_cast<std::int64_t>(ids.size()));
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
    TriageRecord first = sample_record(1);
    first.incident = IncidentRecord{"INC-1", {"alert-1"}, {"execution"}};
    TriageRecord second = sample_record(2);
    second.incident =
        IncidentRecord{"INC-1", {"alert-1", "alert-2"}, {"execution", "lateral-movement"}};
    ASSERT_TRUE(store->record_triage(first));
    ASSERT_TRUE(store->record_triage(second));
  }
  RawDb raw(path);
  EXPECT_EQ(raw.integer("SELECT count(*) FROM incidents"), 1);
  EXPECT_EQ(raw.bytes("SELECT alert_ids FROM incidents WHERE id = 'INC-1'"),
            R"(["alert-1","alert-2"])");
  EXPECT_EQ(raw.bytes("SELECT tactics FROM incidents WHERE id = 'INC-1'"),
            R"(["execution","lateral-movement"])");
}

TEST(SqliteStore, RefusesANewerSchemaVersion) {
  TempDir dir;
  const std::string path = dir.file("future.db");
  FixedClock clock(kNow);
  ASSERT_TRUE(open_or_fail(file_options(path), clock));
  RawDb(path).exec("PRAGMA user_version = 2");
  auto store = open_sqlite_store(file_options(path), clock);
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code, ErrorCode::kUnsupported);
  EXPECT_NE(store.error().message.find("schema version 2"), std::string::npos)
      << store.error().message;
  EXPECT_EQ(RawDb(path).integer("PRAGMA user_version"), 2) << "the file is left alone";
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
  EXPECT_EQ(other.integer("SELECT count(*) FROM alerts"), 2);
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
  EXPECT_EQ(other.integer("SELECT count(*) FROM alerts"), 2);
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
  EXPECT_EQ(RawDb(path).integer("SELECT count(*) FROM alerts"), 1);
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

}  // namespace
}  // namespace soc
