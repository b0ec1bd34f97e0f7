"""pam_sekisho.so in a real PAM stack: the real pamtester (and a small ctypes PAM application for the answers
pamtester cannot give) through pam_wrapper, against the real authd. Every mode and option, and each way a
login must fail: wrong password, wrong code, replayed code, disabled, locked and unknown users, authd down,
a bad option, NULL or empty answers, sshd's PasswordAuthentication, and the module's exported symbols."""

import json
import os
import statistics
import subprocess
import sys
import time
import unittest

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pam_harness import (PASSWORD, Authd, Codes, Services, find_tool, main, pam_module, pamtester,  # noqa: E402
                         temp_dir)

PASSWORD_PROMPT = "パスワード / Password: "
CODE_PROMPT = "認証アプリの確認コード（または回復コード） / Code from your authenticator app (or a recovery code): "
COMBINED_PROMPT = "パスワードに続けて確認コード / Password immediately followed by your authenticator app's code: "
PAM_SUCCESS, PAM_AUTH_ERR, PAM_AUTHINFO_UNAVAIL, PAM_IGNORE = 0, 7, 9, 25
OK = "successfully authenticated"


def conversation(services, service, user, answers):
    """The ctypes PAM application (pam_conversation.py): (pam_authenticate's code, prompts shown, log)."""
    r = subprocess.run(["timeout", "30", sys.executable, os.path.join(os.path.dirname(__file__), "pam_conversation.py"),
                        service, user, json.dumps(answers)], capture_output=True, env=services.env())
    out = r.stdout.decode("utf-8", "replace")
    prompts = [json.loads(line)["prompt"] for line in out.splitlines() if line.startswith("{")]
    codes = [int(line[7:]) for line in out.splitlines() if line.startswith("result=")]
    if len(codes) != 1:
        raise AssertionError(f"pam_conversation.py gave no result: {out}{r.stderr.decode()}")
    return codes[0], prompts, r.stderr.decode("utf-8", "replace")


