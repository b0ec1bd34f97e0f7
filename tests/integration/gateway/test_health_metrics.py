"""Monitoring an unattended box: /.sekisho/health answers without a login (200 "ok" while authd answers, its
database takes writes and the clock is synchronised; 503 and one line per problem otherwise), and
/.sekisho/metrics serves Prometheus text to loopback clients and to admins only. The counters are checked against
what the test did: the requests it sent to an upstream (real nginx) and a login through the portal (real authd)."""

import ctypes
import ctypes.util
import math
import os
import re
import sys
import time
import unittest

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from accounts import (PASSWORD, authd_clients_config, enroll_totp, sekisho, start_authd_with_nurse,  # noqa: E402
                      totp)
from harness import Env, Gateway, Nginx, main, sekisho_binary, wait_until  # noqa: E402
from http_client import request_bytes  # noqa: E402
from test_portal import Browser, hidden  # noqa: E402

NAME = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*")
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(,|$)')


def parse_prometheus(text):
    """Text format 0.0.4 → {(name, frozenset(labels)): value}; raises on anything malformed."""
    types, samples = {}, {}
    assert text.endswith("\n"), "the exposition ends with a line feed"
    for line in text.splitlines():
        if line.startswith("# HELP "):
            continue
        if line.startswith("# TYPE "):
            family, kind = line[7:].split(" ")
            assert NAME.fullmatch(family) and kind in ("counter", "gauge", "histogram", "summary", "untyped"), line
            assert family not in types, f"two TYPE lines for {family}"
            types[family] = kind
            continue
        m = re.match(r"([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$", line)
        assert m, f"not a sample line: {line!r}"
        name, body, value = m.group(1), m.group(3), m.group(4)
        labels = {}
        rest = body or ""
        while rest:
            lm = LABEL.match(rest)
            assert lm, f"bad labels in {line!r}"
            labels[lm.group(1)] = re.sub(r"\\(.)", lambda e: "\n" if e.group(1) == "n" else e.group(1), lm.group(2))
            rest = rest[lm.end():]
        family = next((name[:-len(s)] for s in ("_bucket", "_sum", "_count")
                       if name.endswith(s) and name[:-len(s)] in types and name not in types), name)
        assert family in types, f"{name} has no TYPE line before it"
        samples[(name, frozenset(labels.items()))] = math.inf if value == "+Inf" else float(value)
    return types, samples


def value(samples, name, **labels):
    """The sample with exactly these labels (le included for buckets), 0 when absent (a counter not yet made)."""
    return samples.get((name, frozenset(labels.items())), 0.0)


def kernel_clock_synchronised():
    """What the kernel says, read here the way authd reads it (adjtimex, modes 0): not STA_UNSYNC, maxerror ≤ 5 s."""
    class Timex(ctypes.Structure):
        _fields_ = [("modes", ctypes.c_uint), ("offset", ctypes.c_long), ("freq", ctypes.c_long),
                    ("maxerror", ctypes.c_long), ("esterror", ctypes.c_long), ("status", ctypes.c_int),
                    ("rest", ctypes.c_byte * 256)]
    tx = Timex()
    libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    if libc.adjtimex(ctypes.byref(tx)) == -1:
        return False
    return not (tx.status & (0x0040 | 0x1000)) and 0 <= tx.maxerror <= 5_000_000  # STA_UNSYNC, STA_CLOCKERR


