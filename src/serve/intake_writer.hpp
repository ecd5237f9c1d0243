// The one thread that writes the inbox: deliveries from every source wait in a bounded queue and
// are committed together (one transaction, one fsync, for all that waited), and each submitter
// learns its outcome only after that commit. Threading: submit() from any thread; the writer
// owns its store connection. Failure: a full queue or backlog refuses at once (the caller
// answers 429); a failed commit is reported to every delivery of the group (503: retry).
#pragma once
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <expected>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <thread>

#include "serve/metrics.hpp"
#include "store/store.hpp"

namespace soc::serve {

enum class Refusal { kQueueFull, kBacklogFull, kStopping };

struct IntakeLimits {
  std::int64_t queue_alerts = 20000;
  std::int64_t max_backlog = 500000;
  std::size_t max_group_alerts = 20000;  // alerts in one transaction at most
};

class IntakeWriter {
 public:
  // `on_commit` runs on the writer thread after each successful commit (wakes the triage worker).
  IntakeWriter(std::unique_ptr<Store> store, IntakeLimits limits, Metrics& metrics,
               std::function<void()> on_commit);
  ~IntakeWriter();
  IntakeWriter(const IntakeWriter&) = delete;
  IntakeWriter& operator=(const IntakeWriter&) = delete;

  // Never blocks on the store. The future holds the outcome once the delivery is committed.
  std::expected<std::future<Result<InboundOutcome>>, Refusal> submit(InboundBatch batch);
  // Reads through the writer's connection (cursors of watched files, for instance).
  Result<std::optional<std::string>> read_cursor(std::string_view name);
  // Finishes what is queued, then stops the thread; later submits are refused.
  void stop();

 private:
  struct Waiting {
    InboundBatch batch;
    std::promise<Result<InboundOutcome>> promise;
  };
  void run();

  std::unique_ptr<Store> store_;
  IntakeLimits limits_;
  Metrics& metrics_;
  std::function<void()> on_commit_;
  std::mutex mutex_;
  std::mutex store_mutex_;
  std::condition_variable wake_;
  std::deque<Waiting> queue_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace soc::serve
