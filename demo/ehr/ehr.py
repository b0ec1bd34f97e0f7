#!/usr/bin/env python3
"""電子カルテ デモ: a small legacy-style EHR web app for showing what Sekisho protects.

    python3 demo/ehr/ehr.py --listen 127.0.0.1:8081 --data DIR

It knows nothing about Sekisho. Like old apps behind an SSO proxy it trusts the Remote-User header
as the logged-in user, and like old apps it leaks its own address: redirects carry an absolute
Location built from the Host header, and the session cookie names that host as its Domain. The
gateway in front has to strip Remote-User from clients and rewrite both.

Python 3.11 standard library only. One process, one thread per connection, HTTP/1.1 keep-alive.
"""

import argparse
import datetime
import re
import secrets
import signal
import socket
import socketserver
import sys
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

sys.dont_write_bytecode = True      # no __pycache__ left in the source tree
import images  # noqa: E402
import pages  # noqa: E402
import reports  # noqa: E402
from records import JST, Store, StoreError  # noqa: E402

MAX_FORM_BYTES = 64 * 1024
COOKIE = "EHRSESSION"
PATIENT = r"/patients/(P\d{6})"
HOST_HEADER = re.compile(r"[A-Za-z0-9.-]+(?::\d{1,5})?|\[[0-9A-Fa-f:.]+\](?::\d{1,5})?")
UNPRINTABLE = {c: f"\\x{c:02x}" for c in [*range(0x20), 0x7f]}

ERRORS = {
    400: ("不正なリクエスト", "リクエストを処理できませんでした。"),
    404: ("ページが見つかりません", "指定されたページは存在しないか、移動または削除されました。"),
    405: ("許可されていない操作", "このページではその操作は行えません。"),
    408: ("タイムアウト", "リクエストの受信が時間内に完了しませんでした。"),
    411: ("長さが必要です", "Content-Length のないリクエストは受け付けません。"),
    413: ("データが大きすぎます", "送信されたデータが大きすぎます。"),
    414: ("URLが長すぎます", "URLが長すぎます。"),
    415: ("形式が違います", "フォームの送信形式が正しくありません。"),
    431: ("ヘッダーが大きすぎます", "リクエストヘッダーが大きすぎます。"),
    500: ("システムエラー", "システムエラーが発生しました。時間をおいて再度お試しください。"),
    501: ("未対応の操作", "この操作には対応していません。"),
    505: ("未対応のHTTPバージョン", "このHTTPバージョンには対応していません。"),
}


