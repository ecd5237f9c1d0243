// Parse + normalize throughput per SIEM format on one core (MB/s and alerts/s), as the engine
// does it: one reused simdjson parser, registry auto-detection, then the chosen normalizer.
#include <benchmark/benchmark.h>
#include <simdjson.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "parse/cef_normalizer.hpp"
#include "parse/mapped_normalizer.hpp"
#include "parse/normalizer.hpp"
#include "parse/sentinel_csv.hpp"

namespace {

namespace fs = std::filesystem;

const fs::path kFormats =
    fs::path(__FILE__).parent_path().parent_path() / "tests" / "data" / "formats";

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// Samples are pretty-printed for review; alerts arrive minified, so measure minified bytes.
std::string minified(const std::string& json) {
  std::string out(json.size(), '\0');
  std::size_t length = 0;
  if (simdjson::minify(json.data(), json.size(), out.data(), length) != simdjson::SUCCESS)
    return json;
  out.resize(length);
  return out;
}

std::vector<std::string> json_samples(const char* format) {
  std::vector<std::string> docs;
  for (const auto& entry : fs::directory_iterator(kFormats / format)) {
    const std::string name = entry.path().filename().string();
    if (name.ends_with(".json") && !name.ends_with(".expected.json"))
      docs.push_back(minified(read_file(entry.path())));
  }
  return docs;
}

std::vector<std::string> sentinel_csv_rows() {
  std::vector<std::string> rows;
  auto converted =
      soc::sentinel_csv_to_json(read_file(kFormats / "sentinel" / "excytin_extracted_alerts.csv"));
  if (!converted) return rows;
  for (auto& row : *converted)
    if (!row.error) rows.push_back(std::move(row.json));
  return rows;
}

void run_json(benchmark::State& state, const std::vector<std::string>& docs,
              const soc::FormatsConfig& formats = {}) {
  if (docs.empty()) {
    state.SkipWithError("no samples found");
    return;
  }
  soc::NormalizerRegistry registry;
  soc::register_builtin_normalizers(registry);
  if (!soc::register_mapped_normalizers(registry, formats)) {
    state.SkipWithError("the mapping does not compile");
    return;
  }
  simdjson::dom::parser parser;
  std::size_t bytes = 0, failures = 0;
  for (const auto& d : docs) bytes += d.size();
  for (auto _ : state) {
    for (const auto& d : docs) {
      simdjson::dom::element doc;
      if (parser.parse(d).get(doc) != simdjson::SUCCESS) {
        ++failures;
        continue;
      }
      auto alert = registry.normalize(doc, d);
      failures += !alert;
      benchmark::DoNotOptimize(alert);
    }
  }
  if (failures) state.SkipWithError("a sample failed to normalize");
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes * state.iterations()));
  state.SetItemsProcessed(static_cast<std::int64_t>(docs.size() * state.iterations()));
  state.counters["bytes_per_alert"] = static_cast<double>(bytes) / static_cast<double>(docs.size());
}

// Elastic Security alerts: the three reference scenarios as the alerts index holds them.
void BM_Parse_Ecs(benchmark::State& state) {
  static const auto docs = [] {
    std::vector<std::string> out;
    for (const auto& entry :
         fs::directory_iterator(kFormats.parent_path().parent_path().parent_path() / "examples"))
      out.push_back(minified(read_file(entry.path() / "alert.json")));
    std::erase_if(out, [](const std::string& d) { return d.empty(); });
    return out;
  }();
  run_json(state, docs);
}
BENCHMARK(BM_Parse_Ecs);

