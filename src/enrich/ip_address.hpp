// IP addresses and CIDR ranges as fixed 16-byte keys, and a prefix table for "is it inside?".
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace soc::enrich_detail {

// IPv4 is held as an IPv4-mapped IPv6 address (::ffff:a.b.c.d) so one table serves both families.
struct IpAddress {
  std::array<std::uint8_t, 16> bytes{};
  bool v4 = false;

  bool operator==(const IpAddress&) const = default;
};

struct IpHash {
  std::size_t operator()(const IpAddress& ip) const;
};

std::optional<IpAddress> parse_ip(std::string_view text);
// One spelling per address ("2001:db8::1", never "2001:0db8:0:0::1"), so file names and list
// entries written either way meet.
std::string canonical_ip(const IpAddress& ip);
std::optional<std::string> canonical_ip_text(std::string_view text);

struct IpRange {
  IpAddress network;  // host bits cleared
  int prefix = 0;     // over 128 bits (an IPv4 /24 is stored as /120)
};
// "198.51.100.0/24", "2001:db8::/32"; host bits set in the text are cleared.
std::optional<IpRange> parse_cidr(std::string_view text);
IpAddress mask(const IpAddress& ip, int prefix);

// Ranges grouped by prefix length: a lookup probes one hash map per distinct length in use, so
// its cost does not grow with the number of ranges.
template <class T>
class CidrTable {
 public:
  T& at(const IpRange& range) {
    auto& bucket = by_prefix_[range.prefix];
    if (bucket.empty()) prefixes_.push_back(range.prefix);
    return bucket[range.network];
  }
  template <class Visit>
  void for_each_containing(const IpAddress& ip, Visit visit) const {
    for (int prefix : prefixes_) {
      const auto& bucket = by_prefix_.at(prefix);
      auto it = bucket.find(mask(ip, prefix));
      if (it != bucket.end()) visit(it->second);
    }
  }
  bool empty() const { return prefixes_.empty(); }

 private:
  std::unordered_map<int, std::unordered_map<IpAddress, T, IpHash>> by_prefix_;
  std::vector<int> prefixes_;
};

}  // namespace soc::enrich_detail
