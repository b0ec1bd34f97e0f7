"""What the upstream sees of a client's headers, and what the client sees of the upstream's: identity and
forwarding headers only ever the gateway's own (every spelling of a spoofed one stripped), hop-by-hop
headers removed, X-Forwarded-* from the TCP peer, and the app's internal address rewritten out of
redirects and cookies."""

import os
import sys
import unittest

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (Env, Gateway, Nginx, RecordingUpstream, main, parse_fields, request_bytes,  # noqa: E402
                     wait_until)

# Each spoofed header a client might send, in the spellings upstream frameworks merge ('-' and '_', any case).
SPOOFED = [
    ("Remote-User", "admin"), ("remote-user", "admin2"), ("REMOTE_USER", "admin3"), ("Remote_User", "admin4"),
    ("Remote-User", "admin5"), ("rEmOtE-uSeR", "admin6"),
    ("X-Remote-User", "admin"), ("X-Forwarded-User", "admin"), ("X_Forwarded_User", "admin"),
    ("X-Forwarded-For", "6.6.6.6"), ("X-Forwarded-For", "7.7.7.7"), ("x_forwarded_for", "8.8.8.8"),
    ("X-Forwarded-Host", "evil.example"), ("X_FORWARDED_HOST", "evil.example"),
    ("X-Forwarded-Proto", "http"), ("x-forwarded-proto", "http"),
    ("X-Forwarded-Port", "80"), ("Forwarded", "for=6.6.6.6;proto=http;host=evil.example"),
    ("X-Real-IP", "6.6.6.6"), ("X-Client-IP", "6.6.6.6"), ("True-Client-IP", "6.6.6.6"),
    ("X-Original-URL", "/admin"), ("X_Rewrite_URL", "/admin"), ("X-Forwarded-Uri", "/admin"),
    ("X-Forwarded-Prefix", "/admin"), ("X-Original-Host", "evil.example"),
    ("Connection", "keep-alive, X-Secret, x_hidden"), ("X-Secret", "hop-by-hop"), ("X-Hidden", "hop-by-hop"),
    ("Keep-Alive", "timeout=5"), ("TE", "trailers"), ("Proxy-Authorization", "Basic YWRtaW46YWRtaW4="),
    ("Proxy-Connection", "keep-alive"), ("Content_Length", "5"), ("Transfer_Encoding", "chunked"),
]

# Normalised names (lower case, '_' as '-') that must never reach the upstream.
NEVER_FORWARDED = {"remote-user", "x-remote-user", "x-forwarded-user", "x-forwarded-port", "forwarded", "x-real-ip",
                   "x-client-ip", "true-client-ip", "x-original-url", "x-rewrite-url", "x-forwarded-uri",
                   "x-forwarded-prefix", "x-original-host", "x-secret", "x-hidden", "keep-alive", "te",
                   "proxy-authorization",
                   "proxy-connection", "content-length", "transfer-encoding", "connection"}


def normalised(fields):
    out = {}
    for name, value in fields:
        out.setdefault(name.lower().replace("_", "-"), []).append((name, value))
    return out