class PamModule(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        # Many users fail on purpose here from one (empty) source: the per-source delay would slow the others.
        cls.authd = Authd(extra_config="[throttle]\nsource_free_failures = 1000\nlock_after = 8\n")
        cls.services = Services()
        cls.prompt = cls.services.sekisho("sekisho-prompt", cls.authd)
        cls.combined = cls.services.sekisho("sekisho-radius", cls.authd, "mode=combined")

    def user(self, name, password=PASSWORD):
        return Codes(self.authd.add_user(name, password))

    def login(self, user, answers, service=None, operations=("authenticate",)):
        return pamtester(self.services, service or self.prompt, user, answers, operations, {"rhost": "192.0.2.40"})

    def test_password_then_code_logs_in_and_passes_the_account_check(self):
        codes = self.user("pam-ok")
        rc, out = self.login("pam-ok", [PASSWORD, codes.next()], operations=("authenticate", "acct_mgmt"))
        self.assertEqual(rc, 0, out)
        self.assertIn(OK, out)
        self.assertIn("account management done", out)
        # Both prompts, each instruction in the prompt itself, in Japanese and English.
        self.assertIn(PASSWORD_PROMPT + CODE_PROMPT, out)
        record = [r for r in self.authd.audit() if r["user"] == "pam-ok" and r["event"] == "login.second_factor"][-1]
        self.assertEqual((record["result"], record["source"], record["channel"]), ("success", "192.0.2.40", "other"))
        self.assertEqual(json.loads(record["details"])["service"], "sekisho-prompt")

    def test_wrong_password_wrong_code_and_a_replayed_code_fail(self):
        codes = self.user("pam-wrong")
        code = codes.next()
        wrong = "%06d" % ((int(code) + 1) % 1000000)
        for answers in (["Wrong-Pass#2026", code], [PASSWORD, wrong]):
            rc, out = self.login("pam-wrong", answers)
            self.assertNotEqual(rc, 0, answers)
            self.assertIn("Authentication failure", out)
        self.assertEqual(self.login("pam-wrong", [PASSWORD, code])[0], 0)
        rc, out = self.login("pam-wrong", [PASSWORD, code])  # the same code again
        self.assertNotEqual(rc, 0, out)
        self.assertIn("refused user=pam-wrong", out)

    def test_a_recovery_code_works_once_at_the_code_prompt(self):
        self.user("pam-recovery")
        printed = self.authd.cli(["recovery-codes", "pam-recovery"]).stdout
        recovery = [w.strip() for w in printed.splitlines() if w.startswith("  ") and "-" in w][0]
        self.assertEqual(self.login("pam-recovery", [PASSWORD, recovery])[0], 0)
        self.assertNotEqual(self.login("pam-recovery", [PASSWORD, recovery])[0], 0)

    def test_an_unknown_user_gets_the_same_prompts_and_takes_as_long(self):
        self.user("pam-known")

        def timed(user):
            started = time.monotonic()
            rc, out = self.login(user, ["Wrong-Pass#2026", "123456"])
            return time.monotonic() - started, rc, out

        known, unknown = [], []
        for _ in range(5):  # taken in turns, so a busy machine slows both alike
            known.append(timed("pam-known"))
            unknown.append(timed("pam-nobody"))
        for _, rc, out in known + unknown:
            self.assertNotEqual(rc, 0)
            self.assertIn(PASSWORD_PROMPT + CODE_PROMPT, out)
        k, u = statistics.median(t for t, _, _ in known), statistics.median(t for t, _, _ in unknown)
        self.assertLess(abs(k - u), 0.5 * max(k, u), f"known {k:.3f} s, unknown {u:.3f} s")
        # And the account check does not pass a user Sekisho does not know.
        rc, out = self.login("pam-nobody", [], operations=("acct_mgmt",))
        self.assertNotEqual(rc, 0, out)
        self.assertIn("not a Sekisho user", out)

    def test_disabled_and_locked_accounts_are_refused(self):
        codes = self.user("pam-disabled")
        self.authd.cli(["user", "disable", "pam-disabled"])
        rc, out = self.login("pam-disabled", [PASSWORD, codes.next()])
        self.assertNotEqual(rc, 0, out)
        rc, out = self.login("pam-disabled", [], operations=("acct_mgmt",))
        self.assertNotEqual(rc, 0, out)
        self.assertIn("account refused user=pam-disabled", out)
        self.assertIn(": disabled", out)

        codes = self.user("pam-locked")
        for _ in range(20):  # until lock_after = 8 failures; the delays after the sixth are waited out
            rc, out = self.login("pam-locked", ["Wrong-Pass#2026", "000000"])
            if ": locked" in out:
                break
            if ": throttled" in out:
                time.sleep(2)
        rc, out = self.login("pam-locked", [], operations=("acct_mgmt",))
        self.assertNotEqual(rc, 0, out)
        self.assertIn(": locked", out)
        self.assertNotEqual(self.login("pam-locked", [PASSWORD, codes.next()])[0], 0)

    def test_failures_over_pam_delay_the_next_login_on_every_channel(self):
        code = self.user("pam-throttle").next()
        for _ in range(6):  # throttle.free_failures, and one more that starts the delay
            self.assertNotEqual(self.login("pam-throttle", [PASSWORD, "000000"])[0], 0)
        rc, out = self.login("pam-throttle", [PASSWORD, code])  # refused before the code is looked at
        self.assertNotEqual(rc, 0, out)
        self.assertIn(": throttled", out)
        # The web portal and `sekisho login` ask the same authd, and the same counter.
        r = self.authd.cli(["login", "pam-throttle"], stdin=f"{PASSWORD}\n{code}\n", check=False)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("throttled", r.stdout + r.stderr)

    def test_no_empty_or_missing_answer_counts(self):
        codes = self.user("pam-empty")
        rc, out = self.login("pam-empty", ["", "123456"])
        self.assertNotEqual(rc, 0, out)
        self.assertIn("no password", out)
        rc, out = self.login("pam-empty", [PASSWORD, ""])
        self.assertNotEqual(rc, 0, out)
        self.assertIn("no code", out)
        rc, out = self.login("pam-empty", [PASSWORD])  # the conversation ends (EOF) at the code prompt
        self.assertNotEqual(rc, 0, out)
        for answers, why in (([None], "no password"), ([PASSWORD, None], "no code"),
                             ([{"no_response": True}], "no password")):
            rc, prompts, log = conversation(self.services, self.prompt, "pam-empty", answers)
            self.assertEqual(rc, PAM_AUTH_ERR, answers)
            self.assertIn(why, log)
        # The prompts are asked with echo off (style 1), every one of them.
        rc, prompts, _ = conversation(self.services, self.prompt, "pam-empty", [PASSWORD, codes.next()])
        self.assertEqual((rc, prompts), (PAM_SUCCESS, [PASSWORD_PROMPT, CODE_PROMPT]))

    def test_the_password_given_again_as_the_code_is_refused(self):
        # What sshd's PasswordAuthentication does: every prompt gets the one password.
        self.user("pam-passauth", password="Sakura-Hana#202612")
        rc, out = self.login("pam-passauth", ["Sakura-Hana#202612", "Sakura-Hana#202612"])
        self.assertNotEqual(rc, 0, out)
        self.assertIn("the code was the password again", out)

    def test_combined_mode_splits_the_code_off_the_end(self):
        cases = {"pam-comb-ascii": PASSWORD, "pam-comb-digits": "Tokyo#Bay#20261231", "pam-comb-ja": "さくら咲く#Spring2026"}
        for user, password in cases.items():
            codes = self.user(user, password)
            rc, out = self.login(user, [password + codes.next()], self.combined)
            self.assertEqual(rc, 0, f"{user}: {out}")
            self.assertIn(COMBINED_PROMPT, out)
            self.assertNotIn(PASSWORD_PROMPT, out)
            self.assertNotEqual(self.login(user, [password], self.combined)[0], 0, "password without a code")
            self.assertNotEqual(self.login(user, [password + "12345"], self.combined)[0], 0, "a five-digit code")
            self.assertNotEqual(self.login(user, ["123456"], self.combined)[0], 0, "code without a password")
        record = [r for r in self.authd.audit() if r["user"] == "pam-comb-ja"][-1]
        self.assertEqual(record["channel"], "radius")

    def test_use_first_pass_and_try_first_pass(self):
        earlier = "auth required /usr/lib/x86_64-linux-gnu/pam_wrapper/pam_set_items.so\n"
        socket = f"socket={self.authd.socket}"
        use = self.services.write("sekisho-use", earlier + f"auth required {pam_module()} {socket} use_first_pass\n")
        env_with_token = dict(self.services.env(), PAM_AUTHTOK=PASSWORD)  # pam_set_items sets PAM_AUTHTOK from it
        r = subprocess.run(["timeout", "30", find_tool("pamtester"), use, "pam-first-use", "authenticate"],
                           input=(self.user("pam-first-use").next() + "\n").encode(), capture_output=True,
                           env=env_with_token)
        out = (r.stdout + r.stderr).decode()
        self.assertEqual(r.returncode, 0, out)
        self.assertNotIn(PASSWORD_PROMPT, out)  # the earlier module's password, no second prompt
        # use_first_pass with no earlier password fails without asking; try_first_pass asks.
        codes = self.user("pam-first-try")
        rc, out = self.login("pam-first-try", [PASSWORD, "123456"], self.services.sekisho(
            "sekisho-use-alone", self.authd, "use_first_pass"))
        self.assertNotEqual(rc, 0, out)
        self.assertNotIn(PASSWORD_PROMPT, out)
        rc, out = self.login("pam-first-try", [PASSWORD, codes.next()],
                             self.services.sekisho("sekisho-try", self.authd, "try_first_pass"))
        self.assertEqual(rc, 0, out)
        self.assertIn(PASSWORD_PROMPT, out)

    def test_not_enrolled_is_ignore_never_success(self):
        self.authd.add_user("pam-unenrolled", with_totp=False)
        debug_file = os.path.join(temp_dir("sekisho-pam-ignore-"), "pam.log")
        opts = f"ignore_unenrolled debug_file={debug_file}"
        sock = f"socket={self.authd.socket}"
        # `sufficient` then pam_deny: had the module said success, the stack would pass.
        sufficient = self.services.write("ign-sufficient", f"auth sufficient {pam_module()} {sock} {opts}\n"
                                                           "auth required pam_deny.so\n")
        # ignore → the next module decides (pam_permit); a failure would end the stack at once.
        ignored = self.services.write("ign-next", f"auth [success=done ignore=ignore default=die] {pam_module()} "
                                                  f"{sock} {opts}\nauth required pam_permit.so\n")
        self.assertNotEqual(self.login("pam-unenrolled", [PASSWORD, "123456"], sufficient)[0], 0)
        rc, out = self.login("pam-unenrolled", [PASSWORD, "123456"], ignored)
        self.assertEqual(rc, 0, out)
        with open(debug_file) as f:
            self.assertIn("ignored user=pam-unenrolled service=ign-next", f.read())
        # Without the option, not enrolled is a failure; a wrong password is never ignored.
        self.assertNotEqual(self.login("pam-unenrolled", [PASSWORD, "123456"])[0], 0)
        self.assertNotEqual(self.login("pam-unenrolled", ["Wrong-Pass#2026", "123456"], ignored)[0], 0)

    def test_members_of_the_ignored_group_are_ignored_without_a_prompt(self):
        sock = f"socket={self.authd.socket}"
        debug_file = os.path.join(temp_dir("sekisho-pam-group-"), "pam.log")
        ignored = self.services.write("grp", f"auth [success=done ignore=ignore default=die] {pam_module()} {sock} "
                                             f"ignore_users_in=root debug_file={debug_file}\n"
                                             "auth required pam_deny.so\n")
        rc, out = self.login("root", [], ignored)  # root is in group root: ignored, then pam_deny decides
        self.assertNotEqual(rc, 0, out)
        self.assertNotIn(PASSWORD_PROMPT, out)
        with open(debug_file) as f:
            self.assertIn("ignored user=root service=grp rhost=192.0.2.40 tty=-: member of root", f.read())
        rc, out = self.login("pam-not-in-group", [PASSWORD, "123456"], ignored)
        self.assertIn(PASSWORD_PROMPT, out)  # not a member: asked and checked as anyone

    def test_authd_down_a_bad_option_and_a_wrong_socket_fail_closed(self):
        rc, out = self.login("pam-any", [PASSWORD, "123456"], self.services.sekisho(
            "bad-option", self.authd, "alwaysok"))
        self.assertNotEqual(rc, 0, out)
        self.assertIn("bad configuration in the PAM service file: unknown option alwaysok", out)
        nowhere = temp_dir("sekisho-pam-nowhere-")
        down = self.services.write("down", f"auth sufficient {pam_module()} socket={nowhere}/authd.sock\n"
                                           "auth required pam_deny.so\n")
        rc, out = self.login("pam-any", [PASSWORD, "123456"], down)
        self.assertNotEqual(rc, 0, out)
        self.assertIn("cannot connect to authd", out)
        alone = self.services.write("down-alone", f"auth required {pam_module()} socket={nowhere}/authd.sock\n")
        rc, _, log = conversation(self.services, alone, "pam-any", [PASSWORD, "123456"])
        self.assertEqual(rc, PAM_AUTHINFO_UNAVAIL, log)

    def test_an_authd_that_never_answers_fails_after_the_timeout(self):
        import socket as sockets
        silent = os.path.join(temp_dir("sekisho-pam-silent-"), "authd.sock")
        server = sockets.socket(sockets.AF_UNIX, sockets.SOCK_STREAM)
        server.bind(silent)
        server.listen(8)  # accepts (the kernel does) and never answers
        self.addCleanup(server.close)
        service = self.services.write("silent", f"auth required {pam_module()} socket={silent} timeout=2\n")
        started = time.monotonic()
        rc, out = self.login("pam-any", [PASSWORD, "123456"], service)
        elapsed = time.monotonic() - started
        self.assertNotEqual(rc, 0, out)
        self.assertIn("authd did not answer in time", out)
        self.assertGreaterEqual(elapsed, 2)
        self.assertLess(elapsed, 10)

    def test_debug_file_has_the_steps_and_never_a_secret(self):
        codes = self.user("pam-debug")
        logs = temp_dir("sekisho-pam-debug-")
        debug_file = os.path.join(logs, "pam.log")
        service = self.services.sekisho("debugged", self.authd, f"debug_file={debug_file}",
                                        f"debug_file={debug_file}")
        code = codes.next()
        self.assertEqual(self.login("pam-debug", [PASSWORD, code], service, ("authenticate", "acct_mgmt"))[0], 0)
        self.assertNotEqual(self.login("pam-debug", ["Wrong-Pass#2026", code], service)[0], 0)
        with open(debug_file) as f:
            text = f.read()
        self.assertIn("accepted user=pam-debug", text)
        self.assertIn("account user=pam-debug service=debugged rhost=192.0.2.40 tty=- status=active", text)
        self.assertIn("refused user=pam-debug", text)
        for secret in (PASSWORD, "Wrong-Pass#2026", code):
            self.assertNotIn(secret, text)
        self.assertEqual(os.stat(debug_file).st_mode & 0o777, 0o600)
        # A debug file that is a symlink is not followed (root must not write where a link points).
        target = os.path.join(logs, "target")
        open(target, "w").close()
        link = os.path.join(logs, "link.log")
        os.symlink(target, link)
        service = self.services.sekisho("debug-link", self.authd, f"debug_file={link}")
        self.login("pam-debug", [PASSWORD, "000000"], service)
        self.assertEqual(os.path.getsize(target), 0)

    def test_only_the_pam_entry_points_are_exported(self):
        r = subprocess.run([find_tool("nm"), "-D", "--defined-only", pam_module()], capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        symbols = sorted(line.split()[-1] for line in r.stdout.splitlines() if line.strip())
        self.assertEqual(symbols, ["pam_sm_acct_mgmt", "pam_sm_authenticate", "pam_sm_setcred"])


if __name__ == "__main__":
    main()
