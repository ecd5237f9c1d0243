// Bitcoin (base58check, bech32/bech32m) and Monero (block base58 + Keccak-256) address checks.
#include "extract/crypto_address.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>
#endif

namespace soc::crypto_address {
namespace {

#if defined(__x86_64__)
// One SHA-256 block with the x86 SHA extensions (about ten times the scalar speed). The state
// is kept as the instructions want it: one register with A B E F, one with C D G H.
__attribute__((target("sha,sse4.1"))) void compress_sha_ni(std::uint32_t* h,
                                                           const std::uint8_t* block,
                                                           const std::uint32_t* k) {
  const __m128i byte_swap = _mm_set_epi64x(0x0c0d0e0f08090a0bll, 0x0405060700010203ll);
  __m128i abcd = _mm_loadu_si128(reinterpret_cast<const __m128i*>(h));
  __m128i efgh = _mm_loadu_si128(reinterpret_cast<const __m128i*>(h + 4));
  __m128i badc = _mm_shuffle_epi32(abcd, 0xB1);
  __m128i hgfe = _mm_shuffle_epi32(efgh, 0x1B);
  __m128i abef = _mm_alignr_epi8(badc, hgfe, 8);
  __m128i cdgh = _mm_blend_epi16(hgfe, badc, 0xF0);
  const __m128i abef_start = abef, cdgh_start = cdgh;
  __m128i w[4];
  for (int i = 0; i < 4; ++i)
    w[i] = _mm_shuffle_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(block + 16 * i)),
                            byte_swap);
  for (int group = 0; group < 16; ++group) {  // four rounds each
    __m128i& current = w[group % 4];
    if (group >= 4) {
      // W[t] = s1(W[t-2]) + W[t-7] + s0(W[t-15]) + W[t-16], four words at a time.
      const __m128i& previous = w[(group + 3) % 4];
      __m128i seven_back = _mm_alignr_epi8(previous, w[(group + 2) % 4], 4);
      current = _mm_sha256msg2_epu32(
          _mm_add_epi32(_mm_sha256msg1_epu32(current, w[(group + 1) % 4]), seven_back), previous);
    }
    __m128i sum =
        _mm_add_epi32(current, _mm_loadu_si128(reinterpret_cast<const __m128i*>(k + 4 * group)));
    // Each call does two rounds and returns the new A B E F; the old one is the new C D G H,
    // so after the pair the two registers hold their names again.
    cdgh = _mm_sha256rnds2_epu32(cdgh, abef, sum);
    abef = _mm_sha256rnds2_epu32(abef, cdgh, _mm_shuffle_epi32(sum, 0x0E));
  }
  abef = _mm_add_epi32(abef, abef_start);
  cdgh = _mm_add_epi32(cdgh, cdgh_start);
  __m128i in_order = _mm_shuffle_epi32(abef, 0x1B);  // a b e f
  __m128i pairs = _mm_shuffle_epi32(cdgh, 0xB1);     // g h c d
  _mm_storeu_si128(reinterpret_cast<__m128i*>(h), _mm_blend_epi16(in_order, pairs, 0xF0));
  _mm_storeu_si128(reinterpret_cast<__m128i*>(h + 4), _mm_alignr_epi8(pairs, in_order, 8));
}

// CPUID directly: not every compiler's __builtin_cpu_supports knows "sha".
bool cpu_has_sha_ni() {
  static const bool has = [] {
    unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx) || !(ecx & (1u << 19))) return false;  // SSE4.1
    if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return false;
    return (ebx & (1u << 29)) != 0;  // SHA
  }();
  return has;
}
#endif

