// The anchor-driven text scanner behind the Extractor: internal to src/extract.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/observable.hpp"
#include "extract/block_masks.hpp"
#include "extract/extractor.hpp"
#include "extract/public_suffix.hpp"

namespace soc::extract_detail {

struct Found {
  ObservableType type{};
  std::uint32_t start = 0;
  std::uint32_t end = 0;
  std::string value;
};

// A set of 64-bit fingerprints, cleared in O(1) between calls (generation counter).
class SeenSet {
 public:
  bool insert(std::uint64_t key);  // false if already present
  bool contains(std::uint64_t key) const;
  void reset();

 private:
  struct Slot {
    std::uint64_t key = 0;
    std::uint32_t generation = 0;
  };
  void grow();
  std::vector<Slot> slots_;
  std::uint32_t generation_ = 1;
  std::size_t size_ = 0;
};

// Receives finds in text order; drops repeats of a (type, value) and counts finds over the cap.
// Not reentrant: one sink per thread at a time (it uses a per-thread fingerprint set).
class FoundSink {
 public:
  FoundSink(std::vector<Found>& out, std::size_t max_observables, ExtractReport& report);
  // A 64-bit fingerprint of (type, value): what repeats are recognised by.
  static std::uint64_t fingerprint(ObservableType type, std::string_view value);
  void add(ObservableType type, std::uint32_t start, std::uint32_t end, std::string_view value,
           std::uint64_t fingerprint);
  void add(ObservableType type, std::uint32_t start, std::uint32_t end, std::string_view value) {
    add(type, start, end, value, fingerprint(type, value));
  }
  bool already_reported(std::uint64_t fingerprint) const { return seen_->contains(fingerprint); }
  ExtractReport& report() { return report_; }

 private:
  std::vector<Found>& out_;
  std::size_t max_;
  std::size_t kept_ = 0;
  ExtractReport& report_;
  SeenSet* seen_ = nullptr;
};

struct ScanConfig {
  const PublicSuffixList* suffixes = nullptr;
  std::size_t max_url_bytes = 8192;
};

// Scans `text` once (time linear in its size) and reports every observable to `sink`. `masks`
// chooses the block classifier (tests compare them); null picks the fastest for this CPU.
void scan_text(const ScanConfig& config, std::string_view text, FoundSink& sink,
               BlockMaskFn masks = nullptr);

}  // namespace soc::extract_detail
