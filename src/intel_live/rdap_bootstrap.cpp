// Loading, querying and refreshing the IANA RDAP bootstrap registries.
#include "intel_live/rdap_bootstrap.hpp"

#include <array>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/strings.hpp"
#include "intel_live/intel_cache.hpp"

namespace soc::live {
namespace {

constexpr std::array<std::string_view, 3> kRegistries{"dns", "ipv4", "ipv6"};

// RFC 9224 lists a service's URLs in order of preference; TLS ones are taken first.
std::optional<std::string> preferred_url(const nlohmann::json& urls, bool allow_plain_http) {
  std::optional<std::string> plain;
  for (const auto& url : urls) {
    if (!url.is_string()) continue;
    std::string text = url.get<std::string>();
    if (text.empty()) continue;
    if (text.back() != '/') text.push_back('/');
    if (starts_with_icase(text, "https://")) return text;
    if (allow_plain_http && starts_with_icase(text, "http://") && !plain) plain = std::move(text);
  }
  return plain;
}

}  // namespace

Status RdapBootstrap::add_registry(std::string_view kind, std::string_view body,
                                   bool allow_plain_http) {
  nlohmann::json root;
  try {
    root = nlohmann::json::parse(body);
  } catch (const nlohmann::json::exception&) {
    return fail(ErrorCode::kParseError, fmt::format("rdap bootstrap {}: not JSON", kind));
  }
  if (!root.is_object() || !root.contains("services") || !root["services"].is_array())
    return fail(ErrorCode::kParseError, fmt::format("rdap bootstrap {}: no services", kind));
  for (const auto& service : root["services"]) {
    if (!service.is_array() || service.size() < 2 || !service[0].is_array() ||
        !service[1].is_array())
      continue;
    auto server = preferred_url(service[1], allow_plain_http);
    if (!server) continue;
    for (const auto& entry : service[0]) {
      if (!entry.is_string()) continue;
      const std::string text = entry.get<std::string>();
      if (kind == "dns") {
        by_tld_[to_lower(text)] = *server;
      } else if (auto range = enrich_detail::parse_cidr(text)) {
        blocks_.push_back(Block{*range, *server});
      }
    }
  }
  return {};
}

Result<RdapBootstrap> RdapBootstrap::load(const std::filesystem::path& dir, bool allow_plain_http) {
  RdapBootstrap out;
  for (std::string_view kind : kRegistries) {
    const auto path = dir / fmt::format("{}.json", kind);
    auto body = IntelCache::read_file(path);
    if (!body) return fail(ErrorCode::kIoError, "cannot read the RDAP bootstrap " + path.string());
    if (auto added = out.add_registry(kind, *body, allow_plain_http); !added)
      return std::unexpected(added.error());
  }
  return out;
}

std::optional<std::string> RdapBootstrap::server_for_domain(std::string_view domain) const {
  std::string name = to_lower(trim(domain));
  if (!name.empty() && name.back() == '.') name.pop_back();
  std::string_view rest = name;
  while (!rest.empty()) {
    if (auto it = by_tld_.find(std::string(rest)); it != by_tld_.end()) return it->second;
    const auto dot = rest.find('.');
    if (dot == std::string_view::npos) break;
    rest.remove_prefix(dot + 1);
  }
  return std::nullopt;
}

std::optional<std::string> RdapBootstrap::server_for_ip(std::string_view ip) const {
  auto address = enrich_detail::parse_ip(trim(ip));
  if (!address) return std::nullopt;
  const Block* best = nullptr;
  for (const Block& block : blocks_) {
    if (enrich_detail::mask(*address, block.range.prefix) != block.range.network) continue;
    if (best == nullptr || block.range.prefix > best->range.prefix) best = &block;
  }
  if (best == nullptr) return std::nullopt;
  return best->server;
}

std::vector<std::string> RdapBootstrap::servers() const {
  std::set<std::string> unique;
  for (const auto& [tld, server] : by_tld_) unique.insert(server);
  for (const Block& block : blocks_) unique.insert(block.server);
  return {unique.begin(), unique.end()};
}

Status refresh_rdap_bootstrap(HttpClient& http, std::string_view iana_root,
                              const std::filesystem::path& into, SteadyTime deadline) {
  std::string root(iana_root);
  if (!root.empty() && root.back() != '/') root.push_back('/');
  std::vector<HttpRequest> requests;
  for (std::string_view kind : kRegistries) {
    HttpRequest request;
    request.url = fmt::format("{}{}.json", root, kind);
    request.headers = {{"Accept", "application/json"}};
    request.timeout = std::chrono::duration_cast<Milliseconds>(deadline - SteadyClock::now());
    requests.push_back(std::move(request));
  }
  std::vector<std::string> problems;
  http.run(std::move(requests), deadline, [&](std::size_t slot, HttpResponse& response) {
    const std::string_view kind = kRegistries[slot];
    if (response.transfer != Transfer::kCompleted || response.status != 200) {
      problems.push_back(fmt::format("{}.json: {}", kind,
                                     response.transfer == Transfer::kCompleted
                                         ? fmt::format("HTTP {}", response.status)
                                         : response.error));
      return std::optional<HttpRequest>();
    }
    RdapBootstrap check;
    if (auto ok = check.add_registry(kind, response.body, false); !ok) {
      problems.push_back(ok.error().message);
    } else if (auto written = IntelCache::write_file_atomically(into / fmt::format("{}.json", kind),
                                                                response.body);
               !written) {
      problems.push_back(written.error().message);
    }
    return std::optional<HttpRequest>();
  });
  if (!problems.empty())
    return fail(ErrorCode::kUpstreamError,
                "RDAP bootstrap refresh incomplete: " + join(problems, "; "));
  return {};
}

}  // namespace soc::live
