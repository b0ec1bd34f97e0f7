"""Deadlines: a slowloris client is cut at header_timeout, an idle keep-alive connection at idle_timeout, a
request body trickled below min_body_rate once its grace is spent; an upstream that is down gets 502 and one
that is too slow 504, each a plain Japanese/English page with no internal address in it."""

import itertools
import os
import socket
import sys
import time
import unittest

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (BlackHole, ClosedPort, Env, Gateway, Nginx, RecordingUpstream, main,  # noqa: E402
                     request_bytes, wait_until)

HEADER_TIMEOUT = 2
IDLE_TIMEOUT = 3
RESPONSE_TIMEOUT = 1
MIN_BODY_RATE = 200  # bytes a second


class Timeouts(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.env = Env()
        cls.nginx = Nginx(cls.env)
        cls.black_hole = BlackHole()
        cls.garbage = RecordingUpstream(response=b"this is not HTTP\r\n\r\n")
        cls.down = ClosedPort()
        cls.gw = Gateway(cls.env, gateway={"header_timeout": f"{HEADER_TIMEOUT}s", "idle_timeout": f"{IDLE_TIMEOUT}s",
                                                  "min_body_rate": MIN_BODY_RATE},
                         upstreams=[{"name": "down", "path_prefix": "/down", "url": cls.down.url},
                                    {"name": "slow", "path_prefix": "/slow", "url": cls.black_hole.url,
                                     "response_timeout": f"{RESPONSE_TIMEOUT}s"},
                                    {"name": "garbage", "path_prefix": "/garbage", "url": cls.garbage.url},
                                    {"name": "nginx", "url": cls.nginx.url}],
                         rules=[{"name": "all", "action": "bypass"}])
        for c in (cls.gw.stop, cls.garbage.stop, cls.black_hole.stop, cls.down.stop, cls.nginx.stop):
            cls.addClassCleanup(c)

    def test_slowloris_is_cut_at_header_timeout(self):
        head = b"GET /slowloris HTTP/1.1\r\nHost: ehr.test\r\nX-Padding: " + b"a" * 100
        elapsed, sent = self.trickle(b"", (bytes([byte]) for byte in head), 1.0)
        self.assertIsNotNone(elapsed, "a client sending one header byte per second was never cut off")
        self.assertLessEqual(elapsed, HEADER_TIMEOUT + 2, "cut too late")
        if sent:
            self.assertTrue(sent.startswith(b"HTTP/1.1 408"), sent[:100])
        self.assertNotIn("slowloris", self.nginx.log_text())

    def test_head_cut_by_header_timeout_is_closed_and_never_forwarded(self):
        # Like nginx's client_header_timeout: the connection is closed (the deadline closes the socket, so no
        # 408 page can be written); the half head never reaches the upstream.
        with self.gw.connect() as c:
            c.send(b"GET /half HTTP/1.1\r\nHost: ehr.test\r\nX-Half: ")
            self.assertTrue(c.closed_within(HEADER_TIMEOUT + 2))
            self.assertEqual(bytes(c.buf), b"", "nothing but the close is expected")

    def test_silent_connection_is_cut_at_header_timeout(self):
        with self.gw.connect() as c:
            started = time.monotonic()
            self.assertTrue(c.closed_within(HEADER_TIMEOUT + 2), "a TLS connection that sends nothing stays open")
            self.assertGreaterEqual(time.monotonic() - started, HEADER_TIMEOUT - 0.5, "cut before header_timeout")

    def test_tcp_connection_without_tls_handshake_is_cut(self):
        with socket.create_connection(("127.0.0.1", self.gw.port), 10) as s:
            started = time.monotonic()
            s.settimeout(HEADER_TIMEOUT + 2)
            try:
                self.assertEqual(s.recv(100), b"")
            except ConnectionResetError:
                pass
            except socket.timeout:
                self.fail("a TCP connection without a TLS handshake stays open")
            self.assertLessEqual(time.monotonic() - started, HEADER_TIMEOUT + 2)

    def trickle(self, first, pieces, interval):
        """Sends `first`, then each of `pieces` `interval` seconds apart, until the gateway closes the
        connection or the pieces (or HEADER_TIMEOUT + 3 * IDLE_TIMEOUT seconds) run out: how long the
        connection lasted (None if it was never closed) and what the gateway sent."""
        with self.gw.connect() as c:
            if first:
                c.send(first)
            started = time.monotonic()
            for piece in pieces:
                if time.monotonic() - started >= HEADER_TIMEOUT + 3 * IDLE_TIMEOUT:
                    break
                try:
                    c.send(piece)
                except OSError:
                    return time.monotonic() - started, bytes(c.buf)
                if c.closed_within(interval):
                    return time.monotonic() - started, bytes(c.buf)
            return None, bytes(c.buf)

    def trickle_body(self, head, byte=b"x"):
        """The head, then one byte of body every half second (2 bytes/s, each well inside idle_timeout)."""
        elapsed, sent = self.trickle(head, itertools.repeat(byte), 0.5)
        if elapsed is not None:
            self.assertEqual(sent, b"", "the deadline closes the connection: nothing is sent")
        return elapsed

    def assert_logged(self, path, query, status):
        """The request's one access log line says `status`; returns it."""
        def lines():
            return [e for e in self.gw.access_log_entries() if e["path"] == path and e.get("query") == query]
        wait_until(lambda: lines(), 5, what=f"a line for {path}?{query}")
        self.assertEqual([e["status"] for e in lines()], [status])
        return lines()[0]

    def test_trickled_upload_is_cut_once_its_grace_is_spent(self):
        # The slow-body attack: the body's first header_timeout is grace, and 2 bytes/s earns almost nothing
        # more. Without the floor each byte, inside idle_timeout, would hold both connections for hours.
        head = request_bytes("POST", "/upload?trickled", headers=[("Content-Length", "100000")])
        elapsed = self.trickle_body(head)
        self.assertIsNotNone(elapsed, "a body trickled at 2 bytes a second was never cut off")
        self.assertGreaterEqual(elapsed, HEADER_TIMEOUT - 0.5, "cut before its grace was spent")
        self.assertLessEqual(elapsed, HEADER_TIMEOUT + 2, "cut too late")
        line = self.assert_logged("/upload", "trickled", 408)
        self.assertGreaterEqual(line["bytes_in"], 1, "the log says how much of the body came")

    def test_trickled_chunked_upload_is_cut_too(self):
        head = request_bytes("POST", "/upload?chunks", headers=[("Transfer-Encoding", "chunked")])
        elapsed = self.trickle_body(head + b"186a0\r\n")
        self.assertIsNotNone(elapsed, "a chunked body trickled at 2 bytes a second was never cut off")
        self.assertLessEqual(elapsed, HEADER_TIMEOUT + 2, "cut too late")
        self.assert_logged("/upload", "chunks", 408)

    def test_trickled_login_form_is_cut_too(self):
        form = [("Content-Length", "1000"), ("Content-Type", "application/x-www-form-urlencoded")]
        head = request_bytes("POST", "/.sekisho/login?trickled", headers=form)
        elapsed = self.trickle_body(head, b"a")
        self.assertIsNotNone(elapsed, "a login form trickled at 2 bytes a second was never cut off")
        self.assertLessEqual(elapsed, HEADER_TIMEOUT + 2, "cut too late")
        self.assert_logged("/.sekisho/login", "trickled", 408)

    def test_slow_upload_above_the_floor_passes_whole(self):
        # 6,000 bytes at about 1,000 bytes/s: slower than the grace, faster than the floor.
        body = bytes(range(256)) * 23 + b"x" * 112
        with self.gw.connect() as c:
            c.send(request_bytes("POST", "/upload", headers=[("Content-Length", str(len(body)))]))
            for i in range(0, len(body), 100):
                c.send(body[i:i + 100])
                time.sleep(0.1)
            r = c.read_response("POST")
        self.assertEqual(r.status, 200, r)
        path = r.text.strip()
        self.addCleanup(lambda: os.path.exists(path) and os.remove(path))
        with open(path, "rb") as f:
            self.assertEqual(f.read(), body, "the upstream got a different body")

    def test_idle_keep_alive_connection_is_closed_after_idle_timeout(self):
        with self.gw.connect() as c:
            c.send(request_bytes("GET", "/idle"))
            r = c.read_response()
            self.assertEqual(r.status, 200)
            self.assertNotEqual(r.header("Connection", "").lower(), "close")
            started = time.monotonic()
            self.assertTrue(c.closed_within(IDLE_TIMEOUT + 2), "the idle connection was never closed")
            elapsed = time.monotonic() - started
            self.assertGreaterEqual(elapsed, IDLE_TIMEOUT - 0.5, "closed before idle_timeout")
            self.assertEqual(bytes(c.buf), b"", "nothing is sent on an idle close")

    def assert_plain_error_page(self, r, status, japanese, english):
        self.assertEqual(r.status, status, r)
        self.assertTrue(r.header("Content-Type", "").startswith("text/html"), r.fields)
        self.assertIn(japanese, r.text)
        self.assertIn(english, r.text)
        head, body = r.raw_head.decode("latin-1"), r.text
        for address in ("127.0.0.1", str(self.down.port), str(self.black_hole.port), str(self.garbage.port)):
            self.assertNotIn(address, head + body, f"the {status} page shows an internal address")
        for word in ("refused", "timed out", "timeout", "asio", "beast", "errno", "system:"):
            self.assertNotIn(word, body.lower(), f"the {status} page shows internal details")

    def test_upstream_down_gets_502(self):
        r = self.gw.request("GET", "/down/chart")
        self.assert_plain_error_page(r, 502, "接続先のシステムが応答しません", "is not answering")

    def test_upstream_answering_garbage_gets_502(self):
        r = self.gw.request("GET", "/garbage/chart")
        self.assert_plain_error_page(r, 502, "接続先のシステムが応答しません", "is not answering")

    def test_upstream_too_slow_gets_504(self):
        started = time.monotonic()
        r = self.gw.request("GET", "/slow/chart", timeout=RESPONSE_TIMEOUT + 10)
        elapsed = time.monotonic() - started
        self.assert_plain_error_page(r, 504, "応答に時間がかかりすぎています", "took too long to answer")
        self.assertGreaterEqual(elapsed, RESPONSE_TIMEOUT - 0.2)
        self.assertLessEqual(elapsed, RESPONSE_TIMEOUT + 2, "response_timeout not kept")

    def test_gateway_keeps_serving_after_upstream_failures(self):
        self.assertEqual(self.gw.request("GET", "/down/x").status, 502)
        self.assertEqual(self.gw.request("GET", "/fine").text, "uri=/fine\n")


if __name__ == "__main__":
    main()
