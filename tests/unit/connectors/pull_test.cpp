// The pull loop and schedule with a scripted connector, the factory's checks, and the helpers
// (raw spans, retries, encodings) the product connectors stand on.
#include <gtest/gtest.h>

#include <deque>

#include "connectors/connector.hpp"
#include "connectors/http_support.hpp"
#include "connectors/page_support.hpp"
#include "connectors/raw_json.hpp"
#include "support.hpp"

namespace soc::connectors::testing {
namespace {

class ScriptedConnector final : public PullConnector {
 public:
  const std::string& name() const override { return name_; }
  Result<PulledPage> fetch(const std::optional<std::string>& cursor, std::size_t) override {
    cursors_seen.push_back(cursor);
    if (script.empty()) return PulledPage{{}, cursor.value_or(""), false};
    auto next = std::move(script.front());
    script.pop_front();
    return next;
  }
  std::deque<Result<PulledPage>> script;
  std::vector<std::optional<std::string>> cursors_seen;

 private:
  std::string name_ = "scripted";
};

InboundAlert alert(const std::string& id) {
  return InboundAlert{id, "pull:scripted/" + id, "ecs", R"({"id":")" + id + R"("})"};
}

PulledPage page(std::vector<std::string> ids, std::string cursor, bool more) {
  PulledPage p;
  for (const auto& id : ids) p.alerts.push_back(alert(id));
  p.next_cursor = std::move(cursor);
  p.more = more;
  return p;
}

class PullLoop : public ::testing::Test {
 protected:
  PullLoop() : clock_(1'780'000'000'000), store_(open_store(":memory:", clock_)) {}
  FixedClock clock_;
  std::unique_ptr<Store> store_;
};

TEST_F(PullLoop, CommitsEachPageWithItsCursorAndHandsTheCursorBack) {
  auto connector = std::make_unique<ScriptedConnector>();
  connector->script.push_back(page({"a", "b"}, R"({"n":1})", true));
  connector->script.push_back(page({"b", "c"}, R"({"n":2})", true));  // "b" again: overlap
  connector->script.push_back(page({}, R"({"n":2,"caught_up":true})", false));
  const PullReport report = pull_until_caught_up(*connector, *store_, PullOptions{});
  ASSERT_FALSE(report.error);
  EXPECT_EQ(report.pages, 3u);
  EXPECT_EQ(report.accepted, 3u);
  EXPECT_EQ(report.duplicates, 1u);
  EXPECT_TRUE(report.caught_up);
  ASSERT_EQ(connector->cursors_seen.size(), 3u);
  EXPECT_FALSE(connector->cursors_seen[0].has_value());
  EXPECT_EQ(connector->cursors_seen[1], R"({"n":1})");
  EXPECT_EQ(connector->cursors_seen[2], R"({"n":2})");
  EXPECT_EQ(*store_->read_cursor("pull:scripted"), R"({"n":2,"caught_up":true})");
  EXPECT_EQ(inbox(*store_).size(), 3u);
}

TEST_F(PullLoop, StopsAtThePageBudgetAndOnAnErrorWithoutMovingTheCursor) {
  ScriptedConnector connector;
  connector.script.push_back(page({"a"}, "1", true));
  connector.script.push_back(page({"b"}, "2", true));
  connector.script.push_back(page({"c"}, "3", true));
  PullReport report = pull_until_caught_up(connector, *store_, PullOptions{.max_pages = 2});
  ASSERT_FALSE(report.error);
  EXPECT_EQ(report.pages, 2u);
  EXPECT_FALSE(report.caught_up);
  EXPECT_EQ(*store_->read_cursor("pull:scripted"), "2");

  connector.script.clear();
  connector.script.push_back(fail(ErrorCode::kUpstreamError, "boom"));
  report = pull_until_caught_up(connector, *store_, PullOptions{});
  ASSERT_TRUE(report.error);
  EXPECT_EQ(report.error->message, "boom");
  EXPECT_EQ(*store_->read_cursor("pull:scripted"), "2");
  EXPECT_EQ(connector.cursors_seen.back(), "2");  // resumed from the stored cursor
}

TEST_F(PullLoop, ScheduleComesBackAtOnceWhileThereIsMoreAndBacksOffAfterFailures) {
  auto connector = std::make_unique<ScriptedConnector>();
  ScriptedConnector* scripted = connector.get();
  scripted->script.push_back(page({"a"}, "1", true));
  scripted->script.push_back(page({"b"}, "2", false));
  for (int i = 0; i < 6; ++i) scripted->script.push_back(fail(ErrorCode::kTimeout, "slow"));
  const auto interval = std::chrono::seconds(30);
  PullSource source(std::move(connector), PullOptions{.max_pages = 1}, interval);
  const auto t0 = std::chrono::steady_clock::time_point{} + std::chrono::hours(1);

  auto report = source.poll(*store_, t0);
  ASSERT_TRUE(report);
  EXPECT_FALSE(report->caught_up);
  EXPECT_EQ(source.next_due(), t0);  // page budget spent with more waiting
  report = source.poll(*store_, t0);
  ASSERT_TRUE(report && report->caught_up);
  EXPECT_EQ(source.next_due(), t0 + interval);
  EXPECT_FALSE(source.poll(*store_, t0 + std::chrono::seconds(10)));

  auto now = t0 + interval;
  const int expected_factor[] = {2, 4, 8, 10, 10};
  for (int factor : expected_factor) {
    report = source.poll(*store_, now);
    ASSERT_TRUE(report && report->error);
    EXPECT_EQ(source.next_due(), now + interval * factor);
    now = source.next_due();
  }
  EXPECT_EQ(source.consecutive_failures(), 5u);
}

TEST(PullFactory, AMissingSecretIsAStartUpErrorNamingTheVariable) {
  ::unsetenv("SOC_TEST_UNSET_SECRET");
  PullSourceConfig config;
  config.name = "elastic-x";
  config.product = "elastic";
  config.url = "https://elastic.example.org:9200";
  config.secret_env = "SOC_TEST_UNSET_SECRET";
  FixedClock clock(0);
  auto made = make_pull_connector(config, clock);
  ASSERT_FALSE(made);
  EXPECT_EQ(made.error().code, ErrorCode::kConfigError);
  EXPECT_NE(made.error().message.find("SOC_TEST_UNSET_SECRET"), std::string::npos);
  EXPECT_NE(made.error().message.find("elastic-x"), std::string::npos);

  config.auth = "none";  // a lab cluster without security needs no secret
  EXPECT_TRUE(make_pull_connector(config, clock));
  config.product = "qradar";
  EXPECT_FALSE(make_pull_connector(config, clock));
}

TEST(PullFactory, SentinelRegistersBothTheAuthorityAndTheApiRoot) {
  LocalServer authority;
  LocalServer api;
  authority.on("/t/oauth2/v2.0/token",
               json_reply(200, R"({"token_type":"Bearer","expires_in":3599,"access_token":"tk"})"));
  api.on(
      "/v1/workspaces/w/query",
      json_reply(
          200,
          R"({"tables":[{"name":"PrimaryResult","columns":[{"name":"TimeGenerated","type":"datetime"},{"name":"SystemAlertId","type":"string"}],"rows":[]}]})"));
  ScopedEnv secret("SOC_TEST_EGRESS_SECRET", std::string(kSecretMarker) + "-egress");
  PullSourceConfig config;
  config.name = "sentinel-x";
  config.product = "sentinel";
  config.url = api.root();
  config.authority_url = authority.root();
  config.tenant = "t";
  config.client_id = "c";
  config.workspace = "w";
  config.secret_env = "SOC_TEST_EGRESS_SECRET";
  FixedClock clock(1'780'000'000'000);
  auto made = make_pull_connector(config, clock);
  ASSERT_TRUE(made) << made.error().message;
  auto result = (*made)->fetch(std::nullopt, 10);
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_TRUE(result->alerts.empty());
  EXPECT_TRUE(result->next_cursor.empty());  // nothing read yet: no position to keep
  EXPECT_EQ(authority.count(), 1u);
  EXPECT_EQ(api.count(), 1u);
}

TEST(RetryPolicyTest, RetryAfterIsCappedAndDroppedConnectionsAreRetried) {
  LocalServer server;
  Reply limited = json_reply(429, "{}");
  limited.headers.emplace_back("Retry-After", "30");
  Reply dropped;
  dropped.fault = live::testing::Fault::kDrop;
  server.script("/x", {limited, dropped, json_reply(200, R"({"ok":true})")});
  live::EgressPolicy policy;
  ASSERT_TRUE(policy.allow_root(server.root()));
  auto http = live::make_curl_client(policy);
  RetryPolicy retry;
  retry.timeout = std::chrono::milliseconds(2000);
  retry.backoff = std::chrono::milliseconds(5);
  retry.max_wait = std::chrono::milliseconds(200);
  live::HttpRequest request;
  request.url = server.root("/x");
  const auto started = std::chrono::steady_clock::now();
  auto response = send_with_retries(*http, request, retry, "test");
  const auto took = std::chrono::steady_clock::now() - started;
  ASSERT_TRUE(response) << response.error().message;
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(server.count("/x"), 3u);
  EXPECT_GE(took, std::chrono::milliseconds(190));
  EXPECT_LT(took, std::chrono::seconds(5));

  retry.max_retries = 0;
  server.script("/y", {json_reply(503, "{}"), json_reply(200, "{}")});
  request.url = server.root("/y");
  response = send_with_retries(*http, request, retry, "test");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 503);  // no retry allowed: the caller names the status
}

TEST(RawJson, FindsMembersAndItemsAsWritten) {
  const std::string text =
      R"( {"a" : 1, "s":"x\"}]y", "o":{"k":[1, {"z":"}"}, "w"]},"arr":[ {"_source":{"b":2}} , 3 ]})";
  EXPECT_EQ(raw_json::member(raw_json::value_at(text).value(), "a"), "1");
  EXPECT_EQ(raw_json::member(*raw_json::value_at(text), "s"), R"("x\"}]y")");
  EXPECT_EQ(raw_json::path(*raw_json::value_at(text), {"o", "k"}), R"([1, {"z":"}"}, "w"])");
  const auto items = raw_json::items(*raw_json::path(*raw_json::value_at(text), {"arr"}));
  ASSERT_TRUE(items);
  ASSERT_EQ(items->size(), 2u);
  EXPECT_EQ(raw_json::member((*items)[0], "_source"), R"({"b":2})");
  EXPECT_EQ((*items)[1], "3");
  EXPECT_FALSE(raw_json::member(*raw_json::value_at(text), "missing"));
  EXPECT_FALSE(raw_json::items(R"([1, 2)"));
  EXPECT_FALSE(raw_json::member(R"({"a":"unterminated})", "a"));
  EXPECT_TRUE(raw_json::items("[ ]").value().empty());
}

