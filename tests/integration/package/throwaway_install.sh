#!/usr/bin/env bash
# The package installed for real, on a throw-away copy of this machine: run by test_package.py inside
# `unshare --mount` (a private mount namespace), it lays overlays on /etc, /usr and /var and a tmpfs on /run,
# so dpkg, adduser and the daemons write only to upper directories under WORK, which vanish with the
# namespace. The host's files are never written (the test checks that too).
#   throwaway_install.sh WORK DEB CONFIG GATEWAY_PORT UPSTREAM_PORT
# Writes WORK/report: one "name=value" line per observation, for the test to assert on.
set -euo pipefail
WORK=$1 DEB=$2 CONFIG=$3 GW_PORT=$4 UP_PORT=$5
REPORT=$WORK/report
: >"$REPORT"
say() { printf '%s=%s\n' "$1" "$2" >>"$REPORT"; }
PIDS=()
cleanup() { for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done; wait || true; }
trap cleanup EXIT

for d in etc usr var; do
  [ -L "/$d" ] && { echo "/$d is a symlink: cannot lay an overlay on it" >&2; exit 2; }
  mkdir -p "$WORK/overlay/$d.upper" "$WORK/overlay/$d.work"
  mount -t overlay overlay -o "lowerdir=/$d,upperdir=$WORK/overlay/$d.upper,workdir=$WORK/overlay/$d.work" "/$d"
done
mount -t tmpfs -o mode=0755 tmpfs /run
say overlays ok

# Install (no triggers: man-db would re-index every page; it is the host's business, not this test's).
dpkg --no-triggers -i "$DEB" >"$WORK/dpkg-install.log" 2>&1 && say install ok || { say install failed; exit 0; }
say passwd_sekisho "$(getent passwd sekisho | cut -d: -f1,6,7)"
say passwd_gw "$(getent passwd sekisho-gw | cut -d: -f1,6,7)"
say uid_sekisho_system "$( [ "$(id -u sekisho)" -lt 1000 ] && echo yes || echo no)"
say groups_gw "$(id -nG sekisho-gw)"
for p in /etc/sekisho /var/lib/sekisho /var/backups/sekisho; do say "mode $p" "$(stat -c '%a %U:%G' "$p")"; done
say "binary" "$(stat -c '%a %U:%G' /usr/bin/sekisho)"
pam=$(dpkg -L sekisho | grep '/security/pam_sekisho.so$')
say "pam module" "$(stat -c '%a %U:%G' "$pam")"
say config_written_by_package "$( [ -e /etc/sekisho/sekisho.toml ] && echo yes || echo no)"
say pam_d_untouched "$(grep -rl sekisho /etc/pam.d /etc/ssh /etc/freeradius 2>/dev/null | wc -l)"

# First run, as the README says: the config (the package's example, with this test's ports and upstream),
# `sekisho init` as root (keys, database, a local CA and the server certificate for the example's host, the first
# admin), the state handed to authd's user and the certificate key to the gateway's group; an account with an
# authenticator app.
install -m 0640 -o root -g sekisho "$CONFIG" /etc/sekisho/sekisho.toml
sk() { sekisho --config /etc/sekisho/sekisho.toml "$@"; }
sk init --state-dir /var/lib/sekisho </dev/null >"$WORK/init.log" 2>&1 && say init ok || say init failed
sk user add nurse >/dev/null
echo 'Sakura-Hana#2026' | sk user passwd nurse >/dev/null
"$(dirname "$0")/../../../tools/totp_add_answered.sh" "$WORK/totp.key" \
  sekisho --config /etc/sekisho/sekisho.toml totp add nurse >/dev/null || true
key=$(cat "$WORK/totp.key" 2>/dev/null || true)
# Root made the files: they belong to authd's user, and the key to the gateway's group (sekisho(1), FILES).
chown -R sekisho:sekisho /var/lib/sekisho
chgrp sekisho /etc/sekisho/tls/server.key && chmod 0640 /etc/sekisho/tls/server.key
say certificate "$(openssl verify -CAfile /etc/sekisho/tls/ca.pem /etc/sekisho/tls/server.pem 2>&1)"
say init_again "$(sk init --state-dir /var/lib/sekisho </dev/null 2>&1 | grep -c '^created' || true)"

# The daemons with their units' users, groups and directories (RuntimeDirectory=, LogsDirectory=, UMask=).
install -d -m 0750 -o sekisho -g sekisho /run/sekisho
install -d -m 0750 -o sekisho-gw -g sekisho-gw /var/log/sekisho
python3 -c '
import http.server, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = ("upstream saw Remote-User: %s" % self.headers.get("Remote-User")).encode()
        self.send_response(200); self.send_header("Content-Length", str(len(body))); self.end_headers()
        self.wfile.write(body)
    def log_message(self, *a): pass
