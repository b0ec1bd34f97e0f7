// What an admin command needs: the config, the database, the keys, and an audit helper that
// records who did what from the command line.
#pragma once
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "core/config/config.hpp"
#include "core/seal/keyring.hpp"
#include "core/store/database.hpp"
#include "core/store/user_store.hpp"
#include "core/util/result.hpp"
#include "core/util/secret.hpp"

namespace sekisho::cli {

class admin_context {
 public:
  // Fails with one line naming what is wrong (config key, missing key file, database).
  static result<admin_context> open(const std::filesystem::path& config_path, bool need_master_key);

  config cfg;
  store::database db;
  secret audit_key;
  std::optional<seal::keyring> keys;
  std::string operator_name;  // the Unix user running the command

  std::int64_t now() const;
  // Appends an audit record for an admin action on `user`.
  void audit(std::string_view event, std::string_view user, std::string_view result, std::string_view details = {});
  // Finds the user or prints "no such user" and returns nullopt.
  std::optional<store::user_row> require_user(std::string_view name);

 private:
  admin_context(config c, store::database d, secret k)
      : cfg(std::move(c)), db(std::move(d)), audit_key(std::move(k)) {}
};

// Prints "sekisho: MESSAGE" to stderr and returns exit_failed.
int fail(std::string_view message);

}  // namespace sekisho::cli
