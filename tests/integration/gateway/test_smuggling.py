"""Request smuggling forms, sent as exact bytes over TLS, get 400 and a closed connection, and nothing of
them reaches the upstream; oversized heads get 431; bodies over a route's limit get 413 (or a cut
connection) and are not delivered whole."""

import os
import socket
import sys
import time
import unittest

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from processes import cpu_seconds  # noqa: E402
from harness import (Client, Env, Gateway, Nginx, chunked, main, request_bytes, wait_until,  # noqa: E402
                     ConnectionClosed)


def hidden(n):
    return b"GET /smuggled-%d HTTP/1.1\r\nHost: ehr.test\r\n\r\n" % n


def smuggling_forms():
    """(name, exact request bytes); each names /smuggle-N and hides a second request for /smuggled-N."""
    forms = [
        ("Content-Length and Transfer-Encoding",
         b"POST /smuggle-%d HTTP/1.1\r\nHost: ehr.test\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"
         b"0\r\n\r\n@H"),
        ("Transfer-Encoding and Content-Length",
         b"POST /smuggle-%d HTTP/1.1\r\nHost: ehr.test\r\nTransfer-Encoding: chunked\r\nContent-Length: 48\r\n\r\n"
         b"0\r\n\r\n@H"),
        ("two differing Content-Length",
         b"POST /smuggle-%d HTTP/1.1\r\nHost: ehr.test\r\nContent-Length: 0\r\nContent-Length: 44\r\n\r\n@H"),
        ("Content-Length list", b"POST /smuggle-%d HTTP/1.1\r\nHost: ehr.test\r\nContent-Length: 0, 44\r\n\r\n@H"),
        ("signed Content-Length", b"POST /smuggle-%d HTTP/1.1\r\nHost: ehr.test\r\nContent-Length: +0\r\n\r\n@H"),
        ("hex Content-Length", b"POST /smuggle-%d HTTP/1.1\r\nHost: ehr.test\r\nContent-Length: 0x0\r\n\r\n@H"),
        ("Transfer-Encoding: gzip",
         b"POST /smuggle-%d HTTP/1.1\r\nHost: ehr.test\r\nTransfer-Encoding: gzip\r\n\r\n0\r\n\r\n@H"),
        ("Transfer-Encoding: chunked, gzip",
         b"POST /smuggle-%d HTTP/1.1\r\nHost: ehr.test\r\nTransfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n@H"),
        ("Transfer-Encoding: gzip, chunked",
         b"POST /smuggle-%d HTTP/1.1\r\nHost: ehr.test\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n@H"),
        ("Transfer-Encoding: chunked, chunked",
         b"POST /smuggle-%d HTTP/1.1\r\nHost: ehr.test\r\nTransfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n@H"),
        ("two Transfer-Encoding headers",
         b"POST /smuggle-%d HTTP/1.1\r\nHost: ehr.test\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: identity"
         b"\r\n\r\n0\r\n\r\n@H"),
        ("Transfer-Encoding: xchunked",
         b"POST /smuggle-%d HTTP/1.1\r\nHost: ehr.test\r\nTransfer-Encoding: xchunked\r\n\r\n0\r\n\r\n@H"),
        ("Transfer-Encoding: chunked;x=1",
         b"POST /smuggle-%d HTTP/1.1\r\nHost: ehr.test\r\nTransfer-Encoding: chunked;x=1\r\n\r\n0\r\n\r\n@H"),
        ("Transfer-Encoding with a vertical tab",
         b"POST /smuggle-%d HTTP/1.1\r\nHost: ehr.test\r\nTransfer-Encoding:\x0bchunked\r\n\r\n0\r\n\r\n@H"),
        ("Transfer-Encoding with a space before the colon",
         b"POST /smuggle-%d HTTP/1.1\r\nHost: ehr.test\r\nTransfer-Encoding : chunked\r\n\r\n0\r\n\r\n@H"),
        ("Content-Length with a space before the colon",
         b"POST /smuggle-%d HTTP/1.1\r\nHost: ehr.test\r\nContent-Length : 44\r\n\r\n@H"),
        ("Host with a space before the colon", b"GET /smuggle-%d HTTP/1.1\r\nHost : ehr.test\r\n\r\n@H"),
        ("Transfer-Encoding by obs-fold",
         b"POST /smuggle-%d HTTP/1.1\r\nHost: ehr.test\r\nTransfer-Encoding:\r\n chunked\r\n\r\n0\r\n\r\n@H"),
        ("obs-fold", b"GET /smuggle-%d HTTP/1.1\r\nHost: ehr.test\r\nX-Note: one\r\n\ttwo\r\n\r\n@H"),
        ("bare CR in a value", b"GET /smuggle-%d HTTP/1.1\r\nHost: ehr.test\r\nX-Note: a\rb\r\n\r\n@H"),
        ("bare CR ending a line", b"GET /smuggle-%d HTTP/1.1\rHost: ehr.test\r\n\r\n@H"),
        ("bare LF ending one line", b"GET /smuggle-%d HTTP/1.1\nHost: ehr.test\r\nX-Note: a\r\n\r\n@H"),
        ("bare LF line endings, then a CRLF request", b"GET /smuggle-%d HTTP/1.1\nHost: ehr.test\n\n@H"),
        ("bare LF line endings only", b"GET /smuggle-%d HTTP/1.1\nHost: ehr.test\nX-Note: a\n\n"),
        ("NUL in a value", b"GET /smuggle-%d HTTP/1.1\r\nHost: ehr.test\r\nX-Note: a\x00b\r\n\r\n@H"),
        ("HTTP/1.0 with Transfer-Encoding",
         b"POST /smuggle-%d HTTP/1.0\r\nHost: ehr.test\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n@H"),
        ("HTTP/1.1 without Host", b"GET /smuggle-%d HTTP/1.1\r\nX-Note: a\r\n\r\n@H"),
        ("two Host headers", b"GET /smuggle-%d HTTP/1.1\r\nHost: ehr.test\r\nHost: evil.example\r\n\r\n@H"),
        ("absolute-form target", b"GET http://evil.example/smuggle-%d HTTP/1.1\r\nHost: ehr.test\r\n\r\n@H"),
        ("space inside the request line", b"GET /smuggle-%d HTTP/1.1 \r\nHost: ehr.test\r\n\r\n@H"),
    ]
    out = []
    for n, (name, template) in enumerate(forms, 1):
        out.append((name, template.replace(b"%d", b"%d" % n, 1).replace(b"@H", hidden(n))))
    return out


