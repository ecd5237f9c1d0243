// Span walking over already-validated JSON text (see raw_json.hpp).
#include "connectors/raw_json.hpp"

namespace soc::connectors::raw_json {
namespace {

constexpr int kMaxDepth = 1024;

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

std::size_t skip_space(std::string_view text, std::size_t pos) {
  while (pos < text.size() && is_space(text[pos])) ++pos;
  return pos;
}

// Index one past the closing quote of the string opening at text[pos], or npos.
std::size_t string_end(std::string_view text, std::size_t pos) {
  for (std::size_t i = pos + 1; i < text.size(); ++i) {
    if (text[i] == '\\') {
      ++i;
    } else if (text[i] == '"') {
      return i + 1;
    }
  }
  return std::string_view::npos;
}

// Index one past the value starting at text[pos] (no leading whitespace), or npos.
std::size_t value_end(std::string_view text, std::size_t pos) {
  if (pos >= text.size()) return std::string_view::npos;
  const char first = text[pos];
  if (first == '"') return string_end(text, pos);
  if (first != '{' && first != '[') {
    std::size_t i = pos;
    while (i < text.size() && !is_space(text[i]) && text[i] != ',' && text[i] != '}' &&
           text[i] != ']')
      ++i;
    return i == pos ? std::string_view::npos : i;
  }
  int depth = 0;
  for (std::size_t i = pos; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '"') {
      const std::size_t end = string_end(text, i);
      if (end == std::string_view::npos) return end;
      i = end - 1;
    } else if (c == '{' || c == '[') {
      if (++depth > kMaxDepth) return std::string_view::npos;
    } else if (c == '}' || c == ']') {
      if (--depth == 0) return i + 1;
    }
  }
  return std::string_view::npos;
}

// Calls fn(key_span_or_empty, value_span) for each member or item of a container; fn returns
// true to stop. Returns false when the text is not a well-formed container.
template <class Fn>
bool walk(std::string_view container, bool object, Fn&& fn) {
  const char open = object ? '{' : '[';
  const char close = object ? '}' : ']';
  if (container.empty() || container.front() != open) return false;
  std::size_t pos = skip_space(container, 1);
  if (pos < container.size() && container[pos] == close) return true;
  while (pos < container.size()) {
    std::string_view key;
    if (object) {
      if (container[pos] != '"') return false;
      const std::size_t key_end = string_end(container, pos);
      if (key_end == std::string_view::npos) return false;
      key = container.substr(pos + 1, key_end - pos - 2);
      pos = skip_space(container, key_end);
      if (pos >= container.size() || container[pos] != ':') return false;
      pos = skip_space(container, pos + 1);
    }
    const std::size_t end = value_end(container, pos);
    if (end == std::string_view::npos) return false;
    if (fn(key, container.substr(pos, end - pos))) return true;
    pos = skip_space(container, end);
    if (pos >= container.size()) return false;
    if (container[pos] == close) return true;
    if (container[pos] != ',') return false;
    pos = skip_space(container, pos + 1);
  }
  return false;
}

}  // namespace

std::optional<std::string_view> value_at(std::string_view text, std::size_t pos) {
  pos = skip_space(text, pos);
  const std::size_t end = value_end(text, pos);
  if (end == std::string_view::npos) return std::nullopt;
  return text.substr(pos, end - pos);
}

std::optional<std::string_view> member(std::string_view object, std::string_view key) {
  std::optional<std::string_view> found;
  walk(object, true, [&](std::string_view name, std::string_view value) {
    if (name != key) return false;
    found = value;
    return true;
  });
  return found;
}

std::optional<std::vector<std::string_view>> items(std::string_view array) {
  std::vector<std::string_view> out;
  const bool ok = walk(array, false, [&](std::string_view, std::string_view value) {
    out.push_back(value);
    return false;
  });
  if (!ok) return std::nullopt;
  return out;
}

std::optional<std::string_view> path(std::string_view object,
                                     std::initializer_list<std::string_view> keys) {
  std::optional<std::string_view> at = object;
  for (std::string_view key : keys) {
    at = member(*at, key);
    if (!at) return std::nullopt;
  }
  return at;
}

}  // namespace soc::connectors::raw_json
