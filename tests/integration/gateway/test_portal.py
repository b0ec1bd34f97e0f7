"""The portal's login pages over real HTTPS, against a real authd and a recording upstream: a route that needs
two factors sends the browser to the login page; password, then a TOTP code, opens a session and returns to the
page first asked for, which then sees Remote-User; the same code is refused the next time; forms without their
token or from another origin are refused; an unknown user sees what a wrong password sees; the return path
cannot point off site; logout ends the session in authd at once. (Real Chromium tests come with WebAuthn.)"""

import os
import re
import sys
import time
import unittest
import urllib.parse

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from accounts import (PASSWORD, add_user_with_totp, authd_clients_config, enroll_totp, sekisho,  # noqa: E402
                      start_authd_with_nurse, totp)
from harness import Env, Gateway, RecordingUpstream, main, sekisho_binary, wait_until  # noqa: E402


def set_cookies(response):
    """name → value of every Set-Cookie (value "" when it expires the cookie)."""
    jar = {}
    for line in response.headers("Set-Cookie"):
        pair = line.split(";", 1)[0]
        name, _, value = pair.partition("=")
        jar[name.strip()] = "" if "Max-Age=0" in line else value.strip()
    return jar


def hidden(page, name):
    m = re.search(r'name="%s" value="([^"]*)"' % re.escape(name), page)
    return m.group(1) if m else None


class Browser:
    """Just enough of a browser: a cookie jar, Origin on POSTs, form encoding."""

    def __init__(self, gw, host):
        self.gw, self.host, self.jar = gw, host, {}

    def headers(self, extra=()):
        h = list(extra)
        live = "; ".join(f"{k}={v}" for k, v in self.jar.items() if v)
        if live:
            h.append(("Cookie", live))
        return h

    def remember(self, r):
        for k, v in set_cookies(r).items():
            self.jar[k] = v
        return r

    def get(self, target, extra=()):
        return self.remember(self.gw.request("GET", target, host=self.host, headers=self.headers(extra)))

    def post(self, target, fields, origin=True):
        body = urllib.parse.urlencode(fields).encode()
        extra = [("Content-Type", "application/x-www-form-urlencoded")]
        if origin:
            extra.append(("Origin", f"https://{self.host}"))
        return self.remember(self.gw.request("POST", target, host=self.host, headers=self.headers(extra), body=body))


class PortalSite(unittest.TestCase):
    """A gateway (every route two_factor) in front of one upstream, with a real authd and `nurse`."""

    @classmethod
    def start_site(cls, upstream_url, extra=""):
        """Sets cls.gw, cls.authd and cls.key (nurse's TOTP key); cls.env must exist."""
        cls.gw = Gateway(cls.env, name="state", start=False, extra=authd_clients_config() + extra,
                         upstreams=[{"name": "chart", "url": upstream_url}],
                         rules=[{"name": "everything", "action": "two_factor"}])
        cls.addClassCleanup(cls.gw.stop)
        cls.authd, cls.key = start_authd_with_nurse(sekisho_binary(), cls.gw)
        cls.addClassCleanup(cls.authd.stop)
        cls.gw.start()

    def browser(self):
        return Browser(self.gw, f"ehr.test:{self.gw.port}")


