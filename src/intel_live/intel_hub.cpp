// Building the run's providers from the configuration: live clients, offline readers, AS context.
#include "intel_live/intel_hub.hpp"

#include <filesystem>
#include <set>

#include <fmt/format.h>

#include "enrich/json_fields.hpp"
#include "enrich/offline.hpp"
#include "intel_live/misp_feed.hpp"
#include "intel_live/rdap_bootstrap.hpp"

namespace soc::live {
namespace {

// A shared provider with the configured reliability; one per engine, all over the same object.
class Configured final : public IntelProvider {
 public:
  Configured(std::shared_ptr<IntelProvider> inner, double reliability)
      : inner_(std::move(inner)), reliability_(reliability) {}
  std::string_view name() const override { return inner_->name(); }
  bool supports(ObservableType type) const override { return inner_->supports(type); }
  double reliability() const override { return reliability_; }
  Enrichment lookup(const Observable& observable) const override {
    return inner_->lookup(observable);
  }
  EnrichmentPtr lookup_shared(const Observable& observable) const override {
    return inner_->lookup_shared(observable);
  }

 private:
  std::shared_ptr<IntelProvider> inner_;
  double reliability_;
};

// IP -> AS number (from whichever provider reported it) -> the configured bulletproof-hosting
// list. One provider answers, so the scorer counts the signal once however many sources agree.
class AsnContext final : public IntelProvider {
 public:
  static constexpr std::string_view kListName = "bulletproof_asn (configuration)";

  AsnContext(std::vector<std::shared_ptr<IntelProvider>> sources, std::set<std::uint32_t> listed)
      : sources_(std::move(sources)), listed_(std::move(listed)) {}
  std::string_view name() const override { return "asn"; }
  bool supports(ObservableType type) const override { return is_ip(type); }
  double reliability() const override { return 0.7; }
  Enrichment lookup(const Observable& observable) const override {
    return *lookup_shared(observable);
  }
  EnrichmentPtr lookup_shared(const Observable& observable) const override {
    auto out = std::make_shared<Enrichment>(enrich_detail::make_enrichment(observable, "asn"));
    if (!supports(observable.type)) {
      out->status = LookupStatus::kSkipped;
      return out;
    }
    for (const auto& source : sources_) {
      if (!source->supports(observable.type)) continue;
      const EnrichmentPtr said = source->lookup_shared(observable);
      if (said->status != LookupStatus::kOk || !said->facts.asn) continue;
      out->facts.asn = said->facts.asn;
      out->facts.as_owner = said->facts.as_owner;
      break;
    }
    if (!out->facts.asn) {
      out->status = LookupStatus::kNotFound;
      return out;
    }
    if (!listed_.contains(*out->facts.asn)) {
      out->status = LookupStatus::kNotFound;
      out->error = fmt::format("asn: AS{} is not on the configured bulletproof-hosting list",
                               *out->facts.asn);
      return out;
    }
    out->facts.lists.emplace_back(kListName);
    return out;
  }

