// Helpers of the live intel tests: fixtures, a manual clock, temporary dirs, recorded outputs.
#pragma once
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

#include "core/enrichment.hpp"
#include "core/time.hpp"
#include "intel_live/live_enricher.hpp"
#include "local_server.hpp"

namespace soc::live::testing {

// Every test key starts with this, so one scan finds any of them wherever it ended up.
inline constexpr const char* kKeyMarker = "TEST-KEY-7f3a9c";
inline std::string test_key(const std::string& vendor) {
  return std::string(kKeyMarker) + "-" + vendor + "-d41e8b";
}

inline std::string fixture(const std::string& relative) {
  const std::string path = std::string(SOC_TRIAGE_TEST_DATA_DIR) + "/intel_live/" + relative;
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("missing fixture " + path);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

class ManualClock final : public Clock {
 public:
  explicit ManualClock(TimestampMs start = 1'780'000'000'000) : now_(start) {}
  TimestampMs now() const override { return now_.load(); }
  void advance(TimestampMs ms) { now_ += ms; }
  void set(TimestampMs t) { now_ = t; }

 private:
  std::atomic<TimestampMs> now_;
};

inline const std::filesystem::path& suite_root() {
  static const std::filesystem::path root = [] {
    auto path = std::filesystem::temp_directory_path() /
                ("soc-intel-live-test-" + std::to_string(::getpid()));
    std::filesystem::create_directories(path);
    return path;
  }();
  return root;
}

// A fresh directory under the suite root; left in place for the end-of-suite key scan.
inline std::filesystem::path fresh_dir(const std::string& label) {
  static std::atomic<int> counter{0};
  auto path = suite_root() / (label + "-" + std::to_string(++counter));
  std::filesystem::create_directories(path);
  return path;
}

// Everything the tests saw come back (errors, facts), for the end-of-suite key scan.
inline std::mutex& outputs_mutex() {
  static std::mutex mutex;
  return mutex;
}
inline std::vector<std::string>& outputs() {
  static std::vector<std::string> texts;
  return texts;
}
inline std::string describe(const Enrichment& e) {
  std::string text = e.provider + " " + e.observable + " " + std::string(to_string(e.status)) +
                     " " + std::string(to_string(e.verdict)) + " " + e.error;
  for (const auto* list : {&e.facts.tags, &e.facts.events, &e.facts.lists, &e.facts.resolutions,
                           &e.facts.vulns, &e.facts.abuse_categories})
    for (const auto& item : *list) text += " " + item;
  text += " " + e.facts.registrar + " " + e.facts.isp + " " + e.facts.certificate_issuer;
  return text;
}
inline void remember(const EnrichmentPtr& e) {
  if (e == nullptr) return;
  std::lock_guard lock(outputs_mutex());
  outputs().push_back(describe(*e));
}
inline void remember(const std::vector<EnrichmentPtr>& all) {
  for (const auto& e : all) remember(e);
}

inline SourceSettings fast_settings() {
  SourceSettings settings;
  settings.rate_per_minute = 100'000;
  settings.retry_backoff = Milliseconds(10);
  return settings;
}

inline VendorSettings vendor_settings(const std::string& root, const std::string& key,
                                      Milliseconds timeout = Milliseconds(1500)) {
  VendorSettings settings;
  settings.root = root;
  settings.key = Secret(key);
  settings.timeout = timeout;
  return settings;
}

inline EgressPolicy allow(const LocalServer& server) {
  EgressPolicy policy;
  (void)policy.allow_root(server.root());
  return policy;
}

// One enricher over `sources`, with a curl client allowed to reach `server` only.
inline std::shared_ptr<LiveEnricher> enricher_for(const LocalServer& server,
                                                  std::vector<LiveSource> sources,
                                                  const Clock& clock,
                                                  const std::filesystem::path& cache_dir = {},
                                                  LiveOptions options = {}) {
  if (options.deadline == LiveOptions{}.deadline) options.deadline = Milliseconds(3000);
  IntelCache cache;
  if (!cache_dir.empty()) cache = IntelCache(cache_dir, CacheTtl{});
  return std::make_shared<LiveEnricher>(
      std::move(sources), std::shared_ptr<HttpClient>(make_curl_client(allow(server))),
      std::move(cache), clock, std::move(options));
}

inline Observable observable(ObservableType type, std::string value) {
  Observable o;
  o.type = type;
  o.value = std::move(value);
  return o;
}
inline Observable ipv4(std::string value) {
  return observable(ObservableType::kIpv4, value);
}

}  // namespace soc::live::testing
