// Minute budget, daily quota, circuit breaker and Retry-After parsing.
#include "intel_live/limits.hpp"

#include <array>
#include <charconv>

#include "core/strings.hpp"

namespace soc::live {
namespace {

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's civil algorithm).
std::int64_t days_from_civil(std::int64_t year, unsigned month, unsigned day) {
  year -= month <= 2 ? 1 : 0;
  const std::int64_t era = (year >= 0 ? year : year - 399) / 400;
  const auto year_of_era = static_cast<unsigned>(year - era * 400);
  const unsigned day_of_year = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  const unsigned day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + static_cast<std::int64_t>(day_of_era) - 719468;
}

std::optional<int> number(std::string_view text) {
  int value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// IMF-fixdate (RFC 9110 section 5.6.7): "Sun, 06 Nov 1994 08:49:37 GMT".
std::optional<TimestampMs> parse_http_date(std::string_view text) {
  static constexpr std::array<std::string_view, 12> kMonths{
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const auto comma = text.find(',');
  if (comma == std::string_view::npos) return std::nullopt;
  const auto parts = split(text.substr(comma + 1), ' ');
  if (parts.size() != 5 || parts[4] != "GMT") return std::nullopt;
  auto day = number(parts[0]);
  auto year = number(parts[2]);
  unsigned month = 0;
  for (unsigned m = 0; m < kMonths.size(); ++m)
    if (parts[1] == kMonths[m]) month = m + 1;
  const auto clock = split(parts[3], ':');
  if (!day || !year || month == 0 || clock.size() != 3) return std::nullopt;
  auto hour = number(clock[0]);
  auto minute = number(clock[1]);
  auto second = number(clock[2]);
  if (!hour || !minute || !second || *day < 1 || *day > 31 || *hour > 23 || *minute > 59 ||
      *second > 60)
    return std::nullopt;
  const std::int64_t days = days_from_civil(*year, month, static_cast<unsigned>(*day));
  return ((days * 24 + *hour) * 60 + *minute) * 60'000 + std::int64_t{*second} * 1000;
}

}  // namespace

bool MinuteBudget::try_take(TimestampMs now) {
  if (next_free(now) > now) return false;
  if (static_cast<int>(spent_.size()) == per_minute_) spent_.pop_front();
  spent_.push_back(now);
  return true;
}

TimestampMs MinuteBudget::next_free(TimestampMs now) const {
  if (static_cast<int>(spent_.size()) < per_minute_) return now;
  return std::max(now, spent_.front() + kMinute);
}

bool DailyQuota::try_take(TimestampMs now) {
  const std::int64_t today = day_of(now);
  if (today != day_) {
    day_ = today;
    used_ = 0;
  }
  if (per_day_ > 0 && used_ >= per_day_) return false;
  ++used_;
  return true;
}

void DailyQuota::restore(std::int64_t day, int used) {
  day_ = day;
  used_ = used < 0 ? 0 : used;
}

bool CircuitBreaker::allow(TimestampMs now) {
  if (!opened_) return true;
  if (now < open_until_) return false;
  if (probing_) return false;  // one probe at a time decides whether it closes again
  probing_ = true;
  return true;
}

void CircuitBreaker::record_success() {
  failures_ = 0;
  opened_ = false;
  probing_ = false;
}

void CircuitBreaker::record_failure(TimestampMs now) {
  ++failures_;
  if (probing_ || failures_ >= threshold_) trip(now);
}

void CircuitBreaker::trip(TimestampMs now) {
  opened_ = true;
  probing_ = false;
  open_until_ = now + cooldown_ms_;
}

std::optional<TimestampMs> retry_after_until(std::string_view header, TimestampMs now) {
  header = trim(header);
  if (header.empty()) return std::nullopt;
  if (auto seconds = number(header)) {
    if (*seconds < 0) return std::nullopt;
    return now + std::int64_t{*seconds} * 1000;
  }
  return parse_http_date(header);
}

}  // namespace soc::live
