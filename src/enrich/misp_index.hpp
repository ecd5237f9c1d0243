// A MISP feed held in memory: every attribute value indexed at load, so a lookup is a probe.
#pragma once
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "enrich/ip_address.hpp"
#include "enrich/parsers.hpp"

namespace soc::enrich_detail {

// The index key of an indicator: its kind and its normalized value ("i:192.0.2.1",
// "d:example.com", "h:<hex>"), so a file name and a domain of the same spelling never meet.
// Domains and host names share a kind, as MISP's "domain" and "hostname" types do.
std::optional<std::string> typed_indicator_key(ObservableType type, std::string_view value);

class MispIndex {
 public:
  // Reads manifest.json (uuid -> {info, threat_level_id, ...}) and every other *.json in `dir`
  // as an event; the manifest fills in what an event file leaves out. Unreadable events are
  // skipped with a warning.
  static MispIndex load(const std::filesystem::path& dir, std::vector<std::string>& warnings);

  void add_event(MispEvent event);

  struct Hit {
    std::uint32_t event = 0;
    bool to_ids = false;
  };
  std::vector<Hit> find(const Observable& observable) const;
  const MispEvent& event(std::uint32_t index) const { return events_[index]; }
  std::size_t event_count() const { return events_.size(); }

 private:
  std::vector<MispEvent> events_;  // attributes dropped once indexed
  std::unordered_map<std::string, std::vector<Hit>> by_key_;
  CidrTable<std::vector<Hit>> ranges_;
};

}  // namespace soc::enrich_detail
