"""The upstreams a hospital has: HTTP/1.0 apps that end a body by closing, HTTPS upstreams (verified by a
configured CA, refused when untrusted or misnamed, and unverified only when configured so, with a warning),
long polling and event streams that deliver each piece as it comes, and keep-alive pools that stay within
their limit under load."""

import http.server
import os
import ssl
import sys
import threading
import time
import unittest

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (ConnectionClosed, Env, Gateway, Nginx, RecordingUpstream, main, make_certificate,  # noqa: E402
                     request_bytes, wait_until)
from upstreams import _Server, _recv_until  # noqa: E402


class Http10Handler(http.server.BaseHTTPRequestHandler):
    """Python's own HTTP/1.0 server: no Content-Length, the body ends when it closes (like old CGI apps)."""

    protocol_version = "HTTP/1.0"
    body = ("<html><body>" + "古いカルテ " * 3000 + "</body></html>").encode()

    def do_GET(self):  # noqa: N802 - the stdlib's name
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args):
        pass


class DelayedUpstream(_Server):
    """GET /poll?s=N answers after N seconds (long polling); GET /events sends its head and a first event at
    once, the second event two seconds later (a chunked event stream); GET /hints?n=N sends N informational
    103 Early Hints responses before its answer. max_busy: the most polls at once."""

    def __init__(self):
        self.busy = 0
        self.max_busy = 0
        self.busy_lock = threading.Lock()
        super().__init__()

    def _busy(self, delta):
        with self.busy_lock:
            self.busy += delta
            self.max_busy = max(self.max_busy, self.busy)

    def serve(self, conn):
        buf = bytearray()
        while True:
            head, buf = _recv_until(conn, buf, b"\r\n\r\n")
            target = head.split(b" ")[1].decode()
            if target.startswith("/poll"):
                self._busy(1)
                time.sleep(float(target.split("s=")[1]))
                self._busy(-1)
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\nnews!\r\n")
            elif target.startswith("/hints"):
                hint = b"HTTP/1.1 103 Early Hints\r\nLink: </karte.css>; rel=preload; as=style\r\n\r\n"
                conn.sendall(hint * int(target.split("n=")[1]) + b"HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nchart\n")
            else:
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
                             b"9\r\ndata: 1\n\n\r\n")
                time.sleep(2)
                conn.sendall(b"9\r\ndata: 2\n\n\r\n0\r\n\r\n")


