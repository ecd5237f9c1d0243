// A small streaming JSON writer: decisions are written on the hot path, where building a DOM
// first would cost more than the rest of the triage. Output is compact and valid UTF-8 JSON
// (invalid input bytes become U+FFFD, control characters and '<' '>' '&' are escaped so the
// text is safe to embed in HTML).
#pragma once
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace soc {

// A key given as a string literal. Checked at compile time to need no escaping (no control
// character, quote, backslash, '<', '>', '&' or non-ASCII byte), so the writer copies it as it
// is.
class JsonKey {
 public:
  template <std::size_t N>
  consteval JsonKey(const char (&k)[N]) : text_(k, N - 1) {  // NOLINT: implicit on purpose
    for (const char c : text_) {
      const auto byte = static_cast<unsigned char>(c);
      if (byte < 0x20 || byte >= 0x80 || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&')
        throw "a JSON key literal must need no escaping";  // a compile error, never thrown
    }
  }
  std::string_view text() const { return text_; }

 private:
  std::string_view text_;
};

// Keys known only at run time (facts, parameters, test input): escaped like values. Arrays
// are literals, which JsonKey takes.
template <class K>
concept DynamicKey = std::convertible_to<const K&, std::string_view> && !std::is_array_v<K>;

class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}

  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  // Keys written as string literals are checked when the program is compiled and copied as
  // they are (a decision writes about 250); any other key is escaped like a value.
  JsonWriter& key(JsonKey k) { return literal_key(k.text()); }
  template <DynamicKey K>
  JsonWriter& key(const K& k) {
    return dynamic_key(k);
  }
  JsonWriter& value(std::string_view v);
  JsonWriter& value(const char* v) { return value(std::string_view(v)); }
  JsonWriter& value(const std::string& v) { return value(std::string_view(v)); }
  JsonWriter& value(std::int64_t v);
  JsonWriter& value(int v) { return value(static_cast<std::int64_t>(v)); }
  JsonWriter& value(std::uint32_t v) { return value(static_cast<std::int64_t>(v)); }
  JsonWriter& value(double v);
  JsonWriter& value(bool v);
  JsonWriter& null();
  // Inserts already-serialized JSON (trusted: produced by this program).
  JsonWriter& raw(std::string_view json);

  template <class T>
  JsonWriter& field(JsonKey k, const T& v) {
    if constexpr (std::is_convertible_v<const T&, std::string_view>) {
      return literal_text_field(k.text(), v);
    } else {
      literal_key(k.text());
      return value(v);
    }
  }
  template <DynamicKey K, class T>
  JsonWriter& field(const K& k, const T& v) {
    if constexpr (std::is_convertible_v<const T&, std::string_view>) {
      return text_field(k, v);
    } else {
      dynamic_key(k);
      return value(v);
    }
  }
  JsonWriter& string_array(JsonKey k, const std::vector<std::string>& items) {
    literal_key(k.text());
    return items_array(items);
  }
  template <DynamicKey K>
  JsonWriter& string_array(const K& k, const std::vector<std::string>& items) {
    dynamic_key(k);
    return items_array(items);
  }

 private:
  void separator();
  // A string member written in one piece: most of a decision's members are short texts.
  JsonWriter& text_field(std::string_view k, std::string_view v);
  JsonWriter& literal_key(std::string_view k);
  JsonWriter& dynamic_key(std::string_view k);
  JsonWriter& items_array(const std::vector<std::string>& items);
  JsonWriter& literal_text_field(std::string_view k, std::string_view v);
  std::string& out_;
  // No stack of per-container flags: a new container starts empty, and closing one leaves its
  // parent holding at least that element, so one flag and the depth say where commas go.
  int depth_ = 0;
  bool container_has_element_ = false;
  bool after_key_ = false;
};

void append_json_string(std::string& out, std::string_view s);

}  // namespace soc
