"""Bodies stream through the gateway both ways without being buffered whole: 1 GiB each way with the
gateway's RSS growing by at most 32 MiB, chunked requests and responses intact, Expect: 100-continue."""

import os
import struct
import sys
import time
import unittest

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import MiB, Env, Gateway, Nginx, RssSampler, main, request_bytes, sekisho_binary  # noqa: E402

GiB = 1024 * MiB
RSS_LIMIT_MIB = 32


class PatternedSparseFile:
    """A sparse file of zeros with a 4 KiB random marker every 64 MiB (at an odd offset), so a lost, doubled
    or reordered piece of the download changes what arrives where."""

    def __init__(self, path, size):
        self.path, self.size = path, size
        self.markers = [(off, os.urandom(4096)) for off in range(12345, size - 4096, 64 * MiB)]
        self.markers.append((size - 4096, os.urandom(4096)))
        with open(path, "wb") as f:
            f.truncate(size)
            for off, data in self.markers:
                f.seek(off)
                f.write(data)

    def expected(self, offset, n):
        out = bytearray(n)
        for off, data in self.markers:
            lo, hi = max(off, offset), min(off + len(data), offset + n)
            if lo < hi:
                out[lo - offset:hi - offset] = data[lo - off:hi - off]
        return out


class Checker:
    """Receives the download piece by piece and compares every byte with the file's content."""

    def __init__(self, source):
        self.source = source
        self.offset = 0
        self.first_mismatch = None

    def __call__(self, data):
        if self.first_mismatch is None and data != self.source.expected(self.offset, len(data)):
            self.first_mismatch = self.offset
        self.offset += len(data)


def upload_block(i, base):
    return struct.pack(">Q", i) + base[8:]


def compare_file(testcase, path, blocks, block_size, base):
    testcase.assertEqual(os.path.getsize(path), blocks * block_size, "the upstream got the wrong number of bytes")
    with open(path, "rb") as f:
        for i in range(blocks):
            if f.read(block_size) != upload_block(i, base):
                testcase.fail(f"the upstream got different bytes in block {i} (offset {i * block_size})")


