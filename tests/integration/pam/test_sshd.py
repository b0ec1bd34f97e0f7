"""SSH logins through the real OpenSSH server with the SHIPPED configuration: sshd_config `Include`s
config/sshd/sekisho.conf, and sshd's PAM service file (read through pam_wrapper) is config/pam.d/sshd-sekisho
with only the module and socket paths replaced. The client is the real `ssh` answering keyboard-interactive
prompts through SSH_ASKPASS (a script that matches the prompt text and logs every prompt it is shown).

Needs root (sshd, a local login user per test made with useradd and removed with userdel), openssh-server,
openssh-client and libpam-wrapper. A missing tool is a failure, never a skip."""

import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import unittest

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pam_harness import (PASSWORD, Authd, Codes, Process, Services, at_cleanup,  # noqa: E402
                         check_port_taken, find_tool, free_port, main, pam_module, retry_while_port_taken,
                         temp_dir, totp, wait_for_port, wait_until)

CONFIG = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "config")
SHIPPED_SSHD = os.path.realpath(os.path.join(CONFIG, "sshd", "sekisho.conf"))
SHIPPED_PAM = os.path.realpath(os.path.join(CONFIG, "pam.d", "sshd-sekisho"))
SHIPPED_SOCKET = "/run/sekisho/authd.sock"
CODE_PROMPT = "認証アプリの確認コード（または回復コード） / Code from your authenticator app (or a recovery code): "
PASSWORD_PROMPT = "パスワード / Password: "
ASKPASS = """#!/bin/sh
# Called by ssh once per prompt, with the prompt in $1: log it, answer from the files the test wrote.
printf '%s\\n' "$1" >> "$ASK_DIR/prompts"
case "$1" in
  *"Code from your authenticator app"*) cat "$ASK_DIR/code" ;;
  *"Password: "|*"'s password: ") cat "$ASK_DIR/password" ;;
  *) exit 1 ;;
esac
"""


def run(argv, **kw):
    return subprocess.run(argv, capture_output=True, text=True, timeout=60, **kw)


def pam_service_text(authd):
    """The shipped PAM lines with only the module and socket paths replaced, plus the session line that the rest
    of Debian's /etc/pam.d/sshd would give (pam_wrapper has no @include of the system's common-* files)."""
    with open(SHIPPED_PAM) as f:
        lines = [ln.strip() for ln in f if ln.strip() and not ln.lstrip().startswith("#")]
    assert [ln.split()[0] for ln in lines] == ["auth", "account"], lines
    assert all("pam_sekisho.so" in ln and SHIPPED_SOCKET in ln for ln in lines), lines
    text = "\n".join(ln.replace("pam_sekisho.so", pam_module()).replace(SHIPPED_SOCKET, authd.socket)
                     for ln in lines)
    return text + "\nsession required pam_permit.so\n"


class Sshd:
    """The real sshd on a free loopback port; `first` lines come before the shipped drop-in (sshd keeps the
    first value of each keyword, as with Debian's sshd_config.d), `last` lines after it."""

    def __init__(self, world, name, first=(), last=()):
        self.binary = world.sshd_binary
        self.config = os.path.join(world.dir, f"{name}_config")
        # Another test may take the free port before sshd binds it.
        retry_while_port_taken(lambda: self._start(world, name, first, last))

    def _start(self, world, name, first, last):
        self.port = free_port()
        lines = [f"Port {self.port}", "ListenAddress 127.0.0.1", f"HostKey {world.host_key}",
                 f"PidFile {world.dir}/{name}.pid", "PermitRootLogin prohibit-password", "UseDNS no",
                 "LogLevel VERBOSE", "PrintMotd no", "MaxAuthTries 6", "LoginGraceTime 30",
                 *first, f"Include {SHIPPED_SSHD}", *last]
        with open(self.config, "w") as f:
            f.write("\n".join(lines) + "\n")
        r = run([world.sshd_binary, "-t", "-f", self.config])
        assert r.returncode == 0, f"sshd -t: {r.stderr}"
        self.process = Process([world.sshd_binary, "-D", "-e", "-f", self.config],
                               os.path.join(world.dir, f"{name}.log"), env=world.services.env())
        world.closers.append(self.process.stop)
        # It says so once it has bound the port (a connection could reach whoever took the port instead).
        wait_until(lambda: "Server listening on" in self.process.log(own=True) or not self.process.running(),
                   15, what="sshd to listen")
        if not self.process.running():
            check_port_taken("sshd", self.process.log(own=True))
            raise AssertionError(f"sshd exited at start:\n{self.process.log(own=True)}")
        wait_for_port(self.port, self.process)

    def effective(self, keyword):
        """sshd -T: the value sshd really uses (proves the shipped drop-in was read)."""
        r = run([self.binary, "-T", "-f", self.config, "-C", "user=nobody,host=localhost,addr=127.0.0.1"])
        return [ln.split(None, 1)[1] for ln in r.stdout.splitlines() if ln.split()[0] == keyword.lower()]


