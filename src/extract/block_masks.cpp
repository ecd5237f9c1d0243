// Scalar, SSE2 and AVX2 versions of the 64-byte block classifier, and the runtime choice.
#include "extract/block_masks.hpp"

#include "extract/char_class.hpp"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace soc::extract_detail {

namespace {
bool label_or_high(unsigned char c) { return (kCharClass[c] & (kLabel | kHigh)) != 0; }
}  // namespace

bool anchor_needs_handler(unsigned char prev, unsigned char byte, unsigned char next) {
  std::uint16_t p = kCharClass[prev];
  std::uint16_t n = kCharClass[next];
  switch (byte) {
    case '.': return label_or_high(prev) && label_or_high(next);
    case '@':
    case '\\': return true;
    case ':':
      return next == '/' || next == '\\' || next == ':' || (n & kHex) || prev == '[' ||
             prev == '(' || prev == '{';
    case '/': return !label_or_high(prev) && prev != '.' && prev != '/';
    case '[':
    case '(':
    case '{':
      return next == '.' || next == '@' || next == ':' || next == ' ' || (next | 0x20) == 'd' ||
             (next | 0x20) == 'a';
    case '-': return (prev | 0x20) == 'e';
    case 'T':
    case 'S':
    case 'N':
    case 'G':
      return ((n & kDigit) || next == 'A' || next == ' ' || next == ':' || next == '#' ||
              next == '=') &&
             (prev == 'A' || prev == 'S' || prev == 's' || !((p & kAlnum) || prev == '_'));
    default: return false;
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

inline __m128i eq(__m128i x, char c) { return _mm_cmpeq_epi8(x, _mm_set1_epi8(c)); }

}  // namespace

// Every anchor byte, without the neighbour test: a superset the scanner narrows down.
BlockMasks block_masks_sse2(const unsigned char* window) {
  BlockMasks m{0, 0};
  for (int part = 0; part < 4; ++part) {
    __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(window + 1 + 16 * part));
    __m128i anchor = _mm_or_si128(
        _mm_or_si128(_mm_or_si128(eq(x, '.'), eq(x, '@')), _mm_or_si128(eq(x, ':'), eq(x, '/'))),
        _mm_or_si128(_mm_or_si128(eq(x, '\\'), eq(x, '[')), _mm_or_si128(eq(x, '('), eq(x, '{'))));
    anchor = _mm_or_si128(anchor, _mm_or_si128(_mm_or_si128(eq(x, '-'), eq(x, 'T')),
                                               _mm_or_si128(_mm_or_si128(eq(x, 'S'), eq(x, 'N')),
                                                            eq(x, 'G'))));
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

// Nibble lookup (vpshufb): a byte's class bits are lo_table[low nibble] & hi_table[high nibble];
// each bit is one rectangle of (high nibble, low nibble) pairs:  1 digit 3x0-9, 2 letters 4x/6x 1-F, 4 letters 5x/7x 0-A, 8 hex letters 4x/6x 1-6,
//                16 '-', 32 '_', 64 bytes >= 0x80
enum : char { kCDigit = 1, kCAlphaA = 2, kCAlphaB = 4, kCHexAlpha = 8, kCDash = 16, kCUnder = 32,
              kCHigh = 64 };

__attribute__((target("avx2"))) inline __m256i lookup(__m256i v, __m256i lo_table,
                                                      __m256i hi_table) {
  const __m256i nibble = _mm256_set1_epi8(0x0F);
  __m256i lo = _mm256_and_si256(v, nibble);
  __m256i hi = _mm256_and_si256(_mm256_srli_epi16(v, 4), nibble);
  return _mm256_and_si256(_mm256_shuffle_epi8(lo_table, lo), _mm256_shuffle_epi8(hi_table, hi));
}

__attribute__((target("avx2"))) inline __m256i has(__m256i classes, char bits) {
  __m256i none = _mm256_cmpeq_epi8(_mm256_and_si256(classes, _mm256_set1_epi8(bits)),
                                   _mm256_setzero_si256());
  return _mm256_xor_si256(none, _mm256_set1_epi8(-1));
}

__attribute__((target("avx2"))) inline __m256i is(__m256i v, char c) {
  return _mm256_cmpeq_epi8(v, _mm256_set1_epi8(c));
}

}  // namespace

__attribute__((target("avx2"))) BlockMasks block_masks_avx2(const unsigned char* window) {
  constexpr char kAllLetters = kCAlphaA | kCAlphaB;
  constexpr char kLo0 = kCDigit | kCAlphaB | kCHigh;
  constexpr char kLo1to6 = kCDigit | kAllLetters | kCHexAlpha | kCHigh;
  constexpr char kLo7to9 = kCDigit | kAllLetters | kCHigh;
  constexpr char kLoA = kAllLetters | kCHigh;
  constexpr char kLoBtoC = kCAlphaA | kCHigh;
  const __m256i class_lo = _mm256_setr_epi8(
      kLo0, kLo1to6, kLo1to6, kLo1to6, kLo1to6, kLo1to6, kLo1to6, kLo7to9, kLo7to9, kLo7to9, kLoA,
      kLoBtoC, kLoBtoC, kCAlphaA | kCDash | kCHigh, kCAlphaA | kCHigh, kCAlphaA | kCUnder | kCHigh,
      kLo0, kLo1to6, kLo1to6, kLo1to6, kLo1to6, kLo1to6, kLo1to6, kLo7to9, kLo7to9, kLo7to9, kLoA,
      kLoBtoC, kLoBtoC, kCAlphaA | kCDash | kCHigh, kCAlphaA | kCHigh, kCAlphaA | kCUnder | kCHigh);
  constexpr char kHi4or6 = kCAlphaA | kCHexAlpha;
  constexpr char kHi5 = kCAlphaB | kCUnder;
  const __m256i class_hi = _mm256_setr_epi8(
      0, 0, kCDash, kCDigit, kHi4or6, kHi5, kHi4or6, kCAlphaB, kCHigh, kCHigh, kCHigh, kCHigh,
      kCHigh, kCHigh, kCHigh, kCHigh,  //
      0, 0, kCDash, kCDigit, kHi4or6, kHi5, kHi4or6, kCAlphaB, kCHigh, kCHigh, kCHigh, kCHigh,
      kCHigh, kCHigh, kCHigh, kCHigh);
  constexpr char kAlnumBits = kCDigit | kAllLetters;
  constexpr char kLabelBits = kAlnumBits | kCDash | kCUnder | kCHigh;
  const __m256i case_bit = _mm256_set1_epi8(0x20);
  BlockMasks m{0, 0};
  for (int half = 0; half < 2; ++half) {
    const unsigned char* w = window + 32 * half;
    __m256i p = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w));
    __m256i x = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w + 1));
    __m256i n = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w + 2));
    __m256i xc = lookup(x, class_lo, class_hi);
    __m256i pc = lookup(p, class_lo, class_hi);
    __m256i nc = lookup(n, class_lo, class_hi);
    __m256i p_label = has(pc, kLabelBits);
    __m256i n_label = has(nc, kLabelBits);
    __m256i p_open = _mm256_or_si256(_mm256_or_si256(is(p, '['), is(p, '(')), is(p, '{'));
    __m256i n_folded = _mm256_or_si256(n, case_bit);

    __m256i dot = _mm256_and_si256(is(x, '.'), _mm256_and_si256(p_label, n_label));
    __m256i always = _mm256_or_si256(is(x, '@'), is(x, '\\'));
    __m256i colon_next = _mm256_or_si256(
        _mm256_or_si256(is(n, '/'), is(n, '\\')),
        _mm256_or_si256(is(n, ':'), has(nc, kCDigit | kCHexAlpha)));
    __m256i colon = _mm256_and_si256(is(x, ':'), _mm256_or_si256(colon_next, p_open));
    __m256i p_path = _mm256_or_si256(p_label, _mm256_or_si256(is(p, '.'), is(p, '/')));
    __m256i slash = _mm256_andnot_si256(p_path, is(x, '/'));
    __m256i open_next = _mm256_or_si256(
        _mm256_or_si256(_mm256_or_si256(is(n, '.'), is(n, '@')), _mm256_or_si256(is(n, ':'), is(n, ' '))),
        _mm256_or_si256(is(n_folded, 'd'), is(n_folded, 'a')));
    __m256i open = _mm256_and_si256(
        _mm256_or_si256(_mm256_or_si256(is(x, '['), is(x, '(')), is(x, '{')), open_next);
    __m256i dash = _mm256_and_si256(is(x, '-'), is(_mm256_or_si256(p, case_bit), 'e'));
    __m256i upper_x = _mm256_or_si256(_mm256_or_si256(is(x, 'T'), is(x, 'S')),
                                      _mm256_or_si256(is(x, 'N'), is(x, 'G')));
    __m256i upper_next = _mm256_or_si256(
        _mm256_or_si256(has(nc, kCDigit), is(n, 'A')),
        _mm256_or_si256(_mm256_or_si256(is(n, ' '), is(n, ':')), _mm256_or_si256(is(n, '#'), is(n, '='))));
    __m256i p_word = has(pc, kAlnumBits | kCUnder);
    __m256i upper_prev = _mm256_or_si256(
        _mm256_or_si256(is(p, 'A'), _mm256_or_si256(is(p, 'S'), is(p, 's'))),
        _mm256_xor_si256(p_word, _mm256_set1_epi8(-1)));
    __m256i upper = _mm256_and_si256(upper_x, _mm256_and_si256(upper_next, upper_prev));

    __m256i any = _mm256_or_si256(_mm256_or_si256(_mm256_or_si256(dot, always), colon),
                                  _mm256_or_si256(_mm256_or_si256(slash, open),
                                                  _mm256_or_si256(dash, upper)));
    auto anchors = static_cast<std::uint32_t>(_mm256_movemask_epi8(any));
    auto alnum = static_cast<std::uint32_t>(_mm256_movemask_epi8(has(xc, kAlnumBits)));
    m.anchors |= static_cast<std::uint64_t>(anchors) << (32 * half);
    m.alnum |= static_cast<std::uint64_t>(alnum) << (32 * half);
  }
  return m;
}

bool cpu_has_avx2() { return __builtin_cpu_supports("avx2"); }

BlockMaskFn block_mask_function() {
  static const BlockMaskFn chosen = cpu_has_avx2() ? &block_masks_avx2 : &block_masks_sse2;
  return chosen;
}

#else

BlockMasks block_masks_sse2(const unsigned char* window) { return block_masks_scalar(window); }
BlockMasks block_masks_avx2(const unsigned char* window) { return block_masks_scalar(window); }
bool cpu_has_avx2() { return false; }
BlockMaskFn block_mask_function() { return &block_masks_scalar; }

#endif

}  // namespace soc::extract_detail
