// The anchor-driven text scanner behind the Extractor: internal to src/extract.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "core/observable.hpp"
#include "extract/extractor.hpp"
#include "extract/public_suffix.hpp"

namespace soc::extract_detail {

struct Found {
  ObservableType type{};
  std::uint32_t start = 0;
  std::uint32_t end = 0;
  std::string value;
};

// Receives finds in text order; drops repeats of a (type, value) and counts finds over the cap.
class FoundSink {
 public:
  FoundSink(std::vector<Found>& out, std::size_t max_observables, ExtractReport& report)
      : out_(out), max_(max_observables), report_(report) {}
  void add(ObservableType type, std::uint32_t start, std::uint32_t end, std::string&& value);
  void reset();
  ExtractReport& report() { return report_; }

 private:
  std::vector<Found>& out_;
  std::size_t max_;
  std::size_t kept_ = 0;
  ExtractReport& report_;
  std::unordered_set<std::uint64_t> seen_;
};

struct ScanConfig {
  const PublicSuffixList* suffixes = nullptr;
  std::size_t max_url_bytes = 8192;
};

// Scans `text` once (time linear in its size) and reports every observable to `sink`.
void scan_text(const ScanConfig& config, std::string_view text, FoundSink& sink);

}  // namespace soc::extract_detail