// SHA-256 (FIPS 180-4), only for the 21-byte payload of a base58check address: linked here
// rather than through OpenSSL, whose one-shot call costs more than the whole check should.
class Sha256 {
 public:
  static std::array<std::uint8_t, 32> hash(const std::uint8_t* data, std::size_t len) {
    const Constants& k = kConstants;
    std::uint32_t h[8];
    std::memcpy(h, k.initial, sizeof h);
    std::uint8_t block[64];
    std::size_t done = 0;
    bool padded = false, length_written = false;
    while (!length_written) {
      std::size_t take = len - done < 64 ? len - done : 64;
      std::memset(block, 0, 64);
      std::memcpy(block, data + done, take);
      done += take;
      if (take < 64 && !padded) {
        block[take] = 0x80;
        padded = true;
      }
      if (padded && take < 56) {
        std::uint64_t bits = static_cast<std::uint64_t>(len) * 8;
        for (int i = 0; i < 8; ++i) block[63 - i] = static_cast<std::uint8_t>(bits >> (8 * i));
        length_written = true;
      }
#if defined(__x86_64__)
      if (cpu_has_sha_ni()) {
        compress_sha_ni(h, block, k.round);
        continue;
      }
#endif
      compress(h, block, k.round);
    }
    std::array<std::uint8_t, 32> out{};
    for (int i = 0; i < 32; ++i)
      out[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(h[i / 4] >> (24 - 8 * (i % 4)));
    return out;
  }

 private:
  struct Constants {
    std::uint32_t initial[8];
    std::uint32_t round[64];
    // The fractional bits of square and cube roots of the first primes, computed exactly with
    // integer roots instead of being typed in.
    Constants() {
      __extension__ using U128 = unsigned __int128;
      auto root_bits = [](std::uint64_t prime, int degree) {
        U128 target = static_cast<U128>(prime) << (32 * degree);  // prime * 2^(32*degree)
        std::uint64_t lo = 0, hi = 1ull << 40;
        while (lo < hi) {  // largest x with x^degree <= target
          std::uint64_t mid = (lo + hi + 1) / 2;
          U128 power = 1;
          for (int i = 0; i < degree; ++i) power *= mid;
          if (power <= target)
            lo = mid;
          else
            hi = mid - 1;
        }
        return static_cast<std::uint32_t>(lo);  // the low 32 bits are the fraction
      };
      int found = 0;
      for (std::uint64_t candidate = 2; found < 64; ++candidate) {
        bool prime = true;
        for (std::uint64_t d = 2; d * d <= candidate; ++d) prime = prime && candidate % d != 0;
        if (!prime) continue;
        if (found < 8) initial[found] = root_bits(candidate, 2);
        round[found++] = root_bits(candidate, 3);
      }
    }
  };

  static const Constants kConstants;

  static std::uint32_t rotr(std::uint32_t v, int n) {
    return (v >> n) | (v << (32 - n));
  }

  static void compress(std::uint32_t* h, const std::uint8_t* block, const std::uint32_t* k) {
    std::uint32_t w[64];
    for (int i = 0; i < 16; ++i)
      w[i] = static_cast<std::uint32_t>(block[4 * i] << 24 | block[4 * i + 1] << 16 |
                                        block[4 * i + 2] << 8 | block[4 * i + 3]);
    for (int i = 16; i < 64; ++i) {
      std::uint32_t s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
      std::uint32_t s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
      w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    std::uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
    for (int i = 0; i < 64; ++i) {
      std::uint32_t t1 =
          hh + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + k[i] + w[i];
      std::uint32_t t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
      hh = g, g = f, f = e, e = d + t1, d = c, c = b, b = a, a = t1 + t2;
    }
    h[0] += a, h[1] += b, h[2] += c, h[3] += d, h[4] += e, h[5] += f, h[6] += g, h[7] += hh;
  }
};

const Sha256::Constants Sha256::kConstants;

constexpr std::string_view kBase58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

struct Base58Table {
  std::array<int8_t, 256> value{};
  Base58Table() {
    value.fill(-1);
    for (std::size_t i = 0; i < kBase58.size(); ++i)
      value[static_cast<unsigned char>(kBase58[i])] = static_cast<int8_t>(i);
  }
};
const Base58Table kBase58Table;

int base58_digit(char c) {
  return kBase58Table.value[static_cast<unsigned char>(c)];
}

// Big-endian base58 decode into exactly `out_len` (<= 28) bytes; false on overflow or a bad
// character. Works on 32-bit limbs, least significant first.
bool base58_decode(std::string_view text, std::uint8_t* out, std::size_t out_len) {
  std::uint32_t limbs[7] = {};
  // Five digits at a time (58^5 < 2^32): one pass over the limbs per chunk, not per digit.
  for (std::size_t i = 0; i < text.size();) {
    std::uint32_t chunk = 0, scale = 1;
    for (int k = 0; k < 5 && i < text.size(); ++k, ++i) {
      int digit = base58_digit(text[i]);
      if (digit < 0) return false;
      chunk = chunk * 58 + static_cast<std::uint32_t>(digit);
      scale *= 58;
    }
    std::uint64_t carry = chunk;
    for (std::uint32_t& limb : limbs) {
      carry += static_cast<std::uint64_t>(scale) * limb;
      limb = static_cast<std::uint32_t>(carry);
      carry >>= 32;
    }
    if (carry) return false;  // the value only grows, so overflowing now is overflowing at all
  }
  for (std::size_t i = 0; i < 28; ++i) {
    auto byte = static_cast<std::uint8_t>(limbs[i / 4] >> (8 * (i % 4)));
    if (i < out_len)
      out[out_len - 1 - i] = byte;
    else if (byte)
      return false;  // does not fit in out_len bytes
  }
  return true;
}

bool is_base58check_bitcoin(std::string_view text) {
  if (text.size() < 26 || text.size() > 35) return false;
  if (text[0] != '1' && text[0] != '3') return false;
  std::uint8_t raw[25];
  if (!base58_decode(text, raw, sizeof raw)) return false;
  // Each leading '1' stands for one zero byte, so a too-short string decodes with extra zeros.
  std::size_t leading_ones = 0;
  while (leading_ones < text.size() && text[leading_ones] == '1') ++leading_ones;
  std::size_t leading_zero_bytes = 0;
  while (leading_zero_bytes < sizeof raw && raw[leading_zero_bytes] == 0) ++leading_zero_bytes;
  if (leading_ones != leading_zero_bytes) return false;
  if (raw[0] != (text[0] == '1' ? 0x00 : 0x05)) return false;
  auto first = Sha256::hash(raw, 21);
  auto second = Sha256::hash(first.data(), first.size());
  return std::memcmp(second.data(), raw + 21, 4) == 0;
}

constexpr std::string_view kBech32Charset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

std::uint32_t bech32_polymod_step(std::uint32_t chk, std::uint32_t value) {
  static constexpr std::uint32_t kGenerator[5] = {0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd,
                                                  0x2a1462b3};
  std::uint32_t top = chk >> 25;
  chk = ((chk & 0x1ffffff) << 5) ^ value;
  for (int i = 0; i < 5; ++i)
    if ((top >> i) & 1) chk ^= kGenerator[i];
  return chk;
}

bool is_segwit_bitcoin(std::string_view text) {
  if (text.size() < 14 || text.size() > 90) return false;
  bool lower = false, upper = false;
  for (char c : text) {
    if (c >= 'a' && c <= 'z') lower = true;
    if (c >= 'A' && c <= 'Z') upper = true;
  }
  if (lower && upper) return false;
  auto lc = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; };
  if (lc(text[0]) != 'b' || lc(text[1]) != 'c' || text[2] != '1') return false;
  std::uint8_t data[90];
  std::size_t n = 0;
  for (std::size_t i = 3; i < text.size(); ++i) {
    std::size_t v = kBech32Charset.find(lc(text[i]));
    if (v == std::string_view::npos) return false;
    data[n++] = static_cast<std::uint8_t>(v);
  }
  if (n < 7) return false;  // version + checksum at least
  std::uint32_t chk = 1;
  for (char c : std::string_view("bc"))
    chk = bech32_polymod_step(chk, static_cast<unsigned>(c) >> 5);
  chk = bech32_polymod_step(chk, 0);
  for (char c : std::string_view("bc"))
    chk = bech32_polymod_step(chk, static_cast<unsigned>(c) & 31);
  for (std::size_t i = 0; i < n; ++i) chk = bech32_polymod_step(chk, data[i]);
  std::uint8_t version = data[0];
  if (version > 16) return false;
  const std::uint32_t expected = version == 0 ? 1u : 0x2bc830a3u;
  if (chk != expected) return false;
  // The witness program: 5-bit groups after the version, without the 6 checksum symbols.
  std::size_t bits = (n - 7) * 5;
  std::size_t program_bytes = bits / 8;
  if (bits % 8 >= 5) return false;  // more padding than a byte conversion allows
  if (program_bytes < 2 || program_bytes > 40) return false;
  if (version == 0 && program_bytes != 20 && program_bytes != 32) return false;
  return true;
}

// Keccak-f[1600] with the original (pre-SHA-3) padding, as Monero's cn_fast_hash uses it.
class Keccak256 {
 public:
  static std::array<std::uint8_t, 32> hash(const std::uint8_t* data, std::size_t len) {
    static const Constants constants;
    std::uint64_t state[25] = {};
    constexpr std::size_t kRate = 136;
    std::uint8_t block[kRate];
    while (true) {
      std::size_t take = len < kRate ? len : kRate;
      std::memset(block, 0, kRate);
      std::memcpy(block, data, take);
      bool last = take < kRate;
      if (last) {
        block[take] ^= 0x01;
        block[kRate - 1] ^= 0x80;
      }
      for (std::size_t i = 0; i < kRate / 8; ++i) {
        std::uint64_t lane = 0;
        for (int b = 7; b >= 0; --b)
          lane = (lane << 8) | block[i * 8 + static_cast<std::size_t>(b)];
        state[i] ^= lane;
      }
      permute(state, constants);
      if (last) break;
      data += take;
      len -= take;
    }
    std::array<std::uint8_t, 32> out{};
    for (std::size_t i = 0; i < 32; ++i)
      out[i] = static_cast<std::uint8_t>(state[i / 8] >> (8 * (i % 8)));
    return out;
  }

