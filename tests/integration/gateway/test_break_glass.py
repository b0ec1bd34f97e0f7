"""Break-glass over real HTTPS, against a real authd and a real nginx: an emergency session opened with the
password, the sealed emergency code and a reason gets the banner written into every HTML page — right after
<body> in a page with Content-Length (which grows by the banner), at the end of a chunked page without a body
tag — and not into other content; every one of its requests is marked in the access log, nginx is asked
for uncompressed pages, and the webhook receiver gets the opening as JSON. An ordinary session's pages stay
byte for byte as the upstream sent them."""

import json
import os
import re
import sys
import time
import unittest

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from accounts import PASSWORD, sekisho, totp  # noqa: E402
from harness import Env, main, sekisho_binary, wait_until  # noqa: E402
from test_portal import PortalSite, hidden  # noqa: E402
from upstreams import Nginx, RecordingUpstream  # noqa: E402

PAGE = '<!doctype html><html><head><title>chart</title></head><body class="ward"><p>P000123</p></body></html>'
LOCATIONS = f"""
location = /bg/page {{ default_type text/html; return 200 '{PAGE}'; }}
location = /bg/json {{ default_type application/json; return 200 '{{"note":"<body>"}}'; }}
location = /bg/encoding {{ default_type text/plain; return 200 '$http_accept_encoding'; }}
"""


class BreakGlass(PortalSite):
    @classmethod
    def setUpClass(cls):
        cls.env = Env()
        cls.nginx = Nginx(cls.env, extra_locations=LOCATIONS)
        cls.addClassCleanup(cls.nginx.stop)
        with open(os.path.join(cls.nginx.files, "fragment.html"), "w") as f:
            f.write("<p>a fragment without a body tag</p>\n" * 50)
        cls.hook = RecordingUpstream()
        cls.addClassCleanup(cls.hook.stop)
        webhook = f'webhook_url = "{cls.hook.url}/hooks/break-glass?channel=ward3"\n'
        cls.start_site(f"http://127.0.0.1:{cls.nginx.port}", "\n[break_glass]\nenabled = true\n" + webhook)

    def emergency_browser(self):
        printed = sekisho(sekisho_binary(), self.gw.config_path, ["break-glass", "issue", "nurse"]).stdout
        code = re.search(r"^  ([0-9a-z-]{14})$", printed, re.M).group(1)
        b = self.browser()
        page = b.get("/.sekisho/break-glass").text
        self.assertIn("緊急アクセスは1時間で終わり", page)  # break_glass.session_lifetime, as the page says it
        r = b.post("/.sekisho/break-glass", {"username": "nurse", "password": PASSWORD, "code": code,
                                             "reason": "急患対応", "csrf": hidden(page, "csrf")})
        self.assertEqual(r.status, 303, r)
        return b

    def test_banner_goes_after_body_or_at_the_end_and_only_into_html(self):
        b = self.emergency_browser()
        r = b.get("/bg/page")
        self.assertEqual(r.status, 200)
        body = r.text
        self.assertEqual(int(r.header("Content-Length")), len(r.body))
        self.assertTrue(body.startswith('<!doctype html><html><head><title>chart</title></head><body class="ward">'
                                        '<div role="alert"'), body[:200])
        self.assertTrue(body.endswith("<p>P000123</p></body></html>"))
        self.assertIn("&#x7DCA;&#x6025;", body)  # 緊急, as character references
        self.assertTrue(all(byte < 0x80 for byte in r.body), "the banner is ASCII")

        fragment = b.get("/chunked/fragment.html")
        self.assertEqual(fragment.status, 200)
        self.assertTrue(fragment.text.startswith("<p>a fragment without a body tag</p>\n" * 50))
        self.assertTrue(fragment.text.endswith("</div>"), fragment.text[-200:])

        json_body = b.get("/bg/json")
        self.assertEqual(json_body.text, '{"note":"<body>"}')
        self.assertEqual(b.get("/bg/encoding", extra=[("Accept-Encoding", "gzip, br")]).text, "")

        def marked(path):
            return any(e.get("break_glass") is True and e["path"] == path and e["user"] == "nurse"
                       for e in self.gw.access_log_entries())
        for path in ("/bg/page", "/chunked/fragment.html", "/bg/json"):
            wait_until(lambda: marked(path), 5, what=f"{path} marked break_glass in the access log")

    def test_the_webhook_receives_each_opening(self):
        before = len(self.hook.requests)
        self.emergency_browser()
        wait_until(lambda: len(self.hook.requests) > before, 10, what="the webhook to be called")
        head, body = self.hook.requests[before]
        self.assertTrue(head.startswith(b"POST /hooks/break-glass?channel=ward3 HTTP/1.1\r\n"), head)
        self.assertIn(b"\r\nContent-Type: application/json\r\n", head)
        event = json.loads(body)
        self.assertEqual(event["event"], "break_glass.open")
        self.assertEqual(event["user"], "nurse")
        self.assertEqual(event["reason"], "急患対応")
        self.assertEqual(event["source"], "127.0.0.1")
        self.assertEqual(event["expires_in"], 3600)
        self.assertLess(abs(event["time"] - time.time()), 60)

    def test_an_ordinary_session_gets_the_page_untouched_and_unmarked(self):
        b = self.browser()
        page = b.get("/.sekisho/login").text
        r = b.post("/.sekisho/login", {"username": "nurse", "password": PASSWORD, "csrf": hidden(page, "csrf")})
        r = b.post("/.sekisho/login/code", {"code": totp(self.key, time.time() + 30), "csrf": hidden(r.text, "csrf")})
        self.assertEqual(r.status, 303, r)
        r = b.get("/bg/page")
        self.assertEqual(r.text, PAGE)
        self.assertEqual(b.get("/bg/encoding", extra=[("Accept-Encoding", "gzip")]).text, "gzip")
        wait_until(lambda: any(e["path"] == "/bg/page" and "break_glass" not in e for e in self.gw.access_log_entries()),
                   5, what="the ordinary session's request logged without a break_glass mark")


if __name__ == "__main__":
    main()
