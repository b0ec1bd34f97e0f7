"""WebSocket upgrades are tunnelled after the policy check: echo through the gateway on a bypass route;
on a denied route, or one that needs a login, the upgrade is answered by the gateway and no tunnel opens. A
tunnel opened under a session lasts only as long as the session: a busy one too (it never goes idle)."""

import base64
import os
import sys
import time
import unittest

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from accounts import authd_clients_config, sekisho, start_with_nurse_session  # noqa: E402
from harness import (Env, Gateway, Nginx, WebSocketEcho, main, request_bytes, sekisho_binary,  # noqa: E402
                     ws_accept_key, ws_frame, ws_read_frame)


def upgrade_request(path, key):
    return request_bytes("GET", path, headers=[("Upgrade", "websocket"), ("Connection", "keep-alive, Upgrade"),
                                               ("Sec-WebSocket-Key", key), ("Sec-WebSocket-Version", "13")])


class WebSocket(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.env = Env()
        cls.nginx = Nginx(cls.env)
        cls.ws = WebSocketEcho()
        cls.gw = Gateway(cls.env,
                         upstreams=[{"name": "ws", "path_prefix": "/ws", "url": cls.ws.url},
                                    {"name": "nginx", "url": cls.nginx.url}],
                         rules=[{"name": "denied socket", "paths": ["/ws/denied"], "action": "deny"},
                                {"name": "private socket", "paths": ["/ws/private"], "action": "two_factor"},
                                {"name": "open socket", "paths": ["/ws"], "action": "bypass"}])
        cls.addClassCleanup(cls.gw.stop)
        cls.addClassCleanup(cls.ws.stop)
        cls.addClassCleanup(cls.nginx.stop)

    def test_echo_through_the_gateway(self):
        key = base64.b64encode(os.urandom(16)).decode()
        with self.gw.connect() as c:
            c.send(upgrade_request("/ws/chat", key))
            r = c.read_response()
            self.assertEqual(r.status, 101, r)
            self.assertEqual(r.header("Upgrade", "").lower(), "websocket")
            self.assertEqual(r.header("Sec-WebSocket-Accept"), ws_accept_key(key))
            for opcode, payload in [(1, "こんにちは、関所".encode()), (2, os.urandom(200000)), (1, b"")]:
                c.send(ws_frame(payload, opcode))
                self.assertEqual(ws_read_frame(c.read_exact), (opcode, payload))
            c.send(ws_frame(b"are you there", 9))
            self.assertEqual(ws_read_frame(c.read_exact), (10, b"are you there"))
            c.send(ws_frame(b"\x03\xe8bye", 8))
            self.assertEqual(ws_read_frame(c.read_exact), (8, b"\x03\xe8bye"))
            self.assertTrue(c.closed_within(5), "the tunnel stays open after both sides closed")
        head = self.ws.upgrade_heads[-1].decode("latin-1").lower()
        self.assertIn("upgrade: websocket", head)
        self.assertIn("x-forwarded-for: 127.0.0.1", head)

    def test_upgrade_on_a_denied_route_gets_403_and_no_tunnel(self):
        before = self.ws.connections
        key = base64.b64encode(os.urandom(16)).decode()
        with self.gw.connect() as c:
            c.send(upgrade_request("/ws/denied/chat", key))
            r = c.read_response()
            self.assertEqual(r.status, 403, r)
            self.assertIsNone(r.header("Sec-WebSocket-Accept"))
            try:  # a frame after the 403 is not tunnelled anywhere: nothing answers it
                c.send(ws_frame(b"let me in", 1))
            except OSError:
                pass
            c.closed_within(2)
            self.assertEqual(bytes(c.buf), b"", "bytes arrived after the 403")
        self.assertEqual(self.ws.connections, before, "the gateway contacted the upstream for a denied upgrade")

    def test_upgrade_on_a_login_route_is_sent_to_the_login_page(self):
        before = self.ws.connections
        key = base64.b64encode(os.urandom(16)).decode()
        with self.gw.connect() as c:
            c.send(upgrade_request("/ws/private/chat", key))
            r = c.read_response()
            self.assertEqual(r.status, 302, r)
            self.assertTrue(r.header("Location", "").startswith("/.sekisho/login?rd="), r)
        self.assertEqual(self.ws.connections, before, "the gateway opened a tunnel without a session")



class WebSocketSession(unittest.TestCase):
    """A tunnel on a two_factor route, opened with a real session (password + TOTP through authd)."""

    @classmethod
    def setUpClass(cls):
        cls.env = Env()
        cls.ws = WebSocketEcho()
        cls.addClassCleanup(cls.ws.stop)
        cls.gw = Gateway(cls.env, name="state", start=False, extra=authd_clients_config(),
                         upstreams=[{"name": "ws", "url": cls.ws.url}],
                         rules=[{"name": "everything", "action": "two_factor"}])
        start_with_nurse_session(cls, sekisho_binary())

    def test_a_busy_tunnel_closes_soon_after_its_user_is_disabled(self):
        if not self.session:
            self.fail("no session to test with: " + self.login_problem)
        key = base64.b64encode(os.urandom(16)).decode()
        with self.gw.connect() as c:
            c.send(request_bytes("GET", "/monitor", headers=[
                ("Upgrade", "websocket"), ("Connection", "Upgrade"), ("Sec-WebSocket-Key", key),
                ("Sec-WebSocket-Version", "13"), ("Cookie", f"__Host-sekisho={self.session}")]))
            self.assertEqual(c.read_response().status, 101)
            # While the session stands, the tunnel outlives the session cache's entries and several checks.
            for i in range(7):
                c.send(ws_frame(f"vitals {i}".encode(), 1))
                self.assertEqual(ws_read_frame(c.read_exact), (1, f"vitals {i}".encode()))
                time.sleep(1)
            sekisho(sekisho_binary(), self.gw.config_path, ["user", "disable", "nurse"])
            disabled = time.monotonic()
            closed = False
            while not closed and time.monotonic() - disabled < 20:
                try:  # traffic every second: the idle deadline (75 s) is never what closes it
                    c.send(ws_frame(b"still here?", 1))
                except OSError:
                    closed = True
                    break
                closed = c.closed_within(1)
            waited = time.monotonic() - disabled
        self.assertTrue(closed, "the tunnel still carried frames 20 s after its user was disabled")
        # The session cache answers for at most 5 s, and the tunnel asks every 2 s.
        self.assertLess(waited, 9, f"the tunnel closed {waited:.1f} s after the user was disabled")


if __name__ == "__main__":
    main()
