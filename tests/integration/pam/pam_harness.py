"""What every PAM test uses: a temp state directory with real users (password + a TOTP key enrolled through
`sekisho totp add`), the real authd on its Unix socket, PAM service files in a private directory read through
pam_wrapper (so nothing is written to /etc/pam.d), and the real pamtester. The gateway tests' process helpers
stop every child by PID.

Run a test file alone:  python3 tests/integration/pam/test_x.py --sekisho build/cli/sekisho \
                                                                 --module build/pam_module/pam_sekisho.so
"""

import argparse
import getpass
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "gateway"))
from accounts import PASSWORD, enroll_totp, sekisho, totp  # noqa: E402,F401
from processes import (Process, at_cleanup, check_port_taken, find_tool, free_port,  # noqa: E402,F401
                       retry_while_port_taken, wait_for_port, wait_until)

SEKISHO = os.environ.get("SEKISHO", "")
MODULE = os.environ.get("SEKISHO_PAM_MODULE", "")
KEEP_TEMP = os.environ.get("SEKISHO_KEEP_TEMP") == "1"
PAM_WRAPPER = "/usr/lib/x86_64-linux-gnu/libpam_wrapper.so"


def sekisho_binary():
    if not SEKISHO or not os.access(SEKISHO, os.X_OK):
        raise AssertionError("pass --sekisho PATH/TO/sekisho (or set SEKISHO)")
    return SEKISHO


def pam_module():
    if not MODULE or not os.path.isfile(MODULE):
        raise AssertionError("pass --module PATH/TO/pam_sekisho.so (or set SEKISHO_PAM_MODULE)")
    return MODULE


def temp_dir(prefix):
    d = tempfile.mkdtemp(prefix=prefix)
    os.chmod(d, 0o755)
    if not KEEP_TEMP:
        at_cleanup(lambda: shutil.rmtree(d, ignore_errors=True))
    return d


class Authd:
    """`sekisho init` in a temp dir, users added through the CLI, and the real authd answering on its socket.
    `clients` are the extra local users allowed to ask authd (root and the test's own user always are)."""

    def __init__(self, clients=(), extra_config=""):
        self.dir = temp_dir("sekisho-pam-it-")
        self.state_dir = os.path.join(self.dir, "state")
        self.config_path = os.path.join(self.dir, "sekisho.toml")
        allowed = sorted({"root", getpass.getuser(), *clients})
        with open(self.config_path, "w") as f:
            f.write(f'state_dir = "{self.state_dir}"\n[authd]\nclients = {json.dumps(allowed)}\n{extra_config}')
        self.cli(["init", "--state-dir", self.state_dir])
        self.socket = os.path.join(self.state_dir, "authd.sock")
        self.process = None
        self.start()

    def cli(self, args, stdin="", check=True):
        return sekisho(sekisho_binary(), self.config_path, args, stdin, check)

    def start(self):
        self.process = Process([sekisho_binary(), "--config", self.config_path, "authd"],
                               os.path.join(self.dir, "authd.log"))
        wait_until(lambda: self.cli(["status"], check=False).returncode == 0, 15, what="authd to answer")

    def stop(self):
        self.process.stop()

    def add_user(self, name, password=PASSWORD, with_totp=True):
        """A user with `password` and, unless told otherwise, an authenticator app; returns its key (base32)."""
        self.cli(["user", "add", name])
        self.cli(["user", "passwd", name], stdin=password + "\n")
        return enroll_totp(sekisho_binary(), self.config_path, name) if with_totp else None

    def audit(self):
        """The audit trail as JSON records (`sekisho audit export`)."""
        out = self.cli(["audit", "export", "--format", "jsonl"]).stdout
        return [json.loads(line) for line in out.splitlines() if line.strip()]


class Codes:
    """Fresh TOTP codes for one key, made just after `totp add` spent the current step's code. authd accepts a
    step once and never one before the last it accepted, within one step of its clock: so the first code is the
    next step's, and each later one waits for the clock to allow the step after."""

    def __init__(self, key):
        self.key = key
        self.last_step = int(time.time() // 30)  # the step enrollment spent (or a later one: never reused)

    def next(self):
        # Not the step before the clock's: it would expire when the current step ends, possibly at once.
        step = max(self.last_step + 1, int(time.time() // 30))
        while step > int(time.time() // 30) + 1:
            time.sleep(0.5)
        self.last_step = step
        return totp(self.key, step * 30)


def pam_wrapper_env(service_dir):
    """pamtester and sshd read their PAM service files from `service_dir` (pam_wrapper). FreeRADIUS does not:
    rlm_pam binds the real libpam first (test_freeradius.py mounts the directory over /etc/pam.d instead)."""
    if not os.path.exists(PAM_WRAPPER):
        raise AssertionError("libpam-wrapper is not installed, and the PAM tests need it (tools/deps.sh installs it)")
    env = dict(os.environ)
    env.update({"LD_PRELOAD": PAM_WRAPPER, "PAM_WRAPPER": "1", "PAM_WRAPPER_SERVICE_DIR": service_dir})
    return env


class Services:
    """A private PAM service directory: write(name, text) adds a service file; `other` denies everything."""

    def __init__(self):
        self.dir = temp_dir("sekisho-pam-services-")
        self.write("other", "auth required pam_deny.so\naccount required pam_deny.so\n")

    def write(self, name, text):
        with open(os.path.join(self.dir, name), "w") as f:
            f.write(text)
        return name

    def sekisho(self, name, authd, auth_options="", account_options="", control="required"):
        """A service with pam_sekisho.so for auth and account, talking to `authd`."""
        socket = f"socket={authd.socket}" if authd else ""
        return self.write(name, f"auth {control} {pam_module()} {socket} {auth_options}\n"
                                f"account required {pam_module()} {socket} {account_options}\n")

    def env(self):
        return pam_wrapper_env(self.dir)


def pamtester(services, service, user, answers, operations=("authenticate",), items=None, timeout=30):
    """The real pamtester through pam_wrapper: each answer is one line on stdin. Returns (exit code, output):
    the output holds the prompts, pamtester's verdict and the module's syslog lines (pam_wrapper prints them)."""
    argv = [find_tool("pamtester"), "-v"]
    for k, v in (items or {}).items():
        argv += ["-I", f"{k}={v}"]
    argv += [service, user, *operations]
    stdin = "".join(a + "\n" for a in answers)
    r = subprocess.run(["timeout", str(timeout)] + argv, input=stdin.encode(), capture_output=True,
                       env=services.env())
    return r.returncode, (r.stdout + r.stderr).decode("utf-8", "replace")


def main():
    global SEKISHO, MODULE
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--sekisho")
    parser.add_argument("--module")
    args, rest = parser.parse_known_args()
    if args.sekisho:
        SEKISHO = os.path.abspath(args.sekisho)
    if args.module:
        MODULE = os.path.abspath(args.module)
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)
