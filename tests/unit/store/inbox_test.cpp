// Durable intake in the SQLite store: idempotent delivery, cursors, and exactly one triage per row.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/time.hpp"
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

InboundAlert inbound(const std::string& key, std::string bytes = "") {
  if (bytes.empty()) bytes = R"({"id":")" + key + R"(","rule":{"name":"r"}})";
  return InboundAlert{key, "webhook:test#" + key, "", std::move(bytes)};
}

TEST(Inbox, StoresNewAlertsAndReportsRetriedOnesAsDuplicates) {
  TempDir dir;
  FixedClock clock(kNow);
  auto store = open_or_fail(file_options(dir.file("s.db")), clock);
  std::vector<InboundAlert> first{inbound("a-1"), inbound("a-2")};
  auto stored = store->accept_inbound("webhook:splunk", first, std::nullopt);
  ASSERT_TRUE(stored) << stored.error().message;
  EXPECT_EQ(stored->accepted, 2u);
  EXPECT_EQ(stored->duplicates, 0u);

  // A client retry after a lost response: the same keys plus one new alert.
  std::vector<InboundAlert> retry{inbound("a-2"), inbound("a-3"), inbound("a-1")};
  auto again = store->accept_inbound("webhook:splunk", retry, std::nullopt);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->accepted, 1u);
  EXPECT_EQ(again->duplicates, 2u);
  EXPECT_EQ(again->stored, (std::vector<bool>{false, true, false}));

  // Keys are the source's own ids: another source may reuse one.
  std::vector<InboundAlert> other{inbound("a-1")};
  auto elsewhere = store->accept_inbound("pull:elastic", other, std::nullopt);
  ASSERT_TRUE(elsewhere);
  EXPECT_EQ(elsewhere->accepted, 1u);

  auto counts = store->inbox_counts();
  ASSERT_TRUE(counts);
  EXPECT_EQ(counts->pending, 4);
  EXPECT_EQ(counts->done, 0);
}

TEST(Inbox, IsDurableWhenAcceptReturnsAndKeepsTheBytesExactly) {
  TempDir dir;
  const std::string path = dir.file("s.db");
  FixedClock clock(kNow);
  // Large enough to be compressed, with bytes that are not UTF-8: kept as delivered.
  std::string big = R"({"id":"big","pad":")" + std::string(5000, 'x') + "\xff\xfe\"}";
  {
    auto store = open_or_fail(file_options(path), clock);
    std::vector<InboundAlert> alerts{inbound("small"), inbound("big", big)};
    alerts[1].format = "ecs";
    ASSERT_TRUE(store->accept_inbound("watch:/in", alerts, std::nullopt));
    // No flush(): accept_inbound commits on its own.
    RawDb raw(path);
    EXPECT_EQ(raw.integer("SELECT count(*) FROM inbox"), 2);
    EXPECT_EQ(raw.integer("SELECT codec FROM inbox WHERE dedup_key = 'big'"), 2);
  }
  auto reopened = open_or_fail(file_options(path), clock);
  auto pending = reopened->pending_inbound(0, 10);
  ASSERT_TRUE(pending) << pending.error().message;
  ASSERT_EQ(pending->size(), 2u);
  EXPECT_EQ((*pending)[0].input_ref, "webhook:test#small");
  EXPECT_EQ((*pending)[0].source, "watch:/in");
  EXPECT_EQ((*pending)[0].received_at, kNow);
  EXPECT_EQ((*pending)[1].bytes, big);
  EXPECT_EQ((*pending)[1].format, "ecs");

  auto after_first = reopened->pending_inbound((*pending)[0].id, 10);
  ASSERT_TRUE(after_first);
  ASSERT_EQ(after_first->size(), 1u);
  EXPECT_EQ((*after_first)[0].id, (*pending)[1].id);
  auto limited = reopened->pending_inbound(0, 1);
  ASSERT_TRUE(limited);
  EXPECT_EQ(limited->size(), 1u);
}

