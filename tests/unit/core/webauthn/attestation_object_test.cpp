#include "core/webauthn/attestation_object.hpp"

#include <doctest/doctest.h>

#include <optional>
#include <string>

#include "core/webauthn/refusal.hpp"
#include "tests/unit/core/webauthn/soft_authenticator.hpp"

using namespace sekisho::webauthn;
using soft::bytes, soft::map, soft::text, soft::integer;

namespace {

const std::string ad(37, '\x01');

std::optional<refusal> outcome(const std::string& raw) {
  auto r = parse_attestation_object(raw);
  return r.ok() ? std::nullopt : std::optional(reason_of(r.err()));
}

}  // namespace

TEST_CASE("fmt, attStmt and authData are taken apart") {
  const auto stmt = map({{text("alg"), integer(-7)}});
  auto r = parse_attestation_object(soft::attestation_object("packed", stmt, ad));
  REQUIRE_MESSAGE(r.ok(), r.message());
  CHECK(r->fmt == "packed");
  CHECK(r->auth_data == ad);
  CHECK(cbor::integer(cbor::find(r->statement.get(), "alg")) == -7);
  // Member order does not matter.
  CHECK(outcome(map({{text("authData"), bytes(ad)}, {text("attStmt"), map({})}, {text("fmt"), text("none")}})) ==
        std::nullopt);
}

TEST_CASE("anything but exactly one definite {fmt, attStmt, authData} map is refused") {
  const auto good = soft::attestation_object("none", map({}), ad);
  const auto malformed = std::optional(refusal::attestation_object_malformed);
  CHECK(outcome(good + std::string(1, '\0')) == malformed);  // trailing byte
  CHECK(outcome(good.substr(0, good.size() - 1)) == malformed);
  CHECK(outcome("") == malformed);
  CHECK(outcome(map({{text("fmt"), text("none")}, {text("attStmt"), map({})}})) == malformed);
  CHECK(outcome(map({{text("fmt"), text("none")}, {text("attStmt"), map({})}, {text("authData"), bytes(ad)},
                     {text("extra"), integer(1)}})) == malformed);
  CHECK(outcome(map({{text("fmt"), text("none")}, {text("fmt"), text("none")}, {text("authData"), bytes(ad)}})) ==
        malformed);
  CHECK(outcome(map({{text("fmt"), integer(1)}, {text("attStmt"), map({})}, {text("authData"), bytes(ad)}})) ==
        malformed);
  CHECK(outcome(map({{text("fmt"), text("none")}, {text("attStmt"), soft::array({})}, {text("authData"), bytes(ad)}})) ==
        malformed);
  CHECK(outcome(map({{text("fmt"), text("none")}, {text("attStmt"), map({})}, {text("authData"), text(ad)}})) ==
        malformed);
  CHECK(outcome(map({{text("fmt"), text("")}, {text("attStmt"), map({})}, {text("authData"), bytes(ad)}})) ==
        malformed);
  // The same map with indefinite lengths (0xbf … 0xff).
  std::string indefinite = good;
  indefinite[0] = '\xbf';
  indefinite += '\xff';
  CHECK(outcome(indefinite) == malformed);
  CHECK(outcome(std::string(max_attestation_object_bytes + 1, '\0')) == refusal::input_too_large);
}
