// Shared lookup path of the offline providers: type check, cache probe, resolve on a miss.
#include "enrich/caching_provider.hpp"

#include <fmt/format.h>

#include <mutex>

#include "enrich/json_fields.hpp"

namespace soc::enrich_detail {

CachingProvider::CachingProvider(std::string name, double reliability,
                                 std::uint32_t supported_type_mask)
    : name_(std::move(name)), reliability_(reliability), supported_type_mask_(supported_type_mask) {}

bool CachingProvider::supports(ObservableType type) const {
  const auto index = static_cast<unsigned>(type);
  return index < 32 && (supported_type_mask_ & (std::uint32_t{1} << index)) != 0;
}

Enrichment CachingProvider::lookup(const Observable& observable) const {
  return *lookup_shared(observable);
}

EnrichmentPtr CachingProvider::lookup_shared(const Observable& observable) const {
  if (!supports(observable.type)) {
    return std::make_shared<const Enrichment>(
        make_status(observable, name_, LookupStatus::kSkipped,
                    fmt::format("{} does not hold {} indicators", name_, to_string(observable.type))));
  }
  AnswerMap& cache = cache_by_type_[static_cast<unsigned>(observable.type)];
  {
    std::shared_lock lock(mutex_);
    auto it = cache.find(std::string_view(observable.value));
    if (it != cache.end()) return it->second;
  }
  Answer answer = resolve(observable);
  auto shared = std::make_shared<const Enrichment>(std::move(answer.enrichment));
  if (!answer.cacheable) return shared;
  std::unique_lock lock(mutex_);
  if (cached_answers_ >= kMaxCachedAnswers) return shared;
  // Two threads may resolve the same miss at once; the first insertion wins and both callers
  // get that one object, so equal questions always share one answer.
  auto [it, inserted] = cache.try_emplace(observable.value, std::move(shared));
  if (inserted) ++cached_answers_;
  return it->second;
}

}  // namespace soc::enrich_detail
