// Splunk notable pulls against a local search/jobs/export server: paging across equal _time
// values, auth, failures inside a 200 stream, restart and the lookback window.
#include <gtest/gtest.h>

#include <set>

#include "connectors/connector.hpp"
#include "support.hpp"

namespace soc::connectors::testing {
namespace {

const TimestampMs kT0 = *parse_time("2026-05-01T10:00:00Z");
const std::string kToken = std::string(kSecretMarker) + "-splunk-eyJraWQiOiJzcGx1bmsuc2VjcmV0In0";

// Seconds after kT0 of each notable: equal values straddle the page boundaries of size 4.
const std::vector<int> kOffsets{0, 1, 2, 3, 3, 3, 3, 4, 5, 6, 6, 7, 8, 9};

std::string event_id(std::size_t i) {
  char text[160];
  std::snprintf(text, sizeof text,
                "4C5E1B7A-9D3F-4A2B-8E6C-1F0A9B8C%04zu@@notable@@8f14e45fceea167a5a36dedd4bea%04zu",
                i, i);
  return text;
}

class SplunkPull : public ::testing::Test {
 protected:
  SplunkPull()
      : env_("SOC_TEST_SPLUNK_TOKEN", kToken),
        splunk_(server_, "Bearer " + kToken),
        clock_(kT0 + kHour) {
    config_.name = "splunk-test";
    config_.product = "splunk";
    config_.url = server_.root();
    config_.secret_env = "SOC_TEST_SPLUNK_TOKEN";
    config_.page_size = 4;
    config_.lookback_seconds = 0;
    config_.backfill_seconds = 7200;
    config_.retry_backoff_ms = 10;
    config_.timeout_ms = 5000;
  }

  Notable notable(std::size_t i, TimestampMs time, bool with_event_id = true) {
    std::string text = fixture("splunk_notable.json");
    if (!with_event_id) text = replace_all(text, R"("event_id":"{{EVENT_ID}}",)", "");
    text = replace_all(text, "{{EVENT_ID}}", event_id(i));
    text = replace_all(text, "{{CD}}", std::to_string(1200 + i * 7));
    text = replace_all(text, "{{INDEXTIME}}", std::to_string(time / 1000 + 2));
    text = replace_all(text, "{{EPOCH}}", std::to_string(time / 1000));
    text = replace_all(text, "{{SERIAL}}", std::to_string(i));
    text = replace_all(text, "{{TIME}}", splunk_time(time));
    return Notable{time, event_id(i), text};
  }
  void add_notables() {
    for (std::size_t i = 0; i < kOffsets.size(); ++i) {
      notables_.push_back(notable(i, kT0 + kOffsets[i] * 1000, /*with_event_id=*/i != 5));
      splunk_.add(notables_.back());
    }
  }
  PullReport pull(Store& store, std::size_t max_pages = 100) {
    auto connector = make_pull_connector(config_, clock_);
    EXPECT_TRUE(connector) << connector.error().message;
    return pull_until_caught_up(**connector, store,
                                PullOptions{.page_size = 4, .max_pages = max_pages});
  }

