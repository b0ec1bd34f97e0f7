"""Identity injection with a real session: a user logged in with password and TOTP through a running authd
reaches a two_factor route with `Remote-User: USER` (or the upstream's own header name), exactly once,
whatever identity headers the client sent, and never sees the session cookie; without a valid session the
request goes to the login page and the upstream is not contacted.

Sessions come from `sekisho login USER --session` (password, then code, on standard input; the session id
on standard output) and travel in the `__Host-sekisho` cookie."""

import os
import sys
import unittest

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from accounts import authd_clients_config, start_with_nurse_session  # noqa: E402
from harness import (Env, Gateway, Nginx, RecordingUpstream, complete_lines, main, parse_fields,  # noqa: E402
                     request_bytes, sekisho_binary, wait_until)

COOKIE = "__Host-sekisho"


def identity_fields(head):
    """Every header line whose name is some spelling of an identity header."""
    names = {"remote-user", "x-remote-user", "x-forwarded-user", "x-ehr-user"}
    return [(n, v) for n, v in parse_fields(head) if n.lower().replace("_", "-") in names]


SPOOFED = [("Remote-User", "admin"), ("remote_user", "admin"), ("REMOTE-USER", "admin"), ("Remote_User", "admin"),
           ("X-Remote-User", "admin")]
SPOOFED_LAB = [("X-EHR-User", "admin"), ("x_ehr_user", "admin"), ("X-Ehr-User", "admin")]  # the lab upstream's name


