// Live enrichment cost: warm cache per alert, disk-cache lookups, lookups/s on a local server.
#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <filesystem>

#include "../tests/unit/intel_live/local_server.hpp"
#include "intel_live/live_enricher.hpp"

namespace {
using namespace soc;
using namespace soc::live;
using soc::live::testing::json_reply;
using soc::live::testing::LocalServer;
using soc::live::testing::ServerRequest;

constexpr std::string_view kVt =
    R"({"data":{"type":"ip_address","id":"x","attributes":{"last_analysis_stats":)"
    R"({"malicious":3,"suspicious":0,"undetected":10,"harmless":57},"asn":64500,"country":"NL",)"
    R"("as_owner":"Example Hosting","reputation":-5,"tags":["scanner"]}}})";
constexpr std::string_view kAbuse =
    R"({"data":{"ipAddress":"x","abuseConfidenceScore":87,"totalReports":412,"isWhitelisted":false,)"
    R"("countryCode":"NL","isp":"Example Hosting","usageType":"Data Center/Web Hosting/Transit"}})";
constexpr std::string_view kGreyNoise =
    R"({"ip":"x","noise":true,"riot":false,"classification":"malicious","name":"unknown",)"
    R"("last_seen":"2026-03-01","message":"Success"})";

class FixedClock final : public Clock {
 public:
  TimestampMs now() const override { return 1'780'000'000'000; }
};

struct Setup {
  LocalServer server;
  FixedClock clock;

  Setup() {
    server.fallback([](const ServerRequest& r) {
      if (r.path.starts_with("/vt/")) return json_reply(200, std::string(kVt));
      if (r.path.starts_with("/abuse/")) return json_reply(200, std::string(kAbuse));
      return json_reply(200, std::string(kGreyNoise));
    });
  }
  std::shared_ptr<LiveEnricher> enricher(const std::filesystem::path& cache_dir = {}) {
    SourceSettings settings;
    settings.rate_per_minute = 1'000'000;
    auto vendor = [&](const std::string& root) {
      VendorSettings v;
      v.root = server.root(root);
      v.key = Secret("bench-key");
      return v;
    };
    std::vector<LiveSource> sources;
    sources.push_back(LiveSource{make_virustotal(vendor("/vt")), settings});
    sources.push_back(LiveSource{make_abuseipdb(vendor("/abuse")), settings});
    sources.push_back(
        LiveSource{make_greynoise(vendor("/gn"), GreyNoiseEdition::kCommunity), settings});
    EgressPolicy policy;
    (void)policy.allow_root(server.root());
    IntelCache cache;
    if (!cache_dir.empty()) cache = IntelCache(cache_dir, CacheTtl{});
    LiveOptions options;
    options.deadline = Milliseconds(5000);
    return std::make_shared<LiveEnricher>(std::move(sources), make_curl_client(policy),
                                          std::move(cache), clock, options);
  }
};

// `count` distinct addresses; batches with different salts never share one.
std::vector<Observable> ips(int count, int salt) {
  std::vector<Observable> out;
  for (int i = 0; i < count; ++i) {
    const auto n = static_cast<std::uint32_t>(salt) * 4096u + static_cast<std::uint32_t>(i);
    Observable o;
    o.type = ObservableType::kIpv4;
    o.value = fmt::format("10.{}.{}.{}", (n >> 16) & 255, (n >> 8) & 255, n & 255);
    out.push_back(std::move(o));
  }
  return out;
}

// An alert of 3 IPs drawn from 500 already looked up: the steady state of a long run.
void BM_Enrich_WarmCachePerAlert(benchmark::State& state) {
  Setup setup;
  auto live = setup.enricher();
  const auto pool = ips(500, 1);
  for (std::size_t i = 0; i < pool.size(); i += 50)
    (void)live->enrich(std::span<const Observable>(&pool[i], 50));
  std::size_t next = 0;
  for (auto _ : state) {
    const Observable alert[3] = {pool[next % 500], pool[(next * 7 + 3) % 500],
                                 pool[(next * 13 + 5) % 500]};
    ++next;
    benchmark::DoNotOptimize(live->enrich(alert));
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["requests"] = static_cast<double>(setup.server.count());
}
BENCHMARK(BM_Enrich_WarmCachePerAlert)->Unit(benchmark::kMicrosecond);

// The same through the IntelProvider facades, as the engine asks (observable by provider).
void BM_Enrich_WarmFacadesPerAlert(benchmark::State& state) {
  Setup setup;
  auto live = setup.enricher();
  auto providers = live->providers();
  const auto pool = ips(500, 2);
  for (std::size_t i = 0; i < pool.size(); i += 50)
    (void)live->enrich(std::span<const Observable>(&pool[i], 50));
  std::size_t next = 0;
  for (auto _ : state) {
    for (int k = 0; k < 3; ++k) {
      const Observable& o = pool[(next * 7 + static_cast<std::size_t>(k) * 131) % 500];
      for (const auto& p : providers) benchmark::DoNotOptimize(p->lookup_shared(o));
    }
    ++next;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Enrich_WarmFacadesPerAlert)->Unit(benchmark::kMicrosecond);

// A new process over a warm intel/ cache: each lookup reads and parses one cached file.
void BM_Enrich_DiskCacheLookup(benchmark::State& state) {
  Setup setup;
  const auto dir = std::filesystem::temp_directory_path() / "soc-enrich-bench-cache";
  std::filesystem::remove_all(dir);
  const auto pool = ips(500, 3);
  {
    auto warm = setup.enricher(dir);
    for (std::size_t i = 0; i < pool.size(); i += 50)
      (void)warm->enrich(std::span<const Observable>(&pool[i], 50));
  }
  const auto requests_before = setup.server.count();
  auto live = setup.enricher(dir);
  std::size_t next = 0;
  for (auto _ : state) {
    if (next == pool.size()) {
      state.PauseTiming();
      live = setup.enricher(dir);  // memory forgotten, disk kept
      next = 0;
      state.ResumeTiming();
    }
    benchmark::DoNotOptimize(live->enrich(std::span<const Observable>(&pool[next++], 1)));
  }
  state.SetItemsProcessed(state.iterations() * 3);  // three providers per observable
  state.counters["requests"] = static_cast<double>(setup.server.count() - requests_before);
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_Enrich_DiskCacheLookup)->Unit(benchmark::kMicrosecond);

// Fresh observables every round: 16 IPs x 3 providers = 48 requests in parallel per round.
void BM_Enrich_LookupsPerSecondLocalServer(benchmark::State& state) {
  Setup setup;
  auto live = setup.enricher();
  int salt = 10;
  const auto start = std::chrono::steady_clock::now();
  for (auto _ : state) {
    const auto batch = ips(16, salt++);
    benchmark::DoNotOptimize(live->enrich(batch));
  }
  const std::chrono::duration<double> wall = std::chrono::steady_clock::now() - start;
  state.SetItemsProcessed(state.iterations() * 48);
  state.counters["lookups_per_s_wall"] =
      static_cast<double>(state.iterations() * 48) / wall.count();
  state.counters["requests"] = static_cast<double>(setup.server.count());
}
BENCHMARK(BM_Enrich_LookupsPerSecondLocalServer)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
