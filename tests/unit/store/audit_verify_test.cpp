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

constexpr TimestampMs kNow = 1'772'500'000'000;

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
       std::string raw = sample_record(4).raw;
       raw.replace(raw.find("Suspicious"), 10, "Harmless!!");
       db.exec_with_blob("UPDATE alerts SET raw = ?1, raw_codec = 0 WHERE seq = 4", raw);
     },
     4, "payload hash"},
    {"RawAlertRewrittenAndRecompressed",
     [](RawDb& db) {
       std::string raw = sample_record(2).raw;
       raw.replace(raw.find("wks-"), 4, "srv-");
       db.exec_with_blob("UPDATE alerts SET raw = ?1, raw_codec = 1 WHERE seq = 2", zstd(raw));
     },
     2, "payload hash"},
    {"RawAlertBytesFlipped",
     [](RawDb& db) {
       std::string blob = db.bytes("SELECT raw FROM alerts WHERE seq = 5");
       blob[blob.size() - 6] = static_cast<char>(blob[blob.size() - 6] ^ 1);
       db.exec_with_blob("UPDATE alerts SET raw = ?1 WHERE seq = 5", blob);
     },
     5, "alerts.raw of seq 5"},
    {"AlertIdChanged", [](RawDb& db) { db.exec("UPDATE alerts SET alert_id = 'x' WHERE seq = 6"); },
     6, "payload hash"},
    {"StageStateAltered",
     [](RawDb& db) {
       db.exec(
           "UPDATE stage_states SET state = CAST('{\"normalize\":{}}' AS BLOB), codec = 0 "
           "WHERE alert_seq = 2");
     },
     2, "payload hash"},
    {"DecisionBlobAltered",
     [](RawDb& db) {
       db.exec_with_blob("UPDATE decisions SET decision = ?1, codec = 0 WHERE alert_seq = 5",
                         R"({"classification":"FALSE_POSITIVE"})");
     },
     5, "payload hash"},
    {"DecisionClassificationAltered",
     [](RawDb& db) {
       db.exec("UPDATE decisions SET classification = 'FALSE_POSITIVE' WHERE alert_seq = 4");
     },
     4, "payload hash"},
    {"CorrelationEntryAltered",
     [](RawDb& db) { db.exec("UPDATE correlation SET closed_by = 'L1' WHERE alert_seq = 6"); }, 6,
     "payload hash"},
    {"QuarantineMessageAltered",
     [](RawDb& db) { db.exec("UPDATE quarantine SET message = 'fine' WHERE seq = 3"); }, 3,
     "quarantine row of record 3"},
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
     "alerts row 6 has no audit record"},
    {"AlertRowDeleted", [](RawDb& db) { db.exec("DELETE FROM alerts WHERE seq = 5"); }, 5,
     "alerts row of triage record 5 is missing"},
    {"DecisionRowDeleted", [](RawDb& db) { db.exec("DELETE FROM decisions WHERE alert_seq = 2"); },
     2, "decisions row of triage record 2 is missing"},
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
    {"AlertRowsInsertedAfterTheChain",
     [](RawDb& db) {
       db.exec(
           "INSERT INTO alerts SELECT 50, alert_id, format, alert_time, received_at, raw, "
           "raw_codec FROM alerts WHERE seq = 1");
     },
     50, "alerts row 50 has no audit record"},
    {"AlertRowInsertedUnderAQuarantineRecord",
     [](RawDb& db) {
       db.exec(
           "INSERT INTO alerts SELECT 3, alert_id, format, alert_time, received_at, raw, "
           "raw_codec FROM alerts WHERE seq = 1");
     },
     3, "alerts row"},
    {"AuditRowsSwapped", [](RawDb& db) { swap_rows(db, "audit", "seq", 2, 5); }, 2,
     "does not link"},
    {"AlertRowsSwapped", [](RawDb& db) { swap_rows(db, "alerts", "seq", 4, 1); }, 1,
     "payload hash"},
    {"DecisionRowsSwapped", [](RawDb& db) { swap_rows(db, "decisions", "alert_seq", 5, 6); }, 5,
     "payload hash"},
    {"WholeRecordsSwapped",
     [](RawDb& db) {
       for (const char* table : {"alerts", "audit"}) swap_rows(db, table, "seq", 4, 6);
       for (const char* table : {"stage_states", "decisions", "correlation"}) {
         swap_rows(db, table, "alert_seq", 4, 6);
       }
     },
     4, "does not link"},
};

INSTANTIATE_TEST_SUITE_P(AuditVerify, Tampering, testing::ValuesIn(kCases),
                         [](const testing::TestParamInfo<TamperCase>& info) {
                           return info.param.name;
                         });

}  // namespace
}  // namespace soc