TEST(Inbox, CursorIsCommittedWithTheAlertsItCovers) {
  TempDir dir;
  const std::string path = dir.file("s.db");
  FixedClock clock(kNow);
  {
    auto store = open_or_fail(file_options(path), clock);
    auto none = store->read_cursor("pull:elastic");
    ASSERT_TRUE(none);
    EXPECT_FALSE(none->has_value());
    std::vector<InboundAlert> page1{inbound("e-1"), inbound("e-2")};
    ASSERT_TRUE(store->accept_inbound("pull:elastic", page1,
                                      CursorUpdate{"pull:elastic", R"([1772419620000,"e-2"])"}));
    std::vector<InboundAlert> page2{inbound("e-3")};
    ASSERT_TRUE(store->accept_inbound("pull:elastic", page2,
                                      CursorUpdate{"pull:elastic", R"([1772419621000,"e-3"])"}));
  }
  auto reopened = open_or_fail(file_options(path), clock);
  auto cursor = reopened->read_cursor("pull:elastic");
  ASSERT_TRUE(cursor);
  ASSERT_TRUE(cursor->has_value());
  EXPECT_EQ(**cursor, R"([1772419621000,"e-3"])");
  // A cursor moves even when every alert of the page was a duplicate (an overlap re-read).
  std::vector<InboundAlert> overlap{inbound("e-3")};
  auto result = reopened->accept_inbound("pull:elastic", overlap,
                                         CursorUpdate{"pull:elastic", R"([1772419622000,"e-3"])"});
  ASSERT_TRUE(result);
  EXPECT_EQ(result->duplicates, 1u);
  EXPECT_EQ(**reopened->read_cursor("pull:elastic"), R"([1772419622000,"e-3"])");
}

TEST(Inbox, AGroupCommitsSeveralSourcesTogetherWithOneOutcomeEach) {
  TempDir dir;
  FixedClock clock(kNow);
  auto store = open_or_fail(file_options(dir.file("s.db")), clock);
  std::vector<InboundBatch> group{
      {"webhook:a", {inbound("1"), inbound("2")}, std::nullopt},
      {"webhook:b", {inbound("1")}, CursorUpdate{"b", "7"}},
      {"webhook:a", {inbound("2"), inbound("3")}, std::nullopt},  // a retry racing the first
  };
  auto outcomes = store->accept_inbound_group(group);
  ASSERT_TRUE(outcomes) << outcomes.error().message;
  ASSERT_EQ(outcomes->size(), 3u);
  EXPECT_EQ((*outcomes)[0].accepted, 2u);
  EXPECT_EQ((*outcomes)[1].accepted, 1u);
  EXPECT_EQ((*outcomes)[2].accepted, 1u);
  EXPECT_EQ((*outcomes)[2].duplicates, 1u);
  EXPECT_EQ(store->inbox_counts()->pending, 4);
  EXPECT_EQ(**store->read_cursor("b"), "7");
}

TEST(Inbox, RefusesAnOversizedAlertWithoutStoringAnythingOfTheCall) {
  TempDir dir;
  FixedClock clock(kNow);
  SqliteOptions options = file_options(dir.file("s.db"));
  options.max_blob_bytes = 1000;
  auto store = open_or_fail(options, clock);
  std::vector<InboundAlert> alerts{inbound("ok"), inbound("huge", std::string(2000, 'a'))};
  auto result = store->accept_inbound("webhook:x", alerts, CursorUpdate{"c", "1"});
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::kTooLarge);
  EXPECT_EQ(store->inbox_counts()->pending, 0);
  EXPECT_FALSE(store->read_cursor("c")->has_value());
}

TEST(Inbox, ATriageOrQuarantineMarksItsRowDoneInTheSameCommit) {
  TempDir dir;
  const std::string path = dir.file("s.db");
  FixedClock clock(kNow);
  auto store = open_or_fail(file_options(path), clock);
  std::vector<InboundAlert> alerts{inbound("t-1"), inbound("t-2"), inbound("bad")};
  ASSERT_TRUE(store->accept_inbound("webhook:x", alerts, std::nullopt));
  auto pending = store->pending_inbound(0, 10);
  ASSERT_TRUE(pending);
  ASSERT_EQ(pending->size(), 3u);

  TriageRecord first = sample_record(1, "t-1");
  first.inbox_id = (*pending)[0].id;
  ASSERT_TRUE(store->record_triage(first));
  // Queued in the batch, not committed: the row is still pending for anyone who looks.
  EXPECT_EQ(store->inbox_counts()->pending, 3);

  QuarantineRecord rejected{"webhook:x#bad", ErrorCode::kNotAnAlert, "no alert", "{}",
                            (*pending)[2].id};
  ASSERT_TRUE(store->quarantine(rejected));
  ASSERT_TRUE(store->flush());

  auto counts = store->inbox_counts();
  ASSERT_TRUE(counts);
  EXPECT_EQ(counts->pending, 1);
  EXPECT_EQ(counts->done, 2);
  auto left = store->pending_inbound(0, 10);
  ASSERT_TRUE(left);
  ASSERT_EQ(left->size(), 1u);
  EXPECT_EQ((*left)[0].input_ref, "webhook:test#t-2");

  RawDb raw(path);
  // done_seq joins each delivery to the audit record that completed it; the bytes now live
  // in the triage or quarantine row only.
  EXPECT_EQ(raw.integer("SELECT count(*) FROM inbox i JOIN audit a ON a.seq = i.done_seq "
                        "WHERE (a.kind = 'triage' AND i.dedup_key = 't-1') OR "
                        "(a.kind = 'quarantine' AND i.dedup_key = 'bad')"),
            2);
  EXPECT_EQ(raw.integer("SELECT sum(length(bytes)) FROM inbox WHERE done_seq IS NOT NULL"), 0);
  EXPECT_TRUE(store->verify_audit()->ok);
}

