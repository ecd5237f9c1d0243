// Earlier alerts indexed by the entities they touched: the memory behind bursts, kill chains,
// similar-alert history and retrospective re-reading.
#pragma once
#include <string>
#include <unordered_map>
#include <vector>

#include "core/correlation.hpp"

namespace soc {

class CorrelationIndex {
 public:
  void add(CorrelationEntry entry);
  // Entries sharing at least one entity, with time in [from, to]; each entry once.
  std::vector<const CorrelationEntry*> on_entities(const std::vector<std::string>& entities, TimestampMs from,
                                                   TimestampMs to) const;
  std::size_t size() const { return entries_.size(); }

 private:
  std::vector<CorrelationEntry> entries_;
  std::unordered_map<std::string, std::vector<std::size_t>> by_entity_;
};

}  // namespace soc
