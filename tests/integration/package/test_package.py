"""The Debian package (issue 6, "Package" and "systemd"): cpack builds sekisho_VERSION_amd64.deb from the
build directory; this checks its control fields, contents and modes, maintainer scripts, lintian, and the
systemd units (`systemd-analyze verify`, and `security --offline` exposure). Then it installs the package for
real on a throw-away copy of this machine (throwaway_install.sh: a private mount namespace with overlays on
/etc, /usr and /var, so the host is never written), runs `sekisho init`, starts authd and the gateway as their
units' users, logs in end to end, and upgrades, removes and purges.

Run alone:  python3 tests/integration/package/test_package.py --build-dir build
A missing tool fails the test; tools/deps.sh installs them all.
"""

import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
BUILD_DIR = ""
UNITS = ["sekisho-authd.service", "sekisho-gateway.service", "sekisho-backup.service", "sekisho-backup.timer"]
PAM_DIR = "lib/x86_64-linux-gnu/security"
# `systemd-analyze security` exposure (0 = safest, 10 = none): the ceilings these units must stay under.
EXPOSURE_LIMITS = {"sekisho-authd.service": 1.0, "sekisho-gateway.service": 2.0, "sekisho-backup.service": 2.0}
# lintian warnings accepted, each for a reason (errors never are). None today: keep it that way, or say why.
ACCEPTED_LINTIAN = set()


def tool(name):
    path = shutil.which(name)
    if not path:
        raise AssertionError(f"{name} is not installed (tools/deps.sh installs it)")
    return path


def run(args, **kw):
    kw.setdefault("capture_output", True)
    kw.setdefault("text", True)
    kw.setdefault("timeout", 120)
    return subprocess.run(args, **kw)