class HealthAndMetrics(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.env = Env()
        cls.nginx = Nginx(cls.env)
        cls.addClassCleanup(cls.nginx.stop)
        # 127.0.0.1 is a trusted proxy, so a request carrying X-Forwarded-For comes from that (non-loopback) client.
        cls.gw = Gateway(cls.env, name="state", start=False, extra=authd_clients_config(),
                         gateway={"trusted_proxies": ["127.0.0.1"]},
                         upstreams=[{"name": "chart", "url": cls.nginx.url}],
                         rules=[{"name": "open", "paths": ["/open"], "action": "bypass"},
                                {"name": "everything else", "action": "two_factor"}])
        cls.addClassCleanup(cls.gw.stop)
        cls.authd, cls.key = start_authd_with_nurse(sekisho_binary(), cls.gw)
        cls.addClassCleanup(cls.authd.stop)
        cls.gw.start()

    def host(self):
        return f"ehr.test:{self.gw.port}"

    def scrape(self, headers=()):
        r = self.gw.request("GET", "/.sekisho/metrics", host=self.host(), headers=headers)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.header("Content-Type"), "text/plain; version=0.0.4; charset=utf-8")
        return parse_prometheus(r.body.decode("utf-8"))

    def session_of(self, user, admin=False):
        """A new user with PASSWORD and TOTP, logged in with `sekisho login --session`; returns the cookie."""
        binary, config = sekisho_binary(), self.gw.config_path
        sekisho(binary, config, ["user", "add", user] + (["--admin"] if admin else []))
        sekisho(binary, config, ["user", "passwd", user], stdin=PASSWORD + "\n")
        key = enroll_totp(binary, config, user)
        r = sekisho(binary, config, ["login", user, "--session"], stdin=f"{PASSWORD}\n{totp(key, time.time() + 30)}\n")
        return ("Cookie", f"__Host-sekisho={r.stdout.strip()}")

    def test_health_is_ok_without_a_login_while_authd_answers(self):
        r = self.gw.request("GET", "/.sekisho/health", host=self.host())
        self.assertEqual((r.status, r.body), (200, b"ok\n"), r)
        self.assertEqual(r.header("Content-Type"), "text/plain; charset=utf-8")

    def test_metrics_count_the_requests_and_the_login_made(self):
        _, before = self.scrape()
        requests = 3
        for i in range(requests):
            self.assertEqual(self.gw.request("GET", f"/open/{i}", host=self.host()).status, 200)
        # A login through the portal: password, then the next step's TOTP code (the enrollment spent this one).
        b = Browser(self.gw, self.host())
        page = b.get(b.get("/chart/1").header("Location")).text
        r = b.post("/.sekisho/login", {"username": "nurse", "password": PASSWORD, "csrf": hidden(page, "csrf")})
        r = b.post("/.sekisho/login/code", {"code": totp(self.key, time.time() + 30), "csrf": hidden(r.text, "csrf")})
        self.assertEqual(r.status, 303, r)
        types, after = self.scrape()

        def delta(name, **labels):
            return value(after, name, **labels) - value(before, name, **labels)

        self.assertEqual(types["sekisho_gateway_requests_total"], "counter")
        self.assertEqual(delta("sekisho_gateway_requests_total", upstream="chart", code="200", **{"class": "2xx"}),
                         requests)
        self.assertEqual(delta("sekisho_gateway_request_duration_seconds_count", upstream="chart"), requests)
        self.assertEqual(delta("sekisho_gateway_request_duration_seconds_bucket", upstream="chart", le="+Inf"),
                         requests)
        self.assertEqual(delta("sekisho_logins_total", channel="web", method="totp", result="success"), 1)
        self.assertEqual(value(after, "sekisho_authd_up"), 1)
        self.assertGreaterEqual(value(after, "sekisho_web_sessions_active"), 1)
        self.assertEqual(value(after, "sekisho_break_glass_sessions_active"), 0)
        # The portal's calls to authd were timed: password and code steps at least.
        self.assertGreaterEqual(delta("sekisho_authd_call_duration_seconds_count", op="login.password"), 1)
        self.assertGreaterEqual(delta("sekisho_authd_call_duration_seconds_count", op="login.second_factor"), 1)

    def test_a_burst_on_one_session_asks_authd_once_per_worker(self):
        # A page's many requests arrive together on one session, and more follow one by one: each worker asks
        # the real authd once; the burst waits for that answer and the later requests use it while it is
        # fresh (gateway/session/session_cache), instead of a call each.
        cookie = self.session_of("ward")
        _, before = self.scrape()
        burst, after_it = 16, 8
        clients = [self.gw.connect() for _ in range(burst)]
        started = time.monotonic()
        try:
            for i, c in enumerate(clients):
                c.send(request_bytes("GET", f"/chart/{i}", self.host(), [cookie]))
            statuses = [c.read_response("GET").status for c in clients]
        finally:
            for c in clients:
                c.close()
        statuses += [self.gw.request("GET", f"/chart/next/{i}", host=self.host(), headers=[cookie]).status
                     for i in range(after_it)]
        took = time.monotonic() - started
        self.assertEqual(statuses, [200] * (burst + after_it))
        _, after = self.scrape()
        op = {"op": "session.check"}
        calls = value(after, "sekisho_authd_call_duration_seconds_count", **op) - value(
            before, "sekisho_authd_call_duration_seconds_count", **op)
        workers = {**Gateway.DEFAULT_SETTINGS, **self.gw.settings}["threads"]
        # On a starved machine the burst may outlast 3/4 of session_cache_ttl (5 s), after which each worker
        # asks again in the background, once per such stretch: that much more is allowed, never a call a request.
        allowed = workers * (1 + int(took / 3.75))
        self.assertGreaterEqual(calls, 1, "the session was checked with authd")
        self.assertLessEqual(calls, allowed,
                             f"{burst + after_it} requests on one session in {took:.1f} s made {calls:.0f} calls")

    def test_metrics_from_another_address_need_an_admin_session(self):
        elsewhere = ("X-Forwarded-For", "192.0.2.10")
        for headers in ([elsewhere], [elsewhere, self.session_of("clerk")]):
            r = self.gw.request("GET", "/.sekisho/metrics", host=self.host(), headers=headers)
            self.assertEqual(r.status, 403, r)
            self.assertNotIn(b"sekisho_", r.body)
        types, _ = self.scrape([elsewhere, self.session_of("boss", admin=True)])
        self.assertIn("sekisho_logins_total", types)

    def test_zz_health_says_authd_unreachable_once_it_stops(self):
        # Runs last (test order is by name): authd is gone afterwards.
        self.authd.stop()
        r = self.gw.request("GET", "/.sekisho/health", host=self.host())
        self.assertEqual((r.status, r.body), (503, b"authd unreachable\n"), r)
        _, samples = self.scrape()  # the gateway's own series still come, and say authd is down
        self.assertEqual(value(samples, "sekisho_authd_up"), 0)


