"""What every gateway integration test uses: a temp dir with a certificate, the gateway under test with a
generated config (ports read from its stderr), RSS sampling, and the command line (--sekisho PATH).
The other modules are re-exported, so a test imports from here alone.

Run a test file alone:  python3 tests/integration/gateway/test_x.py --sekisho build/cli/sekisho
"""

import argparse
import json
import os
import re
import shutil
import signal
import ssl
import subprocess
import sys
import tempfile
import threading
import unittest

from http_client import (Client, ConnectionClosed, Response, chunked, field, fields_all,  # noqa: F401
                         parse_fields, request_bytes)
from processes import (PortTaken, Process, at_cleanup, check_port_taken, complete_lines,  # noqa: F401
                       find_tool, free_port, retry_while_port_taken, wait_for_port, wait_until)
from upstreams import (BlackHole, ClosedPort, Nginx, RecordingUpstream, WebSocketEcho, ws_accept_key,  # noqa: F401
                       ws_frame, ws_read_frame)

SEKISHO = os.environ.get("SEKISHO", "")
KEEP_TEMP = os.environ.get("SEKISHO_KEEP_TEMP") == "1"  # leave the temp dirs for a post-mortem

MiB = 1024 * 1024


def sekisho_binary():
    if not SEKISHO:
        raise AssertionError("pass --sekisho PATH/TO/sekisho (or set SEKISHO)")
    if not os.access(SEKISHO, os.X_OK):
        raise AssertionError(f"{SEKISHO} is not an executable sekisho binary")
    return SEKISHO


def make_certificate(cert, key, hosts):
    """A self-signed P-256 certificate for hosts and 127.0.0.1, made by the real openssl; returns (cert, key)."""
    san = ",".join([f"DNS:{h}" for h in hosts] + ["IP:127.0.0.1"])
    r = subprocess.run([find_tool("openssl"), "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                        "-nodes", "-keyout", key, "-out", cert, "-days", "2", "-subj", f"/CN={hosts[0]}",
                        "-addext", f"subjectAltName={san}"], capture_output=True, text=True)
    if r.returncode != 0:
        raise AssertionError(f"openssl could not make a certificate: {r.stderr}")
    return cert, key


class Env:
    """A temp dir with a self-signed certificate for ehr.test, open.test, localhost and 127.0.0.1."""

    HOSTS = ["ehr.test", "open.test", "localhost"]

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="sekisho-gw-it-")
        os.chmod(self.dir, 0o755)  # nginx workers may run as another user
        if not KEEP_TEMP:
            at_cleanup(lambda: shutil.rmtree(self.dir, ignore_errors=True))
        self.cert, self.key = make_certificate(self.path("cert.pem"), self.path("key.pem"), self.HOSTS)
        self.client_context = ssl.create_default_context(cafile=self.cert)
        self.client_context.minimum_version = ssl.TLSVersion.TLSv1_2

    def path(self, *parts):
        return os.path.join(self.dir, *parts)

    def subdir(self, name):
        d = self.path(name)
        os.makedirs(d, exist_ok=True)
        os.chmod(d, 0o755)
        return d


def toml_value(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, str):
        return json.dumps(v)
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    raise TypeError(v)


def toml_table(header, values):
    return [header] + [f"{k} = {toml_value(v)}" for k, v in values.items()] + [""]


