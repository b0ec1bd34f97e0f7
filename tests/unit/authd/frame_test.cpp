#include "authd/frame.hpp"

#include <doctest/doctest.h>

#include <string>

#include "tests/unit/authd/test_server.hpp"

using namespace sekisho;
using namespace sekisho::authd;

using sekisho::test::raw_connection;

namespace {

std::string header(std::uint32_t n) { return raw_connection::header(n); }

}  // namespace

TEST_CASE("a frame is decoded only once every byte of it has arrived") {
  const std::string frame = encode_frame({{"op", "ping"}});
  REQUIRE(frame.size() == 4 + std::string(R"({"op":"ping"})").size());
  for (std::size_t n = 0; n < frame.size(); ++n)
    CHECK(decode_frame(std::string_view(frame).substr(0, n)).status == frame_status::need_more);

  const std::string received = frame + "trailing bytes of the next frame";
  const auto d = decode_frame(received);
  REQUIRE(d.status == frame_status::complete);
  CHECK(d.body == R"({"op":"ping"})");
  CHECK(d.frame_size == frame.size());
}

TEST_CASE("a length over 64 KiB is refused from the header alone, before any body arrives") {
  CHECK(decode_frame(header(65536) + "{").status == frame_status::need_more);  // exactly the limit is fine
  CHECK(decode_frame(header(65537)).status == frame_status::too_large);
  CHECK(decode_frame(header(0xFFFFFFFF)).status == frame_status::too_large);
  CHECK(decode_frame(header(0)).status == frame_status::malformed);
}

TEST_CASE("requests must be one JSON object with a string op") {
  CHECK(parse_request_body(R"({"op":"ping","n":1})").ok());
  CHECK(parse_request_body(R"({"op":"ログイン"})").ok());  // UTF-8 is fine

  for (std::string_view bad : {"hello", "", "[1,2]", "\"op\"", "{}", R"({"x":1})", R"({"op":5})",
                               R"({"op":null})", R"({"op":"ping"} trailing)", R"({"op":"ping",})"}) {
    INFO(bad);
    CHECK_FALSE(parse_request_body(bad).ok());
  }
}

TEST_CASE("invalid UTF-8 is refused, including overlong forms and surrogates") {
  CHECK_FALSE(parse_request_body("{\"op\":\"p\xff\"}").ok());
  CHECK_FALSE(parse_request_body("{\"op\":\"\xc0\xaf\"}").ok());      // overlong '/'
  CHECK_FALSE(parse_request_body("{\"op\":\"\xed\xa0\x80\"}").ok());  // UTF-16 surrogate
  CHECK_FALSE(parse_request_body("{\"op\":\"\xe3\x83\"}").ok());      // truncated sequence
  CHECK_FALSE(parse_request_body(R"({"op":"\ud800"})").ok());        // lone surrogate escape
}

TEST_CASE("nesting is limited to 8 levels, counted outside strings only") {
  auto nested = [](int levels) {
    std::string s = R"({"op":"x","a":)";
    for (int i = 1; i < levels; ++i) s += "[";
    s += "1";
    for (int i = 1; i < levels; ++i) s += "]";
    return s + "}";
  };
  CHECK(parse_request_body(nested(8)).ok());
  CHECK_FALSE(parse_request_body(nested(9)).ok());
  CHECK_FALSE(parse_request_body(std::string(60000, '[')).ok());
  CHECK(parse_request_body(R"({"op":"x","p":"[[[[[[[[[[[[\"{{{{{{{{{{"})").ok());
}

TEST_CASE("a duplicate key is refused, so a checker and authd cannot read different values") {
  CHECK_FALSE(parse_request_body(R"({"op":"ping","op":"admin.delete"})").ok());
  CHECK_FALSE(parse_request_body(R"({"op":"x","a":{"u":"alice","u":"root"}})").ok());
  CHECK(parse_request_body(R"({"op":"x","a":{"u":1},"b":{"u":2},"c":[{"u":1},{"u":2}]})").ok());
}

TEST_CASE("numbers JSON cannot carry back (infinity) are refused") {
  CHECK_FALSE(parse_request_body(R"({"op":"x","n":1e400})").ok());
  CHECK_FALSE(parse_request_body(R"({"op":"x","n":-1e400})").ok());
  CHECK(parse_request_body(R"({"op":"x","n":1e300,"m":18446744073709551616})").ok());
}

TEST_CASE("encoding never throws on invalid UTF-8 and round-trips through the decoder") {
  nlohmann::json j = {{"op", "login.password"}, {"password", std::string("pa\xffss")}, {"n", 3}};
  const std::string frame = encode_frame(j);
  const auto d = decode_frame(frame);
  REQUIRE(d.status == frame_status::complete);
  auto back = parse_request_body(d.body);
  REQUIRE(back.ok());
  CHECK((*back)["op"] == "login.password");
  CHECK((*back)["n"] == 3);
}

TEST_CASE("wipe_json overwrites every string, at any depth") {
  nlohmann::json j = {{"op", "x"}, {"password", "correct horse"}, {"list", {"code-123456", {{"k", "v"}}}}};
  wipe_json(j);
  CHECK(j["password"] == "");
  CHECK(j["list"][0] == "");
  CHECK(j["list"][1]["k"] == "");
}
