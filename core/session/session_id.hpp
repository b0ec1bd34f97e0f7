// The shape of a session id (32 random bytes, unpadded base64url), shared by authd and the gateway so
// that anything else is refused before it reaches a cache or the database.
#pragma once
#include <algorithm>
#include <string>
#include <string_view>

#include "core/util/encoding.hpp"

namespace sekisho::session {

inline constexpr std::size_t session_id_length = 43;
// A session's name where the id itself must not appear: the first 16 hex digits of the id's SHA-256, as the
// gateway's access log writes it.
inline constexpr std::size_t session_tag_length = 16;
inline std::string session_tag(std::string_view id_hash) { return hex_encode(id_hash).substr(0, session_tag_length); }

inline bool well_formed_session_id(std::string_view id) {
  return id.size() == session_id_length && std::all_of(id.begin(), id.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
         });
}

}  // namespace sekisho::session
