#include "core/config/config.hpp"

#include <doctest/doctest.h>

#include <algorithm>

using namespace sekisho;

TEST_CASE("the embedded default config parses to the built-in defaults") {
  auto c = parse_config(default_config_text(), "/etc/sekisho/sekisho.toml");
  INFO((c.ok() ? std::string() : c.message()));
  REQUIRE(c.ok());
  CHECK(c->state_dir == "/var/lib/sekisho");
  CHECK(c->database == "/var/lib/sekisho/sekisho.db");
  CHECK(c->authd.socket == "/var/lib/sekisho/authd.sock");
  CHECK(c->password.profile == password_profile::mhlw);
  CHECK(c->password.memory_kib == 65536);
  CHECK(c->password.iterations == 3);
  CHECK(c->password.max_concurrent_hashes == 2);
  CHECK(c->totp.digits == 6);
  CHECK(c->totp.period.count() == 30);
  CHECK(c->throttle.lock_after == 100);
  CHECK(c->master_key_file == "/var/lib/sekisho/master.key");
  CHECK(c->gateway.min_body_rate == 1024);
  CHECK(c->gateway.max_connections_per_address == 1000);
}

TEST_CASE("an empty config means the defaults, and relative state_dir follows the file") {
  auto c = parse_config("state_dir = \"state\"\n", "/srv/demo/sekisho.toml");
  REQUIRE(c.ok());
  CHECK(c->state_dir == "/srv/demo/state");
  CHECK(c->audit.key_file == "/srv/demo/state/audit.key");
}

TEST_CASE("[break_glass] webhook_url is taken apart, its path and query kept") {
  auto c = parse_config("[break_glass]\nwebhook_url = \"https://alerts.clinic.example:8443/hooks/bg?ward=3\"\n", "test.toml");
  REQUIRE(c);
  CHECK(c->break_glass.webhook.tls);
  CHECK(c->break_glass.webhook.host == "alerts.clinic.example");
  CHECK(c->break_glass.webhook.port == "8443");
  CHECK(c->break_glass.webhook.path == "/hooks/bg?ward=3");
  auto plain = parse_config("[break_glass]\nwebhook_url = \"http://[::1]\"\n", "test.toml");
  REQUIRE(plain);
  CHECK(plain->break_glass.webhook.host == "::1");
  CHECK(plain->break_glass.webhook.port == "80");
  CHECK(plain->break_glass.webhook.path == "/");
}

TEST_CASE("[break_glass] is off by default; its keys parse, the session lifetime from 5m to 4h") {
  auto d = parse_config(default_config_text(), "/etc/sekisho/sekisho.toml");
  REQUIRE(d.ok());
  CHECK_FALSE(d->break_glass.enabled);
  CHECK(d->break_glass.session_lifetime.count() == 3600);
  CHECK_FALSE(d->break_glass.accept_recovery_codes);

  auto c = parse_config("[break_glass]\nenabled = true\nsession_lifetime = \"10m\"\naccept_recovery_codes = true\n",
                        "test.toml");
  INFO((c.ok() ? std::string() : c.message()));
  REQUIRE(c.ok());
  CHECK(c->break_glass.enabled);
  CHECK(c->break_glass.session_lifetime.count() == 600);
  CHECK(c->break_glass.accept_recovery_codes);

  for (auto [lifetime, seconds] : {std::pair{"5m", 300}, std::pair{"4h", 4 * 3600}}) {
    auto at_limit = parse_config(std::string("[break_glass]\nsession_lifetime = \"") + lifetime + "\"\n", "test.toml");
    REQUIRE(at_limit.ok());
    CHECK(at_limit->break_glass.session_lifetime.count() == seconds);
  }
}

