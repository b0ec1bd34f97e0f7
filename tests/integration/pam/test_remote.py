"""pam_sekisho.so on a "remote" server: the module reaches authd through the real gateway's PAM listener over
TLS (url=tls://HOST:PORT), verifies the gateway's certificate against the pinned CA file (ca=) and sends the
server's token from token_file=, made by `sekisho host add` and revoked by `sekisho host revoke`. Every way
it can go wrong fails closed: a revoked token, a token file others can read, a symlink or a FIFO in its place,
a CA that did not sign the gateway's certificate, nothing listening. The listener relays only what a PAM
module asks, and authd records the registered server's name as the host."""

import json
import os
import re
import socket
import ssl
import struct
import sys
import unittest

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pam_harness import PASSWORD, Codes, Services, free_port, main, pam_module, pamtester, sekisho_binary, temp_dir  # noqa: E402
import harness  # noqa: E402  (the gateway tests' harness: certificate, gateway process)
from accounts import add_user_with_totp, authd_clients_config, sekisho, start_authd_with_nurse  # noqa: E402
from test_portal import Browser, hidden  # noqa: E402


class RemoteServer(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        harness.SEKISHO = sekisho_binary()
        cls.env = harness.Env()
        # Port 0: the gateway binds a free one and says which (no other process can take it first).
        cls.gw = harness.Gateway(cls.env, name="state", start=False, extra=authd_clients_config(),
                                 gateway={"listen": ["127.0.0.1:0"], "pam_listen": ["127.0.0.1:0"]})
        cls.authd, _ = start_authd_with_nurse(sekisho_binary(), cls.gw)
        cls.addClassCleanup(cls.authd.stop)
        cls.gw.start()
        cls.addClassCleanup(cls.gw.stop)
        cls.pam_port = cls.gw.pam_port
        if cls.pam_port is None:
            raise AssertionError(f"the gateway did not say where its PAM listener is:\n{cls.gw.log()}")
        cls.files = temp_dir("sekisho-pam-remote-")
        cls.token = cls.host_add("db01")
        cls.token_file = cls.write_token("token", cls.token)
        cls.services = Services()

    @classmethod
    def host_add(cls, name):
        out = cls.cli(["host", "add", name])
        return re.search(r"^  (\S+)$", out, re.M).group(1)

    @classmethod
    def cli(cls, args, check=True):
        return sekisho(sekisho_binary(), cls.gw.config_path, args, check=check).stdout

    @classmethod
    def write_token(cls, name, token, mode=0o600):
        path = os.path.join(cls.files, name)
        with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode), "w") as f:
            f.write(token + "\n")
        os.chmod(path, mode)
        return path

    def service(self, name, url=None, ca=None, token_file=None):
        url = url or f"tls://localhost:{self.pam_port}"
        return self.services.write(name, f"auth required {pam_module()} url={url} ca={ca or self.env.cert} "
                                         f"token_file={token_file or self.token_file}\n"
                                         f"account required {pam_module()} url={url} ca={ca or self.env.cert} "
                                         f"token_file={token_file or self.token_file}\n")

    def user(self, name):
        return Codes(add_user_with_totp(sekisho_binary(), self.gw.config_path, name))

    def audit(self):
        out = self.cli(["audit", "export", "--format", "jsonl"])
        return [json.loads(line) for line in out.splitlines() if line.strip()]

    def test_login_through_the_gateway_records_the_registered_host(self):
        codes = self.user("dba")
        rc, out = pamtester(self.services, self.service("sshd"), "dba", [PASSWORD, codes.next()],
                            ("authenticate", "acct_mgmt"), {"rhost": "198.51.100.4", "tty": "ssh"})
        self.assertEqual(rc, 0, out)
        self.assertIn("account management done", out)
        record = [r for r in self.audit() if r["user"] == "dba" and r["event"] == "login.second_factor"][-1]
        details = json.loads(record["details"])
        self.assertEqual((record["result"], record["channel"], record["source"]), ("success", "ssh", "198.51.100.4"))
        self.assertEqual((details["host"], details["service"], details["tty"]), ("db01", "sshd", "ssh"))
        self.assertIn("db01", self.cli(["host", "list"]))

    def test_an_address_in_the_certificate_works_too(self):
        codes = self.user("dba2")
        rc, out = pamtester(self.services, self.service("ip", url=f"tls://127.0.0.1:{self.pam_port}"), "dba2",
                            [PASSWORD, codes.next()])
        self.assertEqual(rc, 0, out)

    def test_a_revoked_or_unknown_token_is_refused(self):
        token = self.host_add("old-server")
        path = self.write_token("old", token)
        self.cli(["host", "revoke", "old-server"])
        rc, out = pamtester(self.services, self.service("revoked", token_file=path), "nurse", [PASSWORD, "123456"])
        self.assertNotEqual(rc, 0, out)
        self.assertIn("authd refused the request: unknown_host", out)
        listed = [line for line in self.cli(["host", "list"]).splitlines() if line.startswith("old-server\t")]
        self.assertEqual(len(listed), 1)
        self.assertIn("REVOKED", listed[0])
        rc, out = pamtester(self.services, self.service("forged", token_file=self.write_token("forged", "x" * 43)),
                            "nurse", [PASSWORD, "123456"])
        self.assertIn("unknown_host", out)

    def test_a_token_file_that_is_loose_a_link_or_a_fifo_is_refused(self):
        loose = self.write_token("loose", self.token, 0o644)
        rc, out = pamtester(self.services, self.service("loose", token_file=loose), "nurse", [PASSWORD, "123456"])
        self.assertNotEqual(rc, 0, out)
        self.assertIn("must be owned by root and readable by no one else", out)
        link = os.path.join(self.files, "link")
        os.symlink(self.token_file, link)
        rc, out = pamtester(self.services, self.service("link", token_file=link), "nurse", [PASSWORD, "123456"])
        self.assertNotEqual(rc, 0, out)
        self.assertIn("token_file", out)
        fifo = os.path.join(self.files, "fifo")
        os.mkfifo(fifo, 0o600)
        rc, out = pamtester(self.services, self.service("fifo", token_file=fifo), "nurse", [PASSWORD, "123456"],
                            timeout=20)
        self.assertNotEqual(rc, 124, "a FIFO must not hang the login")
        self.assertIn("not a regular file", out)

    def test_a_gateway_not_signed_by_the_pinned_ca_or_not_there_is_refused(self):
        other_cert, _ = harness.make_certificate(os.path.join(self.files, "other.pem"),
                                                 os.path.join(self.files, "other.key"), ["localhost"])
        rc, out = pamtester(self.services, self.service("wrong-ca", ca=other_cert), "nurse", [PASSWORD, "123456"])
        self.assertNotEqual(rc, 0, out)
        self.assertIn("certificate not trusted", out)
        rc, out = pamtester(self.services, self.service("nothing", url=f"tls://localhost:{free_port()}"), "nurse",
                            [PASSWORD, "123456"])
        self.assertNotEqual(rc, 0, out)
        self.assertIn("cannot connect", out)

    def web_login(self, user, code):
        """The portal's two forms, as a browser posts them; True when a session cookie came back."""
        b = Browser(self.gw, f"ehr.test:{self.gw.port}")
        page = b.get("/.sekisho/login").text
        r = b.post("/.sekisho/login", {"username": user, "password": PASSWORD, "csrf": hidden(page, "csrf"),
                                       "rd": "/"})
        r = b.post("/.sekisho/login/code", {"code": code, "csrf": hidden(r.text, "csrf"), "rd": "/"})
        return r.status == 303 and bool(b.jar.get("__Host-sekisho"))

    def test_a_code_used_on_the_web_is_refused_over_ssh_and_the_other_way_round(self):
        web_first = self.user("web-first")
        code = web_first.next()
        self.assertTrue(self.web_login("web-first", code))
        rc, out = pamtester(self.services, self.service("sshd"), "web-first", [PASSWORD, code])
        self.assertNotEqual(rc, 0, out)
        ssh_first = self.user("ssh-first")
        code = ssh_first.next()
        self.assertEqual(pamtester(self.services, self.service("sshd"), "ssh-first", [PASSWORD, code])[0], 0)
        self.assertFalse(self.web_login("ssh-first", code))
        reasons = [json.loads(r["details"]).get("reason") for r in self.audit()
                   if r["user"] in ("web-first", "ssh-first") and r["event"] == "login.second_factor"]
        self.assertEqual(sorted(reasons), ["code_ok", "code_ok", "replayed_code", "replayed_code"])

    def raw(self, message):
        """One frame to the PAM listener as any TLS client could send it; returns the reply."""
        ctx = ssl.create_default_context(cafile=self.env.cert)
        with socket.create_connection(("127.0.0.1", self.pam_port), 10) as s, \
                ctx.wrap_socket(s, server_hostname="localhost") as t:
            body = message if isinstance(message, bytes) else json.dumps(message).encode()
            t.sendall(struct.pack(">I", len(body)) + body)
            n = struct.unpack(">I", t.recv(4))[0]
            data = b""
            while len(data) < n:
                data += t.recv(n - len(data))
            return json.loads(data)

    def test_the_listener_relays_only_what_a_pam_module_asks(self):
        self.assertEqual(self.raw({"op": "ping", "host_token": self.token})["ok"], True)
        self.assertEqual(self.raw({"op": "session.check", "session": "x" * 43, "host_token": self.token}),
                         {"ok": False, "error": "forbidden"})
        self.assertEqual(self.raw({"op": "pam.remote", "host_token": self.token, "token": self.token,
                                   "request": {"op": "ping"}}), {"ok": False, "error": "forbidden"})
        self.assertEqual(self.raw({"op": "ping"}), {"ok": False, "error": "unknown_host"})
        self.assertEqual(self.raw(b"{not json"), {"ok": False, "error": "malformed"})


if __name__ == "__main__":
    main()