class World:
    """authd, the PAM service `sshd` from the shipped file, a host key, the askpass script, local users."""

    def __init__(self):
        self.sshd_binary = find_tool("sshd")
        self.ssh_binary = find_tool("ssh")
        for tool in ("ssh-keygen", "useradd", "userdel"):
            find_tool(tool)
        os.makedirs("/run/sshd", mode=0o755, exist_ok=True)  # privilege separation dir (not persisted)
        self.authd = Authd()
        self.closers = [self.authd.stop]
        self.dir = temp_dir("sekisho-sshd-it-")
        self.services = Services()
        self.services.write("sshd", pam_service_text(self.authd))  # sshd's PAM service is argv[0]'s basename
        self.host_key = self.keygen("host_key")
        self.askpass = os.path.join(self.dir, "askpass.sh")
        with open(self.askpass, "w") as f:
            f.write(ASKPASS)
        os.chmod(self.askpass, 0o700)
        self.tag = secrets.token_hex(3)
        self.count = 0

    def close(self):
        """Stops sshd and authd and deletes the local users (each also runs at exit if the class never ends)."""
        for close in reversed(self.closers):
            close()

    @staticmethod
    def userdel(name):
        r = run(["userdel", name])
        if r.returncode != 0:
            raise AssertionError(f"userdel {name}: {r.stderr}")

    def keygen(self, name):
        path = os.path.join(self.dir, name)
        r = run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", path])
        assert r.returncode == 0, r.stderr
        return path

    def local_user(self, sekisho=True):
        """A new local account (home in the temp dir) and, unless told otherwise, the same name in Sekisho with
        PASSWORD and an authenticator app. Returns (name, Codes or None)."""
        self.count += 1
        name = f"sekisho-it-{self.tag}-{self.count}"
        home = os.path.join(self.dir, "home", name)
        r = run(["useradd", "-M", "-d", home, "-s", "/bin/sh", "-c", "Sekisho sshd test", name])
        assert r.returncode == 0, f"useradd: {r.stderr}"
        self.closers.append(at_cleanup(lambda: self.userdel(name)))
        os.makedirs(os.path.join(home, ".ssh"), mode=0o700)
        run(["chown", "-R", f"{name}:", home])
        return name, (self.sekisho_user(name) if sekisho else None)

    def sekisho_user(self, name):
        """Adds `name` to Sekisho; returns its Codes."""
        return Codes(self.authd.add_user(name))

    def authorize_key(self, user):
        """A new key pair whose public half is in the user's authorized_keys; returns the private key's path."""
        key = self.keygen(f"{user}_key")
        keys = os.path.join(self.dir, "home", user, ".ssh", "authorized_keys")
        with open(key + ".pub") as src, open(keys, "w") as dst:
            dst.write(src.read())
        run(["chown", f"{user}:", keys])
        os.chmod(keys, 0o600)
        return key

    def ssh_audit(self, user):
        """authd's audit records of `user` on the ssh channel, with `details` parsed."""
        mine = [r for r in self.authd.audit() if r.get("user") == user and r.get("channel") == "ssh"]
        for r in mine:
            r["details"] = json.loads(r["details"]) if isinstance(r.get("details"), str) else r.get("details")
        return mine

    def ssh(self, sshd, user, password, code, methods="keyboard-interactive", key=None):
        """The real ssh client running `echo LOGGED_IN`; returns (exit code, stdout, stderr, prompts shown)."""
        ask = temp_dir("sekisho-askpass-")
        os.chmod(ask, 0o700)
        for name, value in (("password", password), ("code", code)):
            with open(os.open(os.path.join(ask, name), os.O_WRONLY | os.O_CREAT, 0o600), "w") as f:
                f.write(value + "\n")
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SSH_", "DISPLAY"))}
        env.update({"SSH_ASKPASS": self.askpass, "SSH_ASKPASS_REQUIRE": "force", "ASK_DIR": ask})
        argv = [self.ssh_binary, "-F", "/dev/null", "-p", str(sshd.port), "-o", "StrictHostKeyChecking=no",
                "-o", "UserKnownHostsFile=/dev/null", "-o", "GlobalKnownHostsFile=/dev/null",
                "-o", f"PreferredAuthentications={methods}", "-o", "NumberOfPasswordPrompts=1",
                "-o", "LogLevel=ERROR", "-o", "ConnectTimeout=10"]
        argv += ["-o", "PubkeyAuthentication=yes", "-o", "IdentitiesOnly=yes", "-i", key] if key else \
            ["-o", "PubkeyAuthentication=no"]
        r = run(argv + [f"{user}@127.0.0.1", "echo LOGGED_IN"], env=env, stdin=subprocess.DEVNULL,
                start_new_session=True)
        prompts = []
        if os.path.exists(os.path.join(ask, "prompts")):
            with open(os.path.join(ask, "prompts")) as f:
                prompts = f.read().splitlines()
        return r.returncode, r.stdout, r.stderr, [re.sub(r"^\([^)]*@127\.0\.0\.1\) ", "", p) for p in prompts]