 private:
  std::vector<std::shared_ptr<IntelProvider>> sources_;
  std::set<std::uint32_t> listed_;
};

CacheTtl ttl_from(const CacheTtlHours& hours) {
  CacheTtl ttl;
  ttl.ip = hours.ip * kHour;
  ttl.domain = hours.domain * kHour;
  ttl.url = hours.url * kHour;
  ttl.hash = hours.hash * kHour;
  ttl.other = hours.other * kHour;
  ttl.not_found = hours.not_found * kHour;
  return ttl;
}

SourceSettings source_settings(const ProviderSettings& p) {
  SourceSettings s;
  s.rate_per_minute = p.rate_per_minute;
  s.daily_quota = p.daily_quota;
  s.max_retries = p.max_retries;
  s.retry_backoff = Milliseconds(p.retry_backoff_ms);
  s.breaker_failures = p.breaker_failures;
  s.breaker_cooldown_ms = TimestampMs{p.breaker_cooldown_seconds} * 1000;
  s.reliability = p.reliability;
  return s;
}

std::unexpected<Error> config_error(std::string_view vendor, const Error& error) {
  return fail(ErrorCode::kConfigError, fmt::format("providers.{}: {}", vendor, error.message));
}

struct VendorEntry {
  std::string_view name;
  const ProviderSettings& settings;
};

}  // namespace

std::vector<std::unique_ptr<IntelProvider>> IntelHub::providers() const {
  std::vector<std::unique_ptr<IntelProvider>> out;
  out.reserve(entries_.size());
  for (const Entry& entry : entries_)
    out.push_back(std::make_unique<Configured>(entry.provider, entry.reliability));
  return out;
}

Result<std::shared_ptr<IntelHub>> make_intel_hub(const Config& config, const Clock& clock,
                                                 IntelOptions options) {
  auto hub = std::make_shared<IntelHub>();
  const ProvidersConfig& pc = config.providers;
  if (!pc.cache_dir.empty()) {
    hub->intel_dir_ = pc.cache_dir;
  } else if (!config.context_dir.empty()) {
    hub->intel_dir_ = (std::filesystem::path(config.context_dir) / "intel").string();
  }
  const std::filesystem::path intel_dir(hub->intel_dir_);
  const bool network = !pc.offline;
  const std::vector<VendorEntry> vendors{
      {"virustotal", pc.virustotal}, {"abuseipdb", pc.abuseipdb}, {"greynoise", pc.greynoise},
      {"shodan", pc.shodan},         {"rdap", pc.rdap},           {"misp", pc.misp},
      {"opencti", pc.opencti}};
  auto is_live = [&](const VendorEntry& v) { return network && v.settings.enabled; };
  const bool any_live = std::any_of(vendors.begin(), vendors.end(), is_live);
  const bool sync_feeds = network && !pc.misp.feeds.empty() && !hub->intel_dir_.empty();
  const bool refresh_rdap = is_live(vendors[4]) && pc.rdap.base_url.empty() &&
                            pc.rdap.refresh_bootstrap && !hub->intel_dir_.empty();

  // Egress: the configured roots, and nothing else.
  EgressPolicy startup_policy;
  EgressPolicy policy;
  for (const VendorEntry& vendor : vendors) {
    if (!is_live(vendor) || vendor.settings.base_url.empty()) continue;
    if (auto ok = policy.allow_root(vendor.settings.base_url); !ok)
      return config_error(vendor.name, ok.error());
  }
  if (refresh_rdap) {
    if (auto ok = startup_policy.allow_root(pc.rdap.bootstrap_url); !ok)
      return config_error("rdap", ok.error());
  }
  if (sync_feeds) {
    for (const std::string& feed : pc.misp.feeds)
      if (auto ok = startup_policy.allow_root(feed); !ok) return config_error("misp", ok.error());
  }
  std::shared_ptr<HttpClient> startup_http = options.http;
  if (startup_http == nullptr && (refresh_rdap || sync_feeds))
    startup_http = make_curl_client(startup_policy, CurlClientOptions{.proxy = pc.proxy});
  const SteadyTime startup_deadline = SteadyClock::now() + options.startup_deadline;

  if (sync_feeds) {
    for (const std::string& feed : pc.misp.feeds) {
      auto synced = sync_misp_feed(*startup_http, feed, intel_dir / "misp", startup_deadline,
                                   Milliseconds(pc.misp.timeout_ms));
      if (!synced) hub->warnings_.push_back(synced.error().message);
    }
  }

  std::shared_ptr<const RdapBootstrap> bootstrap;
  if (is_live(vendors[4]) && pc.rdap.base_url.empty()) {
    const std::filesystem::path refreshed = intel_dir / "rdap" / "bootstrap";
    if (refresh_rdap) {
      if (auto ok = refresh_rdap_bootstrap(*startup_http, pc.rdap.bootstrap_url, refreshed,
                                           startup_deadline);
          !ok)
        hub->warnings_.push_back(ok.error().message);
    }
    std::filesystem::path shipped = pc.rdap.bootstrap_dir;
    if (shipped.empty() && !options.data_dir.empty())
      shipped = std::filesystem::path(options.data_dir) / "rdap-bootstrap";
    auto loaded = Result<RdapBootstrap>(fail(ErrorCode::kNotFound, "no refreshed registry"));
    if (refresh_rdap) loaded = RdapBootstrap::load(refreshed, false);
    if (!loaded) {
      if (shipped.empty())
        return fail(ErrorCode::kConfigError,
                    "providers.rdap: no bootstrap registry (set providers.rdap.bootstrap_dir)");
      // An operator-supplied registry is a configured root: its http:// servers are honoured.
      loaded = RdapBootstrap::load(shipped, !pc.rdap.bootstrap_dir.empty());
      if (!loaded) return config_error("rdap", loaded.error());
    }
    for (const std::string& server : loaded->servers())
      if (auto ok = policy.allow_root(server); !ok)
        hub->warnings_.push_back(
            fmt::format("rdap: bootstrap server skipped: {}", ok.error().message));
    bootstrap = std::make_shared<const RdapBootstrap>(std::move(*loaded));
  }

  std::vector<LiveSource> sources;
  std::vector<std::size_t> live_slots;  // entries_ index of each live source
  OfflineLoadReport load_report;
  for (const VendorEntry& vendor : vendors) {
    const ProviderSettings& p = vendor.settings;
    if (!is_live(vendor)) {
      if (hub->intel_dir_.empty()) continue;
      std::unique_ptr<IntelProvider> offline;
      if (vendor.name == "virustotal") offline = make_offline_virustotal(intel_dir);
      if (vendor.name == "abuseipdb") offline = make_offline_abuseipdb(intel_dir);
      if (vendor.name == "greynoise") offline = make_offline_greynoise(intel_dir);
      if (vendor.name == "shodan") offline = make_offline_shodan(intel_dir);
      if (vendor.name == "rdap") offline = make_offline_rdap(intel_dir);
      if (vendor.name == "misp") offline = make_offline_misp(intel_dir, &load_report);
      if (vendor.name == "opencti") offline = make_offline_opencti(intel_dir);
      hub->entries_.push_back({std::move(offline), p.reliability});
      continue;
    }
    VendorSettings settings;
    settings.root = p.base_url;
    settings.timeout = Milliseconds(p.timeout_ms);
    const bool key_optional =
        vendor.name == "rdap" || (vendor.name == "greynoise" && p.edition == "community");
    if (vendor.name != "rdap") {
      auto key = load_api_key(p.api_key_env, p.api_key_file);
      if (key) {
        settings.key = std::move(*key);
      } else if (!key_optional) {
        return config_error(vendor.name, key.error());
      } else {
        hub->warnings_.push_back(fmt::format("providers.{}: no API key ({}); asking without one",
                                             vendor.name, key.error().message));
      }
    }
    std::unique_ptr<Vendor> client;
    if (vendor.name == "virustotal") client = make_virustotal(std::move(settings));
    if (vendor.name == "abuseipdb") client = make_abuseipdb(std::move(settings));
    if (vendor.name == "greynoise")
      client = make_greynoise(std::move(settings), p.edition == "enterprise"
                                                       ? GreyNoiseEdition::kEnterprise
                                                       : GreyNoiseEdition::kCommunity);
    if (vendor.name == "shodan") client = make_shodan(std::move(settings));
    if (vendor.name == "rdap") client = make_rdap(std::move(settings), bootstrap);
    if (vendor.name == "misp") client = make_misp(std::move(settings), intel_dir / "misp");
    if (vendor.name == "opencti") client = make_opencti(std::move(settings));
    live_slots.push_back(hub->entries_.size());
    hub->entries_.push_back({nullptr, p.reliability});
    sources.push_back(LiveSource{std::move(client), source_settings(p)});
  }
  if (!hub->intel_dir_.empty())
    hub->entries_.push_back({make_offline_lists(intel_dir, &load_report), 0.7});
  for (std::string& warning : load_report.warnings) hub->warnings_.push_back(std::move(warning));

  if (!sources.empty()) {
    std::shared_ptr<HttpClient> http = options.http;
    if (http == nullptr) http = make_curl_client(policy, CurlClientOptions{.proxy = pc.proxy});
    LiveOptions live_options;
    live_options.deadline = Milliseconds(pc.deadline_ms);
    if (!hub->intel_dir_.empty()) live_options.quota_dir = intel_dir / ".quota";
    IntelCache cache;
    if (!hub->intel_dir_.empty()) {
      cache = IntelCache(intel_dir, ttl_from(pc.cache_ttl_hours));
    } else {
      hub->warnings_.push_back(
          "providers: no intel/ directory (context_dir or providers.cache_dir): live answers are "
          "kept in memory only and daily quotas restart with each run");
    }
    hub->live_ = std::make_shared<LiveEnricher>(std::move(sources), std::move(http),
                                                std::move(cache), clock, live_options);
    auto facades = hub->live_->providers();
    for (std::size_t i = 0; i < facades.size(); ++i)
      hub->entries_[live_slots[i]].provider = std::shared_ptr<IntelProvider>(std::move(facades[i]));
  } else if (any_live) {
    hub->warnings_.push_back("no live provider could be built");
  }

  if (!pc.bulletproof_asns.empty() && !hub->entries_.empty()) {
    std::set<std::uint32_t> listed;
    for (const std::string& text : pc.bulletproof_asns)
      if (auto asn = enrich_detail::parse_asn_text(text)) listed.insert(*asn);
    std::vector<std::shared_ptr<IntelProvider>> sources_of_asn;
    for (const auto& entry : hub->entries_) sources_of_asn.push_back(entry.provider);
    hub->entries_.push_back(
        {std::make_shared<AsnContext>(std::move(sources_of_asn), std::move(listed)), 0.7});
  }
  return hub;
}

Result<std::vector<std::unique_ptr<IntelProvider>>> make_intel_providers(const Config& config,
                                                                         const Clock& clock,
                                                                         IntelOptions options) {
  auto hub = make_intel_hub(config, clock, std::move(options));
  if (!hub) return std::unexpected(hub.error());
  return (*hub)->providers();
}

}  // namespace soc::live
