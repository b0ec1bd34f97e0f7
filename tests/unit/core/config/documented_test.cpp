// Every config key is documented in the README's configuration table (DESIGN.md: a check fails the build
// when a key is undocumented).
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "core/config/config.hpp"

TEST_CASE("every config key has a row in the README's configuration table") {
  std::ifstream in(std::string(SEKISHO_SOURCE_DIR) + "/README.md");
  REQUIRE(in);
  std::stringstream text;
  text << in.rdbuf();
  const std::string readme = text.str();
  for (const auto& key : sekisho::known_config_keys())
    CHECK_MESSAGE(readme.find("| `" + key + "` |") != std::string::npos, "README.md has no row for " << key);
}
