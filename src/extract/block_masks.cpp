// The 64-byte block classifier (scalar, SSE2, AVX2, AVX-512) and the runtime choice.
#include "extract/block_masks.hpp"

#include <array>
#include <cstddef>

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
    case '@':  // the address's domain starts right after it
      return label_or_high(next);
    case '\\':  // a path or key goes on with a component or another separator
      return (n & (kWinPath | kHigh)) || next == '\\' || next == '/';
    case ':':
      return next == '/' || next == '\\' || next == ':' || (n & kHex) ||
             ((prev == '[' || prev == '(' || prev == '{') &&
              (next == ']' || next == ')' || next == '}' || next == ' '));
    case '/':  // not inside a word or "//"; a drive or Unix path goes on after it
      return !label_or_high(prev) && prev != '.' && prev != '/' &&
             ((n & (kWinPath | kHigh)) || next == '\\');
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
// is non-zero. Anchor groups (bits 0-4) by high nibble: 2x {. / ( -}, 3x {:}, 4x {@ N G},
// 5x {\ [ T S}, 7x {{}. Alphanumeric groups (bits 5-7): 3x digits, 4x/6x letters from 1, 5x/7x
// letters up to A. Both sets share one pair of tables, so one lookup classifies the byte.
// The neighbour tests are a cheap superset of anchor_needs_handler for the frequent anchors
// (JSON colons, date dashes, sentence dots, capital letters); the scanner checks the rest.
__attribute__((target("avx2"))) BlockMasks block_masks_avx2(const unsigned char* window) {
  constexpr char kD = 1 << 5, kL1 = 1 << 6;        // alphanumeric groups: digits, letters from 1
  constexpr char kL2 = static_cast<char>(1 << 7);  // letters up to A
  const __m256i class_lo = _mm256_setr_epi8(
      4 | kD | kL2, kD | kL1 | kL2, kD | kL1 | kL2, 8 | kD | kL1 | kL2, 8 | kD | kL1 | kL2,
      kD | kL1 | kL2, kD | kL1 | kL2, 4 | kD | kL1 | kL2, 1 | kD | kL1 | kL2, kD | kL1 | kL2,
      2 | kL1 | kL2, 8 | 16 | kL1, 8 | kL1, 1 | kL1, 1 | 4 | kL1, 1 | kL1,  //
      4 | kD | kL2, kD | kL1 | kL2, kD | kL1 | kL2, 8 | kD | kL1 | kL2, 8 | kD | kL1 | kL2,
      kD | kL1 | kL2, kD | kL1 | kL2, 4 | kD | kL1 | kL2, 1 | kD | kL1 | kL2, kD | kL1 | kL2,
      2 | kL1 | kL2, 8 | 16 | kL1, 8 | kL1, 1 | kL1, 1 | 4 | kL1, 1 | kL1);
  const __m256i class_hi =
      _mm256_setr_epi8(0, 0, 1, 2 | kD, 4 | kL1, 8 | kL2, kL1, 16 | kL2, 0, 0, 0, 0, 0, 0, 0, 0,  //
                       0, 0, 1, 2 | kD, 4 | kL1, 8 | kL2, kL1, 16 | kL2, 0, 0, 0, 0, 0, 0, 0, 0);
  const __m256i zero = _mm256_setzero_si256();
  const __m256i anchor_bits = _mm256_set1_epi8(0x1F);
  BlockMasks m{0, 0};
  for (int half = 0; half < 2; ++half) {
    const unsigned char* w = window + 32 * half;
    __m256i p = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w));
    __m256i x = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w + 1));
    __m256i n = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w + 2));
    __m256i classes = lookup(x, class_lo, class_hi);
    __m256i anchor = _mm256_cmpeq_epi8(_mm256_and_si256(classes, anchor_bits), zero);  // not one
    __m256i alnum = below(classes, 0x20);  // no alphanumeric bit: 0xFF
    // Anchors ruled out by a neighbour: a dot next to a space, quote or bracket (|0x20 folds
    // [ ] onto { }); a colon before a quote; a dash not after 'e'; T/S/N/G before a letter.
    __m256i p_folded = _mm256_or_si256(p, _mm256_set1_epi8(0x20));
    __m256i n_folded = _mm256_or_si256(n, _mm256_set1_epi8(0x20));
    __m256i dot_out = _mm256_and_si256(
        is(x, '.'),
        _mm256_or_si256(_mm256_or_si256(below(p, '-'), below(n, '-')),
                        _mm256_or_si256(_mm256_or_si256(is(p_folded, '{'), is(p_folded, '}')),
                                        _mm256_or_si256(is(n_folded, '{'), is(n_folded, '}')))));
    __m256i colon_out = _mm256_and_si256(is(x, ':'), is(n, '"'));
    __m256i dash_out = _mm256_andnot_si256(is(p_folded, 'e'), is(x, '-'));
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

