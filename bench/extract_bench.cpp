// Extractor throughput on one core: real Sentinel alert rows, synthetic ECS events, hostile text.
#include <benchmark/benchmark.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "../tests/unit/extract/extract_corpus.hpp"
#include "extract/extractor.hpp"

namespace {

std::vector<std::string> sentinel_rows() {
  std::ifstream in(std::string(SOC_TRIAGE_SHARED_DIR) +
                   "/data/sentinel-excytin/extracted_alerts.csv");
  std::vector<std::string> rows;
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line))
    if (!line.empty()) rows.push_back(line);
  return rows;
}

void run(benchmark::State& state, const std::vector<std::string>& texts) {
  auto extractor = soc::make_extractor();
  std::size_t bytes = 0;
  for (const auto& t : texts) bytes += t.size();
  std::vector<soc::Observable> out;
  std::size_t found = 0;
  for (auto _ : state) {
    for (const auto& t : texts) {
      out.clear();
      soc::ExtractReport report;
      extractor->extract(t, "message", out, report);
      found += out.size();
    }
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes * state.iterations()));
  state.counters["observables_per_pass"] =
      static_cast<double>(found) / static_cast<double>(state.iterations());
}

// The 189 real SecurityAlert rows, one extract() per row (1.3 MB per pass).
void BM_Extract_SentinelRows(benchmark::State& state) {
  static const auto rows = sentinel_rows();
  if (rows.empty()) {
    state.SkipWithError("sentinel-excytin data not found");
    return;
  }
  run(state, rows);
}
BENCHMARK(BM_Extract_SentinelRows)->Unit(benchmark::kMillisecond);

// 5,000 generated ECS events (process, network, DNS, auth, e-mail), one extract() per event.
void BM_Extract_EcsEvents(benchmark::State& state) {
  static const auto events = soc::extract_corpus::ecs_events(5000);
  run(state, events);
}
BENCHMARK(BM_Extract_EcsEvents)->Unit(benchmark::kMillisecond);

// Near-miss text (../ runs, a huge dotted name, a megabyte of hex, ...), 1 MB per pattern.
void BM_Extract_Adversarial(benchmark::State& state) {
  static const auto texts = soc::extract_corpus::adversarial_texts(1 << 20);
  run(state, texts);
}
BENCHMARK(BM_Extract_Adversarial)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
