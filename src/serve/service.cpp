// Wiring of the service's parts, in dependency order.
#include "serve/service.hpp"

#include <spdlog/spdlog.h>

#include <mutex>
#include <vector>

#include "engine/engine.hpp"
#include "serve/directory_watcher.hpp"
#include "serve/intake_gate.hpp"
#include "serve/intake_writer.hpp"
#include "serve/triage_worker.hpp"
#include "serve/webhook.hpp"

namespace soc::serve {

struct Service::Parts {
  Config config;
  Metrics metrics;
  std::unique_ptr<IntakeGate> gate;
  // Destroyed in reverse: sources stop before the writer, the writer before the worker.
  std::unique_ptr<TriageWorker> worker;
  std::unique_ptr<IntakeWriter> writer;
  std::vector<std::unique_ptr<DirectoryWatcher>> watchers;
  std::unique_ptr<WebhookServer> webhook;
  std::once_flag stopped;
};

Service::Service() : parts_(std::make_unique<Parts>()) {}

Service::~Service() {
  stop();
}

Result<std::unique_ptr<Service>> Service::create(const Config& config, const Clock& clock) {
  if (config.store.path.empty() || config.store.path == ":memory:") {
    return fail(ErrorCode::kConfigError,
                "serve needs a store file (--db or store.path): acknowledged alerts must be on "
                "disk");
  }
  std::unique_ptr<Service> service(new Service());
  Parts& parts = *service->parts_;
  parts.config = config;
  auto credentials = load_webhook_credentials(config.serve);
  if (!credentials) return std::unexpected(credentials.error());
  if (credentials->empty() && config.serve.watch.empty()) {
    return fail(ErrorCode::kConfigError,
                "serve has no source: declare serve.sources (webhook senders) or serve.watch");
  }
  auto kb = load_knowledge(config);
  if (!kb) return std::unexpected(kb.error());
  auto intel = load_intel(config, clock);
  if (!intel) return std::unexpected(intel.error());
  for (const auto& warning : (*intel)->warnings()) spdlog::warn("providers: {}", warning);

  // Two connections to one file: intake commits never wait for a triage batch's CPU work.
  SqliteOptions options = sqlite_options(config.store);
  options.busy_timeout_ms = 5000;
  auto triage_store = open_sqlite_store(options, clock);
  if (!triage_store) return std::unexpected(triage_store.error());
  auto intake_store = open_sqlite_store(options, clock);
  if (!intake_store) return std::unexpected(intake_store.error());
  auto counts = (*intake_store)->inbox_counts();
  if (!counts) return std::unexpected(counts.error());
  parts.metrics.backlog = counts->pending;
  if (counts->pending > 0)
    spdlog::info("{} alerts accepted before the last stop wait for triage", counts->pending);

  ReadLimits limits;
  limits.max_alert_bytes = static_cast<std::size_t>(config.limits.max_alert_bytes);
  limits.max_depth = static_cast<std::size_t>(config.limits.max_json_depth);
  parts.gate = std::make_unique<IntakeGate>(kb->normalizers, limits);

  auto engine =
      std::make_unique<Engine>(config, std::move(*kb), *intel, std::move(*triage_store), clock);
  if (auto primed = engine->prime(); !primed) return std::unexpected(primed.error());
  parts.worker = std::make_unique<TriageWorker>(std::move(engine), parts.metrics,
                                                static_cast<std::size_t>(config.store.batch_size));
  IntakeLimits intake_limits;
  intake_limits.queue_alerts = config.serve.queue_alerts;
  intake_limits.max_backlog = config.serve.max_backlog;
  TriageWorker* worker = parts.worker.get();
  parts.writer = std::make_unique<IntakeWriter>(std::move(*intake_store), intake_limits,
                                                parts.metrics, [worker] { worker->notify(); });
  for (const WatchedDirectory& dir : config.serve.watch) {
    parts.watchers.push_back(
        std::make_unique<DirectoryWatcher>(dir, *parts.gate, *parts.writer, parts.metrics));
    parts.watchers.back()->start();
  }
  parts.webhook = std::make_unique<WebhookServer>(parts.config.serve, std::move(*credentials),
                                                  *parts.gate, *parts.writer, parts.metrics);
  if (auto bound = parts.webhook->bind(); !bound) {
    service->stop();
    return std::unexpected(bound.error());
  }
  return service;
}

int Service::port() const {
  return parts_->webhook ? parts_->webhook->port() : 0;
}

Status Service::run() {
  return parts_->webhook->run();
}

const Metrics& Service::metrics() const {
  return parts_->metrics;
}

void Service::stop() {
  if (!parts_) return;
  std::call_once(parts_->stopped, [this] {
    Parts& parts = *parts_;
    if (parts.webhook) parts.webhook->stop();
    for (auto& watcher : parts.watchers) watcher->stop();
    if (parts.writer) parts.writer->stop();
    if (parts.worker) parts.worker->stop();
  });
}

}  // namespace soc::serve
