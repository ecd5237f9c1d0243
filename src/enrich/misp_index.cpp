// Loading a MISP feed directory and indexing its attribute values for constant-time lookups.
#include "enrich/misp_index.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/strings.hpp"
#include "enrich/json_fields.hpp"

namespace soc::enrich_detail {
namespace {

constexpr std::uintmax_t kMaxEventBytes = 64u << 20;

std::optional<std::string> read_file_text(const std::filesystem::path& path) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec || size > kMaxEventBytes) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

struct ManifestEntry {
  std::string info;
  std::optional<int> threat_level_id;
  std::optional<TimestampMs> date;
};

std::unordered_map<std::string, ManifestEntry> read_manifest(const std::filesystem::path& path,
                                                             std::vector<std::string>& warnings) {
  std::unordered_map<std::string, ManifestEntry> out;
  auto text = read_file_text(path);
  if (!text) return out;
  auto parsed = parse_body(*text, "misp manifest");
  if (!parsed || !parsed->is_object()) {
    warnings.push_back(parsed ? "misp: manifest.json is not an object"
                              : fmt::format("{}", parsed.error().message));
    return out;
  }
  for (auto it = parsed->begin(); it != parsed->end(); ++it) {
    ManifestEntry entry;
    entry.info = string_at(&it.value(), "info");
    entry.threat_level_id = small_int_at(&it.value(), "threat_level_id");
    entry.date = time_of(member(&it.value(), "date"));
    out.emplace(it.key(), std::move(entry));
  }
  return out;
}

}  // namespace

std::optional<std::string> typed_indicator_key(ObservableType type, std::string_view value) {
  value = trim(value);
  if (value.empty()) return std::nullopt;
  switch (type) {
    case ObservableType::kIpv4:
    case ObservableType::kIpv6: {
      auto ip = canonical_ip_text(value);
      if (!ip) return std::nullopt;
      return "i:" + *ip;
    }
    case ObservableType::kDomain:
    case ObservableType::kHost:
      if (value.back() == '.') value.remove_suffix(1);
      return "d:" + to_lower(value);
    case ObservableType::kUrl:
      return "u:" + std::string(value);
    case ObservableType::kEmail:
      return "e:" + to_lower(value);
    case ObservableType::kMd5:
    case ObservableType::kSha1:
    case ObservableType::kSha256:
    case ObservableType::kSha512:
      return "h:" + to_lower(value);
    case ObservableType::kFile:
      return "f:" + to_lower(value);
    case ObservableType::kAsn: {
      auto asn = parse_asn_text(value);
      if (!asn) return std::nullopt;
      return fmt::format("a:{}", *asn);
    }
    case ObservableType::kCve:
      return "c:" + to_lower(value);
    case ObservableType::kRegistry:
      return "r:" + to_lower(value);
    case ObservableType::kBitcoin:
      return "b:" + std::string(value);
    case ObservableType::kMonero:
      return "m:" + std::string(value);
    default:
      return std::nullopt;
  }
}

void MispIndex::add_event(MispEvent event) {
  const auto index = static_cast<std::uint32_t>(events_.size());
  for (const MispAttribute& attribute : event.attributes) {
    for (const auto& [type, value] : misp_attribute_indicators(attribute)) {
      std::vector<Hit>* hits = nullptr;
      if (type == ObservableType::kCidr) {
        auto range = parse_cidr(value);
        if (!range) continue;
        hits = &ranges_.at(*range);
      } else {
        auto key = typed_indicator_key(type, value);
        if (!key) continue;
        hits = &by_key_[*key];
      }
      // One hit per event; to_ids on any of its attributes is what counts.
      auto same_event = std::find_if(hits->begin(), hits->end(),
                                     [&](const Hit& hit) { return hit.event == index; });
      if (same_event == hits->end()) {
        hits->push_back(Hit{index, attribute.to_ids});
      } else {
        same_event->to_ids = same_event->to_ids || attribute.to_ids;
      }
    }
  }
  event.attributes.clear();
  event.attributes.shrink_to_fit();
  events_.push_back(std::move(event));
}

std::vector<MispIndex::Hit> MispIndex::find(const Observable& observable) const {
  std::vector<Hit> out;
  auto key = typed_indicator_key(observable.type, observable.value);
  if (!key) return out;
  if (auto it = by_key_.find(*key); it != by_key_.end()) out = it->second;
  if (is_ip(observable.type) && !ranges_.empty()) {
    if (auto ip = parse_ip(observable.value)) {
      ranges_.for_each_containing(*ip, [&](const std::vector<Hit>& hits) {
        for (const Hit& hit : hits) {
          auto same = std::find_if(out.begin(), out.end(),
                                   [&](const Hit& h) { return h.event == hit.event; });
          if (same == out.end()) {
            out.push_back(hit);
          } else {
            same->to_ids = same->to_ids || hit.to_ids;
          }
        }
      });
    }
  }
  return out;
}

MispIndex MispIndex::load(const std::filesystem::path& dir, std::vector<std::string>& warnings) {
  MispIndex index;
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) return index;
  auto manifest = read_manifest(dir / "manifest.json", warnings);
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    const auto& path = entry.path();
    if (path.extension() == ".json" && path.filename() != "manifest.json" &&
        entry.is_regular_file(ec))
      files.push_back(path);
  }
  std::sort(files.begin(), files.end());
  for (const auto& path : files) {
    auto text = read_file_text(path);
    if (!text) {
      warnings.push_back(fmt::format("misp: cannot read {}", path.filename().string()));
      continue;
    }
    auto event = parse_misp_event(*text);
    if (!event) {
      warnings.push_back(
          fmt::format("misp: {} skipped: {}", path.filename().string(), event.error().message));
      continue;
    }
    const std::string uuid = event->uuid.empty() ? path.stem().string() : event->uuid;
    if (auto it = manifest.find(uuid); it != manifest.end()) {
      if (event->info.empty()) event->info = it->second.info;
      if (event->threat_level_id == 4 && it->second.threat_level_id)
        event->threat_level_id = *it->second.threat_level_id;
      if (!event->date) event->date = it->second.date;
      manifest.erase(it);
    }
    if (event->uuid.empty()) event->uuid = uuid;
    index.add_event(std::move(*event));
  }
  for (const auto& [uuid, entry] : manifest)
    warnings.push_back(fmt::format("misp: manifest lists {} but {}.json is missing", uuid, uuid));
  return index;
}

}  // namespace soc::enrich_detail
