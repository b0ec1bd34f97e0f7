// JSON objects from untrusted bytes (authd's requests, WebAuthn's clientDataJSON), parsed strictly: two
// values for one key, or a number that overflows to infinity, could mean one thing to a checker and another
// to whoever reads the result, so both are refused rather than resolved.
#pragma once
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/util/result.hpp"

namespace sekisho {

// Valid UTF-8, at most max_depth levels of nesting (counted before the parser builds anything), an object
// at the top, no duplicate key in any object, every number finite. What was parsed is wiped on refusal.
result<nlohmann::json> parse_strict_json_object(std::string_view text, int max_depth);

// Overwrites every string in `value` (requests carry passwords and codes).
void wipe_json(nlohmann::json& value);

}  // namespace sekisho
