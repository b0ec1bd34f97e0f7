// The server commands' malloc tuning (glibc), applied by re-executing the program once.
#pragma once

namespace sekisho::cli {

// glibc keeps up to 7 freed blocks of each small size in a per-thread cache. A gateway thread frees dozens of
// blocks of the same few sizes (header fields, coroutine frames, OpenSSL's per-record structures) in each burst
// of requests; past the seventh they went through malloc's slower bins, about 2 µs of the 14 µs of user time
// per proxied request (bench/RESULTS.md, "Fifth step"). The cache's size can only be set through
// GLIBC_TUNABLES before a program starts, so a server command re-executes itself once with it set.
// Returns only when it did not: the variable already names the setting (the operator's choice, or this is the
// re-executed program), or exec failed and the server runs with glibc's default.
void reexec_with_tuned_allocator(char** argv);

}  // namespace sekisho::cli