// A home-grown format read through a configured field mapping (formats.mappings).
void BM_Parse_MappedFormat(benchmark::State& state) {
  const fs::path dir = kFormats.parent_path() / "parse" / "mapped";
  static const auto docs = [&] {
    std::vector<std::string> out;
    for (const auto& entry : fs::directory_iterator(dir)) {
      const std::string name = entry.path().filename().string();
      if (name.ends_with(".json") && !name.ends_with(".expected.json"))
        out.push_back(minified(read_file(entry.path())));
    }
    return out;
  }();
  static const auto config = soc::parse_config(read_file(dir / "acme_xdr.yaml"));
  if (!config) {
    state.SkipWithError("acme_xdr.yaml does not load");
    return;
  }
  run_json(state, docs, config->formats);
}
BENCHMARK(BM_Parse_MappedFormat);

void BM_Parse_Splunk(benchmark::State& state) {
  static const auto docs = json_samples("splunk");
  run_json(state, docs);
}
BENCHMARK(BM_Parse_Splunk);

void BM_Parse_SentinelApiRows(benchmark::State& state) {
  static const auto docs = [] {
    std::vector<std::string> out;
    for (auto& d : json_samples("sentinel"))
      if (d.find("\"TenantId\":\"e34d562e") == std::string::npos)
        out.push_back(std::move(d));  // written ones
    return out;
  }();
  run_json(state, docs);
}
BENCHMARK(BM_Parse_SentinelApiRows);

// The 189 real SecurityAlert rows (converted from the CSV once, outside the timing).
void BM_Parse_SentinelExcytinRows(benchmark::State& state) {
  static const auto docs = sentinel_csv_rows();
  run_json(state, docs);
}
BENCHMARK(BM_Parse_SentinelExcytinRows)->Unit(benchmark::kMillisecond);

// The CSV export to JSON rows alone (1.3 MB, 189 rows).
void BM_Parse_SentinelCsvToJson(benchmark::State& state) {
  static const std::string csv = read_file(kFormats / "sentinel" / "excytin_extracted_alerts.csv");
  std::size_t rows = 0;
  for (auto _ : state) {
    auto converted = soc::sentinel_csv_to_json(csv);
    rows = converted ? converted->size() : 0;
    benchmark::DoNotOptimize(converted);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(csv.size() * state.iterations()));
  state.SetItemsProcessed(static_cast<std::int64_t>(rows * state.iterations()));
}
BENCHMARK(BM_Parse_SentinelCsvToJson)->Unit(benchmark::kMillisecond);

void BM_Parse_Secops(benchmark::State& state) {
  static const auto docs = json_samples("secops");
  run_json(state, docs);
}
BENCHMARK(BM_Parse_Secops);

void BM_Parse_Wazuh(benchmark::State& state) {
  static const auto docs = json_samples("wazuh");
  run_json(state, docs);
}
BENCHMARK(BM_Parse_Wazuh);

void BM_Parse_Ocsf(benchmark::State& state) {
  static const auto docs = json_samples("ocsf");
  run_json(state, docs);
}
BENCHMARK(BM_Parse_Ocsf);

// CEF lines through normalize_cef_line (the real Barracuda lines and the written ones).
void BM_Parse_Cef(benchmark::State& state) {
  static const auto lines = [] {
    std::vector<std::string> out;
    for (const char* file : {"barracuda_waf.log", "arcsight_threats.log"}) {
      std::istringstream in(read_file(kFormats / "cef" / file));
      for (std::string line; std::getline(in, line);)
        if (!line.empty()) out.push_back(line);
    }
    return out;
  }();
  std::size_t bytes = 0, failures = 0;
  for (const auto& l : lines) bytes += l.size();
  for (auto _ : state) {
    for (const auto& l : lines) {
      auto alert = soc::normalize_cef_line(l);
      failures += !alert;
      benchmark::DoNotOptimize(alert);
    }
  }
  if (failures || lines.empty()) state.SkipWithError("a CEF line failed to normalize");
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes * state.iterations()));
  state.SetItemsProcessed(static_cast<std::int64_t>(lines.size() * state.iterations()));
}
BENCHMARK(BM_Parse_Cef);

}  // namespace

BENCHMARK_MAIN();
