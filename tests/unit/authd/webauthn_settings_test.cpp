// [webauthn] in sekisho.toml: the defaults derived from the gateway, the one-line errors, and the root
// certificates authd reads at start.
#include "authd/webauthn_settings.hpp"

#include <doctest/doctest.h>

#include <openssl/pem.h>

#include <string>

#include "core/config/config.hpp"
#include "tests/unit/core/webauthn/soft_authenticator.hpp"
#include "tests/unit/temp_dir.hpp"

using namespace sekisho;

namespace {

config parse(const std::string& toml, const std::string& source = "/etc/sekisho/sekisho.toml") {
  auto c = parse_config(toml, source);
  INFO((c.ok() ? std::string() : c.message()));
  REQUIRE(c.ok());
  return *c;
}

std::string error_of(const std::string& toml) {
  auto c = parse_config(toml, "test.toml");
  REQUIRE_FALSE(c.ok());
  CHECK(c.message().find('\n') == std::string::npos);
  return c.message();
}

const std::string certificates = R"(
[gateway]
listen = ["0.0.0.0:443", "[::]:8443", "127.0.0.1:0"]
[[gateway.certificate]]
hosts = ["ehr.clinic.example", "pacs.clinic.example", "*.clinic.example", "other.test"]
cert_file = "c.pem"
key_file = "k.pem"
)";

std::string pem_of(const soft::certificate& c) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(bio, c.cert.get());
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<std::size_t>(n));
  BIO_free(bio);
  return out;
}

}  // namespace

TEST_CASE("without certificates the relying party is localhost on the listen ports") {
  auto c = parse("");
  CHECK(c.webauthn.rp_id == "localhost");
  CHECK(c.webauthn.rp_name == "Sekisho");
  CHECK(c.webauthn.origins == std::vector<std::string>{"https://localhost"});
  CHECK(c.webauthn.user_verification == webauthn_user_verification::preferred);
  CHECK(c.webauthn.attestation == webauthn_attestation::none);
  CHECK(parse("[gateway]\nlisten = [\"127.0.0.1:8443\"]\n").webauthn.origins ==
        std::vector<std::string>{"https://localhost:8443"});
  // The embedded default file says the same.
  auto d = parse(std::string(default_config_text()));
  CHECK(d.webauthn.rp_id == "localhost");
  CHECK(d.webauthn.origins == c.webauthn.origins);
  CHECK(d.webauthn.attestation == webauthn_attestation::none);
}

TEST_CASE("the defaults follow the first certificate host and every certificate host below it") {
  auto c = parse(certificates);
  CHECK(c.webauthn.rp_id == "ehr.clinic.example");
  // pacs.clinic.example is not below ehr.clinic.example; port 0 and wildcards cannot be known.
  CHECK(c.webauthn.origins == std::vector<std::string>{"https://ehr.clinic.example", "https://ehr.clinic.example:8443"});

  auto wider = parse(certificates + "[webauthn]\nrp_id = \"clinic.example\"\n");
  CHECK(wider.webauthn.origins == std::vector<std::string>{"https://ehr.clinic.example", "https://ehr.clinic.example:8443",
                                                           "https://pacs.clinic.example",
                                                           "https://pacs.clinic.example:8443"});
  auto wildcard_first = parse(
      "[[gateway.certificate]]\nhosts = [\"*.clinic.example\", \"ehr.clinic.example\"]\ncert_file = \"c\"\nkey_file = "
      "\"k\"\n");
  CHECK(wildcard_first.webauthn.rp_id == "clinic.example");
  CHECK(wildcard_first.webauthn.origins == std::vector<std::string>{"https://ehr.clinic.example"});
  auto address = parse("[[gateway.certificate]]\nhosts = [\"192.0.2.1\"]\ncert_file = \"c\"\nkey_file = \"k\"\n");
  CHECK(address.webauthn.rp_id == "localhost");  // an IP address cannot be an RP ID
  CHECK(address.webauthn.origins.empty());
}

TEST_CASE("explicit values are kept as written") {
  auto c = parse(certificates + R"([webauthn]
rp_id = "clinic.example"
rp_name = "関所 総合病院"
origins = ["https://ehr.clinic.example", "https://gw.clinic.example:9443"]
user_verification = "required"
attestation = "required"
trusted_roots = ["roots/yubico.pem", "/etc/ssl/vendor.pem"]
aaguids = ["ee882879-721c-4913-9775-3dfcce97072a"]
)");
  CHECK(c.webauthn.rp_name == "関所 総合病院");
  CHECK(c.webauthn.origins == std::vector<std::string>{"https://ehr.clinic.example", "https://gw.clinic.example:9443"});
  CHECK(c.webauthn.user_verification == webauthn_user_verification::required);
  CHECK(c.webauthn.attestation == webauthn_attestation::required);
  CHECK(c.webauthn.trusted_roots ==
        std::vector<std::filesystem::path>{"/var/lib/sekisho/roots/yubico.pem", "/etc/ssl/vendor.pem"});
  REQUIRE(c.webauthn.aaguids.size() == 1);
  CHECK(c.webauthn.aaguids[0] == std::string("\xee\x88\x28\x79\x72\x1c\x49\x13\x97\x75\x3d\xfc\xce\x97\x07\x2a", 16));
}