TEST(Encodings, Base64FormAndEpochSeconds) {
  // RFC 4648 section 10 test vectors.
  const std::pair<const char*, const char*> vectors[] = {{"", ""},
                                                         {"f", "Zg=="},
                                                         {"fo", "Zm8="},
                                                         {"foo", "Zm9v"},
                                                         {"foob", "Zm9vYg=="},
                                                         {"fooba", "Zm9vYmE="},
                                                         {"foobar", "Zm9vYmFy"}};
  for (const auto& [in, out] : vectors) EXPECT_EQ(base64(in), out) << in;
  EXPECT_EQ(form_encode({{"search", "search index=notable | head 5"}, {"output_mode", "json"}}),
            "search=search%20index%3Dnotable%20%7C%20head%205&output_mode=json");
  EXPECT_EQ(epoch_seconds_text(1704880800123), "1704880800.123");
  EXPECT_EQ(epoch_seconds_text(5), "0.005");
  EXPECT_EQ(epoch_seconds_text(-1500), "-1.500");
}

TEST(Credentials, HeadersAndScrubbing) {
  Credentials basic{Credentials::Kind::kBasic, "admin", live::Secret("s3cret")};
  live::HttpRequest request;
  basic.apply(request);
  ASSERT_EQ(request.headers.size(), 1u);
  EXPECT_EQ(request.headers[0].second, "Basic " + base64("admin:s3cret"));
  EXPECT_EQ(basic.scrub("echo s3cret and " + base64("admin:s3cret")),
            "echo [redacted] and [redacted]");
  Credentials token{Credentials::Kind::kSplunkToken, "", live::Secret("tok")};
  request.headers.clear();
  token.apply(request);
  EXPECT_EQ(request.headers[0].second, "Splunk tok");
}

}  // namespace
}  // namespace soc::connectors::testing
