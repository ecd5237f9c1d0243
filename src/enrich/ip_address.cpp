// IP address and CIDR parsing into fixed 16-byte keys (hand-written IPv4, inet_pton for IPv6).
#include "enrich/ip_address.hpp"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>

namespace soc::enrich_detail {

std::size_t IpHash::operator()(const IpAddress& ip) const {
  std::uint64_t high = 0;
  std::uint64_t low = 0;
  std::memcpy(&high, ip.bytes.data(), 8);
  std::memcpy(&low, ip.bytes.data() + 8, 8);
  return static_cast<std::size_t>(high * 0x9E3779B97F4A7C15ULL ^ (low + (low >> 29)));
}

namespace {

// Strict dotted quad, the same language as inet_pton(AF_INET): four decimal octets, no leading
// zeros (so "010" is never read as octal by one tool and decimal by another), nothing else.
std::optional<IpAddress> parse_dotted_quad(std::string_view text) {
  IpAddress out;
  out.v4 = true;
  out.bytes[10] = 0xff;
  out.bytes[11] = 0xff;
  std::size_t pos = 0;
  for (std::size_t octet = 0; octet < 4; ++octet) {
    if (octet > 0) {
      if (pos >= text.size() || text[pos] != '.') return std::nullopt;
      ++pos;
    }
    const std::size_t start = pos;
    unsigned value = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9' && pos - start < 3) {
      value = value * 10 + static_cast<unsigned>(text[pos] - '0');
      ++pos;
    }
    const std::size_t digits = pos - start;
    if (digits == 0 || value > 255 || (digits > 1 && text[start] == '0')) return std::nullopt;
    out.bytes[12 + octet] = static_cast<std::uint8_t>(value);
  }
  if (pos != text.size()) return std::nullopt;
  return out;
}

}  // namespace

std::optional<IpAddress> parse_ip(std::string_view text) {
  // inet_pton needs a NUL-terminated string; the longest IPv6 text is 45 characters.
  if (text.empty() || text.size() > 45) return std::nullopt;
  if (text.find(':') == std::string_view::npos) return parse_dotted_quad(text);
  char buffer[46];
  std::memcpy(buffer, text.data(), text.size());
  buffer[text.size()] = '\0';
  IpAddress out;
  in6_addr v6{};
  if (inet_pton(AF_INET6, buffer, &v6) == 1) {
    std::memcpy(out.bytes.data(), &v6, 16);
    // "::ffff:192.0.2.1" is the IPv4 address, and must meet its dotted spelling in every table.
    static constexpr std::array<std::uint8_t, 12> kMappedPrefix{0, 0, 0, 0, 0,    0,
                                                                0, 0, 0, 0, 0xff, 0xff};
    out.v4 = std::memcmp(out.bytes.data(), kMappedPrefix.data(), kMappedPrefix.size()) == 0;
    return out;
  }
  return std::nullopt;
}

std::string canonical_ip(const IpAddress& ip) {
  if (ip.v4) {
    // Formatted by hand: glibc's inet_ntop goes through sprintf, and IPv4 is the hot case.
    char text[16];
    std::size_t length = 0;
    for (std::size_t i = 12; i < 16; ++i) {
      if (i > 12) text[length++] = '.';
      const unsigned octet = ip.bytes[i];
      if (octet >= 100) text[length++] = static_cast<char>('0' + octet / 100);
      if (octet >= 10) text[length++] = static_cast<char>('0' + octet / 10 % 10);
      text[length++] = static_cast<char>('0' + octet % 10);
    }
    return std::string(text, length);
  }
  char buffer[INET6_ADDRSTRLEN] = {};
  inet_ntop(AF_INET6, ip.bytes.data(), buffer, sizeof buffer);
  return buffer;
}

std::optional<std::string> canonical_ip_text(std::string_view text) {
  auto ip = parse_ip(text);
  if (!ip) return std::nullopt;
  return canonical_ip(*ip);
}

IpAddress mask(const IpAddress& ip, int prefix) {
  IpAddress out = ip;
  for (int i = 0; i < 16; ++i) {
    const int keep = prefix - i * 8;
    if (keep >= 8) continue;
    out.bytes[static_cast<std::size_t>(i)] &=
        keep <= 0 ? 0 : static_cast<std::uint8_t>(0xff << (8 - keep));
  }
  return out;
}

std::optional<IpRange> parse_cidr(std::string_view text) {
  const auto slash = text.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  auto ip = parse_ip(text.substr(0, slash));
  if (!ip) return std::nullopt;
  const std::string_view length_text = text.substr(slash + 1);
  int length = -1;
  auto [end, ec] =
      std::from_chars(length_text.data(), length_text.data() + length_text.size(), length);
  if (ec != std::errc() || end != length_text.data() + length_text.size()) return std::nullopt;
  const int max_length = ip->v4 ? 32 : 128;
  if (length < 0 || length > max_length) return std::nullopt;
  IpRange range;
  range.prefix = ip->v4 ? length + 96 : length;
  range.network = mask(*ip, range.prefix);
  return range;
}

}  // namespace soc::enrich_detail