TEST_CASE("bad configs name the key at fault") {
  struct bad_case {
    const char* toml;
    const char* names;
  };
  for (auto [toml, names] : {
           bad_case{"[password]\nprofil = \"nist\"\n", "password.profil: unknown key"},
           bad_case{"[pasword]\n", "[pasword]: unknown table"},
           bad_case{"stat_dir = \"x\"\n", "stat_dir: unknown key"},
           bad_case{"[password]\nprofile = \"weak\"\n", "password.profile"},
           bad_case{"[password]\nmemory_kib = 1024\n", "password.memory_kib: must be between"},
           bad_case{"[password]\nparallelism = 4\n", "password.parallelism"},
           bad_case{"[totp]\ndigits = \"6\"\n", "totp.digits: expected an integer"},
           bad_case{"[totp]\nperiod = 30\n", "totp.period: expected a duration"},
           bad_case{"[throttle]\nlock_after = 1000\n", "throttle.lock_after"},
           bad_case{"[throttle]\nmax_delay = \"1s\"\nbase_delay = \"5s\"\n", "throttle.max_delay"},
           bad_case{"[authd]\nrequest_timeout = \"soon\"\n", "authd.request_timeout"},
           bad_case{"[authd]\nclients = \"root\"\n", "authd.clients: expected a list"},
           bad_case{"[enrollment]\nurl = \"javascript:alert(1)\"\n", "enrollment.url"},
           bad_case{"[break_glass]\nsession_lifetime = \"4m\"\n",
                    "break_glass.session_lifetime: must be between 300s and 14400s"},
           bad_case{"[break_glass]\nsession_lifetime = \"5h\"\n",
                    "break_glass.session_lifetime: must be between 300s and 14400s"},
           bad_case{"[break_glass]\nsession_lifetime = 3600\n", "break_glass.session_lifetime: expected a duration"},
           bad_case{"[break_glass]\nenabled = \"yes\"\n", "break_glass.enabled: expected true or false"},
           bad_case{"[break_glass]\naccept_recovery_code = true\n", "break_glass.accept_recovery_code: unknown key"},
           bad_case{"[break_glass]\nwebhook_url = \"ftp://alerts.example/x\"\n",
                    "break_glass.webhook_url: must start with http:// or https://"},
           bad_case{"[break_glass]\nwebhook_url = \"https://user@alerts.example/x\"\n",
                    "break_glass.webhook_url: must be scheme://host[:port][/path] with no user"},
           bad_case{"[break_glass]\nwebhook_url = \"https://alerts.example:99999/x\"\n",
                    "break_glass.webhook_url: bad host or port"},
           bad_case{"[gateway]\nmin_body_rate = -1\n", "gateway.min_body_rate: must be between 0 and"},
           bad_case{"[gateway]\nmin_body_rate = \"1KB\"\n", "gateway.min_body_rate: expected an integer"},
           bad_case{"[gateway]\nmax_connections_per_address = -1\n",
                    "gateway.max_connections_per_address: must be between 0 and"},
           bad_case{"this is not toml", "not valid TOML"},
           // An identity header by a name HTTP or the gateway gives a meaning to would frame, route or
           // redirect the request it is set on.
           bad_case{"[[upstream]]\nname = \"ehr\"\nurl = \"http://127.0.0.1:8080\"\nidentity_header = \"Content_Length\"\n",
                    "upstream[1].identity_header: 'Content_Length' is a header HTTP or the gateway gives"},
           bad_case{"[[upstream]]\nname = \"ehr\"\nurl = \"http://127.0.0.1:8080\"\ngroups_header = \"host\"\n",
                    "upstream[1].groups_header: 'host' is a header"},
           bad_case{"[[upstream]]\nname = \"ehr\"\nurl = \"http://127.0.0.1:8080\"\nname_header = \"X-Forwarded-For\"\n",
                    "upstream[1].name_header: 'X-Forwarded-For' is a header"},
           bad_case{"[[upstream]]\nname = \"ehr\"\nurl = \"http://127.0.0.1:8080\"\nidentity_header = \"Transfer-Encoding\"\n",
                    "upstream[1].identity_header: 'Transfer-Encoding' is a header"},
           bad_case{"[[upstream]]\nname = \"ehr\"\nurl = \"http://127.0.0.1:8080\"\nidentity_header = \"connection\"\n",
                    "upstream[1].identity_header: 'connection' is a header"},
           bad_case{"[[upstream]]\nname = \"ehr\"\nurl = \"http://127.0.0.1:8080\"\ngroups_header = \"remote_user\"\n",
                    "upstream[1].groups_header: is the same header as identity_header"},
           bad_case{"[[upstream]]\nname = \"ehr\"\nurl = \"http://127.0.0.1:8080\"\ngroups_header = \"X-Groups\"\n"
                    "name_header = \"x_groups\"\n",
                    "upstream[1].name_header: is the same header as identity_header or groups_header"},
       }) {
    auto c = parse_config(toml, "test.toml");
    REQUIRE_FALSE(c.ok());
    CHECK_MESSAGE(c.message().find(names) != std::string::npos, c.message());
    CHECK(c.message().find('\n') == std::string::npos);
  }
}

TEST_CASE("identity headers may have any other name, in any spelling") {
  auto c = parse_config("[[upstream]]\nname = \"ehr\"\nurl = \"http://127.0.0.1:8080\"\nidentity_header = \"X_Remote_User\"\n"
                        "groups_header = \"X-Groups\"\nname_header = \"X-Display-Name\"\n",
                        "test.toml");
  REQUIRE_MESSAGE(c.ok(), c.message());
  REQUIRE(c->gateway.upstreams.size() == 1);
  CHECK(c->gateway.upstreams[0].identity_header == "X_Remote_User");
  CHECK(c->gateway.upstreams[0].groups_header == "X-Groups");
}

TEST_CASE("a missing config file is an error, not a crash") {
  auto c = load_config("/nonexistent/sekisho.toml");
  REQUIRE_FALSE(c.ok());
  CHECK(c.message().find("cannot read") != std::string::npos);
}

TEST_CASE("known keys cover every table") {
  auto keys = known_config_keys();
  CHECK(std::find(keys.begin(), keys.end(), "password.profile") != keys.end());
  CHECK(std::find(keys.begin(), keys.end(), "state_dir") != keys.end());
}
