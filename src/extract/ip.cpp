// IP address parsing, canonical formatting and address-class lookup.
#include "extract/ip.hpp"

#include <cstddef>

namespace soc {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool in_prefix(const std::uint8_t* address, const std::uint8_t* prefix, int bits) {
  int full = bits / 8;
  for (int i = 0; i < full; ++i)
    if (address[i] != prefix[i]) return false;
  int rest = bits % 8;
  if (rest == 0) return true;
  auto mask = static_cast<std::uint8_t>(0xFF << (8 - rest));
  return (address[full] & mask) == (prefix[full] & mask);
}

bool v4_in(const Ipv4Bytes& a, std::uint8_t b0, std::uint8_t b1, std::uint8_t b2, int bits) {
  const std::uint8_t prefix[4] = {b0, b1, b2, 0};
  return in_prefix(a.data(), prefix, bits);
}

bool v6_in(const Ipv6Bytes& a, std::initializer_list<std::uint8_t> leading, int bits) {
  std::uint8_t prefix[16] = {};
  std::size_t i = 0;
  for (std::uint8_t b : leading) prefix[i++] = b;
  return in_prefix(a.data(), prefix, bits);
}

Ipv4Bytes embedded_v4(const Ipv6Bytes& a) {
  return {a[12], a[13], a[14], a[15]};
}

}  // namespace

std::string_view to_string(IpClass ip_class) {
  switch (ip_class) {
    case IpClass::kPublic:
      return "public";
    case IpClass::kPrivate:
      return "private";
    case IpClass::kSharedAddress:
      return "shared";
    case IpClass::kLoopback:
      return "loopback";
    case IpClass::kLinkLocal:
      return "link_local";
    case IpClass::kDocumentation:
      return "documentation";
    case IpClass::kMulticast:
      return "multicast";
    case IpClass::kUnspecified:
      return "unspecified";
    case IpClass::kBroadcast:
      return "broadcast";
    case IpClass::kReserved:
      return "reserved";
  }
  return "reserved";
}

bool is_internal(IpClass ip_class) {
  switch (ip_class) {
    case IpClass::kPrivate:
    case IpClass::kSharedAddress:
    case IpClass::kLoopback:
    case IpClass::kLinkLocal:
    case IpClass::kUnspecified:
      return true;
    default:
      return false;
  }
}

std::optional<Ipv4Bytes> parse_ipv4(std::string_view text) {
  Ipv4Bytes out{};
  std::size_t pos = 0;
  for (int octet = 0; octet < 4; ++octet) {
    if (octet > 0) {
      if (pos >= text.size() || text[pos] != '.') return std::nullopt;
      ++pos;
    }
    std::size_t begin = pos;
    unsigned value = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9' && pos - begin < 4) {
      value = value * 10 + static_cast<unsigned>(text[pos] - '0');
      ++pos;
    }
    std::size_t digits = pos - begin;
    if (digits == 0 || digits > 3 || value > 255) return std::nullopt;
    if (digits > 1 && text[begin] == '0' && value > 7) return std::nullopt;  // octal-looking
    out[static_cast<std::size_t>(octet)] = static_cast<std::uint8_t>(value);
  }
  if (pos != text.size()) return std::nullopt;
  return out;
}

