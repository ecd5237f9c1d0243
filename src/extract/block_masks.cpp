// Scalar, SSE2 and AVX2 versions of the 64-byte block classifier, and the runtime choice.
#include "extract/block_masks.hpp"

#include "extract/char_class.hpp"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace soc::extract_detail {

namespace {
bool label_or_high(unsigned char c) {
  return (kCharClass[c] & (kLabel | kHigh)) != 0;
}
}  // namespace

bool anchor_needs_handler(unsigned char prev, unsigned char byte, unsigned char next) {
  std::uint16_t p = kCharClass[prev];
  std::uint16_t n = kCharClass[next];
  switch (byte) {
    case '.':
      return label_or_high(prev) && label_or_high(next);
    case '@':
    case '\\':
      return true;
    case ':':
      return next == '/' || next == '\\' || next == ':' || (n & kHex) ||
             ((prev == '[' || prev == '(' || prev == '{') &&
              (next == ']' || next == ')' || next == '}' || next == ' '));
    case '/':
      return !label_or_high(prev) && prev != '.' && prev != '/';
    case '[':
    case '(':
    case '{':
      return next == '.' || next == '@' || next == ':' || next == ' ' || (next | 0x20) == 'd' ||
             (next | 0x20) == 'a';
    case '-':
      return (prev | 0x20) == 'e';
    case 'T':
    case 'S':
    case 'N':
    case 'G':
      return ((n & kDigit) || next == 'A' || next == ' ' || next == ':' || next == '#' ||
              next == '=') &&
             (prev == 'A' || prev == 'S' || prev == 's' || !((p & kAlnum) || prev == '_'));
    default:
      return false;
  }
}

BlockMasks block_masks_scalar(const unsigned char* window) {
  BlockMasks m{0, 0};
  for (int i = 0; i < 64; ++i) {
    unsigned char c = window[i + 1];
    m.anchors |= static_cast<std::uint64_t>(anchor_needs_handler(window[i], c, window[i + 2])) << i;
    m.alnum |= static_cast<std::uint64_t>((kCharClass[c] & kAlnum) != 0) << i;
  }
  return m;
}

#if defined(__x86_64__)

namespace {

// Unsigned "lo <= x <= hi" per byte, with SSE2 only: min/max are unsigned for epu8.
inline __m128i in_range(__m128i x, unsigned char lo, unsigned char hi) {
  __m128i above = _mm_cmpeq_epi8(_mm_max_epu8(x, _mm_set1_epi8(static_cast<char>(lo))), x);
  __m128i below = _mm_cmpeq_epi8(_mm_min_epu8(x, _mm_set1_epi8(static_cast<char>(hi))), x);
  return _mm_and_si128(above, below);
}

inline __m128i eq(__m128i x, char c) {
  return _mm_cmpeq_epi8(x, _mm_set1_epi8(c));
}

}  // namespace

// Every anchor byte, without the neighbour test: a superset the scanner narrows down.
BlockMasks block_masks_sse2(const unsigned char* window) {
  BlockMasks m{0, 0};
  for (int part = 0; part < 4; ++part) {
    __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(window + 1 + 16 * part));
    __m128i anchor = _mm_or_si128(
        _mm_or_si128(_mm_or_si128(eq(x, '.'), eq(x, '@')), _mm_or_si128(eq(x, ':'), eq(x, '/'))),
        _mm_or_si128(_mm_or_si128(eq(x, '\\'), eq(x, '[')), _mm_or_si128(eq(x, '('), eq(x, '{'))));
    anchor = _mm_or_si128(
        anchor, _mm_or_si128(_mm_or_si128(eq(x, '-'), eq(x, 'T')),
                             _mm_or_si128(_mm_or_si128(eq(x, 'S'), eq(x, 'N')), eq(x, 'G'))));
    __m128i folded = _mm_or_si128(x, _mm_set1_epi8(0x20));
    __m128i alnum = _mm_or_si128(in_range(x, '0', '9'), in_range(folded, 'a', 'z'));
    auto shift = 16 * part;
    m.anchors |= static_cast<std::uint64_t>(static_cast<std::uint16_t>(_mm_movemask_epi8(anchor)))
                 << shift;
    m.alnum |= static_cast<std::uint64_t>(static_cast<std::uint16_t>(_mm_movemask_epi8(alnum)))
               << shift;
  }
  return m;
}

namespace {

__attribute__((target("avx2"))) inline __m256i lookup(__m256i v, __m256i lo_table,
                                                      __m256i hi_table) {
  const __m256i nibble = _mm256_set1_epi8(0x0F);
  __m256i lo = _mm256_and_si256(v, nibble);
  __m256i hi = _mm256_and_si256(_mm256_srli_epi16(v, 4), nibble);
  return _mm256_and_si256(_mm256_shuffle_epi8(lo_table, lo), _mm256_shuffle_epi8(hi_table, hi));
}

__attribute__((target("avx2"))) inline __m256i is(__m256i v, char c) {
  return _mm256_cmpeq_epi8(v, _mm256_set1_epi8(c));
}

// Unsigned byte comparisons: v < c and v > c.
__attribute__((target("avx2"))) inline __m256i below(__m256i v, unsigned char c) {
  return _mm256_cmpeq_epi8(_mm256_min_epu8(v, _mm256_set1_epi8(static_cast<char>(c - 1))), v);
}
__attribute__((target("avx2"))) inline __m256i above(__m256i v, unsigned char c) {
  return _mm256_cmpeq_epi8(_mm256_max_epu8(v, _mm256_set1_epi8(static_cast<char>(c + 1))), v);
}

}  // namespace

