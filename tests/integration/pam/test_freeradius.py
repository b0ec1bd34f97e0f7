"""A switch logging in through FreeRADIUS: PAP Access-Requests with "password followed by the code" go through
the SHIPPED config (config/freeradius/*, config/pam.d/sekisho-radius, installed as config/freeradius/README.md
says, only addresses, ports, paths and the secret rewritten) to pam_sekisho.so mode=combined and the real authd.

FreeRADIUS loads rlm_pam with RTLD_DEEPBIND, so rlm_pam calls the real libpam's pam_start and pam_wrapper never
sees it. Instead FreeRADIUS runs in a mount namespace of its own (unshare, needs root) where the private service
directory is bind-mounted on /etc/pam.d: the host's /etc/pam.d is never touched. pamtester still uses pam_wrapper.
"""

import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import unittest

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pam_harness import (PASSWORD, Authd, Codes, Process, Services, find_tool, main, pam_module,  # noqa: E402
                         pamtester, temp_dir, totp, wait_until)

CONFIG = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "config"))
SYSTEM_RADDB = "/etc/freeradius/3.0"
SHIPPED_SECRET = '"REPLACE-with-openssl-rand-base64-24-output"'


def free_udp_port():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def edited(text, *changes):
    """`text` with each (pattern, replacement) applied; a pattern that matches nothing fails, so a change in the
    shipped or system file cannot silently leave the test checking something else."""
    for pattern, replacement in changes:
        text, n = re.subn(pattern, replacement, text, count=1, flags=re.M)
        if n != 1:
            raise AssertionError(f"expected {pattern!r} in the file being installed")
    return text


def install(src, dst, *changes):
    with open(src, encoding="utf-8") as f:
        text = f.read()
    with open(dst, "w", encoding="utf-8") as f:
        f.write(edited(text, *changes))


