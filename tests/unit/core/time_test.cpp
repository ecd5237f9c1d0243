// RFC 3339 / epoch parsing, formatting round trips and hour-of-day arithmetic.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <ctime>

#include <optional>
#include <string>

#include "core/time.hpp"

namespace soc {
namespace {

constexpr TimestampMs kScenario = 1772419620000;  // 2026-03-02T02:47:00Z

TEST(ParseTime, Rfc3339WithZulu) {
  EXPECT_EQ(parse_time("2026-03-02T02:47:00Z"), kScenario);
  EXPECT_EQ(parse_time("2026-03-02t02:47:00z"), kScenario);
  EXPECT_EQ(parse_time("1970-01-01T00:00:00Z"), 0);
}

TEST(ParseTime, WithoutZoneIsUtc) {
  EXPECT_EQ(parse_time("2026-03-02T02:47:00"), kScenario);
  EXPECT_EQ(parse_time("2026-03-02T02:47"), kScenario);
}

TEST(ParseTime, PositiveAndNegativeOffsets) {
  EXPECT_EQ(parse_time("2026-03-02T03:47:00+01:00"), kScenario);
  EXPECT_EQ(parse_time("2026-03-02T03:47:00+0100"), kScenario);
  EXPECT_EQ(parse_time("2026-03-02T03:47:00+01"), kScenario);
  EXPECT_EQ(parse_time("2026-03-01T21:17:00-0530"), kScenario);
  EXPECT_EQ(parse_time("2026-03-01T21:17:00-05:30"), kScenario);
  EXPECT_EQ(parse_time("2026-03-02T02:47:00+00:00"), kScenario);
  EXPECT_EQ(parse_time("2026-03-02T02:47:00-00:00"), kScenario);
  // Crossing a year boundary through the offset.
  EXPECT_EQ(parse_time("2026-01-01T00:30:00+01:00"), parse_time("2025-12-31T23:30:00Z"));
}

TEST(ParseTime, FractionsKeepMillisecondsAndTruncateTheRest) {
  EXPECT_EQ(parse_time("2026-03-02T02:47:00.123Z"), kScenario + 123);
  EXPECT_EQ(parse_time("2026-03-02T02:47:00.1Z"), kScenario + 100);
  EXPECT_EQ(parse_time("2026-03-02T02:47:00.12Z"), kScenario + 120);
  EXPECT_EQ(parse_time("2026-03-02T02:47:00.123456789Z"), kScenario + 123);
  EXPECT_EQ(parse_time("2026-03-02T02:47:00,5Z"), kScenario + 500);
  EXPECT_EQ(parse_time("2026-03-02T03:47:00.250+01:00"), kScenario + 250);
  EXPECT_EQ(parse_time("2026-03-02T02:47:00.000Z"), kScenario);
}

TEST(ParseTime, SpaceSeparatorAndSurroundingQuotes) {
  EXPECT_EQ(parse_time("2026-03-02 02:47:00"), kScenario);
  EXPECT_EQ(parse_time("2026-03-02 02:47:00Z"), kScenario);
  EXPECT_EQ(parse_time("  2026-03-02T02:47:00Z  "), kScenario);
  EXPECT_EQ(parse_time("\"2026-03-02T02:47:00Z\""), kScenario);
}

TEST(ParseTime, DateAloneIsMidnightUtc) {
  EXPECT_EQ(parse_time("2026-03-02"), 1772409600000);
  EXPECT_EQ(parse_time("2024-02-29"), parse_time("2024-02-29T00:00:00Z"));
  EXPECT_EQ(parse_time("2000-02-29"), 951782400000);
}

TEST(ParseTime, EpochSecondsAndMilliseconds) {
  EXPECT_EQ(parse_time("1772419620"), kScenario);     // 10 digits: seconds
  EXPECT_EQ(parse_time("1772419620000"), kScenario);  // 13 digits: milliseconds
  EXPECT_EQ(parse_time("1772419620123"), kScenario + 123);
  EXPECT_EQ(parse_time("0"), 0);
  EXPECT_EQ(parse_time("60"), 60'000);
  EXPECT_EQ(parse_time("99999999999"), 99'999'999'999'000);  // 11 digits: still seconds
  EXPECT_EQ(parse_time("100000000000"), 100'000'000'000);    // 12 digits: milliseconds
  EXPECT_EQ(parse_time("1234567890123456"), std::nullopt);   // 16 digits: nonsense
}

TEST(ParseTime, PreEpochDates) {
  EXPECT_EQ(parse_time("1969-12-31T23:59:59.999Z"), -1);
  EXPECT_EQ(parse_time("1900-01-01T00:00:00Z"), -2208988800000);
  EXPECT_EQ(parse_time("1601-01-01"), -11644473600000);
}

TEST(ParseTime, LeapDays) {
  EXPECT_EQ(parse_time("2024-02-29T12:00:00Z"), 1709208000000);
  EXPECT_EQ(*parse_time("2024-03-01") - *parse_time("2024-02-28"), 2 * kDay);
  EXPECT_EQ(*parse_time("2023-03-01") - *parse_time("2023-02-28"), kDay);
  EXPECT_EQ(*parse_time("2100-03-01") - *parse_time("2100-02-28"), kDay);  // not a leap year
}

TEST(ParseTime, RejectsOutOfRangeFields) {
  EXPECT_EQ(parse_time("2026-13-01T00:00:00Z"), std::nullopt);
  EXPECT_EQ(parse_time("2026-00-01T00:00:00Z"), std::nullopt);
  EXPECT_EQ(parse_time("2026-03-00T00:00:00Z"), std::nullopt);
  EXPECT_EQ(parse_time("2026-03-32T00:00:00Z"), std::nullopt);
  EXPECT_EQ(parse_time("2026-03-02T25:00:00Z"), std::nullopt);
  EXPECT_EQ(parse_time("2026-03-02T24:00:00Z"), std::nullopt);
  EXPECT_EQ(parse_time("2026-03-02T02:60:00Z"), std::nullopt);
  EXPECT_EQ(parse_time("2026-03-02T02:47:61Z"), std::nullopt);
}

TEST(ParseTime, RejectsDaysBeyondTheEndOfTheMonth) {
  // Day 30 of February must not silently become 2 March.
  EXPECT_EQ(parse_time("2026-02-30T00:00:00Z"), std::nullopt);
  EXPECT_EQ(parse_time("2026-02-29"), std::nullopt);  // 2026 is not a leap year
  EXPECT_EQ(parse_time("2026-04-31"), std::nullopt);
}

TEST(ParseTime, RejectsTrailingJunkAndMalformedText) {
  EXPECT_EQ(parse_time("2026-03-02T02:47:00Zjunk"), std::nullopt);
  EXPECT_EQ(parse_time("2026-03-02T02:47:00+01:00junk"), std::nullopt);
  EXPECT_EQ(parse_time("2026-03-02T02:47:00 UTC"), std::nullopt);
  EXPECT_EQ(parse_time("2026-03-02junk"), std::nullopt);
  EXPECT_EQ(parse_time("2026-03-02T"), std::nullopt);
  EXPECT_EQ(parse_time("2026-03-02T02"), std::nullopt);
  EXPECT_EQ(parse_time("2026-03-02T02:47:00."), std::nullopt);
  EXPECT_EQ(parse_time("2026-03-02T02:47:00+1"), std::nullopt);
  EXPECT_EQ(parse_time("2026-03-02T02:47:00+01:0"), std::nullopt);
  EXPECT_EQ(parse_time("2026-3-2"), std::nullopt);
  EXPECT_EQ(parse_time("26-03-02"), std::nullopt);
  EXPECT_EQ(parse_time("2026/03/02"), std::nullopt);
  EXPECT_EQ(parse_time("Mon, 02 Mar 2026 02:47:00 GMT"), std::nullopt);
  EXPECT_EQ(parse_time("-1772419620"), std::nullopt);
  EXPECT_EQ(parse_time("1772419620.5"), std::nullopt);
  EXPECT_EQ(parse_time(""), std::nullopt);
  EXPECT_EQ(parse_time("   "), std::nullopt);
  EXPECT_EQ(parse_time("\"\""), std::nullopt);
  EXPECT_EQ(parse_time("now"), std::nullopt);
}

TEST(FormatTime, WholeSecondsHaveNoFraction) {
  EXPECT_EQ(format_time(kScenario), "2026-03-02T02:47:00Z");
  EXPECT_EQ(format_time(0), "1970-01-01T00:00:00Z");
}

TEST(FormatTime, MillisecondsShownWhenNonZero) {
  EXPECT_EQ(format_time(kScenario + 5), "2026-03-02T02:47:00.005Z");
  EXPECT_EQ(format_time(kScenario + 123), "2026-03-02T02:47:00.123Z");
  EXPECT_EQ(format_time(kScenario + 999), "2026-03-02T02:47:00.999Z");
}

TEST(FormatTime, NegativeTimesBeforeTheEpoch) {
  EXPECT_EQ(format_time(-1), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(format_time(-1000), "1969-12-31T23:59:59Z");
  EXPECT_EQ(format_time(-kDay), "1969-12-31T00:00:00Z");
  EXPECT_EQ(format_time(-kDay - 1), "1969-12-30T23:59:59.999Z");
  EXPECT_EQ(format_time(-2208988800000), "1900-01-01T00:00:00Z");
}

TEST(FormatTime, RoundTripsThroughParse) {
  for (TimestampMs t : {TimestampMs{0}, TimestampMs{-1}, TimestampMs{-999}, TimestampMs{-1000},
                        TimestampMs{-1001}, kScenario, kScenario + 1, kScenario + 999,
                        TimestampMs{951782400000}, TimestampMs{1709208000000},
                        TimestampMs{-11644473600000}, TimestampMs{-2208988800000 + 86399999},
                        TimestampMs{4102444799999} /* 2099-12-31T23:59:59.999Z */}) {
    const std::string text = format_time(t);
    EXPECT_EQ(parse_time(text), t) << text;
  }
  for (std::string text : {"2026-03-02T02:47:00Z", "1969-07-20T20:17:40Z",
                           "2024-02-29T23:59:59.999Z", "1800-03-01T00:00:00.001Z"}) {
    auto parsed = parse_time(text);
    ASSERT_TRUE(parsed) << text;
    EXPECT_EQ(format_time(*parsed), text);
  }
}

TEST(HourOfDayUtc, PositiveAndNegativeTimes) {
  EXPECT_EQ(hour_of_day_utc(kScenario), 2);
  EXPECT_EQ(hour_of_day_utc(0), 0);
  EXPECT_EQ(hour_of_day_utc(kHour - 1), 0);
  EXPECT_EQ(hour_of_day_utc(kHour), 1);
  EXPECT_EQ(hour_of_day_utc(23 * kHour + 59 * kMinute), 23);
  EXPECT_EQ(hour_of_day_utc(kDay), 0);
  EXPECT_EQ(hour_of_day_utc(-1), 23);
  EXPECT_EQ(hour_of_day_utc(-kHour), 23);
  EXPECT_EQ(hour_of_day_utc(-kHour - 1), 22);
  EXPECT_EQ(hour_of_day_utc(-kDay), 0);
  EXPECT_EQ(hour_of_day_utc(*parse_time("2026-03-12T22:15:13+01:00")), 21);
}

TEST(Clock, FixedClockReturnsItsTimeAndSystemClockIsRecent) {
  const FixedClock fixed(kScenario);
  const Clock& clock = fixed;
  EXPECT_EQ(clock.now(), kScenario);
  const TimestampMs now = SystemClock().now();
  EXPECT_GT(now, *parse_time("2024-01-01"));
  EXPECT_LT(now, *parse_time("2200-01-01"));
}

TEST(ParseTime, RejectsOutOfRangeOffsets) {
  // RFC 3339 time-numoffset: hours 00-23, minutes 00-59.
  EXPECT_EQ(parse_time("2026-03-02T02:47:00+24:00"), std::nullopt);
  EXPECT_EQ(parse_time("2026-03-02T02:47:00+99:00"), std::nullopt);
  EXPECT_EQ(parse_time("2026-03-02T02:47:00-01:60"), std::nullopt);
  EXPECT_EQ(parse_time("2026-03-02T16:47:00+14:00"), kScenario);  // Kiribati is real
}

}  // namespace
}  // namespace soc

namespace soc {
namespace {

// Against the C library's calendar, over 200,000 instants from 1900 to 2200.
TEST(FormatTime, MatchesGmtimeEverywhere) {
  std::uint64_t state = 0x9E3779B97F4A7C15ull;
  for (int i = 0; i < 200000; ++i) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    const TimestampMs t = -2208988800000 + static_cast<TimestampMs>(state % 9467107200000ull);
    const std::time_t secs = static_cast<std::time_t>(t >= 0 ? t / 1000 : (t - 999) / 1000);
    const int ms = static_cast<int>(t - static_cast<TimestampMs>(secs) * 1000);
    std::tm parts{};
    gmtime_r(&secs, &parts);
    char expected[96];
    if (ms == 0) {
      std::snprintf(expected, sizeof expected, "%04d-%02d-%02dT%02d:%02d:%02dZ",
                    parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday, parts.tm_hour,
                    parts.tm_min, parts.tm_sec);
    } else {
      std::snprintf(expected, sizeof expected, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
                    parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday, parts.tm_hour,
                    parts.tm_min, parts.tm_sec, ms);
    }
    ASSERT_EQ(format_time(t), expected) << t;
  }
}

}  // namespace
}  // namespace soc