class ClockCheck(unittest.TestCase):
    """authd.clock_check on (the default): health, authd's log and the audit say what the kernel says."""

    def test_health_and_the_log_follow_the_kernel_clock_state(self):
        env = Env()
        gw = Gateway(env, name="clock", start=False, extra=authd_clients_config(clock_check=True),
                     upstreams=[{"name": "none", "url": "http://127.0.0.1:9"}], rules=[])
        self.addCleanup(gw.stop)
        authd, _ = start_authd_with_nurse(sekisho_binary(), gw)
        self.addCleanup(authd.stop)
        gw.start()
        r = gw.request("GET", "/.sekisho/health", host=f"ehr.test:{gw.port}")
        with open(os.path.join(gw.state_dir, "authd.log"), encoding="utf-8") as f:
            log = f.read()
        warning = "WARNING: the system clock is not synchronised (NTP); TOTP codes depend on it"
        if kernel_clock_synchronised():
            self.assertEqual((r.status, r.body), (200, b"ok\n"), r)
            self.assertNotIn(warning, log)
        else:
            self.assertEqual((r.status, r.body), (503, b"clock not synchronised\n"), r)
            self.assertIn(warning, log)
            audit = sekisho(sekisho_binary(), gw.config_path, ["audit", "export", "--format", "jsonl"]).stdout
            self.assertRegex(audit, r'"event":\s*"system\.clock_unsynchronised"')


if __name__ == "__main__":
    main()
