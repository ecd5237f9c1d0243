// RDAP bootstrap registries (RFC 9224): which RDAP server answers for a TLD or an IP block.
//
// Loaded from IANA's dns.json, ipv4.json and ipv6.json (shipped in data/rdap-bootstrap/, refreshed
// from IANA when the network allows). The servers listed there are the only RDAP hosts the egress
// guard lets through, so a domain's RDAP lookup can never be steered to a host of the attacker's
// choosing.
#pragma once
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/result.hpp"
#include "enrich/ip_address.hpp"
#include "intel_live/http.hpp"

namespace soc::live {

class RdapBootstrap {
 public:
  // Reads dns.json, ipv4.json and ipv6.json from `dir`; a missing or malformed file is an error.
  // Servers are taken over TLS; a service listing only http:// URLs is used only when
  // `allow_plain_http` (an operator-supplied registry, whose roots count as configured ones).
  static Result<RdapBootstrap> load(const std::filesystem::path& dir, bool allow_plain_http);
  // Parses one registry body ("dns", "ipv4" or "ipv6" says which table it fills).
  Status add_registry(std::string_view kind, std::string_view body, bool allow_plain_http);

  // Base URL (ending in '/') of the server for a domain (longest matching label suffix) or an IP
  // (longest matching prefix); nothing when the registry names none.
  std::optional<std::string> server_for_domain(std::string_view domain) const;
  std::optional<std::string> server_for_ip(std::string_view ip) const;
  // Every server named, for the egress guard.
  std::vector<std::string> servers() const;
  std::size_t tld_count() const { return by_tld_.size(); }

 private:
  std::unordered_map<std::string, std::string> by_tld_;
  struct Block {
    enrich_detail::IpRange range;
    std::string server;
  };
  std::vector<Block> blocks_;  // a few hundred at most: a scan is cheaper than a table here
};

inline constexpr std::string_view kIanaRdapRoot = "https://data.iana.org/rdap/";

// Fetches dns.json, ipv4.json and ipv6.json from `iana_root` into `into` (written only when each
// parses as a registry), within `deadline`. The caller registers iana_root with the egress guard.
Status refresh_rdap_bootstrap(HttpClient& http, std::string_view iana_root,
                              const std::filesystem::path& into, SteadyTime deadline);

}  // namespace soc::live
