// Field lookup in simdjson DOM objects that works for nested objects, flattened dotted keys
// ("kibana.alert.rule.name" as one key) and any mix of the two, as SIEM exports use all three.
#pragma once
#include <simdjson.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace soc::json {

std::optional<simdjson::dom::element> find(simdjson::dom::element root, std::string_view path);
// First non-empty string among the paths; numbers are rendered as text.
std::string get_string(simdjson::dom::element root, std::initializer_list<std::string_view> paths);
// Every string at the path: a string, an array of strings, or numbers; empty strings skipped.
void collect_strings(simdjson::dom::element root, std::string_view path,
                     std::vector<std::string>& out);
std::optional<std::int64_t> get_int(simdjson::dom::element root,
                                    std::initializer_list<std::string_view> paths);
// Calls fn(item) for each item of an array, or once for a non-array element.
template <class Fn>
void for_each_item(simdjson::dom::element element, Fn&& fn) {
  simdjson::dom::array items;
  if (element.get_array().get(items) == simdjson::SUCCESS) {
    for (simdjson::dom::element item : items) fn(item);
  } else {
    fn(element);
  }
}
// Text of a scalar element ("" for objects and arrays).
std::string scalar_text(simdjson::dom::element element);

}  // namespace soc::json
