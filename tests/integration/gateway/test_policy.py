"""The path is normalised once, and the same form is judged and forwarded: dot segments, repeated slashes
and encoded unreserved characters cannot move a request from a denied path to an allowed one; ambiguous
forms (encoded slash or backslash, controls, dot segments with parameters) get 400; nothing matching a
rule is denied; the query never changes the decision. A Windows upstream's rules ignore case, and its
name aliases get 400. The plain-HTTP listener only redirects to HTTPS on the host the client named, and
refuses malformed hosts and targets."""

import os
import sys
import time
import unittest
from urllib.parse import parse_qs, urlsplit

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Client, Env, Gateway, Nginx, main, request_bytes, wait_until  # noqa: E402

# (target, status on ehr.test, what nginx receives as $request_uri when forwarded)
EHR_CASES = [
    ("/public/page", 200, "/public/page"),
    ("/public/a/./b/../c", 200, "/public/a/c"),
    ("/public//x///y", 200, "/public/x/y"),
    ("/public/%41%7e", 200, "/public/A~"),
    ("/public/%e6%97%a5", 200, "/public/%E6%97%A5"),
    ("/public?/admin", 200, "/public?/admin"),
    ("/public/x?next=../../admin", 200, "/public/x?next=../../admin"),
    ("/public/../admin", 403, None),
    ("/public/./../admin/", 403, None),
    ("/public/x/../../admin/users", 403, None),
    ("//admin", 403, None),
    ("///admin/x", 403, None),
    ("/public/%2e%2e/admin", 403, None),
    ("/public/%2E%2E/admin", 403, None),
    ("/public/.%2e/admin", 403, None),
    ("/%61dmin", 403, None),
    ("/%61%64%6d%69%6e/", 403, None),
    ("/admin;jsessionid=1", 403, None),
    ("/admin?/public", 403, None),
    ("/nomatch", 403, None),
    ("/", 403, None),
    ("/publicity", 403, None),
    ("/public/..;/admin", 400, None),
    ("/public/;x/../admin", 400, None),
    ("/public/..%2Fadmin", 400, None),
    ("/public%2F..%2Fadmin", 400, None),
    ("/admin%2Fx", 400, None),
    ("/public/%2f", 400, None),
    ("/public/%5C..%5Cadmin", 400, None),
    ("/public\\..\\admin", 400, None),
    ("/public/%00", 400, None),
    ("/public/%0d%0aX-Injected:%20yes", 400, None),
    ("/public/%zz", 400, None),
    ("/../admin", 400, None),
    ("/public/x#fragment", 400, None),
    ("*", 400, None),
    ("public/page", 400, None),
]

# On open.test everything is allowed: what arrives upstream is the normalised path.
OPEN_CASES = [
    ("/public/../admin", "/admin"),
    ("//admin", "/admin"),
    ("/public/%2e%2e/admin", "/admin"),
    ("/x/%7Euser/./a", "/x/~user/a"),
]


