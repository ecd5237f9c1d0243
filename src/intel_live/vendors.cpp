// Request builders and answer readers of the seven vendor APIs the live clients speak.
#include "intel_live/vendors.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/sha256.hpp"
#include "core/strings.hpp"
#include "enrich/ip_address.hpp"
#include "enrich/misp_index.hpp"
#include "enrich/offline.hpp"
#include "enrich/parsers.hpp"

namespace soc::live {
namespace {

constexpr std::uint32_t bit(ObservableType type) {
  return std::uint32_t{1} << static_cast<unsigned>(type);
}
bool in_mask(std::uint32_t mask, ObservableType type) {
  const auto index = static_cast<unsigned>(type);
  return index < 32 && (mask & (std::uint32_t{1} << index)) != 0;
}

constexpr std::uint32_t kIpTypes = bit(ObservableType::kIpv4) | bit(ObservableType::kIpv6);
constexpr std::uint32_t kHashTypes =
    bit(ObservableType::kMd5) | bit(ObservableType::kSha1) | bit(ObservableType::kSha256);

std::string root_without_slash(std::string root) {
  while (!root.empty() && root.back() == '/') root.pop_back();
  return root;
}

Result<std::string> checked_ip(const Observable& observable) {
  auto ip = enrich_detail::canonical_ip_text(trim(observable.value));
  if (!ip) return fail(ErrorCode::kInvalidArgument, "value is not an IP address");
  return *ip;
}

Result<std::string> checked_hash(const Observable& observable) {
  std::string hash = to_lower(trim(observable.value));
  const bool hex = !hash.empty() && std::all_of(hash.begin(), hash.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
  });
  if (!hex || hash.size() > 128)
    return fail(ErrorCode::kInvalidArgument, "value is not a hex digest");
  return hash;
}

// Host names as registries spell them: LDH labels (and '_', seen in real DNS), no empty label.
Result<std::string> checked_domain(const Observable& observable) {
  std::string name = to_lower(trim(observable.value));
  if (!name.empty() && name.back() == '.') name.pop_back();
  if (name.empty() || name.size() > 253)
    return fail(ErrorCode::kInvalidArgument, "value is not a domain name");
  std::size_t label = 0;
  for (char c : name) {
    if (c == '.') {
      if (label == 0) return fail(ErrorCode::kInvalidArgument, "value has an empty label");
      label = 0;
      continue;
    }
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    if (!ok || ++label > 63) return fail(ErrorCode::kInvalidArgument, "value is not a domain name");
  }
  if (label == 0) return fail(ErrorCode::kInvalidArgument, "value has an empty label");
  return name;
}

// ---------------------------------------------------------------------------------------------
class VirusTotal final : public Vendor {
 public:
  explicit VirusTotal(VendorSettings settings) : Vendor(std::move(settings)) {}
  std::string_view name() const override { return "virustotal"; }
  bool supports(ObservableType type) const override {
    return in_mask(kIpTypes | kHashTypes | bit(ObservableType::kDomain) | bit(ObservableType::kUrl),
                   type);
  }
  Result<std::vector<Candidate>> plan(const Observable& observable) const override {
    const std::string root = root_without_slash(settings_.root);
    std::vector<Candidate> out;
    if (is_hash(observable.type)) {
      auto hash = checked_hash(observable);
      if (!hash) return std::unexpected(hash.error());
      out.push_back(candidate(fmt::format("{}/files/{}", root, *hash),
                              fmt::format("virustotal/files/{}.json", *hash)));
    } else if (is_ip(observable.type)) {
      auto ip = checked_ip(observable);
      if (!ip) return std::unexpected(ip.error());
      out.push_back(candidate(
          fmt::format("{}/ip_addresses/{}?relationships=resolutions", root, url_encode(*ip)),
          fmt::format("virustotal/ip_addresses/{}.json", *ip)));
    } else if (observable.type == ObservableType::kDomain) {
      auto domain = checked_domain(observable);
      if (!domain) return std::unexpected(domain.error());
      out.push_back(candidate(fmt::format("{}/domains/{}?relationships=resolutions", root, *domain),
                              fmt::format("virustotal/domains/{}.json", *domain)));
    } else if (observable.type == ObservableType::kUrl) {
      // VirusTotal names a URL by its unpadded base64url, or the SHA-256 of the URL; it stores
      // "http://host" as "http://host/", so a bare host is asked both ways.
      const std::string url(trim(observable.value));
      std::vector<std::string> spellings{url};
      const auto scheme = url.find("://");
      if (scheme != std::string::npos && url.find_first_of("/?#", scheme + 3) == std::string::npos)
        spellings.push_back(url + "/");
      for (const std::string& spelling : spellings) {
        std::string id = virustotal_url_id(spelling);
        if (!is_safe_file_id(id)) id = sha256_hex(spelling);
        out.push_back(candidate(fmt::format("{}/urls/{}", root, id),
                                fmt::format("virustotal/urls/{}.json", id)));
      }
    } else {
      return fail(ErrorCode::kUnsupported, "unsupported type");
    }
    return out;
  }
  Result<Enrichment> interpret(std::string_view body, const Observable& observable) const override {
    return parse_virustotal_response(body, observable);
  }

