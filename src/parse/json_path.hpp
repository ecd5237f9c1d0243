// Field lookup in simdjson DOM objects that works for nested objects, flattened dotted keys
// ("kibana.alert.rule.name" as one key) and any mix of the two, as SIEM exports use all three.
#pragma once
#include <simdjson.h>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

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

// Like find(), and when the path is missing because an array stands where an object was needed,
// `array_in_the_way` names the prefix of `path` that holds that array ("" otherwise).
std::optional<simdjson::dom::element> find_reporting_arrays(simdjson::dom::element root,
                                                            std::string_view path,
                                                            std::string_view& array_in_the_way);

// Bounds on what one compiled path may reach, so a hostile document keeps a walk cheap.
inline constexpr std::size_t kMaxPathArrayItems = 1024;  // items of one array walked with "[]"
inline constexpr std::size_t kMaxPathValues = 1024;      // values reached, nested "[]" included

// A field path compiled once (at configuration load) and evaluated per alert without allocating.
// Syntax: dotted keys ("src.ip"), resolved as find() does (nested objects, flattened keys or a
// mix); "[]" after a key walks every item of the array there ("files[].sha256"; a lone object
// counts as one item); a final "*" segment ("details.*", or "*" alone) means "everything below",
// for callers that walk the subtree themselves.
class Path {
 public:
  static Result<Path> compile(std::string_view text);

  const std::string& text() const { return text_; }
  bool has_fan_out() const;
  bool ends_with_wildcard() const { return wildcard_; }

  // Calls fn(element) -> Status for every value the path reaches (null included), in document
  // order; a missing path reaches nothing. Errors: kTooLarge past the bounds above,
  // kInvalidArgument when an array stands where the path expects an object (the message says to
  // write "[]"). The first error from fn stops the walk and is returned.
  template <class Fn>
  Status visit(simdjson::dom::element root, Fn&& fn) const {
    std::size_t reached = 0;
    return visit_from(root, 0, reached, fn);
  }

 private:
  struct Step {
    std::string key;         // dotted, resolved as find() does
    bool each_item = false;  // followed by "[]"
  };

  template <class Fn>
  Status visit_from(simdjson::dom::element node, std::size_t step, std::size_t& reached,
                    Fn& fn) const {
    if (step == steps_.size()) {
      if (++reached > kMaxPathValues) return too_many_values();
      return fn(node);
    }
    const Step& s = steps_[step];
    std::string_view array_key;
    auto found = find_reporting_arrays(node, s.key, array_key);
    if (!found) return array_key.empty() ? Status{} : array_in_the_way(array_key);
    simdjson::dom::array items;
    if (!s.each_item || found->get_array().get(items) != simdjson::SUCCESS)
      return visit_from(*found, step + 1, reached, fn);
    if (items.size() > kMaxPathArrayItems) return too_many_items(s.key, items.size());
    for (simdjson::dom::element item : items)
      if (auto status = visit_from(item, step + 1, reached, fn); !status) return status;
    return {};
  }
  Status too_many_values() const;
  Status too_many_items(std::string_view key, std::size_t count) const;
  Status array_in_the_way(std::string_view key) const;

  std::string text_;
  std::vector<Step> steps_;
  bool wildcard_ = false;
};

}  // namespace soc::json
