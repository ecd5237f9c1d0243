// Intel_live stage contract: the threat-intelligence providers a run uses, built from the Config.
//
// Input: the configuration (providers.*, context_dir), a clock, and where the shipped data lives.
// Output: IntelProviders in a fixed order (virustotal, abuseipdb, greynoise, shodan, rdap, misp,
// opencti, lists, then "asn" when providers.bulletproof_asns is set). Each vendor is its live
// client when enabled (and not offline), else the offline provider over the same intel/
// directory the live clients write into, so a cached run and an offline run read the same files.
// Threading: build once per process; providers() hands each engine (one per thread) its own list
// of facades over the shared clients, so rate limits, quotas and single flight hold process-wide.
// Failure: a configuration that cannot work (a key variable not set, no RDAP bootstrap) is an
// error at build time; start-up refreshes that fail (RDAP bootstrap, MISP feeds) are warnings.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "core/time.hpp"
#include "enrich/provider.hpp"
#include "intel_live/http.hpp"
#include "intel_live/live_enricher.hpp"

namespace soc::live {

struct IntelOptions {
  // Shipped data (data/rdap-bootstrap); the engine's resolve_data_dir(config).
  std::string data_dir;
  // Tests inject a client; empty: libcurl, guarded to the configured roots.
  std::shared_ptr<HttpClient> http;
  // Start-up fetches (RDAP bootstrap refresh, MISP feeds) give up after this.
  Milliseconds startup_deadline{60'000};
};

class IntelHub {
 public:
  // Fresh facades over the shared providers, in the documented order.
  std::vector<std::unique_ptr<IntelProvider>> providers() const;
  // The live clients (null when none is enabled): the batch API for a whole alert.
  const std::shared_ptr<LiveEnricher>& live() const { return live_; }
  // Where the intel/ cache is (empty when there is none).
  const std::string& intel_dir() const { return intel_dir_; }
  const std::vector<std::string>& warnings() const { return warnings_; }

 private:
  friend Result<std::shared_ptr<IntelHub>> make_intel_hub(const Config&, const Clock&,
                                                          IntelOptions);
  struct Entry {
    std::shared_ptr<IntelProvider> provider;
    double reliability = 0.5;
  };
  std::vector<Entry> entries_;
  std::shared_ptr<LiveEnricher> live_;
  std::string intel_dir_;
  std::vector<std::string> warnings_;
};

// The clock must outlive the hub and every provider it hands out.
Result<std::shared_ptr<IntelHub>> make_intel_hub(const Config& config, const Clock& clock,
                                                 IntelOptions options = {});

// The one call for a single engine: make_intel_hub(...) then providers(); the facades keep the
// hub's shared parts alive.
Result<std::vector<std::unique_ptr<IntelProvider>>> make_intel_providers(const Config& config,
                                                                         const Clock& clock,
                                                                         IntelOptions options = {});

}  // namespace soc::live
