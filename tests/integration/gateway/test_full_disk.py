"""The access log on a full disk. The access log is the guideline's record of who opened what; a disk that fills
(another program's logs, a backup gone wrong) must not silently cost that record, nor stop the EHR. The gateway
keeps serving, says so (a warning on standard error, 503 "access log not writable" from /.sekisho/health, the
failing gauge in /.sekisho/metrics), keeps the lines in memory, and writes them, whole and in order, as soon as
there is room again: the logs sit on a real 512 KiB tmpfs that the test fills and empties, a nurse logged in with
password and TOTP through a real authd opens charts through the gateway on a real nginx. A file-size limit
(prlimit) fails the write the same way and must not kill the gateway.

Mounting the tmpfs needs root; the test runs itself in a private mount namespace (unshare), so the mount
goes away with it whatever happens."""

import errno
import os
import subprocess
import sys
import time
import unittest

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from accounts import authd_clients_config, start_with_nurse_session  # noqa: E402
from harness import (Env, Gateway, Nginx, complete_lines, main, request_bytes, sekisho_binary,  # noqa: E402
                     wait_until)
from test_health_metrics import parse_prometheus, value  # noqa: E402

COOKIE = "__Host-sekisho"
IN_NAMESPACE = "SEKISHO_TEST_PRIVATE_MOUNTS"


def fill(directory):
    """Writes a file in `directory` until the file system refuses; returns its path."""
    path = os.path.join(directory, "filler")
    with open(path, "wb", buffering=0) as f:
        try:
            while True:
                f.write(b"\0" * 4096)
        except OSError as e:
            if e.errno != errno.ENOSPC:
                raise
    return path


