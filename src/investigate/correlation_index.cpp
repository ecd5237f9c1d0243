// Entity index over earlier alerts.
#include "investigate/correlation_index.hpp"

#include <algorithm>

namespace soc {

void CorrelationIndex::add(CorrelationEntry entry) {
  Posting posting;
  posting.time = entry.time;
  // Positions are 32 bits: four billion alerts would not fit in memory long before.
  posting.position = static_cast<std::uint32_t>(entries_.size());
  posting.alert_id_hash = id_hash(entry.alert_id);
  posting.rule =
      rule_ids_.try_emplace(entry.rule_name, static_cast<std::uint32_t>(rule_ids_.size()))
          .first->second;
  posting.closed = entry.classification == "TRUE_POSITIVE"    ? Closed::kTruePositive
                   : entry.classification == "FALSE_POSITIVE" ? Closed::kFalsePositive
                                                              : Closed::kOther;
  entries_.push_back(std::move(entry));
  for (const auto& e : entries_.back().entities) {
    auto& list = by_entity_[e];
    // Alerts mostly arrive in time order (append); a late one goes where its time belongs,
    // after the entries of the same time (positions grow, so the list stays sorted as pairs).
    if (list.empty() || list.back() < posting)
      list.push_back(posting);
    else
      list.insert(std::upper_bound(list.begin(), list.end(), posting), posting);
  }
}

std::pair<CorrelationIndex::Postings::const_iterator, CorrelationIndex::Postings::const_iterator>
CorrelationIndex::window(const Postings& list, TimestampMs from, TimestampMs to,
                         std::size_t limit) {
  auto begin = std::lower_bound(list.begin(), list.end(), from,
                                [](const Posting& p, TimestampMs t) { return p.time < t; });
  const auto end = std::upper_bound(begin, list.end(), to,
                                    [](TimestampMs t, const Posting& p) { return t < p.time; });
  if (static_cast<std::size_t>(end - begin) > limit)
    begin = end - static_cast<std::ptrdiff_t>(limit);
  return {begin, end};
}

std::size_t CorrelationIndex::count(const std::string& entity, TimestampMs from,
                                    TimestampMs to) const {
  auto it = by_entity_.find(entity);
  if (it == by_entity_.end()) return 0;
  const auto [begin, end] = window(it->second, from, to);
  return static_cast<std::size_t>(end - begin);
}

bool CorrelationIndex::is_alert(const Posting& p, std::string_view alert_id,
                                std::uint32_t alert_id_hash) const {
  return p.alert_id_hash == alert_id_hash && entries_[p.position].alert_id == alert_id;
}

template <class Fn>
void CorrelationIndex::visit(const std::vector<std::string>& entities, TimestampMs from,
                             TimestampMs to, std::size_t limit,
                             std::optional<std::string_view> exclude_alert_id, Fn&& fn) const {
  using Run = std::pair<Postings::const_iterator, Postings::const_iterator>;
  std::vector<Run> runs;
  runs.reserve(entities.size());
  for (const auto& e : entities) {
    auto it = by_entity_.find(e);
    if (it == by_entity_.end()) continue;
    const auto [begin, end] = window(it->second, from, to, limit);
    if (begin != end) runs.emplace_back(begin, end);
  }
  const std::uint32_t exclude_hash = exclude_alert_id ? id_hash(*exclude_alert_id) : 0;
  // Each run is in (time, position) order: walking them as one merged sequence (an alert has a
  // handful of entities) gives the entries by time, an entry shared by two entities twice in a
  // row, and needs no buffer of hundreds of postings per query.
  std::optional<Posting> previous;
  for (;;) {
    Run* next = nullptr;
    for (auto& run : runs)
      if (run.first != run.second && (next == nullptr || *run.first < *next->first)) next = &run;
    if (next == nullptr) return;
    const Posting& hit = *next->first++;
    if (previous && hit == *previous) continue;
    previous = hit;
    if (exclude_alert_id && is_alert(hit, *exclude_alert_id, exclude_hash)) continue;
    fn(hit);
  }
}

std::vector<const CorrelationEntry*> CorrelationIndex::on_entities(
    const std::vector<std::string>& entities, TimestampMs from, TimestampMs to, std::size_t limit,
    std::optional<std::string_view> exclude_alert_id) const {
  std::vector<const CorrelationEntry*> out;
  visit(entities, from, to, limit, exclude_alert_id,
        [&](const Posting& p) { out.push_back(&entries_[p.position]); });
  return out;
}

CorrelationIndex::RuleHistory CorrelationIndex::rule_history(
    const std::vector<std::string>& entities, std::string_view rule_name, TimestampMs from,
    TimestampMs to, std::size_t limit, std::optional<std::string_view> exclude_alert_id) const {
  RuleHistory out;
  const auto rule = rule_ids_.find(rule_name);
  if (rule == rule_ids_.end()) return out;  // a rule never seen has no history
  visit(entities, from, to, limit, exclude_alert_id, [&](const Posting& p) {
    if (p.rule != rule->second) return;
    if (p.closed == Closed::kTruePositive) ++out.true_positive;
    if (p.closed == Closed::kFalsePositive) ++out.false_positive;
  });
  return out;
}

}  // namespace soc