 private:
  Candidate candidate(std::string url, std::string cache_path) const {
    Candidate out{base_request(std::move(url)), std::move(cache_path)};
    out.request.headers.emplace_back("x-apikey", settings_.key.reveal());
    return out;
  }
};

// ---------------------------------------------------------------------------------------------
class AbuseIpdb final : public Vendor {
 public:
  explicit AbuseIpdb(VendorSettings settings) : Vendor(std::move(settings)) {}
  std::string_view name() const override { return "abuseipdb"; }
  bool supports(ObservableType type) const override { return in_mask(kIpTypes, type); }
  Result<std::vector<Candidate>> plan(const Observable& observable) const override {
    auto ip = checked_ip(observable);
    if (!ip) return std::unexpected(ip.error());
    Candidate out{base_request(fmt::format("{}/check?ipAddress={}&maxAgeInDays=90&verbose",
                                           root_without_slash(settings_.root), url_encode(*ip))),
                  fmt::format("abuseipdb/{}.json", *ip)};
    out.request.headers.emplace_back("Key", settings_.key.reveal());
    return std::vector<Candidate>{std::move(out)};
  }
  Result<Enrichment> interpret(std::string_view body, const Observable& observable) const override {
    return parse_abuseipdb_response(body, observable);
  }
};

// ---------------------------------------------------------------------------------------------
class GreyNoise final : public Vendor {
 public:
  GreyNoise(VendorSettings settings, GreyNoiseEdition edition)
      : Vendor(std::move(settings)), edition_(edition) {}
  std::string_view name() const override { return "greynoise"; }
  bool supports(ObservableType type) const override { return in_mask(kIpTypes, type); }
  Result<std::vector<Candidate>> plan(const Observable& observable) const override {
    auto ip = checked_ip(observable);
    if (!ip) return std::unexpected(ip.error());
    const std::string_view path =
        edition_ == GreyNoiseEdition::kCommunity ? "v3/community" : "v2/noise/context";
    Candidate out{base_request(fmt::format("{}/{}/{}", root_without_slash(settings_.root), path,
                                           url_encode(*ip))),
                  fmt::format("greynoise/{}.json", *ip)};
    // The community API also answers without a key, at a lower rate.
    if (!settings_.key.empty()) out.request.headers.emplace_back("key", settings_.key.reveal());
    return std::vector<Candidate>{std::move(out)};
  }
  Result<Enrichment> interpret(std::string_view body, const Observable& observable) const override {
    return parse_greynoise_response(body, observable);
  }