namespace {

// AVX-512 VBMI can look up any 128-entry byte table in one instruction (vpermi2b), so each byte
// gets eight "rule" bits from three tables: one for the byte itself, one for the byte before it
// and one for the byte after. A rule holds when its bit survives the AND of the three; every
// anchor test of anchor_needs_handler() is such a rule (the colon's a looser one). A fourth
// table gives the alphanumeric class.
enum RuleBit : unsigned char {
  kRuleDot = 1 << 0,        // '.' between label (or UTF-8) bytes
  kRuleAt = 1 << 1,         // '@' before a label byte
  kRuleBackslash = 1 << 2,  // backslash before a path byte or a separator
  kRuleColon = 1 << 3,      // ':' before / : a backslash, a hex digit, ] ) } or space (looser)
  kRuleSlash = 1 << 4,      // '/' not after a label byte, '.' or '/', before a path byte
  kRuleBracket = 1 << 5,    // [ ( { before . @ : space d a (any case)
  kRuleDash = 1 << 6,       // '-' after e
  kRuleUpper = 1 << 7,      // T S N G before a digit, A, space, : # =, not inside a word
};

struct alignas(64) RuleTable {
  std::array<unsigned char, 128> bytes{};
  const unsigned char* data() const { return bytes.data(); }
};

constexpr bool label_or_high_byte(unsigned c) {
  return (kCharClass[c] & (kLabel | kHigh)) != 0;
}

constexpr RuleTable self_rules() {
  RuleTable t;
  for (unsigned c = 0; c < 128; ++c) {
    unsigned char r = 0;
    if (c == '.') r |= kRuleDot;
    if (c == '@') r |= kRuleAt;
    if (c == '\\') r |= kRuleBackslash;
    if (c == ':') r |= kRuleColon;
    if (c == '/') r |= kRuleSlash;
    if (c == '[' || c == '(' || c == '{') r |= kRuleBracket;
    if (c == '-') r |= kRuleDash;
    if (c == 'T' || c == 'S' || c == 'N' || c == 'G') r |= kRuleUpper;
    t.bytes[c] = r;
  }
  return t;
}

constexpr RuleTable alnum_table() {
  RuleTable t;
  for (unsigned c = 0; c < 128; ++c) t.bytes[c] = (kCharClass[c] & kAlnum) ? 0x80 : 0;
  return t;
}

// What a byte allows as the one before an anchor (for bytes >= 0x80: kHighBefore).
constexpr unsigned char rules_before(unsigned c) {
  unsigned char r = kRuleAt | kRuleBackslash | kRuleColon | kRuleBracket;
  if (label_or_high_byte(c)) r |= kRuleDot;
  if (!label_or_high_byte(c) && c != '.' && c != '/') r |= kRuleSlash;
  if ((c | 0x20) == 'e') r |= kRuleDash;
  if (c == 'A' || c == 'S' || c == 's' || !((kCharClass[c] & kAlnum) || c == '_')) r |= kRuleUpper;
  return r;
}

// What a byte allows as the one after an anchor (for bytes >= 0x80: kHighAfter).
constexpr unsigned char rules_after(unsigned c) {
  unsigned char r = kRuleDash;
  if (label_or_high_byte(c)) r |= kRuleDot | kRuleAt;
  bool path_byte = (kCharClass[c] & (kWinPath | kHigh)) != 0;
  if (path_byte || c == '\\' || c == '/') r |= kRuleBackslash;
  if (path_byte || c == '\\') r |= kRuleSlash;
  if (c == '/' || c == '\\' || c == ':' || (kCharClass[c] & kHex) || c == ']' || c == ')' ||
      c == '}' || c == ' ')
    r |= kRuleColon;
  if (c == '.' || c == '@' || c == ':' || c == ' ' || (c | 0x20) == 'd' || (c | 0x20) == 'a')
    r |= kRuleBracket;
  if ((kCharClass[c] & kDigit) || c == 'A' || c == ' ' || c == ':' || c == '#' || c == '=')
    r |= kRuleUpper;
  return r;
}

constexpr RuleTable table_of(unsigned char (*rules)(unsigned)) {
  RuleTable t;
  for (unsigned c = 0; c < 128; ++c) t.bytes[c] = rules(c);
  return t;
}

constexpr RuleTable kSelfRules = self_rules();
constexpr RuleTable kAlnumTable = alnum_table();
constexpr RuleTable kBeforeRules = table_of(rules_before);
constexpr RuleTable kAfterRules = table_of(rules_after);
constexpr unsigned char kHighBefore = rules_before(0x80);
constexpr unsigned char kHighAfter = rules_after(0x80);

}  // namespace

