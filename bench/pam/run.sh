#!/bin/sh
# PAM round trips through pam_sekisho.so, local (authd's socket) and remote (TLS to the gateway's PAM listener,
# a new connection per PAM call as on a real server), in one process driving libpam through pam_wrapper.
# Run by hand as root (not by CI):
#
#   nice -n 19 bench/pam/run.sh --sekisho build/cli/sekisho --module build/pam_module/pam_sekisho.so
#
# "account": pam_acct_mgmt, the module's whole path (options, PAM items, connect, one authd request) without
# Argon2. "auth": pam_authenticate with a password and a wrong code for distinct unknown names (each costs the
# full Argon2id hash, as a real login does) at Argon2 memory_kib=ARGON2_MEMORY_KIB (default 65536), t=3.
# N (default 400) calls each; prints p50/p99/mean.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
exec python3 - "$here/../../tests/integration/pam" "$@" <<'EOF'
import json, os, statistics, subprocess, sys

sys.dont_write_bytecode = True
sys.path.insert(0, sys.argv.pop(1))
import pam_harness as h  # noqa: E402
import harness  # noqa: E402  (the gateway tests' harness)
from accounts import authd_clients_config, sekisho, start_authd_with_nurse  # noqa: E402

args = dict(zip(sys.argv[1::2], sys.argv[2::2]))
h.SEKISHO, h.MODULE = (os.path.abspath(args.get(k, "")) for k in ("--sekisho", "--module"))
harness.SEKISHO = h.SEKISHO
n = int(os.environ.get("N", "400"))
memory = os.environ.get("ARGON2_MEMORY_KIB", "65536")

env = harness.Env()
pam_port = h.free_port()
gw = harness.Gateway(env, name="state", start=False,
                     extra=authd_clients_config() + f"[password]\nmemory_kib = {memory}\n"
                           "[throttle]\nfree_failures = 50\nsource_free_failures = 10000\n",
                     gateway={"listen": ["127.0.0.1:0"], "pam_listen": [f"127.0.0.1:{pam_port}"], "threads": 1})
authd, _ = start_authd_with_nurse(h.SEKISHO, gw)
gw.start()
token = [l.strip() for l in sekisho(h.SEKISHO, gw.config_path, ["host", "add", "bench"]).stdout.splitlines()
         if l.startswith("  ") and len(l.strip()) > 30][0]
token_file = os.path.join(gw.state_dir, "pam-token")
with open(os.open(token_file, os.O_WRONLY | os.O_CREAT, 0o600), "w") as f:
    f.write(token + "\n")

services = h.Services()
socket = os.path.join(gw.state_dir, "authd.sock")
remote = f"url=tls://localhost:{pam_port} ca={env.cert} token_file={token_file}"
services.write("local", f"auth required {h.MODULE} socket={socket}\naccount required {h.MODULE} socket={socket}\n")
services.write("remote", f"auth required {h.MODULE} {remote}\naccount required {h.MODULE} {remote}\n")

# Re-run this very script's measuring part in a child under pam_wrapper (LD_PRELOAD must be set at exec).
child = r'''
import ctypes, json, statistics, sys, time
class Msg(ctypes.Structure): _fields_ = [("style", ctypes.c_int), ("msg", ctypes.c_char_p)]
class Resp(ctypes.Structure): _fields_ = [("resp", ctypes.c_void_p), ("code", ctypes.c_int)]
CONV = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_int, ctypes.POINTER(ctypes.POINTER(Msg)),
                        ctypes.POINTER(ctypes.POINTER(Resp)), ctypes.c_void_p)
class Conv(ctypes.Structure): _fields_ = [("conv", CONV), ("data", ctypes.c_void_p)]
libc = ctypes.CDLL(None); libc.calloc.restype = ctypes.c_void_p; libc.strdup.restype = ctypes.c_void_p
ctypes.CDLL("libpam.so.0", mode=ctypes.RTLD_GLOBAL); pam = ctypes.CDLL(None)
answers = []
def conv(n, msgs, resp, _):
    a = ctypes.cast(libc.calloc(n, ctypes.sizeof(Resp)), ctypes.POINTER(Resp))
    for i in range(n): a[i].resp = libc.strdup(answers.pop(0).encode())
    resp[0] = a; return 0
c = Conv(CONV(conv), None)
service, what, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
times = []
for i in range(n):
    user = "nurse" if what == "account" else f"nobody{i}"
    answers[:] = ["Sakura-Hana#2026", "000000"]
    handle = ctypes.c_void_p()
    t0 = time.perf_counter()
    pam.pam_start(service.encode(), user.encode(), ctypes.byref(c), ctypes.byref(handle))
    rc = pam.pam_acct_mgmt(handle, 0) if what == "account" else pam.pam_authenticate(handle, 0)
    pam.pam_end(handle, rc)
    times.append((time.perf_counter() - t0) * 1000)
    if what == "account" and rc != 0: raise SystemExit(f"account check failed: {rc}")
print(json.dumps(times))
'''

print(f"Argon2id memory_kib={memory} iterations=3; {n} calls each; gateway threads=1; cores: {os.cpu_count()}")
for service in ("local", "remote"):
    for what in ("account", "auth"):
        count = n if what == "account" else max(20, n // 10)
        r = subprocess.run([sys.executable, "-c", child, service, what, str(count)], capture_output=True, text=True,
                           env=services.env())
        if r.returncode != 0:
            raise SystemExit(r.stdout + r.stderr)
        t = sorted(json.loads(r.stdout.splitlines()[-1]))
        p = lambda q: t[min(len(t) - 1, int(q * len(t)))]
        print(f"{service:6} {what:7} calls={len(t):4}  p50={p(0.50):7.2f} ms  p99={p(0.99):7.2f} ms  "
              f"mean={statistics.mean(t):7.2f} ms")
gw.stop()
authd.stop()
EOF
