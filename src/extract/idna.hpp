// UTF-8 decoding, the letters allowed in internationalised domain labels, and Punycode (RFC 3492).
#pragma once
#include <cstddef>
#include <string>
#include <string_view>

namespace soc::idna {

// Decodes one well-formed UTF-8 sequence at s[0..avail). Returns its length (1-4) and sets
// `code_point`, or 0 when the bytes are not well-formed (overlong, surrogate, truncated).
std::size_t decode_utf8(const unsigned char* s, std::size_t avail, char32_t& code_point);

// Letters and combining marks of the scripts seen in IDNs (Latin, Greek, Cyrillic, Armenian,
// Hebrew, Arabic, Indic, Thai, Georgian, Hangul, kana, CJK). Punctuation, symbols, spaces and
// dingbats are not: they end a label. An approximation of IDNA2008 PVALID that errs on the
// side of ending a name early.
bool is_label_letter(char32_t code_point);

// Simple lower-casing for the scripts above (the one-to-one mappings only).
char32_t fold_case(char32_t code_point);

// Appends the A-label ("xn--" + Punycode) of a label given as lower-cased code points.
// Returns false if the result would exceed 63 bytes.
bool to_a_label(std::u32string_view label, std::string& out);

// Converts a UTF-8 label (letters and LDH characters) to its lower-case A-label, or returns
// false when it holds anything else. ASCII labels are just lower-cased.
bool label_to_ascii(std::string_view utf8_label, std::string& out);

}  // namespace soc::idna
