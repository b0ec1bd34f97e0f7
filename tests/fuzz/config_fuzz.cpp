// Arbitrary text as sekisho.toml: parse_config must return a value or one error, never crash
// or throw. A config file is written by an admin, but `check-config` runs it before anything else.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/config/config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto c = sekisho::parse_config(text, "/etc/sekisho/sekisho.toml");
  (void)c.ok();
  return 0;
}