class Policy(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.env = Env()
        cls.nginx = Nginx(cls.env)
        cls.gw = Gateway(cls.env, gateway={"redirect_listen": ["127.0.0.1:0"]},
                         upstreams=[{"name": "nginx", "url": cls.nginx.url},
                                    {"name": "iis", "url": cls.nginx.url, "hosts": ["win.test"],
                                     "windows_paths": True}],
                         rules=[{"name": "admin is closed", "hosts": ["ehr.test"], "paths": ["/admin"],
                                 "action": "deny"},
                                {"name": "public pages", "hosts": ["ehr.test"], "paths": ["/public"],
                                 "methods": ["GET", "HEAD"], "action": "bypass"},
                                {"name": "charts need a login", "hosts": ["ehr.test"], "paths": ["/chart"],
                                 "action": "two_factor"},
                                {"name": "open host", "hosts": ["open.test"], "action": "bypass"},
                                {"name": "iis admin closed", "hosts": ["win.test"], "paths": ["/Admin"],
                                 "action": "deny"},
                                {"name": "iis", "hosts": ["win.test"], "action": "bypass"}])
        cls.addClassCleanup(cls.gw.stop)
        cls.addClassCleanup(cls.nginx.stop)

    def test_normalised_path_is_judged_and_forwarded(self):
        forwarded = set()
        for n, (target, status, upstream_uri) in enumerate(EHR_CASES):
            with self.subTest(target=target):
                r = self.gw.request("GET", target, headers=[("X-Test", f"ehr-{n}")])
                self.assertEqual(r.status, status, r)
                if upstream_uri is not None:
                    self.assertEqual(r.text, f"uri={upstream_uri}\n")
                    forwarded.add(f"ehr-{n}")
        time.sleep(0.3)
        reached = {e["test"] for e in self.nginx.log_entries() if e["test"].startswith("ehr-")}
        self.assertEqual(reached, forwarded, "refused requests reached the upstream")

    def test_allowed_requests_are_forwarded_in_normal_form(self):
        for target, upstream_uri in OPEN_CASES:
            with self.subTest(target=target):
                r = self.gw.request("GET", target, host="open.test")
                self.assertEqual(r.status, 200, r)
                self.assertEqual(r.text, f"uri={upstream_uri}\n")

    def test_a_windows_upstream_is_judged_as_windows_serves_paths(self):
        # IIS serves all of these as /Admin: the rule for /Admin must see them so, or refuse them.
        cases = [("/admin", 403), ("/ADMIN/users", 403), ("/aDmIn;x", 403), ("/admin.", 400),
                 ("/admin%20", 400), ("/admin%2e/", 400), ("/ADMINI~1/", 400), ("/admin::$DATA", 400),
                 ("/admin%3A%3A$DATA", 400)]
        for n, (target, status) in enumerate(cases):
            with self.subTest(target=target):
                self.assertEqual(self.gw.request("GET", target, host="win.test",
                                                 headers=[("X-Test", f"win-{n}")]).status, status)
        r = self.gw.request("GET", "/Results/View.aspx?id=7", host="win.test",
                            headers=[("X-Test", "win-page")])
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.text, "uri=/Results/View.aspx?id=7\n")  # forwarded in the case the browser sent
        self.assertEqual(self.gw.request("GET", "/ADMIN", host="open.test").status, 200)  # exact elsewhere
        time.sleep(0.3)
        reached = {e["test"] for e in self.nginx.log_entries() if e["test"].startswith("win-")}
        self.assertEqual(reached, {"win-page"}, "refused requests reached the upstream")

    def test_method_outside_the_rule_falls_through_to_deny(self):
        self.assertEqual(self.gw.request("POST", "/public/page", body=b"x=1").status, 403)
        self.assertEqual(self.gw.request("HEAD", "/public/page").status, 200)

    def test_login_routes_redirect_with_the_normalised_target(self):
        for target, rd in [("/chart/1?tab=2", "/chart/1?tab=2"), ("/public/../chart", "/chart"),
                           ("//chart//7", "/chart/7")]:
            with self.subTest(target=target):
                r = self.gw.request("GET", target)
                self.assertEqual(r.status, 302, r)
                location = r.header("Location")
                self.assertTrue(location.startswith("/.sekisho/login?rd="), location)
                self.assertEqual(parse_qs(urlsplit(location).query)["rd"], [rd])
        self.assertNotIn("/chart", self.nginx.log_text())

    def test_reserved_prefix_is_never_forwarded(self):
        for target in ("/.sekisho/health", "/public/../.sekisho/health", "/.sekisho/../.sekisho/health"):
            with self.subTest(target=target):
                r = self.gw.request("GET", target)
                self.assertEqual(r.status, 503, r)  # no authd runs in this test: health says so
        self.assertEqual(self.gw.request("GET", "/.sekisho/../admin").status, 403)
        self.assertNotIn(".sekisho", self.nginx.log_text())

    # -- the plain-HTTP listener ----------------------------------------------------------------------------

    def plain(self, data):
        with Client(self.gw.redirect_port, tls=False) as c:
            c.send(data)
            r = c.read_response()
            self.assertTrue(c.closed_within(3), "the redirect listener keeps connections open")
            return r

    def test_redirect_listener_sends_301_to_https_on_the_same_host_and_path(self):
        p = self.gw.port
        for method, target, host, status, location in [
                ("GET", "/chart/1?x=1", "ehr.test", 301, f"https://ehr.test:{p}/chart/1?x=1"),
                ("GET", "/", "ehr.test:80", 301, f"https://ehr.test:{p}/"),
                ("HEAD", "/a", "EHR.TEST", 301, f"https://ehr.test:{p}/a"),
                ("POST", "/form", "ehr.test", 308, f"https://ehr.test:{p}/form"),
                ("GET", "//evil.example/x", "ehr.test", 301, f"https://ehr.test:{p}/evil.example/x"),
                ("GET", "/x", "open.test", 301, f"https://open.test:{p}/x"),
                # A host no certificate names is not echoed into the Location (a poisoned cache would keep it):
                # the browser goes to the first name the gateway has a certificate for.
                ("GET", "//evil", "evil.example", 301, f"https://ehr.test:{p}/evil"),
                ("GET", "/a/../b", "ehr.test", 301, f"https://ehr.test:{p}/b")]:
            with self.subTest(target=target, host=host):
                r = self.plain(request_bytes(method, target, host=host, body=b"" if method == "POST" else None))
                self.assertEqual(r.status, status, r)
                self.assertEqual(r.header("Location"), location)

    def test_redirect_listener_refuses_malformed_hosts_and_targets(self):
        cases = [request_bytes("GET", "/x", host=h) for h in
                 ("evil.example/x", "evil.example@ehr.test", "a b", "evil.example:99999x", "ehr.test:", "ehr.test:65536",
                  "[::1", "ehr.test\\evil", "ehr.test%0d%0a")]
        cases += [request_bytes("GET", t) for t in
                  ("/\\evil.example", "/%5Cevil.example", "/%2F%2Fevil.example", "/x%0d%0aSet-Cookie:%20a=b",
                   "http://evil.example/", "/../x")]
        cases += [b"GET /x HTTP/1.1\r\nHost: ehr.test\rSet-Cookie: a=b\r\n\r\n",
                  b"GET /x HTTP/1.1\r\nHost: ehr.test\r\nHost: evil.example\r\n\r\n",
                  b"GET /x HTTP/1.1\r\n\r\n"]
        for data in cases:
            with self.subTest(request=data[:60]):
                r = self.plain(data)
                self.assertEqual(r.status, 400, r)
                self.assertIsNone(r.header("Location"))


