#include "core/backup/backup_contents.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace sekisho;
using namespace sekisho::backup;

namespace {

backup_contents sample() {
  backup_contents c;
  c.database = secret(std::string_view("SQLite format 3\0...", 19));
  c.master_key = secret(std::string(32, 'm'));
  c.retired_keys.emplace_back(std::string(32, 'r'));
  c.retired_keys.emplace_back(std::string(32, 's'));
  c.audit_key = secret(std::string(32, 'a'));
  return c;
}

}  // namespace

TEST_CASE("the contents pack and unpack exactly") {
  const auto packed = pack_contents(sample());
  auto c = unpack_contents(packed.view());
  REQUIRE_MESSAGE(c.ok(), c.message());
  CHECK(c->database.view() == sample().database.view());
  CHECK(c->master_key.view() == std::string(32, 'm'));
  REQUIRE(c->retired_keys.size() == 2);
  CHECK(c->retired_keys[1].view() == std::string(32, 's'));
  CHECK(c->audit_key.view() == std::string(32, 'a'));
}

TEST_CASE("missing, repeated, unknown or cut-short parts are refused") {
  const std::string packed(pack_contents(sample()).view());
  for (std::size_t n = 0; n < packed.size(); ++n) {
    CAPTURE(n);
    CHECK_FALSE(unpack_contents(std::string_view(packed).substr(0, n)).ok());
  }
  auto no_audit = sample();
  no_audit.audit_key = secret(std::string(31, 'a'));
  CHECK_FALSE(unpack_contents(pack_contents(no_audit).view()).ok());
  CHECK_FALSE(unpack_contents(std::string(packed) + packed.substr(20)).ok());  // every part twice
  std::string unknown = packed;
  unknown.replace(unknown.find("database"), 8, "databasf");
  auto r = unpack_contents(unknown);
  REQUIRE_FALSE(r.ok());
  CHECK(r.message().find("unknown part") != std::string::npos);
}
