"""The access log is the guideline's record of who opened what: one JSON line per request with time, user,
client, host, method, path, query (configurable), status and bytes in and out."""

import json
import os
import re
import sys
import time
import unittest

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Env, Gateway, Nginx, RecordingUpstream, main, request_bytes, wait_until  # noqa: E402


class AccessLog(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.env = Env()
        cls.nginx = Nginx(cls.env)
        cls.recorder = RecordingUpstream()
        cls.upstreams = [{"name": "recorder", "path_prefix": "/rec", "url": cls.recorder.url},
                         {"name": "small", "path_prefix": "/small", "url": cls.nginx.url, "max_body_bytes": 10},
                         {"name": "nginx", "url": cls.nginx.url}]
        cls.rules = [{"name": "closed", "paths": ["/denied"], "action": "deny"},
                     {"name": "everything else", "action": "bypass"}]
        cls.addClassCleanup(cls.recorder.stop)
        cls.addClassCleanup(cls.nginx.stop)

    def gateway(self, name, **gateway):
        gw = Gateway(self.env, name=name, gateway=gateway, upstreams=self.upstreams, rules=self.rules)
        self.addCleanup(gw.stop)
        return gw

    def entries(self, gw, count):
        wait_until(lambda: len(gw.access_log_entries()) >= count, 5, what=f"{count} access log lines")
        time.sleep(0.3)  # nothing more comes
        return gw.access_log_entries()

    def send(self, gw, data):
        with gw.connect() as c:
            c.send(data)
            return c.read_response()

    def test_one_line_per_request_with_who_what_and_how_much(self):
        gw = self.gateway("log")
        body = os.urandom(1234)
        requests = [
            request_bytes("GET", "/echo/chart?patient=P000123", host="EHR.test"),
            request_bytes("POST", "/rec/upload", body=body),
            request_bytes("GET", "/denied/x"),
            request_bytes("GET", "/public/a%2Fb"),
            request_bytes("POST", "/small/x", headers=[("Content-Length", "11")]),
            request_bytes("POST", "/smuggle", headers=[("Content-Length", "5"), ("Transfer-Encoding", "chunked")]),
            b"GET /bare-cr HTTP/1.1\r\nHost: ehr.test\r\nX-A: a\rb\r\n\r\n",
        ]
        responses = []
        for i, data in enumerate(requests):
            # A line is written when its request ends, and connections end on two threads: wait for each
            # line before the next request, so the file's order is the order below.
            responses.append(self.send(gw, data))
            wait_until(lambda: len(gw.access_log_entries()) > i, 5, what=f"access log line {i + 1}")
        self.assertEqual([r.status for r in responses], [200, 200, 403, 400, 413, 400, 400])
        # Malformed requests may have no host or path to log; their status and client are still recorded.
        expected = [
            {"method": "GET", "host": "ehr.test", "path": "/echo/chart", "query": "patient=P000123", "status": 200,
             "bytes_in": 0, "bytes_out": len(responses[0].body)},
            {"method": "POST", "host": "ehr.test", "path": "/rec/upload", "status": 200, "bytes_in": 1234,
             "bytes_out": 2},
            {"method": "GET", "host": "ehr.test", "path": "/denied/x", "status": 403, "bytes_in": 0},
            {"method": "GET", "host": "ehr.test", "status": 400, "bytes_in": 0},
            {"method": "POST", "host": "ehr.test", "path": "/small/x", "status": 413, "bytes_in": 0},
            {"status": 400, "bytes_in": 0},  # Content-Length with Transfer-Encoding
            {"status": 400, "bytes_in": 0},  # bare CR
        ]
        lines = self.entries(gw, len(expected))
        self.assertEqual(len(lines), len(expected), lines)
        for line, want in zip(lines, expected):
            with self.subTest(line=line):
                self.assertRegex(line["time"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")
                self.assertEqual(line["user"], "")
                self.assertEqual(line["client"], "127.0.0.1")
                for key, value in want.items():
                    self.assertEqual(line.get(key), value, f"{key} in {line}")
                self.assertNotIn("?", line.get("path", ""))

    def test_query_can_be_left_out(self):
        gw = self.gateway("noquery", access_log_query=False)
        self.assertEqual(self.send(gw, request_bytes("GET", "/echo/chart?patient=P000123")).status, 200)
        [line] = self.entries(gw, 1)
        self.assertEqual(line["path"], "/echo/chart")
        self.assertNotIn("P000123", str(line))

    def test_refused_heads_are_logged_too(self):
        gw = self.gateway("refused", max_header_bytes=2048)
        self.assertEqual(self.send(gw, request_bytes("GET", "/big", headers=[("X-Big", "a" * 4000)])).status, 431)
        lines = self.entries(gw, 1)
        self.assertEqual([line["status"] for line in lines], [431])

    def test_lines_are_greppable_per_patient_url(self):
        gw = self.gateway("grep")
        for pid in ("P000001", "P000002", "P000001"):
            self.send(gw, request_bytes("GET", f"/patients/{pid}"))
        self.entries(gw, 3)
        # A bypass route: no session, so the lines are in the file of requests without one.
        with open(os.path.join(gw.state_dir, "access.anonymous.log"), encoding="utf-8") as f:
            text = f.read()
        self.assertEqual(len(re.findall(r"^.*/patients/P000001.*$", text, re.M)), 2)

    def test_rotation_keeps_every_line_and_the_configured_generations(self):
        max_bytes = 1024 * 1024
        gw = self.gateway("rotate", access_log_max_bytes=max_bytes, access_log_keep=2)
        query = "q=" + "x" * 6000  # about 6 KB per line: 4.5 MiB of log in 800 requests
        with gw.connect() as c:
            for i in range(800):
                c.send(request_bytes("GET", f"/chart/{i}?{query}"))
                self.assertEqual(c.read_response().status, 200)
        log = os.path.join(gw.state_dir, "access.anonymous.log")  # a bypass route: no session
        wait_until(lambda: os.path.exists(log + ".2"), 5, what="two rotations")
        gw.stop()  # writes out what is buffered
        self.assertFalse(os.path.exists(log + ".3"), "more generations kept than access_log_keep")
        numbers = []
        for path in (log + ".2", log + ".1", log):
            with open(path, encoding="utf-8") as f:
                numbers += [int(json.loads(line)["path"].split("/")[-1]) for line in f]
            self.assertEqual(oct(os.stat(path).st_mode & 0o777), "0o640", path)
        for path in (log + ".2", log + ".1"):  # rotated at the line that passed the limit
            self.assertGreaterEqual(os.path.getsize(path), max_bytes)
            self.assertLess(os.path.getsize(path), max_bytes + 6200)
        # The newest lines, in order, none lost or repeated across the files kept.
        self.assertEqual(numbers, list(range(800 - len(numbers), 800)))
        self.assertGreater(len(numbers), 2 * max_bytes // 6100)


if __name__ == "__main__":
    main()
