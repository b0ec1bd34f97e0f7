#include "core/store/reseal.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <map>
#include <string>

#include "core/seal/sealer.hpp"
#include "core/store/factor_store.hpp"
#include "core/store/user_store.hpp"
#include "tests/unit/temp_dir.hpp"

using namespace sekisho;
using namespace sekisho::store;
namespace fs = std::filesystem;

namespace {

struct sealed_state {
  test::temp_dir dir;
  fs::path master = dir.path() / "master.key";
  database db = database::open(dir.path() / "s.db", true);
  std::map<std::int64_t, std::string> seeds;  // totp id → seed

  sealed_state() {
    REQUIRE(seal::keyring::create(master).ok());
    for (const char* name : {"nurse", "doctor"}) {
      const auto user = insert_user(db, name, "", 1);
      for (int app = 0; app < 2; ++app) add_seed(user, std::string(name) + "-seed-" + std::to_string(app));
    }
  }
  seal::keyring keys() const {
    auto k = seal::keyring::load(master);
    REQUIRE_MESSAGE(k.ok(), k.message());
    return std::move(*k);
  }
  void add_seed(std::int64_t user, const std::string& seed) {
    const auto id = insert_totp(db, user, "phone", "SHA1", 6, 30, true, 1);
    set_totp_secret(db, id, seal::seal(keys(), seed, {"totp_credentials", id, user}));
    seeds[id] = seed;
  }
  // The key id of every sealed row.
  std::map<std::int64_t, std::uint32_t> key_ids() {
    std::map<std::int64_t, std::uint32_t> out;
    auto st = db.prepare("SELECT id, sealed_secret FROM totp_credentials");
    while (st.step()) {
      const auto blob = st.column_blob(1);
      std::uint32_t id = 0;
      for (int i = 1; i <= 4; ++i) id = (id << 8) | static_cast<unsigned char>(blob[static_cast<std::size_t>(i)]);
      out[st.column_int(0)] = id;
    }
    return out;
  }
  // Every row opens with the keys on disk (as a restarted authd would load them) to its seed.
  void check_every_row_opens() {
    const auto k = keys();
    auto st = db.prepare("SELECT id, user_id, sealed_secret FROM totp_credentials");
    int rows = 0;
    while (st.step()) {
      ++rows;
      auto seed = seal::unseal(k, st.column_blob(2), {"totp_credentials", st.column_int(0), st.column_int(1)});
      REQUIRE_MESSAGE(seed.ok(), seed.message());
      CHECK(seed->view() == seeds[st.column_int(0)]);
    }
    CHECK(rows == static_cast<int>(seeds.size()));
  }
};

bool all_sealed_with(const std::map<std::int64_t, std::uint32_t>& ids, std::uint32_t key) {
  for (const auto& [row, id] : ids)
    if (id != key) return false;
  return !ids.empty();
}

}  // namespace

TEST_CASE("rotate-keys re-seals every row with a new key and keeps the old one as retired") {
  sealed_state s;
  const auto old_id = s.keys().current_id();
  REQUIRE(all_sealed_with(s.key_ids(), old_id));

  auto done = rotate_master_key(s.db, s.master);
  REQUIRE_MESSAGE(done.ok(), done.message());
  CHECK(done->old_id == old_id);
  CHECK(done->new_id != old_id);
  CHECK(done->resealed == 4);
  CHECK(s.keys().current_id() == done->new_id);
  CHECK(s.keys().find(old_id) != nullptr);
  CHECK(all_sealed_with(s.key_ids(), done->new_id));
  s.check_every_row_opens();
  CHECK((fs::status(seal::retired_key_dir(s.master)).permissions() & fs::perms::mask) == fs::perms::owner_all);

  auto again = rotate_master_key(s.db, s.master);  // a second rotation: three keys, every row on the newest
  REQUIRE(again.ok());
  CHECK(all_sealed_with(s.key_ids(), again->new_id));
  CHECK(s.keys().find(old_id) != nullptr);
  s.check_every_row_opens();
}

TEST_CASE("a rotation interrupted at any step leaves every row openable, and running it again completes it") {
  sealed_state s;
  const auto old_keys = s.keys();
  const secret next_key(std::string(32, 'n'));
  const auto next = old_keys.rotated_to(next_key);

  // Step 1 and 2 done (both keys in the retired directory), crash before the re-seal commits.
  REQUIRE(seal::keyring::retire(s.master, next_key).ok());
  REQUIRE(seal::keyring::retire(s.master, old_keys.current()).ok());
  s.check_every_row_opens();
  CHECK(s.keys().current_id() == old_keys.current_id());

  // Step 3 fails halfway through (a row that does not open): rolled back, nothing changed.
  const auto user = insert_user(s.db, "clerk", "", 1);
  const auto bad = insert_totp(s.db, user, "phone", "SHA1", 6, 30, true, 1);
  const secret lost(std::string(32, 'l'));
  set_totp_secret(s.db, bad, seal::seal(old_keys.rotated_to(lost), "lost", {"totp_credentials", bad, user}));
  const auto before = s.key_ids();
  auto failed = reseal_secrets(s.db, next);
  REQUIRE_FALSE(failed.ok());
  CHECK(failed.message().find("does not open") != std::string::npos);
  CHECK(s.key_ids() == before);
  delete_totp(s.db, user, bad);
  s.check_every_row_opens();

  // Step 3 committed, crash before step 4: the master key file still holds the old key.
  REQUIRE(reseal_secrets(s.db, next).ok());
  CHECK(all_sealed_with(s.key_ids(), next.current_id()));
  CHECK(s.keys().current_id() == old_keys.current_id());
  s.check_every_row_opens();
  // What is sealed in this state uses the old key, which stays in the ring for good.
  s.add_seed(user, "sealed-between-steps");
  s.check_every_row_opens();

  // Running rotate-keys again from here completes a rotation.
  auto done = rotate_master_key(s.db, s.master);
  REQUIRE_MESSAGE(done.ok(), done.message());
  CHECK(all_sealed_with(s.key_ids(), done->new_id));
  s.check_every_row_opens();
  CHECK(s.keys().find(next.current_id()) != nullptr);
  CHECK(s.keys().find(old_keys.current_id()) != nullptr);
}

TEST_CASE("a rotation refuses a database with a row no key opens, and changes no file") {
  sealed_state s;
  const auto user = insert_user(s.db, "clerk", "", 1);
  const auto bad = insert_totp(s.db, user, "phone", "SHA1", 6, 30, true, 1);
  set_totp_secret(s.db, bad, std::string(40, '\x01'));
  const auto key_before = s.keys().current_id();
  auto r = rotate_master_key(s.db, s.master);
  REQUIRE_FALSE(r.ok());
  CHECK(r.message().find("authenticator app " + std::to_string(bad)) != std::string::npos);
  CHECK(s.keys().current_id() == key_before);
}
