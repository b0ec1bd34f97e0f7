#include "core/webauthn/refusal.hpp"

#include <doctest/doctest.h>

#include <set>
#include <string>

using namespace sekisho;
using namespace sekisho::webauthn;

TEST_CASE("every refusal has its own name, and the name comes back from the error") {
  std::set<std::string> seen;
  for (int i = 0; i <= static_cast<int>(refusal::internal_error); ++i) {
    const auto r = static_cast<refusal>(i);
    const std::string name(to_string(r));
    CAPTURE(name);
    CHECK(seen.insert(name).second);
    CHECK(name.find(':') == std::string::npos);
    CHECK(reason_of(refuse(r)) == r);
    CHECK(reason_of(refuse(r, "with a detail: and a colon")) == r);
    CHECK(refuse(r, "why").message == name + ": why");
  }
}

TEST_CASE("an error from elsewhere reads as internal_error") {
  CHECK(reason_of(make_error("disk full")) == refusal::internal_error);
  CHECK(reason_of(make_error("")) == refusal::internal_error);
  CHECK(reason_of(make_error("wrong_origin_extra")) == refusal::internal_error);
}
