// Live threat-intelligence lookups: every provider at once, under a deadline, within budgets.
//
// Input: the observables of an alert and a deadline. Output: one Enrichment per (observable,
// provider that supports its type). All lookups needing the network run in one parallel round of
// the injected HttpClient; answers come from, in order: memory (this process), the intel/ cache
// on disk (fresh per its TTL), the vendor.
//
// Guarantees:
//   - A provider that fails answers timeout, error or rate_limited with the reason, verdict
//     unknown: never read as clean. Its reason names the provider and never holds a key.
//   - No request past a provider's budget: per-minute tokens, daily quota, Retry-After after a
//     429, circuit breaker after repeated failures. An empty budget is reported rate_limited
//     ("local budget exhausted") at once, not waited out: the deadline is the alert's.
//   - Retries with exponential backoff for transient failures only (connection refused or broken,
//     HTTP 500/502/503/504), within the deadline; never for 4xx, 429 or timeouts.
//   - Single flight: one request per (provider, observable) at a time across threads and alerts;
//     answers stay in memory until their cache TTL (failures for a short hold), so the same
//     observable is fetched once however many alerts carry it.
// Threading: all public methods may be called concurrently. Time: budgets, TTLs and fetch times
// come from the injected Clock; transfers are timed on the steady clock.
#pragma once
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/enrichment.hpp"
#include "core/time.hpp"
#include "enrich/provider.hpp"
#include "intel_live/http.hpp"
#include "intel_live/intel_cache.hpp"
#include "intel_live/limits.hpp"
#include "intel_live/vendors.hpp"

namespace soc::live {

struct SourceSettings {
  int rate_per_minute = 60;
  int daily_quota = 0;  // 0: unlimited
  int max_retries = 2;
  Milliseconds retry_backoff{250};  // first retry's delay, doubled for each further one
  int breaker_failures = 5;
  TimestampMs breaker_cooldown_ms = 60'000;
  TimestampMs default_retry_after_ms = 60'000;  // a 429 without a readable Retry-After
  double reliability = 0.8;
};

struct LiveSource {
  std::unique_ptr<Vendor> vendor;
  SourceSettings settings;
};

struct LiveOptions {
  Milliseconds deadline{8000};         // per alert, when the caller gives none
  TimestampMs failure_hold_ms = 5000;  // a failed answer is reused this long before asking again
  std::size_t max_remembered = 1u << 18;
  // Where the daily quota counters survive restarts (empty: memory only).
  std::filesystem::path quota_dir;
};

struct SourceStats {
  std::uint64_t requests = 0;         // HTTP requests sent, retries and fallbacks included
  std::uint64_t cache_hits = 0;       // answered from intel/ on disk
  std::uint64_t memo_hits = 0;        // answered from memory
  std::uint64_t shared = 0;           // answered by another caller's request in flight
  std::uint64_t budget_refusals = 0;  // refused locally: rate, quota, Retry-After, breaker
  std::uint64_t failures = 0;         // timeout or error answers
};

class LiveEnricher : public std::enable_shared_from_this<LiveEnricher> {
 public:
  LiveEnricher(std::vector<LiveSource> sources, std::shared_ptr<HttpClient> http, IntelCache cache,
               const Clock& clock, LiveOptions options);
  ~LiveEnricher();
  LiveEnricher(const LiveEnricher&) = delete;
  LiveEnricher& operator=(const LiveEnricher&) = delete;

  std::size_t source_count() const { return sources_.size(); }
  std::string_view source_name(std::size_t source) const;
  bool supports(std::size_t source, ObservableType type) const;
  double reliability(std::size_t source) const;

  // One parallel round for every (observable, supporting source) pair. `deadline` is a time on the
  // injected clock. Results: for each observable in order, one per supporting source in source
  // order.
  std::vector<EnrichmentPtr> enrich(std::span<const Observable> observables, TimestampMs deadline);
  std::vector<EnrichmentPtr> enrich(std::span<const Observable> observables);  // options.deadline

  // One source's answer. A miss runs the round for every source of that observable, so when the
  // engine asks the next provider its answer is already in memory.
  EnrichmentPtr lookup(std::size_t source, const Observable& observable);

  SourceStats stats(std::size_t source) const;

  // One IntelProvider per source, in source order, each forwarding to this enricher.
  std::vector<std::unique_ptr<IntelProvider>> providers();

 private:
  struct Flight;
  struct Job;
  struct SourceState;
  struct Remembered {
    EnrichmentPtr answer;
    TimestampMs expires = 0;
  };

  std::string key_of(std::size_t source, const Observable& observable) const;
  void resolve_from_cache(Job& job, TimestampMs now);
  struct Refusal {
    LookupStatus status;  // rate_limited for budgets, error for an open circuit
    std::string reason;
  };
  std::optional<Refusal> admit(std::size_t source, TimestampMs now);
  void persist_quota(std::size_t source);
  std::optional<HttpRequest> on_response(Job& job, HttpResponse& response, SteadyTime deadline);
  void publish(Job& job);
  EnrichmentPtr answer(const Job& job, LookupStatus status, std::string error) const;

  std::vector<LiveSource> sources_;
  std::shared_ptr<HttpClient> http_;
  IntelCache cache_;
  const Clock& clock_;
  LiveOptions options_;

  mutable std::mutex mutex_;
  std::condition_variable flight_done_;
  std::vector<std::unique_ptr<SourceState>> states_;
  std::unordered_map<std::string, Remembered> remembered_;
  std::unordered_map<std::string, std::shared_ptr<Flight>> in_flight_;
};

}  // namespace soc::live
