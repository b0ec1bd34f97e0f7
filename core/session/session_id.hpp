// The shape of a session id (32 random bytes, unpadded base64url), shared by authd and the gateway so
// that anything else is refused before it reaches a cache or the database.
#pragma once
#include <algorithm>
#include <string_view>

namespace sekisho::session {

inline constexpr std::size_t session_id_length = 43;

inline bool well_formed_session_id(std::string_view id) {
  return id.size() == session_id_length && std::all_of(id.begin(), id.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
         });
}

}  // namespace sekisho::session
