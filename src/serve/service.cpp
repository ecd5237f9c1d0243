// Wiring of the service's parts, in dependency order.
#include "serve/service.hpp"

#include <spdlog/spdlog.h>

#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "connectors/connector.hpp"
#include "engine/engine.hpp"
#include "serve/directory_watcher.hpp"
#include "serve/intake_gate.hpp"
#include "serve/intake_writer.hpp"
#include "serve/triage_worker.hpp"
#include "serve/webhook.hpp"

namespace soc::serve {

// Runs every pull source on one thread with its own store connection: connectors commit pages
// and cursors to the inbox themselves (one transaction per page).
class PullLoop {
 public:
  PullLoop(std::vector<connectors::PullSource> sources, std::unique_ptr<Store> store,
           Metrics& metrics, std::int64_t max_backlog, std::function<void()> on_commit)
      : sources_(std::move(sources)),
        store_(std::move(store)),
        metrics_(metrics),
        max_backlog_(max_backlog),
        on_commit_(std::move(on_commit)),
        thread_([this] { run(); }) {}
  ~PullLoop() { stop(); }
  void stop() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

 private:
  void run() {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
      lock.unlock();
      auto next = std::chrono::steady_clock::now() + std::chrono::seconds(1);
      // Pulling waits while the backlog is full: the source keeps the alerts meanwhile.
      if (metrics_.backlog.load() < max_backlog_) {
        for (connectors::PullSource& source : sources_) {
          auto report = source.poll(*store_, std::chrono::steady_clock::now());
          if (report) account(source, *report);
          next = std::min(next, source.next_due());
        }
      }
      lock.lock();
      wake_.wait_until(lock, next, [&] { return stopping_; });
    }
  }
  void account(const connectors::PullSource& source, const connectors::PullReport& report) {
    metrics_.alerts_accepted += static_cast<std::int64_t>(report.accepted);
    metrics_.alerts_duplicate += static_cast<std::int64_t>(report.duplicates);
    metrics_.backlog += static_cast<std::int64_t>(report.accepted);
    if (report.error) {
      ++metrics_.pull_errors;
      spdlog::warn("pull {}: {}", source.name(), report.error->message);
    }
    if (report.accepted > 0 && on_commit_) on_commit_();
  }

  std::vector<connectors::PullSource> sources_;
  std::unique_ptr<Store> store_;
  Metrics& metrics_;
  std::int64_t max_backlog_;
  std::function<void()> on_commit_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

struct Service::Parts {
  Config config;
  Metrics metrics;
  std::unique_ptr<IntakeGate> gate;
  // Destroyed in reverse: sources stop before the writer, the writer before the worker.
  std::unique_ptr<TriageWorker> worker;
  std::unique_ptr<IntakeWriter> writer;
  std::vector<std::unique_ptr<DirectoryWatcher>> watchers;
  std::unique_ptr<PullLoop> pull;
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
  std::vector<connectors::PullSource> pull_sources;
  for (const PullSourceConfig& source : config.pull) {
    if (!source.enabled) continue;
    auto made = connectors::make_pull_source(source, clock);
    if (!made) return std::unexpected(made.error());
    pull_sources.push_back(std::move(*made));
  }
  if (credentials->empty() && config.serve.watch.empty() && pull_sources.empty()) {
    return fail(ErrorCode::kConfigError,
                "serve has no source: declare serve.sources (webhook senders), serve.watch or "
                "pull");
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
  if (!pull_sources.empty()) {
    auto pull_store = open_sqlite_store(options, clock);
    if (!pull_store) {
      service->stop();
      return std::unexpected(pull_store.error());
    }
    parts.pull =
        std::make_unique<PullLoop>(std::move(pull_sources), std::move(*pull_store), parts.metrics,
                                   config.serve.max_backlog, [worker] { worker->notify(); });
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
    if (parts.pull) parts.pull->stop();
    if (parts.writer) parts.writer->stop();
    if (parts.worker) parts.worker->stop();
  });
}

}  // namespace soc::serve