class SourceBehindProxy(unittest.TestCase):
    """Source-network rules behind a trusted proxy (a load balancer) judge the client the proxy speaks for,
    and never a client's own X-Forwarded-For."""

    @classmethod
    def setUpClass(cls):
        cls.env = Env()
        cls.nginx = Nginx(cls.env)
        upstreams = [{"name": "nginx", "url": cls.nginx.url}]
        rules = [{"name": "ward terminals", "sources": ["198.51.100.0/24"], "action": "bypass"}]
        cls.proxied = Gateway(cls.env, name="proxied", gateway={"trusted_proxies": ["127.0.0.1", "10.0.0.0/8"]},
                              upstreams=upstreams, rules=rules)
        cls.direct = Gateway(cls.env, name="direct", upstreams=upstreams, rules=rules)
        for c in (cls.direct.stop, cls.proxied.stop, cls.nginx.stop):
            cls.addClassCleanup(c)

    def status(self, gw, chain, path="/chart"):
        return gw.request("GET", path, headers=[("X-Forwarded-For", chain)] if chain else []).status

    def test_the_client_behind_a_trusted_proxy_is_judged(self):
        self.assertEqual(self.status(self.proxied, "198.51.100.7", "/chart/1"), 200)
        self.assertEqual(self.status(self.proxied, "203.0.113.9, 198.51.100.7, 10.1.2.3", "/chart/2"),
                         200)  # through two proxies
        self.assertEqual(self.status(self.proxied, "198.51.100.7, 203.0.113.5", "/chart/3"),
                         403)  # the nearest hop is outside
        # The proxy itself is not a ward terminal.
        self.assertEqual(self.status(self.proxied, None, "/chart/4"), 403)
        wait_until(lambda: len(self.proxied.access_log_entries()) >= 4, 5, what="4 access log lines")
        # Each I/O thread hands its lines to the writer on its own: matched by path, not by order.
        clients = {e["path"]: e["client"] for e in self.proxied.access_log_entries()}
        self.assertEqual(clients, {"/chart/1": "198.51.100.7", "/chart/2": "198.51.100.7",
                                   "/chart/3": "203.0.113.5", "/chart/4": "127.0.0.1"})

    def test_a_client_cannot_claim_an_address(self):
        self.assertEqual(self.status(self.direct, "198.51.100.7"), 403)


if __name__ == "__main__":
    main()
