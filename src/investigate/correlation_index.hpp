// Earlier alerts indexed by the entities they touched: the memory behind bursts, kill chains,
// similar-alert history and retrospective re-reading.
#pragma once
#include <deque>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/correlation.hpp"

namespace soc {

class CorrelationIndex {
 public:
  void add(CorrelationEntry entry);
  // Entries sharing at least one entity, with time in [from, to]; each entry once, oldest first.
  // At most `limit` per entity, the most recent ones: a hot entity (a server hammered all day)
  // must not make every later alert re-read its whole history.
  std::vector<const CorrelationEntry*> on_entities(const std::vector<std::string>& entities,
                                                   TimestampMs from, TimestampMs to,
                                                   std::size_t limit = 200) const;
  // How many entries name `entity` with time in [from, to] (no copying: a binary search).
  std::size_t count(const std::string& entity, TimestampMs from, TimestampMs to) const;
  std::size_t size() const { return entries_.size(); }

 private:
  std::deque<CorrelationEntry> entries_;  // a deque: entries never move, evidence points at them
  std::unordered_map<std::string, std::vector<std::size_t>>
      by_entity_;  // kept sorted by entry time
};

}  // namespace soc
