#!/usr/bin/env python3
"""Opens N keep-alive TLS connections to HOST:PORT, sends one GET on each and reads the whole response,
then holds them all open and idle until standard input closes (or a line arrives).

    idle_conns.py HOST PORT N PATH [COOKIE]

Prints "open N" on stdout once every connection has had its response, or "failed: ..." and exits 1.
Used by run.sh to read a server's RSS with N idle keep-alive connections.

The connections come from MACHINES loopback addresses in turn (127.0.1.1, 127.0.1.2, ...), as from a ward's
PCs, not all from one: the gateway caps connections per client address (max_connections_per_address)."""

import socket
import ssl
import sys

MACHINES = 50


def read_response(tls):
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = tls.recv(65536)
        if not chunk:
            raise ConnectionError("closed before the response head")
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    status = head.split(b"\r\n", 1)[0]
    if b" 200 " not in status + b" ":
        raise ConnectionError("status line: " + status.decode(errors="replace"))
    length = None
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    if length is None:
        raise ConnectionError("no Content-Length (the bench page is static)")
    while len(body) < length:
        chunk = tls.recv(65536)
        if not chunk:
            raise ConnectionError("closed in the body")
        body += chunk


def main():
    host, port, n, path = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    cookie = sys.argv[5] if len(sys.argv) > 5 else ""
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    request = f"GET {path} HTTP/1.1\r\nHost: localhost\r\n"
    if cookie:
        request += f"Cookie: {cookie}\r\n"
    request = (request + "\r\n").encode()
    conns = []
    try:
        for i in range(n):
            source = f"127.0.1.{1 + i % MACHINES}"
            raw = socket.create_connection((host, port), timeout=10, source_address=(source, 0))
            tls = ctx.wrap_socket(raw, server_hostname="localhost")
            tls.sendall(request)
            read_response(tls)
            conns.append(tls)
    except Exception as e:  # noqa: BLE001 - any failure is reported the same way
        print(f"failed after {len(conns)} connections: {e}", flush=True)
        return 1
    print(f"open {len(conns)}", flush=True)
    sys.stdin.readline()
    for c in conns:
        c.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