TEST_CASE("bad [webauthn] values are one line naming the key") {
  struct bad_case {
    const char* toml;
    const char* names;
  };
  for (auto [toml, names] : {
           bad_case{"[webauthn]\nrp_idd = \"x\"\n", "webauthn.rp_idd: unknown key"},
           bad_case{"[webauthn]\nrp_id = \"192.168.1.10\"\n", "webauthn.rp_id"},
           bad_case{"[webauthn]\nrp_id = \"Example.ORG\"\n", "webauthn.rp_id"},
           bad_case{"[webauthn]\nrp_id = \"example..org\"\n", "webauthn.rp_id"},
           bad_case{"[webauthn]\nrp_name = \"\"\n", "webauthn.rp_name"},
           bad_case{"[webauthn]\norigins = []\n", "webauthn.origins: must list at least one"},
           bad_case{"[webauthn]\nrp_id = \"example.org\"\norigins = [\"http://example.org\"]\n", "webauthn.origins"},
           bad_case{"[webauthn]\nrp_id = \"example.org\"\norigins = [\"https://example.org/\"]\n", "webauthn.origins"},
           bad_case{"[webauthn]\nrp_id = \"example.org\"\norigins = [\"https://example.org:443\"]\n", ":443"},
           bad_case{"[webauthn]\nrp_id = \"example.org\"\norigins = [\"https://example.org:0\"]\n", "bad port"},
           bad_case{"[webauthn]\nrp_id = \"example.org\"\norigins = [\"https://evil.example\"]\n",
                    "is not webauthn.rp_id"},
           bad_case{"[webauthn]\nrp_id = \"example.org\"\norigins = [\"https://notexample.org\"]\n",
                    "is not webauthn.rp_id"},
           bad_case{"[webauthn]\nuser_verification = \"always\"\n", "webauthn.user_verification"},
           bad_case{"[webauthn]\nattestation = \"direct\"\n", "webauthn.attestation"},
           bad_case{"[webauthn]\nattestation = \"required\"\n", "webauthn.trusted_roots: attestation = \"required\""},
           bad_case{"[webauthn]\ntrusted_roots = [\"r.pem\"]\n", "webauthn.trusted_roots: is only used"},
           bad_case{"[webauthn]\naaguids = [\"ee882879-721c-4913-9775-3dfcce97072a\"]\n", "webauthn.aaguids: is only used"},
           bad_case{"[webauthn]\nattestation = \"required\"\ntrusted_roots = [\"r.pem\"]\naaguids = [\"ee882879\"]\n",
                    "webauthn.aaguids: 'ee882879' is not a UUID"},
           bad_case{"[webauthn]\norigins = \"https://localhost\"\n", "webauthn.origins: expected a list"},
       }) {
    const auto message = error_of(toml);
    CHECK_MESSAGE(message.find(names) != std::string::npos, message);
  }
}

TEST_CASE("the root certificates are read at start; a missing or empty file is one line naming it") {
  test::temp_dir dir;
  const auto root = soft::make_certificate(soft::make_key(), nullptr, true);
  const auto second = soft::make_certificate(soft::make_key(), nullptr, true);
  dir.write("roots.pem", "comment before\n" + pem_of(root) + pem_of(second));
  dir.write("empty.pem", "no certificate here\n");
  auto c = parse(R"(state_dir = ")" + dir.path().string() + R"("
[webauthn]
user_verification = "required"
attestation = "required"
trusted_roots = ["roots.pem"]
aaguids = ["00000000-0000-0000-0000-0000000000ff"]
)");
  auto s = authd::load_webauthn_settings(c.webauthn);
  REQUIRE(s.ok());
  CHECK(s->rp.id == "localhost");
  CHECK(s->uv == webauthn::user_verification::required);
  CHECK(s->attestation_required);
  CHECK(s->policy.trusted_roots == std::vector<std::string>{root.der(), second.der()});
  CHECK(s->policy.allowed_aaguids == std::vector<std::string>{std::string(15, '\0') + "\xff"});

  c.webauthn.trusted_roots = {dir.path() / "missing.pem"};
  auto missing = authd::load_webauthn_settings(c.webauthn);
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.message() == "webauthn.trusted_roots: " + (dir.path() / "missing.pem").string() + ": cannot read the file");
  c.webauthn.trusted_roots = {dir.path() / "empty.pem"};
  auto empty = authd::load_webauthn_settings(c.webauthn);
  REQUIRE_FALSE(empty.ok());
  CHECK(empty.message().find("empty.pem: no PEM certificate in it") != std::string::npos);

  // attestation = "none": nothing is read and no policy applies.
  auto open = authd::load_webauthn_settings(parse("").webauthn);
  REQUIRE(open.ok());
  CHECK_FALSE(open->attestation_required);
  CHECK(open->policy.trusted_roots.empty());
}
