// The service's parts on a real store file: idempotency keys, bounded queue, watched files.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "../../support/temp_dir.hpp"
#include "core/time.hpp"
#include "parse/normalizer.hpp"
#include "serve/directory_watcher.hpp"
#include "serve/intake_gate.hpp"
#include "serve/intake_writer.hpp"
#include "serve/webhook.hpp"
#include "store/store.hpp"

namespace soc::serve {
namespace {

using TempDir = testing_support::TempDir;

std::shared_ptr<const NormalizerRegistry> normalizers() {
  auto registry = std::make_shared<NormalizerRegistry>();
  register_builtin_normalizers(*registry);
  return registry;
}

std::unique_ptr<Store> open_store(const std::string& path, const Clock& clock) {
  SqliteOptions options;
  options.path = path;
  auto store = open_sqlite_store(options, clock);
  EXPECT_TRUE(store) << (store ? "" : store.error().message);
  return store ? std::move(*store) : nullptr;
}

TEST(IntakeGate, KeysAreTheAlertsOwnIdsAndBadRecordsAreKeptWithTheirError) {
  IntakeGate gate(normalizers(), ReadLimits{});
  const std::string body =
      "{\"id\":\"a-1\",\"title\":\"Port scan\"}\n"
      "{\"id\": \xff}\n"
      "CEF:0|Acme|IDS|1.0|100|Port scan|5|src=10.0.0.1 externalId=cef-7\n"
      "{\"title\":\"no id here\"}\n";
  GatedDelivery delivery = gate.admit(body, "webhook:x/1", std::nullopt);
  ASSERT_EQ(delivery.alerts.size(), 4u);
  EXPECT_EQ(delivery.alerts[0].dedup_key, "a-1");
  EXPECT_TRUE(delivery.alerts[1].dedup_key.starts_with("sha256:"));
  EXPECT_FALSE(delivery.alerts[2].dedup_key.empty());
  // No id in the alert: the normalizer's content fingerprint, the same on every retry.
  EXPECT_TRUE(delivery.alerts[3].dedup_key.starts_with("fp-"));
  ASSERT_EQ(delivery.rejected.size(), 1u);
  EXPECT_EQ(delivery.rejected[0].index, 1u);
  EXPECT_EQ(delivery.rejected[0].error.code, ErrorCode::kInvalidUtf8);
  EXPECT_EQ(delivery.alerts[1].bytes, "{\"id\": \xff}") << "rejected bytes are kept whole";

  GatedDelivery again = gate.admit(body, "webhook:x/2", std::nullopt);
  for (std::size_t i = 0; i < 4; ++i)
    EXPECT_EQ(again.alerts[i].dedup_key, delivery.alerts[i].dedup_key) << i;
}

TEST(IntakeGate, AForcedFormatIsRecordedForTheTriageWorker) {
  IntakeGate gate(normalizers(), ReadLimits{});
  GatedDelivery delivery = gate.admit(R"({"id":"x","title":"t"})", "w", SourceFormat::kGeneric);
  ASSERT_EQ(delivery.alerts.size(), 1u);
  EXPECT_EQ(delivery.alerts[0].format, "generic");
}

TEST(WebhookSignature, IsHmacSha256OfTimestampDotBody) {
  // Computed independently: python3 hmac.new(b'Jefe', b'1767225600.{"id":"a-1"}', sha256).
  EXPECT_EQ(webhook_signature("Jefe", "1767225600", R"({"id":"a-1"})"),
            "sha256=8ca9dea8713fb685db86a1efe738bb5dfe0b88f31a94485b33afe108f3b37f32");
}

InboundBatch batch_of(const std::string& prefix, int count) {
  InboundBatch batch;
  batch.source = "webhook:test";
  for (int i = 0; i < count; ++i) {
    const std::string id = prefix + std::to_string(i);
    batch.alerts.push_back(InboundAlert{id, id, "", R"({"id":")" + id + R"("})"});
  }
  return batch;
}

TEST(IntakeWriter, RefusesOverTheQueueAndBacklogLimitsAndCommitsTheRest) {
  TempDir dir;
  const std::string path = dir.file("s.db");
  FixedClock clock(1'772'500'000'000);
  auto store = open_store(path, clock);
  ASSERT_TRUE(store);
  // Another writer holds the file: the intake commit waits, and the queue fills up meanwhile.
  sqlite3* blocker = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &blocker), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(blocker, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);

  Metrics metrics;
  std::atomic<int> commits{0};
  IntakeWriter writer(std::move(store), IntakeLimits{.queue_alerts = 25, .max_backlog = 1000},
                      metrics, [&] { ++commits; });
  auto first = writer.submit(batch_of("a", 10));
  ASSERT_TRUE(first);
  auto second = writer.submit(batch_of("b", 10));
  ASSERT_TRUE(second);
  auto third = writer.submit(batch_of("c", 10));
  ASSERT_FALSE(third) << "20 queued + 10 is over the 25 allowed";
  EXPECT_EQ(third.error(), Refusal::kQueueFull);

