// Webhook intake with durable acknowledgment: a load generator on loopback posts ECS alerts to a
// running service; a request counts once its 202 says every alert is committed to the store.
#include <benchmark/benchmark.h>
#include <httplib.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "config/config.hpp"
#include "core/time.hpp"
#include "serve/service.hpp"

namespace {

constexpr const char* kToken = "bench-token-0123456789";

// One service for the whole run, as in production: the triage worker drains the inbox on the
// same machine while the intake is measured.
struct RunningService {
  std::filesystem::path dir;
  soc::SystemClock clock;
  std::unique_ptr<soc::serve::Service> service;
  std::thread server;
  std::string alert_template;
  int port = 0;

  RunningService() {
    dir = std::filesystem::temp_directory_path() /
          ("soc-webhook-bench-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    ::setenv("SOC_BENCH_WEBHOOK_TOKEN", kToken, 1);
    soc::Config config;
    config.store.path = (dir / "store.db").string();
    config.serve.listen = "127.0.0.1:0";
    config.serve.max_backlog = 10'000'000;  // measures intake, not the triage rate
    config.serve.sources.push_back(
        soc::WebhookSource{.name = "bench", .token_env = "SOC_BENCH_WEBHOOK_TOKEN"});
    auto created = soc::serve::Service::create(config, clock);
    if (!created) {
      std::fprintf(stderr, "service: %s\n", created.error().message.c_str());
      std::exit(1);
    }
    service = std::move(*created);
    port = service->port();
    server = std::thread([this] { (void)service->run(); });
    std::ifstream in(std::string(SOC_TRIAGE_SOURCE_DIR) +
                     "/examples/scenario-2-ssh-brute-force/alert.json");
    std::stringstream text;
    text << in.rdbuf();
    alert_template = nlohmann::json::parse(text.str()).dump();
  }
  ~RunningService() {
    service->stop();
    server.join();
    std::filesystem::remove_all(dir);
  }
};

RunningService& running() {
  static RunningService instance;
  return instance;
}

std::atomic<std::int64_t> next_alert{0};

std::string ndjson_batch(const std::string& alert_template, int batch) {
  static const std::string kId = "9e1d4c7b-3a2f-4b8e-a6d5-1f0c9b8a7e62";
  std::string body;
  for (int i = 0; i < batch; ++i) {
    std::string alert = alert_template;
    const auto at = alert.find(kId);
    alert.replace(at, kId.size(), "bench-" + std::to_string(next_alert++));
    body += alert;
    body += '\n';
  }
  return body;
}

void BM_Webhook_DurableIntake(benchmark::State& state) {
  RunningService& service = running();
  const int batch = static_cast<int>(state.range(0));
  httplib::Client client("127.0.0.1", service.port);
  client.set_keep_alive(true);
  client.set_tcp_nodelay(true);
  const httplib::Headers headers{{"Authorization", std::string("Bearer ") + kToken}};
  std::int64_t acknowledged = 0;
  std::int64_t refused = 0;
  for (auto _ : state) {
    state.PauseTiming();
    const std::string body = ndjson_batch(service.alert_template, batch);
    state.ResumeTiming();
    auto response = client.Post("/api/v1/alerts", headers, body, "application/x-ndjson");
    if (response && response->status == 202) {
      acknowledged += batch;
    } else {
      ++refused;
    }
  }
  state.SetItemsProcessed(acknowledged);
  state.counters["refused"] = static_cast<double>(refused);
}

// 8 senders (SIEM forwarders) with keep-alive; the batch sizes a Splunk/Elastic webhook or a
// forwarder typically sends.
BENCHMARK(BM_Webhook_DurableIntake)
    ->Arg(1)
    ->Arg(10)
    ->Arg(100)
    ->Threads(8)
    ->Threads(16)
    ->UseRealTime()
    ->MinTime(3.0)
    ->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
