#include "core/store/write_probe.hpp"

#include <string>

namespace sekisho::store {

bool probe_writable(database& db) {
  try {
    transaction tx(db);
    auto st = db.prepare("PRAGMA user_version");
    if (!st.step()) return false;
    const auto version = st.column_int(0);
    st.reset();
    // PRAGMA takes no bound parameters; the value is the integer just read, not input.
    db.exec("PRAGMA user_version = " + std::to_string(version));
    tx.commit();
    return true;
  } catch (const store_error&) {
    return false;
  }
}

}  // namespace sekisho::store
