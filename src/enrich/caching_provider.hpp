// Base of the offline providers: type filter, thread-safe answer cache, copy-free shared answers.
#pragma once
#include <array>
#include <cstdint>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "enrich/provider.hpp"

namespace soc::enrich_detail {

struct TransparentStringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

// The public lookups do the shared work (type check, cache probe, insertion) and call the
// private resolve() hook only on a cache miss, so no provider has to remember to cache.
class CachingProvider : public IntelProvider {
 public:
  // Bounds memory whatever the alerts contain (an Enrichment is about 1 KiB, so at most some
  // 64 MiB per provider even when a CIDR list turns every address of a /8 into a hit); past it
  // answers are still right, just rebuilt each time.
  static constexpr std::size_t kMaxCachedAnswers = 1 << 16;

  CachingProvider(std::string name, double reliability, std::uint32_t supported_type_mask);

  std::string_view name() const final { return name_; }
  bool supports(ObservableType type) const final;
  double reliability() const final { return reliability_; }
  Enrichment lookup(const Observable& observable) const final;
  EnrichmentPtr lookup_shared(const Observable& observable) const final;

 private:
  // Fills `out`, which arrives as an ok/unknown answer naming the observable and the provider,
  // and says whether to keep it. Answers drawn from the snapshot (a parsed file, an index hit)
  // are kept; answers that say "nothing here" or "could not read" are rebuilt each time, so
  // attacker-chosen misses cannot fill the cache and a transient read error is retried.
  virtual bool resolve(const Observable& observable, Enrichment& out) const = 0;
  const EnrichmentPtr* find_cached(const Observable& observable) const;
  EnrichmentPtr keep(const Observable& observable, Enrichment enrichment) const;

  using AnswerMap =
      std::unordered_map<std::string, EnrichmentPtr, TransparentStringHash, std::equal_to<>>;

  std::string name_;
  double reliability_;
  std::uint32_t supported_type_mask_;
  mutable std::shared_mutex mutex_;
  mutable std::array<AnswerMap, 32> cache_by_type_;
  mutable std::size_t cached_answers_ = 0;
};

constexpr std::uint32_t type_bit(ObservableType type) {
  return std::uint32_t{1} << static_cast<unsigned>(type);
}

}  // namespace soc::enrich_detail
