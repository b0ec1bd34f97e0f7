#include "core/session/session_book.hpp"

#include <doctest/doctest.h>

#include "core/store/database.hpp"
#include "core/store/session_store.hpp"
#include "core/store/user_store.hpp"
#include "tests/unit/temp_dir.hpp"

using namespace sekisho;

namespace {

struct fixture {
  test::temp_dir dir;
  std::int64_t now = 1'000'000;
  std::int64_t alice = 0;
  std::unique_ptr<store::connection_pool> pool;
  std::unique_ptr<session::session_book> book;

  fixture() {
    {
      auto db = store::database::open(dir.path() / "s.db", true);
      alice = store::insert_user(db, "alice", "山田 花子", now);
      store::set_groups(db, alice, {"nurses", "ward3"});
    }
    pool = std::make_unique<store::connection_pool>(dir.path() / "s.db", 2);
    session_config c;  // idle 30 min, absolute 12 h
    book = std::make_unique<session::session_book>(*pool, c, [this] { return now; });
  }
};

}  // namespace

TEST_CASE("an opened session is found with the user's name, groups and factors") {
  fixture f;
  const auto id = f.book->open(f.alice, 2, "totp", "10.0.0.5");
  CHECK(session::well_formed_session_id(id));
  auto s = f.book->check(id);
  REQUIRE(s);
  CHECK(s->user == "alice");
  CHECK(s->display_name == "山田 花子");
  CHECK(s->groups == std::vector<std::string>{"nurses", "ward3"});
  CHECK(s->factors == 2);
  CHECK(s->method == "totp");
}

TEST_CASE("only a hash of the id is stored, so a copy of the database opens no session") {
  fixture f;
  const auto id = f.book->open(f.alice, 2, "totp", "10.0.0.5");
  auto db = f.pool->acquire();
  auto rows = store::list_sessions(*db);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].id_hash != id);
  CHECK(rows[0].id_hash.find(id) == std::string::npos);
  CHECK_FALSE(f.book->check(rows[0].id_hash));
}

TEST_CASE("unknown, malformed and altered ids are refused") {
  fixture f;
  const auto id = f.book->open(f.alice, 2, "totp", "10.0.0.5");
  std::string altered = id;
  altered[5] = altered[5] == 'A' ? 'B' : 'A';
  CHECK_FALSE(f.book->check(altered));
  CHECK_FALSE(f.book->check(""));
  CHECK_FALSE(f.book->check(id + "x"));
  CHECK_FALSE(f.book->check(id.substr(0, 42) + "'"));
  CHECK_FALSE(f.book->check(std::string(43, '\0')));
}

TEST_CASE("a session ends after the idle timeout, but each request keeps it alive") {
  fixture f;
  const auto id = f.book->open(f.alice, 2, "totp", "10.0.0.5");
  for (int i = 0; i < 10; ++i) {
    f.now += 14 * 60;  // a request every 14 minutes: within the default 15-minute idle timeout
    REQUIRE(f.book->check(id));
  }
  f.now += 16 * 60;
  CHECK_FALSE(f.book->check(id));
  CHECK_FALSE(f.book->check(id));  // and it stays gone
}

TEST_CASE("a session ends at the absolute timeout even when in use") {
  fixture f;
  const auto id = f.book->open(f.alice, 2, "totp", "10.0.0.5");
  const auto start = f.now;
  while (f.now < start + 12 * 3600 - 600) {
    f.now += 600;
    REQUIRE(f.book->check(id));
  }
  f.now = start + 12 * 3600;
  CHECK_FALSE(f.book->check(id));
}

TEST_CASE("logout, disabling the user and closing all of a user's sessions end them") {
  fixture f;
  const auto a = f.book->open(f.alice, 2, "totp", "10.0.0.5");
  const auto b = f.book->open(f.alice, 2, "totp", "10.0.0.6");
  CHECK(f.book->close(a));
  CHECK_FALSE(f.book->check(a));
  CHECK(f.book->check(b));
  {
    auto db = f.pool->acquire();
    store::set_disabled(*db, f.alice, true, f.now);
  }
  CHECK_FALSE(f.book->check(b));
  {
    auto db = f.pool->acquire();
    store::set_disabled(*db, f.alice, false, f.now);
  }
  CHECK(f.book->check(b));
  CHECK(f.book->close_all_for(f.alice) == 1);
  CHECK_FALSE(f.book->check(b));
}

TEST_CASE("deleting the user deletes their sessions") {
  fixture f;
  const auto id = f.book->open(f.alice, 2, "totp", "10.0.0.5");
  {
    auto db = f.pool->acquire();
    store::delete_user(*db, f.alice);
  }
  CHECK_FALSE(f.book->check(id));
}

TEST_CASE("a fresh two-factor login may change the account; an old one, a one-factor or an emergency one may not") {
  fixture f;
  const auto fresh = *f.book->check(f.book->open(f.alice, 2, "totp", "192.0.2.1"));
  CHECK(session::recently_authenticated(fresh, f.now + 299));
  CHECK_FALSE(session::recently_authenticated(fresh, f.now + 300));
  const auto one = *f.book->check(f.book->open(f.alice, 1, "password", "192.0.2.1"));
  CHECK_FALSE(session::recently_authenticated(one, f.now));
  const auto emergency =
      *f.book->check(f.book->open(f.alice, 2, "break_glass", "192.0.2.1", std::chrono::seconds(3600)));
  CHECK_FALSE(session::recently_authenticated(emergency, f.now));
  CHECK(emergency.expires_at <= f.now + 3600);
}
