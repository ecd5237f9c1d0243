// 64-byte block classifier for the scanner: bit masks of possible anchors and of alphanumerics.
#pragma once
#include <cstdint>

namespace soc::extract_detail {

struct BlockMasks {
  std::uint64_t anchors;  // bit i: byte i may start a handler (see anchor_needs_handler)
  std::uint64_t alnum;    // bit i: byte i is [0-9A-Za-z]
};

// `window` points at the byte before the block; window[0..65] must be readable (the caller pads
// with NUL at the ends of the text).
using BlockMaskFn = BlockMasks (*)(const unsigned char* window);

// The anchor test with its neighbours, as the scalar mask applies it. The SIMD masks may be looser
// (a superset); the scanner re-checks, so results never depend on which implementation ran.
bool anchor_needs_handler(unsigned char prev, unsigned char byte, unsigned char next);

// Picks the fastest implementation for this CPU (checked once).
BlockMaskFn block_mask_function();
BlockMasks block_masks_scalar(const unsigned char* window);
BlockMasks block_masks_sse2(const unsigned char* window);
BlockMasks block_masks_avx2(const unsigned char* window);
BlockMasks block_masks_avx512(const unsigned char* window);  // AVX-512 F, BW and VBMI
bool cpu_has_avx2();
bool cpu_has_avx512();

}  // namespace soc::extract_detail
