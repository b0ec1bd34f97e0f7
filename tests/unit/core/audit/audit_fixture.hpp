// A temp dir with an audit key and a migrated database, shared by the audit tests.
#pragma once
#include <string>

#include "core/audit/audit_chain.hpp"
#include "core/audit/audit_event.hpp"
#include "core/store/audit_store.hpp"
#include "tests/unit/temp_dir.hpp"

namespace sekisho::test {

struct audit_fixture {
  temp_dir dir;
  std::filesystem::path db_path = dir.path() / "sekisho.db";
  secret key = make_key(dir.path() / "audit.key");
  store::database db = store::database::open(db_path, true);

  static secret make_key(const std::filesystem::path& p) {
    if (!audit::create_audit_key(p)) throw std::runtime_error("cannot create the audit key");
    return std::move(*audit::read_audit_key(p));
  }

  static audit::audit_event event(int i) {
    return {"login.password", "user" + std::to_string(i), "192.0.2." + std::to_string(i % 250), "web", "password",
            i % 3 == 0 ? "failure" : "success", "{\"reason\":\"n" + std::to_string(i) + "\"}"};
  }

  // Appends records 1..n at times 1000, 1010, …
  void append(int n) {
    for (int i = 1; i <= n; ++i) store::append_audit(db, key, event(i), 1000 + 10 * i);
  }

  std::int64_t count() {
    auto st = db.prepare("SELECT count(*) FROM audit_log");
    st.step();
    return st.column_int(0);
  }
};

}  // namespace sekisho::test
