// Earlier alerts indexed by the entities they touched: the memory behind bursts, kill chains,
// similar-alert history and retrospective re-reading.
#pragma once
#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/correlation.hpp"

namespace soc {

class CorrelationIndex {
 public:
  void add(CorrelationEntry entry);
  // Entries sharing at least one entity, with time in [from, to]; each entry once, oldest first.
  // At most `limit` per entity, the most recent ones: a hot entity (a server hammered all day)
  // must not make every later alert re-read its whole history. Entries of `exclude_alert_id`
  // (the alert being investigated, when it was seen before) are left out after that cut.
  std::vector<const CorrelationEntry*> on_entities(
      const std::vector<std::string>& entities, TimestampMs from, TimestampMs to,
      std::size_t limit = 200, std::optional<std::string_view> exclude_alert_id = {}) const;

  // Among the entries on_entities(entities, from, to, limit, exclude_alert_id) returns, those
  // of the rule `rule_name`, by how they were closed.
  struct RuleHistory {
    int true_positive = 0;
    int false_positive = 0;
  };
  RuleHistory rule_history(const std::vector<std::string>& entities, std::string_view rule_name,
                           TimestampMs from, TimestampMs to, std::size_t limit,
                           std::optional<std::string_view> exclude_alert_id = {}) const;

  // How many entries name `entity` with time in [from, to] (no copying: a binary search).
  std::size_t count(const std::string& entity, TimestampMs from, TimestampMs to) const;
  std::size_t size() const { return entries_.size(); }

 private:
  enum class Closed : std::uint8_t { kOther, kTruePositive, kFalsePositive };
  // An entity's entries, sorted by (time, position in entries_). What the queries test on every
  // candidate is kept in the posting itself: the window searches and the rule-history counts stay
  // inside one contiguous list instead of touching a scattered entry at every probe (a hot host
  // has tens of thousands of entries, and each alert reads hundreds of candidates).
  struct Posting {
    TimestampMs time = 0;
    std::uint32_t position = 0;
    std::uint32_t rule = 0;           // interned rule name
    std::uint32_t alert_id_hash = 0;  // low bits of std::hash of the alert id
    Closed closed = Closed::kOther;
    bool operator<(const Posting& o) const {
      return time != o.time ? time < o.time : position < o.position;
    }
    bool operator==(const Posting& o) const { return time == o.time && position == o.position; }
  };
  using Postings = std::vector<Posting>;
  // The postings with time in [from, to], at most the last `limit` of them.
  static std::pair<Postings::const_iterator, Postings::const_iterator> window(
      const Postings& list, TimestampMs from, TimestampMs to,
      std::size_t limit = static_cast<std::size_t>(-1));
  // Whether the posting's entry is of that alert (`alert_id_hash`: as in Posting).
  bool is_alert(const Posting& p, std::string_view alert_id, std::uint32_t alert_id_hash) const;
  static std::uint32_t id_hash(std::string_view alert_id) {
    return static_cast<std::uint32_t>(std::hash<std::string_view>{}(alert_id));
  }
  // Calls fn(posting) for the entries on_entities() stands for, oldest first.
  template <class Fn>
  void visit(const std::vector<std::string>& entities, TimestampMs from, TimestampMs to,
             std::size_t limit, std::optional<std::string_view> exclude_alert_id, Fn&& fn) const;

  struct TextHash {  // lets rule_ids_ be searched with a string_view
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const {
      return std::hash<std::string_view>{}(text);
    }
  };

  std::deque<CorrelationEntry> entries_;  // a deque: entries never move, evidence points at them
  std::unordered_map<std::string, std::uint32_t, TextHash, std::equal_to<>> rule_ids_;
  std::unordered_map<std::string, Postings> by_entity_;
};

}  // namespace soc