 private:
  GreyNoiseEdition edition_;
};

// ---------------------------------------------------------------------------------------------
class Shodan final : public Vendor {
 public:
  explicit Shodan(VendorSettings settings) : Vendor(std::move(settings)) {}
  std::string_view name() const override { return "shodan"; }
  bool supports(ObservableType type) const override { return in_mask(kIpTypes, type); }
  Result<std::vector<Candidate>> plan(const Observable& observable) const override {
    auto ip = checked_ip(observable);
    if (!ip) return std::unexpected(ip.error());
    Candidate out{
        base_request(fmt::format("{}/shodan/host/{}?key={}", root_without_slash(settings_.root),
                                 url_encode(*ip), url_encode(settings_.key.reveal()))),
        fmt::format("shodan/{}.json", *ip)};
    return std::vector<Candidate>{std::move(out)};
  }
  Result<Enrichment> interpret(std::string_view body, const Observable& observable) const override {
    return parse_shodan_response(body, observable);
  }
};

// ---------------------------------------------------------------------------------------------
class Rdap final : public Vendor {
 public:
  Rdap(VendorSettings settings, std::shared_ptr<const RdapBootstrap> bootstrap)
      : Vendor(std::move(settings)), bootstrap_(std::move(bootstrap)) {}
  std::string_view name() const override { return "rdap"; }
  bool supports(ObservableType type) const override {
    return in_mask(kIpTypes | bit(ObservableType::kDomain), type);
  }
  Result<std::vector<Candidate>> plan(const Observable& observable) const override {
    std::vector<Candidate> out;
    if (is_ip(observable.type)) {
      auto ip = checked_ip(observable);
      if (!ip) return std::unexpected(ip.error());
      auto server = server_for(*ip, true);
      if (!server) return std::unexpected(server.error());
      out.push_back(candidate(fmt::format("{}ip/{}", *server, url_encode(*ip)),
                              fmt::format("rdap/ip/{}.json", *ip)));
      return out;
    }
    auto domain = checked_domain(observable);
    if (!domain) return std::unexpected(domain.error());
    auto server = server_for(*domain, false);
    if (!server) return std::unexpected(server.error());
    // Registration happens at the registrable domain: walk up to it, never to a bare TLD.
    std::string_view name = *domain;
    while (true) {
      out.push_back(candidate(fmt::format("{}domain/{}", *server, name),
                              fmt::format("rdap/domain/{}.json", name)));
      const auto dot = name.find('.');
      if (dot == std::string_view::npos) break;
      const std::string_view parent = name.substr(dot + 1);
      if (parent.find('.') == std::string_view::npos) break;
      name = parent;
    }
    return out;
  }
  Result<Enrichment> interpret(std::string_view body, const Observable& observable) const override {
    return parse_rdap_response(body, observable);
  }

 private:
  Result<std::string> server_for(const std::string& value, bool ip) const {
    if (!settings_.root.empty()) return root_without_slash(settings_.root) + "/";
    std::optional<std::string> server;
    if (bootstrap_ != nullptr)
      server = ip ? bootstrap_->server_for_ip(value) : bootstrap_->server_for_domain(value);
    if (!server)
      return fail(ErrorCode::kNotFound, "no RDAP server for it in the bootstrap registry");
    return *server;
  }
  Candidate candidate(std::string url, std::string cache_path) const {
    Candidate out{base_request(std::move(url)), std::move(cache_path)};
    out.request.headers = {{"Accept", "application/rdap+json"}};
    return out;
  }

  std::shared_ptr<const RdapBootstrap> bootstrap_;
};

// ---------------------------------------------------------------------------------------------
class Misp final : public Vendor {
 public:
  Misp(VendorSettings settings, const std::filesystem::path& feed_dir)
      : Vendor(std::move(settings)) {
    std::vector<std::string> warnings;
    feed_ = enrich_detail::MispIndex::load(feed_dir, warnings);
  }
  std::string_view name() const override { return "misp"; }
  bool supports(ObservableType type) const override {
    return in_mask(kIpTypes | kHashTypes | bit(ObservableType::kSha512) |
                       bit(ObservableType::kDomain) | bit(ObservableType::kHost) |
                       bit(ObservableType::kUrl) | bit(ObservableType::kEmail) |
                       bit(ObservableType::kFile) | bit(ObservableType::kAsn) |
                       bit(ObservableType::kCve) | bit(ObservableType::kRegistry) |
                       bit(ObservableType::kBitcoin) | bit(ObservableType::kMonero),
                   type);
  }
  Result<std::vector<Candidate>> plan(const Observable& observable) const override {
    auto key = enrich_detail::typed_indicator_key(observable.type, observable.value);
    if (!key) return fail(ErrorCode::kInvalidArgument, "value is not a valid indicator");
    std::string value(trim(observable.value));
    if (is_ip(observable.type)) value = *enrich_detail::canonical_ip_text(value);
    std::string id = key->substr(2);  // the normalized value, without the "i:" kind prefix
    if (observable.type == ObservableType::kUrl || !is_safe_file_id(id)) id = sha256_hex(id);
    Candidate out{base_request(root_without_slash(settings_.root) + "/events/restSearch"),
                  fmt::format("misp/restsearch/{}/{}.json", to_string(observable.type), id)};
    out.request.method = "POST";
    out.request.headers.emplace_back("Authorization", settings_.key.reveal());
    out.request.headers.emplace_back("Content-Type", "application/json");
    out.request.body =
        nlohmann::json{{"returnFormat", "json"}, {"value", value}, {"limit", kMaxEvents}}.dump();
    return std::vector<Candidate>{std::move(out)};
  }

