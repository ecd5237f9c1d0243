// Drains the inbox through the engine: each pending row is triaged (or quarantined) and marked
// done in the same store commit as its decision. Threading: one thread owns the engine and its
// store connection. Failure: a failed commit is retried with backoff (the rows stay pending and
// queued); nothing is skipped.
#pragma once
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "engine/engine.hpp"
#include "serve/metrics.hpp"

namespace soc::serve {

class TriageWorker {
 public:
  // `on_decision` (optional) sees each decision after its commit, on the worker thread.
  TriageWorker(std::unique_ptr<Engine> engine, Metrics& metrics, std::size_t batch_size,
               std::function<void(const TriageOutcome&)> on_decision = {});
  ~TriageWorker();
  TriageWorker(const TriageWorker&) = delete;
  TriageWorker& operator=(const TriageWorker&) = delete;

  void notify();  // new rows were committed to the inbox
  // Finishes the rows it holds (flushed to the store), then stops.
  void stop();

 private:
  void run();
  // One round: returns the number of rows taken from the inbox.
  std::size_t drain_once();

  std::unique_ptr<Engine> engine_;
  Metrics& metrics_;
  std::size_t batch_size_;
  std::function<void(const TriageOutcome&)> on_decision_;
  std::int64_t after_id_ = 0;  // rows up to here are in the engine's store batch or done
  std::mutex mutex_;
  std::condition_variable wake_;
  bool work_ = true;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace soc::serve
