"""The portal in real headless Chromium (Debian's `chromium`, driven by playwright-core from npm) in front of
the bundled demo EHR: a nurse logs in with password and a TOTP code using only the keyboard and lands on the
patient page she asked for, which shows her name from Remote-User; logout closes the EHR again. Every page is
saved as a screenshot (Japanese, 1366×768) under build/test-output/browser/. The browser must load nothing
from anywhere but the gateway."""

import json
import os
import re
import shutil
import subprocess
import sys
import time
import unittest

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "gateway"))
from accounts import (PASSWORD, add_user_with_totp, authd_clients_config, oathtool_code, sekisho,  # noqa: E402
                      start_authd, start_authd_with_nurse, totp)
from harness import (Env, Gateway, Process, free_port, main, retry_while_port_taken,  # noqa: E402
                     sekisho_binary, wait_until)

ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))


def screenshots_dir(name):
    d = os.path.join(os.path.dirname(os.path.dirname(sekisho_binary())), "test-output", "browser", name)
    shutil.rmtree(d, ignore_errors=True)
    return d


def run_scenario(script, job, timeout=120):
    """Runs a Node scenario; returns its JSON result, failing the test with its error when it failed."""
    for need in ("/usr/bin/chromium", os.path.join(HERE, "node_modules", "playwright-core")):
        if not os.path.exists(need):
            raise AssertionError(f"{need} is missing: tools/deps.sh installs it")
    r = subprocess.run(["node", os.path.join(HERE, script), json.dumps(job)], capture_output=True, text=True,
                       timeout=timeout)
    lines = [ln for ln in r.stdout.splitlines() if ln.startswith("{")]
    if not lines:
        raise AssertionError(f"{script} printed no result (exit {r.returncode}): {r.stdout}{r.stderr}")
    result = json.loads(lines[-1])
    if not result.get("ok"):
        raise AssertionError(f"{script} failed at {result.get('url')}, whose page said "
                             f"{result.get('text')!r}: {result.get('error')}")
    return result


def start_site(cls, extra_config="", users=()):
    """The demo EHR behind the gateway (every page two_factor) and a real authd with `nurse` and `users`,
    each with PASSWORD and a TOTP key; sets cls.env, cls.ehr, cls.gw, cls.authd and cls.keys (user → key).
    `extra_config` is appended right after the [webauthn] table, so its first lines are members of that table.
    WebAuthn origins name the port, so the gateway gets a fixed one (port 0 has no origin to name)."""
    cls.env = Env()
    # Port 0: the demo EHR binds a free one and says which (no other process can take it first).
    cls.ehr = Process([sys.executable, os.path.join(ROOT, "demo", "ehr", "ehr.py"), "--listen", "127.0.0.1:0",
                       "--data", cls.env.subdir("ehr-data")], cls.env.path("ehr.log"))
    cls.addClassCleanup(cls.ehr.stop)
    said = r"demo EHR listening on http://127\.0\.0\.1:(\d+)"
    listening = wait_until(lambda: re.search(said, cls.ehr.log()) or not cls.ehr.running(), 15,
                           what="the demo EHR to listen")
    if not isinstance(listening, re.Match):
        raise AssertionError(f"the demo EHR exited at start:\n{cls.ehr.log()}")
    ehr_port = int(listening.group(1))

    def listen_on(port):
        webauthn = f'[webauthn]\nrp_id = "ehr.test"\norigins = ["https://ehr.test:{port}"]\n'
        return {"extra": authd_clients_config() + webauthn + extra_config,
                "gateway": {"listen": [f"127.0.0.1:{port}"]}}

    cls.gw = Gateway(cls.env, name="state", start=False, **listen_on(free_port()),
                     upstreams=[{"name": "ehr", "url": f"http://127.0.0.1:{ehr_port}"}],
                     rules=[{"name": "everything", "action": "two_factor"}])
    cls.addClassCleanup(cls.gw.stop)
    cls.authd, nurse_key = start_authd_with_nurse(sekisho_binary(), cls.gw)
    cls.addClassCleanup(lambda: cls.authd.stop())  # the one running at the end (see start_gateway)
    cls.keys = {"nurse": nurse_key}
    for user in users:
        cls.keys[user] = add_user_with_totp(sekisho_binary(), cls.gw.config_path, user)

    def start_gateway():
        if cls.gw.process is not None:  # another process took the port the last try was given: a new one,
            config = listen_on(free_port())  # and authd restarted to read the origin that names it
            cls.gw.extra = config["extra"]
            cls.gw.write_config(gateway=config["gateway"])
            cls.authd.stop()
            cls.authd = start_authd(sekisho_binary(), cls.gw)
        cls.gw.start()
    retry_while_port_taken(start_gateway)


