// Sentinel pulls against a local Azure AD token endpoint and Log Analytics query API: token
// caching and refresh, keyset paging on (TimeGenerated, SystemAlertId), partial results, restart.
#include <gtest/gtest.h>

#include "connectors/connector.hpp"
#include "support.hpp"

namespace soc::connectors::testing {
namespace {

const TimestampMs kT0 = *parse_time("2026-05-01T10:00:00Z");
const std::string kClientSecret = std::string(kSecretMarker) + "-sentinel~Qx8Q~aZ.secret";
const std::string kTenant = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const std::string kClientId = "3c1f5e2a-9b8d-4c7e-a6f5-1e2d3c4b5a69";
const std::string kWorkspace = "63613592-b6f7-4c3d-a390-22ba13102111";

std::string alert_id(int i) {
  char text[48];
  std::snprintf(text, sizeof text, "%08x-4e1f-4b7a-9c2d-5e6f7a8b9c%02d", 0x1a2b0000 + i * 7919, i);
  return text;
}

// "2026-05-01T10:00:0S.FFFFFFFZ": 100 ns precision, as Log Analytics writes datetimes.
std::string time_generated(int second, int ticks) {
  char text[64];
  std::snprintf(text, sizeof text, "2026-05-01T10:00:%02d.%07dZ", second, ticks);
  return text;
}

class SentinelPull : public ::testing::Test {
 protected:
  SentinelPull()
      : env_("SOC_TEST_SENTINEL_SECRET", kClientSecret),
        sentinel_(server_, kTenant, kClientId, kClientSecret, kWorkspace),
        clock_(kT0 + kHour) {
    config_.name = "sentinel-test";
    config_.product = "sentinel";
    config_.url = server_.root();
    config_.authority_url = server_.root();
    config_.tenant = kTenant;
    config_.client_id = kClientId;
    config_.workspace = kWorkspace;
    config_.secret_env = "SOC_TEST_SENTINEL_SECRET";
    config_.page_size = 4;
    config_.lookback_seconds = 0;
    config_.backfill_seconds = 7200;
    config_.retry_backoff_ms = 10;
    config_.timeout_ms = 5000;
  }

  SentinelRow row(int i, const std::string& time) {
    const json fixture_json = json::parse(fixture("sentinel_security_alert.json"));
    std::string text = fixture_json["row"].dump();
    text = replace_all(text, "{{TimeGenerated}}", time);
    text = replace_all(text, "{{SystemAlertId}}", alert_id(i));
    text = replace_all(text, "{{VendorOriginalId}}", "vendor-" + std::to_string(i));
    return SentinelRow{time, alert_id(i), text};
  }
  // Eleven alerts; 3..6 share one TimeGenerated, so SystemAlertId orders them.
  void add_rows() {
    for (int i = 0; i < 11; ++i) {
      const int second = (i >= 3 && i <= 6) ? 3 : i;
      rows_.push_back(row(i, time_generated(second, (i >= 3 && i <= 6) ? 1234567 : 5000 + i)));
      sentinel_.add(rows_.back());
    }
  }
  std::unique_ptr<PullConnector> connector() {
    auto made = make_pull_connector(config_, clock_);
    EXPECT_TRUE(made) << made.error().message;
    return std::move(*made);
  }
  PullReport pull(PullConnector& c, Store& store, std::size_t max_pages = 100) {
    return pull_until_caught_up(c, store, PullOptions{.page_size = 4, .max_pages = max_pages});
  }

  LocalServer server_;
  ScopedEnv env_;
  FakeSentinel sentinel_;
  FixedClock clock_;
  PullSourceConfig config_;
  TempDir dir_;
  std::vector<SentinelRow> rows_;
};

TEST_F(SentinelPull, PagesWithOneTokenAndTurnsRowsIntoObjects) {
  add_rows();
  auto store = open_store(dir_.file("soc.db"), clock_);
  auto c = connector();
  const PullReport report = pull(*c, *store);
  ASSERT_FALSE(report.error) << report.error->message;
  EXPECT_EQ(report.accepted, 11u);
  EXPECT_EQ(report.duplicates, 0u);
  EXPECT_EQ(report.pages, 3u);
  EXPECT_EQ(sentinel_.token_requests(), 1u);  // cached across pages
  EXPECT_EQ(sentinel_.scope_seen(), server_.root() + "/.default");

  const auto columns = json::parse(fixture("sentinel_security_alert.json"))["columns"];
  const auto rows = inbox(*store);
  ASSERT_EQ(rows.size(), 11u);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(rows[i].format, "sentinel");
    EXPECT_EQ(rows[i].input_ref, "pull:sentinel-test/" + rows_[i].id);
    const auto object = nlohmann::ordered_json::parse(rows[i].bytes);
    const auto cells = json::parse(rows_[i].row);
    ASSERT_EQ(object.size(), columns.size());
    std::size_t c = 0;
    for (const auto& [key, value] : object.items()) {
      EXPECT_EQ(key, columns[c]["name"]);
      EXPECT_EQ(json(value), cells[c]) << key;
      ++c;
    }
    EXPECT_EQ(object["SystemAlertId"], rows_[i].id);
    EXPECT_EQ(object["Entities"].get<std::string>().front(), '[');  // still the JSON text
  }

