// Entity index over earlier alerts.
#include "investigate/correlation_index.hpp"

#include <algorithm>

namespace soc {

void CorrelationIndex::add(CorrelationEntry entry) {
  const std::size_t pos = entries_.size();
  for (const auto& e : entry.entities) by_entity_[e].push_back(pos);
  entries_.push_back(std::move(entry));
}

std::vector<const CorrelationEntry*> CorrelationIndex::on_entities(const std::vector<std::string>& entities,
                                                                   TimestampMs from, TimestampMs to) const {
  std::vector<std::size_t> hits;
  for (const auto& e : entities) {
    auto it = by_entity_.find(e);
    if (it == by_entity_.end()) continue;
    for (auto pos : it->second)
      if (entries_[pos].time >= from && entries_[pos].time <= to) hits.push_back(pos);
  }
  std::sort(hits.begin(), hits.end());
  hits.erase(std::unique(hits.begin(), hits.end()), hits.end());
  std::vector<const CorrelationEntry*> out;
  out.reserve(hits.size());
  for (auto pos : hits) out.push_back(&entries_[pos]);
  return out;
}

}  // namespace soc
