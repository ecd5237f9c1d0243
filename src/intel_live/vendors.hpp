// The vendors' documented APIs: how each builds a request for an observable and reads the answer.
//
//   VirusTotal v3   GET {root}/files/{hash} | /ip_addresses/{ip} | /domains/{d} (both with
//                   ?relationships=resolutions) | /urls/{url id}; header x-apikey.
//   AbuseIPDB v2    GET {root}/check?ipAddress={ip}&maxAgeInDays=90&verbose; header Key.
//   GreyNoise       community GET {root}/v3/community/{ip}; enterprise GET
//                   {root}/v2/noise/context/{ip}; header key.
//   Shodan          GET {root}/shodan/host/{ip}?key={key} (the key travels in the query: the URL
//                   is never shown anywhere).
//   RDAP            GET {server}domain/{name} or {server}ip/{addr}, server from the IANA bootstrap
//                   (or one configured root); Accept: application/rdap+json. A subdomain the
//                   registry does not know (404) falls back to its parent, down to two labels.
//   MISP            POST {root}/events/restSearch {"returnFormat":"json","value":...}; header
//                   Authorization. Events, not attributes: the verdict needs the event's threat
//                   level, which attribute results do not carry. Returned events are also stored
//                   as feed files (misp/<uuid>.json), so the offline MISP provider sees them.
//   OpenCTI         POST {root}/graphql, a stixCyberObservables search by value with its
//                   indicators and reports; header Authorization: Bearer.
// Bodies are read by the shared parsers of enrich/parsers.hpp. Observable values only ever enter
// a URL after validation for their type and percent-encoding, or a JSON body.
#pragma once
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/enrichment.hpp"
#include "core/observable.hpp"
#include "core/result.hpp"
#include "intel_live/http.hpp"
#include "intel_live/intel_cache.hpp"
#include "intel_live/rdap_bootstrap.hpp"
#include "intel_live/secret.hpp"

namespace soc::live {

// One way of asking: the request, and where its answer is cached under intel/.
struct Candidate {
  HttpRequest request;
  std::string cache_path;
};

struct VendorSettings {
  std::string root;  // API root as the vendor documents it; empty for RDAP with a bootstrap
  Secret key;
  Milliseconds timeout{5000};
  std::size_t max_response_bytes = 8u << 20;
};

class Vendor {
 public:
  virtual ~Vendor() = default;
  virtual std::string_view name() const = 0;
  virtual bool supports(ObservableType type) const = 0;
  // The requests to try, in order: a 404 moves on to the next. An error means the value cannot be
  // asked safely (not an IP, path characters in a domain, no RDAP server): the lookup is skipped.
  virtual Result<std::vector<Candidate>> plan(const Observable& observable) const = 0;
  // Reads a response body (a 200's, or a 404's when the vendor explains itself in it).
  virtual Result<Enrichment> interpret(std::string_view body,
                                       const Observable& observable) const = 0;
  // Runs after a 200 body was cached (MISP stores the events as feed files).
  virtual void after_store(std::string_view /*body*/, const IntelCache& /*cache*/) const {}
  const Secret& key() const { return settings_.key; }

 protected:
  explicit Vendor(VendorSettings settings) : settings_(std::move(settings)) {}
  HttpRequest base_request(std::string url) const;
  VendorSettings settings_;
};

enum class GreyNoiseEdition { kCommunity, kEnterprise };

std::unique_ptr<Vendor> make_virustotal(VendorSettings settings);
std::unique_ptr<Vendor> make_abuseipdb(VendorSettings settings);
std::unique_ptr<Vendor> make_greynoise(VendorSettings settings, GreyNoiseEdition edition);
std::unique_ptr<Vendor> make_shodan(VendorSettings settings);
// With a root, every query goes there (a mirror, or a test server); else the bootstrap decides.
std::unique_ptr<Vendor> make_rdap(VendorSettings settings,
                                  std::shared_ptr<const RdapBootstrap> bootstrap);
// `feed_dir` (intel/misp) is indexed once; its events are merged with the server's answers.
std::unique_ptr<Vendor> make_misp(VendorSettings settings, const std::filesystem::path& feed_dir);
std::unique_ptr<Vendor> make_opencti(VendorSettings settings);

// The GraphQL document the OpenCTI client sends (exposed for tests and documentation).
std::string_view opencti_query();

}  // namespace soc::live
