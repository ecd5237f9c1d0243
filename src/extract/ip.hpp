// IP address parsing, canonical formatting (RFC 5952 for IPv6) and address-class lookup.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace soc {

// What kind of network an address belongs to (IANA special-purpose registries). Documentation
// ranges are kept apart from reserved ones because examples and tests use them as if public.
enum class IpClass : std::uint8_t {
  kPublic,
  kPrivate,        // RFC 1918, IPv6 unique local (fc00::/7), NAT64 local-use
  kSharedAddress,  // 100.64.0.0/10, carrier-grade NAT (RFC 6598)
  kLoopback,
  kLinkLocal,
  kDocumentation,  // 192.0.2/24, 198.51.100/24, 203.0.113/24, 2001:db8::/32, 3fff::/20
  kMulticast,
  kUnspecified,  // 0.0.0.0, ::
  kBroadcast,    // 255.255.255.255
  kReserved,     // everything else IANA sets aside (0/8, 240/4, benchmarking, ...)
};

std::string_view to_string(IpClass ip_class);

// True for classes that never leave an organisation's own network (private, shared, loopback,
// link-local, unspecified): the context stage reads them as "internal".
bool is_internal(IpClass ip_class);

using Ipv4Bytes = std::array<std::uint8_t, 4>;
using Ipv6Bytes = std::array<std::uint8_t, 16>;

// Dotted-quad with decimal octets. An octet with a leading zero is accepted only when its octal
// and decimal readings agree (0-7), because inet_aton() reads "010" as 8: such text is ambiguous.
std::optional<Ipv4Bytes> parse_ipv4(std::string_view text);
// Any RFC 4291 text form ("::", embedded dotted quad); no zone id, no brackets.
std::optional<Ipv6Bytes> parse_ipv6(std::string_view text);

std::string format_ipv4(const Ipv4Bytes& address);
// The same into `out` (room for 15 bytes), without allocating; returns the length written.
std::size_t format_ipv4(const Ipv4Bytes& address, char* out);
// RFC 5952: lower case, no leading zeros, the longest run of two or more zero groups as "::",
// IPv4-mapped addresses (::ffff:0:0/96) in mixed notation.
std::string format_ipv6(const Ipv6Bytes& address);

IpClass classify_ipv4(const Ipv4Bytes& address);
IpClass classify_ipv6(const Ipv6Bytes& address);
// Accepts IPv4 or IPv6 text as the extractor writes it; anything unparsable is kReserved.
IpClass classify_ip(std::string_view normalized);

}  // namespace soc
