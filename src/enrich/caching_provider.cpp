// Shared lookup path of the offline providers: type check, cache probe, resolve on a miss.
#include "enrich/caching_provider.hpp"

#include <fmt/format.h>

#include <mutex>

#include "enrich/json_fields.hpp"

namespace soc::enrich_detail {

CachingProvider::CachingProvider(std::string name, double reliability,
                                 std::uint32_t supported_type_mask)
    : name_(std::move(name)),
      reliability_(reliability),
      supported_type_mask_(supported_type_mask) {}

bool CachingProvider::supports(ObservableType type) const {
  const auto index = static_cast<unsigned>(type);
  return index < 32 && (supported_type_mask_ & (std::uint32_t{1} << index)) != 0;
}

// The cache maps never erase, so a pointer into one stays valid after the lock is released.
const EnrichmentPtr* CachingProvider::find_cached(const Observable& observable) const {
  const AnswerMap& cache = cache_by_type_[static_cast<unsigned>(observable.type)];
  std::shared_lock lock(mutex_);
  auto it = cache.find(std::string_view(observable.value));
  return it == cache.end() ? nullptr : &it->second;
}

EnrichmentPtr CachingProvider::keep(const Observable& observable, Enrichment enrichment) const {
  auto shared = std::make_shared<const Enrichment>(std::move(enrichment));
  std::unique_lock lock(mutex_);
  if (cached_answers_ >= kMaxCachedAnswers) return shared;
  // Two threads may resolve the same miss at once; the first insertion wins and both callers
  // get that one object, so equal questions always share one answer.
  AnswerMap& cache = cache_by_type_[static_cast<unsigned>(observable.type)];
  auto [it, inserted] = cache.try_emplace(observable.value, std::move(shared));
  if (inserted) ++cached_answers_;
  return it->second;
}

Enrichment CachingProvider::lookup(const Observable& observable) const {
  // One named result returned on every path, so it is built in the caller's slot (no move of
  // the ~800-byte struct): misses are the common case and this is their whole cost.
  Enrichment out;
  if (!supports(observable.type)) {
    out = *lookup_shared(observable);
  } else if (const EnrichmentPtr* cached = find_cached(observable)) {
    out = **cached;
  } else {
    out.observable = observable.value;
    out.type = observable.type;
    out.provider = name_;
    out.status = LookupStatus::kOk;
    if (resolve(observable, out)) out = *keep(observable, Enrichment(out));
  }
  return out;
}

EnrichmentPtr CachingProvider::lookup_shared(const Observable& observable) const {
  if (!supports(observable.type)) {
    return std::make_shared<const Enrichment>(make_status(
        observable, name_, LookupStatus::kSkipped,
        fmt::format("{} does not hold {} indicators", name_, to_string(observable.type))));
  }
  if (const EnrichmentPtr* cached = find_cached(observable)) return *cached;
  auto out = std::make_shared<Enrichment>(make_enrichment(observable, name_));
  if (!resolve(observable, *out)) return out;
  return keep(observable, std::move(*out));
}

}  // namespace soc::enrich_detail
