// The SIMD block classifiers agree with the scalar reference (their anchors may be a superset).
#include "extract/block_masks.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "extract/public_suffix.hpp"
#include "extract/scanner.hpp"
#include "extract_corpus.hpp"

namespace soc::extract_detail {
namespace {

void expect_agree(const unsigned char* window) {
  BlockMasks reference = block_masks_scalar(window);
  BlockMasks sse2 = block_masks_sse2(window);
  EXPECT_EQ(sse2.alnum, reference.alnum);
  EXPECT_EQ(sse2.anchors & reference.anchors, reference.anchors);  // a superset is allowed
  if (cpu_has_avx2()) {
    BlockMasks avx2 = block_masks_avx2(window);
    EXPECT_EQ(avx2.anchors & reference.anchors, reference.anchors);
    EXPECT_EQ(avx2.alnum, reference.alnum);
  }
  if (cpu_has_avx512()) {
    BlockMasks avx512 = block_masks_avx512(window);
    EXPECT_EQ(avx512.anchors & reference.anchors, reference.anchors);
    EXPECT_EQ(avx512.alnum, reference.alnum);
    // Its rule tables are exact but for the colon (it does not look at the byte before).
    for (std::uint64_t extra = avx512.anchors & ~reference.anchors; extra; extra &= extra - 1)
      EXPECT_EQ(window[1 + __builtin_ctzll(extra)], ':');
  }
}

TEST(BlockMasks, AgreeOnEveryByteTriple) {
  // Every (prev, byte, next) triple with byte in the anchor set, placed at every offset class.
  const std::string anchors = ".@:/\\[({-TSNG";
  unsigned char window[66];
  for (unsigned char anchor : anchors) {
    for (int prev = 0; prev < 256; ++prev) {
      for (int next = 0; next < 256; next += 1) {
        for (int i = 0; i < 66; ++i) window[i] = 'x';
        int at = 1 + (prev + next) % 64;
        window[at - 1] = static_cast<unsigned char>(prev);
        window[at] = anchor;
        window[at + 1] = static_cast<unsigned char>(next);
        BlockMasks reference = block_masks_scalar(window);
        EXPECT_EQ((reference.anchors >> (at - 1)) & 1,
                  anchor_needs_handler(static_cast<unsigned char>(prev), anchor,
                                       static_cast<unsigned char>(next))
                      ? 1u
                      : 0u);
        if (cpu_has_avx2()) {
          BlockMasks avx2 = block_masks_avx2(window);
          ASSERT_EQ(avx2.anchors & reference.anchors, reference.anchors)
              << "anchor " << anchor << " prev " << prev << " next " << next;
        }
        if (cpu_has_avx512()) {
          BlockMasks avx512 = block_masks_avx512(window);
          ASSERT_EQ(avx512.anchors & reference.anchors, reference.anchors)
              << "anchor " << anchor << " prev " << prev << " next " << next;
        }
        BlockMasks sse2 = block_masks_sse2(window);
        ASSERT_EQ(sse2.anchors & reference.anchors, reference.anchors);
      }
    }
  }
}

TEST(BlockMasks, AgreeOnRandomBytes) {
  std::uint64_t state = 0x1234567;
  unsigned char window[66];
  for (int round = 0; round < 20000; ++round) {
    for (auto& b : window) {
      state ^= state << 13;
      state ^= state >> 7;
      state ^= state << 17;
      // Skew towards the interesting bytes so the neighbour tests are exercised.
      static const char kPool[] = ".@:/\\[({-TSNGAaeEdD0123456789 \"'=~_%zZ\x80\xff";
      b = (state & 3) ? static_cast<unsigned char>(kPool[(state >> 8) % (sizeof kPool - 1)])
                      : static_cast<unsigned char>(state >> 16);
    }
    expect_agree(window);
  }
}

TEST(BlockMasks, ClassifiesAlphanumerics) {
  unsigned char window[66] = {};
  std::string text = "ab9_Z-@\x80";
  for (std::size_t i = 0; i < text.size(); ++i) window[i + 1] = static_cast<unsigned char>(text[i]);
  EXPECT_EQ(block_masks_scalar(window).alnum, 0b10111u);
  EXPECT_EQ(block_masks_scalar(window).anchors, 0b1000000u);  // '@'
}

}  // namespace
}  // namespace soc::extract_detail

namespace soc::extract_detail {
namespace {

// Whatever block classifier runs, the extractor finds the same observables.
std::vector<Found> scan_with(BlockMaskFn fn, const std::string& text) {
  static const auto suffixes = PublicSuffixList::load(std::string(kDefaultPublicSuffixPath));
  ScanConfig config;
  config.suffixes = suffixes.get();
  std::vector<Found> found;
  ExtractReport report;
  FoundSink sink(found, 1 << 20, report);
  scan_text(config, text, sink, fn);
  return found;
}

void expect_same_finds(const std::string& text) {
  auto reference = scan_with(&block_masks_scalar, text);
  for (BlockMaskFn fn : {&block_masks_sse2, &block_masks_avx2, &block_masks_avx512}) {
    if (fn == &block_masks_avx2 && !cpu_has_avx2()) continue;
    if (fn == &block_masks_avx512 && !cpu_has_avx512()) continue;
    auto got = scan_with(fn, text);
    ASSERT_EQ(got.size(), reference.size());
    for (std::size_t i = 0; i < got.size(); ++i) {
      EXPECT_EQ(got[i].value, reference[i].value);
      EXPECT_EQ(got[i].start, reference[i].start);
    }
  }
}

TEST(BlockMasks, ExtractionDoesNotDependOnTheClassifier) {
  std::string ecs;
  for (const auto& line : extract_corpus::ecs_events(300)) ecs += line + "\n";
  expect_same_finds(ecs);
  for (const auto& text : extract_corpus::adversarial_texts(4096)) expect_same_finds(text);
  // Random soup of indicator fragments.
  extract_corpus::Rng rng(7);
  static const char* kPieces[] = {
      "1.2.3.4",   "[.]",   "(dot)", "evil", ".com", "hxxp://",
      ":",         "::1",   "@",     "C:\\", "\\\\", "/tmp/",
      "CVE-2021-", "T1059", ".001",  "AS",   "ASN ", "e-",
      " ",         "\"",    "-",     "{",    "(at)", "d41d8cd98f00b204e9800998ecf8427e",
      "%TEMP%\\",  "HKLM\\"};
  for (int round = 0; round < 50; ++round) {
    std::string soup;
    for (int k = 0; k < 400; ++k) soup += kPieces[rng.below(sizeof kPieces / sizeof *kPieces)];
    expect_same_finds(soup);
  }
}

}  // namespace
}  // namespace soc::extract_detail
