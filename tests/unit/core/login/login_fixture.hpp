// A temp-dir state dir (database, master key, audit key) with an authenticator on the cheapest
// Argon2id parameters and a clock the test moves; shared by the login and authd tests.
#pragma once
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "core/audit/audit_chain.hpp"
#include "core/login/authenticator.hpp"
#include "core/recovery/recovery_codes.hpp"
#include "core/seal/sealer.hpp"
#include "core/store/audit_store.hpp"
#include "core/store/factor_store.hpp"
#include "core/store/user_store.hpp"
#include "core/totp/totp.hpp"
#include "tests/unit/temp_dir.hpp"

namespace sekisho::test {

struct login_fixture {
  temp_dir dir;
  config cfg = make_config(dir.path());
  std::int64_t now = 1'800'000'010;  // 10 s into a 30-second TOTP step
  seal::keyring keys = make_keyring(cfg.master_key_file);
  secret audit_key = make_audit_key(dir.path() / "audit.key");
  store::connection_pool pool = make_pool(cfg.database);
  login::authenticator auth{cfg, pool, keys, audit_key, [this] { return now; }};
  password::password_hasher hasher{{cfg.password.memory_kib, cfg.password.iterations, 1}, 1};

  static config make_config(const std::filesystem::path& dir) {
    config c;
    c.state_dir = dir;
    c.database = dir / "sekisho.db";
    c.master_key_file = dir / "master.key";
    c.password.memory_kib = 8;  // libsodium's minimum: a test login costs microseconds, not 200 ms
    c.password.iterations = 1;
    c.throttle.lock_after = 10;
    return c;
  }
  static seal::keyring make_keyring(const std::filesystem::path& p) {
    if (!seal::keyring::create(p)) throw std::runtime_error("cannot create the master key");
    return std::move(*seal::keyring::load(p));
  }
  static secret make_audit_key(const std::filesystem::path& p) {
    if (!audit::create_audit_key(p)) throw std::runtime_error("cannot create the audit key");
    return std::move(*audit::read_audit_key(p));
  }
  static store::connection_pool make_pool(const std::filesystem::path& db) {
    store::database::open(db, true);  // creates and migrates; the pool only opens
    return store::connection_pool(db, 4);
  }

  std::int64_t add_user(std::string_view name, std::string_view password, std::string_view display_name = "") {
    auto db = pool.acquire();
    const auto id = store::insert_user(*db, name, display_name, now);
    store::set_password_hash(*db, id, *hasher.hash(password), false, now);
    return id;
  }
  // A confirmed authenticator app; returns its seed.
  std::string add_totp(std::int64_t user_id) {
    auto seed = totp::generate_secret(totp_algorithm::sha1);
    auto db = pool.acquire();
    const auto id = store::insert_totp(*db, user_id, "phone", "SHA1", 6, 30, true, now);
    store::set_totp_secret(*db, id, seal::seal(keys, seed, {"totp_credentials", id, user_id}));
    return seed;
  }
  std::vector<std::string> add_recovery_codes(std::int64_t user_id) {
    password::password_hasher code_hasher(recovery::hash_params(), 2);
    auto set = recovery::generate_codes(code_hasher);
    auto db = pool.acquire();
    store::replace_recovery_codes(*db, user_id, set.hashes);
    return set.codes;
  }
  // The code an authenticator app shows at the fixture's current time.
  std::string code(std::string_view seed) const { return totp::generate_code(seed, {}, now); }
  // A code that is not `right`: its first digit changed.
  static std::string other_code(std::string right) {
    right[0] = right[0] == '9' ? '0' : static_cast<char>(right[0] + 1);
    return right;
  }

  void set_disabled(std::int64_t user_id) {
    auto db = pool.acquire();
    store::set_disabled(*db, user_id, true, now);
  }

  // The audit trail as "event result details channel=…" lines, for checks that a step was recorded.
  std::vector<std::string> audit_lines() {
    std::vector<std::string> out;
    auto db = pool.acquire();
    store::for_each_audit_record(*db, std::nullopt, [&](const audit::audit_record& r) {
      out.push_back(r.event + " " + r.result + " " + r.details + " channel=" + r.channel);
      return true;
    });
    return out;
  }
};

}  // namespace sekisho::test
