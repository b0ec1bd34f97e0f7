"""Upstreams for the gateway tests: a private nginx (the real thing), and small stdlib servers for what nginx
cannot do: keep every request head byte for byte, echo WebSocket frames, or never answer."""

import base64
import hashlib
import json
import os
import signal
import socket
import struct
import subprocess
import threading

from http_client import field, parse_fields
from processes import (Process, at_cleanup, check_port_taken, children_of, complete_lines, find_tool,
                       free_port, retry_while_port_taken, wait_for_port, wait_until)

ECHO_HEADERS = ["host", "remote_user", "x_remote_user", "x_forwarded_user", "x_forwarded_for", "x_forwarded_host",
                "x_forwarded_proto", "x_forwarded_port", "forwarded", "x_real_ip", "x_secret", "x_ehr_user",
                "x_ehr_groups", "x_test", "content_length", "transfer_encoding", "expect", "connection",
                "upgrade", "te", "cookie"]


class Nginx:
    """A private nginx on a free loopback port, with the locations the tests use:

    /            answers "uri=<request_uri>" (what path and query arrived)
    /echo        one "name=value" line per header in ECHO_HEADERS ($http_*, so '-' and '_' spellings alike)
    /upload      reads the whole body into a kept file (client_body_in_file_only) and answers its path
    /files/      static files under www/files (sendfile off, so the bytes go through nginx's buffers)
    /slow/       the same files at 256 KB/s (limit_rate)
    /chunked/    the same files with sub_filter, which drops Content-Length: a chunked response
    /redirect-internal  302 to http://127.0.0.1:PORT/next with Set-Cookie: a=b; Domain=127.0.0.1; Path=/
    /redirect-away      302 to http://other.example/x, Set-Cookie with Domain=other.example
    /redirect-other-port  302 to http://127.0.0.1:1/x (the internal host, another port)
    extra_locations are added to the server block, with @PORT@ replaced by nginx's port.
    tls=(cert, key) also serves the same locations over HTTPS on tls_port.
    """

    def __init__(self, env, name="nginx", extra_locations="", tls=None):
        self.env = env
        self.tls = tls
        self.tls_port = None
        self.dir = env.subdir(name)
        self.www = os.path.join(self.dir, "www")
        self.files = os.path.join(self.www, "files")
        os.makedirs(self.files, exist_ok=True)
        for d in ("body", "proxy", "fastcgi", "uwsgi", "scgi", "logs"):
            os.makedirs(os.path.join(self.dir, d), exist_ok=True)
        for d in (self.www, self.files, os.path.join(self.dir, "body")):
            os.chmod(d, 0o755)
        self.access_log = os.path.join(self.dir, "access.log")
        self.conf = os.path.join(self.dir, "nginx.conf")
        self.binary = find_tool("nginx")
        retry_while_port_taken(lambda: self._start(extra_locations))  # another test may take the free port

    def _start(self, extra_locations):
        self.port = free_port()
        self.tls_port = free_port() if self.tls else None
        with open(self.conf, "w") as f:
            f.write(self._config(extra_locations))
        test = subprocess.run([self.binary, "-t", "-p", self.dir + "/", "-c", self.conf], capture_output=True,
                              text=True)
        if test.returncode != 0:
            raise AssertionError(f"nginx refuses the test config:\n{test.stderr}")
        self.process = Process([self.binary, "-p", self.dir + "/", "-c", self.conf, "-g", "daemon off;"],
                               os.path.join(self.dir, "stderr.log"), death_signal=signal.SIGTERM)
        # Workers start once the listening socket is bound; a failed bind ends the master instead.
        wait_until(lambda: not self.process.running() or children_of(self.process.pid), 15,
                   what="nginx to start its worker")
        if self.process.running():
            wait_for_port(self.port, self.process)
            return
        self.process.stop()
        check_port_taken("nginx", self.process.log() + self.error_log())
        raise AssertionError(f"nginx did not start:\n{self.process.log()}{self.error_log()}")

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    @property
    def tls_url(self):
        return f"https://127.0.0.1:{self.tls_port}"

    def error_log(self):
        try:
            with open(os.path.join(self.dir, "error.log"), encoding="utf-8", errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def _config(self, extra_locations):
        d = self.dir
        user = ""
        if os.geteuid() == 0:  # workers would otherwise run as nobody and could not write the temp dirs
            user = "user root root;"
        echo = "".join(f"{h}=${'http_' + h}\\n" for h in ECHO_HEADERS)
        return f"""
{user}
worker_processes 1;
error_log {d}/error.log info;
pid {d}/nginx.pid;
events {{ worker_connections 1024; }}
http {{
  log_format sk escape=json '{{"request":"$request","status":$status,"request_length":$request_length,'
                            '"body_bytes_sent":$body_bytes_sent,"uri":"$request_uri","test":"$http_x_test"}}';
  access_log {d}/access.log sk;
  client_body_temp_path {d}/body;
  proxy_temp_path {d}/proxy;
  fastcgi_temp_path {d}/fastcgi;
  uwsgi_temp_path {d}/uwsgi;
  scgi_temp_path {d}/scgi;
  types {{ text/html html; text/plain txt; application/octet-stream bin; }}
  default_type text/plain;
  underscores_in_headers on;
  ignore_invalid_headers off;
  keepalive_requests 100000;
  server {{
    listen 127.0.0.1:{self.port};
    {self._tls_lines()}
    server_name _;
    root {self.www};
    location / {{ return 200 "uri=$request_uri\\n"; }}
    location /echo {{ return 200 "uri=$request_uri\\n{echo}"; }}
    location = /upload {{
      client_max_body_size 0;
      client_body_buffer_size 1m;
      client_body_in_file_only on;
      client_body_timeout 60s;
      proxy_pass_request_body off;
      proxy_set_header Content-Length "";
      proxy_set_header Transfer-Encoding "";
      proxy_set_header X-Body-File $request_body_file;
      proxy_pass http://127.0.0.1:{self.port}/upload-done;
    }}
    location = /upload-done {{ return 200 "$http_x_body_file"; }}
    location /files/ {{ sendfile off; }}
    location /slow/ {{ alias {self.files}/; sendfile off; limit_rate 256k; }}
    location /chunked/ {{
      alias {self.files}/;
      sub_filter_types *;
      sub_filter "string-that-never-occurs" "x";
      sub_filter_once off;
    }}
    location = /redirect-internal {{
      add_header Set-Cookie "a=b; Domain=127.0.0.1; Path=/";
      add_header Set-Cookie "c=d; domain=.127.0.0.1; Path=/app; HttpOnly";
      return 302 http://127.0.0.1:{self.port}/next?x=1;
    }}
    location = /redirect-away {{
      add_header Set-Cookie "e=f; Domain=other.example; Path=/";
      return 302 http://other.example/x;
    }}
    location = /redirect-other-port {{ return 302 http://127.0.0.1:1/x; }}
    {extra_locations.replace('@PORT@', str(self.port))}
  }}
}}
"""

    def _tls_lines(self):
        if not self.tls:
            return ""
        return (f"listen 127.0.0.1:{self.tls_port} ssl; ssl_certificate {self.tls[0]}; "
                f"ssl_certificate_key {self.tls[1]};")

    def log_entries(self):
        """The access log as a list of dicts, one per request nginx saw (not a line still being written)."""
        return [json.loads(line) for line in complete_lines(self.access_log, "replace") if line.strip()]

    def log_text(self):
        try:
            with open(self.access_log, encoding="utf-8", errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def stop(self):
        self.process.stop()


# -- small stdlib upstreams, for what nginx cannot do -----------------------------------------------------


class _Server:
    """A loopback TCP server in threads: each connection runs self.serve(conn) until it returns or fails."""

    def __init__(self):
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.port = self.listener.getsockname()[1]
        self.connections = 0  # accepted so far
        self.open_now = 0     # accepted and not yet closed
        self._open = []
        self._stopped = False
        threading.Thread(target=self._accept_loop, daemon=True).start()
        self.stop = at_cleanup(self._stop)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def _accept_loop(self):
        while not self._stopped:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            self.connections += 1
            self._open.append(conn)
            threading.Thread(target=self._serve_safely, args=(conn,), daemon=True).start()

    def _serve_safely(self, conn):
        self._count(1)
        try:
            conn.settimeout(30)
            self.serve(conn)
        except (OSError, ValueError):
            pass
        finally:
            conn.close()
            self._count(-1)

    _lock = threading.Lock()

    def _count(self, delta):
        with self._lock:
            self.open_now += delta

    def _stop(self):
        self._stopped = True
        try:
            self.listener.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.listener.close()
        for c in self._open:
            try:
                c.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            c.close()


def _recv_until(conn, buf, marker):
    while marker not in buf:
        data = conn.recv(65536)
        if not data:
            raise ValueError("closed")
        buf += data
    i = buf.index(marker) + len(marker)
    return bytes(buf[:i]), buf[i:]


def _recv_exact(conn, buf, n):
    while len(buf) < n:
        data = conn.recv(65536)
        if not data:
            raise ValueError("closed")
        buf += data
    return bytes(buf[:n]), buf[n:]


class RecordingUpstream(_Server):
    """An HTTP/1.1 upstream that keeps every request head byte for byte (nginx's $http_ variables show only
    one copy of a header), reads Content-Length or chunked bodies, and answers 200 "ok" with keep-alive."""

    def __init__(self, response=b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Type: text/plain\r\n\r\nok"):
        self.requests = []  # (head bytes, body bytes)
        self.response = response
        super().__init__()

    def serve(self, conn):
        buf = bytearray()
        while True:
            head, buf = _recv_until(conn, buf, b"\r\n\r\n")
            fields = parse_fields(head)
            body = b""
            if "chunked" in field(fields, "transfer-encoding", "").lower():
                while True:
                    size_line, buf = _recv_until(conn, buf, b"\r\n")
                    size = int(size_line.split(b";")[0], 16)
                    data, buf = _recv_exact(conn, buf, size + 2)
                    body += data[:-2]
                    if size == 0:
                        break
            elif field(fields, "content-length"):
                body, buf = _recv_exact(conn, buf, int(field(fields, "content-length")))
            self.requests.append((head, body))
            conn.sendall(self.response)

    def heads(self):
        return [h for h, _ in self.requests]


class ClosedPort:
    """A port that refuses connections and that no one else can take meanwhile: bound, never listening."""

    def __init__(self):
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.port = self.socket.getsockname()[1]
        self.stop = at_cleanup(self.socket.close)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"


class BlackHole:
    """Listens but never accepts: connections complete in the kernel, requests are never answered."""

    def __init__(self):
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.port = self.listener.getsockname()[1]
        self.stop = at_cleanup(self.listener.close)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"


WS_GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC11B11"


def ws_accept_key(key):
    return base64.b64encode(hashlib.sha1(key.encode() + WS_GUID).digest()).decode()


def ws_frame(payload, opcode=1, mask=True):
    head = bytes([0x80 | opcode])
    n = len(payload)
    m = 0x80 if mask else 0
    if n < 126:
        head += bytes([m | n])
    elif n < 65536:
        head += bytes([m | 126]) + struct.pack(">H", n)
    else:
        head += bytes([m | 127]) + struct.pack(">Q", n)
    if not mask:
        return head + payload
    key = os.urandom(4)
    return head + key + bytes(b ^ key[i % 4] for i, b in enumerate(payload))


def ws_read_frame(read_exact):
    """(opcode, payload) of one frame, unmasking if needed; read_exact(n) returns n bytes."""
    b0, b1 = read_exact(2)
    n = b1 & 0x7F
    if n == 126:
        n = struct.unpack(">H", read_exact(2))[0]
    elif n == 127:
        n = struct.unpack(">Q", read_exact(8))[0]
    key = read_exact(4) if b1 & 0x80 else None
    payload = read_exact(n) if n else b""
    if key:
        payload = bytes(b ^ key[i % 4] for i, b in enumerate(payload))
    return b0 & 0x0F, payload


class WebSocketEcho(_Server):
    """A minimal RFC 6455 server: answers the upgrade, echoes text and binary frames, answers ping and close."""

    def __init__(self):
        self.upgrade_heads = []
        super().__init__()

    def serve(self, conn):
        buf = bytearray()
        head, buf = _recv_until(conn, buf, b"\r\n\r\n")
        self.upgrade_heads.append(head)
        key = field(parse_fields(head), "sec-websocket-key")
        if not key:
            conn.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            return
        conn.sendall(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                     b"Sec-WebSocket-Accept: " + ws_accept_key(key).encode() + b"\r\n\r\n")

        def read_exact(n):
            nonlocal buf
            data, buf = _recv_exact(conn, buf, n)
            return data

        while True:
            opcode, payload = ws_read_frame(read_exact)
            if opcode == 8:
                conn.sendall(ws_frame(payload, 8, mask=False))
                return
            conn.sendall(ws_frame(payload, 10 if opcode == 9 else opcode, mask=False))
