// Byte classes for the scanner: one 256-entry table answers every "may this byte be part of X".
#pragma once
#include <array>
#include <cstdint>

namespace soc::extract_detail {

enum CharClass : std::uint16_t {
  kDigit = 1 << 0,
  kHex = 1 << 1,
  kAlpha = 1 << 2,
  kLabel = 1 << 3,     // ASCII part of a DNS label: alnum, '-', '_'
  kHigh = 1 << 4,      // byte >= 0x80 (UTF-8)
  kAnchor = 1 << 5,    // bytes that start a handler
  kLocal = 1 << 6,     // e-mail local part (ASCII)
  kUrl = 1 << 7,       // URL path and query characters (ASCII)
  kWinPath = 1 << 8,   // Windows path component characters (ASCII, no space)
  kUnixPath = 1 << 9,  // Unix path component characters (ASCII)
  kUpper = 1 << 10,
  kLower = 1 << 11,
  kPathStart = 1 << 12,  // may precede a path: whitespace, quotes, '=', brackets, ...
  kSpace = 1 << 13,
  kAlnum = 1 << 14,
};

constexpr std::array<std::uint16_t, 256> make_char_classes() {
  std::array<std::uint16_t, 256> t{};
  for (int c = 0; c < 256; ++c) {
    std::uint16_t v = 0;
    bool digit = c >= '0' && c <= '9';
    bool upper = c >= 'A' && c <= 'Z';
    bool lower = c >= 'a' && c <= 'z';
    bool alnum = digit || upper || lower;
    if (digit) v |= kDigit;
    if (upper) v |= kUpper | kAlpha;
    if (lower) v |= kLower | kAlpha;
    if (alnum) v |= kAlnum;
    if (digit || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')) v |= kHex;
    if (alnum || c == '-' || c == '_') v |= kLabel;
    if (c >= 0x80) v |= kHigh;
    if (alnum || c == '.' || c == '_' || c == '%' || c == '+' || c == '-') v |= kLocal;
    if (c > 0x20 && c < 0x7F && c != '"' && c != '<' && c != '>' && c != '\\' && c != '^' &&
        c != '`' && c != '{' && c != '|' && c != '}' && c != '\'')
      v |= kUrl;
    if (c > 0x20 && c < 0x7F && c != '"' && c != '*' && c != '<' && c != '>' && c != '?' &&
        c != '|' && c != '\\' && c != '/' && c != ',' && c != ';' && c != '\'' && c != '`' &&
        c != '&' && c != '^' && c != ':')
      v |= kWinPath;
    if (alnum || c == '.' || c == '_' || c == '-' || c == '~' || c == '+' || c == '@' || c == '%')
      v |= kUnixPath;
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v') v |= kSpace;
    if ((v & kSpace) || c == 0 || c == '"' || c == '\'' || c == '=' || c == '(' || c == '[' ||
        c == '{' || c == '<' || c == '>' || c == '|' || c == ';' || c == ',' || c == '`' ||
        c == ':')
      v |= kPathStart;
    if (c == '.' || c == '@' || c == ':' || c == '/' || c == '\\' || c == '[' || c == '(' ||
        c == '{' || c == '-' || c == 'T' || c == 'S' || c == 'N' || c == 'G')
      v |= kAnchor;
    t[static_cast<std::size_t>(c)] = v;
  }
  return t;
}

inline constexpr std::array<std::uint16_t, 256> kCharClass = make_char_classes();

inline bool has_class(unsigned char c, std::uint16_t mask) {
  return (kCharClass[c] & mask) != 0;
}

}  // namespace soc::extract_detail
