"""A raw HTTP/1.1 client over TLS (or plain TCP) for the gateway tests: it sends exact bytes, parses responses
itself so the tests see the framing, and tells whether the peer closed the connection."""

import re
import socket
import ssl
import time

def parse_fields(head):
    """[(name, value)] of a request or response head (bytes), in order, names as sent."""
    lines = head.decode("latin-1").split("\r\n")[1:]
    out = []
    for line in lines:
        if not line:
            continue
        name, _, value = line.partition(":")
        out.append((name, value.strip(" \t")))
    return out


def field(fields, name, default=None):
    for n, v in fields:
        if n.lower() == name.lower():
            return v
    return default


def fields_all(fields, name):
    return [v for n, v in fields if n.lower() == name.lower()]


class Response:
    def __init__(self, status, reason, fields, raw_head, body, interim):
        self.status = status
        self.reason = reason
        self.fields = fields
        self.raw_head = raw_head
        self.body = body
        self.interim = interim  # 1xx heads received before this response

    def header(self, name, default=None):
        return field(self.fields, name, default)

    def headers(self, name):
        return fields_all(self.fields, name)

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")

    def __repr__(self):
        return f"<Response {self.status} {self.fields!r} body={self.body[:200]!r}>"


class ConnectionClosed(Exception):
    pass


class Client:
    """A TLS (or plain) connection that sends exact bytes and parses responses itself, so tests see framing
    and can tell whether the gateway closed the connection."""

    def __init__(self, port, server_name="ehr.test", context=None, timeout=10, tls=True, source=None):
        """source: the loopback address to connect from (127.0.0.2, say: another machine to the gateway)."""
        raw = socket.create_connection(("127.0.0.1", port), timeout, (source, 0) if source else None)
        raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock = context.wrap_socket(raw, server_hostname=server_name) if tls else raw
        self.sock.settimeout(timeout)
        self.buf = bytearray()
        self.eof = False

    def send(self, data):
        self.sock.sendall(data)

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _recv(self, n=256 * 1024):
        if self.eof:
            raise ConnectionClosed("connection closed by the peer")
        try:
            data = self.sock.recv(n)
        except (ConnectionResetError, ssl.SSLEOFError, ssl.SSLZeroReturnError, BrokenPipeError):
            data = b""
        except ssl.SSLError as e:
            if "EOF" in str(e) or "reset" in str(e).lower():
                data = b""
            else:
                raise
        if not data:
            self.eof = True
            raise ConnectionClosed("connection closed by the peer")
        return data

    def _fill(self):
        self.buf += self._recv()

    def read_until(self, marker):
        while marker not in self.buf:
            self._fill()
        i = self.buf.index(marker) + len(marker)
        out = bytes(self.buf[:i])
        del self.buf[:i]
        return out

    def read_exact(self, n):
        while len(self.buf) < n:
            self._fill()
        out = bytes(self.buf[:n])
        del self.buf[:n]
        return out

    def read_head(self):
        head = self.read_until(b"\r\n\r\n")
        status_line = head.split(b"\r\n", 1)[0].decode("latin-1")
        m = re.match(r"HTTP/1\.[01] (\d{3}) ?(.*)$", status_line)
        if not m:
            raise AssertionError(f"not an HTTP response: {head[:200]!r}")
        return int(m.group(1)), m.group(2), parse_fields(head), head

    def read_response(self, method="GET", sink=None):
        """The next final response (1xx heads are kept in .interim). With sink, body bytes go to sink(bytes)
        as they arrive and .body stays empty."""
        interim = []
        while True:
            status, reason, fields, head = self.read_head()
            if 100 <= status < 200 and status != 101:
                interim.append(head)
                continue
            break
        body = bytearray()
        out = sink or body.extend
        te = field(fields, "transfer-encoding")
        cl = field(fields, "content-length")
        if method == "HEAD" or status in (101, 204, 304):
            pass
        elif te is not None:
            if te.lower() != "chunked":
                raise AssertionError(f"unexpected Transfer-Encoding {te!r}")
            while True:
                size = int(self.read_until(b"\r\n").split(b";")[0], 16)
                if size == 0:
                    self.read_until(b"\r\n")  # no trailers expected; the last CRLF
                    break
                self._body_bytes(size, out)
                if self.read_exact(2) != b"\r\n":
                    raise AssertionError("chunk not followed by CRLF")
        elif cl is not None:
            self._body_bytes(int(cl), out)
        else:  # until the connection closes
            try:
                while True:
                    if self.buf:
                        out(bytes(self.buf))
                        self.buf.clear()
                    self._fill()
            except ConnectionClosed:
                pass
        return Response(status, reason, fields, head, bytes(body), interim)

    def _body_bytes(self, n, out):
        take = min(n, len(self.buf))
        if take:
            out(bytes(self.buf[:take]))
            del self.buf[:take]
            n -= take
        while n > 0:
            data = self._recv(min(n, 256 * 1024))
            out(data)
            n -= len(data)

    def closed_within(self, timeout):
        """True when the peer closes (EOF or reset) within timeout; bytes that arrive meanwhile are kept."""
        deadline = time.monotonic() + timeout
        if self.eof:
            return True
        try:
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self.sock.settimeout(left)
                self._fill()
        except ConnectionClosed:
            return True
        except (socket.timeout, TimeoutError):
            return False


def request_bytes(method, target, host="ehr.test", headers=(), body=None, version="HTTP/1.1"):
    lines = [f"{method} {target} {version}"]
    if host is not None:
        lines.append(f"Host: {host}")
    lines += [f"{n}: {v}" for n, v in headers]
    if body is not None and not any(n.lower() in ("content-length", "transfer-encoding") for n, _ in headers):
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + (body or b"")


def chunked(data, size):
    out = bytearray()
    for i in range(0, len(data), size):
        piece = data[i:i + size]
        out += b"%x\r\n" % len(piece) + piece + b"\r\n"
    return bytes(out) + b"0\r\n\r\n"