class KeyboardInteractive(unittest.TestCase):
    """The shipped settings as they are: password and code as two keyboard-interactive prompts."""

    @classmethod
    def setUpClass(cls):
        cls.world = World()
        cls.addClassCleanup(cls.world.close)
        cls.sshd = Sshd(cls.world, "sshd")

    def assertLoggedIn(self, result):
        rc, out, err, prompts = result
        self.assertEqual((rc, out.strip()), (0, "LOGGED_IN"), f"{err}\nsshd log:\n{self.sshd.process.log()}")
        self.assertEqual(prompts, [PASSWORD_PROMPT, CODE_PROMPT])

    def assertDenied(self, result):
        rc, out, err, prompts = result
        self.assertEqual((rc, out), (255, ""), err)
        self.assertIn("Permission denied", err)
        self.assertEqual(prompts, [PASSWORD_PROMPT, CODE_PROMPT])  # the same two prompts, whoever asks

    def test_shipped_drop_in_is_what_sshd_uses(self):
        for keyword, value in (("usepam", "yes"), ("kbdinteractiveauthentication", "yes"),
                               ("passwordauthentication", "no"),
                               ("authenticationmethods", "publickey,keyboard-interactive keyboard-interactive")):
            self.assertEqual(self.sshd.effective(keyword), [value], keyword)

    def test_password_and_fresh_code_log_in_and_are_audited_as_ssh(self):
        user, codes = self.world.local_user()
        self.assertLoggedIn(self.world.ssh(self.sshd, user, PASSWORD, codes.next()))
        records = self.world.ssh_audit(user)
        self.assertEqual([(r["event"], r["result"]) for r in records],
                         [("login.password", "success"), ("login.second_factor", "success")], records)
        for r in records:
            self.assertEqual(r["source"], "127.0.0.1", r)
            self.assertEqual((r["details"]["service"], r["details"]["tty"]), ("sshd", "ssh"), r)
            self.assertEqual(r["details"]["host"], socket.gethostname(), r)

    def test_wrong_code_is_denied_and_runs_nothing(self):
        user, codes = self.world.local_user()
        right = codes.next()
        self.assertDenied(self.world.ssh(self.sshd, user, PASSWORD, "%06d" % ((int(right) + 1) % 1000000)))
        self.assertIn(f"refused user={user} service=sshd rhost=127.0.0.1 tty=ssh", self.sshd.process.log())

    def test_wrong_password_with_right_code_is_denied(self):
        user, codes = self.world.local_user()
        self.assertDenied(self.world.ssh(self.sshd, user, PASSWORD + "x", codes.next()))

    def test_replayed_code_is_denied(self):
        user, codes = self.world.local_user()
        code = codes.next()
        self.assertLoggedIn(self.world.ssh(self.sshd, user, PASSWORD, code))
        self.assertDenied(self.world.ssh(self.sshd, user, PASSWORD, code))

    def test_unknown_users_see_the_same_prompts_and_are_denied(self):
        local_only, _ = self.world.local_user(sekisho=False)  # a local account, not a Sekisho user
        nolocal = f"sekisho-it-{self.world.tag}-nolocal"  # a Sekisho user without a local account
        code = self.world.sekisho_user(nolocal).next()
        for user in (local_only, f"sekisho-it-{self.world.tag}-nowhere", nolocal):
            with self.subTest(user=user):
                self.assertDenied(self.world.ssh(self.sshd, user, PASSWORD, code))

    def test_a_key_alone_is_not_enough_and_a_key_then_password_and_code_is(self):
        user, codes = self.world.local_user()
        key = self.world.authorize_key(user)
        rc, out, err, prompts = self.world.ssh(self.sshd, user, PASSWORD, codes.next(), methods="publickey", key=key)
        self.assertEqual((rc, out, prompts), (255, "", []), err)
        self.assertIn(f"Partial publickey for {user}", self.sshd.process.log())
        self.assertLoggedIn(self.world.ssh(self.sshd, user, PASSWORD, codes.next(),
                                           methods="publickey,keyboard-interactive", key=key))

    def test_root_is_refused_under_prohibit_password_even_with_password_and_code(self):
        codes = self.world.sekisho_user("root")
        self.assertDenied(self.world.ssh(self.sshd, "root", PASSWORD, codes.next()))
        # sshd replaced root's answers with junk of the same length: authd saw a wrong password, not ours.
        self.assertEqual([(r["event"], r["result"], r["details"]["reason"]) for r in self.world.ssh_audit("root")],
                         [("login.password", "failure", "wrong_password")])