std::optional<Ipv6Bytes> parse_ipv6(std::string_view text) {
  if (text.size() < 2 || text.size() > 45) return std::nullopt;
  std::uint16_t groups[8] = {};
  int count = 0;
  int gap_at = -1;  // index in groups where "::" sits
  std::size_t pos = 0;
  if (text.starts_with("::")) {
    gap_at = 0;
    pos = 2;
    if (pos == text.size()) return Ipv6Bytes{};
  } else if (text[0] == ':') {
    return std::nullopt;
  }
  while (pos < text.size()) {
    if (count == 8) return std::nullopt;
    // A dotted quad may only end the address and fills two groups.
    std::size_t next_colon = text.find(':', pos);
    std::string_view piece = text.substr(
        pos, next_colon == std::string_view::npos ? std::string_view::npos : next_colon - pos);
    if (piece.find('.') != std::string_view::npos) {
      if (next_colon != std::string_view::npos || count > 6) return std::nullopt;
      auto v4 = parse_ipv4(piece);
      if (!v4) return std::nullopt;
      groups[count++] = static_cast<std::uint16_t>(((*v4)[0] << 8) | (*v4)[1]);
      groups[count++] = static_cast<std::uint16_t>(((*v4)[2] << 8) | (*v4)[3]);
      pos = text.size();
      break;
    }
    if (piece.empty() || piece.size() > 4) return std::nullopt;
    unsigned value = 0;
    for (char c : piece) {
      int h = hex_value(c);
      if (h < 0) return std::nullopt;
      value = value * 16 + static_cast<unsigned>(h);
    }
    groups[count++] = static_cast<std::uint16_t>(value);
    pos += piece.size();
    if (pos == text.size()) break;
    ++pos;  // the colon
    if (pos < text.size() && text[pos] == ':') {
      if (gap_at >= 0) return std::nullopt;
      gap_at = count;
      ++pos;
    } else if (pos == text.size()) {
      return std::nullopt;  // trailing single colon
    }
  }
  if (gap_at < 0 && count != 8) return std::nullopt;
  if (gap_at >= 0 && count > 7) return std::nullopt;
  std::uint16_t full[8] = {};
  if (gap_at < 0) {
    for (int i = 0; i < 8; ++i) full[i] = groups[i];
  } else {
    int tail = count - gap_at;
    for (int i = 0; i < gap_at; ++i) full[i] = groups[i];
    for (int i = 0; i < tail; ++i) full[8 - tail + i] = groups[gap_at + i];
  }
  Ipv6Bytes out{};
  for (int i = 0; i < 8; ++i) {
    out[static_cast<std::size_t>(2 * i)] = static_cast<std::uint8_t>(full[i] >> 8);
    out[static_cast<std::size_t>(2 * i + 1)] = static_cast<std::uint8_t>(full[i] & 0xFF);
  }
  return out;
}

std::size_t format_ipv4(const Ipv4Bytes& address, char* out) {
  std::size_t size = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    if (i) out[size++] = '.';
    unsigned octet = address[i];
    if (octet >= 100) out[size++] = static_cast<char>('0' + octet / 100);
    if (octet >= 10) out[size++] = static_cast<char>('0' + octet / 10 % 10);
    out[size++] = static_cast<char>('0' + octet % 10);
  }
  return size;
}

std::string format_ipv4(const Ipv4Bytes& address) {
  char out[16];
  return std::string(out, format_ipv4(address, out));
}

std::string format_ipv6(const Ipv6Bytes& address) {
  std::uint16_t g[8];
  for (int i = 0; i < 8; ++i)
    g[i] = static_cast<std::uint16_t>((address[static_cast<std::size_t>(2 * i)] << 8) |
                                      address[static_cast<std::size_t>(2 * i + 1)]);
  bool mapped = g[0] == 0 && g[1] == 0 && g[2] == 0 && g[3] == 0 && g[4] == 0 && g[5] == 0xFFFF;
  int groups = mapped ? 6 : 8;
  int best_start = -1, best_len = 0;
  for (int i = 0; i < groups;) {
    if (g[i] != 0) {
      ++i;
      continue;
    }
    int j = i;
    while (j < groups && g[j] == 0) ++j;
    if (j - i > best_len) {
      best_start = i;
      best_len = j - i;
    }
    i = j;
  }
  if (best_len < 2) best_start = -1;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(41);
  for (int i = 0; i < groups; ++i) {
    if (i == best_start) {
      out += "::";
      i += best_len - 1;
      continue;
    }
    if (!out.empty() && out.back() != ':') out.push_back(':');
    bool started = false;
    for (int shift = 12; shift >= 0; shift -= 4) {
      int nibble = (g[i] >> shift) & 0xF;
      if (nibble || started || shift == 0) {
        out.push_back(kHex[nibble]);
        started = true;
      }
    }
  }
  if (mapped) {
    if (out.back() != ':') out.push_back(':');
    out += format_ipv4(embedded_v4(address));
  }
  return out;
}

