// A small streaming JSON writer: decisions are written on the hot path, where building a DOM
// first would cost more than the rest of the triage. Output is compact and valid UTF-8 JSON
// (invalid input bytes become U+FFFD, control characters and '<' '>' '&' are escaped so the
// text is safe to embed in HTML).
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace soc {

class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}

  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  JsonWriter& key(std::string_view k);
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
  JsonWriter& field(std::string_view k, const T& v) {
    if constexpr (std::is_convertible_v<const T&, std::string_view>) {
      return text_field(k, v);
    } else {
      key(k);
      return value(v);
    }
  }
  JsonWriter& string_array(std::string_view k, const std::vector<std::string>& items);

 private:
  void separator();
  // A string member written in one piece: most of a decision's members are short texts.
  JsonWriter& text_field(std::string_view k, std::string_view v);
  std::string& out_;
  // No stack of per-container flags: a new container starts empty, and closing one leaves its
  // parent holding at least that element, so one flag and the depth say where commas go.
  int depth_ = 0;
  bool container_has_element_ = false;
  bool after_key_ = false;
};

void append_json_string(std::string& out, std::string_view s);

}  // namespace soc
