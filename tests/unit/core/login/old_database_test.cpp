// Upgrades: a database made by an older Sekisho (every older schema version), with a real user in it,
// migrates when opened and the user still logs in with the same password and authenticator app.
#include <doctest/doctest.h>

#include "core/login/authenticator.hpp"
#include "core/store/schema.hpp"
#include "tests/unit/core/login/login_fixture.hpp"

using namespace sekisho;

namespace {

const login::context ssh{"192.0.2.7", "ssh", "sshd", "db01"};

// What an old version wrote, with the columns schema version 1 already had.
void fill_old_database(store::database& db, const seal::keyring& keys, const std::string& phc,
                       const std::string& seed) {
  db.prepare("INSERT INTO users(name, password_hash, user_handle, created_at, updated_at) "
             "VALUES('nurse', ?, x'0102030405060708', 1, 1)")
      .bind(1, phc)
      .run();
  const auto user = db.last_insert_id();
  db.prepare("INSERT INTO totp_credentials(user_id, label, sealed_secret, algorithm, digits, period, confirmed, "
             "created_at) VALUES(?, 'phone', x'', 'SHA1', 6, 30, 1, 1)")
      .bind(1, user)
      .run();
  const auto id = db.last_insert_id();
  db.prepare("UPDATE totp_credentials SET sealed_secret = ? WHERE id = ?")
      .bind_blob(1, seal::seal(keys, seed, {"totp_credentials", id, user}))
      .bind(2, id)
      .run();
}

}  // namespace

TEST_CASE("a database from each older schema version migrates, and its user logs in with password and TOTP") {
  for (int version = 1; version < store::schema_version; ++version) {
    CAPTURE(version);
    test::temp_dir dir;
    const config cfg = test::login_fixture::make_config(dir.path());
    const seal::keyring keys = test::login_fixture::make_keyring(cfg.master_key_file);
    const secret audit_key = test::login_fixture::make_audit_key(dir.path() / "audit.key");
    const password::password_hasher hasher{{cfg.password.memory_kib, cfg.password.iterations, 1}, 1};
    const std::string seed = totp::generate_secret(totp_algorithm::sha1);
    {
      auto old_db = store::database::open_unmigrated(cfg.database);
      store::migrate_to(old_db, version);
      fill_old_database(old_db, keys, *hasher.hash("Sakura-Hana#2026"), seed);
    }
    {
      auto db = store::database::open(cfg.database);  // what authd does when it starts: migrate
      CHECK(store::current_version(db) == store::schema_version);
    }
    store::connection_pool pool(cfg.database, 2);
    const std::int64_t now = 1'800'000'010;
    login::authenticator auth{cfg, pool, keys, audit_key, [now] { return now; }};
    const auto code = totp::generate_code(seed, {}, now);
    auto ok = auth.login("nurse", secret(std::string_view("Sakura-Hana#2026")), secret(code), ssh);
    CHECK(ok.result == login::status::ok);
    CHECK(ok.method == "totp");
    auto wrong = auth.login("nurse", secret(std::string_view("Sakura-Hana#2025")), secret(code), ssh);
    CHECK(wrong.result == login::status::denied);
  }
}
