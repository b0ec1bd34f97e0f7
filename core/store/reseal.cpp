#include "core/store/reseal.hpp"

#include <string>
#include <vector>

#include "core/seal/sealer.hpp"
#include "core/util/random.hpp"

namespace sekisho::store {
namespace {

struct sealed_row {
  std::int64_t id, user_id;
  std::string sealed;
};

}  // namespace

result<int> reseal_secrets(database& db, const seal::keyring& keys) {
  transaction tx(db);
  std::vector<sealed_row> rows;
  auto st = db.prepare("SELECT id, user_id, sealed_secret FROM totp_credentials ORDER BY id");
  while (st.step()) rows.push_back({st.column_int(0), st.column_int(1), st.column_blob(2)});
  auto update = db.prepare("UPDATE totp_credentials SET sealed_secret = ? WHERE id = ?");
  for (const auto& r : rows) {
    const seal::binding where{"totp_credentials", r.id, r.user_id};
    auto seed = seal::unseal(keys, r.sealed, where);
    if (!seed)  // rolled back: a rotation must not silently drop a secret it cannot carry over
      return make_error("authenticator app " + std::to_string(r.id) + " (user id " + std::to_string(r.user_id) +
                        ") does not open: " + seed.message() + "; nothing was changed");
    update.bind_blob(1, seal::seal(keys, seed->view(), where)).bind(2, r.id).run();
    update.reset();
  }
  tx.commit();
  return static_cast<int>(rows.size());
}

// The order, and why every step leaves a state in which every row opens (a crash can come anywhere):
//   1. the new key is added to MASTER.retired/: it opens, nothing is sealed with it yet;
//   2. the old key is added to MASTER.retired/: it stays openable once MASTER no longer holds it;
//   3. every row re-sealed with the new key in one transaction: before COMMIT all rows are under the
//      old key (still MASTER), after it all are under the new key (in MASTER.retired/ since step 1);
//   4. MASTER replaced atomically (temp + rename) by the new key.
// Stopped before 3 commits: an unused retired key is left, harmless. Stopped between 3 and 4: rows open
// through the retired copy of the new key, and what gets sealed meanwhile uses the old key, which
// stays in the ring. Running the rotation again from any of these states completes it. Keys are never
// deleted, so an older backup's rows keep opening too.
result<rotation_report> rotate_master_key(database& db, const std::filesystem::path& master_key_file) {
  auto keys = seal::keyring::load(master_key_file);
  if (!keys) return keys.err();
  const secret next_key(random_bytes(seal::master_key_size));
  const seal::keyring next = keys->rotated_to(next_key);
  if (auto r = seal::keyring::retire(master_key_file, next_key); !r) return r.err();
  if (auto r = seal::keyring::retire(master_key_file, keys->current()); !r) return r.err();
  auto resealed = reseal_secrets(db, next);
  if (!resealed) return resealed.err();
  if (auto r = seal::keyring::install(master_key_file, next_key); !r)
    return make_error(r.message() + " (every secret is re-sealed and both keys are kept: run rotate-keys again)");
  return rotation_report{keys->current_id(), next.current_id(), *resealed};
}

}  // namespace sekisho::store
