"""The gateway's TLS: each host name gets its own certificate (SNI), an unknown name gets the first one,
only TLS 1.2 and 1.3 with forward-secret AEAD suites are spoken, ALPN picks HTTP/1.1, and a client that
never finishes its handshake is cut off."""

import os
import socket
import ssl
import sys
import time
import unittest
import warnings

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Client, Env, Gateway, Nginx, main, make_certificate, request_bytes, toml_table  # noqa: E402

HEADER_TIMEOUT = 2


def peer_subject(port, server_name, context):
    with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
        with context.wrap_socket(raw, server_hostname=server_name) as tls:
            return dict(x[0] for x in tls.getpeercert()["subject"]), tls.version(), tls.selected_alpn_protocol()


class Tls(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.env = Env()
        cls.pacs_cert, cls.pacs_key = make_certificate(cls.env.path("pacs.pem"), cls.env.path("pacs.key"), ["pacs.test"])
        cls.nginx = Nginx(cls.env)
        second = "\n".join(toml_table("[[gateway.certificate]]", {"hosts": ["pacs.test"], "cert_file": cls.pacs_cert,
                                                                   "key_file": cls.pacs_key}))
        cls.gw = Gateway(cls.env, gateway={"header_timeout": f"{HEADER_TIMEOUT}s"},
                         upstreams=[{"name": "nginx", "url": cls.nginx.url}],
                         rules=[{"name": "all", "action": "bypass"}], extra=second)
        for c in (cls.gw.stop, cls.nginx.stop):
            cls.addClassCleanup(c)

    def context(self, cafile):
        ctx = ssl.create_default_context(cafile=cafile)
        ctx.set_alpn_protocols(["h2", "http/1.1"])
        return ctx

    def test_each_host_name_gets_its_own_certificate(self):
        subject, _, _ = peer_subject(self.gw.port, "pacs.test", self.context(self.pacs_cert))
        self.assertEqual(subject["commonName"], "pacs.test")
        subject, _, _ = peer_subject(self.gw.port, "ehr.test", self.context(self.env.cert))
        self.assertEqual(subject["commonName"], "ehr.test")

    def test_an_unknown_name_gets_the_first_certificate(self):
        ctx = self.context(self.env.cert)
        ctx.check_hostname = False
        subject, _, _ = peer_subject(self.gw.port, "unknown.test", ctx)
        self.assertEqual(subject["commonName"], "ehr.test")

    def test_requests_pass_on_both_names(self):
        for name, cafile in (("pacs.test", self.pacs_cert), ("ehr.test", self.env.cert)):
            with Client(self.gw.port, name, self.context(cafile)) as c:
                c.send(request_bytes("GET", "/files-on-" + name, host=name))
                r = c.read_response()
                self.assertEqual(r.status, 200, r)
                self.assertEqual(r.text, f"uri=/files-on-{name}\n")

    def test_tls13_and_alpn_http11(self):
        _, version, alpn = peer_subject(self.gw.port, "ehr.test", self.context(self.env.cert))
        self.assertEqual(version, "TLSv1.3")
        self.assertEqual(alpn, "http/1.1")  # h2 was offered first and is not spoken

    def test_tls12_offers_only_forward_secret_aead_suites(self):
        ctx = self.context(self.env.cert)
        ctx.maximum_version = ssl.TLSVersion.TLSv1_2
        ctx.set_ciphers("ECDHE+AESGCM:ECDHE+CHACHA20")
        _, version, _ = peer_subject(self.gw.port, "ehr.test", ctx)
        self.assertEqual(version, "TLSv1.2")
        for weak in ("AES128-SHA", "ECDHE-ECDSA-AES128-SHA", "AES256-GCM-SHA384"):  # CBC, CBC, no forward secrecy
            ctx = self.context(self.env.cert)
            ctx.maximum_version = ssl.TLSVersion.TLSv1_2
            ctx.set_ciphers(weak + ":@SECLEVEL=0")
            with self.assertRaises(ssl.SSLError, msg=f"{weak} was accepted"):
                peer_subject(self.gw.port, "ehr.test", ctx)

    def test_tls10_and_tls11_are_refused(self):
        warnings.simplefilter("ignore", DeprecationWarning)  # naming the old versions is the point here
        for version in (ssl.TLSVersion.TLSv1, ssl.TLSVersion.TLSv1_1):
            ctx = self.context(self.env.cert)
            ctx.set_ciphers("DEFAULT:@SECLEVEL=0")  # the client itself would speak them
            ctx.minimum_version = version
            ctx.maximum_version = version
            with self.assertRaises(ssl.SSLError, msg=f"{version} was accepted"):
                peer_subject(self.gw.port, "ehr.test", ctx)

    def test_a_handshake_that_never_finishes_is_cut(self):
        with socket.create_connection(("127.0.0.1", self.gw.port), timeout=10) as raw:
            started = time.monotonic()
            raw.sendall(b"\x16\x03\x01")  # the start of a ClientHello, then nothing
            self.assertEqual(raw.recv(100), b"")
            self.assertLess(time.monotonic() - started, HEADER_TIMEOUT + 2)
            self.assertGreaterEqual(time.monotonic() - started, HEADER_TIMEOUT - 0.5)

    def test_plain_http_on_the_tls_port_gets_no_answer(self):
        with socket.create_connection(("127.0.0.1", self.gw.port), timeout=10) as raw:
            raw.sendall(request_bytes("GET", "/", host="ehr.test"))
            data = raw.recv(1000)
            self.assertFalse(data.startswith(b"HTTP/"), data[:100])


if __name__ == "__main__":
    main()