class FreeRadius:
    """A copy of the system's /etc/freeradius/3.0 with the shipped Sekisho files installed, run in the foreground
    (-X: debug output, one thread; bench/radius/run.sh passes "-f" for the thread pool)."""

    def __init__(self, services, authd, options="-X"):
        if os.geteuid() != 0:
            raise AssertionError("the FreeRADIUS test needs root (unshare --mount, /etc/freeradius readable)")
        self.dir = temp_dir("sekisho-radius-it-")
        self.port = free_udp_port()
        # Hex, never a leading '-': radclient would read such a secret as an option, print its usage and send
        # nothing (1 run in 64 failed that way with token_urlsafe).
        self.secret = secrets.token_hex(24)
        raddb = os.path.join(self.dir, "raddb")
        shutil.copytree(SYSTEM_RADDB, raddb, symlinks=True)
        for d in ("log", "run"):
            os.mkdir(os.path.join(self.dir, d))
        conf = os.path.join(raddb, "radiusd.conf")
        install(conf, conf, (r"^raddbdir = .*", f"raddbdir = {raddb}"), (r"^logdir = .*", f"logdir = {self.dir}/log"),
                (r"^run_dir = .*", f"run_dir = {self.dir}/run"), (r"^(\s*)(user = freerad)", r"\1#\2"),
                (r"^(\s*)(group = freerad)", r"\1#\2"), (r"^proxy_requests\s*=.*", "proxy_requests = no"),
                (r"^\$INCLUDE proxy.conf", "#$INCLUDE proxy.conf"), (r"^(\s*)reject_delay = 1", r"\1reject_delay = 0"))
        # The install steps of config/freeradius/README.md.
        for link in ("sites-enabled/default", "sites-enabled/inner-tunnel", "mods-enabled/eap"):
            os.remove(os.path.join(raddb, link))
        install(f"{CONFIG}/freeradius/sites-available/sekisho", f"{raddb}/sites-available/sekisho",
                (r"ipaddr = \*", "ipaddr = 127.0.0.1"), (r"port = 1812", f"port = {self.port}"))
        install(f"{CONFIG}/freeradius/mods-available/sekisho_pam", f"{raddb}/mods-available/sekisho_pam")
        install(f"{CONFIG}/freeradius/clients.conf", f"{raddb}/clients.conf",
                (r"ipaddr = 192\.0\.2\.11", "ipaddr = 127.0.0.1"), (re.escape(SHIPPED_SECRET), f'"{self.secret}"'))
        os.symlink("../sites-available/sekisho", f"{raddb}/sites-enabled/sekisho")
        os.symlink("../mods-available/sekisho_pam", f"{raddb}/mods-enabled/sekisho_pam")
        install(f"{CONFIG}/pam.d/sekisho-radius", os.path.join(services.dir, "sekisho-radius"),
                (r"pam_sekisho\.so mode=combined socket=\S+", f"{pam_module()} mode=combined socket={authd.socket}"),
                (r"pam_sekisho\.so socket=\S+", f"{pam_module()} socket={authd.socket}"))
        freeradius = find_tool("freeradius")
        check = subprocess.run([freeradius, "-XC", "-d", raddb], capture_output=True, text=True, timeout=60)
        if "Configuration appears to be OK" not in check.stdout:
            raise AssertionError(f"freeradius -XC refused the shipped config:\n{check.stdout[-3000:]}{check.stderr}")
        script = f'mount --bind "$1" /etc/pam.d && exec "$2" {options} -l stdout -d "$3"'
        self.process = Process([find_tool("unshare"), "--mount", "--propagation", "private", "sh", "-c", script, "sh",
                                services.dir, freeradius, raddb], os.path.join(self.dir, "radiusd.log"))
        wait_until(lambda: "Ready to process requests" in self.process.log() or not self.process.running(), 30,
                   what="FreeRADIUS to start")
        if not self.process.running():
            raise AssertionError(f"FreeRADIUS exited:\n{self.process.log()[-3000:]}")
        self.radclient = find_tool("radclient")

    def ask(self, attributes, timeout=10):
        """Sends one Access-Request with radclient; returns the reply's type ("Access-Accept", ...) or None.
        The default timeout is for a reply that is expected (a slow machine can take seconds to answer); a
        test that expects none passes a short one."""
        def quoted(v):
            return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
        text = "".join(f"{k} = {v if k == 'Message-Authenticator' else quoted(v)}\n" for k, v in attributes)
        r = subprocess.run([self.radclient, "-x", "-t", str(timeout), "-r", "1", f"127.0.0.1:{self.port}", "auth",
                            self.secret], input=text.encode(), capture_output=True, timeout=timeout + 20)
        found = re.search(rb"Received (Access-\w+)", r.stdout)
        if not found:  # expected in a few tests; when it is not, this says why radclient heard nothing
            sys.stderr.write(f"radclient: no reply (exit {r.returncode}): {r.stdout[-600:]!r} {r.stderr[-600:]!r}\n"
                             f"radiusd running: {self.process.running()}; its log ends: {self.process.log()[-1500:]}\n")
        return found.group(1).decode() if found else None

    def login(self, user, password, message_authenticator=True, **kw):
        attributes = [("User-Name", user), ("User-Password", password)]
        return self.ask(attributes + ([("Message-Authenticator", "0x00")] if message_authenticator else []), **kw)


