// Streaming JSON writer.
#include "core/json_writer.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace soc {

namespace {
// 1 for bytes that need attention: control characters, '"', '\\', HTML-significant '<' '>' '&',
// and every non-ASCII byte (validated as UTF-8 below).
constexpr auto kSpecial = [] {
  std::array<unsigned char, 256> t{};
  for (int c = 0; c < 0x20; ++c) t[c] = 1;
  for (int c = 0x80; c < 0x100; ++c) t[c] = 1;
  t['"'] = t['\\'] = t['<'] = t['>'] = t['&'] = 1;
  return t;
}();

#if defined(__SSE2__)
// Bit k set when byte k of `v` needs attention (what kSpecial flags).
unsigned special_mask(__m128i v) {
  // Signed bytes below 0x20 are exactly the control characters and the non-ASCII bytes.
  const __m128i below = _mm_cmplt_epi8(v, _mm_set1_epi8(0x20));
  const __m128i quote = _mm_cmpeq_epi8(v, _mm_set1_epi8('"'));
  const __m128i backslash = _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'));
  const __m128i lt = _mm_cmpeq_epi8(v, _mm_set1_epi8('<'));
  const __m128i gt = _mm_cmpeq_epi8(v, _mm_set1_epi8('>'));
  const __m128i amp = _mm_cmpeq_epi8(v, _mm_set1_epi8('&'));
  const __m128i hit = _mm_or_si128(_mm_or_si128(_mm_or_si128(below, quote), backslash),
                                   _mm_or_si128(_mm_or_si128(lt, gt), amp));
  return static_cast<unsigned>(_mm_movemask_epi8(hit));
}

unsigned special_mask(const char* p) {
  return special_mask(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
}

// Bit k set when byte k of the `n` < 16 bytes at `p` needs attention. Nothing past p + n may be
// read (it could be an unmapped page), so two overlapping words cover the bytes and the mask of
// the second is moved to the positions it read.
unsigned special_mask_short(const char* p, std::size_t n) {
  if (n >= 8) {
    std::uint64_t head, tail;
    std::memcpy(&head, p, sizeof head);
    std::memcpy(&tail, p + n - 8, sizeof tail);
    const unsigned mask =
        special_mask(_mm_set_epi64x(static_cast<long long>(tail), static_cast<long long>(head)));
    return (mask & 0xFF) | (mask >> 8) << (n - 8);
  }
  if (n >= 4) {
    std::uint32_t head, tail;
    std::memcpy(&head, p, sizeof head);
    std::memcpy(&tail, p + n - 4, sizeof tail);
    const unsigned mask = special_mask(
        _mm_set_epi32(0x20202020, 0x20202020, static_cast<int>(tail), static_cast<int>(head)));
    return (mask & 0xF) | (mask >> 4) << (n - 4);
  }
  unsigned mask = 0;
  for (std::size_t k = 0; k < n; ++k)
    mask |= static_cast<unsigned>(kSpecial[static_cast<unsigned char>(p[k])]) << k;
  return mask;
}
#endif

// Index of the first byte at or after `i` that kSpecial flags (s.size() when none). Decisions
// are ~10 KB of mostly plain text in short strings, where a byte-at-a-time scan was most of the
// writer's time.
std::size_t next_special(std::string_view s, std::size_t i) {
#if defined(__SSE2__)
  for (; i + 16 <= s.size(); i += 16)
    if (const unsigned mask = special_mask(s.data() + i); mask != 0)
      return i + static_cast<std::size_t>(std::countr_zero(mask));
  if (i == s.size()) return i;
  // The tail: the last 16 bytes of a longer text (their mask shifted to start at i), else the
  // whole of a short one.
  const std::size_t left = s.size() - i;
  const unsigned mask = s.size() >= 16 ? special_mask(s.data() + s.size() - 16) >> (16 - left)
                                       : special_mask_short(s.data() + i, left);
  return mask != 0 ? i + static_cast<std::size_t>(std::countr_zero(mask)) : s.size();
#else
  while (i < s.size() && !kSpecial[static_cast<unsigned char>(s[i])]) ++i;
  return i;
#endif
}

// `s` as a JSON string, then `tail` (trusted, written as is).
void append_quoted(std::string& out, std::string_view s, std::string_view tail) {
  static constexpr char kHex[] = "0123456789abcdef";
  size_t i = next_special(s, 0);
  if (i == s.size()) {
    // Nothing to escape, the common case: one write instead of three appends.
    const std::size_t at = out.size();
    const std::size_t size = at + s.size() + 2 + tail.size();
    // Returns `size`, not the lambda's second argument: g++ 12's library passes the grown
    // capacity there.
    out.resize_and_overwrite(size, [&](char* p, std::size_t) {
      char* end = p + at;
      *end++ = '"';
      end = std::copy(s.begin(), s.end(), end);
      *end++ = '"';
      std::copy(tail.begin(), tail.end(), end);
      return size;
    });
    return;
  }
  out.reserve(out.size() + s.size() + 2 + tail.size());
  out.push_back('"');
  out.append(s.data(), i);
  while (i < s.size()) {
    // Copy the run of plain characters in one go.
    const size_t j = next_special(s, i);
    if (j > i) {
      out.append(s.data() + i, j - i);
      i = j;
      if (i == s.size()) break;
    }
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      switch (c) {
        case '"':
          out.append("\\\"");
          break;
        case '\\':
          out.append("\\\\");
          break;
        case '\n':
          out.append("\\n");
          break;
        case '\r':
          out.append("\\r");
          break;
        case '\t':
          out.append("\\t");
          break;
        default:
          out.append("\\u00");
          out.push_back(kHex[c >> 4]);
          out.push_back(kHex[c & 0xF]);
      }
      ++i;
      continue;
    }
    // Multi-byte UTF-8: validate, copy if well-formed, else U+FFFD.
    size_t len = 0;
    std::uint32_t cp = 0, min = 0;
    if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1F;
      min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0F;
      min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07;
      min = 0x10000;
    }
    bool ok = len != 0 && i + len <= s.size();
    for (size_t k = 1; ok && k < len; ++k) {
      const auto b = static_cast<unsigned char>(s[i + k]);
      ok = (b & 0xC0) == 0x80;
      cp = (cp << 6) | (b & 0x3F);
    }
    ok = ok && cp >= min && cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF);
    if (ok) {
      out.append(s.data() + i, len);
      i += len;
    } else {
      out.append("\\ufffd");
      ++i;
    }
  }
  out.push_back('"');
  out.append(tail);
}