class Smuggling(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.env = Env()
        cls.nginx = Nginx(cls.env, extra_locations="""
            location = /small/upload {
              client_max_body_size 0;
              client_body_in_file_only on;
              proxy_pass_request_body off;
              proxy_set_header Content-Length "";
              proxy_set_header Transfer-Encoding "";
              proxy_set_header X-Body-File $request_body_file;
              proxy_pass http://127.0.0.1:@PORT@/upload-done;
            }""")
        cls.gw = Gateway(cls.env, gateway={"header_timeout": "4s", "max_header_bytes": 4096},
                         upstreams=[{"name": "small", "path_prefix": "/small", "url": cls.nginx.url,
                                     "max_body_bytes": 1000},
                                    {"name": "nginx", "url": cls.nginx.url}],
                         rules=[{"name": "all", "action": "bypass"}])
        cls.addClassCleanup(cls.gw.stop)
        cls.addClassCleanup(cls.nginx.stop)

    def assert_refused(self, data, status=400, within=None):
        started = time.monotonic()
        with self.gw.connect() as c:
            c.send(data)
            try:
                r = c.read_response()
            except ConnectionClosed:
                self.fail("closed without an answer")
            self.assertEqual(r.status, status, r)
            if within is not None:
                self.assertLess(time.monotonic() - started, within, f"the {status} took too long")
            if r.raw_head.startswith(b"HTTP/1.1"):  # HTTP/1.0 closes by default
                self.assertEqual(r.header("Connection", "").lower(), "close")
            self.assertTrue(c.closed_within(3), "the connection stays open after the refusal")
            self.assertEqual(bytes(c.buf), b"", "a second response came: the hidden request was served")
        return r

    def test_smuggling_forms_get_400_close_and_never_reach_the_upstream(self):
        for name, data in smuggling_forms():
            with self.subTest(name):
                self.assert_refused(data, 400, within=3.5)  # at once, not at header_timeout (4 s)
        time.sleep(0.5)
        seen = [e["request"] for e in self.nginx.log_entries() if "smuggle" in e["request"]]
        self.assertEqual(seen, [], "the upstream received these")
        self.assertEqual(self.gw.request("GET", "/still-serving").status, 200)

    def test_bad_chunk_framing_never_delivers_the_hidden_request(self):
        # The head is fine, so it may be forwarded; the body's framing is not, and what follows it must not
        # be read as a request.
        for n, body in enumerate([b"zz\r\nhello\r\n0\r\n\r\n", b"5\r\nhello0\r\n\r\n", b"-5\r\nhello\r\n0\r\n\r\n",
                                  b"5\nhello\n0\n\n", b"fffffffffffffffff\r\nx\r\n0\r\n\r\n"], 100):
            with self.subTest(body=body):
                with self.gw.connect() as c:
                    c.send(b"POST /badchunk HTTP/1.1\r\nHost: ehr.test\r\nTransfer-Encoding: chunked\r\n\r\n" + body +
                           hidden(n))
                    try:
                        r = c.read_response()
                        self.assertGreaterEqual(r.status, 400, r)
                    except ConnectionClosed:
                        pass
                    self.assertTrue(c.closed_within(5))
        time.sleep(0.5)
        for n in range(100, 105):
            self.assertNotIn(f"/smuggled-{n} ", self.nginx.log_text())

    def test_pipelined_requests_end_where_their_framing_says(self):
        body = b"GET /smuggled-pipe HTTP/1.1\r\nHost: ehr.test\r\n\r\n"
        with self.gw.connect() as c:
            c.send(request_bytes("GET", "/echo/p1") + request_bytes("POST", "/echo/p2", body=body) +
                   request_bytes("POST", "/echo/p3", headers=[("Transfer-Encoding", "chunked")]) +
                   chunked(body, 7) + request_bytes("GET", "/echo/p4"))
            uris = [c.read_response().text.splitlines()[0] for _ in range(4)]
        self.assertEqual(uris, ["uri=/echo/p1", "uri=/echo/p2", "uri=/echo/p3", "uri=/echo/p4"])
        time.sleep(0.3)
        self.assertNotIn("smuggled-pipe", self.nginx.log_text(), "a body was read as a request")

    def test_connection_cap(self):
        gw = Gateway(self.env, name="capped", gateway={"max_connections": 2},
                     upstreams=[{"name": "nginx", "url": self.nginx.url}], rules=[{"name": "all", "action": "bypass"}])
        self.addCleanup(gw.stop)
        first, second = gw.connect(), gw.connect()
        self.addCleanup(first.close)
        self.addCleanup(second.close)
        with self.assertRaises((OSError, ConnectionClosed), msg="a third connection was served over the cap"):
            with gw.connect() as third:
                third.send(request_bytes("GET", "/over-the-cap"))
                third.read_response()
        first.close()

        def answered():  # None while the gateway has not yet seen the close and refuses over the cap
            try:
                return gw.request("GET", "/under-the-cap")
            except (OSError, ConnectionClosed):
                return None
        r = wait_until(answered, 10, what="the slot freed by closing a connection to be usable again")
        self.assertEqual(r.status, 200, "a slot freed is usable again")
        self.assertNotIn("over-the-cap", self.nginx.log_text())
        refused = wait_until(lambda: [e for e in gw.access_log_entries() if e["status"] == 503], 5,
                             what="the refused connection's line in the access log")
        self.assertEqual(refused[0]["client"], "127.0.0.1")

    def test_one_address_cannot_take_every_connection(self):
        gw = Gateway(self.env, name="capped-per-address",
                     gateway={"max_connections_per_address": 3, "trusted_proxies": ["127.0.0.3"],
                              "redirect_listen": ["127.0.0.1:0"]},
                     upstreams=[{"name": "nginx", "url": self.nginx.url}],
                     rules=[{"name": "all", "action": "bypass"}])
        self.addCleanup(gw.stop)

        def get(target, source):
            with gw.connect(source=source) as c:
                c.send(request_bytes("GET", target))
                return c.read_response()

        held = [gw.connect(source="127.0.0.1") for _ in range(3)]  # one machine at its cap
        for c in held:
            self.addCleanup(c.close)
        with self.assertRaises((OSError, ConnectionClosed), msg="a 4th connection from one machine got in"):
            get("/over-the-address-cap", "127.0.0.1")
        self.assertEqual(get("/another-machine", "127.0.0.2").status, 200, "another machine was refused too")
        for source, served in (("127.0.0.1", False), ("127.0.0.2", True)):  # port 80 counts the same ones
            with Client(gw.redirect_port, tls=False, source=source) as c:
                c.send(request_bytes("GET", "/plain"))
                if served:
                    self.assertEqual(c.read_response().status, 301)
                else:
                    self.assertRaises((OSError, ConnectionClosed), c.read_response)
        proxy = [gw.connect(source="127.0.0.3") for _ in range(4)]  # a trusted proxy carries many clients
        for c in proxy:
            self.addCleanup(c.close)
        self.assertEqual(get("/through-the-proxy", "127.0.0.3").status, 200, "a trusted proxy was capped")
        held[0].close()

        def answered():  # None until the gateway has seen the close
            try:
                return get("/under-the-address-cap", "127.0.0.1")
            except (OSError, ConnectionClosed):
                return None
        r = wait_until(answered, 10, what="the machine's freed slot to be usable again")
        self.assertEqual(r.status, 200)
        self.assertNotIn("over-the-address-cap", self.nginx.log_text())
        refused = wait_until(lambda: [e for e in gw.access_log_entries() if e["status"] == 429], 5,
                             what="the refused connection's line in the access log")
        self.assertEqual({e["client"] for e in refused}, {"127.0.0.1"}, "the lines name the machine refused")

    def test_out_of_file_descriptors_the_gateway_waits_rather_than_spins_and_recovers(self):
        gw = Gateway(self.env, name="few-files", upstreams=[{"name": "nginx", "url": self.nginx.url}],
                     rules=[{"name": "all", "action": "bypass"}], start=False)
        gw.launcher = ["prlimit", "--nofile=64:64", "--"]  # a hard limit the gateway cannot raise
        gw.start()
        self.addCleanup(gw.stop)
        self.assertIn("the open-file limit is 64", gw.log(), "no word that max_connections cannot be met")
        flood = [socket.create_connection(("127.0.0.1", gw.port), 5) for _ in range(80)]
        for s in flood:
            self.addCleanup(s.close)
        wait_until(lambda: "cannot accept new connections for now" in gw.log(), 10, what="running dry")
        before = cpu_seconds(gw.process.pid)
        time.sleep(2)
        self.assertLess(cpu_seconds(gw.process.pid) - before, 0.5, "the accept loop spins while out of files")
        for s in flood:
            s.close()

        def answered():  # None while the flood's connections are still being let go
            try:
                return gw.request("GET", "/after-the-flood")
            except (OSError, ConnectionClosed):
                return None
        self.assertEqual(wait_until(answered, 20, what="the gateway to serve again").status, 200)

    def test_header_block_over_max_header_bytes_gets_431(self):
        self.assert_refused(request_bytes("GET", "/big-header", headers=[("X-Big", "a" * 5000)]), 431)
        many = [(f"X-Field-{i}", "b" * 60) for i in range(80)]
        self.assert_refused(request_bytes("GET", "/many-headers", headers=many), 431)
        self.assertEqual(self.gw.request("GET", "/fits", headers=[("X-Big", "a" * 3000)]).status, 200)
        self.assertNotIn("big-header", self.nginx.log_text())
        self.assertNotIn("many-headers", self.nginx.log_text())

    def test_content_length_over_the_route_limit_gets_413_without_contacting_the_upstream(self):
        with self.gw.connect() as c:
            c.send(request_bytes("POST", "/small/upload", headers=[("Content-Length", "1001"), ("X-Test", "cl-413")]))
            r = c.read_response()  # answered before any body byte was sent
            self.assertEqual(r.status, 413, r)
            self.assertTrue(c.closed_within(3))
        r = self.gw.request("POST", "/small/upload", body=b"x" * 1000, headers=[("X-Test", "cl-fits")])
        self.assertEqual(r.status, 200, "a body at the limit passes")
        time.sleep(0.3)
        tests = [e["test"] for e in self.nginx.log_entries()]
        self.assertNotIn("cl-413", tests, "the upstream was contacted")
        self.assertIn("cl-fits", tests)

    def test_chunked_body_over_the_route_limit_is_cut(self):
        body = chunked(os.urandom(200000), 4096)
        with self.gw.connect() as c:
            c.send(request_bytes("POST", "/small/upload", headers=[("Transfer-Encoding", "chunked"),
                                                                    ("X-Test", "chunked-413")]))
            status = None
            try:
                c.send(body)
                status = c.read_response().status
            except (ConnectionClosed, BrokenPipeError, ConnectionResetError):
                pass  # a cut connection is an acceptable answer
            self.assertIn(status, (None, 413))
        time.sleep(0.5)
        delivered = [e for e in self.nginx.log_entries() if e["test"] == "chunked-413" and e["status"] == 200]
        self.assertEqual(delivered, [], "the upstream received the whole oversized body")


if __name__ == "__main__":
    main()