IpClass classify_ipv4(const Ipv4Bytes& a) {
  if (a == Ipv4Bytes{0, 0, 0, 0}) return IpClass::kUnspecified;
  if (a == Ipv4Bytes{255, 255, 255, 255}) return IpClass::kBroadcast;
  if (a[0] == 0) return IpClass::kReserved;
  if (a[0] == 10 || v4_in(a, 172, 16, 0, 12) || v4_in(a, 192, 168, 0, 16)) return IpClass::kPrivate;
  if (v4_in(a, 100, 64, 0, 10)) return IpClass::kSharedAddress;
  if (a[0] == 127) return IpClass::kLoopback;
  if (v4_in(a, 169, 254, 0, 16)) return IpClass::kLinkLocal;
  if (v4_in(a, 192, 0, 2, 24) || v4_in(a, 198, 51, 100, 24) || v4_in(a, 203, 0, 113, 24))
    return IpClass::kDocumentation;
  if (v4_in(a, 224, 0, 0, 4)) return IpClass::kMulticast;
  if (v4_in(a, 240, 0, 0, 4)) return IpClass::kReserved;
  if (v4_in(a, 192, 0, 0, 24) || v4_in(a, 198, 18, 0, 15) || v4_in(a, 192, 88, 99, 24))
    return IpClass::kReserved;
  return IpClass::kPublic;
}

IpClass classify_ipv6(const Ipv6Bytes& a) {
  Ipv6Bytes zero{};
  if (a == zero) return IpClass::kUnspecified;
  Ipv6Bytes loopback{};
  loopback[15] = 1;
  if (a == loopback) return IpClass::kLoopback;
  // IPv4-mapped and NAT64 well-known prefix carry an IPv4 address whose class is the answer.
  if (v6_in(a, {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF}, 96))
    return classify_ipv4(embedded_v4(a));
  if (v6_in(a, {0x00, 0x64, 0xFF, 0x9B, 0, 0, 0, 0, 0, 0, 0, 0}, 96))
    return classify_ipv4(embedded_v4(a));
  if (v6_in(a, {0x00, 0x64, 0xFF, 0x9B, 0x00, 0x01}, 48)) return IpClass::kPrivate;
  if (v6_in(a, {0x20, 0x01, 0x0D, 0xB8}, 32) || v6_in(a, {0x3F, 0xFF}, 20))
    return IpClass::kDocumentation;
  if (v6_in(a, {0xFC}, 7)) return IpClass::kPrivate;
  if (v6_in(a, {0xFE, 0x80}, 10)) return IpClass::kLinkLocal;
  if (v6_in(a, {0xFE, 0xC0}, 10)) return IpClass::kPrivate;  // deprecated site-local
  if (v6_in(a, {0xFF}, 8)) return IpClass::kMulticast;
  if (v6_in(a, {0x01, 0x00, 0, 0, 0, 0, 0, 0}, 64)) return IpClass::kReserved;  // discard-only
  if (v6_in(a, {0x20, 0x01, 0x00}, 23)) return IpClass::kReserved;  // IETF protocol assignments
  if (v6_in(a, {0x20}, 3)) return IpClass::kPublic;
  return IpClass::kReserved;
}

IpClass classify_ip(std::string_view normalized) {
  if (auto v4 = parse_ipv4(normalized)) return classify_ipv4(*v4);
  if (auto v6 = parse_ipv6(normalized)) return classify_ipv6(*v6);
  return IpClass::kReserved;
}

}  // namespace soc