// `"k":`, with `k` trusted to need no escaping.
void append_plain_key(std::string& out, std::string_view k) {
  const std::size_t at = out.size();
  const std::size_t size = at + k.size() + 3;
  out.resize_and_overwrite(size, [&](char* p, std::size_t) {  // `size`: see append_quoted
    char* end = p + at;
    *end++ = '"';
    end = std::copy(k.begin(), k.end(), end);
    *end++ = '"';
    *end = ':';
    return size;
  });
}

// `"k":"v"`, in one write when neither needs escaping (`key_is_plain`: known not to).
void append_member(std::string& out, std::string_view k, std::string_view v,
                   bool key_is_plain = false) {
  const bool key_plain = key_is_plain || next_special(k, 0) == k.size();
  if (!key_plain || next_special(v, 0) != v.size()) {
    if (key_plain) {
      append_plain_key(out, k);
    } else {
      append_quoted(out, k, ":");
    }
    append_quoted(out, v, {});
    return;
  }
  const std::size_t at = out.size();
  const std::size_t size = at + k.size() + v.size() + 5;
  out.resize_and_overwrite(size, [&](char* p, std::size_t) {  // `size`: see append_quoted
    char* end = p + at;
    *end++ = '"';
    end = std::copy(k.begin(), k.end(), end);
    end = std::copy_n("\":\"", 3, end);
    end = std::copy(v.begin(), v.end(), end);
    *end = '"';
    return size;
  });
}

}  // namespace

void append_json_string(std::string& out, std::string_view s) {
  append_quoted(out, s, {});
}

void JsonWriter::separator() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (depth_ > 0 && container_has_element_) out_.push_back(',');
  container_has_element_ = true;
}

JsonWriter& JsonWriter::begin_object() {
  separator();
  out_.push_back('{');
  ++depth_;
  container_has_element_ = false;
  return *this;
}
JsonWriter& JsonWriter::end_object() {
  out_.push_back('}');
  --depth_;
  container_has_element_ = true;
  return *this;
}
JsonWriter& JsonWriter::begin_array() {
  separator();
  out_.push_back('[');
  ++depth_;
  container_has_element_ = false;
  return *this;
}
JsonWriter& JsonWriter::end_array() {
  out_.push_back(']');
  --depth_;
  container_has_element_ = true;
  return *this;
}
JsonWriter& JsonWriter::dynamic_key(std::string_view k) {
  separator();
  append_quoted(out_, k, ":");
  after_key_ = true;
  return *this;
}
JsonWriter& JsonWriter::text_field(std::string_view k, std::string_view v) {
  separator();
  append_member(out_, k, v);
  return *this;
}
JsonWriter& JsonWriter::literal_key(std::string_view k) {
  separator();
  append_plain_key(out_, k);
  after_key_ = true;
  return *this;
}
JsonWriter& JsonWriter::literal_text_field(std::string_view k, std::string_view v) {
  separator();
  append_member(out_, k, v, true);
  return *this;
}
JsonWriter& JsonWriter::value(std::string_view v) {
  separator();
  append_json_string(out_, v);
  return *this;
}
JsonWriter& JsonWriter::value(std::int64_t v) {
  separator();
  const fmt::format_int text(v);
  out_.append(text.data(), text.size());
  return *this;
}
JsonWriter& JsonWriter::value(double v) {
  separator();
  if (!std::isfinite(v)) {
    out_.append("null");
  } else if (v == std::floor(v) && std::fabs(v) < 1e15) {
    const fmt::format_int text(static_cast<std::int64_t>(v));
    out_.append(text.data(), text.size());
  } else {
    fmt::format_to(std::back_inserter(out_), "{}", v);
  }
  return *this;
}
JsonWriter& JsonWriter::value(bool v) {
  separator();
  out_.append(v ? "true" : "false");
  return *this;
}
JsonWriter& JsonWriter::null() {
  separator();
  out_.append("null");
  return *this;
}
JsonWriter& JsonWriter::raw(std::string_view json) {
  separator();
  out_.append(json);
  return *this;
}
JsonWriter& JsonWriter::items_array(const std::vector<std::string>& items) {
  begin_array();
  for (const auto& s : items) value(s);
  return end_array();
}

}  // namespace soc
