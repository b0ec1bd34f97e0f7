#include "core/util/strict_json.hpp"

#include <cmath>
#include <set>
#include <string>
#include <vector>

#include "core/util/secret.hpp"
#include "core/util/utf8.hpp"

namespace sekisho {
namespace {

// Counts bracket nesting outside strings before the parser builds anything.
bool nesting_within(std::string_view s, int limit) {
  int depth = 0;
  bool in_string = false, escaped = false;
  for (char c : s) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > limit) return false;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return true;
}

}  // namespace

result<nlohmann::json> parse_strict_json_object(std::string_view text, int max_depth) {
  if (!valid_utf8(text)) return make_error("not valid UTF-8");
  if (!nesting_within(text, max_depth)) return make_error("nested too deeply");

  // One set of keys per open object (arrays get an empty set, never consulted).
  std::vector<std::set<std::string>> open;
  bool duplicate = false, not_finite = false;
  auto check_keys = [&](int, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
    using ev = nlohmann::json::parse_event_t;
    switch (event) {
      case ev::object_start:
      case ev::array_start: open.emplace_back(); break;
      case ev::object_end:
      case ev::array_end:
        if (!open.empty()) open.pop_back();
        break;
      case ev::key:
        if (parsed.is_string() && !open.empty() && !open.back().insert(parsed.get<std::string>()).second)
          duplicate = true;
        break;
      case ev::value:
        // 1e400 parses as infinity, which JSON cannot carry back: refuse rather than guess.
        if (parsed.is_number_float() && !std::isfinite(parsed.get<double>())) not_finite = true;
        break;
    }
    return true;
  };
  nlohmann::json j = nlohmann::json::parse(text.begin(), text.end(), check_keys, /*allow_exceptions=*/false);
  if (j.is_discarded()) return make_error("not valid JSON");
  if (!j.is_object()) {
    wipe_json(j);
    return make_error("not a JSON object");
  }
  if (duplicate || not_finite) {
    wipe_json(j);
    return make_error(duplicate ? "duplicate key" : "number out of range");
  }
  return j;
}

void wipe_json(nlohmann::json& value) {
  if (value.is_string()) {
    auto& s = value.get_ref<std::string&>();
    wipe_memory(s.data(), s.capacity());
    s.clear();
  } else if (value.is_structured()) {
    for (auto& child : value) wipe_json(child);
  }
}

}  // namespace sekisho
