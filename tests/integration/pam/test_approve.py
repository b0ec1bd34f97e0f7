"""SSH approval by security key end to end: pam_sekisho mode=approve in the real pamtester (through pam_wrapper)
asks for the password, shows the approval URL and code, and waits; meanwhile the admin, in real headless
Chromium with a virtual authenticator, logs in to the gateway, types the code on /.sekisho/approve, sees which
host, service and address ask, and approves with her security key; Enter at the terminal then logs in. The
next login she denies fails, Enter without any approval fails, and pam.approve_groups refuses her a password
and code. The gateway, authd and the demo EHR are the real ones (the browser tests' site)."""

import json
import os
import re
import select
import socket
import subprocess
import sys
import time
import types
import unittest

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(1, os.path.join(HERE, "..", "browser"))
from pam_harness import PASSWORD, Services, enroll_totp, find_tool, main, sekisho, sekisho_binary, temp_dir  # noqa: E402
import harness  # noqa: E402  (the gateway tests' harness, which the browser site uses)
from test_browser_login import screenshots_dir, start_site  # noqa: E402

APPROVE_PROMPT = re.compile(r"(https://\S+/\.sekisho/approve) で (\d{4}-\d{4}) を承認してから Enter を押してください")


class Terminal:
    """pamtester waiting at the approval prompt: the password is typed, the prompt read, Enter pressed later."""

    def __init__(self, services, service, user, password=PASSWORD):
        self.p = subprocess.Popen(["timeout", "120", find_tool("pamtester"), "-v", "-I", "rhost=192.0.2.77",
                                   "-I", "tty=pts/4", service, user, "authenticate"],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                  env=services.env())
        self.p.stdin.write((password + "\n").encode())
        self.p.stdin.flush()
        self.output = b""

    def prompt(self, timeout=30):
        """(url, code) from the approval prompt."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            m = APPROVE_PROMPT.search(self.output.decode("utf-8", "replace"))
            if m:
                return m.group(1), m.group(2)
            ready, _, _ = select.select([self.p.stdout], [], [], 0.2)
            if ready:
                chunk = os.read(self.p.stdout.fileno(), 4096)
                if not chunk:
                    break
                self.output += chunk
        raise AssertionError(f"no approval prompt: {self.output.decode('utf-8', 'replace')}")

    def enter(self):
        """Presses Enter; returns (exit code, all output)."""
        try:
            self.p.stdin.write(b"\n")
            self.p.stdin.flush()
        except BrokenPipeError:  # it already gave up (no approval prompt at all)
            pass
        rest, _ = self.p.communicate(timeout=60)
        return self.p.returncode, (self.output + rest).decode("utf-8", "replace")


def hand_over(path, text):
    """Writes a file the browser script polls for all at once (a temporary file renamed into place): it never
    finds it there but still empty."""
    temporary = os.path.join(os.path.dirname(path), "." + os.path.basename(path) + ".tmp")
    with open(temporary, "w") as f:
        f.write(text)
    os.replace(temporary, path)


def wait_for(path, browser, timeout=90):
    deadline = time.monotonic() + timeout
    while not os.path.exists(path):
        if browser.poll() is not None or time.monotonic() > deadline:
            raise AssertionError(f"the browser stopped before {os.path.basename(path)}: {browser.communicate()[0]}")
        time.sleep(0.1)


class SshApproval(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        harness.SEKISHO = sekisho_binary()
        start_site(cls, extra_config='\n[pam]\napprove_groups = ["admins"]\n')
        config = cls.gw.config_path
        sekisho(sekisho_binary(), config, ["user", "add", "boss", "--group", "admins"])
        sekisho(sekisho_binary(), config, ["user", "passwd", "boss"], stdin=PASSWORD + "\n")
        cls.boss_key = enroll_totp(sekisho_binary(), config, "boss")
        cls.services = Services()
        authd = types.SimpleNamespace(socket=os.path.join(cls.gw.state_dir, "authd.sock"))
        cls.approve = cls.services.sekisho("sshd-approve", authd, "mode=approve")
        cls.prompt = cls.services.sekisho("sshd", authd)

    def audit(self):
        out = sekisho(sekisho_binary(), self.gw.config_path, ["audit", "export", "--format", "jsonl"]).stdout
        return [json.loads(line) for line in out.splitlines() if line.strip()]

    def test_approve_with_the_key_then_deny_and_no_approval(self):
        sync = temp_dir("sekisho-approve-sync-")
        base = f"https://ehr.test:{self.gw.port}"
        job = {"host": "ehr.test", "base": base, "user": "boss", "password": PASSWORD, "totp_key": self.boss_key,
               "screenshots": screenshots_dir("ssh_approval"), "sync": sync}
        browser = subprocess.Popen(["node", os.path.join(HERE, "..", "browser", "approve.js"), json.dumps(job)],
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            wait_for(os.path.join(sync, "ready"), browser)

            terminal = Terminal(self.services, self.approve, "boss")
            url, code = terminal.prompt()
            self.assertEqual(url, f"{base}/.sekisho/approve")  # pam.approve_url's default: the WebAuthn origin
            hand_over(os.path.join(sync, "code1"), code)
            wait_for(os.path.join(sync, "approved1"), browser)
            rc, out = terminal.enter()
            self.assertEqual(rc, 0, out)
            self.assertIn("successfully authenticated", out)

            terminal = Terminal(self.services, self.approve, "boss")
            _, code2 = terminal.prompt()
            self.assertNotEqual(code2, code)
            hand_over(os.path.join(sync, "code2"), code2)
            wait_for(os.path.join(sync, "denied2"), browser)
            rc, out = terminal.enter()
            self.assertNotEqual(rc, 0, out)
            self.assertIn("denied_by_user", self.audit_reasons())

            result = json.loads([ln for ln in browser.communicate(timeout=60)[0].splitlines() if ln.startswith("{")][-1])
        finally:
            if browser.poll() is None:
                browser.kill()
        self.assertTrue(result["ok"], result)
        self.assertIn("/.sekisho/login?rd=/.sekisho/approve", result["login_url"])
        self.assertEqual(result["after_login_url"], f"{base}/.sekisho/approve")
        for shown in (code, socket.gethostname(), "sshd-approve", "192.0.2.77", "pts/4"):
            self.assertIn(shown, result["details_text"])
        self.assertTrue(result["key_button"])
        self.assertIn("承認しました。端末に戻って Enter を押してください", result["approved_text"])
        self.assertIn("拒否しました", result["denied_text"])
        self.assertIn("そのコードで承認を待っているログインはありません", result["wrong_code_text"])
        self.assertEqual(result["external_requests"], [])

        records = self.audit()
        approved = [r for r in records if r["event"] == "approval.approve" and r["result"] == "success"]
        self.assertEqual(len(approved), 1, records)
        details = json.loads(approved[0]["details"])
        self.assertEqual((details["for_service"], details["for_source"]), ("sshd-approve", "192.0.2.77"))
        logins = [r for r in records if r["event"] == "login.second_factor" and r["method"] == "approval"]
        self.assertEqual([(r["result"], r["channel"]) for r in logins], [("success", "ssh"), ("failure", "ssh")])
        self.assertEqual(json.loads(logins[0]["details"])["tty"], "pts/4")

    def audit_reasons(self):
        return " ".join(json.loads(r["details"]).get("reason", "") for r in self.audit())

    def test_enter_without_approval_fails_and_the_approval_is_spent(self):
        terminal = Terminal(self.services, self.approve, "nurse")  # no security key: nothing to approve with
        rc, out = terminal.enter()
        self.assertNotEqual(rc, 0, out)
        self.assertIn("no_security_key", out)
        self.assertNotIn("承認してから", out)

    def test_a_wrong_password_gets_no_approval_prompt(self):
        terminal = Terminal(self.services, self.approve, "boss", password="Wrong-Pass#2026")
        rc, out = terminal.enter()
        self.assertNotEqual(rc, 0, out)
        self.assertNotIn("承認してから", out)

    def test_approve_groups_refuse_a_password_and_code_over_pam(self):
        r = subprocess.run(["timeout", "30", find_tool("pamtester"), "sshd", "boss", "authenticate"],
                           input=f"{PASSWORD}\n123456\n".encode(), capture_output=True, env=self.services.env())
        out = (r.stdout + r.stderr).decode()
        self.assertNotEqual(r.returncode, 0, out)
        self.assertIn("approve_required", out)
        self.assertIn("approve_required", self.audit_reasons())


if __name__ == "__main__":
    main()
