// Offline threat-intelligence providers over the intel/ directory of contract/CONTEXT.md.
//
// Layout and naming (what the live clients also write into their cache):
//   virustotal/files/<md5|sha1|sha256>.json      lower-case hex
//   virustotal/ip_addresses/<ip>.json             any spelling; matched canonically
//   virustotal/domains/<domain>.json              lower-case
//   virustotal/urls/<id>.json                     <id> is VirusTotal's URL identifier, the URL in
//                                                 unpadded base64url; the SHA-256 hex of the URL is
//                                                 accepted too (and is the only form for URLs whose
//                                                 base64 would exceed a file-name length). A bare
//                                                 "http://host" also tries "http://host/", the form
//                                                 VirusTotal stores.
//   abuseipdb/<ip>.json, greynoise/<ip>.json, shodan/<ip>.json
//   rdap/domain/<domain>.json                     a subdomain falls back to its parents
//                                                 (www.evil.example -> evil.example)
//   rdap/ip/<ip>.json                             else the narrowest network file whose
//                                                 startAddress..endAddress holds the IP
//   misp/manifest.json + misp/<uuid>.json         indexed at start-up (misp_index.hpp)
//   opencti/<value>.json                          lower-case value; URLs by SHA-256 hex or the
//                                                 VirusTotal-style base64url id
//   lists/*.txt, lists/*.csv                      indexed at start-up (intel_lists.hpp)
// A sidecar <id>.meta.json {"fetched_at": "RFC 3339"} sets Enrichment::fetched_at.
//
// Each folder is listed once when the provider is built: a lookup for a value with no file is a
// hash probe, never a filesystem call, and files added later are not seen until the providers
// are rebuilt. A file is read and parsed on its first lookup and the answer kept.
//
// Observable values come from attacker-written alerts. File names are only ever derived from
// a value that passes is_safe_file_id(), and only files found by the listing are opened; any
// other value is answered with status skipped.
#pragma once
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "enrich/provider.hpp"

namespace soc {

// Default trust in each source, used to weigh disagreements. Sandbox-backed multi-engine
// verdicts and registry data rank highest; crowd-reported and curated feeds next; exposure data
// (Shodan says what is open, not who is bad) lowest.
namespace default_reliability {
inline constexpr double kVirusTotal = 0.9;
inline constexpr double kAbuseIpdb = 0.8;
inline constexpr double kGreyNoise = 0.85;
inline constexpr double kShodan = 0.6;
inline constexpr double kRdap = 0.9;
inline constexpr double kMisp = 0.8;
inline constexpr double kOpenCti = 0.8;
inline constexpr double kLists = 0.7;
}  // namespace default_reliability

// Not empty, at most kMaxFileIdBytes, no '/', '\\', NUL or other control byte, no "..", and not
// starting with '.', so "<id>.json" always names a plain file inside its folder.
inline constexpr std::size_t kMaxFileIdBytes = 200;
bool is_safe_file_id(std::string_view id);

// Where a response about `observable` from `provider` ("virustotal", "abuseipdb", "greynoise",
// "shodan", "rdap", "opencti") lives, relative to the intel directory
// ("virustotal/files/<sha256>.json"); nothing for unsupported types or unsafe values. The live
// clients write their cache there.
std::optional<std::string> intel_cache_path(std::string_view provider,
                                            const Observable& observable);

// What loading skipped: unreadable or malformed MISP events and list files.
struct OfflineLoadReport {
  std::vector<std::string> warnings;
};

std::unique_ptr<IntelProvider> make_offline_virustotal(const std::filesystem::path& intel_dir);
std::unique_ptr<IntelProvider> make_offline_abuseipdb(const std::filesystem::path& intel_dir);
std::unique_ptr<IntelProvider> make_offline_greynoise(const std::filesystem::path& intel_dir);
std::unique_ptr<IntelProvider> make_offline_shodan(const std::filesystem::path& intel_dir);
std::unique_ptr<IntelProvider> make_offline_rdap(const std::filesystem::path& intel_dir);
std::unique_ptr<IntelProvider> make_offline_opencti(const std::filesystem::path& intel_dir);
std::unique_ptr<IntelProvider> make_offline_misp(const std::filesystem::path& intel_dir,
                                                 OfflineLoadReport* report = nullptr);
std::unique_ptr<IntelProvider> make_offline_lists(const std::filesystem::path& intel_dir,
                                                  OfflineLoadReport* report = nullptr);

// make_offline_providers() with the load warnings reported.
std::vector<std::unique_ptr<IntelProvider>> make_offline_providers(const std::string& intel_dir,
                                                                   OfflineLoadReport* report);

}  // namespace soc