class Streaming(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.env = Env()
        cls.nginx = Nginx(cls.env)
        cls.big = PatternedSparseFile(os.path.join(cls.nginx.files, "big.bin"), GiB)
        cls.gw = Gateway(cls.env, gateway={"max_body_bytes": 2 * GiB},
                         upstreams=[{"name": "nginx", "url": cls.nginx.url}],
                         rules=[{"name": "no uploads here", "paths": ["/denied"], "action": "deny"},
                                {"name": "everything else", "action": "bypass"}])
        cls.addClassCleanup(cls.gw.stop)
        cls.addClassCleanup(cls.nginx.stop)

    def body_file(self, response):
        self.assertEqual(response.status, 200, response)
        path = response.text.strip()
        self.assertTrue(path.startswith(self.nginx.dir), f"the upload sink answered {response.text!r}")
        self.addCleanup(lambda: os.path.exists(path) and os.remove(path))
        return path

    def warm_up(self):
        # The first request allocates the TLS session and the upstream pool: not part of the growth.
        for _ in range(3):
            self.assertEqual(self.gw.request("GET", "/files/big.bin", headers=[("Range", "bytes=0-99")]).status, 206)

    def test_1gib_download_in_bounded_memory(self):
        self.warm_up()
        checker = Checker(self.big)
        sampler = RssSampler(self.gw)
        started = time.monotonic()
        with self.gw.connect(timeout=60) as c:
            c.send(request_bytes("GET", "/files/big.bin"))
            r = c.read_response(sink=checker)
        sampler.stop()
        seconds = time.monotonic() - started
        print(f"\n  download: {GiB / MiB / seconds:.0f} MiB/s, gateway RSS {sampler.baseline_kib // 1024} MiB "
              f"→ peak {sampler.peak_kib // 1024} MiB ({sampler.samples} samples)", file=sys.stderr)
        self.assertEqual(r.status, 200)
        self.assertEqual(r.header("Content-Length"), str(GiB))
        self.assertEqual(checker.offset, GiB, "the client got the wrong number of bytes")
        self.assertIsNone(checker.first_mismatch, f"the bytes differ from offset {checker.first_mismatch}")
        self.assertLessEqual(sampler.growth_mib, RSS_LIMIT_MIB, "the gateway buffered the download")

    def test_idle_keep_alive_connections_hold_no_tls_buffers(self):
        # After its response, a connection waiting for its next request gives OpenSSL's two record buffers
        # (about 34 KiB) back (tls_stream::release_buffers): a thousand idle connections must fit in little memory.
        self.warm_up()
        n = 300
        before = self.gw.rss_kib()
        clients = []
        self.addCleanup(lambda: [c.close() for c in clients])
        for _ in range(n):
            c = self.gw.connect()
            clients.append(c)
            c.send(request_bytes("GET", "/files/big.bin", headers=[("Range", "bytes=0-16383")]))
            self.assertEqual(c.read_response("GET").status, 206)
        time.sleep(0.3)
        per_connection = (self.gw.rss_kib() - before) / n
        print(f"\n  {n} idle keep-alive connections: {per_connection:.1f} KiB each", file=sys.stderr)
        self.assertLess(per_connection, 32, "idle connections hold their TLS record buffers (about 46 KiB each then)")

    def test_1gib_upload_in_bounded_memory(self):
        self.warm_up()
        base = os.urandom(MiB)
        blocks = GiB // MiB
        sampler = RssSampler(self.gw)
        started = time.monotonic()
        with self.gw.connect(timeout=60) as c:
            c.send(request_bytes("POST", "/upload", headers=[("Content-Length", str(GiB)),
                                                              ("Content-Type", "application/octet-stream")]))
            try:
                for i in range(blocks):
                    c.send(upload_block(i, base))
            except (BrokenPipeError, ConnectionResetError):
                pass  # the response below says why
            r = c.read_response()
        sampler.stop()
        seconds = time.monotonic() - started
        print(f"\n  upload: {GiB / MiB / seconds:.0f} MiB/s, gateway RSS {sampler.baseline_kib // 1024} MiB "
              f"→ peak {sampler.peak_kib // 1024} MiB ({sampler.samples} samples)", file=sys.stderr)
        compare_file(self, self.body_file(r), blocks, MiB, base)
        self.assertLessEqual(sampler.growth_mib, RSS_LIMIT_MIB, "the gateway buffered the upload")

    def test_chunked_request_body_arrives_intact(self):
        base = os.urandom(MiB)
        data = b"".join(upload_block(i, base) for i in range(5))
        # Chunk sizes from 1 byte to larger than the gateway's relay buffer, with a chunk extension.
        body = bytearray()
        pos, sizes = 0, [1, 2, 7, 4096, 65535, 65536, 65537, 300000]
        i = 0
        while pos < len(data):
            piece = data[pos:pos + sizes[i % len(sizes)]]
            ext = b";name=value" if i % 3 == 0 else b""
            body += b"%x" % len(piece) + ext + b"\r\n" + piece + b"\r\n"
            pos += len(piece)
            i += 1
        body += b"0\r\n\r\n"
        with self.gw.connect() as c:
            c.send(request_bytes("POST", "/upload", headers=[("Transfer-Encoding", "chunked")]) + bytes(body))
            r = c.read_response()
            compare_file(self, self.body_file(r), 5, MiB, base)
            # The connection is still usable: the request ended where the client said it did.
            c.send(request_bytes("GET", "/after-chunked"))
            self.assertEqual(c.read_response().text, "uri=/after-chunked\n")

    def test_chunked_response_arrives_intact(self):
        data = os.urandom(3 * MiB + 12345)
        with open(os.path.join(self.nginx.files, "medium.bin"), "wb") as f:
            f.write(data)
        with self.gw.connect() as c:
            c.send(request_bytes("GET", "/chunked/medium.bin"))
            r = c.read_response()
            self.assertEqual(r.status, 200)
            self.assertEqual(r.header("Transfer-Encoding"), "chunked", r)
            self.assertIsNone(r.header("Content-Length"))
            self.assertEqual(r.body, data)
            c.send(request_bytes("GET", "/after-chunked"))  # keep-alive survives a chunked response
            self.assertEqual(c.read_response().text, "uri=/after-chunked\n")

    def test_chunked_response_to_http10_client_is_delimited_by_close(self):
        data = os.urandom(MiB + 7)
        with open(os.path.join(self.nginx.files, "medium10.bin"), "wb") as f:
            f.write(data)
        with self.gw.connect() as c:
            c.send(request_bytes("GET", "/chunked/medium10.bin", version="HTTP/1.0"))
            r = c.read_response()
            self.assertEqual(r.status, 200)
            self.assertIsNone(r.header("Transfer-Encoding"), "HTTP/1.0 has no chunked coding")
            self.assertEqual(r.body, data)
            self.assertTrue(c.closed_within(2))

    def test_expect_100_continue(self):
        data = os.urandom(100000)
        with self.gw.connect() as c:
            c.send(request_bytes("POST", "/upload", headers=[("Content-Length", str(len(data))),
                                                              ("Expect", "100-continue")]))
            status, _, _, head = c.read_head()  # before any body byte is sent
            self.assertEqual(status, 100, head)
            c.send(data)
            r = c.read_response()
            self.assertEqual(r.interim, [], "one 100 Continue only")
            with open(self.body_file(r), "rb") as f:
                self.assertEqual(f.read(), data)

    def test_expect_100_continue_on_a_denied_route_gets_the_final_answer_only(self):
        with self.gw.connect() as c:
            c.send(request_bytes("POST", "/denied", headers=[("Content-Length", "100000"),
                                                              ("Expect", "100-continue")]))
            r = c.read_response()
            self.assertEqual(r.status, 403)
            self.assertEqual(r.interim, [], "no 100 Continue for a request that will be refused")


if __name__ == "__main__":
    main()