  LocalServer server_;
  ScopedEnv env_;
  FakeSplunk splunk_;
  FixedClock clock_;
  PullSourceConfig config_;
  TempDir dir_;
  std::vector<Notable> notables_;
};

TEST_F(SplunkPull, PagesAcrossEqualTimesWithoutSkippingOrRepeating) {
  add_notables();
  auto store = open_store(dir_.file("soc.db"), clock_);
  const PullReport report = pull(*store);
  ASSERT_FALSE(report.error) << report.error->message;
  EXPECT_EQ(report.accepted, kOffsets.size());
  EXPECT_EQ(report.duplicates, 0u);
  EXPECT_TRUE(report.caught_up);

  const auto rows = inbox(*store);
  ASSERT_EQ(rows.size(), kOffsets.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(rows[i].format, "splunk");
    EXPECT_EQ(rows[i].bytes, notables_[i].result);  // the result object exactly as exported
    const std::string key =
        i == 5 ? "notable~41~4C5E1B7A-9D3F-4A2B-8E6C-1F0A9B8C7D6E|41:" + std::to_string(1200 + 35)
               : event_id(i);
    EXPECT_EQ(rows[i].input_ref, "pull:splunk-test/" + key);
  }

  const auto forms = splunk_.forms();
  ASSERT_GE(forms.size(), 4u);
  EXPECT_EQ(forms[0].at("search"), "search index=notable | sort 0 _time | head 4");
  EXPECT_EQ(forms[0].at("output_mode"), "json");
  EXPECT_EQ(forms[0].at("earliest_time"), std::to_string((kT0 - kHour) / 1000) + ".000");
  EXPECT_EQ(forms[0].at("latest_time"), "now");
  // Page 1 ended inside the group at +3 s with one of its four read: the next page starts at
  // +3 s and asks for one more row to make up for the one it skips.
  EXPECT_EQ(forms[1].at("earliest_time"), std::to_string((kT0 + 3000) / 1000) + ".000");
  EXPECT_EQ(forms[1].at("search"), "search index=notable | sort 0 _time | head 5");
  for (const auto& request : server_.requests())
    EXPECT_EQ(request.header("authorization"), "Bearer " + kToken);
}

TEST_F(SplunkPull, RestartResumesFromTheStoredCursor) {
  add_notables();
  const std::string path = dir_.file("soc.db");
  {
    auto store = open_store(path, clock_);
    const PullReport first = pull(*store, 2);
    ASSERT_FALSE(first.error);
    EXPECT_FALSE(first.caught_up);
    EXPECT_EQ(first.accepted, 8u);
  }
  auto store = open_store(path, clock_);
  const PullReport second = pull(*store);
  ASSERT_FALSE(second.error) << second.error->message;
  EXPECT_EQ(second.accepted, kOffsets.size() - 8);
  EXPECT_EQ(second.duplicates, 0u);
  EXPECT_EQ(inbox(*store).size(), kOffsets.size());
}

TEST_F(SplunkPull, LookbackReadsALateNotableAndCountsTheRestAsDuplicates) {
  config_.lookback_seconds = 60;
  add_notables();
  auto store = open_store(dir_.file("soc.db"), clock_);
  ASSERT_FALSE(pull(*store).error);
  splunk_.add(notable(50, kT0 + 4500));  // indexed late, earlier than the last one read
  splunk_.add(notable(51, kT0 + 12000));
  const PullReport report = pull(*store);
  ASSERT_FALSE(report.error) << report.error->message;
  EXPECT_EQ(report.accepted, 2u);
  // Every notable already read lies within the window: each comes back and the store
  // recognises it.
  EXPECT_EQ(report.duplicates, kOffsets.size());
  EXPECT_EQ(inbox(*store).size(), kOffsets.size() + 2);
}

TEST_F(SplunkPull, RefusedTokenIsUnauthorizedAndStoresNothing) {
  add_notables();
  ScopedEnv wrong("SOC_TEST_SPLUNK_TOKEN", std::string(kSecretMarker) + "-expired");
  auto store = open_store(dir_.file("soc.db"), clock_);
  const PullReport report = pull(*store);
  ASSERT_TRUE(report.error);
  EXPECT_EQ(report.error->code, ErrorCode::kUnauthorized);
  EXPECT_NE(report.error->message.find("splunk-test"), std::string::npos);
  EXPECT_NE(report.error->message.find("call not properly authenticated"), std::string::npos);
  EXPECT_EQ(report.error->message.find(kSecretMarker), std::string::npos);
  EXPECT_TRUE(inbox(*store).empty());
}

TEST_F(SplunkPull, AnErrorInsideTheStreamRefusesThePage) {
  add_notables();
  auto store = open_store(dir_.file("soc.db"), clock_);
  ASSERT_EQ(pull(*store, 1).accepted, 4u);
  const auto cursor = *store->read_cursor("pull:splunk-test");

  Reply failed;
  failed.body =
      R"({"preview":false,"offset":0,"result":)" + notables_[4].result + "}\n" +
      R"({"messages":[{"type":"ERROR","text":"Search process did not exit cleanly, exit_code=255"}]})"
      "\n";
  splunk_.inject(failed);
  PullReport report = pull(*store);
  ASSERT_TRUE(report.error);
  EXPECT_EQ(report.error->code, ErrorCode::kUpstreamError);
  EXPECT_NE(report.error->message.find("exit_code=255"), std::string::npos);
  EXPECT_EQ(*store->read_cursor("pull:splunk-test"), cursor);

  Reply cut;
  cut.body = R"({"preview":false,"offset":0,"result":{"_time":"2026-05-01T10:00:03.000+00:00","ev)";
  splunk_.inject(cut);
  report = pull(*store);
  ASSERT_TRUE(report.error);
  EXPECT_EQ(report.error->code, ErrorCode::kParseError);
  EXPECT_EQ(*store->read_cursor("pull:splunk-test"), cursor);
  EXPECT_EQ(inbox(*store).size(), 4u);

  report = pull(*store);
  ASSERT_FALSE(report.error) << report.error->message;
  EXPECT_EQ(inbox(*store).size(), kOffsets.size());
  EXPECT_EQ(report.duplicates, 0u);
}

TEST_F(SplunkPull, ServiceUnavailableIsRetried) {
  add_notables();
  splunk_.inject(
      json_reply(503, R"({"messages":[{"type":"ERROR","text":"Search head is restarting"}]})"));
  auto store = open_store(dir_.file("soc.db"), clock_);
  const PullReport report = pull(*store);
  ASSERT_FALSE(report.error) << report.error->message;
  EXPECT_EQ(report.accepted, kOffsets.size());
}

}  // namespace
}  // namespace soc::connectors::testing
