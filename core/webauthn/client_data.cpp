#include "core/webauthn/client_data.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

#include "core/util/encoding.hpp"
#include "core/util/secret.hpp"
#include "core/util/strict_json.hpp"
#include "core/webauthn/refusal.hpp"

namespace sekisho::webauthn {
namespace {

using json = nlohmann::json;

// Browsers produce a flat object; a little nesting is allowed for future members like tokenBinding.
constexpr int max_json_depth = 4;

// The string member `name`, or nullptr when it is absent or not a string.
const std::string* string_member(const json& j, const char* name) {
  auto it = j.find(name);
  return it == j.end() ? nullptr : it->get_ptr<const std::string*>();
}

result<void> check_type(const json& c, ceremony expected) {
  const std::string* type = string_member(c, "type");
  if (type == nullptr) return refuse(refusal::client_data_malformed, "no string member type");
  const std::string_view want = expected == ceremony::create ? "webauthn.create" : "webauthn.get";
  if (*type != want) return refuse(refusal::wrong_type);
  return {};
}

result<void> check_challenge(const json& c, std::string_view expected) {
  const std::string* challenge = string_member(c, "challenge");
  if (challenge == nullptr) return refuse(refusal::client_data_malformed, "no string member challenge");
  // base64url without padding is canonical, so comparing encodings compares the bytes; a padded or
  // otherwise re-encoded challenge differs and is refused (WA-R-04).
  if (!equal_constant_time(*challenge, base64url_encode(expected))) return refuse(refusal::wrong_challenge);
  return {};
}

result<void> check_origin(const json& c, std::span<const std::string> allowed) {
  const std::string* origin = string_member(c, "origin");
  if (origin == nullptr) return refuse(refusal::client_data_malformed, "no string member origin");
  if (std::find(allowed.begin(), allowed.end(), *origin) == allowed.end()) return refuse(refusal::wrong_origin);
  return {};
}

// crossOrigin, topOrigin and tokenBinding: the gateway is never embedded in another site's frame
// and has no token binding, so each must be absent or say "not used".
result<void> check_embedding(const json& c) {
  // topOrigin first: it comes with crossOrigin true and says more about what happened.
  if (c.contains("topOrigin")) return refuse(refusal::top_origin);
  if (auto it = c.find("crossOrigin"); it != c.end()) {
    if (!it->is_boolean()) return refuse(refusal::client_data_malformed, "crossOrigin is not a boolean");
    if (it->get<bool>()) return refuse(refusal::cross_origin);
  }
  if (auto it = c.find("tokenBinding"); it != c.end()) {
    if (!it->is_object()) return refuse(refusal::client_data_malformed, "tokenBinding is not an object");
    auto status = it->find("status");
    if (status == it->end() || !status->is_string())
      return refuse(refusal::client_data_malformed, "tokenBinding has no string status");
    if (*status != "supported" && *status != "not-supported") return refuse(refusal::token_binding);
  }
  return {};
}

}  // namespace

result<void> check_client_data(std::string_view text, const client_data_expectation& expected) {
  if (expected.challenge.size() < min_challenge_bytes || expected.origins.empty())
    return refuse(refusal::invalid_options, "challenge shorter than 16 bytes or no origin allowed");
  if (text.size() > max_client_data_bytes) return refuse(refusal::input_too_large, "clientDataJSON");
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);  // UTF-8 decode drops a leading BOM
  const auto parsed = parse_strict_json_object(text, max_json_depth);
  if (!parsed) return refuse(refusal::client_data_malformed, parsed.message());
  const json& c = *parsed;
  if (auto r = check_type(c, expected.type); !r) return r;
  if (auto r = check_challenge(c, expected.challenge); !r) return r;
  if (auto r = check_origin(c, expected.origins); !r) return r;
  return check_embedding(c);
}

}  // namespace sekisho::webauthn
