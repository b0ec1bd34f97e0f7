"""WebSocket upgrades are tunnelled after the policy check: echo through the gateway on a bypass route;
on a denied route, or one that needs a login, the upgrade is answered by the gateway and no tunnel opens. A
tunnel opened under a session lasts only as long as the session and the rules admit it: a busy one too
(it never goes idle), closed when its user is disabled or leaves the group its rule needs."""

import base64
import os
import sys
import time
import unittest

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from accounts import (add_user_with_totp, authd_clients_config, login_session, sekisho,  # noqa: E402
                      start_with_nurse_session)
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
    """Tunnels opened with a real session (password + TOTP through authd): on a two_factor route, and on a
    route a group rule opens to the ward's staff only."""

    @classmethod
    def setUpClass(cls):
        cls.env = Env()
        cls.ws = WebSocketEcho()
        cls.addClassCleanup(cls.ws.stop)
        cls.gw = Gateway(cls.env, name="state", start=False, extra=authd_clients_config(),
                         upstreams=[{"name": "ws", "url": cls.ws.url}],
                         rules=[{"name": "ward monitor", "paths": ["/ward"], "groups": ["ward"],
                                 "action": "two_factor"},
                                {"name": "ward staff only", "paths": ["/ward"], "action": "deny"},
                                {"name": "everything", "action": "two_factor"}])
        start_with_nurse_session(cls, sekisho_binary())

    def admin(self, *args):
        return sekisho(sekisho_binary(), self.gw.config_path, list(args))

    def open_tunnel(self, path, session):
        """A tunnel under SESSION that has carried frames for 7 s: past the session cache's entries and
        several checks."""
        if not session:
            self.fail("no session to test with: " + self.login_problem)
        key = base64.b64encode(os.urandom(16)).decode()
        c = self.gw.connect()
        c.send(request_bytes("GET", path, headers=[
            ("Upgrade", "websocket"), ("Connection", "Upgrade"), ("Sec-WebSocket-Key", key),
            ("Sec-WebSocket-Version", "13"), ("Cookie", f"__Host-sekisho={session}")]))
        self.assertEqual(c.read_response().status, 101)
        for i in range(7):
            c.send(ws_frame(f"vitals {i}".encode(), 1))
            self.assertEqual(ws_read_frame(c.read_exact), (1, f"vitals {i}".encode()))
            time.sleep(1)
        return c

    def assert_closes_soon_after(self, c, change, what):
        """CHANGE (an admin command) closes the busy tunnel C within 12 s: the session cache answers for at
        most 5 s, and the tunnel asks every 2 s (7 s, plus slack for a slow machine)."""
        with c:
            self.admin(*change)
            changed = time.monotonic()
            closed = False
            while not closed and time.monotonic() - changed < 20:
                try:  # traffic every second: the idle deadline (75 s) is never what closes it
                    c.send(ws_frame(b"still here?", 1))
                except OSError:
                    closed = True
                    break
                closed = c.closed_within(1)
            waited = time.monotonic() - changed
        self.assertTrue(closed, f"the tunnel still carried frames 20 s after {what}")
        self.assertLess(waited, 12, f"the tunnel closed {waited:.1f} s after {what}")

    def test_a_busy_tunnel_closes_soon_after_its_user_is_disabled(self):
        c = self.open_tunnel("/monitor", self.session)
        self.assert_closes_soon_after(c, ["user", "disable", "nurse"], "its user was disabled")

    def test_a_busy_tunnel_closes_soon_after_its_user_leaves_the_group_its_rule_needs(self):
        key = add_user_with_totp(sekisho_binary(), self.gw.config_path, "wardnurse")
        self.admin("user", "groups", "wardnurse", "--add", "ward")
        session, self.login_problem = login_session(sekisho_binary(), self.gw.config_path, "wardnurse", key)
        c = self.open_tunnel("/ward/monitor", session)
        self.assert_closes_soon_after(c, ["user", "groups", "wardnurse", "--remove", "ward"],
                                      "its user left the group")


if __name__ == "__main__":
    main()