class ForwardedHeaders(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.env = Env()
        cls.nginx = Nginx(cls.env, extra_locations="""
            location = /refresh {
              add_header Refresh "5; url=http://127.0.0.1:@PORT@/after";
              add_header Content-Location "http://127.0.0.1:@PORT@/here";
              return 200 "x";
            }
            location = /own-hsts { add_header Strict-Transport-Security "max-age=60"; return 200 "x"; }
            location = /plant-session {
              add_header Set-Cookie "__Host-sekisho=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA; Secure; Path=/";
              add_header Set-Cookie "__HOST-SEKISHO-form=x; Secure; Path=/";
              add_header Set-Cookie "app=1; Path=/";
              return 200 "x";
            }""")
        cls.recorder = RecordingUpstream()
        upstreams = [{"name": "recorder", "path_prefix": "/rec", "url": cls.recorder.url},
                     {"name": "verbatim", "hosts": ["open.test"], "url": cls.nginx.url,
                      "rewrite_redirects": False, "rewrite_cookies": False},
                     {"name": "nginx", "url": cls.nginx.url}]
        rules = [{"name": "all", "action": "bypass"}]
        cls.gw = Gateway(cls.env, upstreams=upstreams, rules=rules)
        trusting = {"trusted_proxies": ["127.0.0.1", "10.0.0.0/8"], "hsts_max_age": "0s"}
        cls.trusting = Gateway(cls.env, name="trusting", gateway=trusting, upstreams=upstreams, rules=rules)
        for c in (cls.trusting.stop, cls.gw.stop, cls.recorder.stop, cls.nginx.stop):
            cls.addClassCleanup(c)

    def host(self, gw=None, name="ehr.test"):
        return f"{name}:{(gw or self.gw).port}"

    def recorded(self, gw, target, headers):
        before = len(self.recorder.requests)
        r = gw.request("GET", target, host=self.host(gw), headers=headers)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(len(self.recorder.requests), before + 1)
        head = self.recorder.requests[-1][0]
        return head, normalised(parse_fields(head))

    # -- requests -----------------------------------------------------------------------------------------

    def test_spoofed_identity_and_forwarding_headers_never_reach_the_upstream(self):
        head, got = self.recorded(self.gw, "/rec/spoof", SPOOFED)
        text = head.decode("latin-1")
        for name in NEVER_FORWARDED:
            self.assertNotIn(name, got, f"{got.get(name)} reached the upstream:\n{text}")
        self.assertEqual(got["x-forwarded-for"], [("X-Forwarded-For", "127.0.0.1")], text)
        self.assertEqual(got["x-forwarded-proto"], [("X-Forwarded-Proto", "https")], text)
        self.assertEqual(got["x-forwarded-host"], [("X-Forwarded-Host", self.host())], text)
        self.assertEqual(got["host"], [("Host", self.host())], text)
        for word in ("admin", "6.6.6.6", "7.7.7.7", "8.8.8.8", "evil.example", "hop-by-hop", "YWRtaW4"):
            self.assertNotIn(word, text)

    def test_nginx_sees_none_of_the_spoofed_headers(self):
        # nginx with underscores_in_headers on: $http_remote_user matches Remote-User and Remote_User alike.
        r = self.gw.request("GET", "/echo/spoof", host=self.host(), headers=SPOOFED)
        self.assertEqual(r.status, 200, r)
        seen = dict(line.split("=", 1) for line in r.text.splitlines())
        for name in ("remote_user", "x_remote_user", "x_forwarded_user", "x_forwarded_port", "forwarded",
                     "x_real_ip", "x_secret", "te", "content_length", "transfer_encoding"):
            self.assertEqual(seen[name], "", f"nginx got {name}={seen[name]!r}")
        self.assertEqual(seen["x_forwarded_for"], "127.0.0.1")
        self.assertEqual(seen["x_forwarded_proto"], "https")
        self.assertEqual(seen["x_forwarded_host"], self.host())
        self.assertEqual(seen["host"], self.host())

    def test_untrusted_client_forwarded_for_is_replaced_by_the_peer(self):
        _, got = self.recorded(self.gw, "/rec/xff", [("X-Forwarded-For", "203.0.113.7")])
        self.assertEqual(got["x-forwarded-for"], [("X-Forwarded-For", "127.0.0.1")])

    def test_trusted_proxy_forwarded_for_is_kept_and_appended(self):
        head, got = self.recorded(self.trusting, "/rec/xff",
                                  [("X-Forwarded-For", "203.0.113.7, 10.1.2.3"), ("X-Forwarded-For", "10.9.9.9"),
                                   ("X_Forwarded_For", "6.6.6.6"), ("X-Forwarded-Proto", "http")])
        self.assertEqual(got["x-forwarded-for"], [("X-Forwarded-For", "203.0.113.7, 10.1.2.3, 10.9.9.9, 127.0.0.1")],
                         head.decode("latin-1"))
        self.assertEqual(got["x-forwarded-proto"], [("X-Forwarded-Proto", "https")])
        self.assertNotIn(b"6.6.6.6", head, "the '_' spelling is not the proxy's record")

    def test_trusted_proxy_cannot_spoof_identity(self):
        _, got = self.recorded(self.trusting, "/rec/id", [("Remote-User", "admin"), ("Remote_User", "admin")])
        self.assertNotIn("remote-user", got)

    # -- responses ----------------------------------------------------------------------------------------

    def test_internal_redirect_and_cookie_domain_are_rewritten(self):
        r = self.gw.request("GET", "/redirect-internal", host=self.host())
        self.assertEqual(r.status, 302)
        self.assertEqual(r.header("Location"), f"https://{self.host()}/next?x=1")
        # Secure added: the browser reaches the app over HTTPS only (the upstream spoke plain HTTP).
        self.assertEqual(r.headers("Set-Cookie"), ["a=b; Path=/; Secure", "c=d; Path=/app; HttpOnly; Secure"])
        self.assertNotIn(b"127.0.0.1", r.raw_head, "the internal address leaked in a header")

    def test_an_upstream_cannot_set_the_gateways_cookies(self):
        # Session fixation (or wiping the user's session) by an app behind the gateway, or a header-injection
        # bug in one: its Set-Cookie lines for __Host-sekisho* never reach the browser; its own cookies do.
        for host in (self.host(), self.host(name="open.test")):  # rewriting cookies on or off
            with self.subTest(host=host):
                r = self.gw.request("GET", "/plant-session", host=host)
                self.assertEqual(r.status, 200)
                secure = "; Secure" if host == self.host() else ""  # added where cookies are rewritten
                self.assertEqual(r.headers("Set-Cookie"), ["app=1; Path=/" + secure])
        # The attempt is on record, for whoever reads the access log: two lines dropped from each response, and
        # nothing said of a response that had none to drop.
        self.assertEqual(self.gw.request("GET", "/refresh", host=self.host()).status, 200)

        def logged():  # the three requests, once the last of them is in
            entries = [e for e in self.gw.access_log_entries() if e["path"] in ("/plant-session", "/refresh")]
            return entries if entries and entries[-1]["path"] == "/refresh" else None
        entries = wait_until(logged, 5, what="the three requests in the access log")
        self.assertEqual([(e["path"], e.get("dropped_set_cookies")) for e in entries][-3:],
                         [("/plant-session", 2), ("/plant-session", 2), ("/refresh", None)])

    def test_https_answers_tell_the_browser_to_stay_on_https(self):
        # After one visit, a typed http://ehr/ is never tried in plain HTTP, where the login could be stripped.
        for target in ("/x", "/.sekisho/login"):
            with self.subTest(target=target):
                r = self.gw.request("GET", target, host=self.host())
                self.assertEqual(r.status, 200)
                self.assertEqual(r.headers("Strict-Transport-Security"), ["max-age=31536000"])
        r = self.gw.request("GET", "/own-hsts", host=self.host())
        self.assertEqual(r.headers("Strict-Transport-Security"), ["max-age=60"], "the app's own is not kept")
        r = self.trusting.request("GET", "/x", host=self.host(self.trusting))  # hsts_max_age = "0s"
        self.assertEqual(r.headers("Strict-Transport-Security"), [])

    def test_refresh_and_content_location_are_rewritten(self):
        r = self.gw.request("GET", "/refresh", host=self.host())
        self.assertEqual(r.status, 200)
        self.assertEqual(r.header("Refresh"), f"5; url=https://{self.host()}/after")
        self.assertEqual(r.header("Content-Location"), f"https://{self.host()}/here")

    def test_redirect_to_another_host_is_untouched(self):
        r = self.gw.request("GET", "/redirect-away", host=self.host())
        self.assertEqual(r.status, 302)
        self.assertEqual(r.header("Location"), "http://other.example/x")
        self.assertEqual(r.headers("Set-Cookie"), ["e=f; Domain=other.example; Path=/; Secure"])

    def test_redirect_to_another_port_of_the_internal_host_is_untouched(self):
        r = self.gw.request("GET", "/redirect-other-port", host=self.host())
        self.assertEqual(r.header("Location"), "http://127.0.0.1:1/x")

    def test_rewriting_can_be_turned_off_per_upstream(self):
        r = self.gw.request("GET", "/redirect-internal", host=self.host(name="open.test"))
        self.assertEqual(r.header("Location"), f"http://127.0.0.1:{self.nginx.port}/next?x=1")
        self.assertEqual(r.headers("Set-Cookie")[0], "a=b; Domain=127.0.0.1; Path=/")

    def test_client_connection_close_is_honoured(self):
        # The upstream leg is kept alive by the gateway; the client's own "close" still ends the client's leg.
        with self.gw.connect() as c:
            c.send(request_bytes("GET", "/echo/close", host=self.host(), headers=[("Connection", "close")]))
            r = c.read_response()
            self.assertEqual(r.status, 200)
            self.assertEqual(r.header("Connection", "").lower(), "close", r.fields)
            self.assertTrue(c.closed_within(3), "the client asked for close; the connection stayed open")

    def test_http10_client_gets_a_response_it_can_read(self):
        with self.gw.connect() as c:
            c.send(request_bytes("GET", "/echo/old-client", host=self.host(), version="HTTP/1.0"))
            r = c.read_response()
            self.assertEqual(r.status, 200)
            self.assertTrue(r.raw_head.startswith(b"HTTP/1.0 "), r.raw_head[:20])
            self.assertIsNone(r.header("Transfer-Encoding"))
            self.assertTrue(c.closed_within(3), "an HTTP/1.0 client without keep-alive expects the close")

    def test_hop_by_hop_response_headers_are_removed(self):
        rec = RecordingUpstream(response=b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n"
                                         b"Connection: keep-alive, X-Internal\r\nX-Internal: secret\r\n"
                                         b"Keep-Alive: timeout=99\r\nProxy-Authenticate: Basic\r\n"
                                         b"X-Kept: yes\r\n\r\nok")
        self.addCleanup(rec.stop)
        gw = Gateway(self.env, name="hop", upstreams=[{"name": "rec", "url": rec.url}],
                     rules=[{"name": "all", "action": "bypass"}])
        self.addCleanup(gw.stop)
        r = gw.request("GET", "/x", host=f"ehr.test:{gw.port}")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.header("X-Kept"), "yes")
        for name in ("X-Internal", "Keep-Alive", "Proxy-Authenticate"):
            self.assertIsNone(r.header(name), f"{name} reached the client: {r.fields}")


if __name__ == "__main__":
    main()