class PasswordAuthentication(unittest.TestCase):
    """`PasswordAuthentication yes` ahead of the drop-in: sshd answers both prompts with the one password."""

    @classmethod
    def setUpClass(cls):
        cls.world = World()
        cls.addClassCleanup(cls.world.close)
        # The shipped AuthenticationMethods would not even offer "password": undone here, to show the module's
        # own defence for a server configured without it.
        cls.sshd = Sshd(cls.world, "sshd_password", first=["PasswordAuthentication yes", "AuthenticationMethods any"])

    def test_password_method_feeds_the_password_as_the_code_and_is_refused(self):
        self.assertEqual(self.sshd.effective("passwordauthentication"), ["yes"])
        user, _ = self.world.local_user()
        rc, out, err, prompts = self.world.ssh(self.sshd, user, PASSWORD, "unused", methods="password")
        self.assertEqual((rc, out), (255, ""), err)
        self.assertIn("Permission denied", err)
        self.assertEqual(prompts, [f"{user}@127.0.0.1's password: "])
        self.assertIn(f"refused user={user} service=sshd rhost=127.0.0.1 tty=ssh: the code was the password again",
                      self.sshd.process.log())
        # authd checked the password and refused a code that cannot be one: the same work, time and count as
        # any wrong code, so this path tells nothing about which users exist.
        self.assertEqual([(r["event"], r["result"], r["details"]["reason"]) for r in self.world.ssh_audit(user)],
                         [("login.password", "success", "password_ok"), ("login.second_factor", "failure", "wrong_code")])


class KeyThenKeyboardInteractive(unittest.TestCase):
    """The drop-in's commented `AuthenticationMethods publickey,keyboard-interactive`, uncommented."""

    @classmethod
    def setUpClass(cls):
        cls.world = World()
        cls.addClassCleanup(cls.world.close)
        with open(SHIPPED_SSHD) as f:
            variant = [ln[1:].strip() for ln in f if ln.startswith("#AuthenticationMethods publickey,")]
        assert variant == ["AuthenticationMethods publickey,keyboard-interactive"], variant
        # Ahead of the drop-in (sshd keeps the first value), as an admin's own line in sshd_config.d would be.
        cls.sshd = Sshd(cls.world, "sshd_key", first=variant + ["PubkeyAuthentication yes",
                                                                 "AuthorizedKeysFile .ssh/authorized_keys"])
        cls.user, cls.codes = cls.world.local_user()
        cls.key = cls.world.authorize_key(cls.user)

    def test_keyboard_interactive_alone_is_not_enough(self):
        unspent = totp(self.codes.key, (self.codes.last_step + 1) * 30)  # right, but never asked for: not spent
        rc, out, err, prompts = self.world.ssh(self.sshd, self.user, PASSWORD, unspent)
        self.assertEqual((rc, out), (255, ""), err)
        self.assertIn("Permission denied (publickey)", err)
        self.assertEqual(prompts, [])  # sshd never offered keyboard-interactive before the key

    def test_password_method_is_not_offered(self):
        rc, out, err, prompts = self.world.ssh(self.sshd, self.user, PASSWORD, "x", methods="password")
        self.assertEqual((rc, out, prompts), (255, "", []), err)

    def test_key_then_password_and_code_log_in(self):
        rc, out, err, prompts = self.world.ssh(self.sshd, self.user, PASSWORD, self.codes.next(),
                                               methods="publickey,keyboard-interactive", key=self.key)
        self.assertEqual((rc, out.strip()), (0, "LOGGED_IN"), f"{err}\n{self.sshd.process.log()}")
        self.assertEqual(prompts, [PASSWORD_PROMPT, CODE_PROMPT])
        self.assertIn(f"Partial publickey for {self.user}", self.sshd.process.log())

    def test_key_then_wrong_code_is_denied(self):
        rc, out, err, prompts = self.world.ssh(self.sshd, self.user, PASSWORD, "000000",
                                               methods="publickey,keyboard-interactive", key=self.key)
        self.assertEqual((rc, out, prompts), (255, "", [PASSWORD_PROMPT, CODE_PROMPT]), err)


if __name__ == "__main__":
    main()
