// IP address and CIDR parsing into fixed 16-byte keys (inet_pton underneath, no regex).
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

std::optional<IpAddress> parse_ip(std::string_view text) {
  // inet_pton needs a NUL-terminated string; the longest IPv6 text is 45 characters.
  if (text.empty() || text.size() > 45) return std::nullopt;
  char buffer[46];
  std::memcpy(buffer, text.data(), text.size());
  buffer[text.size()] = '\0';
  IpAddress out;
  in_addr v4{};
  if (inet_pton(AF_INET, buffer, &v4) == 1) {
    out.v4 = true;
    out.bytes[10] = 0xff;
    out.bytes[11] = 0xff;
    std::memcpy(out.bytes.data() + 12, &v4, 4);
    return out;
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, buffer, &v6) == 1) {
    std::memcpy(out.bytes.data(), &v6, 16);
    // "::ffff:192.0.2.1" is the IPv4 address, and must meet its dotted spelling in every table.
    static constexpr std::array<std::uint8_t, 12> kMappedPrefix{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    out.v4 = std::memcmp(out.bytes.data(), kMappedPrefix.data(), kMappedPrefix.size()) == 0;
    return out;
  }
  return std::nullopt;
}

std::string canonical_ip(const IpAddress& ip) {
  char buffer[INET6_ADDRSTRLEN] = {};
  if (ip.v4) {
    inet_ntop(AF_INET, ip.bytes.data() + 12, buffer, sizeof buffer);
  } else {
    inet_ntop(AF_INET6, ip.bytes.data(), buffer, sizeof buffer);
  }
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
  auto [end, ec] = std::from_chars(length_text.data(), length_text.data() + length_text.size(), length);
  if (ec != std::errc() || end != length_text.data() + length_text.size()) return std::nullopt;
  const int max_length = ip->v4 ? 32 : 128;
  if (length < 0 || length > max_length) return std::nullopt;
  IpRange range;
  range.prefix = ip->v4 ? length + 96 : length;
  range.network = mask(*ip, range.prefix);
  return range;
}

}  // namespace soc::enrich_detail