http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()' "$UP_PORT" &
PIDS+=($!)
(umask 0077; exec setpriv --reuid=sekisho --regid=sekisho --init-groups --no-new-privs -- \
  sekisho --config /etc/sekisho/sekisho.toml authd) >"$WORK/authd.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 100); do sk status >/dev/null 2>&1 && break; sleep 0.1; done
say authd "$(sk status >/dev/null 2>&1 && echo answers || echo silent)"
say socket "$(stat -c '%a %U:%G' /run/sekisho/authd.sock 2>&1)"
(umask 0077; exec setpriv --reuid=sekisho-gw --regid=sekisho-gw --groups=sekisho --no-new-privs -- \
  sekisho --config /etc/sekisho/sekisho.toml gateway) >"$WORK/gateway.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 100); do grep -q "sekisho gateway: ready" "$WORK/gateway.log" && break; sleep 0.1; done
say gateway "$(grep -q 'sekisho gateway: ready' "$WORK/gateway.log" && echo ready || echo not-ready)"

# What the gateway's user can and cannot open.
as_gw() { setpriv --reuid=sekisho-gw --regid=sekisho-gw --groups=sekisho -- "$@" >/dev/null 2>&1 && echo yes || echo no; }
say gw_reads_config "$(as_gw cat /etc/sekisho/sekisho.toml)"
say gw_lists_state "$(as_gw ls /var/lib/sekisho)"
say gw_reads_master_key "$(as_gw cat /var/lib/sekisho/master.key)"
say gw_reads_backups "$(as_gw ls /var/backups/sekisho)"

# A login end to end: password and code through authd's socket open a session; the gateway (as sekisho-gw)
# checks that session with authd and passes the user to the upstream.
sleep $((31 - $(date +%s) % 30))  # a fresh step: the code `totp add` spent cannot be used again
session=$(printf '%s\n%s\n' 'Sakura-Hana#2026' "$(oathtool --totp -b "$key")" | sk login nurse --session 2>/dev/null || true)
say session "$( [ -n "$session" ] && echo opened || echo none)"
say proxied "$(curl -sk --max-time 10 --resolve "ehr.clinic.example:$GW_PORT:127.0.0.1" \
  -H "Cookie: __Host-sekisho=$session" "https://ehr.clinic.example:$GW_PORT/chart" 2>&1)"
say anonymous_status "$(curl -sk --max-time 10 -o /dev/null -w '%{http_code}' \
  --resolve "ehr.clinic.example:$GW_PORT:127.0.0.1" "https://ehr.clinic.example:$GW_PORT/chart" 2>&1)"
# The backup unit's own command line, as root (the unit has no User=), while authd runs: one encrypted file.
echo 'a long backup passphrase for the test' >/etc/sekisho/backup-passphrase
chmod 0600 /etc/sekisho/backup-passphrase
backup_cmd=$(sed -n 's/^ExecStart=//p' /lib/systemd/system/sekisho-backup.service)
$backup_cmd >"$WORK/backup.log" 2>&1 && say backup ok || say backup failed
say backups "$(find /var/backups/sekisho -name 'sekisho-*.skb' -perm 0600 -user root | wc -l)"
cleanup
PIDS=()
say audit "$(sk audit verify >/dev/null 2>&1 && echo verified || echo broken)"

# Upgrade (the same package again), remove, purge: the state survives all three.
db_sum() { sha256sum /var/lib/sekisho/master.key /var/lib/sekisho/audit.key | sha256sum | cut -c1-16; }
before=$(db_sum)
dpkg --no-triggers -i "$DEB" >>"$WORK/dpkg-install.log" 2>&1 && say reinstall ok || say reinstall failed
say keys_after_upgrade "$( [ "$(db_sum)" = "$before" ] && echo same || echo changed)"
say "mode after upgrade /var/lib/sekisho" "$(stat -c '%a %U:%G' /var/lib/sekisho)"
dpkg --no-triggers -r sekisho >"$WORK/dpkg-remove.log" 2>&1 && say remove ok || say remove failed
say after_remove "$(ls -d /usr/bin/sekisho /etc/sekisho/sekisho.toml /var/lib/sekisho/sekisho.db 2>/dev/null | tr '\n' ' ')"
dpkg --no-triggers -P sekisho >"$WORK/dpkg-purge.log" 2>&1 && say purge ok || say purge failed
say after_purge "$(ls -d /etc/sekisho/sekisho.toml /etc/sekisho/tls /etc/sekisho/backup-passphrase /var/lib/sekisho/sekisho.db /var/lib/sekisho/master.key 2>/dev/null | tr '\n' ' ')"
say purge_message "$(grep -c 'KEPT:' "$WORK/dpkg-purge.log" || true)"
say dpkg_status "$(dpkg-query -W -f='${db:Status-Abbrev}' sekisho 2>/dev/null || echo gone)"