__attribute__((target("avx512f,avx512bw,avx512vbmi"))) BlockMasks block_masks_avx512(
    const unsigned char* window) {
  __m512i p = _mm512_loadu_si512(window);
  __m512i x = _mm512_loadu_si512(window + 1);
  __m512i n = _mm512_loadu_si512(window + 2);
  const __m512i self_lo = _mm512_load_si512(kSelfRules.data());
  const __m512i self_hi = _mm512_load_si512(kSelfRules.data() + 64);
  const __m512i before_lo = _mm512_load_si512(kBeforeRules.data());
  const __m512i before_hi = _mm512_load_si512(kBeforeRules.data() + 64);
  const __m512i after_lo = _mm512_load_si512(kAfterRules.data());
  const __m512i after_hi = _mm512_load_si512(kAfterRules.data() + 64);
  const __m512i alnum_lo = _mm512_load_si512(kAlnumTable.data());
  const __m512i alnum_hi = _mm512_load_si512(kAlnumTable.data() + 64);
  // vpermi2b reads 7 bits of the index: bytes from 0x80 get their rules from the sign bit.
  __mmask64 x_high = _mm512_movepi8_mask(x);
  __m512i self = _mm512_maskz_permutex2var_epi8(~x_high, self_lo, x, self_hi);
  __m512i before = _mm512_mask_blend_epi8(_mm512_movepi8_mask(p),
                                          _mm512_permutex2var_epi8(before_lo, p, before_hi),
                                          _mm512_set1_epi8(static_cast<char>(kHighBefore)));
  __m512i after = _mm512_mask_blend_epi8(_mm512_movepi8_mask(n),
                                         _mm512_permutex2var_epi8(after_lo, n, after_hi),
                                         _mm512_set1_epi8(static_cast<char>(kHighAfter)));
  __m512i held = _mm512_ternarylogic_epi32(self, before, after, 0x80);  // self & before & after
  __m512i alnum = _mm512_maskz_permutex2var_epi8(~x_high, alnum_lo, x, alnum_hi);
  return {_mm512_test_epi8_mask(held, held), _mm512_movepi8_mask(alnum)};
}

bool cpu_has_avx2() {
  return __builtin_cpu_supports("avx2");
}

bool cpu_has_avx512() {
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
         __builtin_cpu_supports("avx512vbmi");
}

BlockMaskFn block_mask_function() {
  static const BlockMaskFn chosen = cpu_has_avx512() ? &block_masks_avx512
                                    : cpu_has_avx2() ? &block_masks_avx2
                                                     : &block_masks_sse2;
  return chosen;
}

#else

BlockMasks block_masks_sse2(const unsigned char* window) {
  return block_masks_scalar(window);
}
BlockMasks block_masks_avx2(const unsigned char* window) {
  return block_masks_scalar(window);
}
BlockMasks block_masks_avx512(const unsigned char* window) {
  return block_masks_scalar(window);
}
bool cpu_has_avx2() {
  return false;
}
bool cpu_has_avx512() {
  return false;
}
BlockMaskFn block_mask_function() {
  return &block_masks_scalar;
}

#endif

}  // namespace soc::extract_detail