class Gateway:
    """`sekisho gateway` with a generated config; listening ports read from its stderr."""

    DEFAULT_SETTINGS = {"listen": ["127.0.0.1:0"], "threads": 2, "access_log": "access.log"}  # [gateway], unless given

    def __init__(self, env, name="gateway", gateway=None, upstreams=(), rules=(), start=True, extra=""):
        self.env = env
        self.cert, self.key = env.cert, env.key  # change them, write_config and reload to swap certificates
        self.extra = extra  # raw TOML appended to every config written (e.g. an [authd] table)
        self.state_dir = env.subdir(name)
        os.chmod(self.state_dir, 0o700)
        self.config_path = os.path.join(self.state_dir, "sekisho.toml")
        self.log_path = os.path.join(self.state_dir, "gateway.log")
        self.process = None
        self.launcher = []  # what runs the gateway, e.g. ["prlimit", "--nofile=64:64", "--"]
        self.port = None
        self.redirect_port = None
        self.pam_port = None
        self.settings, self.upstreams, self.rules = gateway or {}, list(upstreams), list(rules)
        self.write_config()
        if start:
            self.start()

    def config_text(self, gateway=None, upstreams=None, rules=None):
        """The config for these settings; None keeps what was written last."""
        g = dict(self.DEFAULT_SETTINGS)
        g.update(self.settings if gateway is None else gateway)
        lines = [f"state_dir = {toml_value(self.state_dir)}", ""]
        lines += toml_table("[gateway]", g)
        lines += toml_table("[[gateway.certificate]]",
                            {"hosts": Env.HOSTS, "cert_file": self.cert, "key_file": self.key})
        for u in self.upstreams if upstreams is None else upstreams:
            lines += toml_table("[[upstream]]", u)
        for r in self.rules if rules is None else rules:
            lines += toml_table("[[rule]]", r)
        return "\n".join(lines) + "\n" + self.extra

    def write_config(self, gateway=None, upstreams=None, rules=None, text=None):
        """Writes the config (text as given, or from settings; None keeps what was written last)."""
        if text is None:
            text = self.config_text(gateway, upstreams, rules)
            self.settings = self.settings if gateway is None else gateway
            self.upstreams = self.upstreams if upstreams is None else upstreams
            self.rules = self.rules if rules is None else rules
        with open(self.config_path, "w") as f:
            f.write(text)

    def start(self, timeout=20):
        """Starts the gateway and reads its ports from what it says (not what an earlier start said); raises
        PortTaken when a port it was given is in use, for a caller that can start it again on another."""
        self.process = Process(self.launcher + [sekisho_binary(), "--config", self.config_path, "gateway"],
                               self.log_path)
        wait_until(lambda: "sekisho gateway: ready" in self.process.log(own=True)
                   or not self.process.running(), timeout, what="the gateway to say it is ready")
        log = self.process.log(own=True)
        if not self.process.running():
            check_port_taken("the gateway", log)
            raise AssertionError(f"the gateway exited at start:\n{log}")
        self.port = int(re.search(r"listening on https://127\.0\.0\.1:(\d+)", log).group(1))
        m = re.search(r"redirecting http://127\.0\.0\.1:(\d+) to HTTPS", log)
        self.redirect_port = int(m.group(1)) if m else None
        m = re.search(r"PAM listener for remote servers on 127\.0\.0\.1:(\d+)", log)
        self.pam_port = int(m.group(1)) if m else None
        return self

    def log(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except FileNotFoundError:
            return ""

    def reload(self, timeout=10):
        """SIGHUP; returns the line the gateway answered with (reloaded … / reload refused …)."""
        before = len(self.log())
        self.process.send_signal(signal.SIGHUP)
        line = wait_until(lambda: re.search(r"sekisho gateway: (reloaded|reload refused)[^\n]*", self.log()[before:]),
                          timeout, what="the gateway to answer SIGHUP")
        return line.group(0)

    def rss_kib(self):
        with open(f"/proc/{self.process.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        raise AssertionError("no VmRSS in /proc/PID/status")

    def connect(self, server_name="ehr.test", timeout=10, source=None):
        return Client(self.port, server_name, self.env.client_context, timeout, source=source)

    def request(self, method, target, host="ehr.test", headers=(), body=None, timeout=10):
        """One request on a fresh connection; returns the Response."""
        with self.connect(timeout=timeout) as c:
            c.send(request_bytes(method, target, host, headers, body))
            return c.read_response(method)

    ACCESS_LOGS = ("access.log", "access.anonymous.log")  # requests in a session; requests without one

    def access_log_entries(self):
        """The lines of both access logs as dicts, by time; a last line still being written is left out."""
        entries = [json.loads(line) for name in self.ACCESS_LOGS
                   for line in complete_lines(os.path.join(self.state_dir, name)) if line.strip()]
        return sorted(entries, key=lambda e: e["time"])  # the same format always: text order is time order

    def stop(self):
        if self.process:
            self.process.stop()


class RssSampler:
    """Samples a process's VmRSS every 20 ms in a thread; .peak_kib after stop()."""

    def __init__(self, gateway):
        self.gateway = gateway
        self.baseline_kib = gateway.rss_kib()
        self.peak_kib = self.baseline_kib
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        while not self._stop.is_set():
            try:
                self.peak_kib = max(self.peak_kib, self.gateway.rss_kib())
                self.samples += 1
            except (OSError, AssertionError):
                return
            self._stop.wait(0.02)

    def stop(self):
        self._stop.set()
        self._thread.join()
        return self

    @property
    def growth_mib(self):
        return (self.peak_kib - self.baseline_kib) / 1024


def main():
    global SEKISHO
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--sekisho")
    args, rest = parser.parse_known_args()
    if args.sekisho:
        SEKISHO = os.path.abspath(args.sekisho)
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)
