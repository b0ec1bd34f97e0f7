#include "core/audit/audit_chain.hpp"

#include <doctest/doctest.h>

#include "tests/unit/core/audit/audit_fixture.hpp"

using namespace sekisho;
using namespace sekisho::audit;

TEST_CASE("the hash changes with every field, the key and the predecessor") {
  test::audit_fixture f;
  const auto e = test::audit_fixture::event(1);
  const auto h = chain_hash(f.key, genesis_hash(), 1, 1000, e);
  CHECK(h.size() == audit_hash_size);
  CHECK(h == chain_hash(f.key, genesis_hash(), 1, 1000, e));
  CHECK(h != chain_hash(f.key, genesis_hash(), 2, 1000, e));
  CHECK(h != chain_hash(f.key, genesis_hash(), 1, 1001, e));
  CHECK(h != chain_hash(f.key, std::string(32, '\x01'), 1, 1000, e));
  for (std::string audit_event::*field : {&audit_event::event, &audit_event::user, &audit_event::source,
                                          &audit_event::channel, &audit_event::method, &audit_event::result,
                                          &audit_event::details}) {
    auto changed = e;
    changed.*field += "x";
    CHECK(h != chain_hash(f.key, genesis_hash(), 1, 1000, changed));
  }
  const secret other(std::string(32, 'k'));
  CHECK(h != chain_hash(other, genesis_hash(), 1, 1000, e));
}

TEST_CASE("text cannot be shifted from one field into the next") {
  test::audit_fixture f;
  audit_event a{"login", "adm", "in", "web", "", "", ""};
  audit_event b{"login", "ad", "min", "web", "", "", ""};
  CHECK(chain_hash(f.key, genesis_hash(), 1, 0, a) != chain_hash(f.key, genesis_hash(), 1, 0, b));
}

TEST_CASE("a key of the wrong size is refused instead of making a forgeable chain") {
  const auto e = test::audit_fixture::event(1);
  CHECK_THROWS_AS((void)chain_hash(secret(), genesis_hash(), 1, 0, e), std::invalid_argument);
  CHECK_THROWS_AS((void)chain_hash(secret("short"), genesis_hash(), 1, 0, e), std::invalid_argument);
}

TEST_CASE("the audit key file is created once, 32 bytes, and never overwritten") {
  test::temp_dir dir;
  const auto p = dir.path() / "audit.key";
  REQUIRE(create_audit_key(p));
  auto k = read_audit_key(p);
  REQUIRE(k);
  CHECK(k->size() == audit_key_size);
  CHECK_FALSE(create_audit_key(p));
  CHECK(read_audit_key(p)->view() == k->view());
}

TEST_CASE("details naming a secret are caught by the lint") {
  CHECK(secret_key_in_details("{\"password\":\"hunter2\"}") == "password");
  CHECK(secret_key_in_details("{\"reason\":\"x\", \"code\" : \"123456\"}") == "code");
  CHECK(secret_key_in_details("{\"totp_secret\":\"JBSW\"}") == "totp_secret");
  CHECK(secret_key_in_details("{\"newPassword\":\"x\"}") == "newPassword");
  CHECK(secret_key_in_details("{\"session-token\":\"x\"}") == "session-token");
  // Values and harmless keys are fine: the reason "code_wrong" says what happened, not the code.
  CHECK_FALSE(secret_key_in_details("{\"reason\":\"code_wrong\",\"service\":\"sshd\"}"));
  CHECK_FALSE(secret_key_in_details("{\"codes_left\":3,\"operator\":\"root\"}"));
  CHECK_FALSE(secret_key_in_details("password reset by admin"));
  CHECK_FALSE(secret_key_in_details("{\"note\":\"say \\\"code\\\": never\"}"));
}