class FullDisk(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if os.geteuid() != 0:
            raise AssertionError("the full-disk test mounts a tmpfs: it needs root")
        cls.env = Env()
        cls.nginx = Nginx(cls.env)
        cls.addClassCleanup(cls.nginx.stop)
        cls.gw = Gateway(cls.env, name="full", start=False, extra=authd_clients_config(),
                         gateway={"access_log": "logs/access.log"},
                         upstreams=[{"name": "chart", "url": cls.nginx.url}],
                         rules=[{"name": "everything", "action": "two_factor"}])
        cls.logs = os.path.join(cls.gw.state_dir, "logs")
        os.mkdir(cls.logs)
        subprocess.run(["mount", "-t", "tmpfs", "-o", "size=512k,mode=0700", "sekisho-test-logs", cls.logs],
                       check=True)
        cls.addClassCleanup(subprocess.run, ["umount", "--lazy", cls.logs])
        start_with_nurse_session(cls, sekisho_binary())

    def host(self):
        return f"ehr.test:{self.gw.port}"

    def open_charts(self, patients):
        """One keep-alive connection, so one worker writes the lines, in the order the charts were opened."""
        if not self.session:
            self.fail("no session to test with: " + self.login_problem)
        with self.gw.connect() as c:
            for patient in patients:
                c.send(request_bytes("GET", f"/chart/{patient}", self.host(),
                                     [("Cookie", f"{COOKIE}={self.session}")]))
                r = c.read_response()
                self.assertEqual(r.status, 200, f"{patient}: the gateway must keep serving the EHR: {r}")

    def lines(self):
        return list(complete_lines(os.path.join(self.logs, "access.log")))

    def health(self):
        r = self.gw.request("GET", "/.sekisho/health", host=self.host())
        return r.status, r.body.decode()

    def failing_gauge(self):
        _, samples = parse_prometheus(self.gw.request("GET", "/.sekisho/metrics", host=self.host()).body.decode())
        return (value(samples, "sekisho_gateway_access_log_failing"),
                value(samples, "sekisho_gateway_access_log_lines_lost_total"))

    def test_a_full_disk_delays_the_record_of_who_opened_what_but_loses_none_of_it(self):
        self.open_charts(["P000001"])
        wait_until(lambda: any("P000001" in line for line in self.lines()), 5, what="the first line")
        self.assertEqual(self.health(), (200, "ok\n"))

        filler = fill(self.logs)
        # The file's last page still has room for a few lines; 40 of them (about 12 KB) are past it.
        patients = [f"P1{i:05}" for i in range(40)]
        self.open_charts(patients)
        wait_until(lambda: self.health()[0] == 503, 5, what="health to report the access log")
        self.assertEqual(self.health(), (503, "access log not writable\n"))
        self.assertEqual(self.failing_gauge(), (1, 0))
        self.assertIn("WARNING: the access log " + os.path.join(self.logs, "access.log") +
                      " cannot be written (No space left on device)", self.gw.log())
        self.assertFalse(any(patients[-1] in line for line in self.lines()), "written to a full disk?")

        os.unlink(filler)  # room again: the lines kept in memory are written without anyone's help
        wait_until(lambda: all(any(p in line for line in self.lines()) for p in patients), 5,
                   what="the lines kept in memory to be written")
        lines = self.lines()
        for patient in patients:
            self.assertEqual(sum(f'"path":"/chart/{patient}"' in line and '"user":"nurse"' in line
                                 for line in lines), 1, f"{patient}: one whole line each")
        order = [next(i for i, line in enumerate(lines) if patient in line) for patient in patients]
        self.assertEqual(order, sorted(order), "in the order the charts were opened")
        wait_until(lambda: self.health()[0] == 200, 5, what="health to recover")
        self.assertEqual(self.failing_gauge(), (0, 0))
        self.assertIn("the access log " + os.path.join(self.logs, "access.log") +
                      " is written again; 0 lines were lost meanwhile", self.gw.log())


class FileSizeLimit(unittest.TestCase):
    """A file-size limit (ulimit -f, systemd's LimitFSIZE) below the access log's rotation size: past it the
    kernel fails the write with EFBIG and, unless the signal is ignored, kills the process with SIGXFSZ.
    The gateway must keep serving, with the lines waiting as on a full disk."""

    def test_a_file_size_limit_fails_the_write_not_the_gateway(self):
        env = Env()
        nginx = Nginx(env)
        self.addCleanup(nginx.stop)
        gw = Gateway(env, name="fsize", start=False, upstreams=[{"name": "open", "url": nginx.url}],
                     rules=[{"name": "everything", "action": "bypass"}])
        gw.launcher = ["prlimit", "--fsize=65536", "--"]
        self.addCleanup(gw.stop)
        gw.start()
        anonymous = os.path.join(gw.state_dir, "access.anonymous.log")

        def send(first, last):  # lines without a session, about 250 bytes each
            with gw.connect() as c:
                for i in range(first, last):
                    c.send(request_bytes("GET", f"/public/{i:04}", host=f"ehr.test:{gw.port}"))
                    self.assertEqual(c.read_response().status, 200)

        send(0, 100)
        wait_until(lambda: any("/public/0099" in line for line in complete_lines(anonymous)), 5, what="100 lines")
        send(100, 400)  # 75 KB more: past the 64 KiB
        wait_until(lambda: "cannot be written (File too large)" in gw.log(), 5, what="the gateway's warning")
        self.assertTrue(gw.process.running(), "the gateway died at the file-size limit")
        self.assertEqual(gw.request("GET", "/public/after", host=f"ehr.test:{gw.port}").status, 200)
        _, samples = parse_prometheus(gw.request("GET", "/.sekisho/metrics", host=f"ehr.test:{gw.port}").body.decode())
        self.assertEqual(value(samples, "sekisho_gateway_access_log_failing"), 1)
        self.assertLessEqual(os.path.getsize(anonymous), 65536)
        with open(anonymous, "rb") as f:
            self.assertTrue(f.read().endswith(b"}\n"), "a cut line at the end of the file")


if __name__ == "__main__":
    if os.environ.get(IN_NAMESPACE) != "1" and os.geteuid() == 0:
        os.environ[IN_NAMESPACE] = "1"
        os.execvp("unshare", ["unshare", "--mount", "--propagation", "private", sys.executable] + sys.argv)
    main()
