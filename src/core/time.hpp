// Time as milliseconds since the Unix epoch (UTC); RFC 3339 parsing and formatting.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace soc {

using TimestampMs = std::int64_t;

inline constexpr TimestampMs kMinute = 60'000;
inline constexpr TimestampMs kHour = 60 * kMinute;
inline constexpr TimestampMs kDay = 24 * kHour;

// Accepts RFC 3339 / ISO 8601 ("2026-03-02T02:47:00Z", "+01:00" offsets, fractions,
// a space instead of 'T', a date alone) and epoch seconds or milliseconds as digits.
std::optional<TimestampMs> parse_time(std::string_view text);
std::string format_time(TimestampMs t);  // "2026-03-02T02:47:00Z" (ms shown only if non-zero)
int hour_of_day_utc(TimestampMs t);

// Injected wall clock: used only for when something was recorded, never for decisions.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimestampMs now() const = 0;
};
class SystemClock final : public Clock {
 public:
  TimestampMs now() const override;
};
class FixedClock final : public Clock {
 public:
  explicit FixedClock(TimestampMs t) : t_(t) {}
  TimestampMs now() const override { return t_; }

 private:
  TimestampMs t_;
};

}  // namespace soc
