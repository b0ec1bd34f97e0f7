#include "core/store/webauthn_store.hpp"

#include <doctest/doctest.h>

#include "core/store/factor_store.hpp"
#include "core/store/user_store.hpp"
#include "tests/unit/temp_dir.hpp"

using namespace sekisho;
using namespace sekisho::store;

namespace {

webauthn_row key_of(std::int64_t user, std::string id, std::int64_t count = 0) {
  webauthn_row r;
  r.user_id = user;
  r.credential_id = std::move(id);
  r.public_key = std::string("\x30\x59spki", 6);
  r.sign_count = count;
  r.aaguid = std::string(16, '\0');
  r.attestation_format = "none";
  r.name = "YubiKey";
  r.created_at = 100;
  return r;
}

struct store_fixture {
  test::temp_dir dir;
  database db = database::open(dir.path() / "w.db", true);
  std::int64_t alice = insert_user(db, "alice", "", 1);
  std::int64_t bob = insert_user(db, "bob", "", 1);
};

}  // namespace

TEST_CASE("a credential is stored whole, found by its id, and listed for its user only") {
  store_fixture f;
  auto row = key_of(f.alice, std::string("id\0with-nul", 11), 7);
  row.backup_eligible = true;
  row.uv_initialized = true;
  row.cose_alg = -8;
  insert_webauthn_credential(f.db, row);
  insert_webauthn_credential(f.db, key_of(f.bob, "bob-key"));

  auto found = find_webauthn_credential(f.db, std::string("id\0with-nul", 11));
  REQUIRE(found);
  CHECK(found->user_id == f.alice);
  CHECK(found->public_key == row.public_key);
  CHECK(found->cose_alg == -8);
  CHECK(found->sign_count == 7);
  CHECK(found->backup_eligible);
  CHECK_FALSE(found->backup_state);
  CHECK(found->uv_initialized);
  CHECK(found->name == "YubiKey");
  CHECK_FALSE(found->last_used_at);
  CHECK_FALSE(find_webauthn_credential(f.db, "id"));  // a prefix is another id
  CHECK(webauthn_for_user(f.db, f.alice).size() == 1);
  CHECK(count_webauthn_for_user(f.db, f.bob) == 1);
}

TEST_CASE("a credential id belongs to one user: a second insert fails and leaves the first alone") {
  store_fixture f;
  insert_webauthn_credential(f.db, key_of(f.alice, "shared"));
  CHECK_THROWS_AS(insert_webauthn_credential(f.db, key_of(f.bob, "shared")), store_error);
  CHECK(find_webauthn_credential(f.db, "shared")->user_id == f.alice);
}

TEST_CASE("the counter only moves forward, except that 0 stays 0 for keys without one") {
  store_fixture f;
  const auto counted = insert_webauthn_credential(f.db, key_of(f.alice, "counted", 5));
  CHECK_FALSE(record_webauthn_use(f.db, counted, 5, false, false, 200));  // same count: a clone
  CHECK_FALSE(record_webauthn_use(f.db, counted, 4, false, false, 200));  // older
  CHECK_FALSE(record_webauthn_use(f.db, counted, 0, false, false, 200));
  CHECK(record_webauthn_use(f.db, counted, 6, true, true, 300));
  auto r = find_webauthn_credential(f.db, "counted");
  CHECK(r->sign_count == 6);
  CHECK(r->backup_state);
  CHECK(r->uv_initialized);
  CHECK(r->last_used_at == 300);
  CHECK(record_webauthn_use(f.db, counted, 7, false, false, 400));
  CHECK(find_webauthn_credential(f.db, "counted")->uv_initialized);  // once seen, it stays

  const auto zero = insert_webauthn_credential(f.db, key_of(f.alice, "zero"));
  CHECK(record_webauthn_use(f.db, zero, 0, false, false, 200));
  CHECK(record_webauthn_use(f.db, zero, 0, false, false, 201));
  CHECK(record_webauthn_use(f.db, zero, 3, false, false, 202));
  CHECK_FALSE(record_webauthn_use(f.db, zero, 0, false, false, 203));  // a counter started: 0 is a step back
}

TEST_CASE("rename and delete act on the user's own credential only") {
  store_fixture f;
  insert_webauthn_credential(f.db, key_of(f.alice, "alice-key"));
  CHECK_FALSE(rename_webauthn_credential(f.db, f.bob, "alice-key", "mine now"));
  CHECK_FALSE(delete_webauthn_credential(f.db, f.bob, "alice-key"));
  CHECK(find_webauthn_credential(f.db, "alice-key")->name == "YubiKey");
  CHECK(rename_webauthn_credential(f.db, f.alice, "alice-key", "ナースステーション"));
  CHECK(find_webauthn_credential(f.db, "alice-key")->name == "ナースステーション");
  CHECK(delete_webauthn_credential(f.db, f.alice, "alice-key"));
  CHECK_FALSE(find_webauthn_credential(f.db, "alice-key"));
}

TEST_CASE("second factors are confirmed TOTP credentials and security keys; resetting removes them all") {
  store_fixture f;
  CHECK(count_second_factors(f.db, f.alice) == 0);
  insert_totp(f.db, f.alice, "unconfirmed", "SHA1", 6, 30, false, 1);
  CHECK(count_second_factors(f.db, f.alice) == 0);
  insert_totp(f.db, f.alice, "phone", "SHA1", 6, 30, true, 1);
  insert_webauthn_credential(f.db, key_of(f.alice, "a1"));
  insert_webauthn_credential(f.db, key_of(f.alice, "a2"));
  replace_recovery_codes(f.db, f.alice, {"h1", "h2"});
  insert_webauthn_credential(f.db, key_of(f.bob, "b1"));
  CHECK(count_second_factors(f.db, f.alice) == 3);

  delete_second_factors(f.db, f.alice);
  CHECK(count_second_factors(f.db, f.alice) == 0);
  CHECK(webauthn_for_user(f.db, f.alice).empty());
  CHECK(totp_for_user(f.db, f.alice, false).empty());
  CHECK(unused_recovery_codes(f.db, f.alice).empty());
  CHECK(count_webauthn_for_user(f.db, f.bob) == 1);  // nobody else's
}

TEST_CASE("deleting a user deletes their credentials, so the id can be registered again") {
  store_fixture f;
  insert_webauthn_credential(f.db, key_of(f.alice, "k"));
  delete_user(f.db, f.alice);
  CHECK_FALSE(find_webauthn_credential(f.db, "k"));
  insert_webauthn_credential(f.db, key_of(f.bob, "k"));
  CHECK(find_webauthn_credential(f.db, "k")->user_id == f.bob);
}
