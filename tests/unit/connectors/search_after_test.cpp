// Elastic Security and Wazuh indexer pulls against a local `_search` server: paging, auth,
// retries, restart, late alerts and refused pages.
#include <gtest/gtest.h>

#include <set>

#include "connectors/connector.hpp"
#include "support.hpp"

namespace soc::connectors::testing {
namespace {

const TimestampMs kT0 = *parse_time("2026-05-01T10:00:00Z");
const std::string kElasticKey = std::string(kSecretMarker) + "-elastic-VnVhQ2lHY0JfVGkw";

std::string uuid(int i) {
  char text[64];
  std::snprintf(text, sizeof text, "7c1e%04d-52b0-4b2e-9a4f-0d3c2b1a%04d", i, i);
  return text;
}

class ElasticPull : public ::testing::Test {
 protected:
  ElasticPull()
      : env_("SOC_TEST_ELASTIC_KEY", kElasticKey),
        index_(server_, "/.alerts-security.alerts-default/_search", "ApiKey " + kElasticKey,
               "@timestamp", "kibana.alert.uuid"),
        clock_(kT0 + kHour) {
    config_.name = "elastic-test";
    config_.product = "elastic";
    config_.url = server_.root();
    config_.auth = "api_key";
    config_.secret_env = "SOC_TEST_ELASTIC_KEY";
    config_.page_size = 5;
    config_.lookback_seconds = 0;
    config_.backfill_seconds = 2 * 3600;
    config_.timeout_ms = 5000;
    config_.retry_backoff_ms = 10;
    config_.max_retry_wait_ms = 3000;
  }

  // Alert i at kT0 + i seconds; pairs (2k, 2k+1) for k >= 5 share one millisecond, so the
  // tiebreaker decides their order.
  IndexedDoc doc(int i, std::optional<TimestampMs> at = std::nullopt) {
    const TimestampMs time = at ? *at : kT0 + (i >= 10 ? (i / 2) * 2 : i) * 1000;
    IndexedDoc d;
    d.time_ms = time;
    d.tiebreaker = uuid(i);
    d.id = uuid(i);
    d.source = replace_all(replace_all(fixture("elastic_alert.json"), "{{UUID}}", uuid(i)),
                           "{{TIMESTAMP}}", format_time(time));
    return d;
  }
  void add_docs(int count) {
    for (int i = 0; i < count; ++i) {
      docs_.push_back(doc(i));
      index_.add(docs_.back());
    }
  }

  std::unique_ptr<PullConnector> connector() {
    auto made = make_pull_connector(config_, clock_);
    EXPECT_TRUE(made.has_value()) << (made ? "" : made.error().message);
    return std::move(*made);
  }
  PullReport pull(Store& store, std::size_t max_pages = 100) {
    auto c = connector();
    return pull_until_caught_up(*c, store, PullOptions{.page_size = 5, .max_pages = max_pages});
  }

