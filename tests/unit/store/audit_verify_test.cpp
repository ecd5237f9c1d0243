// verify_audit() against files tampered with through a second connection: first bad record.
#include <zstd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <ostream>
#include <string>

#include "store/store.hpp"
#include "store_test_support.hpp"

namespace soc {
namespace {

using store_test::open_or_fail;
using store_test::RawDb;
using store_test::sample_record;
using store_test::TempDir;

using store_test::kNow;

// The chain every case starts from: 1, 2 triage; 3 quarantine; 4, 5, 6 triage.
void write_chain(const std::string& path) {
  FixedClock clock(kNow);
  SqliteOptions options;
  options.path = path;
  auto store = open_or_fail(options, clock);
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->record_triage(sample_record(1)));
  ASSERT_TRUE(store->record_triage(sample_record(2)));
  ASSERT_TRUE(store->quarantine(
      {"feed.json:3", ErrorCode::kParseError, "unexpected end of input", "{\"half\":"}));
  for (int i = 4; i <= 6; ++i) ASSERT_TRUE(store->record_triage(sample_record(i)));
  ASSERT_TRUE(store->flush());
}

Result<AuditVerifyReport> verify(const std::string& path) {
  FixedClock clock(kNow);
  SqliteOptions options;
  options.path = path;
  auto store = open_sqlite_store(options, clock);
  if (!store) return std::unexpected(store.error());
  return (*store)->verify_audit();
}

std::string zstd(const std::string& plain) {
  std::string out(ZSTD_compressBound(plain.size()), '\0');
  out.resize(ZSTD_compress(out.data(), out.size(), plain.data(), plain.size(), 3));
  return out;
}

// A triage's body as the store lays it out: the raw alert, the stage states, the decision.
std::string body_of(const TriageRecord& r) {
  return r.raw + r.stage_states_json + r.decision_json;
}

// Moves whole rows: what was stored under seq `a` is now under `b` and the reverse.
void swap_rows(RawDb& db, const std::string& table, const std::string& key, int a, int b) {
  const std::string update = "UPDATE " + table + " SET " + key + " = ";
  db.exec(update + "-1 WHERE " + key + " = " + std::to_string(a));
  db.exec(update + std::to_string(a) + " WHERE " + key + " = " + std::to_string(b));
  db.exec(update + std::to_string(b) + " WHERE " + key + " = -1");
}

TEST(AuditVerify, IntactChainVerifies) {
  TempDir dir;
  const std::string path = dir.file("intact.db");
  write_chain(path);
  auto report = verify(path);
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_TRUE(report->ok) << report->problem;
  EXPECT_EQ(report->records_checked, 6);
  EXPECT_FALSE(report->first_bad_record.has_value());
  EXPECT_TRUE(report->problem.empty());
}

TEST(AuditVerify, EmptyStoreVerifies) {
  TempDir dir;
  const std::string path = dir.file("empty.db");
  auto report = verify(path);
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_TRUE(report->ok);
  EXPECT_EQ(report->records_checked, 0);
}

struct TamperCase {
  std::string name;
  std::function<void(RawDb&)> tamper;
  std::int64_t first_bad;
  std::string problem_mentions;
};

// gtest would otherwise print the case as raw bytes.
void PrintTo(const TamperCase& c, std::ostream* out) {
  *out << c.name;
}

class Tampering : public testing::TestWithParam<TamperCase> {};

TEST_P(Tampering, ReportsTheFirstBadRecord) {
  TempDir dir;
  const std::string path = dir.file("tampered.db");
  write_chain(path);
  {
    RawDb db(path);
    GetParam().tamper(db);
  }
  auto report = verify(path);
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_FALSE(report->ok);
  ASSERT_TRUE(report->first_bad_record.has_value()) << report->problem;
  EXPECT_EQ(*report->first_bad_record, GetParam().first_bad) << report->problem;
  EXPECT_NE(report->problem.find(GetParam().problem_mentions), std::string::npos)
      << report->problem;
  // The walk stops at the first bad record; only the records before it count as checked.
  EXPECT_LE(report->records_checked, std::max<std::int64_t>(0, GetParam().first_bad - 1));
}

const TamperCase kCases[] = {
    {"RawAlertRewrittenPlain",
     [](RawDb& db) {
       TriageRecord r = sample_record(4);
       r.raw.replace(r.raw.find("Suspicious"), 10, "Harmless!!");
       db.exec_with_blob("UPDATE triages SET body = ?1, codec = 0 WHERE seq = 4", body_of(r));
     },
     4, "payload hash"},
    {"RawAlertRewrittenAndRecompressed",
     [](RawDb& db) {
       TriageRecord r = sample_record(2);
       r.raw.replace(r.raw.find("wks-"), 4, "srv-");
       db.exec_with_blob("UPDATE triages SET body = ?1, codec = 1 WHERE seq = 2", zstd(body_of(r)));
     },
     2, "payload hash"},
    {"RawAlertBytesFlipped",
     [](RawDb& db) {
       std::string blob = db.bytes("SELECT body FROM triages WHERE seq = 5");
       blob[blob.size() - 6] = static_cast<char>(blob[blob.size() - 6] ^ 1);
       db.exec_with_blob("UPDATE triages SET body = ?1 WHERE seq = 5", blob);
     },
     // LZ4 frames have no checksum of their own: the flip decodes, and the payload hash fails.
     5, "triage record 5"},
    {"CodecFlippedToPlain",
     [](RawDb& db) { db.exec("UPDATE triages SET codec = 0 WHERE seq = 2"); }, 2,
     "triages.body of seq 2"},
    {"BodySplitMoved",
     [](RawDb& db) {
       // The same bytes, one of them moved from the raw alert to the stage states.
       db.exec(
           "UPDATE triages SET raw_size = raw_size - 1, state_size = state_size + 1 "
           "WHERE seq = 4");
     },
     4, "payload hash"},
    {"AlertIdChanged",
     [](RawDb& db) { db.exec("UPDATE triages SET alert_id = 'x' WHERE seq = 6"); }, 6,
     "payload hash"},
    {"StageStateAltered",
     [](RawDb& db) {
       TriageRecord r = sample_record(2);
       r.stage_states_json = R"({"normalize":{}})";
       db.exec_with_blob("UPDATE triages SET body = ?1, codec = 0, state_size = " +
                             std::to_string(r.stage_states_json.size()) + " WHERE seq = 2",
                         body_of(r));
     },
     2, "payload hash"},
    {"DecisionBlobAltered",
     [](RawDb& db) {
       TriageRecord r = sample_record(5);
       r.decision_json = R"({"classification":"FALSE_POSITIVE"})";
       db.exec_with_blob("UPDATE triages SET body = ?1, codec = 0, decision_size = " +
                             std::to_string(r.decision_json.size()) + " WHERE seq = 5",
                         body_of(r));
     },
     5, "payload hash"},
    {"DecisionClassificationAltered",
     [](RawDb& db) {
       db.exec("UPDATE triages SET classification = 'FALSE_POSITIVE' WHERE seq = 4");
     },
     4, "payload hash"},
    {"CorrelationEntryAltered",
     [](RawDb& db) { db.exec("UPDATE correlation SET closed_by = 'L1' WHERE alert_seq = 6"); }, 6,
     "payload hash"},
    {"QuarantineMessageAltered",
     [](RawDb& db) { db.exec("UPDATE quarantine SET message = 'fine' WHERE seq = 3"); }, 3,
     "quarantine row of record 3"},
    {"QuarantineBytesAltered",
     [](RawDb& db) {
       db.exec_with_blob("UPDATE quarantine SET bytes = ?1 WHERE seq = 3", "{\"whole\":1}");
     },
     3, "quarantine row of record 3"},
    {"AuditTimeAltered",
     [](RawDb& db) { db.exec("UPDATE audit SET time = time + 1 WHERE seq = 4"); }, 4,
     "audit record 4 was altered"},
    {"AuditHashReplaced",
     [](RawDb& db) {
       db.exec("UPDATE audit SET hash = (SELECT hash FROM audit WHERE seq = 5) WHERE seq = 2");
     },
     2, "audit record 2 was altered"},
    {"AuditPayloadHashReplaced",
     [](RawDb& db) {
       db.exec(
           "UPDATE audit SET payload_hash = (SELECT payload_hash FROM audit WHERE seq = 1) "
           "WHERE seq = 5");
     },
     5, "audit record 5 was altered"},
    {"AuditKindChanged",
     [](RawDb& db) { db.exec("UPDATE audit SET kind = 'quarantine' WHERE seq = 1"); }, 1,
     "altered"},
    {"AuditRowDeleted", [](RawDb& db) { db.exec("DELETE FROM audit WHERE seq = 3"); }, 3,
     "audit record 3 is missing"},
    {"FirstAuditRowDeleted", [](RawDb& db) { db.exec("DELETE FROM audit WHERE seq = 1"); }, 1,
     "audit record 1 is missing"},
    {"LastAuditRowDeleted", [](RawDb& db) { db.exec("DELETE FROM audit WHERE seq = 6"); }, 6,
     "triages row 6 has no audit record"},
    {"TriageRowDeleted", [](RawDb& db) { db.exec("DELETE FROM triages WHERE seq = 5"); }, 5,
     "triages row of triage record 5 is missing"},
    {"CorrelationRowDeleted",
     [](RawDb& db) { db.exec("DELETE FROM correlation WHERE alert_seq = 2"); }, 2,
     "correlation row of triage record 2 is missing"},
    {"QuarantineRowDeleted", [](RawDb& db) { db.exec("DELETE FROM quarantine WHERE seq = 3"); }, 3,
     "quarantine row of record 3 is missing"},
    {"AuditRowAppended",
     [](RawDb& db) {
       db.exec(
           "INSERT INTO audit SELECT 7, time, kind, ref, payload_hash, hash, hash FROM audit "
           "WHERE seq = 6");
     },
     7, "altered"},
    {"AuditRowInsertedInTheMiddle",
     [](RawDb& db) {
       db.exec("UPDATE audit SET seq = seq + 100 WHERE seq >= 4");
       db.exec("UPDATE audit SET seq = seq - 99 WHERE seq >= 100");
       db.exec(
           "INSERT INTO audit SELECT 4, time, kind, ref, payload_hash, prev_hash, hash "
           "FROM audit WHERE seq = 3");
     },
     4, "does not link"},
    {"AuditRowWithSeqZeroInserted",
     [](RawDb& db) {
       db.exec(
           "INSERT INTO audit SELECT 0, time, kind, ref, payload_hash, prev_hash, hash "
           "FROM audit WHERE seq = 1");
     },
     0, "out of sequence"},
    {"TriageRowsInsertedAfterTheChain",
     [](RawDb& db) {
       db.exec(
           "INSERT INTO triages SELECT 50, alert_id, format, alert_time, received_at, "
           "classification, severity, priority, risk_score, raw_size, state_size, "
           "decision_size, codec, dictionary_id, body FROM triages WHERE seq = 1");
     },
     50, "triages row 50 has no audit record"},
    {"CorrelationRowInsertedAfterTheChain",
     [](RawDb& db) {
       db.exec(
           "INSERT INTO correlation SELECT 60, alert_id, time, rule_name, entities, tactics, "
           "techniques, classification, closed_by, risk_score FROM correlation "
           "WHERE alert_seq = 1");
     },
     60, "correlation row 60 has no audit record"},
    {"TriageRowInsertedUnderAQuarantineRecord",
     [](RawDb& db) {
       db.exec(
           "INSERT INTO triages SELECT 3, alert_id, format, alert_time, received_at, "
           "classification, severity, priority, risk_score, raw_size, state_size, "
           "decision_size, codec, dictionary_id, body FROM triages WHERE seq = 1");
     },
     3, "triages row"},
    {"AuditRowsSwapped", [](RawDb& db) { swap_rows(db, "audit", "seq", 2, 5); }, 2,
     "does not link"},
    {"TriageRowsSwapped", [](RawDb& db) { swap_rows(db, "triages", "seq", 4, 1); }, 1,
     "payload hash"},
    {"CorrelationRowsSwapped", [](RawDb& db) { swap_rows(db, "correlation", "alert_seq", 5, 6); },
     5, "payload hash"},
    {"WholeRecordsSwapped",
     [](RawDb& db) {
       for (const char* table : {"triages", "audit"}) swap_rows(db, table, "seq", 4, 6);
       swap_rows(db, "correlation", "alert_seq", 4, 6);
     },
     4, "does not link"},
};

INSTANTIATE_TEST_SUITE_P(AuditVerify, Tampering, testing::ValuesIn(kCases),
                         [](const testing::TestParamInfo<TamperCase>& info) {
                           return info.param.name;
                         });

// A chain long enough for the store to build its first compression dictionary: records from
// kFirstWithDictionary on need dictionary 1 to decode.
constexpr int kChainWithDictionary = 70;
constexpr std::int64_t kFirstWithDictionary = 65;

void write_chain_with_dictionary(const std::string& path) {
  FixedClock clock(kNow);
  SqliteOptions options;
  options.path = path;
  auto store = open_or_fail(options, clock);
  ASSERT_TRUE(store);
  for (int i = 1; i <= kChainWithDictionary; ++i)
    ASSERT_TRUE(store->record_triage(sample_record(i)));
  ASSERT_TRUE(store->flush());
}

class DictionaryTampering : public testing::TestWithParam<TamperCase> {};

TEST(AuditVerify, ChainWithADictionaryVerifies) {
  TempDir dir;
  const std::string path = dir.file("dictionary.db");
  write_chain_with_dictionary(path);
  {
    RawDb db(path);
    ASSERT_EQ(db.integer("SELECT count(*) FROM dictionaries"), 1);
    ASSERT_EQ(db.integer("SELECT min(seq) FROM triages WHERE dictionary_id = 1"),
              kFirstWithDictionary);
  }
  auto report = verify(path);
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_TRUE(report->ok) << report->problem;
  EXPECT_EQ(report->records_checked, kChainWithDictionary);
}

TEST_P(DictionaryTampering, ReportsTheFirstRecordThatNeedsIt) {
  TempDir dir;
  const std::string path = dir.file("dictionary-tampered.db");
  write_chain_with_dictionary(path);
  {
    RawDb db(path);
    GetParam().tamper(db);
  }
  auto report = verify(path);
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_FALSE(report->ok);
  ASSERT_TRUE(report->first_bad_record.has_value()) << report->problem;
  EXPECT_EQ(*report->first_bad_record, GetParam().first_bad) << report->problem;
  EXPECT_NE(report->problem.find(GetParam().problem_mentions), std::string::npos)
      << report->problem;
}

const TamperCase kDictionaryCases[] = {
    // Bytes put in front of a raw-content dictionary leave every frame decoding to the same
    // text: only the dictionary's hash in each payload shows the change.
    {"DictionaryGrownButStillDecoding",
     [](RawDb& db) {
       db.exec("UPDATE dictionaries SET content = CAST('padding' || content AS BLOB)");
     },
     kFirstWithDictionary, "payload hash"},
    {"DictionaryBytesFlipped",
     [](RawDb& db) {
       std::string content = db.bytes("SELECT content FROM dictionaries WHERE id = 1");
       for (std::size_t i = content.size() - 64; i < content.size(); ++i) {
         content[i] = static_cast<char>(content[i] ^ 0x20);
       }
       db.exec_with_blob("UPDATE dictionaries SET content = ?1 WHERE id = 1", content);
     },
     kFirstWithDictionary, "record 65"},
    {"DictionaryDeleted", [](RawDb& db) { db.exec("DELETE FROM dictionaries"); },
     kFirstWithDictionary, "dictionary 1 is missing"},
    {"DictionaryIdPointedAtACopy",
     [](RawDb& db) {
       db.exec("INSERT INTO dictionaries SELECT 2, content FROM dictionaries WHERE id = 1");
       db.exec("UPDATE triages SET dictionary_id = 2 WHERE seq = 68");
     },
     68, "payload hash"},
    {"DictionaryDroppedFromARecord",
     [](RawDb& db) { db.exec("UPDATE triages SET dictionary_id = NULL WHERE seq = 66"); }, 66,
     "triages.body of seq 66"},
};

INSTANTIATE_TEST_SUITE_P(AuditVerify, DictionaryTampering, testing::ValuesIn(kDictionaryCases),
                         [](const testing::TestParamInfo<TamperCase>& info) {
                           return info.param.name;
                         });

}  // namespace
}  // namespace soc