class FreeRadiusThroughPam(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.authd = Authd()
        cls.services = Services()
        cls.radius = FreeRadius(cls.services, cls.authd)
        cls.services.sekisho("sshd", cls.authd, "mode=prompt")
        cls.users = 0

    @classmethod
    def tearDownClass(cls):
        cls.radius.process.stop()
        cls.authd.stop()

    def user(self, password=PASSWORD):
        type(self).users += 1
        name = f"netadmin{self.users}"
        return name, Codes(self.authd.add_user(name, password=password))

    def test_password_followed_by_code_is_accepted(self):
        name, codes = self.user()
        self.assertEqual(self.radius.login(name, PASSWORD + codes.next()), "Access-Accept")

    def test_wrong_code_is_rejected(self):
        name, codes = self.user()
        old_code = totp(codes.key, time.time() - 3600)
        self.assertEqual(self.radius.login(name, PASSWORD + old_code), "Access-Reject")
        self.assertEqual(self.radius.login(name, "Wrong-Pass#99" + codes.next()), "Access-Reject")

    def test_password_alone_or_code_alone_is_rejected(self):
        name, codes = self.user()
        self.assertEqual(self.radius.login(name, PASSWORD), "Access-Reject")
        self.assertEqual(self.radius.login(name, codes.next()), "Access-Reject")

    def test_replayed_code_is_rejected(self):
        name, codes = self.user()
        code = codes.next()
        self.assertEqual(self.radius.login(name, PASSWORD + code), "Access-Accept")
        self.assertEqual(self.radius.login(name, PASSWORD + code), "Access-Reject")

    def test_request_without_message_authenticator_gets_no_reply(self):
        name, codes = self.user()
        code = codes.next()
        self.assertIsNone(self.radius.login(name, PASSWORD + code, message_authenticator=False, timeout=2))
        self.assertIn("does not contain required Message-Authenticator", self.radius.process.log())
        # It never reached authd: the code is still unused.
        self.assertEqual(self.radius.login(name, PASSWORD + code), "Access-Accept")

    def test_chap_is_rejected_without_asking_authd(self):
        name, codes = self.user()
        code = codes.next()
        reply = self.radius.ask([("User-Name", name), ("CHAP-Password", PASSWORD + code),
                                 ("Message-Authenticator", "0x00")])
        self.assertEqual(reply, "Access-Reject")
        self.assertEqual(self.radius.login(name, PASSWORD + code), "Access-Accept")

    def test_password_ending_in_digits_and_japanese_password(self):
        for password in ("Tsuru&Kame-123456", "関所の門番-Seki#2026"):
            with self.subTest(password=password):
                name, codes = self.user(password)
                code = codes.next()
                self.assertEqual(self.radius.login(name, password[:-1] + code), "Access-Reject")
                self.assertEqual(self.radius.login(name, password + code), "Access-Accept")

    def test_code_used_over_ssh_is_refused_over_radius(self):
        name, codes = self.user()
        code = codes.next()
        rc, out = pamtester(self.services, "sshd", name, [PASSWORD, code])
        self.assertEqual(rc, 0, out)
        self.assertEqual(self.radius.login(name, PASSWORD + code), "Access-Reject")

    def test_code_used_over_radius_is_refused_over_ssh(self):
        name, codes = self.user()
        code = codes.next()
        self.assertEqual(self.radius.login(name, PASSWORD + code), "Access-Accept")
        rc, out = pamtester(self.services, "sshd", name, [PASSWORD, code])
        self.assertNotEqual(rc, 0, out)

    def test_audit_names_the_radius_channel_and_service(self):
        name, codes = self.user()
        self.assertEqual(self.radius.login(name, PASSWORD + codes.next()), "Access-Accept")
        self.assertEqual(self.radius.login(name, PASSWORD + totp(codes.key, time.time() - 3600)), "Access-Reject")
        records = [r for r in self.authd.audit() if r["user"] == name and r["event"].startswith("login.")]
        for r in records:
            details = json.loads(r["details"])
            self.assertEqual((r["channel"], details.get("service")), ("radius", "sekisho-radius"), r)
            self.assertEqual(details.get("host"), socket.gethostname(), r)
        codes_checked = [(r["result"], json.loads(r["details"])["reason"]) for r in records
                         if r["event"] == "login.second_factor"]
        self.assertEqual(codes_checked, [("success", "code_ok"), ("failure", "wrong_code")], records)


if __name__ == "__main__":
    main()
