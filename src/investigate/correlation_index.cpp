// Entity index over earlier alerts.
#include "investigate/correlation_index.hpp"

#include <algorithm>

namespace soc {

void CorrelationIndex::add(CorrelationEntry entry) {
  const std::size_t pos = entries_.size();
  const TimestampMs t = entry.time;
  entries_.push_back(std::move(entry));
  for (const auto& e : entries_.back().entities) {
    auto& list = by_entity_[e];
    // Alerts mostly arrive in time order (append); a late one goes where its time belongs.
    if (list.empty() || entries_[list.back()].time <= t) {
      list.push_back(pos);
    } else {
      auto at = std::upper_bound(list.begin(), list.end(), t, [&](TimestampMs time, std::size_t p) {
        return time < entries_[p].time;
      });
      list.insert(at, pos);
    }
  }
}

std::size_t CorrelationIndex::count(const std::string& entity, TimestampMs from,
                                    TimestampMs to) const {
  auto it = by_entity_.find(entity);
  if (it == by_entity_.end()) return 0;
  const auto& list = it->second;
  auto end = std::upper_bound(list.begin(), list.end(), to, [&](TimestampMs t, std::size_t pos) {
    return t < entries_[pos].time;
  });
  auto begin = std::lower_bound(list.begin(), end, from, [&](std::size_t pos, TimestampMs t) {
    return entries_[pos].time < t;
  });
  return static_cast<std::size_t>(end - begin);
}

std::vector<const CorrelationEntry*> CorrelationIndex::on_entities(
    const std::vector<std::string>& entities, TimestampMs from, TimestampMs to,
    std::size_t limit) const {
  // (time, position) pairs: sorting them orders by time and puts duplicates side by side.
  std::vector<std::pair<TimestampMs, std::size_t>> hits;
  for (const auto& e : entities) {
    auto it = by_entity_.find(e);
    if (it == by_entity_.end()) continue;
    const auto& list = it->second;
    auto end = std::upper_bound(list.begin(), list.end(), to, [&](TimestampMs t, std::size_t pos) {
      return t < entries_[pos].time;
    });
    auto begin = std::lower_bound(list.begin(), end, from, [&](std::size_t pos, TimestampMs t) {
      return entries_[pos].time < t;
    });
    if (static_cast<std::size_t>(end - begin) > limit)
      begin = end - static_cast<std::ptrdiff_t>(limit);
    for (auto i = begin; i != end; ++i) hits.emplace_back(entries_[*i].time, *i);
  }
  std::sort(hits.begin(), hits.end());
  hits.erase(std::unique(hits.begin(), hits.end()), hits.end());
  std::vector<const CorrelationEntry*> out;
  out.reserve(hits.size());
  for (const auto& [time, pos] : hits) out.push_back(&entries_[pos]);
  return out;
}

}  // namespace soc
