"""Real accounts for the tests that log in: `sekisho` subcommands against the gateway's state directory, a
TOTP key enrolled through `sekisho totp add` (codes computed here, RFC 6238), and authd started for real."""

import base64
import getpass
import hmac
import json
import os
import struct
import subprocess
import time

from processes import Process, wait_until

PASSWORD = "Sakura-Hana#2026"


def authd_clients_config(clock_check=False):
    """The [authd] table that lets the test's own user (and root) ask authd. The clock check is off unless asked
    for: test machines (containers, CI VMs) often run without NTP, and /.sekisho/health would say so."""
    return (f"[authd]\nclients = {json.dumps(sorted({'root', getpass.getuser()}))}\n"
            f"clock_check = {'true' if clock_check else 'false'}\n")


def totp(key_b32, at):
    key = base64.b32decode(key_b32 + "=" * (-len(key_b32) % 8))
    mac = hmac.new(key, struct.pack(">Q", int(at // 30)), "sha1").digest()
    offset = mac[-1] & 0x0F
    return "%06d" % ((struct.unpack(">I", mac[offset:offset + 4])[0] & 0x7FFFFFFF) % 1000000)


def oathtool_code(key_b32, at):
    """The code a real authenticator computes: liboath's oathtool, at time `at`."""
    when = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(at))
    r = subprocess.run(["oathtool", "--totp", "-b", key_b32, "-N", when], capture_output=True, text=True, timeout=10)
    if r.returncode != 0:
        raise AssertionError(f"oathtool failed: {r.stderr}")
    return r.stdout.strip()


def sekisho(binary, config_path, args, stdin="", check=True):
    r = subprocess.run([binary, "--config", config_path] + args, input=stdin, capture_output=True, text=True,
                       timeout=60)
    if check and r.returncode != 0:
        raise AssertionError(f"sekisho {' '.join(args)} failed: {r.stdout}{r.stderr}")
    return r


def enroll_totp(binary, config_path, user):
    """Adds a TOTP key for `user`, confirms it with the current code, and returns the key (base32)."""
    p = subprocess.Popen([binary, "--config", config_path, "totp", "add", user],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    key = None
    for line in p.stdout:
        if "enter this key by hand" in line:
            key = line.rsplit(":", 1)[1].strip().replace(" ", "")
            break
    if key is None:
        p.kill()
        raise AssertionError("`sekisho totp add` printed no key")
    p.stdin.write(totp(key, time.time()) + "\n")
    p.stdin.close()
    rest = p.stdout.read()
    p.stdout.close()
    if p.wait(30) != 0:
        raise AssertionError(f"`sekisho totp add` failed: {rest}")
    return key


def add_user_with_totp(binary, config_path, name):
    """A user with PASSWORD and a TOTP key; returns the key."""
    sekisho(binary, config_path, ["user", "add", name])
    sekisho(binary, config_path, ["user", "passwd", name], stdin=PASSWORD + "\n")
    return enroll_totp(binary, config_path, name)


def start_authd(binary, gateway):
    """authd on the gateway's config, once it answers; returns its process."""
    authd = Process([binary, "--config", gateway.config_path, "authd"],
                    os.path.join(gateway.state_dir, "authd.log"))
    wait_until(lambda: sekisho(binary, gateway.config_path, ["status"], check=False).returncode == 0, 15,
               what="authd to answer")
    return authd


def start_authd_with_nurse(binary, gateway):
    """init, user `nurse` with PASSWORD and a TOTP key, then authd; returns (authd process, key)."""
    sekisho(binary, gateway.config_path, ["init"])
    key = add_user_with_totp(binary, gateway.config_path, "nurse")
    return start_authd(binary, gateway), key


def login_session(binary, config_path, user, key):
    """A web session for USER (PASSWORD, then the next step's code: `totp add` spent this step's); returns
    (session id, None), or (None, what went wrong) for the test to fail with when it needs the session."""
    r = sekisho(binary, config_path, ["login", user, "--session"],
                stdin=f"{PASSWORD}\n{totp(key, time.time() + 30)}\n", check=False)
    lines = r.stdout.strip().splitlines()
    if r.returncode == 0 and lines:
        return lines[-1].strip(), None
    return None, f"`sekisho login {user} --session` exited {r.returncode}: {r.stdout}{r.stderr}"


def start_with_nurse_session(cls, binary):
    """For a test class whose cls.gw was made with start=False and authd_clients_config(): authd with user
    `nurse` (cls.authd), the gateway started, and a web session: cls.session, or None and cls.login_problem.
    Both stop at the class's cleanup, authd first."""
    cls.addClassCleanup(cls.gw.stop)
    cls.authd, key = start_authd_with_nurse(binary, cls.gw)
    cls.addClassCleanup(cls.authd.stop)
    cls.gw.start()
    cls.session, cls.login_problem = login_session(binary, cls.gw.config_path, "nurse", key)