def read_text(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        return f.read()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Package(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        for t in ("cpack", "dpkg-deb", "lintian", "systemd-analyze", "unshare", "setpriv", "openssl", "oathtool",
                  "curl", "objdump", "man"):
            tool(t)
        if not BUILD_DIR or not os.path.isfile(os.path.join(BUILD_DIR, "CPackConfig.cmake")):
            raise AssertionError("pass --build-dir BUILD (a configured and built tree with CPackConfig.cmake)")
        cls.work = tempfile.mkdtemp(prefix="sekisho-pkg-", dir="/tmp")
        cls.addClassCleanup(shutil.rmtree, cls.work, True)
        out = os.path.join(cls.work, "out")
        r = run([tool("cpack"), "--config", os.path.join(BUILD_DIR, "CPackConfig.cmake"), "-B", out], timeout=300)
        if r.returncode != 0:
            raise AssertionError(f"cpack failed:\n{r.stdout}\n{r.stderr}")
        debs = [f for f in os.listdir(out) if f.endswith(".deb")]
        if len(debs) != 1:
            raise AssertionError(f"cpack made {debs}, expected one .deb")
        cls.deb = os.path.join(out, debs[0])
        cls.root = os.path.join(cls.work, "root")
        r = run([tool("dpkg-deb"), "-x", cls.deb, cls.root])
        if r.returncode != 0:
            raise AssertionError(f"dpkg-deb -x: {r.stderr}")

    def field(self, name):
        return run([tool("dpkg-deb"), "-f", self.deb, name]).stdout.strip()

    def test_file_name_and_control(self):
        version = self.field("Version")
        self.assertRegex(version, r"^\d+\.\d+\.\d+")
        self.assertEqual(os.path.basename(self.deb), f"sekisho_{version}_amd64.deb")
        self.assertEqual(self.field("Package"), "sekisho")
        self.assertEqual(self.field("Architecture"), "amd64")
        depends = self.field("Depends")
        # From dpkg-shlibdeps, and adduser for postinst.
        for pkg in ("libc6", "libpam0g", "libssl3", "libsqlite3-0", "libsodium23", "liboath0", "libqrencode4",
                    "libfido2-1", "libcbor0.8", "libsystemd0", "libstdc++6", "adduser"):
            self.assertRegex(depends, rf"(^|, ){re.escape(pkg)}( \(|,|$)", f"Depends lacks {pkg}: {depends}")
        info = run([tool("dpkg-deb"), "-I", self.deb]).stdout
        self.assertIn("Maintainer:", info)
        self.assertIn("Description: two-factor gate", info)

    def contents(self):
        """path → (mode string, owner/group) from `dpkg-deb -c`."""
        out = {}
        for line in run([tool("dpkg-deb"), "-c", self.deb]).stdout.splitlines():
            parts = line.split(None, 5)
            path = parts[5].split(" -> ")[0]
            out[path.lstrip(".")] = (parts[0], parts[1])
        return out

    def test_contents_and_modes(self):
        files = self.contents()
        expected = {
            "/usr/bin/sekisho": "-rwxr-xr-x",
            f"/{PAM_DIR}/pam_sekisho.so": "-rw-r--r--",
            "/usr/share/man/man1/sekisho.1.gz": "-rw-r--r--",
            "/usr/share/man/man5/sekisho.toml.5.gz": "-rw-r--r--",
            "/usr/share/man/man8/pam_sekisho.8.gz": "-rw-r--r--",
            "/usr/share/doc/sekisho/copyright": "-rw-r--r--",
            "/usr/share/doc/sekisho/changelog.gz": "-rw-r--r--",
            "/usr/share/doc/sekisho/examples/sekisho.toml": "-rw-r--r--",
            "/usr/share/doc/sekisho/examples/pam.d/sshd-sekisho": "-rw-r--r--",
            "/usr/share/doc/sekisho/examples/freeradius/README.md": "-rw-r--r--",
        }
        for unit in UNITS:
            expected[f"/lib/systemd/system/{unit}"] = "-rw-r--r--"
        for path, mode in expected.items():
            self.assertIn(path, files, f"{path} is not in the package")
            self.assertEqual(files[path][0], mode, path)
        for path, (mode, owner) in files.items():
            self.assertEqual(owner, "root/root", path)
            self.assertNotRegex(mode, r"^.{8}w|^...s|^......s", f"{path}: world-writable or set-id: {mode}")
        # Nothing in /etc: the config is `sekisho init`'s to write (it never overwrites), not dpkg's.
        self.assertFalse([p for p in files if p.startswith("/etc/") and p != "/etc/"], "files in /etc")
        # The PAM module exports only the pam_sm_* entry points and links no systemd.
        needed = run([tool("objdump"), "-p", os.path.join(self.root, PAM_DIR, "pam_sekisho.so")]).stdout
        self.assertNotIn("libsystemd", needed)
        man = run([tool("man"), "--warnings", "-l", os.path.join(self.root, "usr/share/man/man1/sekisho.1.gz")],
                  env=dict(os.environ, MANWIDTH="80"))
        self.assertEqual(man.returncode, 0, man.stderr)
        self.assertEqual(man.stderr.strip(), "", "sekisho.1 has groff warnings")

    def test_man_page_names_every_command(self):
        binary = os.path.join(self.root, "usr/bin/sekisho")
        commands = re.findall(r"^  ([a-z][a-z -]*[a-z])  ", run([binary, "--help"]).stdout, re.M)
        self.assertTrue(commands)
        page = read_text(os.path.join(HERE, "../../../docs/man/sekisho.1"))
        words = re.sub(r"\\f[BIRP]|\\", "", page)
        for c in commands:
            self.assertIn(c, words, f"sekisho(1) does not mention `sekisho {c}`")

    def test_maintainer_scripts(self):
        control = os.path.join(self.work, "control")
        run([tool("dpkg-deb"), "-e", self.deb, control], check=True)
        for name in ("postinst", "prerm", "postrm"):
            path = os.path.join(control, name)
            self.assertTrue(os.path.isfile(path), f"{name} missing")
            self.assertEqual(os.stat(path).st_mode & 0o777, 0o755, name)
            r = run(["sh", "-n", path])
            self.assertEqual(r.returncode, 0, f"{name}: {r.stderr}")
            text = read_text(path)
            self.assertTrue(text.startswith("#!/bin/sh\n"), name)
            self.assertIn("set -e", text, name)
            code = "\n".join(ln for ln in text.splitlines() if not ln.lstrip().startswith("#"))
            for untouchable in ("/etc/pam.d", "sshd_config", "freeradius"):
                self.assertNotIn(untouchable, code, f"{name} touches {untouchable}")
            # Never starts a service itself: only through deb-systemd-invoke (policy-rc.d), and only a restart.
            self.assertNotRegex(code, r"(?m)^\s*systemctl\s+(start|restart|enable)", name)
            self.assertNotRegex(code, r"(?m)^\s*deb-systemd-invoke\s+(start|restart)\b", name)

    def test_lintian(self):
        r = run([tool("lintian"), "--tag-display-limit", "0", self.deb], timeout=300)
        tags = re.findall(r"^([EWIPX]): sekisho[^:]*: (\S+)", r.stdout, re.M)
        errors = [t for kind, t in tags if kind == "E"]
        self.assertEqual(errors, [], r.stdout)
        warnings = sorted({t for kind, t in tags if kind == "W"} - ACCEPTED_LINTIAN)
        self.assertEqual(warnings, [], r.stdout)

    def verify_root(self):
        """The extracted package plus the host's own units and /bin/kill: what `systemd-analyze --root` needs to
        resolve the units' dependencies and check that every command they run exists in the package."""
        vroot = os.path.join(self.work, "verify-root")
        if not os.path.isdir(vroot):
            shutil.copytree(self.root, vroot, symlinks=True)
            units = os.path.join(vroot, "lib/systemd/system")
            for name in os.listdir("/lib/systemd/system"):
                if not name.startswith("sekisho-"):
                    src = os.path.join("/lib/systemd/system", name)
                    dst = os.path.join(units, name)
                    if os.path.isdir(src) and not os.path.islink(src):
                        shutil.copytree(src, dst, symlinks=True)
                    else:
                        shutil.copy2(src, dst, follow_symlinks=False)
            os.makedirs(os.path.join(vroot, "bin"), exist_ok=True)
            shutil.copy2("/bin/kill", os.path.join(vroot, "bin/kill"))
        return vroot

    def test_systemd_analyze_verify(self):
        vroot = self.verify_root()
        paths = [os.path.join(vroot, "lib/systemd/system", u) for u in UNITS]
        r = run([tool("systemd-analyze"), "verify", f"--root={vroot}", "--man=no"] + paths)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual((r.stdout + r.stderr).strip(), "", "systemd-analyze verify is not clean")
        # --man=no above: the man check runs man(1) on the host; the pages the units name are in the package.
        for u in UNITS:
            text = read_text(os.path.join(vroot, "lib/systemd/system", u))
            for page, section in re.findall(r"man:([\w.]+)\((\d)\)", text):
                self.assertTrue(os.path.exists(os.path.join(self.root, f"usr/share/man/man{section}/{page}.{section}.gz")),
                                f"{u} names {page}({section}), which the package lacks")

    def test_units_hardening(self):
        units = {u: read_text(os.path.join(self.root, "lib/systemd/system", u)) for u in UNITS}
        authd, gateway = units["sekisho-authd.service"], units["sekisho-gateway.service"]
        for text in (authd, gateway):
            for line in ("Type=notify", "NoNewPrivileges=yes", "ProtectSystem=strict", "ProtectHome=yes",
                         "PrivateTmp=yes", "PrivateDevices=yes", "SystemCallFilter=@system-service",
                         "MemoryDenyWriteExecute=yes", "LockPersonality=yes"):
                self.assertIn(f"\n{line}\n", text)
            self.assertRegex(text, r"\nWatchdogSec=\d+")
        self.assertIn("\nRestrictAddressFamilies=AF_UNIX\n", authd)
        self.assertIn("\nIPAddressDeny=any\n", authd)
        self.assertIn("\nCapabilityBoundingSet=\n", authd)
        self.assertIn("\nUser=sekisho\n", authd)
        self.assertIn("\nStateDirectory=sekisho\n", authd)
        self.assertIn("\nStateDirectoryMode=0700\n", authd)
        self.assertIn("\nRuntimeDirectory=sekisho\n", authd)
        self.assertIn("\nUser=sekisho-gw\n", gateway)
        self.assertIn("\nRestrictAddressFamilies=AF_UNIX AF_INET AF_INET6\n", gateway)
        self.assertIn("\nCapabilityBoundingSet=CAP_NET_BIND_SERVICE\n", gateway)
        self.assertIn("\nAmbientCapabilities=CAP_NET_BIND_SERVICE\n", gateway)
        self.assertRegex(gateway, r"\nInaccessiblePaths=.*/var/lib/sekisho")
        self.assertNotIn("StateDirectory", gateway)
        for name, text in units.items():
            if name != "sekisho-gateway.service":
                self.assertNotIn("CAP_NET_BIND_SERVICE", text, name)
        self.assertIn("--dir /var/backups/sekisho --keep 14 --passphrase-file /etc/sekisho/backup-passphrase",
                      units["sekisho-backup.service"])
        self.assertIn("\nPersistent=true\n", units["sekisho-backup.timer"])
        # The example config matches the units: socket outside the state dir, the gateway allowed to call authd.
        example = read_text(os.path.join(self.root, "usr/share/doc/sekisho/examples/sekisho.toml"))
        self.assertIn('socket = "/run/sekisho/authd.sock"', example)
        self.assertRegex(example, r'clients = \[.*"sekisho-gw"')

    def test_systemd_security_exposure(self):
        vroot = self.verify_root()
        for unit, limit in EXPOSURE_LIMITS.items():
            r = run([tool("systemd-analyze"), "security", "--offline=yes", f"--root={vroot}", "--no-pager", unit])
            m = re.search(r"Overall exposure level for \S+: (\d+\.\d+)", r.stdout)
            self.assertIsNotNone(m, r.stdout + r.stderr)
            print(f"\n  systemd-analyze security {unit}: {m.group(1)}", end="", file=sys.stderr)
            self.assertLessEqual(float(m.group(1)), limit, f"{unit}: exposure {m.group(1)}\n{r.stdout}")

    def notify_messages(self, sock, until, timeout=10):
        """Datagrams the daemon sent to NOTIFY_SOCKET, until one equals or starts with `until`."""
        got = []
        sock.settimeout(timeout)
        while True:
            try:
                msg = sock.recv(4096).decode()
            except socket.timeout:
                raise AssertionError(f"no {until!r} from the daemon; got {got}")
            got.append(msg)
            if msg.split("\n")[0] == until:
                return got

    def test_sd_notify(self):
        """The packaged binary under a simulated systemd (NOTIFY_SOCKET, WATCHDOG_USEC): authd says READY=1 once
        its socket listens and feeds the watchdog; the gateway says READY=1, RELOADING=1 … READY=1 around SIGHUP,
        and STOPPING=1 on SIGTERM. Without NOTIFY_SOCKET nothing changes (every other test runs that way)."""
        binary = os.path.join(self.root, "usr/bin/sekisho")
        d = tempfile.mkdtemp(prefix="notify-", dir=self.work)
        example = read_text(os.path.join(self.root, "usr/share/doc/sekisho/examples/sekisho.toml"))
        config = (example.replace('"/var/lib/sekisho"', f'"{d}/state"')
                  .replace('"/run/sekisho/authd.sock"', f'"{d}/authd.sock"')
                  .replace('clients = ["root", "sekisho-gw"]', 'clients = ["root"]')
                  # Port 0: a free one the gateway binds itself (nothing connects to it here).
                  .replace('["0.0.0.0:443"]', '["127.0.0.1:0"]')
                  .replace('redirect_listen = ["0.0.0.0:80"]\n', "")
                  .replace("/var/log/sekisho/access.log", "journal").replace("/etc/sekisho/tls", d))
        path = os.path.join(d, "sekisho.toml")
        with open(path, "w", encoding="utf-8") as f:
            f.write(config)
        run([tool("openssl"), "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
             "-keyout", f"{d}/server.key", "-out", f"{d}/server.pem", "-days", "2", "-subj", "/CN=ehr.clinic.example"],
            check=True)
        r = run([binary, "--config", path, "init", "--state-dir", f"{d}/state"], stdin=subprocess.DEVNULL)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

        def start(command, watchdog_usec=None):
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
            addr = os.path.join(d, f"notify-{command}")
            sock.bind(addr)
            self.addCleanup(sock.close)
            env = dict(os.environ, NOTIFY_SOCKET=addr)
            if watchdog_usec:
                env["WATCHDOG_USEC"] = str(watchdog_usec)
            p = subprocess.Popen([binary, "--config", path, command], env=env, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL)
            self.addCleanup(lambda: (p.poll() is None and p.kill(), p.wait()))
            return p, sock

        authd, a_sock = start("authd", watchdog_usec=2_000_000)
        self.notify_messages(a_sock, "READY=1")
        self.assertTrue(os.path.exists(f"{d}/authd.sock"), "READY=1 before the socket exists")
        self.notify_messages(a_sock, "WATCHDOG=1", timeout=3)  # every second (half of 2 s)
        self.notify_messages(a_sock, "WATCHDOG=1", timeout=3)

        gateway, g_sock = start("gateway", watchdog_usec=2_000_000)
        self.notify_messages(g_sock, "READY=1")
        self.notify_messages(g_sock, "WATCHDOG=1", timeout=3)
        gateway.send_signal(signal.SIGHUP)
        got = self.notify_messages(g_sock, "READY=1")
        self.assertIn("RELOADING=1", [m.split("\n")[0] for m in got])
        self.assertTrue(any(m.startswith("RELOADING=1\nMONOTONIC_USEC=") for m in got), got)
        gateway.send_signal(signal.SIGTERM)
        self.notify_messages(g_sock, "STOPPING=1")
        self.assertEqual(gateway.wait(timeout=40), 0)
        authd.send_signal(signal.SIGTERM)
        self.notify_messages(a_sock, "STOPPING=1")
        self.assertEqual(authd.wait(timeout=20), 0)

    def host_fingerprint(self):
        """What the throw-away install must leave exactly as it was on the host: Sekisho's users and groups, dpkg's
        record of the package, and every path the package or its scripts would write. (Not all of /etc/passwd or
        dpkg's status: other work on a shared machine may change those meanwhile.)"""
        seen = []
        for f in ("/etc/passwd", "/etc/group", "/etc/shadow", "/etc/gshadow"):
            with open(f, encoding="utf-8", errors="replace") as fh:
                # Exactly the package's names: other tests add and remove users like sekisho-it-… meanwhile.
                seen += [ln for ln in fh if ln.split(":")[0] in ("sekisho", "sekisho-gw")]
        seen.append(run(["dpkg-query", "-W", "-f=${db:Status-Abbrev}${Version}", "sekisho"]).stdout)
        for p in ("/usr/bin/sekisho", "/etc/sekisho", "/var/lib/sekisho", "/var/backups/sekisho", "/run/sekisho",
                  "/var/log/sekisho", f"/{PAM_DIR}/pam_sekisho.so", "/lib/systemd/system/sekisho-authd.service",
                  "/usr/share/doc/sekisho", "/var/lib/dpkg/info/sekisho.list",
                  "/var/lib/systemd/deb-systemd-helper-enabled/sekisho-authd.service.dsh-also"):
            seen.append(f"{p}:{os.path.lexists(p)}")
        return seen

    def test_throwaway_install(self):
        if os.geteuid() != 0:
            raise AssertionError("installing the package (in a private mount namespace) needs root")
        gw_port, up_port = free_port(), free_port()
        example = read_text(os.path.join(self.root, "usr/share/doc/sekisho/examples/sekisho.toml"))
        config = (example.replace('["0.0.0.0:443"]', f'["127.0.0.1:{gw_port}"]')
                  .replace('redirect_listen = ["0.0.0.0:80"]\n', "")
                  .replace("http://192.0.2.10:8080", f"http://127.0.0.1:{up_port}"))
        self.assertNotEqual(config, example)
        config_path = os.path.join(self.work, "sekisho.toml")
        with open(config_path, "w", encoding="utf-8") as f:
            f.write(config)
        before = self.host_fingerprint()
        r = run([tool("unshare"), "--mount", "--propagation", "private", "bash", os.path.join(HERE, "throwaway_install.sh"),
                 self.work, self.deb, config_path, str(gw_port), str(up_port)], timeout=150)
        report = {}
        if os.path.exists(os.path.join(self.work, "report")):
            for line in read_text(os.path.join(self.work, "report")).splitlines():
                k, _, v = line.partition("=")
                report[k] = v
        logs = "\n".join(f"--- {n}\n" + read_text(os.path.join(self.work, n))
                         for n in ("dpkg-install.log", "init.log", "authd.log", "gateway.log", "backup.log", "dpkg-purge.log")
                         if os.path.exists(os.path.join(self.work, n)))
        detail = f"exit {r.returncode}\n{r.stdout}\n{r.stderr}\nreport: {report}\n{logs}"
        self.assertEqual(before, self.host_fingerprint(), "the host changed: " + detail)
        self.assertEqual(r.returncode, 0, detail)
        want = {
            "install": "ok",
            "passwd_sekisho": "sekisho:/var/lib/sekisho:/usr/sbin/nologin",
            "passwd_gw": "sekisho-gw:/nonexistent:/usr/sbin/nologin",
            "uid_sekisho_system": "yes",
            "groups_gw": "sekisho-gw",  # sekisho only through the unit's SupplementaryGroups=
            "mode /etc/sekisho": "750 root:sekisho",
            "mode /var/lib/sekisho": "700 sekisho:sekisho",
            "mode /var/backups/sekisho": "700 root:root",
            "binary": "755 root:root",
            "pam module": "644 root:root",
            "config_written_by_package": "no",
            "pam_d_untouched": "0",
            "init": "ok",
            "certificate": "/etc/sekisho/tls/server.pem: OK",
            "init_again": "0",
            "authd": "answers",
            "socket": "660 sekisho:sekisho",
            "gateway": "ready",
            "gw_reads_config": "yes",
            "gw_lists_state": "no",
            "gw_reads_master_key": "no",
            "gw_reads_backups": "no",
            "session": "opened",
            "proxied": "upstream saw Remote-User: nurse",
            "backup": "ok",
            "backups": "1",
            "audit": "verified",
            "reinstall": "ok",
            "keys_after_upgrade": "same",
            "mode after upgrade /var/lib/sekisho": "700 sekisho:sekisho",
            "remove": "ok",
            # remove: the binary goes; the config and the state stay.
            "after_remove": "/etc/sekisho/sekisho.toml /var/lib/sekisho/sekisho.db ",
            "purge": "ok",
            # purge: the config goes; the state (patient-access audit) and the backup passphrase stay.
            "after_purge": "/etc/sekisho/backup-passphrase /var/lib/sekisho/master.key /var/lib/sekisho/sekisho.db ",
            "purge_message": "1",
            "dpkg_status": "gone",
        }
        for k, v in want.items():
            self.assertEqual(report.get(k), v, f"{k}\n{detail}")
        self.assertIn(report.get("anonymous_status"), ("302", "303"), detail)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--build-dir", required=True)
    args, rest = parser.parse_known_args()
    BUILD_DIR = os.path.abspath(args.build_dir)
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)