  LocalServer server_;
  ScopedEnv env_;
  FakeSearchIndex index_;
  FixedClock clock_;
  PullSourceConfig config_;
  TempDir dir_;
  std::vector<IndexedDoc> docs_;
};

TEST_F(ElasticPull, PagesThroughEveryAlertWithSearchAfterAndKeepsTheBytes) {
  add_docs(23);
  auto store = open_store(dir_.file("soc.db"), clock_);
  const PullReport report = pull(*store);
  ASSERT_FALSE(report.error) << report.error->message;
  EXPECT_EQ(report.pages, 5u);
  EXPECT_EQ(report.accepted, 23u);
  EXPECT_EQ(report.duplicates, 0u);
  EXPECT_TRUE(report.caught_up);

  const auto rows = inbox(*store);
  ASSERT_EQ(rows.size(), 23u);
  std::map<std::string, std::string> sources;
  for (const auto& d : docs_) sources["pull:elastic-test/" + d.id] = d.source;
  for (const auto& row : rows) {
    EXPECT_EQ(row.source, "pull:elastic-test");
    EXPECT_EQ(row.format, "ecs");
    ASSERT_TRUE(sources.contains(row.input_ref)) << row.input_ref;
    EXPECT_EQ(row.bytes, sources[row.input_ref]);  // the _source exactly as the server sent it
  }

  const auto bodies = index_.bodies();
  ASSERT_EQ(bodies.size(), 5u);
  EXPECT_FALSE(bodies[0].contains("search_after"));
  EXPECT_EQ(bodies[0]["query"]["bool"]["filter"][0]["range"]["@timestamp"]["gte"],
            kT0 + kHour - 2 * kHour);
  EXPECT_EQ(bodies[0]["size"], 5);
  for (std::size_t page = 1; page < bodies.size(); ++page) {
    const IndexedDoc& last = [&]() -> const IndexedDoc& {
      std::vector<const IndexedDoc*> sorted;
      for (const auto& d : docs_) sorted.push_back(&d);
      std::sort(sorted.begin(), sorted.end(), [](auto* a, auto* b) {
        return std::pair{a->time_ms, a->tiebreaker} < std::pair{b->time_ms, b->tiebreaker};
      });
      return *sorted[page * 5 - 1];
    }();
    EXPECT_EQ(bodies[page]["search_after"], json::array({last.time_ms, last.tiebreaker}))
        << "page " << page;
  }
  for (const auto& request : server_.requests())
    EXPECT_EQ(request.header("authorization"), "ApiKey " + kElasticKey);

  // Nothing new: one empty page, nothing stored.
  const PullReport again = pull(*store);
  ASSERT_FALSE(again.error);
  EXPECT_EQ(again.accepted, 0u);
  EXPECT_EQ(again.duplicates, 0u);
  EXPECT_EQ(inbox(*store).size(), 23u);
}

TEST_F(ElasticPull, RestartResumesFromTheStoredCursorWithoutGapOrDuplicate) {
  add_docs(23);
  const std::string path = dir_.file("soc.db");
  {
    auto store = open_store(path, clock_);
    const PullReport first = pull(*store, /*max_pages=*/2);
    ASSERT_FALSE(first.error);
    EXPECT_EQ(first.accepted, 10u);
    EXPECT_FALSE(first.caught_up);
  }  // the process stops: connector and store gone
  auto store = open_store(path, clock_);
  const PullReport second = pull(*store);
  ASSERT_FALSE(second.error) << second.error->message;
  EXPECT_EQ(second.accepted, 13u);
  EXPECT_EQ(second.duplicates, 0u);
  std::set<std::string> refs;
  for (const auto& row : inbox(*store)) refs.insert(row.input_ref);
  EXPECT_EQ(refs.size(), 23u);
  for (const auto& d : docs_) EXPECT_TRUE(refs.contains("pull:elastic-test/" + d.id));
  auto counts = store->inbox_counts();
  ASSERT_TRUE(counts);
  EXPECT_EQ(counts->pending, 23);
}

TEST_F(ElasticPull, LookbackReadsLateAlertsAndCountsTheOverlapAsDuplicates) {
  config_.lookback_seconds = 60;
  add_docs(23);
  auto store = open_store(dir_.file("soc.db"), clock_);
  ASSERT_FALSE(pull(*store).error);
  const TimestampMs last = kT0 + 22 * 1000;
  // Indexed after the pass although its time is earlier, and one genuinely new alert.
  index_.add(doc(100, last - 5000));
  index_.add(doc(101, last + 1000));
  const auto before = index_.bodies().size();
  const PullReport report = pull(*store);
  ASSERT_FALSE(report.error) << report.error->message;
  EXPECT_EQ(report.accepted, 2u);
  EXPECT_EQ(report.duplicates, 23u);  // every earlier alert lies within the 60 s window
  EXPECT_EQ(inbox(*store).size(), 25u);
  const auto bodies = index_.bodies();
  ASSERT_GT(bodies.size(), before);
  EXPECT_FALSE(bodies[before].contains("search_after"));
  EXPECT_EQ(bodies[before]["query"]["bool"]["filter"][0]["range"]["@timestamp"]["gte"],
            last - 60000);
}

TEST_F(ElasticPull, WithoutLookbackALateAlertIsNotReadAgain) {
  // The counterpart of the test above: the window is what catches late alerts.
  add_docs(23);
  auto store = open_store(dir_.file("soc.db"), clock_);
  ASSERT_FALSE(pull(*store).error);
  index_.add(doc(100, kT0 + 17 * 1000));
  const PullReport report = pull(*store);
  ASSERT_FALSE(report.error);
  EXPECT_EQ(report.accepted, 0u);
}

TEST_F(ElasticPull, RefusedCredentialsAreUnauthorizedAndStoreNothing) {
  add_docs(7);
  ScopedEnv wrong("SOC_TEST_ELASTIC_KEY", std::string(kSecretMarker) + "-revoked-key");
  auto store = open_store(dir_.file("soc.db"), clock_);
  const PullReport report = pull(*store);
  ASSERT_TRUE(report.error);
  EXPECT_EQ(report.error->code, ErrorCode::kUnauthorized);
  EXPECT_NE(report.error->message.find("elastic-test"), std::string::npos);
  EXPECT_NE(report.error->message.find("401"), std::string::npos);
  EXPECT_EQ(report.error->message.find(kSecretMarker), std::string::npos);
  EXPECT_EQ(report.pages, 0u);
  EXPECT_TRUE(inbox(*store).empty());
  auto cursor = store->read_cursor("pull:elastic-test");
  ASSERT_TRUE(cursor);
  EXPECT_FALSE(cursor->has_value());
  EXPECT_EQ(server_.count(), 1u);  // a refusal is not retried
}

TEST_F(ElasticPull, RateLimitAndServerErrorsAreRetriedThenTheAlertsArrive) {
  add_docs(7);
  Reply limited = json_reply(
      429,
      R"({"error":{"type":"es_rejected_execution_exception","reason":"rejected execution"},"status":429})");
  limited.headers.emplace_back("Retry-After", "1");
  index_.inject(limited);
  index_.inject(json_reply(
      503,
      R"({"error":{"type":"unavailable_shards_exception","reason":"primary shard is not active"},"status":503})"));
  auto store = open_store(dir_.file("soc.db"), clock_);
  const auto started = std::chrono::steady_clock::now();
  const PullReport report = pull(*store);
  ASSERT_FALSE(report.error) << report.error->message;
  EXPECT_EQ(report.accepted, 7u);
  EXPECT_EQ(index_.searches(), 2u + 2u);  // two refused attempts, then two pages
  // Retry-After: 1 was honoured (our own backoff is 10 ms).
  EXPECT_GE(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(950));
}

TEST_F(ElasticPull, RetriesAreBoundedAndAPersistentFailureStoresNothing) {
  add_docs(3);
  config_.max_retries = 2;
  for (int i = 0; i < 5; ++i) index_.inject(json_reply(502, "<html>Bad Gateway</html>"));
  auto store = open_store(dir_.file("soc.db"), clock_);
  const PullReport report = pull(*store);
  ASSERT_TRUE(report.error);
  EXPECT_EQ(report.error->code, ErrorCode::kUpstreamError);
  EXPECT_NE(report.error->message.find("502"), std::string::npos);
  EXPECT_EQ(index_.searches(), 3u);
  EXPECT_TRUE(inbox(*store).empty());
}

TEST_F(ElasticPull, PartialOrMalformedPagesAreRefusedAndTheCursorStays) {
  add_docs(23);
  auto store = open_store(dir_.file("soc.db"), clock_);
  ASSERT_EQ(pull(*store, 1).accepted, 5u);
  const auto cursor = store->read_cursor("pull:elastic-test");
  ASSERT_TRUE(cursor && cursor->has_value());

  index_.inject(json_reply(
      200,
      R"({"took":9,"timed_out":false,"_shards":{"total":3,"successful":2,"skipped":0,"failed":1,"failures":[{"shard":1,"index":".internal.alerts-security.alerts-default-000001","reason":{"type":"node_not_connected_exception"}}]},"hits":{"hits":[]}})"));
  PullReport report = pull(*store);
  ASSERT_TRUE(report.error);
  EXPECT_EQ(report.error->code, ErrorCode::kUpstreamError);
  EXPECT_EQ(*store->read_cursor("pull:elastic-test"), *cursor);

  index_.inject(json_reply(
      200,
      R"({"took":9,"timed_out":false,"hits":{"hits":[{"_id":"x","_source":{"a":1},"sort":[1)"));
  report = pull(*store);
  ASSERT_TRUE(report.error);
  EXPECT_EQ(report.error->code, ErrorCode::kParseError);
  EXPECT_EQ(*store->read_cursor("pull:elastic-test"), *cursor);

  index_.inject(json_reply(
      200, R"({"took":9,"timed_out":false,"hits":{"hits":[{"_id":"x","_source":{"a":1}}]}})"));
  report = pull(*store);
  ASSERT_TRUE(report.error);
  EXPECT_EQ(report.error->code, ErrorCode::kParseError);
  EXPECT_EQ(inbox(*store).size(), 5u);

  report = pull(*store);  // the cluster is healthy again
  ASSERT_FALSE(report.error) << report.error->message;
  EXPECT_EQ(report.accepted, 18u);
  EXPECT_EQ(report.duplicates, 0u);
  EXPECT_EQ(inbox(*store).size(), 23u);
}

TEST_F(ElasticPull, ACursorFromSomethingElseIsRefused) {
  add_docs(3);
  auto store = open_store(dir_.file("soc.db"), clock_);
  ASSERT_TRUE(store->accept_inbound("pull:elastic-test", {},
                                    CursorUpdate{"pull:elastic-test", R"({"time_ms":5})"}));
  const PullReport report = pull(*store);
  ASSERT_TRUE(report.error);
  EXPECT_EQ(report.error->code, ErrorCode::kIntegrityError);
  EXPECT_TRUE(inbox(*store).empty());
}

// --- Wazuh indexer ----------------------------------------------------------------------------

const std::string kWazuhPassword = std::string(kSecretMarker) + "-wazuh-Adm1n!pass";

std::string wazuh_id(int i) {
  return "1777629" + std::to_string(600 + i) + "." + std::to_string(100000 + i * 731);
}

TEST(WazuhPull, PagesWithBasicAuthOnTimestampAndIdAndResumesAfterRestart) {
  LocalServer server;
  ScopedEnv env("SOC_TEST_WAZUH_PASSWORD", kWazuhPassword);
  // The Basic header is base64("admin:" + password), computed here independently.
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  auto b64 = [](const std::string& in) {
    std::string out;
    unsigned value = 0;
    int bits = -6;
    for (unsigned char c : in) {
      value = ((value << 8) + c) & 0xFFFFFu;
      bits += 8;
      while (bits >= 0) {
        out.push_back(kAlphabet[(value >> bits) & 0x3F]);
        bits -= 6;
      }
    }
    if (bits > -6) out.push_back(kAlphabet[((value << 8) >> (bits + 8)) & 0x3F]);
    while (out.size() % 4) out.push_back('=');
    return out;
  };
  FakeSearchIndex wazuh(server, "/wazuh-alerts-*/_search",
                        "Basic " + b64("admin:" + kWazuhPassword), "timestamp", "id");
  std::vector<IndexedDoc> docs;
  for (int i = 0; i < 12; ++i) {
    IndexedDoc d;
    d.time_ms = kT0 + i * 1500;
    d.tiebreaker = wazuh_id(i);
    d.id = "Zx" + std::to_string(i) + "Q9kBf0cW3o1lqT2a";
    std::string stamp = format_time(d.time_ms);  // Wazuh writes "2026-05-01T10:00:01.500+0000"
    stamp.pop_back();
    if (stamp.find('.') == std::string::npos) stamp += ".000";
    d.source = replace_all(replace_all(fixture("wazuh_alert.json"), "{{ID}}", d.tiebreaker),
                           "{{TIMESTAMP}}", stamp + "+0000");
    docs.push_back(d);
    wazuh.add(d);
  }
  FixedClock clock(kT0 + kHour);
  PullSourceConfig config;
  config.name = "wazuh-test";
  config.product = "wazuh";
  config.url = server.root() + "/";
  config.username = "admin";
  config.secret_env = "SOC_TEST_WAZUH_PASSWORD";
  config.backfill_seconds = 7200;
  config.lookback_seconds = 0;
  config.retry_backoff_ms = 10;
  TempDir dir;
  const std::string path = dir.file("soc.db");
  {
    auto store = open_store(path, clock);
    auto connector = make_pull_connector(config, clock);
    ASSERT_TRUE(connector) << connector.error().message;
    const PullReport report =
        pull_until_caught_up(**connector, *store, PullOptions{.page_size = 4, .max_pages = 2});
    ASSERT_FALSE(report.error) << report.error->message;
    EXPECT_EQ(report.accepted, 8u);
  }
  auto store = open_store(path, clock);
  auto connector = make_pull_connector(config, clock);
  ASSERT_TRUE(connector);
  const PullReport report =
      pull_until_caught_up(**connector, *store, PullOptions{.page_size = 4, .max_pages = 10});
  ASSERT_FALSE(report.error) << report.error->message;
  EXPECT_EQ(report.accepted, 4u);
  EXPECT_EQ(report.duplicates, 0u);
  EXPECT_TRUE(report.caught_up);
  const auto rows = inbox(*store);
  ASSERT_EQ(rows.size(), 12u);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(rows[i].format, "wazuh");
    EXPECT_EQ(rows[i].input_ref, "pull:wazuh-test/" + docs[i].tiebreaker);  // Wazuh's own id
    EXPECT_EQ(rows[i].bytes, docs[i].source);
  }
}

TEST(WazuhPull, AWrongPasswordIsUnauthorizedAndStoresNothing) {
  LocalServer server;
  ScopedEnv env("SOC_TEST_WAZUH_PASSWORD", "not-the-password");
  // The index accepts only the right credentials; what they are does not matter here.
  FakeSearchIndex wazuh(server, "/wazuh-alerts-*/_search", "Basic YWRtaW46cmlnaHQ=", "timestamp",
                        "id");
  IndexedDoc d;
  d.time_ms = kT0;
  d.tiebreaker = wazuh_id(0);
  d.id = "Zx0";
  d.source = R"({"id":")" + d.tiebreaker + R"("})";
  wazuh.add(d);
  FixedClock clock(kT0 + kHour);
  PullSourceConfig config;
  config.name = "wazuh-test";
  config.product = "wazuh";
  config.url = server.root() + "/";
  config.username = "admin";
  config.secret_env = "SOC_TEST_WAZUH_PASSWORD";
  config.backfill_seconds = 7200;
  config.retry_backoff_ms = 10;
  TempDir dir;
  auto store = open_store(dir.file("soc.db"), clock);
  auto connector = make_pull_connector(config, clock);
  ASSERT_TRUE(connector) << connector.error().message;
  const PullReport report = pull_until_caught_up(**connector, *store, PullOptions{});
  ASSERT_TRUE(report.error);
  EXPECT_EQ(report.error->code, ErrorCode::kUnauthorized);
  EXPECT_NE(report.error->message.find("wazuh-test"), std::string::npos);
  EXPECT_EQ(report.error->message.find("not-the-password"), std::string::npos);
  EXPECT_TRUE(inbox(*store).empty());
  EXPECT_FALSE(store->read_cursor("pull:wazuh-test")->has_value());
}

}  // namespace
}  // namespace soc::connectors::testing
