// Request budgets (minute tokens, daily quota, circuit breaker), Retry-After and key handling.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <random>

#include "intel_live/limits.hpp"
#include "intel_live/secret.hpp"
#include "support.hpp"

namespace soc::live {
namespace {

TEST(MinuteBudget, NeverMoreThanTheRateInAnySixtySecondWindow) {
  MinuteBudget budget(4);
  std::mt19937 random(7);
  std::vector<TimestampMs> granted;
  TimestampMs now = 0;
  for (int i = 0; i < 5000; ++i) {
    now += static_cast<TimestampMs>(random() % 9000);  // bursts and lulls
    if (budget.try_take(now)) granted.push_back(now);
  }
  ASSERT_GT(granted.size(), 100u);
  for (std::size_t i = 4; i < granted.size(); ++i)
    EXPECT_GE(granted[i] - granted[i - 4], kMinute) << "5 requests within a minute at " << i;
}

TEST(MinuteBudget, BurstUpToTheRateThenTheOldestTokenComesBackAfterAMinute) {
  MinuteBudget budget(3);
  EXPECT_TRUE(budget.try_take(1000));
  EXPECT_TRUE(budget.try_take(1000));
  EXPECT_TRUE(budget.try_take(2000));
  EXPECT_FALSE(budget.try_take(30'000));
  EXPECT_EQ(budget.next_free(30'000), 61'000);
  EXPECT_FALSE(budget.try_take(60'999));
  EXPECT_TRUE(budget.try_take(61'000));  // both tokens spent at 1 s are back
  EXPECT_TRUE(budget.try_take(61'000));
  EXPECT_FALSE(budget.try_take(61'999));
  EXPECT_TRUE(budget.try_take(62'000));
}

TEST(DailyQuota, CountsPerUtcDayAndResetsAtMidnight) {
  DailyQuota quota(2);
  const TimestampMs day = 20'000 * kDay;
  EXPECT_TRUE(quota.try_take(day + kHour));
  EXPECT_TRUE(quota.try_take(day + 2 * kHour));
  EXPECT_FALSE(quota.try_take(day + kDay - 1));
  EXPECT_EQ(quota.used(day + 3 * kHour), 2);
  EXPECT_TRUE(quota.try_take(day + kDay));  // 00:00 UTC: a new day
  EXPECT_EQ(quota.used(day + kDay), 1);
}

TEST(DailyQuota, ZeroMeansUnlimited) {
  DailyQuota quota(0);
  for (int i = 0; i < 10'000; ++i) ASSERT_TRUE(quota.try_take(i));
}

TEST(CircuitBreaker, OpensAfterConsecutiveFailuresThenOneProbeDecides) {
  CircuitBreaker breaker(3, 10'000);
  EXPECT_TRUE(breaker.allow(0));
  breaker.record_failure(0);
  breaker.record_failure(0);
  breaker.record_success();  // resets the streak
  breaker.record_failure(1);
  breaker.record_failure(1);
  EXPECT_TRUE(breaker.allow(1));
  breaker.record_failure(1);
  EXPECT_TRUE(breaker.is_open(2));
  EXPECT_FALSE(breaker.allow(9'999));
  EXPECT_TRUE(breaker.allow(10'001));   // half-open: one probe
  EXPECT_FALSE(breaker.allow(10'002));  // and only one
  breaker.record_failure(10'100);       // the probe failed: open again for a full cool-down
  EXPECT_FALSE(breaker.allow(20'000));
  EXPECT_TRUE(breaker.allow(20'101));
  breaker.record_success();
  EXPECT_TRUE(breaker.allow(20'102));
  EXPECT_TRUE(breaker.allow(20'103));
}

TEST(CircuitBreaker, TripOpensAtOnce) {
  CircuitBreaker breaker(5, 1000);
  breaker.trip(100);
  EXPECT_FALSE(breaker.allow(500));
  EXPECT_TRUE(breaker.allow(1100));
}

TEST(RetryAfter, SecondsAndHttpDates) {
  EXPECT_EQ(retry_after_until("120", 1000), 121'000);
  EXPECT_EQ(retry_after_until(" 0 ", 1000), 1000);
  // RFC 9110's example date: 1994-11-06T08:49:37Z is 784111777 seconds after the epoch.
  EXPECT_EQ(retry_after_until("Sun, 06 Nov 1994 08:49:37 GMT", 0), 784'111'777'000);
  EXPECT_EQ(retry_after_until("Thu, 01 Jan 1970 00:01:00 GMT", 0), 60'000);
  EXPECT_FALSE(retry_after_until("", 0));
  EXPECT_FALSE(retry_after_until("-5", 0));
  EXPECT_FALSE(retry_after_until("soon", 0));
  EXPECT_FALSE(retry_after_until("Sun, 06 Nov 1994 08:49:37 PST", 0));
  EXPECT_FALSE(retry_after_until("Sun, 32 Nov 1994 08:49:37 GMT", 0));
}

TEST(Secret, ScrubsRawAndPercentEncodedForms) {
  const Secret key("ab c/d+e");
  EXPECT_EQ(key.scrub("x ab c/d+e y"), "x [redacted] y");
  EXPECT_EQ(key.scrub("GET /h?key=ab%20c%2Fd%2Be"), "GET /h?key=[redacted]");
  EXPECT_EQ(key.scrub("twice ab c/d+eab c/d+e"), "twice [redacted][redacted]");
  EXPECT_EQ(Secret().scrub("nothing to hide"), "nothing to hide");
}

TEST(LoadApiKey, FromTheEnvironmentOrAFileAndErrorsNameTheSourceNotTheValue) {
  ::setenv("SOC_INTEL_LIVE_TEST_KEY", "  TEST-KEY-7f3a9c-env  ", 1);
  auto from_env = load_api_key("SOC_INTEL_LIVE_TEST_KEY", "");
  ASSERT_TRUE(from_env);
  EXPECT_EQ(from_env->reveal(), "TEST-KEY-7f3a9c-env");

  // Outside the suite root: this file is where a key legitimately lives.
  const auto dir = std::filesystem::temp_directory_path() /
                   ("soc-intel-live-keyfile-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  {
    std::ofstream out(dir / "key.txt");
    out << "TEST-KEY-7f3a9c-file\nsecond line ignored\n";
  }
  auto from_file = load_api_key("", (dir / "key.txt").string());
  ASSERT_TRUE(from_file);
  EXPECT_EQ(from_file->reveal(), "TEST-KEY-7f3a9c-file");
  std::filesystem::remove_all(dir);

  ::unsetenv("SOC_INTEL_LIVE_UNSET_KEY");
  auto missing = load_api_key("SOC_INTEL_LIVE_UNSET_KEY", "");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kConfigError);
  EXPECT_NE(missing.error().message.find("SOC_INTEL_LIVE_UNSET_KEY"), std::string::npos);

  ::setenv("SOC_INTEL_LIVE_BAD_KEY", "TEST-KEY-7f3a9c\r\nX-Injected: 1", 1);
  auto injected = load_api_key("SOC_INTEL_LIVE_BAD_KEY", "");
  ASSERT_FALSE(injected);
  EXPECT_EQ(injected.error().message.find("TEST-KEY"), std::string::npos);
  ::unsetenv("SOC_INTEL_LIVE_BAD_KEY");
  ::unsetenv("SOC_INTEL_LIVE_TEST_KEY");
}

}  // namespace
}  // namespace soc::live
