// The keyed hash chain that makes the audit trail tamper-evident. Each record's hash is
//   HMAC-SHA-256(audit key, "sekisho-audit-v1" ‖ prev_hash ‖ seq ‖ time ‖ event ‖ user ‖ source ‖
//                channel ‖ method ‖ result ‖ details)
// with every field length-prefixed (8-byte big-endian length, then the bytes; seq and time as
// 8-byte big-endian integers), so text cannot be moved from one field into the next. The first
// record's prev_hash is 32 zero bytes. The key lives in its own file outside the database: whoever
// can write the database but lacks the key cannot recompute the chain after editing it.
#pragma once
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "core/audit/audit_event.hpp"
#include "core/util/result.hpp"
#include "core/util/secret.hpp"

namespace sekisho::audit {

inline constexpr std::size_t audit_key_size = 32;
inline constexpr std::size_t audit_hash_size = 32;

// The prev_hash of record 1.
std::string genesis_hash();

// The hash of the record at `seq`, written at `time`, following a record whose hash is `prev_hash`.
// `key` must be audit_key_size bytes (throws std::invalid_argument otherwise: an empty key would
// make the chain forgeable by anyone).
std::string chain_hash(const secret& key, std::string_view prev_hash, std::int64_t seq, std::int64_t time,
                       const audit_event& e);

// True when `r.hash` is the hash of r's own contents (constant-time comparison).
bool record_hash_valid(const secret& key, const audit_record& r);

// The audit key file: created once (mode 0600, never overwritten) and read with the checks of
// core/util/key_file.hpp. Default path: state_dir/audit.key (config key audit.key_file).
result<void> create_audit_key(const std::filesystem::path& path);
result<secret> read_audit_key(const std::filesystem::path& path);

}  // namespace sekisho::audit