  Result<Enrichment> interpret(std::string_view body, const Observable& observable) const override {
    auto events = server_events(body);
    if (!events) return std::unexpected(events.error());
    enrich_detail::MispIndex answered;
    for (MispEvent& event : *events) answered.add_event(std::move(event));
    std::vector<const MispEvent*> hit_events;
    std::vector<bool> hit_to_ids;
    auto collect = [&](const enrich_detail::MispIndex& index) {
      for (const auto& hit : index.find(observable)) {
        const MispEvent& event = index.event(hit.event);
        auto same = std::find_if(hit_events.begin(), hit_events.end(), [&](const MispEvent* e) {
          return !event.uuid.empty() && e->uuid == event.uuid;
        });
        if (same != hit_events.end()) {
          const auto at = static_cast<std::size_t>(same - hit_events.begin());
          hit_to_ids[at] = hit_to_ids[at] || hit.to_ids;
          continue;
        }
        hit_events.push_back(&event);
        hit_to_ids.push_back(hit.to_ids);
      }
    };
    collect(answered);
    collect(feed_);
    Enrichment out;
    out.observable = observable.value;
    out.type = observable.type;
    out.provider = "misp";
    if (hit_events.empty()) {
      out.status = LookupStatus::kNotFound;
      return out;
    }
    out.status = LookupStatus::kOk;
    // Same rule as the offline MISP provider (parsers.hpp): to_ids in a High or Medium event is
    // malicious, any other hit suspicious; the most severe events lead the summary.
    std::vector<std::size_t> order(hit_events.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return hit_events[a]->threat_level_id < hit_events[b]->threat_level_id;
    });
    bool detection_grade = false;
    for (std::size_t i : order) {
      const MispEvent& event = *hit_events[i];
      push_unique(out.facts.events, event.info.empty() ? event.uuid : event.info);
      for (const std::string& tag : event.tags)
        if (out.facts.tags.size() < kMaxTags) push_unique(out.facts.tags, tag);
      detection_grade =
          detection_grade ||
          (hit_to_ids[i] && (event.threat_level_id == 1 || event.threat_level_id == 2));
    }
    out.verdict = detection_grade ? Verdict::kMalicious : Verdict::kSuspicious;
    return out;
  }

  void after_store(std::string_view body, const IntelCache& cache) const override {
    if (!cache.enabled()) return;
    nlohmann::json root;
    try {
      root = nlohmann::json::parse(body);
    } catch (const nlohmann::json::exception&) {
      return;
    }
    for (const nlohmann::json* event : event_objects(root)) {
      const auto uuid = event->find("uuid");
      if (uuid == event->end() || !uuid->is_string()) continue;
      const std::string id = to_lower(uuid->get<std::string>());
      const bool uuid_like = id.size() <= 64 && std::all_of(id.begin(), id.end(), [](char c) {
                               return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || c == '-';
                             });
      if (!uuid_like || !is_safe_file_id(id)) continue;
      (void)IntelCache::write_file_atomically(cache.dir() / "misp" / (id + ".json"),
                                              nlohmann::json{{"Event", *event}}.dump());
    }
  }

 private:
  static constexpr int kMaxEvents = 20;
  static constexpr std::size_t kMaxTags = 32;

  static void push_unique(std::vector<std::string>& out, std::string value) {
    if (value.empty() || std::find(out.begin(), out.end(), value) != out.end()) return;
    out.push_back(std::move(value));
  }

  // {"response": [{"Event": {...}}, ...]} as events/restSearch answers; a bare array is accepted.
  static std::vector<const nlohmann::json*> event_objects(const nlohmann::json& root) {
    std::vector<const nlohmann::json*> out;
    const nlohmann::json* list = &root;
    if (root.is_object() && root.contains("response")) list = &root["response"];
    if (!list->is_array()) return out;
    for (const auto& item : *list) {
      if (item.is_object() && item.contains("Event") && item["Event"].is_object()) {
        out.push_back(&item["Event"]);
      } else if (item.is_object()) {
        out.push_back(&item);
      }
    }
    return out;
  }