 private:
  struct Constants {
    std::uint64_t round[24];
    int rotation[25];
    Constants() {
      // Round constants from the degree-8 LFSR of FIPS 202 (section 3.2.5).
      std::uint8_t lfsr = 1;
      for (int r = 0; r < 24; ++r) {
        round[r] = 0;
        for (int j = 0; j < 7; ++j) {
          if (lfsr & 1) round[r] |= 1ull << ((1 << j) - 1);
          lfsr = static_cast<std::uint8_t>((lfsr & 0x80) ? (lfsr << 1) ^ 0x71 : lfsr << 1);
        }
      }
      // Rotation offsets (section 3.2.2): walk (x, y) from (1, 0).
      rotation[0] = 0;
      int x = 1, y = 0;
      for (int t = 0; t < 24; ++t) {
        rotation[x + 5 * y] = ((t + 1) * (t + 2) / 2) % 64;
        int nx = y, ny = (2 * x + 3 * y) % 5;
        x = nx;
        y = ny;
      }
    }
  };

  static std::uint64_t rotl(std::uint64_t v, int n) {
    return n == 0 ? v : (v << n) | (v >> (64 - n));
  }

  static void permute(std::uint64_t* a, const Constants& k) {
    for (int r = 0; r < 24; ++r) {
      std::uint64_t c[5], d[5], b[25];
      for (int x = 0; x < 5; ++x) c[x] = a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20];
      for (int x = 0; x < 5; ++x) d[x] = c[(x + 4) % 5] ^ rotl(c[(x + 1) % 5], 1);
      for (int i = 0; i < 25; ++i) a[i] ^= d[i % 5];
      for (int x = 0; x < 5; ++x)
        for (int y = 0; y < 5; ++y)
          b[y + 5 * ((2 * x + 3 * y) % 5)] = rotl(a[x + 5 * y], k.rotation[x + 5 * y]);
      for (int x = 0; x < 5; ++x)
        for (int y = 0; y < 5; ++y)
          a[x + 5 * y] = b[x + 5 * y] ^ (~b[(x + 1) % 5 + 5 * y] & b[(x + 2) % 5 + 5 * y]);
      a[0] ^= k.round[r];
    }
  }
};

}  // namespace

