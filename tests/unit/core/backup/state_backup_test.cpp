#include "core/backup/state_backup.hpp"

#include <doctest/doctest.h>

#include <filesystem>

#include "core/audit/audit_chain.hpp"
#include "core/audit/audit_verify.hpp"
#include "core/backup/backup_file.hpp"
#include "core/seal/sealer.hpp"
#include "core/store/audit_store.hpp"
#include "core/store/backup.hpp"
#include "core/store/factor_store.hpp"
#include "core/store/user_store.hpp"
#include "tests/unit/temp_dir.hpp"

using namespace sekisho;
namespace fs = std::filesystem;

namespace {

// A state directory as `sekisho init` leaves it: keys, database.
struct state_dir {
  test::temp_dir dir;
  config cfg = make_config(dir.path());
  store::database db = make_db(cfg);

  static config make_config(const fs::path& d) {
    config c;
    c.state_dir = d;
    c.database = d / "sekisho.db";
    c.master_key_file = d / "master.key";
    c.audit.key_file = d / "audit.key";
    if (!seal::keyring::create(c.master_key_file) || !audit::create_audit_key(c.audit.key_file)) std::abort();
    return c;
  }
  static store::database make_db(const config& c) { return store::database::open(c.database, true); }
  seal::keyring keys() { return std::move(*seal::keyring::load(cfg.master_key_file)); }
  secret audit_key() { return std::move(*audit::read_audit_key(cfg.audit.key_file)); }

  // A user with a sealed TOTP seed; an audit record.
  std::int64_t add_user_with_totp(std::string_view name, std::string_view seed) {
    const auto user = store::insert_user(db, name, "", 1);
    const auto id = store::insert_totp(db, user, "phone", "SHA1", 6, 30, true, 1);
    store::set_totp_secret(db, id, seal::seal(keys(), seed, {"totp_credentials", id, user}));
    store::append_audit(db, audit_key(), {"user.add", std::string(name), "local", "cli", "admin", "success", "{}"}, 1);
    return user;
  }
  // The seed of the user's TOTP credential, opened with the keys on disk now.
  std::string seed_of(std::string_view name) {
    auto u = store::find_user(db, name);
    REQUIRE(u);
    auto rows = store::totp_for_user(db, u->id, false);
    REQUIRE(rows.size() == 1);
    auto seed = seal::unseal(keys(), rows[0].sealed_secret, {"totp_credentials", rows[0].id, u->id});
    REQUIRE_MESSAGE(seed.ok(), seed.message());
    return std::string(seed->view());
  }
};

const secret passphrase(std::string_view("Kyoto-Osaka-2026"));

std::string encrypted_backup(state_dir& s) {
  auto c = backup::collect_state(s.db, s.cfg);
  REQUIRE_MESSAGE(c.ok(), c.message());
  return backup::encrypt_backup(backup::pack_contents(*c).view(), passphrase, backup::cheapest_kdf());
}

backup::backup_contents open_backup(const std::string& file) {
  auto plain = backup::decrypt_backup(file, passphrase);
  REQUIRE_MESSAGE(plain.ok(), plain.message());
  auto c = backup::unpack_contents(plain->view());
  REQUIRE_MESSAGE(c.ok(), c.message());
  return std::move(*c);
}

}  // namespace

TEST_CASE("a backup restored into a fresh state directory gives back the users, their seeds and the audit chain") {
  state_dir old_box;
  old_box.add_user_with_totp("nurse", "12345678901234567890");
  const auto file = encrypted_backup(old_box);

  state_dir new_box;  // `sekisho init` on a new machine: other keys, an empty database
  new_box.add_user_with_totp("placeholder", "abcdefghijabcdefghij");
  const auto fresh_key = new_box.keys().current_id();
  auto r = backup::restore_state(open_backup(file), new_box.db, new_box.cfg);
  REQUIRE_MESSAGE(r.ok(), r.message());

  CHECK(new_box.seed_of("nurse") == "12345678901234567890");
  CHECK_FALSE(store::find_user(new_box.db, "placeholder"));
  CHECK(new_box.keys().current_id() == old_box.keys().current_id());
  CHECK(new_box.keys().find(fresh_key) != nullptr);  // the replaced key is retired, not lost
  CHECK(new_box.audit_key().view() == old_box.audit_key().view());
  auto report = audit::verify_chain(new_box.db, new_box.audit_key());
  CHECK_MESSAGE(report.ok, report.problem);
  CHECK(report.records == 1);
  for (auto p : {new_box.cfg.master_key_file, new_box.cfg.audit.key_file})
    CHECK((fs::status(p).permissions() & fs::perms::mask) == (fs::perms::owner_read | fs::perms::owner_write));
}

TEST_CASE("a backup's retired keys come back too: rows sealed before a rotation still open") {
  state_dir box;
  box.add_user_with_totp("nurse", "12345678901234567890");
  // A key retired earlier that the database still needs (as after an interrupted rotation).
  const secret older(std::string(32, 'k'));
  REQUIRE(seal::keyring::retire(box.cfg.master_key_file, older).ok());
  const auto user = store::insert_user(box.db, "doctor", "", 1);
  const auto id = store::insert_totp(box.db, user, "phone", "SHA1", 6, 30, true, 1);
  store::set_totp_secret(box.db, id, seal::seal(box.keys().rotated_to(older), "doctor-seed-0123456789", {"totp_credentials", id, user}));
  const auto file = encrypted_backup(box);

  state_dir other;
  REQUIRE(backup::restore_state(open_backup(file), other.db, other.cfg).ok());
  CHECK(other.seed_of("doctor") == "doctor-seed-0123456789");
  CHECK(other.seed_of("nurse") == "12345678901234567890");
}

TEST_CASE("a backup that is damaged inside, or from a newer Sekisho, changes nothing") {
  state_dir box;
  box.add_user_with_totp("nurse", "12345678901234567890");
  auto contents = open_backup(encrypted_backup(box));

  state_dir target;
  target.add_user_with_totp("clerk", "abcdefghijabcdefghij");
  const auto key_before = target.keys().current_id();
  const std::string audit_before(target.audit_key().view());

  SUBCASE("newer schema") {
    test::temp_dir t;
    {
      auto newer = store::database::open(t.path() / "n.db", true);
      newer.exec("PRAGMA user_version = 999");
    }
    auto newer = store::database::open_unmigrated(t.path() / "n.db");
    contents.database = std::move(*store::database_image(newer));
    auto r = backup::restore_state(contents, target.db, target.cfg);
    REQUIRE_FALSE(r.ok());
    CHECK(r.message().find("newer Sekisho") != std::string::npos);
  }
  SUBCASE("not a database") {
    contents.database = secret(std::string(8192, 'x'));
    CHECK_FALSE(backup::restore_state(contents, target.db, target.cfg).ok());
  }
  CHECK(store::find_user(target.db, "clerk"));
  CHECK_FALSE(store::find_user(target.db, "nurse"));
  CHECK(target.keys().current_id() == key_before);
  CHECK(target.audit_key().view() == audit_before);
  CHECK_FALSE(fs::exists(seal::retired_key_dir(target.cfg.master_key_file)));
}