class Upstreams(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.env = Env()
        # The upstream's own certificate, as a hospital's internal CA would issue it (here self-signed).
        cls.up_cert, cls.up_key = make_certificate(cls.env.path("up.pem"), cls.env.path("up.key"), ["ehr-db.internal"])
        cls.other_cert, cls.other_key = make_certificate(cls.env.path("other.pem"), cls.env.path("other.key"),
                                                         ["someone-else.internal"])
        cls.nginx = Nginx(cls.env, tls=(cls.up_cert, cls.up_key),
                          extra_locations='location /verified/ { return 200 "host=$http_host scheme=$scheme\\n"; }')
        cls.misnamed = Nginx(cls.env, name="nginx-misnamed", tls=(cls.other_cert, cls.other_key))
        cls.http10 = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Http10Handler)
        threading.Thread(target=cls.http10.serve_forever, daemon=True).start()
        cls.delayed = DelayedUpstream()
        cls.recorder = RecordingUpstream()
        cls.fragile = DelayedUpstream()  # an app that must never get more than 2 requests at once
        # A response whose end a front end and a back end could see in different places, and an old app's
        # header folded over two lines.
        cls.ambiguous = RecordingUpstream(b"HTTP/1.1 200 OK\r\nContent-Length: 30\r\nTransfer-Encoding: chunked\r\n\r\n"
                                          b"0\r\n\r\nHTTP/1.1 200 OK\r\nX-Smuggled: 1\r\n\r\n")
        cls.folded = RecordingUpstream(b"HTTP/1.1 200 OK\r\nX-Legacy: ward 3\r\n\t bed 12\r\nContent-Length: 2\r\n\r\nok")
        cls.upstreams = [
            {"name": "verified", "path_prefix": "/verified", "url": cls.nginx.tls_url, "ca_file": cls.up_cert,
             "host_header": "ehr-db.internal"},
            {"name": "untrusted", "path_prefix": "/untrusted", "url": cls.nginx.tls_url,
             "host_header": "ehr-db.internal"},
            {"name": "misnamed", "path_prefix": "/misnamed", "url": cls.misnamed.tls_url, "ca_file": cls.other_cert,
             "host_header": "ehr-db.internal"},
            {"name": "unverified", "path_prefix": "/unverified", "url": cls.misnamed.tls_url, "verify_tls": False},
            {"name": "http10", "path_prefix": "/legacy", "url": f"http://127.0.0.1:{cls.http10.server_port}"},
            {"name": "delayed", "path_prefix": "/poll", "url": cls.delayed.url, "response_timeout": "4s"},
            {"name": "events", "path_prefix": "/events", "url": cls.delayed.url},
            {"name": "hints", "path_prefix": "/hints", "url": cls.delayed.url},
            {"name": "pooled", "path_prefix": "/pooled", "url": cls.recorder.url, "max_idle_connections": 2},
            {"name": "fragile", "path_prefix": "/poll-fragile", "url": cls.fragile.url, "max_connections": 2,
             "connect_timeout": "2s"},
            {"name": "ambiguous", "path_prefix": "/ambiguous", "url": cls.ambiguous.url},
            {"name": "folded", "path_prefix": "/folded", "url": cls.folded.url},
        ]
        cls.gw = Gateway(cls.env, upstreams=cls.upstreams, rules=[{"name": "all", "action": "bypass"}])
        for c in (cls.gw.stop, cls.folded.stop, cls.ambiguous.stop, cls.fragile.stop, cls.recorder.stop, cls.delayed.stop, cls.http10.shutdown, cls.misnamed.stop,
                  cls.nginx.stop):
            cls.addClassCleanup(c)

    # -- HTTPS upstreams ---------------------------------------------------------------------------------

    def test_https_upstream_verified_by_the_configured_ca(self):
        r = self.gw.request("GET", "/verified/echo")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.text, "host=ehr-db.internal scheme=https\n")  # the per-upstream Host, over TLS

    def test_https_upstream_not_trusted_by_the_system_is_refused(self):
        r = self.gw.request("GET", "/untrusted/echo")
        self.assertEqual(r.status, 502, r)
        self.assertNotIn("127.0.0.1", r.text)

    def test_https_upstream_with_a_certificate_for_another_name_is_refused(self):
        r = self.gw.request("GET", "/misnamed/echo")
        self.assertEqual(r.status, 502, r)

    def test_verification_off_works_and_is_logged_at_start(self):
        r = self.gw.request("GET", "/unverified/echo")
        self.assertEqual(r.status, 200, r)
        self.assertIn("upstream unverified: TLS certificate verification is OFF", self.gw.log())

    # -- HTTP/1.0 ----------------------------------------------------------------------------------------

    def test_http10_upstream_body_until_close_reaches_a_keep_alive_client_whole(self):
        with self.gw.connect() as c:
            for _ in range(2):  # the client's connection survives the upstream's close
                c.send(request_bytes("GET", "/legacy/chart"))
                r = c.read_response()
                self.assertEqual(r.status, 200, r)
                self.assertEqual(r.body, Http10Handler.body)
                self.assertEqual(r.header("transfer-encoding"), "chunked")  # framed for the HTTP/1.1 client

    def test_http10_client_gets_the_body_until_close(self):
        with self.gw.connect() as c:
            c.send(request_bytes("GET", "/legacy/chart", version="HTTP/1.0"))
            head = c.read_until(b"\r\n\r\n")
            self.assertTrue(head.startswith(b"HTTP/1.0 200"), head[:40])
            self.assertNotIn(b"chunked", head.lower())
            body = bytes(c.buf)
            while True:
                try:
                    body += c._recv()
                except ConnectionClosed:
                    break
            self.assertEqual(body, Http10Handler.body)

    # -- responses of old and broken apps ----------------------------------------------------------------

    def test_a_response_framed_two_ways_is_502_and_nothing_of_it_reaches_the_client(self):
        with self.gw.connect() as c:
            c.send(request_bytes("GET", "/ambiguous/chart"))
            r = c.read_response()
            self.assertEqual(r.status, 502, r)
            self.assertNotIn(b"X-Smuggled", r.raw_head + r.body)
        self.assertEqual(self.gw.request("GET", "/folded/still-served").status, 200)  # the gateway carries on

    def test_an_old_apps_folded_header_reaches_the_client_on_one_line(self):
        r = self.gw.request("GET", "/folded/chart")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.body, b"ok")
        value = r.header("x-legacy")
        self.assertNotIn("\r", value)
        self.assertNotIn("\n", value)
        self.assertEqual(value.split(), ["ward", "3", "bed", "12"])

    # -- long polling and event streams ------------------------------------------------------------------

    def test_long_poll_is_answered_when_the_upstream_answers(self):
        started = time.monotonic()
        r = self.gw.request("GET", "/poll?s=2.5")
        self.assertEqual((r.status, r.body), (200, b"news!\r\n"))
        self.assertGreaterEqual(time.monotonic() - started, 2.4)

    def test_other_requests_go_on_while_a_long_poll_waits(self):
        result = {}
        poller = threading.Thread(target=lambda: result.update(r=self.gw.request("GET", "/poll?s=3")))
        poller.start()
        time.sleep(0.3)
        started = time.monotonic()
        self.assertEqual(self.gw.request("GET", "/verified/").status, 200)
        self.assertLess(time.monotonic() - started, 2.0, "a waiting long poll held up another request")
        poller.join()
        self.assertEqual(result["r"].status, 200)

    def test_long_poll_beyond_response_timeout_is_504(self):
        started = time.monotonic()
        r = self.gw.request("GET", "/poll?s=7", timeout=15)
        self.assertEqual(r.status, 504, r)
        self.assertLess(time.monotonic() - started, 6.5)

    # -- informational responses -------------------------------------------------------------------------

    def test_early_hints_are_passed_over_and_the_answer_arrives(self):
        r = self.gw.request("GET", "/hints?n=3")
        self.assertEqual((r.status, r.body), (200, b"chart\n"), r)

    def test_an_upstream_that_sends_only_informational_responses_gets_502(self):
        # Each one would be read and parsed into the request's memory: more than 8 end the exchange.
        r = self.gw.request("GET", "/hints?n=50")
        self.assertEqual(r.status, 502, r)

    def test_event_stream_delivers_each_event_as_it_comes(self):
        with self.gw.connect() as c:
            c.send(request_bytes("GET", "/events"))
            started = time.monotonic()
            first = c.read_until(b"data: 1\n\n")
            self.assertLess(time.monotonic() - started, 1.8,  # the second event comes 2 s later
                            "the first event waited for the rest of the stream")
            self.assertIn(b"text/event-stream", first)
            c.read_until(b"data: 2\n\n")
            self.assertGreaterEqual(time.monotonic() - started, 1.8)

    # -- keep-alive pool ---------------------------------------------------------------------------------

    def test_pool_reuses_connections_and_keeps_at_most_its_limit_under_load(self):
        before = self.recorder.connections
        with self.gw.connect() as c:  # one client, one request after another: one upstream connection
            for _ in range(20):
                c.send(request_bytes("GET", "/pooled/seq"))
                self.assertEqual(c.read_response().status, 200)
        self.assertEqual(self.recorder.connections - before, 1, "sequential requests did not reuse the connection")

        failures = []

        def client():
            try:
                with self.gw.connect() as c:
                    for _ in range(25):
                        c.send(request_bytes("GET", "/pooled/load"))
                        if c.read_response().status != 200:
                            failures.append("status")
            except Exception as e:  # noqa: BLE001 - reported below
                failures.append(repr(e))

        threads = [threading.Thread(target=client) for _ in range(16)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(failures, [])
        self.assertGreater(self.recorder.connections - before, 2, "the load never needed parallel connections")
        # Afterwards each worker (threads = 2) keeps at most max_idle_connections = 2; the rest were closed.
        wait_until(lambda: self.recorder.open_now <= 4, 5,
                   what=f"the pool to shrink to its limit (open: {self.recorder.open_now})")

    def test_max_connections_queues_requests_and_answers_503_when_the_wait_is_too_long(self):
        def poll(seconds, out):
            out.append(self.gw.request("GET", f"/poll-fragile?s={seconds}", timeout=20).status)

        statuses = []
        started = time.monotonic()
        threads = [threading.Thread(target=poll, args=(0.5, statuses)) for _ in range(5)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(statuses, [200] * 5, "requests beyond the limit waited for a connection and got through")
        self.assertGreaterEqual(time.monotonic() - started, 3 * 0.5 - 0.2, "five 0.5 s polls, two at a time")
        self.assertEqual(self.fragile.max_busy, 2, "the app got more (or fewer) requests at once than max_connections")

        statuses = []
        threads = [threading.Thread(target=poll, args=(3.5, statuses)) for _ in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(sorted(statuses), [200, 200, 503], "the third waited connect_timeout (2 s), then 503")
        self.assertEqual(self.fragile.max_busy, 2)


if __name__ == "__main__":
    main()
