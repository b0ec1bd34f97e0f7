#!/bin/sh
# RADIUS Access-Requests per second through FreeRADIUS (the shipped config/freeradius, thread pool, no debug
# output) + pam_sekisho.so mode=combined + the real authd, on loopback. Run by hand as root (not by CI):
#
#   nice -n 19 bench/radius/run.sh --sekisho build/cli/sekisho --module build/pam_module/pam_sekisho.so
#
# USERS distinct users (default 200) each log in once with a fresh code (real Access-Accepts), then each once with
# a wrong code (Access-Rejects); radclient sends PARALLEL (default 16) at a time. reject_delay is 0 here (the
# shipped radiusd.conf keeps 1 s). ARGON2_MEMORY_KIB, ARGON2_ITERATIONS, ARGON2_PARALLELISM, MAX_CONCURRENT_HASHES
# override authd's Argon2id cost (defaults as in sekisho.toml). Prints the figures and the parameters used.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
exec python3 - "$here/../../tests/integration/pam" "$@" <<'EOF'
import os, re, subprocess, sys, tempfile, time

sys.dont_write_bytecode = True
sys.path.insert(0, sys.argv.pop(1))
import pam_harness as h  # noqa: E402
import test_freeradius as t  # noqa: E402

args = dict(zip(sys.argv[1::2], sys.argv[2::2]))
h.SEKISHO, h.MODULE = (os.path.abspath(args.get(k, "")) for k in ("--sekisho", "--module"))
users, parallel = int(os.environ.get("USERS", "200")), int(os.environ.get("PARALLEL", "16"))
argon2 = {"memory_kib": os.environ.get("ARGON2_MEMORY_KIB", "65536"),
          "iterations": os.environ.get("ARGON2_ITERATIONS", "3"),
          "parallelism": os.environ.get("ARGON2_PARALLELISM", "1"),
          "max_concurrent_hashes": os.environ.get("MAX_CONCURRENT_HASHES", "2")}
authd = h.Authd(extra_config="[password]\n" + "".join(f"{k} = {v}\n" for k, v in argon2.items()))
services = h.Services()
radius = t.FreeRadius(services, authd, options="-f")
print(f"enrolling {users} users ...", flush=True)
keys = [(f"bench{i}", authd.add_user(f"bench{i}")) for i in range(users)]


def run(label, code_at):
    """One Access-Request per user, PARALLEL at a time; prints and returns the rate."""
    step = int(time.time() // 30) + 1  # after every enrollment's step, inside authd's window for 30 s at least
    packets = "\n".join(f'User-Name = "{name}"\nUser-Password = "{h.PASSWORD}{h.totp(key, code_at(step) * 30)}"\n'
                        "Message-Authenticator = 0x00\n" for name, key in keys)
    with tempfile.NamedTemporaryFile("w", suffix=".radclient") as f:
        f.write(packets)
        f.flush()
        start = time.monotonic()
        r = subprocess.run([radius.radclient, "-q", "-s", "-f", f.name, "-p", str(parallel), "-t", "30", "-r", "1",
                            f"127.0.0.1:{radius.port}", "auth", radius.secret], capture_output=True, text=True)
        elapsed = time.monotonic() - start
    counts = {k: int(v) for k, v in re.findall(r"(Accepted|Rejected|Lost)\s*:\s*(\d+)", r.stdout)}
    print(f"{label:8} {users} requests in {elapsed:.2f} s = {users / elapsed:.1f} req/s "
          f"({1000 * elapsed / users:.0f} ms each); {counts}", flush=True)
    return counts


print(subprocess.run(['freeradius', '-v'], capture_output=True, text=True).stdout.splitlines()[0])
print(f"authd Argon2id: memory_kib={argon2['memory_kib']} iterations={argon2['iterations']} "
      f"parallelism={argon2['parallelism']} max_concurrent_hashes={argon2['max_concurrent_hashes']}; "
      f"radclient -p {parallel}; cores: {os.cpu_count()}")
accepted = run("accept", lambda step: step)
rejected = run("reject", lambda step: step - 100)  # right password, an hour-old code
radius.process.stop()
authd.stop()
ok = accepted.get("Accepted") == users and rejected.get("Rejected") == users
sys.exit(0 if ok else "not every request got the expected answer: the figures above are not valid")
EOF