  static Result<std::vector<MispEvent>> server_events(std::string_view body) {
    nlohmann::json root;
    try {
      root = nlohmann::json::parse(body);
    } catch (const nlohmann::json::exception& e) {
      return fail(ErrorCode::kParseError, fmt::format("misp: malformed response ({})", e.id));
    }
    const bool listed = root.is_array() || (root.is_object() && root.contains("response") &&
                                            root["response"].is_array());
    if (!listed) {
      const std::string message =
          root.is_object() ? root.value("message", root.value("name", std::string())) : "";
      return fail(ErrorCode::kParseError, message.empty()
                                              ? "misp: response holds no event list"
                                              : fmt::format("misp: {}", message.substr(0, 200)));
    }
    std::vector<MispEvent> events;
    for (const nlohmann::json* event : event_objects(root)) {
      auto parsed = parse_misp_event(nlohmann::json{{"Event", *event}}.dump());
      if (parsed) events.push_back(std::move(*parsed));
    }
    return events;
  }

  enrich_detail::MispIndex feed_;
};

// ---------------------------------------------------------------------------------------------
constexpr std::string_view kOpenCtiQuery =
    "query SocTriageObservable($value: Any!) {"
    " stixCyberObservables(first: 10, filters: {mode: and, filters: [{key: \"value\","
    " values: [$value]}], filterGroups: []}) {"
    " edges { node { id entity_type observable_value x_opencti_score"
    " objectLabel { value }"
    " indicators(first: 20) { edges { node { id name pattern x_opencti_score revoked"
    " objectLabel { value } } } }"
    " reports(first: 20) { edges { node { name } } } } } } }";

class OpenCti final : public Vendor {
 public:
  explicit OpenCti(VendorSettings settings) : Vendor(std::move(settings)) {}
  std::string_view name() const override { return "opencti"; }
  bool supports(ObservableType type) const override {
    return in_mask(kIpTypes | kHashTypes | bit(ObservableType::kSha512) |
                       bit(ObservableType::kDomain) | bit(ObservableType::kUrl) |
                       bit(ObservableType::kEmail),
                   type);
  }
  Result<std::vector<Candidate>> plan(const Observable& observable) const override {
    auto path = intel_cache_path("opencti", observable);
    if (!path) return fail(ErrorCode::kInvalidArgument, "value cannot name a cache file");
    std::string value(trim(observable.value));
    if (is_ip(observable.type)) {
      auto ip = checked_ip(observable);
      if (!ip) return std::unexpected(ip.error());
      value = *ip;
    } else if (observable.type != ObservableType::kUrl) {
      value = to_lower(value);
    }
    Candidate out{base_request(root_without_slash(settings_.root) + "/graphql"), *path};
    out.request.method = "POST";
    out.request.headers.emplace_back("Authorization", "Bearer " + settings_.key.reveal());
    out.request.headers.emplace_back("Content-Type", "application/json");
    out.request.body =
        nlohmann::json{{"query", kOpenCtiQuery}, {"variables", {{"value", value}}}}.dump();
    return std::vector<Candidate>{std::move(out)};
  }
  Result<Enrichment> interpret(std::string_view body, const Observable& observable) const override {
    return parse_opencti_response(body, observable);
  }
};

}  // namespace

HttpRequest Vendor::base_request(std::string url) const {
  HttpRequest request;
  request.url = std::move(url);
  request.headers = {{"Accept", "application/json"}};
  request.timeout = settings_.timeout;
  request.max_response_bytes = settings_.max_response_bytes;
  return request;
}

std::unique_ptr<Vendor> make_virustotal(VendorSettings settings) {
  return std::make_unique<VirusTotal>(std::move(settings));
}
std::unique_ptr<Vendor> make_abuseipdb(VendorSettings settings) {
  return std::make_unique<AbuseIpdb>(std::move(settings));
}
std::unique_ptr<Vendor> make_greynoise(VendorSettings settings, GreyNoiseEdition edition) {
  return std::make_unique<GreyNoise>(std::move(settings), edition);
}
std::unique_ptr<Vendor> make_shodan(VendorSettings settings) {
  return std::make_unique<Shodan>(std::move(settings));
}
std::unique_ptr<Vendor> make_rdap(VendorSettings settings,
                                  std::shared_ptr<const RdapBootstrap> bootstrap) {
  return std::make_unique<Rdap>(std::move(settings), std::move(bootstrap));
}
std::unique_ptr<Vendor> make_misp(VendorSettings settings, const std::filesystem::path& feed_dir) {
  return std::make_unique<Misp>(std::move(settings), feed_dir);
}
std::unique_ptr<Vendor> make_opencti(VendorSettings settings) {
  return std::make_unique<OpenCti>(std::move(settings));
}
std::string_view opencti_query() {
  return kOpenCtiQuery;
}

}  // namespace soc::live