// Nibble lookups (vpshufb): a byte is in a set when lo_table[low nibble] & hi_table[high nibble]
// is non-zero. Anchor groups by high nibble: 2x {. / ( -}, 3x {:}, 4x {@ N G}, 5x {\ [ T S},
// 7x {{}. Alphanumeric groups: 3x digits, 4x/6x letters from 1, 5x/7x letters up to A.
// The neighbour tests are a cheap superset of anchor_needs_handler for the frequent anchors
// (JSON colons, date dashes, sentence dots, capital letters); the scanner checks the rest.
__attribute__((target("avx2"))) BlockMasks block_masks_avx2(const unsigned char* window) {
  const __m256i anchor_lo =
      _mm256_setr_epi8(4, 0, 0, 8, 8, 0, 0, 4, 1, 0, 2, 8 | 16, 8, 1, 1 | 4, 1,  //
                       4, 0, 0, 8, 8, 0, 0, 4, 1, 0, 2, 8 | 16, 8, 1, 1 | 4, 1);
  const __m256i anchor_hi = _mm256_setr_epi8(0, 0, 1, 2, 4, 8, 0, 16, 0, 0, 0, 0, 0, 0, 0, 0,  //
                                             0, 0, 1, 2, 4, 8, 0, 16, 0, 0, 0, 0, 0, 0, 0, 0);
  const __m256i alnum_lo =
      _mm256_setr_epi8(1 | 4, 7, 7, 7, 7, 7, 7, 7, 7, 7, 2 | 4, 2, 2, 2, 2, 2,  //
                       1 | 4, 7, 7, 7, 7, 7, 7, 7, 7, 7, 2 | 4, 2, 2, 2, 2, 2);
  const __m256i alnum_hi = _mm256_setr_epi8(0, 0, 0, 1, 2, 4, 2, 4, 0, 0, 0, 0, 0, 0, 0, 0,  //
                                            0, 0, 0, 1, 2, 4, 2, 4, 0, 0, 0, 0, 0, 0, 0, 0);
  const __m256i zero = _mm256_setzero_si256();
  BlockMasks m{0, 0};
  for (int half = 0; half < 2; ++half) {
    const unsigned char* w = window + 32 * half;
    __m256i p = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w));
    __m256i x = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w + 1));
    __m256i n = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w + 2));
    __m256i anchor = _mm256_cmpeq_epi8(lookup(x, anchor_lo, anchor_hi), zero);  // 0xFF: not one
    __m256i alnum = _mm256_cmpeq_epi8(lookup(x, alnum_lo, alnum_hi), zero);
    // Anchors ruled out by a neighbour: a dot next to a space, quote or bracket; a colon before
    // a quote; a dash not after 'e'; T/S/N/G before a letter.
    __m256i dot_out = _mm256_and_si256(is(x, '.'), _mm256_or_si256(below(p, '-'), below(n, '-')));
    __m256i colon_out = _mm256_and_si256(is(x, ':'), is(n, '"'));
    __m256i dash_out =
        _mm256_andnot_si256(is(_mm256_or_si256(p, _mm256_set1_epi8(0x20)), 'e'), is(x, '-'));
    __m256i upper_x = _mm256_and_si256(above(x, 'F'), below(x, 'U'));
    __m256i upper_out = _mm256_and_si256(upper_x, above(n, 'A'));
    __m256i out =
        _mm256_or_si256(_mm256_or_si256(dot_out, colon_out), _mm256_or_si256(dash_out, upper_out));
    auto anchors = static_cast<std::uint32_t>(~_mm256_movemask_epi8(_mm256_or_si256(anchor, out)));
    auto letters = static_cast<std::uint32_t>(~_mm256_movemask_epi8(alnum));
    m.anchors |= static_cast<std::uint64_t>(anchors) << (32 * half);
    m.alnum |= static_cast<std::uint64_t>(letters) << (32 * half);
  }
  return m;
}

bool cpu_has_avx2() {
  return __builtin_cpu_supports("avx2");
}

BlockMaskFn block_mask_function() {
  static const BlockMaskFn chosen = cpu_has_avx2() ? &block_masks_avx2 : &block_masks_sse2;
  return chosen;
}

#else

BlockMasks block_masks_sse2(const unsigned char* window) {
  return block_masks_scalar(window);
}
BlockMasks block_masks_avx2(const unsigned char* window) {
  return block_masks_scalar(window);
}
bool cpu_has_avx2() {
  return false;
}
BlockMaskFn block_mask_function() {
  return &block_masks_scalar;
}

#endif

}  // namespace soc::extract_detail