  const auto queries = sentinel_.queries();
  ASSERT_EQ(queries.size(), 3u);
  EXPECT_EQ(queries[0],
            "SecurityAlert | where TimeGenerated >= datetime(2026-05-01T09:00:00Z) | "
            "order by TimeGenerated asc, SystemAlertId asc | take 4");
  // The second page continues inside the group sharing one TimeGenerated, at full precision.
  EXPECT_EQ(queries[1], "SecurityAlert | where TimeGenerated > datetime(" + rows_[3].time +
                            ") or (TimeGenerated == datetime(" + rows_[3].time +
                            ") and strcmp(SystemAlertId, '" + rows_[3].id +
                            "') > 0) | order by TimeGenerated asc, SystemAlertId asc | take 4");
}

TEST_F(SentinelPull, AnExpiredTokenIsRenewedOnceAndTheQueryRetried) {
  add_rows();
  auto store = open_store(dir_.file("soc.db"), clock_);
  auto c = connector();
  ASSERT_EQ(pull(*c, *store, 1).accepted, 4u);
  sentinel_.revoke_tokens();  // the service stops accepting the cached token early
  const PullReport report = pull(*c, *store);
  ASSERT_FALSE(report.error) << report.error->message;
  EXPECT_EQ(report.accepted, 7u);
  EXPECT_EQ(sentinel_.token_requests(), 2u);
}

TEST_F(SentinelPull, RefusedClientSecretIsUnauthorizedAndStoresNothing) {
  add_rows();
  ScopedEnv wrong("SOC_TEST_SENTINEL_SECRET", std::string(kSecretMarker) + "-rotated-away");
  auto store = open_store(dir_.file("soc.db"), clock_);
  auto c = connector();
  const PullReport report = pull(*c, *store);
  ASSERT_TRUE(report.error);
  EXPECT_EQ(report.error->code, ErrorCode::kUnauthorized);
  EXPECT_NE(report.error->message.find("sentinel-test"), std::string::npos);
  EXPECT_NE(report.error->message.find("invalid_client"), std::string::npos);
  EXPECT_EQ(report.error->message.find(kSecretMarker), std::string::npos);
  EXPECT_TRUE(inbox(*store).empty());
  EXPECT_TRUE(sentinel_.queries().empty());
}

TEST_F(SentinelPull, ATokenTheQueryApiKeepsRefusingIsUnauthorized) {
  add_rows();
  auto store = open_store(dir_.file("soc.db"), clock_);
  auto c = connector();
  for (int i = 0; i < 2; ++i)
    sentinel_.inject(json_reply(
        403,
        R"({"error":{"message":"The provided credentials have insufficient access to perform the requested operation","code":"InsufficientAccessError"}})"));
  const PullReport report = pull(*c, *store);
  ASSERT_TRUE(report.error);
  EXPECT_EQ(report.error->code, ErrorCode::kUnauthorized);
  EXPECT_NE(report.error->message.find("InsufficientAccessError"), std::string::npos);
  EXPECT_TRUE(inbox(*store).empty());
}

TEST_F(SentinelPull, PartialResultsAreRefusedAndTheCursorStays) {
  add_rows();
  auto store = open_store(dir_.file("soc.db"), clock_);
  auto c = connector();
  ASSERT_EQ(pull(*c, *store, 1).accepted, 4u);
  const auto cursor = *store->read_cursor("pull:sentinel-test");
  const std::string columns =
      json::parse(fixture("sentinel_security_alert.json"))["columns"].dump();
  sentinel_.inject(json_reply(
      200,
      R"({"tables":[{"name":"PrimaryResult","columns":)" + columns + R"(,"rows":[)" + rows_[4].row +
          R"(]}],"error":{"message":"Response contained partial errors","code":"PartialError","details":[{"code":"EngineError","message":"Query exceeded the allowed memory","innererror":{"code":"E_RUNAWAY_QUERY"}}]}})"));
  PullReport report = pull(*c, *store);
  ASSERT_TRUE(report.error);
  EXPECT_EQ(report.error->code, ErrorCode::kUpstreamError);
  EXPECT_NE(report.error->message.find("PartialError"), std::string::npos);
  EXPECT_EQ(*store->read_cursor("pull:sentinel-test"), cursor);
  EXPECT_EQ(inbox(*store).size(), 4u);

  sentinel_.inject(json_reply(200, R"({"tables":[{"name":"PrimaryResult","columns":)" + columns +
                                       R"(,"rows":[["only one cell"]]}]})"));
  report = pull(*c, *store);
  ASSERT_TRUE(report.error);
  EXPECT_EQ(report.error->code, ErrorCode::kParseError);

  report = pull(*c, *store);
  ASSERT_FALSE(report.error) << report.error->message;
  EXPECT_EQ(report.accepted, 7u);
  EXPECT_EQ(report.duplicates, 0u);
}

TEST_F(SentinelPull, RestartResumesAndLookbackCatchesALateRow) {
  config_.lookback_seconds = 30;
  add_rows();
  const std::string path = dir_.file("soc.db");
  {
    auto store = open_store(path, clock_);
    auto c = connector();
    ASSERT_EQ(pull(*c, *store, 2).accepted, 8u);
  }
  auto store = open_store(path, clock_);
  auto c = connector();
  PullReport report = pull(*c, *store);
  ASSERT_FALSE(report.error) << report.error->message;
  EXPECT_EQ(report.accepted, 3u);
  EXPECT_EQ(report.duplicates, 0u);

  sentinel_.add(row(40, time_generated(5, 777)));  // ingested late, earlier than the last row
  report = pull(*c, *store);
  ASSERT_FALSE(report.error) << report.error->message;
  EXPECT_EQ(report.accepted, 1u);
  EXPECT_EQ(report.duplicates, 11u);
  EXPECT_EQ(inbox(*store).size(), 12u);
  const auto queries = sentinel_.queries();
  const std::string rescan = ">= datetime(" + rows_[10].time + ") - 30s";
  EXPECT_TRUE(std::any_of(queries.begin(), queries.end(), [&](const std::string& query) {
    return query.find(rescan) != std::string::npos;
  }));
}

}  // namespace
}  // namespace soc::connectors::testing
