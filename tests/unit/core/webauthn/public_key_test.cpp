#include "core/webauthn/public_key.hpp"

#include <doctest/doctest.h>

#include <string>

#include "core/webauthn/cbor.hpp"
#include "core/webauthn/refusal.hpp"
#include "tests/unit/core/webauthn/soft_authenticator.hpp"

using namespace sekisho::webauthn;

TEST_CASE("a stored SPKI reads back in libfido2's raw form, for its own algorithm only") {
  const std::pair<cose_alg, std::size_t> sizes[] = {
      {cose_alg::es256, 64}, {cose_alg::es384, 96}, {cose_alg::eddsa, 32}, {cose_alg::rs256, 259}};
  for (const auto& [alg, size] : sizes) {
    CAPTURE(static_cast<int>(alg));
    const auto k = soft::make_key(alg);
    auto parsed = parse_cose_key(cbor::load_exact(k.cose(), 2).get());
    REQUIRE_MESSAGE(parsed.ok(), parsed.message());
    CHECK(parsed->spki == k.spki());
    const auto raw = raw_public_key(alg, parsed->spki);
    REQUIRE(raw.has_value());
    CHECK(raw->size() == size);
    for (const auto& [other, unused] : sizes)
      if (other != alg) CHECK_FALSE(raw_public_key(other, parsed->spki).has_value());
    CHECK_FALSE(raw_public_key(alg, parsed->spki + "x").has_value());
    CHECK_FALSE(raw_public_key(alg, parsed->spki.substr(1)).has_value());
  }
}

TEST_CASE("the raw EC form is the point's coordinates") {
  const auto k = soft::make_key(cose_alg::es256);
  const auto cose = cbor::load_exact(k.cose(), 2);
  const auto raw = raw_public_key(cose_alg::es256, k.spki());
  REQUIRE(raw.has_value());
  CHECK(raw->substr(0, 32) == cbor::bytes(cbor::find(cose.get(), -2)));
  CHECK(raw->substr(32) == cbor::bytes(cbor::find(cose.get(), -3)));
}

TEST_CASE("RSA keys other than 2048 bits are not ours to verify") {
  EVP_PKEY* k = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", std::size_t{1024});
  REQUIRE(k != nullptr);
  const soft::key_pair small{cose_alg::rs256, soft::pkey(k, soft::pkey_free{})};
  CHECK_FALSE(raw_public_key(cose_alg::rs256, small.spki()).has_value());
  auto parsed = parse_cose_key(cbor::load_exact(small.cose(), 2).get());
  CHECK(reason_of(parsed.err()) == refusal::unsupported_algorithm);
}