TEST(Inbox, ASecondTriageOfOneDeliveryIsRefused) {
  TempDir dir;
  FixedClock clock(kNow);
  auto store = open_or_fail(file_options(dir.file("s.db")), clock);
  std::vector<InboundAlert> alerts{inbound("dup")};
  ASSERT_TRUE(store->accept_inbound("webhook:x", alerts, std::nullopt));
  const std::int64_t id = (*store->pending_inbound(0, 1))[0].id;
  TriageRecord once = sample_record(1, "dup");
  once.inbox_id = id;
  ASSERT_TRUE(store->record_triage(once));
  ASSERT_TRUE(store->flush());

  TriageRecord twice = sample_record(2, "dup");
  twice.inbox_id = id;
  ASSERT_TRUE(store->record_triage(twice));
  auto flushed = store->flush();
  ASSERT_FALSE(flushed);
  EXPECT_NE(flushed.error().message.find("already done"), std::string::npos)
      << flushed.error().message;
  auto triages = store->load_triages();
  ASSERT_TRUE(triages);
  EXPECT_EQ(triages->size(), 1u);
}

// serve runs an intake connection and a triage connection on one file at the same time.
TEST(Inbox, IntakeAndTriageConnectionsShareOneFile) {
  TempDir dir;
  const std::string path = dir.file("s.db");
  FixedClock clock(kNow);
  auto triage_side = open_or_fail(file_options(path, 50), clock);
  auto intake_side = open_or_fail(file_options(path), clock);
  std::int64_t after = 0;
  int triaged = 0;
  for (int round = 0; round < 20; ++round) {
    std::vector<InboundAlert> alerts;
    for (int i = 0; i < 30; ++i) alerts.push_back(inbound(fmt::format("k-{}-{}", round, i)));
    ASSERT_TRUE(intake_side->accept_inbound("webhook:x", alerts, std::nullopt));
    auto pending = triage_side->pending_inbound(after, 1000);
    ASSERT_TRUE(pending) << pending.error().message;
    for (const PendingInbound& row : *pending) {
      TriageRecord record = sample_record(triaged++, row.input_ref);
      record.inbox_id = row.id;
      ASSERT_TRUE(triage_side->record_triage(record));
      after = row.id;
    }
  }
  ASSERT_TRUE(triage_side->flush());
  auto counts = intake_side->inbox_counts();
  ASSERT_TRUE(counts);
  EXPECT_EQ(counts->pending, 0);
  EXPECT_EQ(counts->done, 600);
  EXPECT_TRUE(triage_side->verify_audit()->ok);
}

TEST(Inbox, AVersion2StoreIsUpgradedInPlaceWithItsChainIntact) {
  TempDir dir;
  const std::string path = dir.file("v2.db");
  FixedClock clock(kNow);
  {
    auto store = open_or_fail(file_options(path), clock);
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(store->record_triage(sample_record(i)));
    ASSERT_TRUE(store->flush());
  }
  {
    RawDb raw(path);  // what a version-2 file looks like
    raw.exec("DROP TABLE inbox");
    raw.exec("DROP TABLE cursors");
    raw.exec("PRAGMA user_version = 2");
  }
  auto upgraded = open_or_fail(file_options(path), clock);
  ASSERT_TRUE(upgraded);
  EXPECT_EQ(RawDb(path).integer("PRAGMA user_version"), kSqliteStoreSchemaVersion);
  auto verified = upgraded->verify_audit();
  ASSERT_TRUE(verified);
  EXPECT_TRUE(verified->ok) << verified->problem;
  EXPECT_EQ(verified->records_checked, 3);
  std::vector<InboundAlert> alerts{inbound("after-upgrade")};
  EXPECT_TRUE(upgraded->accept_inbound("webhook:x", alerts, std::nullopt));
}

}  // namespace
}  // namespace soc