class Identity(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.env = Env()
        cls.nginx = Nginx(cls.env)
        cls.recorder = RecordingUpstream()
        cls.addClassCleanup(cls.recorder.stop)
        cls.cached = RecordingUpstream(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nCache-Control: max-age=60\r\n"
                                       b"\r\nok")
        cls.addClassCleanup(cls.cached.stop)
        cls.addClassCleanup(cls.nginx.stop)
        # Small access-log files, one generation kept: a flood without a session rotates its own file.
        cls.gw = Gateway(cls.env, name="state", start=False, extra=authd_clients_config(),
                         gateway={"access_log_max_bytes": 1 << 20, "access_log_keep": 1},
                         upstreams=[{"name": "chart", "path_prefix": "/chart", "url": cls.recorder.url},
                                    {"name": "lab", "path_prefix": "/lab", "url": cls.recorder.url,
                                     "identity_header": "X-EHR-User"},
                                    {"name": "public", "path_prefix": "/public", "url": cls.recorder.url,
                                     "no_store_logged_in": True},
                                    {"name": "ward", "path_prefix": "/ward", "url": cls.recorder.url,
                                     "no_store_logged_in": True},
                                    {"name": "icons", "path_prefix": "/icons", "url": cls.cached.url,
                                     "no_store_logged_in": True},
                                    {"name": "nginx", "url": cls.nginx.url}],
                         rules=[{"name": "public", "paths": ["/public"], "action": "bypass"},
                                {"name": "everything else", "action": "two_factor"}])
        start_with_nurse_session(cls, sekisho_binary())

    def cookie(self):
        if not self.session:
            self.fail("no session to test with: " + self.login_problem)
        return ("Cookie", f"{COOKIE}={self.session}")

    def host(self):
        return f"ehr.test:{self.gw.port}"

    def forwarded_head(self, target, headers):
        before = len(self.recorder.requests)
        r = self.gw.request("GET", target, host=self.host(), headers=headers)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(len(self.recorder.requests), before + 1)
        return self.recorder.requests[-1][0]

    def test_health_answers_ok_without_a_login_while_authd_answers(self):
        r = self.gw.request("GET", "/.sekisho/health", host=self.host())
        self.assertEqual((r.status, r.body), (200, b"ok\n"), r)

    def test_two_factor_route_gets_the_user_in_remote_user(self):
        head = self.forwarded_head("/chart/P000123", [self.cookie()])
        self.assertEqual(identity_fields(head), [("Remote-User", "nurse")], head.decode("latin-1"))

    def test_spoofed_identity_headers_are_replaced_by_the_real_user(self):
        head = self.forwarded_head("/chart/P000123", [self.cookie()] + SPOOFED)
        self.assertEqual(identity_fields(head), [("Remote-User", "nurse")], head.decode("latin-1"))

    def test_upstream_with_its_own_identity_header_name(self):
        head = self.forwarded_head("/lab/results", [self.cookie()] + SPOOFED + SPOOFED_LAB)
        self.assertEqual(identity_fields(head), [("X-EHR-User", "nurse")], head.decode("latin-1"))

    def test_bypass_route_sends_no_identity_even_with_a_session(self):
        head = self.forwarded_head("/public/news", [self.cookie()] + SPOOFED)
        self.assertEqual(identity_fields(head), [])

    def test_identity_header_of_another_upstream_is_stripped_too(self):
        # The lab app trusts X-EHR-User; if it is also reachable through another route (or shares a host with
        # another app), a client must not be able to send that header through the other route.
        for target in ("/chart/P000123", "/public/news"):
            with self.subTest(target=target):
                head = self.forwarded_head(target, [self.cookie()] + SPOOFED_LAB)
                self.assertNotIn("x-ehr-user", [n.lower().replace("_", "-") for n, _ in parse_fields(head)],
                                 head.decode("latin-1"))

    def test_no_store_is_added_to_logged_in_pages_of_an_upstream_that_asks(self):
        for target, cache_control in (("/ward/P000123", ["no-store"]),  # no_store_logged_in, no header: added
                                      ("/chart/P000123", []),           # the option off
                                      ("/public/news", []),             # on, but nobody logged in (bypass)
                                      ("/icons/a.png", ["max-age=60"])):  # on, and the app's own is kept
            with self.subTest(target=target):
                r = self.gw.request("GET", target, host=self.host(), headers=[self.cookie()])
                self.assertEqual(r.status, 200, r)
                self.assertEqual(r.headers("Cache-Control"), cache_control)

    def test_nginx_sees_the_user(self):
        r = self.gw.request("GET", "/echo/x", host=self.host(), headers=[self.cookie(), ("Remote_User", "admin")])
        self.assertEqual(r.status, 200, r)
        self.assertIn("remote_user=nurse\n", r.text)

    def test_without_a_valid_session_the_upstream_is_not_contacted(self):
        session = self.session or "0" * 43
        for headers in ([], [("Cookie", f"{COOKIE}=garbage")], [("Cookie", f"{COOKIE}=")],
                        [("Cookie", f"{COOKIE}={session}x")], [("Cookie", f"{COOKIE}={session[:-1]}")],
                        [("Cookie", f"sekisho={session}")], [("Cookie", f"{COOKIE.lower()}={session}")],
                        [("Remote-User", "nurse")], [("Cookie", f"{COOKIE}=garbage"), ("Remote-User", "nurse")],
                        [("Cookie", f"{COOKIE}={session}; {COOKIE}=garbage")],
                        [("Cookie", f"{COOKIE}={session}"), ("Cookie", f"{COOKIE}={'1' * len(session)}")]):
            with self.subTest(headers=headers):
                before = len(self.recorder.requests)
                r = self.gw.request("GET", "/chart/P000123", host=self.host(), headers=headers)
                self.assertEqual(r.status, 302, r)
                self.assertTrue(r.header("Location", "").startswith("/.sekisho/login"), r)
                self.assertEqual(len(self.recorder.requests), before, "the upstream was contacted")

    def test_session_cookie_never_reaches_the_upstream(self):
        for target in ("/chart/P000123", "/public/news"):
            with self.subTest(target=target):
                head = self.forwarded_head(target, [("Cookie", f"theme=dark; {self.cookie()[1]}; lang=ja")])
                cookies = [v for n, v in parse_fields(head) if n.lower() == "cookie"]
                self.assertEqual(cookies, ["theme=dark; lang=ja"], head.decode("latin-1"))

    def test_access_log_names_the_user_and_not_the_session_id(self):
        self.forwarded_head("/chart/audit-me", [self.cookie()])
        entries = wait_until(lambda: [e for e in self.gw.access_log_entries() if e.get("path") == "/chart/audit-me"],
                             5, what="the access log line")
        self.assertEqual(entries[-1]["user"], "nurse")
        self.assertTrue(entries[-1]["session"], "no session hash")
        for name in Gateway.ACCESS_LOGS:
            with open(os.path.join(self.gw.state_dir, name)) as f:
                self.assertNotIn(self.session, f.read(), f"the session id itself is in {name}")

    def test_requests_without_a_session_cannot_rotate_who_opened_what_away(self):
        # Rotation deletes the oldest file. Anyone on the network can send requests without logging in; were
        # their lines in the same file, 2 MiB of them would push the nurse's line below out of the one
        # generation kept, and with it the record that she opened this chart.
        self.forwarded_head("/chart/P000777", [self.cookie()])
        logs = [os.path.join(self.gw.state_dir, name) for name in Gateway.ACCESS_LOGS]
        wait_until(lambda: any("P000777" in line for line in complete_lines(logs[0])), 5,
                   what="the nurse's line")
        junk = "q=" + "x" * 6000
        with self.gw.connect() as c:
            for i in range(450):  # 2.7 MB of lines without a user, each a redirect to the login page
                c.send(request_bytes("GET", f"/chart/P{i:06}?{junk}", host=self.host()))
                self.assertEqual(c.read_response().status, 302)
        wait_until(lambda: os.path.exists(logs[1] + ".1") and any(
            "P000449" in line for line in complete_lines(logs[1])), 5, what="the anonymous log rotated")
        self.assertTrue(any('"path":"/chart/P000777"' in line and '"user":"nurse"' in line
                            for line in complete_lines(logs[0])), "the nurse's line was rotated away")
        self.assertFalse(os.path.exists(logs[0] + ".1"), "the flood rotated the log of requests in a session")
        self.assertFalse(any("P000449" in line for line in complete_lines(logs[0])))


if __name__ == "__main__":
    main()