bool is_bitcoin(std::string_view text) {
  if (text.size() >= 3 && (text[2] == '1') && (text[0] == 'b' || text[0] == 'B'))
    return is_segwit_bitcoin(text);
  return is_base58check_bitcoin(text);
}

bool is_monero(std::string_view text) {
  if (text.size() != 95 && text.size() != 106) return false;
  if (text[0] != '4' && text[0] != '8') return false;
  // Monero base58 works on 8-byte blocks written as 11 characters; the last block is shorter.
  static constexpr int kBlockBytesForChars[12] = {0, -1, 1, 2, -1, 3, 4, 5, -1, 6, 7, 8};
  std::uint8_t raw[80];
  std::size_t raw_len = 0;
  for (std::size_t pos = 0; pos < text.size(); pos += 11) {
    std::string_view chunk = text.substr(pos, 11);
    int bytes = kBlockBytesForChars[chunk.size()];
    if (bytes <= 0) return false;
    std::uint64_t value = 0;
    for (char c : chunk) {
      int digit = base58_digit(c);
      if (digit < 0) return false;
      if (__builtin_mul_overflow(value, 58u, &value)) return false;
      if (__builtin_add_overflow(value, static_cast<unsigned>(digit), &value)) return false;
    }
    if (bytes < 8 && (value >> (8 * bytes)) != 0) return false;
    for (int i = bytes - 1; i >= 0; --i) {
      raw[raw_len + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(value & 0xFF);
      value >>= 8;
    }
    raw_len += static_cast<std::size_t>(bytes);
  }
  std::uint8_t net = raw[0];
  bool integrated = text.size() == 106;
  if (integrated ? net != 19 : (net != 18 && net != 42)) return false;
  auto digest = Keccak256::hash(raw, raw_len - 4);
  return std::memcmp(digest.data(), raw + raw_len - 4, 4) == 0;
}

}  // namespace soc::crypto_address