def decode_header(raw):
    """http.server reads headers as Latin-1; a proxy may send UTF-8 bytes, so undo that."""
    try:
        return raw.encode("latin-1").decode("utf-8")
    except UnicodeError:
        return raw


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "LegacyEHR/2.3"
    timeout = 60                       # idle keep-alive connections are closed after this
    store = None                       # set by main()

    def version_string(self):
        return self.server_version

    # -- the request ---------------------------------------------------------------------------

    def do_GET(self):
        self._handle()

    def do_HEAD(self):
        self._handle()

    def do_POST(self):
        self._handle()

    def _handle(self):
        self._status, self._size, self._started = None, 0, False
        self._cookie = not self._has_session()
        if self.command != "POST" and (self.headers.get("Transfer-Encoding")
                                       or self.headers.get("Content-Length", "0") != "0"):
            self.close_connection = True        # a body nobody reads: the connection cannot go on
        try:
            self._route()
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        except Exception:
            sys.stderr.write(f"error in {self._logline()}:\n{traceback.format_exc()}")
            self.close_connection = True
            if not self._started:
                try:
                    self._error(500)
                except OSError:
                    pass
        self._log()

    def _route(self):
        url = urlsplit(self.path)
        path = unquote(url.path)
        get = self.command in ("GET", "HEAD")
        if path == "/healthz":
            self._cookie = False
            return self._text(200, "ok") if get else self._error(405, close=True)
        if self.command == "POST":
            if m := re.fullmatch(PATIENT + "/notes", path):
                return self._add_note(m[1])
            known = path in ("/", "/whoami", "/reports/export.csv") or re.fullmatch(PATIENT, path)
            return self._error(405 if known else 404, close=True)     # the body is left unread
        if path == "/":
            query = parse_qs(url.query, errors="replace").get("q", [""])[0][:200]
            return self._html(200, pages.patient_list(self.store.patients(query), query, self._user()))
        if path == "/whoami":
            return self._text(200, self._whoami())
        if path == "/reports/export.csv":
            return self._csv()
        if m := re.fullmatch(PATIENT, path):
            p = self.store.patient(m[1])
            return self._html(200, pages.patient_detail(p, self._user())) if p else self._error(404)
        if m := re.fullmatch(PATIENT + "/images/chest.png", path):
            if not self.store.patient(m[1]):
                return self._error(404)
            return self._send(200, images.chest_png(m[1]), "image/png",
                              [("Content-Disposition", f'inline; filename="{m[1]}_chest.png"')])
        return self._error(404)

    # -- what the app believes about the caller --------------------------------------------------

    def _user(self):
        """The Remote-User header set by the gateway (trusted blindly, as legacy apps do)."""
        raw = self.headers.get("Remote-User") if getattr(self, "headers", None) else None
        user = "".join(c for c in decode_header(raw or "") if c.isprintable()).strip()[:128]
        return user or None

    def _host(self):
        """The Host header as the app sees it, or its own listening address."""
        host = (self.headers.get("Host") or "").strip()
        if HOST_HEADER.fullmatch(host):
            return host
        name, port = self.server.server_address[:2]
        return f"[{name}]:{port}" if ":" in name else f"{name}:{port}"

    def _has_session(self):
        return any(re.search(rf"(?:^|;)\s*{COOKIE}=", c) for c in self.headers.get_all("Cookie", []))

    def _whoami(self):
        lines = []
        for name in ("Remote-User", "X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host", "Host"):
            values = self.headers.get_all(name) or ["(none)"]
            lines += [f"{name}: {decode_header(v)}" for v in values]
        lines.append(f"Client-Address: {self.client_address[0]}")
        return "\n".join(lines) + "\n"

    # -- notes -----------------------------------------------------------------------------------

    def _add_note(self, pid):
        form = self._read_form()
        if form is None:
            return
        p = self.store.patient(pid)
        if p is None:
            return self._error(404)
        text = form.get("text", [""])[0].replace("\r\n", "\n").replace("\r", "\n")
        text = "".join(c for c in text if c in "\n\t" or c.isprintable())
        problem = None
        if not text.strip():
            problem = "記録の内容を入力してください。"
        elif len(text.encode("utf-8")) > pages.NOTE_MAX_BYTES:
            problem = f"記録は{pages.NOTE_MAX_BYTES // 1024}KB以内で入力してください。"
        if problem:
            return self._html(400, pages.patient_detail(p, self._user(), text, problem))
        self.store.add_note(pid, self._user() or "不明", text.strip("\n"))
        location = f"http://{self._host()}/patients/{pid}"
        body = f'<!DOCTYPE html><p><a href="{pages.esc(location)}">{pages.esc(location)}</a></p>\n'
        self._send(303, body.encode("utf-8"), "text/html; charset=utf-8", [("Location", location)])

    def _read_form(self):
        """The urlencoded form in the body, or None after answering with an error."""
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            return self._error(411, close=True)
        length = self.headers.get("Content-Length")
        if length is None:
            return self._error(411, close=True)
        if not length.isdigit():
            return self._error(400, close=True)
        if int(length) > MAX_FORM_BYTES:
            return self._error(413, close=True)
        body = self.rfile.read(int(length))
        if len(body) < int(length):
            self.close_connection = True
            return None
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if ctype not in ("", "application/x-www-form-urlencoded"):
            return self._error(415)
        try:
            return parse_qs(body.decode("utf-8"), keep_blank_values=True, errors="strict",
                            max_num_fields=20)
        except ValueError:          # not UTF-8 (before or after %-decoding) or too many fields
            return self._error(400)

    # -- responses -------------------------------------------------------------------------------

    def send_response(self, code, message=None):
        self._status, self._started = code, True
        super().send_response(code, message)

    def log_request(self, code="-", size="-"):
        pass                        # one line per request is written by _log()

    def log_message(self, format, *args):
        sys.stderr.write(f"{datetime.datetime.now(JST).isoformat(timespec='seconds')} "
                         f"{self.client_address[0]} {(format % args).translate(UNPRINTABLE)}\n")

    def _logline(self):
        return f'"{getattr(self, "requestline", "")}"'.translate(UNPRINTABLE)

    def _log(self):
        user = (self._user() or "-").translate(UNPRINTABLE)
        self.log_message("%s %s %s user=%s", self._logline(), self._status or "-", self._size, user)

    def _end_headers(self):
        if self._cookie:
            domain = self._host()
            domain = domain[1:domain.index("]")] if domain.startswith("[") else domain.split(":")[0]
            self.send_header("Set-Cookie", f"{COOKIE}={secrets.token_hex(16)}; Path=/; Domain={domain}; HttpOnly")
        self.end_headers()

    def _send(self, status, body, ctype, headers=()):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        if self.close_connection and not any(n == "Connection" for n, _ in headers):
            headers = [*headers, ("Connection", "close")]
        for name, value in headers:
            self.send_header(name, value)
        self._end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
            self._size = len(body)

    def _html(self, status, page):
        self._send(status, page.encode("utf-8"), "text/html; charset=utf-8")

    def _text(self, status, text):
        self._send(status, text.encode("utf-8"), "text/plain; charset=utf-8")

    def _error(self, status, close=False):
        title, message = ERRORS[status]
        headers = [("Connection", "close")] if close else []
        if status == 405:
            headers.append(("Allow", "GET, HEAD"))
        self._send(status, pages.error_page(status, title, message, self._user()).encode("utf-8"),
                   "text/html; charset=utf-8", headers)

    def send_error(self, code, message=None, explain=None):
        """http.server's own errors (bad request line, unknown method...): in Japanese, then close."""
        self._status, self._size, self._started = None, 0, False
        self._cookie = False
        self.close_connection = True
        try:
            code = int(code)
            if code not in ERRORS:
                code = 400 if code < 500 else 500
            self._error(code, close=True)
        except OSError:
            pass
        self._log()

    def _csv(self):
        """The export, streamed: chunked on HTTP/1.1, until the connection closes on HTTP/1.0."""
        chunked = self.request_version == "HTTP/1.1"
        self.send_response(200)
        self.send_header("Content-Type", "text/csv; charset=utf-8")
        self.send_header("Content-Disposition", 'attachment; filename="vitals_export.csv"')
        self.send_header("Transfer-Encoding" if chunked else "Connection", "chunked" if chunked else "close")
        self._end_headers()
        if self.command == "HEAD":
            return
        for piece in reports.vitals_csv(self.store.patients()):
            self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece) if chunked else piece)
            self._size += len(piece)
        if chunked:
            self.wfile.write(b"0\r\n\r\n")


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def server_bind(self):
        # HTTPServer.server_bind asks DNS for the host's full name; an offline box may hang on that.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]


