// Dotted-path field lookup over simdjson DOM.
#include "parse/json_path.hpp"

#include <fmt/format.h>

#include <cstdint>

namespace soc::json {
namespace {

// `array_in_the_way` (when not null) keeps the first prefix met that holds an array: the reason a
// path written without "[]" found nothing.
std::optional<simdjson::dom::element> find_in(simdjson::dom::object obj, std::string_view path,
                                              int budget, std::string_view* array_in_the_way) {
  if (budget <= 0) return std::nullopt;
  // One scan of the keys finds the key equal to `path` (first wins, as with at_key) and notes
  // which dotted prefixes of `path` are keys too: a missing field, the usual case as the
  // normalizers try their candidate paths, then costs one scan instead of one per dot.
  constexpr std::size_t kNotedDots = 64;  // prefixes ending further on are always looked up
  std::uint64_t prefix_at_dot = 0;        // bit d: the prefix ending at path[d] is a key
  for (const auto [key, value] : obj) {
    // Lengths first: the bytes are compared only where a match is possible.
    if (key.size() == path.size()) {
      if (key == path) return value;
    } else if (key.size() < kNotedDots && key.size() < path.size() && path[key.size()] == '.' &&
               path.starts_with(key)) {
      prefix_at_dot |= std::uint64_t{1} << key.size();
    }
  }
  // Try every dotted prefix that names a nested object, shortest first.
  for (size_t dot = path.find('.'); dot != std::string_view::npos; dot = path.find('.', dot + 1)) {
    if (dot < kNotedDots && (prefix_at_dot >> dot & 1) == 0) continue;
    simdjson::dom::element prefix;
    if (obj.at_key(path.substr(0, dot)).get(prefix) != simdjson::SUCCESS) continue;
    simdjson::dom::object child;
    if (prefix.get_object().get(child) != simdjson::SUCCESS) {
      if (array_in_the_way && array_in_the_way->empty() && prefix.is_array())
        *array_in_the_way = path.substr(0, dot);
      continue;
    }
    if (auto found = find_in(child, path.substr(dot + 1), budget - 1, array_in_the_way))
      return found;
  }
  return std::nullopt;
}

}  // namespace

std::optional<simdjson::dom::element> find(simdjson::dom::element root, std::string_view path) {
  simdjson::dom::object obj;
  if (root.get_object().get(obj) != simdjson::SUCCESS) return std::nullopt;
  return find_in(obj, path, 8, nullptr);
}

std::optional<simdjson::dom::element> find_reporting_arrays(simdjson::dom::element root,
                                                            std::string_view path,
                                                            std::string_view& array_in_the_way) {
  array_in_the_way = {};
  simdjson::dom::object obj;
  if (root.get_object().get(obj) != simdjson::SUCCESS) return std::nullopt;
  auto found = find_in(obj, path, 8, &array_in_the_way);
  if (found) {
    array_in_the_way = {};
  } else if (!array_in_the_way.empty()) {
    // Found inside a nested object: widen it to the prefix of `path` it ends.
    const auto end =
        static_cast<std::size_t>(array_in_the_way.data() - path.data()) + array_in_the_way.size();
    array_in_the_way = path.substr(0, end);
  }
  return found;
}

Result<Path> Path::compile(std::string_view text) {
  auto bad = [&](std::string_view why) {
    return fail(ErrorCode::kConfigError,
                "'" + std::string(text) + "' is not a field path: " + std::string(why));
  };
  if (text.empty()) return bad("it is empty");
  if (text.size() > 512) return bad("it is longer than 512 characters");
  Path path;
  path.text_.assign(text);
  std::string chunk;  // dotted keys since the last "[]"
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('.', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view segment = text.substr(start, end - start);
    const bool last = end == text.size();
    if (segment.empty()) return bad("a key is empty (a leading, trailing or doubled '.')");
    if (segment == "*") {
      if (!last) return bad("'*' can only be the last segment");
      path.wildcard_ = true;
    } else {
      const bool each_item = segment.ends_with("[]");
      if (each_item) segment.remove_suffix(2);
      if (segment.empty()) return bad("'[]' must follow a key");
      if (segment.find_first_of("[]*") != std::string_view::npos)
        return bad("'[', ']' and '*' are only allowed as a key's \"[]\" suffix or a final \"*\"");
      if (!chunk.empty()) chunk.push_back('.');
      chunk.append(segment);
      if (each_item) {
        path.steps_.push_back({std::move(chunk), true});
        chunk.clear();
      }
    }
    start = end + 1;
  }
  if (!chunk.empty()) path.steps_.push_back({std::move(chunk), false});
  return path;
}

bool Path::has_fan_out() const {
  for (const auto& step : steps_)
    if (step.each_item) return true;
  return false;
}

Status Path::too_many_values() const {
  return fail(ErrorCode::kTooLarge,
              "'" + text_ + "' reaches more than " + std::to_string(kMaxPathValues) + " values");
}

Status Path::too_many_items(std::string_view key, std::size_t count) const {
  return fail(ErrorCode::kTooLarge, "'" + std::string(key) + "' in '" + text_ + "' has " +
                                        std::to_string(count) + " items, more than " +
                                        std::to_string(kMaxPathArrayItems));
}

Status Path::array_in_the_way(std::string_view key) const {
  return fail(ErrorCode::kInvalidArgument, "'" + std::string(key) + "' is an array where '" +
                                               text_ + "' expects an object (write '" +
                                               std::string(key) + "[]' to take every item)");
}

std::string scalar_text(simdjson::dom::element element) {
  switch (element.type()) {
    case simdjson::dom::element_type::STRING:
      return std::string(element.get_string().value_unsafe());
    case simdjson::dom::element_type::INT64:
      return fmt::format("{}", element.get_int64().value_unsafe());
    case simdjson::dom::element_type::UINT64:
      return fmt::format("{}", element.get_uint64().value_unsafe());
    case simdjson::dom::element_type::DOUBLE:
      return fmt::format("{}", element.get_double().value_unsafe());
    case simdjson::dom::element_type::BOOL:
      return element.get_bool().value_unsafe() ? "true" : "false";
    default:
      return {};
  }
}

std::string get_string(simdjson::dom::element root, std::initializer_list<std::string_view> paths) {
  for (auto path : paths) {
    auto found = find(root, path);
    if (!found) continue;
    std::string text = scalar_text(*found);
    if (text.empty() && found->is_array()) {
      for_each_item(*found, [&](simdjson::dom::element item) {
        if (text.empty()) text = scalar_text(item);
      });
    }
    if (!text.empty()) return text;
  }
  return {};
}

void collect_strings(simdjson::dom::element root, std::string_view path,
                     std::vector<std::string>& out) {
  auto found = find(root, path);
  if (!found) return;
  for_each_item(*found, [&](simdjson::dom::element item) {
    std::string text = scalar_text(item);
    if (!text.empty()) out.push_back(std::move(text));
  });
}

std::optional<std::int64_t> get_int(simdjson::dom::element root,
                                    std::initializer_list<std::string_view> paths) {
  for (auto path : paths) {
    auto found = find(root, path);
    if (!found) continue;
    std::int64_t v;
    if (found->get_int64().get(v) == simdjson::SUCCESS) return v;
    double d;
    if (found->get_double().get(d) == simdjson::SUCCESS) {
      // Only doubles that fit: converting anything else is undefined behaviour.
      if (!(d >= -9.2e18 && d <= 9.2e18)) return std::nullopt;
      return static_cast<std::int64_t>(d);
    }
    std::string_view s;
    if (found->get_string().get(s) == simdjson::SUCCESS) {
      std::int64_t parsed = 0;
      bool ok = !s.empty() && s.size() < 18;
      for (char c : s) ok = ok && c >= '0' && c <= '9', parsed = parsed * 10 + (c - '0');
      if (ok) return parsed;
    }
  }
  return std::nullopt;
}

}  // namespace soc::json
