// Dotted-path field lookup over simdjson DOM.
#include "parse/json_path.hpp"

#include <fmt/format.h>

namespace soc::json {
namespace {

std::optional<simdjson::dom::element> find_in(simdjson::dom::object obj, std::string_view path,
                                              int budget) {
  if (budget <= 0) return std::nullopt;
  simdjson::dom::element direct;
  if (obj.at_key(path).get(direct) == simdjson::SUCCESS) return direct;
  // Try every dotted prefix that names a nested object, shortest first.
  for (size_t dot = path.find('.'); dot != std::string_view::npos; dot = path.find('.', dot + 1)) {
    simdjson::dom::object child;
    if (obj.at_key(path.substr(0, dot)).get_object().get(child) != simdjson::SUCCESS) continue;
    if (auto found = find_in(child, path.substr(dot + 1), budget - 1)) return found;
  }
  return std::nullopt;
}

}  // namespace

std::optional<simdjson::dom::element> find(simdjson::dom::element root, std::string_view path) {
  simdjson::dom::object obj;
  if (root.get_object().get(obj) != simdjson::SUCCESS) return std::nullopt;
  return find_in(obj, path, 8);
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