  ASSERT_EQ(sqlite3_exec(blocker, "COMMIT", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(blocker);
  auto one = first->get();
  auto two = second->get();
  ASSERT_TRUE(one) << one.error().message;
  ASSERT_TRUE(two) << two.error().message;
  EXPECT_EQ(one->accepted + two->accepted, 20u);
  EXPECT_EQ(metrics.backlog.load(), 20);
  EXPECT_EQ(metrics.queued_alerts.load(), 0);
  EXPECT_GE(commits.load(), 1);

  metrics.backlog = 1000;  // the triage worker is far behind
  auto refused = writer.submit(batch_of("d", 1));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error(), Refusal::kBacklogFull);
  writer.stop();
  EXPECT_EQ(writer.submit(batch_of("e", 1)).error(), Refusal::kStopping);
}

struct WatchFixture {
  TempDir dir;
  FixedClock clock{1'772'500'000'000};
  std::string db = dir.file("s.db");
  IntakeGate gate{normalizers(), ReadLimits{}};
  Metrics metrics;

  WatchFixture() { std::filesystem::create_directories(dir.file("in")); }
  std::string in(const std::string& name) const { return dir.file("in/" + name); }

  // A fresh writer and watcher each time, as after a restart.
  WatchPollReport poll(int settle_ms = 0) {
    IntakeWriter writer(open_store(db, clock), IntakeLimits{}, metrics, {});
    WatchedDirectory config;
    config.path = dir.file("in");
    config.pattern = "*.jsonl";
    config.settle_ms = settle_ms;
    DirectoryWatcher watcher(config, gate, writer, metrics);
    return watcher.poll_once();
  }
  std::int64_t stored() {
    auto store = open_store(db, clock);
    auto counts = store->inbox_counts();
    return counts ? counts->pending + counts->done : -1;
  }
};

void append(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::app | std::ios::binary);
  out << text;
}

TEST(DirectoryWatcher, ReadsCompleteLinesOnceAcrossRestarts) {
  WatchFixture f;
  append(f.in("a.jsonl"),
         "{\"id\":\"1\",\"title\":\"t\"}\n{\"id\":\"2\",\"title\":\"t\"}\n{\"id\":");
  append(f.in("ignored.txt"), "{\"id\":\"9\",\"title\":\"t\"}\n");
  // Not settled yet: the half line waits for the rest.
  EXPECT_EQ(f.poll(60'000).alerts, 2u);
  EXPECT_EQ(f.stored(), 2);
  EXPECT_EQ(f.poll(60'000).alerts, 0u) << "nothing new: nothing read again";
  append(f.in("a.jsonl"), "\"3\",\"title\":\"t\"}\n");
  EXPECT_EQ(f.poll(60'000).alerts, 1u);
  EXPECT_EQ(f.stored(), 3);
  auto store = open_store(f.db, f.clock);
  auto rows = store->pending_inbound(0, 10);
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows->size(), 3u);
  EXPECT_EQ((*rows)[2].bytes, "{\"id\":\"3\",\"title\":\"t\"}");
}

TEST(DirectoryWatcher, AReplacedFileIsReadFromTheStart) {
  WatchFixture f;
  const std::string file = f.in("b.jsonl");
  append(file, "{\"id\":\"1\",\"title\":\"t\"}\n{\"id\":\"2\",\"title\":\"t\"}\n");
  EXPECT_EQ(f.poll().alerts, 2u);
  // Truncated and rewritten in place (same inode): other content, read from byte 0.
  { std::ofstream(file, std::ios::trunc) << "{\"id\":\"3\",\"title\":\"t\"}\n"; }
  EXPECT_EQ(f.poll().alerts, 1u);
  // Rewritten with the same length but another beginning: the head digest tells them apart.
  { std::ofstream(file, std::ios::trunc) << "{\"id\":\"4\",\"title\":\"t\"}\n"; }
  EXPECT_EQ(f.poll().alerts, 1u);
  EXPECT_EQ(f.stored(), 4);
}

TEST(DirectoryWatcher, ALastLineWithoutNewlineIsTakenOnceSettled) {
  WatchFixture f;
  append(f.in("c.jsonl"), "{\"id\":\"1\",\"title\":\"t\"}\n{\"id\":\"2\",\"title\":\"t\"}");
  EXPECT_EQ(f.poll(60'000).alerts, 1u);
  EXPECT_EQ(f.poll(0).alerts, 1u);
  EXPECT_EQ(f.stored(), 2);
}

}  // namespace
}  // namespace soc::serve