class Portal(PortalSite):
    @classmethod
    def setUpClass(cls):
        cls.env = Env()
        cls.recorder = RecordingUpstream()
        cls.addClassCleanup(cls.recorder.stop)
        cls.start_site(cls.recorder.url)

    def login_form(self, b, target="/chart/patient?id=42"):
        first = b.get(target)
        self.assertEqual(first.status, 302, first)
        page = b.get(first.header("Location"))
        self.assertEqual(page.status, 200, page)
        return page.text

    def test_password_then_code_opens_the_page_first_asked_for_once(self):
        b = self.browser()
        page = self.login_form(b)
        self.assertIn('lang="ja"', page)
        self.assertIn("ログイン", page)
        self.assertEqual(hidden(page, "rd"), "/chart/patient?id=42")
        r = b.post("/.sekisho/login", {"username": "nurse", "password": PASSWORD, "csrf": hidden(page, "csrf"),
                                       "rd": hidden(page, "rd")})
        self.assertEqual(r.status, 200, r)
        self.assertIn('name="code"', r.text)
        self.assertTrue(b.jar.get("__Host-sekisho-pending"))
        # The enrollment spent this step's code; the next step's is accepted (window 1) and unused.
        code = totp(self.key, time.time() + 30)
        r = b.post("/.sekisho/login/code", {"code": code, "csrf": hidden(r.text, "csrf"), "rd": hidden(r.text, "rd")})
        self.assertEqual(r.status, 303, r)
        self.assertEqual(r.header("Location"), "/chart/patient?id=42")
        self.assertIn("__Host-sekisho=", ";".join(r.headers("Set-Cookie")))
        self.assertTrue(any("HttpOnly" in c and "Secure" in c and "SameSite=Lax" in c and "Path=/" in c
                            for c in r.headers("Set-Cookie") if c.startswith("__Host-sekisho=")))
        self.assertEqual(b.jar.get("__Host-sekisho-pending"), "")
        before = len(self.recorder.requests)
        r = b.get("/chart/patient?id=42")
        self.assertEqual(r.status, 200, r)
        head = self.recorder.requests[before][0].decode("latin-1")
        self.assertIn("\r\nRemote-User: nurse\r\n", head)
        self.assertNotIn("__Host-sekisho", head)  # no portal cookie reaches the upstream

        # The same code again, in a new login: refused (codes are single-use).
        b2 = self.browser()
        page = self.login_form(b2)
        r = b2.post("/.sekisho/login", {"username": "nurse", "password": PASSWORD, "csrf": hidden(page, "csrf")})
        r = b2.post("/.sekisho/login/code", {"code": code, "csrf": hidden(r.text, "csrf")})
        self.assertEqual(r.status, 200, r)
        self.assertIn("コードが違います", r.text)
        self.assertNotIn("__Host-sekisho", b2.jar.keys() - {"__Host-sekisho-csrf", "__Host-sekisho-pending"})

        # Logout ends the session in authd: the cookie no longer opens anything, on any worker.
        session = b.jar["__Host-sekisho"]
        page = b.get("/.sekisho/logout").text
        r = b.post("/.sekisho/logout", {"csrf": hidden(page, "csrf")})
        self.assertEqual(r.status, 200, r)
        self.assertIn("ログアウトしました", r.text)
        self.assertEqual(b.jar["__Host-sekisho"], "")
        stale = [("Cookie", f"__Host-sekisho={session}")]
        wait_until(lambda: self.gw.request("GET", "/chart/x", host=b.host, headers=stale).status == 302, 10,
                   what="the closed session to be refused")

    def test_unknown_user_and_wrong_password_see_the_same_page(self):
        # Overlong input too (authd takes neither): the same page, not "the login service is not answering".
        pages = []
        for user, password in (("nurse", "not-the-Password#1"), ("nobody-here", PASSWORD), ("a" * 300, PASSWORD),
                               ("nurse", "x" * 1100)):
            b = self.browser()
            page = self.login_form(b)
            r = b.post("/.sekisho/login", {"username": user, "password": password, "csrf": hidden(page, "csrf")})
            self.assertEqual(r.status, 200, r)
            self.assertIn("ユーザー名またはパスワードが違います", r.text)
            pages.append(r.text.replace(hidden(r.text, "csrf"), "TOKEN"))
        self.assertEqual(pages[0], pages[1])

    def test_forms_without_their_token_or_from_another_origin_are_refused(self):
        b = self.browser()
        page = self.login_form(b)
        token = hidden(page, "csrf")
        good = {"username": "nurse", "password": PASSWORD, "csrf": token}
        for name, r in (("no token", b.post("/.sekisho/login", dict(good, csrf=""))),
                        ("wrong token", b.post("/.sekisho/login", dict(good, csrf="x" * len(token)))),
                        ("no Origin or Referer", b.post("/.sekisho/login", good, origin=False))):
            self.assertEqual(r.status, 403, name)
            self.assertIn("有効期限", r.text, name)
            self.assertIsNone(b.jar.get("__Host-sekisho-pending"), name)
        other = self.gw.request("POST", "/.sekisho/login", host=b.host, body=urllib.parse.urlencode(good).encode(),
                                headers=b.headers([("Origin", "https://evil.example"),
                                                   ("Content-Type", "application/x-www-form-urlencoded")]))
        self.assertEqual(other.status, 403)

    def test_the_return_path_never_leaves_the_site(self):
        b = self.browser()
        for rd in ("//evil.example/", "/\\evil.example", "https://evil.example/", "/%2F%2Fevil.example",
                   "/%5Cevil.example", " /chart", "/chart%0d%0aSet-Cookie:x", "javascript:alert(1)",
                   "/.sekisho/login?rd=//evil.example"):
            page = b.get("/.sekisho/login?rd=" + urllib.parse.quote(rd, safe="")).text
            self.assertEqual(hidden(page, "rd"), "/", rd)
        page = b.get("/.sekisho/login?rd=" + urllib.parse.quote("/chart/a?b=c", safe="")).text
        self.assertEqual(hidden(page, "rd"), "/chart/a?b=c")

    def test_english_by_accept_language_and_by_the_switch(self):
        b = self.browser()
        page = b.get("/.sekisho/login", extra=[("Accept-Language", "en-US,en;q=0.9,ja;q=0.8")]).text
        self.assertIn('lang="en"', page)
        self.assertIn("User name", page)
        page = b.get("/.sekisho/login?lang=ja", extra=[("Accept-Language", "en-US")]).text
        self.assertIn('lang="ja"', page)
        self.assertEqual(b.jar.get("__Host-sekisho-lang"), "ja")
        page = b.get("/.sekisho/login", extra=[("Accept-Language", "en-US")]).text  # the choice sticks
        self.assertIn('lang="ja"', page)

    def enrollment_token(self, user):
        printed = sekisho(sekisho_binary(), self.gw.config_path, ["user", "add", user]).stdout
        return re.search(r"\?t=([A-Za-z0-9_-]+)", printed).group(1)

    def test_enrollment_link_cannot_be_forged_skipped_or_reused(self):
        b = self.browser()
        # Forged, malformed and header-injecting tokens: refused, and nothing of them is echoed into a cookie.
        for bad in ("A" * 43, "short", "x" * 43 + "%0d%0aSet-Cookie:%20evil=1", "x" * 43 + ";Domain=evil.example"):
            r = b.get("/.sekisho/enroll?t=" + bad)
            self.assertEqual(r.status, 410, bad)
            self.assertIn("この登録用リンクは使えません", r.text)
            self.assertFalse(any("evil" in c or bad in c for c in r.headers("Set-Cookie")), bad)
        self.assertEqual(b.get("/.sekisho/enroll").status, 410)  # no link at all

        token = self.enrollment_token("scribe")
        r = b.get("/.sekisho/enroll?t=" + token)
        self.assertEqual(r.status, 303, r)
        self.assertEqual(r.header("Location"), "/.sekisho/enroll")  # the token leaves the address bar
        cookie = [c for c in r.headers("Set-Cookie") if c.startswith("__Host-sekisho-enroll=")][0]
        for attribute in ("HttpOnly", "Secure", "SameSite=Lax", "Path=/", "Max-Age="):
            self.assertIn(attribute, cookie)
        page = b.get("/.sekisho/enroll")
        self.assertIn('name="confirm"', page.text)
        # No skipping the password: the app's page shows the password step until it is set.
        early = b.get("/.sekisho/enroll/app")
        self.assertIn('name="confirm"', early.text)
        self.assertNotIn("manual-key", early.text)
        # The password step wants the form token and this origin.
        good = {"password": PASSWORD, "confirm": PASSWORD, "csrf": hidden(page.text, "csrf")}
        r = b.post("/.sekisho/enroll/password", good, origin=False)
        self.assertIn("有効期限", r.text)
        r = b.post("/.sekisho/enroll/password", dict(good, csrf="x" * 43))
        self.assertIn("有効期限", r.text)
        r = b.post("/.sekisho/enroll/password", good)
        self.assertEqual(r.status, 303, r)
        page = b.get("/.sekisho/enroll").text
        self.assertIn("2つ目の確認方法", page)
        # With a password but no factor, logging in is refused with the way forward, not let through.
        b2 = self.browser()
        login = self.login_form(b2)
        r = b2.post("/.sekisho/login", {"username": "scribe", "password": PASSWORD, "csrf": hidden(login, "csrf")})
        self.assertIn("登録用リンク", r.text)
        self.assertNotIn('name="code"', r.text)
        # The app: its key, a wrong code, then the right one; the link is spent and a session opened.
        app = b.get("/.sekisho/enroll/app").text
        key = re.search(r'id="manual-key">([A-Z2-7 ]+)<', app).group(1).replace(" ", "")
        wrong = "000000" if totp(key, time.time()) != "000000" else "111111"
        r = b.post("/.sekisho/enroll/app", {"code": wrong, "csrf": hidden(app, "csrf")})
        self.assertIn("コードが違います", r.text)
        r = b.post("/.sekisho/enroll/app", {"code": totp(key, time.time()), "csrf": hidden(app, "csrf")})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(len(re.findall(r"<li>[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}</li>", r.text)), 10)
        self.assertEqual(b.jar.get("__Host-sekisho-enroll"), "")
        self.assertTrue(b.jar.get("__Host-sekisho"))
        self.assertNotIn(">English<", r.text)  # no switch that would reload the codes away
        before = len(self.recorder.requests)
        self.assertEqual(b.get("/chart/x").status, 200)
        self.assertIn("\r\nRemote-User: scribe\r\n", self.recorder.requests[before][0].decode("latin-1"))
        # Spent: neither the link nor the cookie opens anything again.
        self.assertEqual(self.browser().get("/.sekisho/enroll?t=" + token).status, 410)
        stale = [("Cookie", "__Host-sekisho-enroll=" + token)]
        self.assertEqual(self.gw.request("GET", "/.sekisho/enroll", host=b.host, headers=stale).status, 410)

    def test_account_changes_need_a_session_and_the_users_own_form(self):
        key = add_user_with_totp(sekisho_binary(), self.gw.config_path, "secretary")
        anonymous = self.browser()
        for r in (anonymous.get("/.sekisho/account"), anonymous.get("/.sekisho/account/app"),
                  anonymous.post("/.sekisho/account/recovery", {"csrf": anonymous.jar.get("__Host-sekisho-csrf", "")})):
            self.assertEqual(r.status, 303, r)
            self.assertEqual(r.header("Location"), "/.sekisho/login?rd=/.sekisho/account")

        b = self.browser()
        page = b.get("/.sekisho/login?rd=/.sekisho/account").text
        r = b.post("/.sekisho/login", {"username": "secretary", "password": PASSWORD, "csrf": hidden(page, "csrf"),
                                       "rd": hidden(page, "rd")})
        r = b.post("/.sekisho/login/code", {"code": totp(key, time.time() + 30), "csrf": hidden(r.text, "csrf"),
                                            "rd": hidden(r.text, "rd")})
        self.assertEqual(r.header("Location"), "/.sekisho/account")
        page = b.get("/.sekisho/account")
        self.assertEqual(page.status, 200, page)
        for part in ('id="password-form"', 'id="add-app"', 'id="renew-recovery-codes"', 'id="recent"', "この端末"):
            self.assertIn(part, page.text)
        self.assertIn("Change your password", b.get("/.sekisho/account", [("Accept-Language", "en")]).text)
        self.assertEqual(b.get("/.sekisho/account/password").status, 405)
        self.assertEqual(b.get("/.sekisho/account/nothing").status, 404)

        token = hidden(page.text, "csrf")
        new = "Momiji-Aki#2027"
        changes = {"/.sekisho/account/password": {"current_password": PASSWORD, "new_password": new, "confirm": new},
                   "/.sekisho/account/recovery": {}, "/.sekisho/account/sessions/end-others": {},
                   "/.sekisho/account/app": {"code": "123456"}}
        for path, fields in changes.items():
            body = urllib.parse.urlencode(dict(fields, csrf=token)).encode()
            evil = self.gw.request("POST", path, host=b.host, body=body,
                                   headers=b.headers([("Origin", "https://evil.example"),
                                                      ("Content-Type", "application/x-www-form-urlencoded")]))
            for name, r in (("no token", b.post(path, dict(fields, csrf=""))),
                            ("no Origin or Referer", b.post(path, dict(fields, csrf=token), origin=False)),
                            ("another origin", evil)):
                self.assertEqual(r.status, 403, f"{path}: {name}")
                self.assertIn("有効期限", r.text, f"{path}: {name}")
        shown = sekisho(sekisho_binary(), self.gw.config_path, ["user", "show", "secretary"]).stdout
        self.assertRegex(shown, r"recovery codes\s+0 unused")
        self.assertEqual(len(re.findall(r"^totp ", shown, re.M)), 1, shown)

        # The two new passwords differ: the gateway says so without asking authd.
        r = b.post("/.sekisho/account/password", {"current_password": PASSWORD, "new_password": new,
                                                  "confirm": new + "x", "csrf": token})
        self.assertEqual(r.status, 200, r)
        self.assertIn("同じではありません", r.text)
        # The user's own form: ten codes, once, never stored by the browser, with no language switch.
        r = b.post("/.sekisho/account/recovery", {"csrf": token})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(len(re.findall(r"<li>[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}</li>", r.text)), 10)
        self.assertEqual(r.header("Cache-Control"), "no-store")
        self.assertNotIn(">English<", r.text)
        self.assertIn('id="continue" href="/.sekisho/account"', r.text)
        shown = sekisho(sekisho_binary(), self.gw.config_path, ["user", "show", "secretary"]).stdout
        self.assertRegex(shown, r"recovery codes\s+10 unused")

    def test_a_temporary_password_must_be_changed_before_the_app_opens(self):
        sekisho(sekisho_binary(), self.gw.config_path, ["user", "add", "locum"])
        sekisho(sekisho_binary(), self.gw.config_path, ["user", "passwd", "locum", "--temporary"], stdin=PASSWORD + "\n")
        key = enroll_totp(sekisho_binary(), self.gw.config_path, "locum")
        b = self.browser()
        page = self.login_form(b)
        r = b.post("/.sekisho/login", {"username": "locum", "password": PASSWORD, "csrf": hidden(page, "csrf")})
        r = b.post("/.sekisho/login/code", {"code": totp(key, time.time() + 30), "csrf": hidden(r.text, "csrf")})
        self.assertEqual(r.status, 303, r)
        before = len(self.recorder.requests)
        r = b.get("/chart/patient?id=42")
        self.assertEqual(r.status, 303, r)
        self.assertEqual(r.header("Location"), "/.sekisho/account?must_change=1")
        self.assertEqual(len(self.recorder.requests), before, "nothing reached the app")
        page = b.get(r.header("Location")).text
        self.assertIn("仮のパスワード", page)
        new = "Ajisai-Tsuyu#2027"
        r = b.post("/.sekisho/account/password", {"current_password": PASSWORD, "new_password": new, "confirm": new,
                                                  "csrf": hidden(page, "csrf")})
        self.assertEqual(r.status, 303, r)
        self.assertEqual(b.get("/chart/patient?id=42").status, 200)  # at once: the gateway forgot the old answer
        shown = sekisho(sekisho_binary(), self.gw.config_path, ["user", "show", "locum"]).stdout
        self.assertNotIn("must change", shown)

    def code_login(self, b, user, code):
        page = self.login_form(b)
        r = b.post("/.sekisho/login", {"username": user, "password": PASSWORD, "csrf": hidden(page, "csrf"),
                                       "rd": hidden(page, "rd")})
        return b.post("/.sekisho/login/code", {"code": code, "csrf": hidden(r.text, "csrf"), "rd": hidden(r.text, "rd")})

    def test_a_login_tells_of_account_changes_since_the_previous_one(self):
        key = add_user_with_totp(sekisho_binary(), self.gw.config_path, "auditor")
        first = self.code_login(self.browser(), "auditor", totp(key, time.time() + 30))
        self.assertEqual(first.status, 303, first)  # nothing changed since a previous login (there was none)
        printed = sekisho(sekisho_binary(), self.gw.config_path, ["recovery-codes", "auditor"]).stdout
        codes = re.findall(r"^  ([0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4})$", printed, re.M)
        b = self.browser()
        r = self.code_login(b, "auditor", codes[0])
        self.assertEqual(r.status, 200, r)
        self.assertIn("アカウントの変更のお知らせ", r.text)
        self.assertIn("リカバリーコードが作り直されました", r.text)
        self.assertIn('href="/chart/patient?id=42"', r.text)  # then on to the page first asked for
        self.assertTrue(b.jar.get("__Host-sekisho"), "logged in already")
        self.assertEqual(b.get("/chart/patient?id=42").status, 200)
        self.assertEqual(self.code_login(self.browser(), "auditor", codes[1]).status, 303)  # told once

    def test_an_app_is_renamed_on_the_account_page_and_the_last_one_stays(self):
        key = add_user_with_totp(sekisho_binary(), self.gw.config_path, "midwife")
        b = self.browser()
        self.assertEqual(self.code_login(b, "midwife", totp(key, time.time() + 30)).status, 303)
        page = b.get("/.sekisho/account").text
        app_id = re.search(r'action="/\.sekisho/account/app/remove">.*?name="id" value="(\d+)"', page).group(1)
        r = b.post("/.sekisho/account/app/remove", {"id": app_id, "csrf": hidden(page, "csrf")})
        self.assertIn("最後の2つ目の認証は削除できません", r.text)
        r = b.post("/.sekisho/account/app/rename", {"id": app_id, "name": "病棟のiPhone", "csrf": hidden(page, "csrf")})
        self.assertEqual(r.status, 303, r)
        self.assertIn("病棟のiPhone", b.get(r.header("Location")).text)
        shown = sekisho(sekisho_binary(), self.gw.config_path, ["user", "show", "midwife"]).stdout
        self.assertIn("totp            病棟のiPhone", shown)

    def test_an_oversized_form_is_refused(self):
        b = self.browser()
        self.login_form(b)
        r = b.post("/.sekisho/login", {"username": "nurse", "password": "x" * 9000, "csrf": b.jar["__Host-sekisho-csrf"]})
        self.assertEqual(r.status, 413)


if __name__ == "__main__":
    main()