def parse_listen(text):
    host, sep, port = text.rpartition(":")
    host = host[1:-1] if host.startswith("[") and host.endswith("]") else host
    if not sep or not host or not port.isdigit() or int(port) > 65535:
        raise argparse.ArgumentTypeError(f"expected HOST:PORT, got {text!r}")
    return host, int(port)


class Stop(Exception):
    pass


def _stop(signum, frame):
    raise Stop


def main():
    ap = argparse.ArgumentParser(prog="ehr.py", description="電子カルテ デモ: a legacy-style demo EHR web app.")
    ap.add_argument("--listen", type=parse_listen, default=("127.0.0.1", 8081), metavar="HOST:PORT",
                    help="address to listen on; port 0 picks a free one (default 127.0.0.1:8081)")
    ap.add_argument("--data", required=True, metavar="DIR",
                    help="directory for the records (created and filled with demo patients if empty)")
    args = ap.parse_args()
    host, port = args.listen

    try:
        Handler.store = Store(args.data)
    except StoreError as e:
        print(f"demo EHR: {e}", file=sys.stderr)
        return 1
    Server.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        server = Server((host, port), Handler)
    except OSError as e:
        print(f"demo EHR: cannot listen on {host}:{port}: {e.strerror}", file=sys.stderr)
        return 1

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    shown = f"[{host}]" if ":" in host else host
    print(f"demo EHR listening on http://{shown}:{server.server_address[1]}", flush=True)
    try:
        server.serve_forever(poll_interval=0.5)
    except Stop:
        pass
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        server.server_close()
        Handler.store.close()       # waits for a note being written, then keeps the lock
    print("demo EHR stopped", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
