// UTF-8 decoding, IDN label letters, case folding and Punycode encoding.
#include "extract/idna.hpp"

#include <cstdint>

namespace soc::idna {

std::size_t decode_utf8(const unsigned char* s, std::size_t avail, char32_t& code_point) {
  if (avail == 0) return 0;
  unsigned char b0 = s[0];
  if (b0 < 0x80) {
    code_point = b0;
    return 1;
  }
  std::size_t len;
  char32_t cp;
  char32_t min;
  if ((b0 & 0xE0) == 0xC0) {
    len = 2, cp = b0 & 0x1F, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3, cp = b0 & 0x0F, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4, cp = b0 & 0x07, min = 0x10000;
  } else {
    return 0;
  }
  if (avail < len) return 0;
  for (std::size_t i = 1; i < len; ++i) {
    if ((s[i] & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (s[i] & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  code_point = cp;
  return len;
}

bool is_label_letter(char32_t c) {
  if (c < 0x80) return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  if (c < 0x00C0) return false;  // Latin-1 punctuation, NBSP, symbols
  if (c == 0x00D7 || c == 0x00F7) return false;
  if (c <= 0x02AF) return true;                 // Latin-1 letters, Latin Extended A/B, IPA
  if (c >= 0x0300 && c <= 0x036F) return true;  // combining diacritics
  if (c >= 0x0370 && c <= 0x03FF) return c != 0x037E && c != 0x0387;                 // Greek
  if (c >= 0x0400 && c <= 0x052F) return c != 0x0482;                                // Cyrillic
  if (c >= 0x0531 && c <= 0x0587) return true;                                       // Armenian
  if (c >= 0x0591 && c <= 0x05F2) return c != 0x05BE && c != 0x05C0 && c != 0x05C3;  // Hebrew
  if (c >= 0x0620 && c <= 0x06D3) return c != 0x066A && c != 0x066B && c != 0x066C && c != 0x066D;
  if (c >= 0x0900 && c <= 0x0DFF) return c != 0x0964 && c != 0x0965;  // Indic scripts
  if (c >= 0x0E01 && c <= 0x0E4E) return c != 0x0E3F;                 // Thai
  if (c >= 0x10A0 && c <= 0x10FF) return c != 0x10FB;                 // Georgian
  if (c >= 0x1100 && c <= 0x11FF) return true;                        // Hangul Jamo
  if (c >= 0x1E00 && c <= 0x1FFF) return true;  // Latin Extended Additional, Greek Extended
  if (c >= 0x3041 && c <= 0x30FF) return c != 0x30FB && c != 0x30A0;  // kana
  if (c >= 0x3400 && c <= 0x4DBF) return true;                        // CJK Extension A
  if (c >= 0x4E00 && c <= 0x9FFF) return true;                        // CJK Unified Ideographs
  if (c >= 0xAC00 && c <= 0xD7A3) return true;                        // Hangul syllables
  return false;
}

char32_t fold_case(char32_t c) {
  if (c >= 'A' && c <= 'Z') return c + 0x20;
  if (c < 0xC0) return c;
  if (c >= 0x00C0 && c <= 0x00DE && c != 0x00D7) return c + 0x20;
  if (c >= 0x0100 && c <= 0x017F) {
    if (c == 0x0178) return 0x00FF;
    bool even_upper = (c <= 0x0137 && c != 0x0130 && c != 0x0131) || (c >= 0x014A && c <= 0x0177);
    bool odd_upper = (c >= 0x0139 && c <= 0x0148) || (c >= 0x0179 && c <= 0x017E);
    if (even_upper && c % 2 == 0) return c + 1;
    if (odd_upper && c % 2 == 1) return c + 1;
    return c;
  }
  if (c >= 0x0391 && c <= 0x03A9 && c != 0x03A2) return c + 0x20;
  if (c == 0x0386) return 0x03AC;
  if (c >= 0x0388 && c <= 0x038A) return c + 0x25;
  if (c == 0x038C) return 0x03CC;
  if (c == 0x038E || c == 0x038F) return c + 0x3F;
  if (c >= 0x0410 && c <= 0x042F) return c + 0x20;
  if (c >= 0x0400 && c <= 0x040F) return c + 0x50;
  if (((c >= 0x0460 && c <= 0x0481) || (c >= 0x048A && c <= 0x04BF) ||
       (c >= 0x04D0 && c <= 0x04FF)) &&
      c % 2 == 0)
    return c + 1;
  if (c >= 0x0531 && c <= 0x0556) return c + 0x30;
  return c;
}

namespace {

constexpr std::uint32_t kBase = 36, kTmin = 1, kTmax = 26, kSkew = 38, kDamp = 700;
constexpr std::uint32_t kInitialBias = 72, kInitialN = 128;

char digit_char(std::uint32_t d) {
  return static_cast<char>(d < 26 ? 'a' + d : '0' + (d - 26));
}

std::uint32_t adapt(std::uint32_t delta, std::uint32_t points, bool first) {
  delta = first ? delta / kDamp : delta / 2;
  delta += delta / points;
  std::uint32_t k = 0;
  while (delta > ((kBase - kTmin) * kTmax) / 2) {
    delta /= kBase - kTmin;
    k += kBase;
  }
  return k + (kBase - kTmin + 1) * delta / (delta + kSkew);
}

}  // namespace

bool to_a_label(std::u32string_view label, std::string& out) {
  std::string encoded = "xn--";
  std::uint32_t basic = 0;
  for (char32_t c : label) {
    if (c < 0x80) {
      encoded.push_back(static_cast<char>(c));
      ++basic;
    }
  }
  std::uint32_t handled = basic;
  if (basic > 0) encoded.push_back('-');
  std::uint32_t n = kInitialN, delta = 0, bias = kInitialBias;
  const auto total = static_cast<std::uint32_t>(label.size());
  while (handled < total) {
    std::uint32_t m = 0x10FFFF + 1;
    for (char32_t c : label)
      if (c >= n && c < m) m = c;
    // Labels are at most 63 code points, so these products stay far below 2^32.
    delta += (m - n) * (handled + 1);
    n = m;
    for (char32_t c : label) {
      if (c < n) ++delta;
      if (c == n) {
        std::uint32_t q = delta;
        for (std::uint32_t k = kBase;; k += kBase) {
          std::uint32_t t = k <= bias ? kTmin : (k >= bias + kTmax ? kTmax : k - bias);
          if (q < t) break;
          encoded.push_back(digit_char(t + (q - t) % (kBase - t)));
          q = (q - t) / (kBase - t);
        }
        encoded.push_back(digit_char(q));
        bias = adapt(delta, handled + 1, handled == basic);
        delta = 0;
        ++handled;
      }
    }
    ++delta;
    ++n;
    if (encoded.size() > 63) return false;
  }
  if (encoded.size() > 63) return false;
  out += encoded;
  return true;
}

bool label_to_ascii(std::string_view utf8_label, std::string& out) {
  bool ascii = true;
  for (char c : utf8_label)
    if (static_cast<unsigned char>(c) >= 0x80) ascii = false;
  if (ascii) {
    for (char c : utf8_label) out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c);
    return true;
  }
  if (utf8_label.size() > 252) return false;
  std::u32string points;
  const auto* p = reinterpret_cast<const unsigned char*>(utf8_label.data());
  std::size_t i = 0;
  while (i < utf8_label.size()) {
    char32_t cp;
    std::size_t len = decode_utf8(p + i, utf8_label.size() - i, cp);
    if (len == 0) return false;
    if (cp >= 0x80 && !is_label_letter(cp)) return false;
    points.push_back(fold_case(cp));
    i += len;
  }
  return to_a_label(points, out);
}

}  // namespace soc::idna