class BrowserLogin(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        # One user per test: each logs in with the next step's code, which can be used once.
        start_site(cls, users=("doctor", "pharmacist", "radiologist", "clerk", "therapist"))

    def job(self, name, user="nurse"):
        return {"host": "ehr.test", "base": f"https://ehr.test:{self.gw.port}", "user": user,
                "password": PASSWORD, "totp_key": self.keys[user], "screenshots": screenshots_dir(name)}

    def test_password_and_code_by_keyboard_then_logout(self):
        at = time.time() + 30  # the next step: enrolling spent this one
        code = oathtool_code(self.keys["nurse"], at)
        self.assertEqual(code, totp(self.keys["nurse"], at), "oathtool and RFC 6238 agree")
        r = run_scenario("login_totp.js", dict(self.job("login_totp"), code=code))
        self.assertIn("/.sekisho/login?rd=/patients/P000123", r["login_url"])
        self.assertEqual(r["login_lang"], "ja")
        self.assertEqual(r["login_heading"], "ログイン")
        self.assertEqual(r["username_focused"], "username")
        self.assertEqual(r["code_focused"], "code")
        self.assertEqual(r["after_login_url"], f"https://ehr.test:{self.gw.port}/patients/P000123")
        self.assertIn("ログイン中: nurse", r["after_login_text"])
        self.assertIn("山田 太郎", r["after_login_text"])
        self.assertIn("ログアウトしました", r["logged_out_text"])
        self.assertIn("/.sekisho/login", r["after_logout_url"])
        self.assertEqual(r["external_requests"], [])
        self.assertEqual(r["after_logout_cookies"], 0, "logout leaves no session cookie in the browser")
        self.assertIn("/.sekisho/login", r["replay_url"])
        self.assertIn("コードが違います", r["replay_text"])  # the same code, a second time
        session = [c for c in r["cookies"] if c["name"] == "__Host-sekisho"]
        self.assertEqual(session, [], "the replayed code opened no session")
        for c in r["cookies"]:
            if c["name"].startswith("__Host-sekisho"):
                self.assertTrue(c["secure"], c)

    def test_security_key_added_on_the_account_page_then_used_to_log_in(self):
        r = run_scenario("passkey.js", self.job("passkey", user="doctor"))
        base = f"https://ehr.test:{self.gw.port}"
        self.assertEqual(r["account_url"], f"{base}/.sekisho/account")
        self.assertEqual(r["after_register_url"], f"{base}/.sekisho/account?added=1")
        self.assertIn("セキュリティキーを登録しました", r["after_register_text"])
        self.assertIn("青いキー", r["after_register_text"])
        self.assertEqual(r["credentials_in_authenticator"], 1)
        self.assertIn("変更しました", r["after_rename_text"])
        self.assertIn("赤いキー", r["after_rename_text"])
        self.assertTrue(r["key_button"])
        # The next login tells of the key added since the previous one (NIST SP 800-63B-4 §4.1.2.1).
        self.assertTrue(r["changes_shown"])
        self.assertIn("セキュリティキー・パスキーが追加されました", r["changes_text"])
        self.assertEqual(r["after_key_login_url"], f"{base}/patients/P000123")
        self.assertIn("ログイン中: doctor", r["after_key_login_text"])
        self.assertEqual(r["external_requests"], [])
        events = sekisho(sekisho_binary(), self.gw.config_path, ["audit", "export", "--format", "jsonl"]).stdout
        self.assertIn("webauthn.register", events)

    def test_account_page_password_recovery_codes_app_recent_logins_and_devices(self):
        printed = sekisho(sekisho_binary(), self.gw.config_path, ["recovery-codes", "therapist"]).stdout
        old_codes = re.findall(r"^  ([0-9a-z]{4}-[0-9a-z-]+)", printed, re.M)[:2]
        job = dict(self.job("account", user="therapist"), old_codes=old_codes, new_password="Momiji-Aki#2027")
        r = run_scenario("account.js", job, timeout=180)
        account = f"https://ehr.test:{self.gw.port}/.sekisho/account"
        self.assertIn("ユーザー名またはパスワードが違います", r["wrong_login_text"])
        self.assertEqual(r["account_url"], account)
        self.assertEqual(r["phone_url"], f"https://ehr.test:{self.gw.port}/patients/P000123")

        recent = [" ".join(e.split()) for e in r["recent"]]
        self.assertTrue(any("成功" in e and "127.0.0.1" in e and "認証アプリ" in e for e in recent), recent)
        self.assertTrue(any("失敗" in e and "127.0.0.1" in e and "パスワード" in e for e in recent), recent)
        for e in recent:
            self.assertRegex(e, r"^\d{4}-\d\d-\d\d \d\d:\d\d (成功|失敗) ")
        self.assertEqual(len(r["sessions"]), 2, r["sessions"])
        here = [s["text"] for s in r["sessions"] if s["current"]]
        self.assertEqual(len(here), 1, r["sessions"])
        self.assertIn("この端末", here[0])
        self.assertIn("127.0.0.1", here[0])
        self.assertTrue(any("リカバリーコード" in s["text"] and not s["current"] for s in r["sessions"]))
        self.assertEqual(r["end_others_url"], f"{account}?done=sessions")
        self.assertIn("ほかの端末をすべてログアウトしました", r["end_others_text"])
        self.assertEqual(r["sessions_after"], 1)
        self.assertIn("/.sekisho/login", r["phone_after_url"])

        self.assertIn("今のパスワードが違います", r["wrong_current_text"])
        self.assertIn("このパスワードは使えません。", r["weak_text"])
        self.assertGreater(len(r["weak_text"].strip()), len("このパスワードは使えません。"), "the reason is shown")
        self.assertIn("同じではありません", r["differ_text"])
        self.assertEqual(r["password_url"], f"{account}?done=password")
        self.assertIn("パスワードを変更しました", r["password_text"])
        self.assertIn("ユーザー名またはパスワードが違います", r["old_password_text"])

        self.assertEqual(r["codes_status"], 200)
        self.assertIn("前のコードはもう使えません", r["codes_notice"])
        self.assertEqual(len(set(r["codes"])), 10)
        for c in r["codes"]:
            self.assertRegex(c, r"^[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}$")
        self.assertEqual(r["after_codes_url"], account)
        self.assertEqual(r["codes_left"], "10")
        self.assertEqual(r["new_login_url"], f"https://ehr.test:{self.gw.port}/patients/P000123")
        self.assertIn("ログイン中: therapist", r["new_login_text"])
        self.assertIn("/.sekisho/login", r["old_code_url"])
        self.assertIn("コードが違います", r["old_code_text"])

        self.assertEqual(r["app_url"], f"{account}/app")
        self.assertTrue(r["qr_svg"])
        self.assertEqual(r["app_back"], "/.sekisho/account")
        self.assertIn("コードが違います", r["app_wrong_text"])
        self.assertTrue(r["app_same_key"], "a wrong code keeps the app the phone already scanned")
        self.assertEqual(r["app_done_url"], f"{account}?done=app")
        self.assertIn("認証アプリを登録しました", r["app_done_text"])
        self.assertEqual(r["app_count"], "2")
        shown = sekisho(sekisho_binary(), self.gw.config_path, ["user", "show", "therapist"]).stdout
        self.assertEqual(len(re.findall(r"^totp ", shown, re.M)), 2, shown)
        self.assertNotIn("unconfirmed", shown)
        self.assertEqual(r["external_requests"], [])

    def test_a_cloned_key_is_refused_and_audited(self):
        r = run_scenario("cloned_key.js", self.job("cloned_key", user="pharmacist"))
        base = f"https://ehr.test:{self.gw.port}"
        self.assertEqual(r["login_0"], f"{base}/patients/P000245")
        self.assertEqual(r["login_1"], f"{base}/patients/P000245")
        self.assertIn("/.sekisho/login", r["cloned_url"])
        self.assertIn("セキュリティキーで確認できませんでした", r["cloned_text"])
        events = sekisho(sekisho_binary(), self.gw.config_path, ["audit", "export", "--format", "jsonl"]).stdout
        self.assertIn("webauthn.cloned", events)

    def test_a_u2f_only_key_registers_and_logs_in(self):
        r = run_scenario("u2f_key.js", self.job("u2f_key", user="radiologist"))
        self.assertIn("セキュリティキーを登録しました", r["registered_text"])
        self.assertEqual(r["url"], f"https://ehr.test:{self.gw.port}/patients/P000318")
        self.assertIn("ログイン中: radiologist", r["text"])
        self.assertIn("変更しました", r["after_remove_text"])  # removed: the app's code is still a second factor
        self.assertEqual(r["keys_left"], 0)

    def enrollment_token(self, user):
        """`sekisho user add` as an admin runs it; the token of the link it prints."""
        printed = sekisho(sekisho_binary(), self.gw.config_path, ["user", "add", user]).stdout
        return re.search(r"/\.sekisho/enroll\?t=([A-Za-z0-9_-]+)", printed).group(1)

    def test_enrollment_link_then_password_then_passkey_or_app_then_recovery_codes(self):
        job = dict(self.job("enroll"), key_user="midwife", key_token=self.enrollment_token("midwife"),
                   app_token=self.enrollment_token("porter"))
        r = run_scenario("enroll.js", job, timeout=180)
        base = f"https://ehr.test:{self.gw.port}"
        self.assertEqual(r["after_open_url"], f"{base}/.sekisho/enroll")
        self.assertIn("パスワード", r["password_heading"])
        self.assertIn("このパスワードは使えません", r["weak"])
        self.assertIn("同じではありません", r["differ"])
        self.assertIn("2つ目の確認方法", r["factor_heading"])
        for who in ("key", "app"):
            codes = r[f"{who}_codes"]
            self.assertEqual(len(codes), 10)
            self.assertEqual(len(set(codes)), 10)
            for c in codes:
                self.assertRegex(c, r"^[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}$")
            self.assertEqual(r[f"{who}_ehr_url"], f"{base}/")
        self.assertIn("ログイン中: midwife", r["key_ehr_text"])
        self.assertIn("ログイン中: porter", r["app_ehr_text"])
        self.assertEqual(r["reused_status"], 410)
        self.assertIn("この登録用リンクは使えません", r["reused_text"])
        self.assertEqual(r["key_login_url"], f"{base}/patients/P000123")
        self.assertIn("ログイン中: midwife", r["key_login_text"])
        self.assertTrue(r["key_button_on_factor_page"])
        self.assertTrue(r["qr_svg"])
        self.assertIn("コードが違います", r["wrong_code_text"])
        self.assertTrue(r["same_key_after_wrong_code"], "a wrong code keeps the app the phone already scanned")
        self.assertEqual(r["external_requests"], [])
        midwife = sekisho(sekisho_binary(), self.gw.config_path, ["user", "show", "midwife"]).stdout
        self.assertIn("白いキー", midwife)
        self.assertRegex(midwife, r"recovery codes\s+10 unused")
        porter = sekisho(sekisho_binary(), self.gw.config_path, ["user", "show", "porter"]).stdout
        self.assertIn("totp", porter)
        self.assertNotIn("unconfirmed", porter)
        events = sekisho(sekisho_binary(), self.gw.config_path, ["audit", "export", "--format", "jsonl"]).stdout
        completed = [json.loads(e) for e in events.splitlines() if '"enrollment.complete"' in e]
        self.assertEqual(sorted((e["user"], e["method"]) for e in completed), [("midwife", "webauthn"), ("porter", "totp")])

    def test_recovery_code_once_throttling_and_no_redirect_off_site(self):
        codes = sekisho(sekisho_binary(), self.gw.config_path, ["recovery-codes", "clerk"]).stdout
        code = re.findall(r"^  ([0-9a-z]{4}-[0-9a-z-]+)", codes, re.M)[0]
        job = dict(self.job("recovery_and_throttle", user="clerk"), recovery_code=code)
        r = run_scenario("recovery_and_throttle.js", job)
        self.assertEqual(r["recovery"]["url"], f"https://ehr.test:{self.gw.port}/")  # not evil.example
        # The other site's POST: refused (no form token, foreign Origin), and the session lives on.
        self.assertEqual(r["csrf_status"], 403)
        self.assertIn("有効期限", r["csrf_text"])
        self.assertEqual(r["after_csrf_url"], f"https://ehr.test:{self.gw.port}/patients/P000123")
        self.assertIn("/.sekisho/login", r["recovery_again"]["url"])
        self.assertIn("コードが違います", r["recovery_again"]["text"])
        self.assertRegex(r["last_wrong"]["text"], r"失敗が続いたため.*[0-9]+ 秒後")


class StrictSite(unittest.TestCase):
    """A site that requires user verification on keys, with the shortest idle timeout (1 minute)."""

    @classmethod
    def setUpClass(cls):
        start_site(cls, 'user_verification = "required"\n\n[session]\nidle_timeout = "1m"\n')

    def test_a_key_without_user_verification_is_refused_and_an_idle_session_ends(self):
        job = {"host": "ehr.test", "base": f"https://ehr.test:{self.gw.port}", "user": "nurse", "password": PASSWORD,
               "totp_key": self.keys["nurse"], "screenshots": screenshots_dir("uv_and_idle"), "idle_seconds": 60}
        r = run_scenario("uv_and_idle.js", job, timeout=240)
        self.assertEqual(r["options"]["user_verification"], "required")
        self.assertIn("セキュリティキーが使えませんでした", r["error_text"])
        self.assertEqual(r["url_after_refusal"], f"https://ehr.test:{self.gw.port}/.sekisho/account")
        shown = sekisho(sekisho_binary(), self.gw.config_path, ["user", "show", "nurse"]).stdout
        self.assertNotIn("security key", shown)  # nothing was registered
        self.assertIn("ログイン中: nurse", r["before_idle"])
        self.assertIn("/.sekisho/login", r["after_idle_url"])


class SiteWithOptions(unittest.TestCase):
    """A site with passkey-only login and break-glass access turned on (both are off by default)."""

    @classmethod
    def setUpClass(cls):
        start_site(cls, "passkey_login = true\n\n[break_glass]\nenabled = true\n", users=("therapist",))

    def test_passkey_alone_logs_in_only_with_user_verification(self):
        base = f"https://ehr.test:{self.gw.port}"
        job = {"host": "ehr.test", "base": base, "user": "therapist", "password": PASSWORD,
               "totp_key": self.keys["therapist"], "screenshots": screenshots_dir("passkey_only")}
        r = run_scenario("passkey_only.js", job)
        self.assertTrue(r["passkey_button_before"])
        self.assertEqual(r["registered_url"], f"{base}/.sekisho/account?added=1")
        self.assertTrue(r["resident"], "the passkey is a discoverable credential")
        self.assertEqual(r["passkey_url"], f"{base}/patients/P000123")
        self.assertIn("ログイン中: therapist", r["passkey_text"])
        self.assertIn("/.sekisho/login", r["unverified_url"])
        self.assertIn("セキュリティキーが使えませんでした", r["unverified_error"])
        events = sekisho(sekisho_binary(), self.gw.config_path, ["audit", "export", "--format", "jsonl"]).stdout
        passkey = [json.loads(e) for e in events.splitlines() if '"login.second_factor"' in e and '"passkey"' in e]
        self.assertTrue(any(e["user"] == "therapist" and e["result"] == "success" for e in passkey), passkey)

    def test_break_glass_with_reason_banner_and_audit(self):
        printed = sekisho(sekisho_binary(), self.gw.config_path, ["break-glass", "issue", "nurse"]).stdout
        code = re.search(r"^  ([0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4})$", printed, re.M).group(1)
        base = f"https://ehr.test:{self.gw.port}"
        job = {"host": "ehr.test", "base": base, "user": "nurse", "password": PASSWORD, "emergency_code": code,
               "screenshots": screenshots_dir("break_glass")}
        r = run_scenario("break_glass.js", job)
        self.assertTrue(r["link_visible"])
        self.assertEqual(r["page_url"], f"{base}/.sekisho/break-glass?rd=/patients/P000123")
        self.assertEqual(r["page_heading"], "緊急アクセス")
        self.assertIn("緊急用コードが違います", r["wrong_code_text"])
        self.assertEqual(r["ehr_url"], f"{base}/patients/P000123")
        self.assertTrue(r["banner_visible"])
        self.assertIn("緊急アクセス中です", r["banner"])
        self.assertIn("ログイン中: nurse", r["ehr_text"])
        self.assertIn("/.sekisho/break-glass", r["second_use_url"])
        self.assertIn("緊急用コードが違います", r["second_use_text"])
        self.assertEqual(r["external_requests"], [])

        marked = [e for e in self.gw.access_log_entries() if e.get("break_glass")]
        self.assertTrue(any(e["path"] == "/patients/P000123" and e["user"] == "nurse" for e in marked), marked)
        self.assertTrue(all(e["user"] == "nurse" for e in marked))
        events = sekisho(sekisho_binary(), self.gw.config_path, ["audit", "export", "--format", "jsonl"]).stdout
        opened = [json.loads(e) for e in events.splitlines() if '"break_glass.open"' in e]
        self.assertEqual(len(opened), 1)
        self.assertEqual(opened[0]["result"], "warning")
        self.assertEqual(json.loads(opened[0]["details"])["stated_reason"], "急患対応、キーを自宅に忘れた")
        with open(self.authd.log_path, encoding="utf-8") as log:
            self.assertIn("WARNING: break-glass session opened by nurse", log.read())
        listed = sekisho(sekisho_binary(), self.gw.config_path, ["break-glass", "list"]).stdout
        self.assertIn("USED", listed)


if __name__ == "__main__":
    main()
