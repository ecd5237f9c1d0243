// Hostile text costs at most twice the per-byte time of ordinary alert text (issue #4).
#include <gtest/gtest.h>
#include <time.h>

#include <algorithm>
#include <string>
#include <vector>

#include "extract/extractor.hpp"
#include "extract_corpus.hpp"

namespace {

// CPU time of this thread: on a shared machine, wall time would also count the time other
// processes held the core, which says nothing about the extractor.
double thread_seconds() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) * 1e-9;
}

double seconds_for(const soc::Extractor& extractor, const std::vector<std::string>& texts) {
  std::vector<soc::Observable> out;
  double start = thread_seconds();
  for (const auto& text : texts) {
    out.clear();
    soc::ExtractReport report;
    extractor.extract(text, "message", out, report);
  }
  return thread_seconds() - start;
}

std::size_t total_bytes(const std::vector<std::string>& texts) {
  std::size_t n = 0;
  for (const auto& t : texts) n += t.size();
  return n;
}

TEST(ExtractAdversarial, PerByteTimeStaysWithinTwiceOrdinaryAlertText) {
#if !defined(__OPTIMIZE__) || defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  GTEST_SKIP() << "time ratios only mean something in an optimized build without sanitizers";
#endif
  auto extractor = soc::make_extractor();
  // Ordinary: ECS events, one extract() per event, as the pipeline calls it.
  const auto ordinary = soc::extract_corpus::ecs_events(3000);
  // Hostile: a megabyte per pattern (near-matches, ../ runs, a name of 500,000 labels, hex...).
  const auto hostile = soc::extract_corpus::adversarial_texts(1 << 20);
  const double ordinary_bytes = static_cast<double>(total_bytes(ordinary));

  // Best of several interleaved rounds, so a busy machine does not decide the outcome.
  double best_ordinary = 1e9;
  std::vector<double> best_hostile(hostile.size(), 1e9);
  for (int round = 0; round < 9; ++round) {
    best_ordinary = std::min(best_ordinary, seconds_for(*extractor, ordinary));
    for (std::size_t i = 0; i < hostile.size(); ++i)
      best_hostile[i] = std::min(best_hostile[i], seconds_for(*extractor, {hostile[i]}));
  }
  const double ordinary_per_byte = best_ordinary / ordinary_bytes;
  for (std::size_t i = 0; i < hostile.size(); ++i) {
    double per_byte = best_hostile[i] / static_cast<double>(hostile[i].size());
    double ratio = per_byte / ordinary_per_byte;
    EXPECT_LE(ratio, 2.0) << "pattern starting \"" << hostile[i].substr(0, 24)
                          << "\": " << per_byte * 1e9 << " ns/byte vs ordinary "
                          << ordinary_per_byte * 1e9;
    RecordProperty("ratio_" + std::to_string(i), std::to_string(ratio));
  }
}

TEST(ExtractAdversarial, HostileTextYieldsNothingAndReportsTheSkippedChecksums) {
  auto extractor = soc::make_extractor();
  for (const auto& text : soc::extract_corpus::adversarial_texts(1 << 16)) {
    std::vector<soc::Observable> out;
    soc::ExtractReport report;
    extractor->extract(text, "message", out, report);
    EXPECT_EQ(report.bytes_scanned, text.size());
    EXPECT_TRUE(out.empty()) << "pattern starting \"" << text.substr(0, 24) << "\" found "
                             << out.front().value;
    if (text.starts_with("1A1z")) {
      EXPECT_GT(report.checksums_skipped, 0u);
    }
  }
}

}  // namespace
