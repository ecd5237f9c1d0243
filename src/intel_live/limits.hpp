// Per-provider request budgets: minute tokens, daily quota, circuit breaker, Retry-After.
//
// All time comes from the injected Clock.
//
// Threading: none of these classes locks; the LiveEnricher holds its provider's lock around them.
#pragma once
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>

#include "core/time.hpp"

namespace soc::live {

// Tokens for "at most N requests per minute": N tokens, each coming back one minute after it was
// spent. A classic refilling bucket of capacity N lets 2N requests through in some 60-second
// window (a full bucket, then the refill); vendors count calls per sliding or calendar minute,
// so a spent token here stays spent for the whole minute, and no 60-second window ever holds
// more than N requests whatever the burst pattern.
class MinuteBudget {
 public:
  explicit MinuteBudget(int per_minute) : per_minute_(per_minute < 1 ? 1 : per_minute) {}
  bool try_take(TimestampMs now);
  // When the next token comes back (now, if one is free).
  TimestampMs next_free(TimestampMs now) const;
  int per_minute() const { return per_minute_; }

 private:
  int per_minute_;
  std::deque<TimestampMs> spent_;  // times of the last per_minute_ requests, oldest first
};

// Requests per UTC day (VirusTotal's and AbuseIPDB's quotas reset at 00:00 UTC). 0: unlimited.
class DailyQuota {
 public:
  explicit DailyQuota(int per_day) : per_day_(per_day) {}
  bool try_take(TimestampMs now);
  int used(TimestampMs now) const { return day_of(now) == day_ ? used_ : 0; }
  int per_day() const { return per_day_; }
  // Restores the count of an earlier run (persisted by the enricher) for day `day`.
  void restore(std::int64_t day, int used);
  std::int64_t day() const { return day_; }
  int count() const { return used_; }  // requests counted for day()
  static std::int64_t day_of(TimestampMs t) { return t >= 0 ? t / kDay : (t - kDay + 1) / kDay; }

 private:
  int per_day_;
  std::int64_t day_ = -1;
  int used_ = 0;
};

// Closed while the provider answers; open for a cool-down after `threshold` consecutive
// failures (or at once on a rejected key); then half-open: one probe decides.
class CircuitBreaker {
 public:
  CircuitBreaker(int threshold, TimestampMs cooldown_ms)
      : threshold_(threshold < 1 ? 1 : threshold), cooldown_ms_(cooldown_ms) {}
  // Whether a request may go now; in half-open state only one probe is let through.
  bool allow(TimestampMs now);
  void record_success();
  void record_failure(TimestampMs now);
  void trip(TimestampMs now);  // open at once (401/403: the key will not start working)
  bool is_open(TimestampMs now) const { return opened_ && now < open_until_; }
  TimestampMs open_until() const { return open_until_; }
  int consecutive_failures() const { return failures_; }

 private:
  int threshold_;
  TimestampMs cooldown_ms_;
  int failures_ = 0;
  bool opened_ = false;
  bool probing_ = false;
  TimestampMs open_until_ = 0;
};

// Retry-After as seconds ("120") or an HTTP date ("Wed, 21 Oct 2015 07:28:00 GMT"), as the
// absolute time it ends; nothing when the header is absent or unreadable.
std::optional<TimestampMs> retry_after_until(std::string_view header, TimestampMs now);

}  // namespace soc::live
