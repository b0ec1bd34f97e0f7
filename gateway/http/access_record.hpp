// One request in the access log (the guideline's access record, システム運用編 17章) and its JSON line.
#pragma once
#include <chrono>
#include <cstdint>
#include <string>

namespace sekisho::gateway {

struct access_record {
  std::chrono::system_clock::time_point time;
  std::string user;          // empty for anonymous (bypass) requests
  std::string session;       // a short hash of the session id, never the id itself
  std::string client;
  std::string host;
  std::string method;
  std::string path;
  std::string query;
  unsigned status = 0;
  std::uint64_t bytes_in = 0;
  std::uint64_t bytes_out = 0;
  std::string upstream;
  double upstream_ms = 0;
  double total_ms = 0;
  bool break_glass = false;  // made in an emergency (break-glass) session: to review
  // Set-Cookie lines for __Host-sekisho* that the upstream sent and the gateway dropped: an app trying to fix
  // or wipe sessions, or a header-injection bug in one, to be looked into.
  std::size_t dropped_set_cookies = 0;
};

// Appends the record as one JSON object and a newline. Written by hand rather than through a JSON
// library: it runs on the I/O thread once per request, and a generic document costs a dozen allocations.
// Bytes that are not valid UTF-8 become U+FFFD, so every line parses.
void append_json_line(std::string& out, const access_record& r, bool with_query);

}  // namespace sekisho::gateway
