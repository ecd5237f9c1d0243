// A watched directory: new files and lines appended to existing ones become inbox deliveries.
//
// Each file's read position is a store cursor committed in the same transaction as the alerts
// read up to it, so a restart resumes exactly where the last commit ended: nothing read twice,
// nothing skipped. Line files (JSON lines, CEF) are read up to their last complete line; a file
// that is one JSON document or array (or a Sentinel CSV export) is read whole once it has not
// changed for settle_ms. A file is known by device and inode plus a digest of its first bytes,
// so a rotated or replaced file starts over at 0. Threading: start() runs the polling thread;
// poll_once() is for tests and one-shot use. Failure: a file that cannot be read is counted and
// retried next poll; a refusal from the intake queue leaves the position where it was.
#pragma once
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "config/config.hpp"
#include "serve/intake_gate.hpp"
#include "serve/intake_writer.hpp"
#include "serve/metrics.hpp"

namespace soc::serve {

struct WatchPollReport {
  std::size_t files_read = 0;
  std::size_t alerts = 0;  // records delivered (new or duplicate)
  std::size_t errors = 0;
};

class DirectoryWatcher {
 public:
  DirectoryWatcher(WatchedDirectory config, const IntakeGate& gate, IntakeWriter& writer,
                   Metrics& metrics);
  ~DirectoryWatcher();
  DirectoryWatcher(const DirectoryWatcher&) = delete;
  DirectoryWatcher& operator=(const DirectoryWatcher&) = delete;

  WatchPollReport poll_once();
  void start();
  void stop();

 private:
  struct Position;
  bool read_file(const std::string& path, WatchPollReport& report);

  WatchedDirectory config_;
  std::optional<SourceFormat> format_;
  const IntakeGate& gate_;
  IntakeWriter& writer_;
  Metrics& metrics_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace soc::serve
