#include "core/webauthn/cbor.hpp"

#include <doctest/doctest.h>

#include <string>

#include "tests/unit/core/webauthn/soft_authenticator.hpp"

using namespace sekisho::webauthn;

namespace {

std::string raw(std::initializer_list<int> b) {
  std::string s;
  for (int c : b) s.push_back(static_cast<char>(c));
  return s;
}

}  // namespace

TEST_CASE("item_size measures definite items and nothing more") {
  CHECK(cbor::item_size(raw({0x00}), 1) == 1u);
  CHECK(cbor::item_size(raw({0x19, 0x01, 0x00, 0xff}), 1) == 3u);        // uint16, then a stray byte
  CHECK(cbor::item_size(soft::bytes("abc") + "zz", 1) == 4u);
  CHECK(cbor::item_size(soft::map({{soft::integer(1), soft::text("x")}}), 1) == 4u);
  CHECK(cbor::item_size(raw({0xf5}), 1) == 1u);                          // true
  CHECK(cbor::item_size(raw({0xf9, 0x3c, 0x00}), 1) == 3u);              // half float 1.0
}

TEST_CASE("item_size refuses what CTAP2 canonical CBOR never contains, and lies about lengths") {
  CHECK_FALSE(cbor::item_size("", 4));
  CHECK_FALSE(cbor::item_size(raw({0x5f, 0x41, 0x00, 0xff}), 4));  // indefinite byte string
  CHECK_FALSE(cbor::item_size(raw({0xbf, 0x01, 0x02, 0xff}), 4));  // indefinite map
  CHECK_FALSE(cbor::item_size(raw({0x9f, 0xff}), 4));              // indefinite array
  CHECK_FALSE(cbor::item_size(raw({0xc2, 0x41, 0x00}), 4));        // tag 2
  CHECK_FALSE(cbor::item_size(raw({0x1c}), 4));                    // reserved additional info
  CHECK_FALSE(cbor::item_size(raw({0xff}), 4));                    // a lone break
  CHECK_FALSE(cbor::item_size(raw({0xe0}), 4));                    // unassigned simple value
  CHECK_FALSE(cbor::item_size(raw({0xf8, 0x20}), 4));              // one-byte simple value
  CHECK_FALSE(cbor::item_size(raw({0x43, 0x00, 0x00}), 4));        // 3 bytes announced, 2 present
  CHECK_FALSE(cbor::item_size(raw({0x1a, 0x00, 0x00}), 4));        // truncated uint32
  // 2^64−1 elements in a 10-byte buffer: refused at once, not after a long walk.
  CHECK_FALSE(cbor::item_size(raw({0x9b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00}), 4));
  CHECK_FALSE(cbor::item_size(raw({0x5b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}), 4));
}

TEST_CASE("nesting is bounded") {
  std::string deep;
  for (int i = 0; i < 5; ++i) deep += raw({0x81});
  deep += raw({0x00});
  CHECK(cbor::item_size(deep, 5) == 6u);
  CHECK_FALSE(cbor::item_size(deep, 4));
  std::string very_deep(100000, '\x81');
  CHECK_FALSE(cbor::item_size(very_deep + raw({0x00}), 8));
}

TEST_CASE("load_exact decodes one item and refuses trailing bytes") {
  const std::string m = soft::map({{soft::text("a"), soft::integer(-7)}, {soft::integer(3), soft::bytes("k")}});
  auto item = cbor::load_exact(m, 2);
  REQUIRE(item);
  CHECK(cbor::integer(cbor::find(item.get(), "a")) == -7);
  CHECK(cbor::bytes(cbor::find(item.get(), 3)) == "k");
  CHECK(cbor::find(item.get(), "b") == nullptr);
  CHECK(cbor::text(cbor::find(item.get(), "a")) == std::nullopt);
  CHECK_FALSE(cbor::load_exact(m + raw({0x00}), 2));
  std::size_t used = 0;
  CHECK(cbor::load_prefix(m + raw({0x00}), 2, used));
  CHECK(used == m.size());
}

TEST_CASE("plain maps have integer or text keys, none twice") {
  auto ok = cbor::load_exact(soft::map({{soft::text("a"), soft::integer(1)}, {soft::integer(1), soft::integer(2)}}), 2);
  CHECK(cbor::is_plain_map(ok.get(), 2));
  CHECK_FALSE(cbor::is_plain_map(ok.get(), 1));
  auto dup = cbor::load_exact(soft::map({{soft::text("a"), soft::integer(1)}, {soft::text("a"), soft::integer(2)}}), 2);
  CHECK_FALSE(cbor::is_plain_map(dup.get(), 8));
  auto dup_int = cbor::load_exact(soft::map({{soft::integer(-2), soft::integer(1)}, {soft::integer(-2), soft::integer(1)}}), 2);
  CHECK_FALSE(cbor::is_plain_map(dup_int.get(), 8));
  auto bytes_key = cbor::load_exact(soft::map({{soft::bytes("a"), soft::integer(1)}}), 2);
  CHECK_FALSE(cbor::is_plain_map(bytes_key.get(), 8));
  auto array = cbor::load_exact(soft::array({soft::integer(1)}), 2);
  CHECK_FALSE(cbor::is_plain_map(array.get(), 8));
}

TEST_CASE("typed views refuse other types") {
  auto t = cbor::load_exact(soft::text("x"), 1);
  CHECK(cbor::text(t.get()) == "x");
  CHECK_FALSE(cbor::bytes(t.get()));
  CHECK_FALSE(cbor::integer(t.get()));
  CHECK_FALSE(cbor::boolean(t.get()));
  auto big = cbor::load_exact(raw({0x1b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}), 1);
  CHECK_FALSE(cbor::integer(big.get()));  // beyond int64
  auto f = cbor::load_exact(raw({0xf4}), 1);
  CHECK(cbor::boolean(f.get()) == false);
  CHECK(cbor::serialize(t.get()) == soft::text("x"));
}
