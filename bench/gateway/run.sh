#!/usr/bin/env bash
# Gateway vs nginx, side by side in one run (issue 3, "Measure"). Run by hand, as root, on an otherwise idle machine:
#
#   bench/gateway/run.sh [PATH/TO/sekisho]        (default: build-bench/cli/sekisho, a Release build)
#
# Starts a private nginx as the upstream (a 2 KB page and a 200 KB file, keep-alive), then measures with wrk
# (-t1, keep-alive, --latency) over HTTPS, every variant on the same cert and the same CPU pinning:
#   up-http        the upstream nginx over plain HTTP (reference: no TLS at all)
#   up-https       (a) the upstream nginx directly, HTTPS
#   nginx-proxy    (b) nginx as a plain TLS reverse proxy (proxy_pass, keepalive upstream block), access log on
#   nginx-authreq  (c) (b) + auth_request to a trivial 204 endpoint in a process of its own (the forward-auth
#                  architecture: the auth service, Authelia, oauth2-proxy or the like, is a daemon beside nginx;
#                  here it is one more nginx that answers 204 and does nothing else), access log on
#   nginx-authreq-inproc  (c) with nginx answering the 204 itself, in the proxy's own worker: no forward-auth
#                  product runs that way, so this is a floor under (c)'s cost, shown beside it
#   sekisho        (d) the Sekisho gateway, threads = 1, a two_factor route with a real session cookie, access log on
#   nginx-proxy-nolog, sekisho-nolog   (b) and (d) with the access log off
# then the RSS of the gateway and of nginx (b) with IDLE_CONNS idle keep-alive TLS connections, and prints a
# table with the ratios. Every server-side process (nginx, authd, gateway) is pinned to core SERVER_CPU; wrk
# and the idle-connection client to core CLIENT_CPU.
#
# Environment: DURATION (s, default 10), WARMUP (s, 2), CONNS ("16 64"), IDLE_CONNS (1000), SERVER_CPU (1),
# CLIENT_CPU (0), VARIANTS (all of the above; each round starts one further on), ROUNDS (3; the summary shows
# medians, and the ratios paired round by round: paired.awk), UPSTREAM_KEEPALIVE (128), OUT (directory for the
# raw wrk outputs, results.tsv and summary.md; default /tmp/sekisho-gateway-bench-DATE), PROFILE=1 (perf record the
# gateway during one more run per file), INSTRUCTIONS=1 (instructions per request under callgrind, CG_SHORT and
# CG_LONG s of wrk: see below), and for a shared machine QUIET_WAIT (900 s), QUIET_MAX (15 %),
# FOREIGN_MAX (20 %), TRIES (3): see measure(); HOLD=1 (set up, then wait: see below).
#
# By hand, wrk -s bench/gateway/percentiles.lua prints percentiles past wrk's p99 (the slowest requests).
#
# The session is real: a user with a password and a TOTP key (codes from oathtool) logs in through authd
# (`sekisho login USER --session`). When this build has no `--session` yet, the gateway is measured on a
# `bypass` route instead and every line says so.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
SEKISHO=$(realpath "${1:-$HERE/../../build-bench/cli/sekisho}")
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-2}
CONNS=${CONNS:-"16 64"}
IDLE_CONNS=${IDLE_CONNS:-1000}
SERVER_CPU=${SERVER_CPU:-1}
CLIENT_CPU=${CLIENT_CPU:-0}
VARIANTS=${VARIANTS:-"up-http up-https nginx-proxy nginx-authreq nginx-authreq-inproc sekisho nginx-proxy-nolog sekisho-nolog"}
OUT=${OUT:-/tmp/sekisho-gateway-bench-$(date +%Y%m%d-%H%M%S)}
# Idle upstream connections each proxy keeps (nginx `keepalive`, the gateway's max_idle_connections): above the
# highest connection count, so neither proxy opens and closes upstream connections in steady state.
UPSTREAM_KEEPALIVE=${UPSTREAM_KEEPALIVE:-128}
FILES=("page.html" "file.bin")

for tool in nginx wrk openssl curl taskset python3 oathtool; do
  command -v "$tool" >/dev/null || { echo "run.sh: $tool is not installed" >&2; exit 1; }
done
[ -x "$SEKISHO" ] || { echo "run.sh: no sekisho binary at $SEKISHO" >&2; exit 1; }
[ "$(id -u)" = 0 ] || echo "run.sh: not root; nginx and authd's client list may need adjusting" >&2

mkdir -p "$OUT"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/sekisho-gwbench-XXXXXX")
PIDS=()
HOLD_FD_OPEN=0
cleanup() {
  local rc=$?
  [ "$HOLD_FD_OPEN" = 1 ] && exec 7>&- || true
  # Newest first: the gateways before authd, the proxies before the upstream.
  local i
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do kill -TERM "${PIDS[$i]}" 2>/dev/null || true; done
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && wait "$p" 2>/dev/null || true; done
  rm -rf "$WORK"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say() { echo "== $*" >&2; }
die() { echo "run.sh: $*" >&2; exit 1; }
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
wait_port() {  # PORT PID
  for _ in $(seq 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    kill -0 "$2" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}
# Background processes are started with taskset itself (it execs), never through a shell function, so $! is
# the server's own PID: the one that is killed on exit and whose RSS is read.
client() { taskset -c "$CLIENT_CPU" "$@"; }
rss_kb() { awk '/^VmRSS:/{print $2}' "/proc/$1/status"; }
hwm_kb() { awk '/^VmHWM:/{print $2}' "/proc/$1/status"; }

# ---------------------------------------------------------------------------------------------------------
say "machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), $(uname -r), load $(cut -d' ' -f1-3 /proc/loadavg)"
say "$(nginx -v 2>&1); $(wrk -v 2>&1 | head -n1 | cut -d' ' -f1-2); $(openssl version)"
say "sekisho: $SEKISHO; raw output in $OUT"

# Certificate (P-256, like a hospital's internal CA would issue) and content.
mkdir -p "$WORK/tls" "$WORK/www"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj "/CN=localhost" \
  -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
  -keyout "$WORK/tls/server.key" -out "$WORK/tls/server.crt" 2>/dev/null
chmod 600 "$WORK/tls/server.key"
{
  printf '<!doctype html>\n<html lang="ja"><head><meta charset="utf-8"><title>電子カルテ</title></head><body>\n'
  for i in $(seq 200); do printf '<p>%04d</p>\n' "$i"; done
} >"$WORK/page.full"
page_end=$'\n</body></html>\n'
head -c $((2048 - ${#page_end})) "$WORK/page.full" >"$WORK/www/page.html"
printf '%s' "$page_end" >>"$WORK/www/page.html"
head -c 204800 /dev/urandom >"$WORK/www/file.bin"
chmod -R a+rX "$WORK/www"
declare -A SIZE=([page.html]=$(stat -c %s "$WORK/www/page.html") [file.bin]=$(stat -c %s "$WORK/www/file.bin"))
[ "${SIZE[page.html]}" = 2048 ] || die "page.html is ${SIZE[page.html]} bytes, not 2048"

# Same TLS settings as the gateway (gateway/server/tls_contexts.cpp): TLS 1.2+, Mozilla intermediate suites.
TLS12_CIPHERS="ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305"

nginx_common() {  # DIR
  cat <<EOF
user root root;
worker_processes 1;
worker_rlimit_nofile 8192;
error_log $1/error.log warn;
pid $1/nginx.pid;
events { worker_connections 4096; }
EOF
}
nginx_http_common() {  # DIR
  cat <<EOF
  client_body_temp_path $1/body;
  proxy_temp_path $1/proxy;
  fastcgi_temp_path $1/fastcgi;
  uwsgi_temp_path $1/uwsgi;
  scgi_temp_path $1/scgi;
  types { text/html html; application/octet-stream bin; }
  default_type application/octet-stream;
  keepalive_timeout 75s;
  keepalive_requests 1000000;
  ssl_certificate $WORK/tls/server.crt;
  ssl_certificate_key $WORK/tls/server.key;
  ssl_protocols TLSv1.2 TLSv1.3;
  ssl_ciphers $TLS12_CIPHERS;
EOF
}
start_nginx() {  # NAME → sets NGINX_PID_<NAME>
  local dir=$WORK/$1
  nginx -t -p "$dir/" -c "$dir/nginx.conf" 2>"$dir/test.log" || die "nginx $1 refuses its config: $(cat "$dir/test.log")"
  taskset -c "$SERVER_CPU" nginx -p "$dir/" -c "$dir/nginx.conf" -g "daemon off;" 2>>"$dir/stderr.log" &
  PIDS+=($!)
  printf -v "NGINX_PID_${1//-/_}" '%s' $!
}
nginx_dir() { mkdir -p "$WORK/$1"/{body,proxy,fastcgi,uwsgi,scgi}; }

# 1. The upstream.
UP=$(free_port); UPS=$(free_port)
nginx_dir upstream
{
  nginx_common "$WORK/upstream"
  cat <<EOF
http {
$(nginx_http_common "$WORK/upstream")
  access_log off;
  sendfile on;
  tcp_nopush on;
  server {
    listen 127.0.0.1:$UP;
    listen 127.0.0.1:$UPS ssl;
    root $WORK/www;
  }
}
EOF
} >"$WORK/upstream/nginx.conf"
start_nginx upstream
wait_port "$UP" "$NGINX_PID_upstream" || die "the upstream nginx did not start: $(cat "$WORK/upstream/error.log")"

# 2. The trivial auth service: its own nginx process, answering 204 and naming the user.
AUTH=$(free_port)
nginx_dir auth
auth_server() {  # PORT
  cat <<EOF
  server {
    listen 127.0.0.1:$1;
    access_log off;
    location / { add_header Remote-User bench always; return 204; }
  }
EOF
}
{
  nginx_common "$WORK/auth"
  cat <<EOF
http {
$(nginx_http_common "$WORK/auth")
$(auth_server "$AUTH")
}
EOF
} >"$WORK/auth/nginx.conf"
start_nginx auth
wait_port "$AUTH" "$NGINX_PID_auth" || die "the auth nginx did not start: $(cat "$WORK/auth/error.log")"

# 3. nginx as the TLS reverse proxy (b), with auth_request to the auth service (c), and with auth_request to
# an endpoint of its own (c, in-process).
PX=$(free_port); PXN=$(free_port); AR=$(free_port); ARI=$(free_port); AUTHI=$(free_port)
nginx_dir proxy
proxy_location() {
  cat <<EOF
      proxy_pass http://app;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$host;
      proxy_set_header X-Forwarded-For \$remote_addr;
      proxy_set_header X-Forwarded-Proto \$scheme;
      proxy_set_header X-Forwarded-Host \$host;
EOF
}
authreq_server() {  # PORT AUTH_UPSTREAM ACCESS_LOG
  cat <<EOF
  server {
    listen 127.0.0.1:$1 ssl;
    access_log $WORK/proxy/$3;
    location / {
      auth_request /_auth;
      auth_request_set \$auth_user \$upstream_http_remote_user;
      proxy_set_header Remote-User \$auth_user;
$(proxy_location)
    }
    location = /_auth {
      internal;
      proxy_pass http://$2;
      proxy_pass_request_body off;
      proxy_set_header Content-Length "";
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header X-Original-URI \$request_uri;
    }
  }
EOF
}
{
  nginx_common "$WORK/proxy"
  cat <<EOF
http {
$(nginx_http_common "$WORK/proxy")
  upstream app { server 127.0.0.1:$UP; keepalive $UPSTREAM_KEEPALIVE; keepalive_requests 1000000; }
  upstream auth { server 127.0.0.1:$AUTH; keepalive $UPSTREAM_KEEPALIVE; keepalive_requests 1000000; }
  upstream auth_inproc { server 127.0.0.1:$AUTHI; keepalive $UPSTREAM_KEEPALIVE; keepalive_requests 1000000; }
  server {
    listen 127.0.0.1:$PX ssl;
    access_log $WORK/proxy/access.log;
    location / {
$(proxy_location)
    }
  }
  server {
    listen 127.0.0.1:$PXN ssl;
    access_log off;
    location / {
$(proxy_location)
    }
  }
$(authreq_server "$AR" auth access-authreq.log)
$(authreq_server "$ARI" auth_inproc access-authreq-inproc.log)
$(auth_server "$AUTHI")
}
EOF
} >"$WORK/proxy/nginx.conf"
start_nginx proxy
wait_port "$AUTHI" "$NGINX_PID_proxy" || die "the proxy nginx did not start: $(cat "$WORK/proxy/error.log")"

# 4. Sekisho: state, a user with a password and TOTP, authd, a session, and two gateways (log on / off).
CONFIG=$WORK/sekisho.toml
gateway_config() {  # ACCESS_LOG ACTION
  cat <<EOF
state_dir = "$WORK/state"

[authd]
socket = "authd.sock"
clients = ["$(id -un)"]

[gateway]
listen = ["127.0.0.1:0"]
threads = 1
drain_timeout = "0s"
access_log = "$1"

[[gateway.certificate]]
hosts = ["localhost"]
cert_file = "$WORK/tls/server.crt"
key_file = "$WORK/tls/server.key"

[[upstream]]
name = "nginx"
url = "http://127.0.0.1:$UP"
max_idle_connections = $UPSTREAM_KEEPALIVE

[[rule]]
name = "everything needs a session"
paths = ["/"]
action = "$2"
EOF
}
sk() { "$SEKISHO" --config "$CONFIG" "$@"; }

SID=""
ACTION=bypass
GATEWAY_NOTE="bypass route: this build's \`sekisho login\` has no --session yet, so no session cookie"
if "$SEKISHO" login --help 2>&1 | grep -q -- '--session'; then
  ACTION=two_factor
  GATEWAY_NOTE="two_factor route, real session cookie (password + TOTP login through authd)"
fi
gateway_config "access.log" "$ACTION" >"$CONFIG"
gateway_config "" "$ACTION" >"$WORK/sekisho-nolog.toml"
sk init --state-dir "$WORK/state" >"$WORK/init.log" 2>&1 || die "sekisho init failed: $(cat "$WORK/init.log")"

if [ "$ACTION" = two_factor ]; then
  PASSWORD='Sakura-Hana#2026'
  sk user add bench >/dev/null || die "user add failed"
  echo "$PASSWORD" | sk user passwd bench >/dev/null || die "user passwd failed"
  coproc TOTP { "$SEKISHO" --config "$CONFIG" totp add bench 2>&1; }
  totp_pid=$TOTP_PID
  TOTP_KEY=""
  while IFS= read -r line <&"${TOTP[0]}"; do
    case "$line" in *"enter this key by hand"*) TOTP_KEY=${line##*: }; break ;; esac
  done
  [ -n "$TOTP_KEY" ] || die "totp add printed no key"
  oathtool --totp -b "$TOTP_KEY" >&"${TOTP[1]}"
  cat <&"${TOTP[0]}" >/dev/null
  wait "$totp_pid" || die "totp add failed"

  taskset -c "$SERVER_CPU" "$SEKISHO" --config "$CONFIG" authd >>"$WORK/authd.log" 2>&1 &
  AUTHD_PID=$!
  PIDS+=("$AUTHD_PID")
  for _ in $(seq 100); do sk status >/dev/null 2>&1 && break; sleep 0.1; done
  sk status >/dev/null 2>&1 || die "authd does not answer: $(cat "$WORK/authd.log")"
  # The code spent by `totp add` cannot be replayed: wait for the next 30-second step.
  say "waiting for the next TOTP step to log in"
  sleep $((31 - $(date +%s) % 30))
  login_out=$(printf '%s\n%s\n' "$PASSWORD" "$(oathtool --totp -b "$TOTP_KEY")" | sk login bench --session 2>"$WORK/login.err") \
    || die "login failed: $login_out $(cat "$WORK/login.err")"
  SID=$(grep -E '^[A-Za-z0-9_-]{20,}$' <<<"$login_out" | tail -n1 || true)
  [ -n "$SID" ] || die "login printed no session id: $login_out"
fi

start_gateway() {  # CONFIG NAME → GW_PORT_<NAME>, GW_PID_<NAME>
  local log=$WORK/gateway-$2.log
  taskset -c "$SERVER_CPU" "$SEKISHO" --config "$1" gateway 2>"$log" &
  local pid=$!
  PIDS+=("$pid")
  for _ in $(seq 100); do grep -q '^sekisho gateway: ready' "$log" && break; kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  grep -q '^sekisho gateway: ready' "$log" || die "the gateway ($2) did not start: $(cat "$log")"
  local port
  port=$(sed -n 's|^sekisho gateway: listening on https://127.0.0.1:\([0-9]*\)$|\1|p' "$log" | head -n1)
  [ -n "$port" ] || die "the gateway ($2) printed no port: $(cat "$log")"
  printf -v "GW_PORT_$2" '%s' "$port"
  printf -v "GW_PID_$2" '%s' "$pid"
}
start_gateway "$CONFIG" log
start_gateway "$WORK/sekisho-nolog.toml" nolog

declare -A URL=(
  [up-http]="http://127.0.0.1:$UP"
  [up-https]="https://127.0.0.1:$UPS"
  [nginx-proxy]="https://127.0.0.1:$PX"
  [nginx-proxy-nolog]="https://127.0.0.1:$PXN"
  [nginx-authreq]="https://127.0.0.1:$AR"
  [nginx-authreq-inproc]="https://127.0.0.1:$ARI"
  [sekisho]="https://127.0.0.1:$GW_PORT_log"
  [sekisho-nolog]="https://127.0.0.1:$GW_PORT_nolog"
)
HEADERS=()
[ -n "$SID" ] && HEADERS=(-H "Cookie: __Host-sekisho=$SID")

# Each variant answers 200 with the right body before it is measured (a 302 to the login page would be fast
# and wrong); the cipher each HTTPS variant negotiates with an OpenSSL client is recorded.
for v in $VARIANTS; do
  [ -n "${URL[$v]:-}" ] || die "unknown variant $v"
  for f in "${FILES[@]}"; do
    got=$(curl -sk -o /dev/null -w '%{http_code} %{size_download}' "${HEADERS[@]}" "${URL[$v]}/$f")
    [ "$got" = "200 ${SIZE[$f]}" ] || die "$v /$f answered '$got', expected '200 ${SIZE[$f]}'"
  done
  if [[ ${URL[$v]} == https://* ]]; then
    hp=${URL[$v]#https://}
    cipher=$(openssl s_client -connect "$hp" -servername localhost </dev/null 2>/dev/null | sed -n 's/^New, \(.*\)$/\1/p' | head -n1)
    say "$v: ${URL[$v]} — $cipher"
    echo "$v	$cipher" >>"$OUT/ciphers.tsv"
  fi
done

# HOLD=1: stop here, with everything started, for measuring by hand (perf, strace, wrk against one variant, a
# second gateway binary on the same config and authd): OUT/rig.env names the URLs, the cookie, the process IDs
# and the work directory; Ctrl-C or a TERM stops every process this run started.
if [ "${HOLD:-0}" = 1 ]; then
  {
    for v in "${!URL[@]}"; do echo "URL_${v//-/_}=${URL[$v]}"; done
    echo "COOKIE='${SID:+Cookie: __Host-sekisho=$SID}'"
    echo "GW_PID=$GW_PID_log"
    echo "PROXY_PID=$(pgrep -P "$NGINX_PID_proxy" | head -n1)"
    echo "UPSTREAM_PID=$(pgrep -P "$NGINX_PID_upstream" | head -n1)"
    echo "CONFIG=$CONFIG"
    echo "WORK=$WORK"
  } >"$OUT/rig.env"
  say "holding (HOLD=1): $OUT/rig.env; Ctrl-C or kill $$ to stop"
  sleep infinity &
  PIDS+=($!)
  wait $!
fi

# ---------------------------------------------------------------------------------------------------------
server_ticks() {  # CPU time (utime + stime, clock ticks) of every server process this run started, workers included
  local p t=0 all=()
  for p in "${PIDS[@]}"; do all+=("$p" $(pgrep -P "$p" || true)); done
  for p in "${all[@]}"; do
    [ -r "/proc/$p/stat" ] && t=$((t + $(sed 's/^.*) //' "/proc/$p/stat" | awk '{print $12 + $13}')))
  done
  echo "$t"
}
# User + system CPU of the shell's finished children (bash `times`, second line), in ms. `times` must run in
# this shell, not in a $(...) subshell (whose children are its own), so it writes to a file that is then read.
children_cpu_ms() {
  awk 'NR == 2 { n = 0; for (i = 1; i <= 2; i++) { split($i, a, "m"); sub(/s$/, "", a[2]); n += a[1] * 60 + a[2] }
                 printf "%.0f", n * 1000 }' "$1"
}
cpu_sample() {  # prints "busy0 total0 busy1 total1" in jiffies from /proc/stat
  awk -v a="cpu$CLIENT_CPU" -v b="cpu$SERVER_CPU" '
    $1 == a || $1 == b { busy = $2 + $3 + $4 + $7 + $8 + $9; total = busy + $5 + $6; s[$1] = busy " " total }
    END { print s[a], s[b] }' /proc/stat
}
to_ms() {  # "1.23ms" / "845.00us" / "1.02s" → milliseconds
  awk -v x="$1" 'BEGIN {
    if (x ~ /us$/) { sub(/us$/, "", x); printf "%.3f", x / 1000 }
    else if (x ~ /ms$/) { sub(/ms$/, "", x); printf "%.3f", x }
    else if (x ~ /s$/) { sub(/s$/, "", x); printf "%.3f", x * 1000 }
    else print "?" }'
}

RESULTS=$OUT/results.tsv
printf 'round\tvariant\tfile\tconns\treq_s\tp50_ms\tp99_ms\twrk_cpu_pct\tservers_cpu_pct\tforeign_cpu_pct\tserver_cpu_us_per_req\terrors\ttries\n' >"$RESULTS"

# This machine is shared: before each measurement wait (up to QUIET_WAIT s) until both cores are nearly idle,
# and measure again (up to TRIES times) when other work took more than FOREIGN_MAX % of a core meanwhile.
QUIET_WAIT=${QUIET_WAIT:-900}
QUIET_MAX=${QUIET_MAX:-15}
FOREIGN_MAX=${FOREIGN_MAX:-20}
TRIES=${TRIES:-3}
ROUNDS=${ROUNDS:-3}
busy_pct() {  # both cores' busy time over one second, in % of one core (0..200)
  local a b
  a=$(cpu_sample); sleep 1; b=$(cpu_sample)
  awk -v a="$a" -v b="$b" 'BEGIN { split(a, x, " "); split(b, y, " ")
    printf "%.0f", 100 * ((y[1] - x[1]) / (y[2] - x[2]) + (y[3] - x[3]) / (y[4] - x[4])) }'
}
wait_quiet() {
  local waited=0 busy
  while busy=$(busy_pct) && [ "$busy" -gt "$QUIET_MAX" ]; do
    if [ "$waited" -ge "$QUIET_WAIT" ]; then say "machine still busy ($busy %) after $waited s; measuring anyway"; return; fi
    [ "$waited" = 0 ] && say "machine busy ($busy % of a core, not this benchmark); waiting for it to settle"
    sleep 4; waited=$((waited + 5))
  done
}

measure() {  # ROUND VARIANT FILE CONNS TRY → a line in RESULTS (when good enough or on the last try); 1 = again
  local round=$1 v=$2 f=$3 c=$4 try=$5 url=${URL[$2]}/$3 raw=$OUT/wrk-r$1-$2-${3%%.*}-c$4.txt
  wait_quiet
  client wrk -t1 -c"$c" -d"${WARMUP}s" "${HEADERS[@]}" "$url" >/dev/null
  local a s0 s1 w0 w1 b
  a=$(cpu_sample)
  s0=$(server_ticks)
  times >"$WORK/times0"
  client wrk -t1 -c"$c" -d"${DURATION}s" --latency "${HEADERS[@]}" "$url" >"$raw"
  times >"$WORK/times1"
  s1=$(server_ticks)
  b=$(cpu_sample)
  w0=$(children_cpu_ms "$WORK/times0")
  w1=$(children_cpu_ms "$WORK/times1")
  local rps n p50 p99 errs wrk_pct srv_pct foreign us
  rps=$(awk '/^Requests\/sec:/{print $2}' "$raw")
  n=$(awk '/requests in/{print $1}' "$raw")
  p50=$(to_ms "$(awk '/Latency Distribution/{d=1} d && $1=="50%"{print $2; exit}' "$raw")")
  p99=$(to_ms "$(awk '/Latency Distribution/{d=1} d && $1=="99%"{print $2; exit}' "$raw")")
  errs=$(awk '/Socket errors:/{gsub(/[^0-9 ]/, ""); s=0; for (i=1;i<=NF;i++) s+=$i; e+=s} /Non-2xx/{e+=$NF} END{print e+0}' "$raw")
  # foreign: busy time of both cores not spent in wrk or in this run's servers, in % of one core.
  read -r wrk_pct srv_pct foreign us <<<"$(awk -v a="$a" -v b="$b" -v s0="$s0" -v s1="$s1" -v w0="$w0" -v w1="$w1" \
    -v n="$n" -v d="$DURATION" -v hz="$(getconf CLK_TCK)" 'BEGIN {
      split(a, x, " "); split(b, y, " ")
      busy = 100 * ((y[1] - x[1]) / (y[2] - x[2]) + (y[3] - x[3]) / (y[4] - x[4]))
      wrk = (w1 - w0) / 10 / d; srv = 100 * (s1 - s0) / hz / d; f = busy - wrk - srv
      printf "%.0f %.0f %.0f %.1f", wrk, srv, f < 0 ? 0 : f, (s1 - s0) / hz * 1e6 / n }')"
  printf '%-18s %-9s c=%-3s %10s req/s  p50 %7s ms  p99 %7s ms  wrk %3s%%  servers %3s%%  other %3s%%  %7s µs/req  errors %s%s\n' \
    "$v" "$f" "$c" "$rps" "$p50" "$p99" "$wrk_pct" "$srv_pct" "$foreign" "$us" "$errs" \
    "$([ "$foreign" -gt "$FOREIGN_MAX" ] && [ "$try" -lt "$TRIES" ] && echo '  (other work on the machine: again)')" >&2
  [ "$foreign" -gt "$FOREIGN_MAX" ] && [ "$try" -lt "$TRIES" ] && return 1
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$v" "$f" "$c" "$rps" "$p50" "$p99" "$wrk_pct" "$srv_pct" \
    "$foreign" "$us" "$errs" "$try" >>"$RESULTS"
}

say "wrk: taskset -c $CLIENT_CPU wrk -t1 -cN -d${DURATION}s --latency ${HEADERS[*]:+-H 'Cookie: __Host-sekisho=<id>'} URL (after a ${WARMUP} s warm-up run)"
# ROUNDS passes over every (file, connections, variant); the summary shows each cell's median, so one slow
# stretch of a shared machine does not decide a ratio.
# Each round starts one variant further on, so no variant is always measured first in its cell, or always
# right after the same other one, while the machine drifts.
rotated() {  # N WORD... → the words, starting at the (N mod count)th
  local n=$1; shift
  local words=("$@") i
  for ((i = 0; i < ${#words[@]}; i++)); do echo "${words[(i + n) % ${#words[@]}]}"; done
}
for ((round = 1; round <= ROUNDS; round++)); do
  say "round $round of $ROUNDS"
  for f in "${FILES[@]}"; do
    for c in $CONNS; do
      for v in $(rotated $((round - 1)) $VARIANTS); do
        for ((try = 1; try <= TRIES; try++)); do measure "$round" "$v" "$f" "$c" "$try" && break; done
      done
    done
  done
done

# Every request the logging gateway served in the measurements was a 200 (none went to the login page).
if [[ " $VARIANTS " == *" sekisho "* ]]; then
  sleep 1  # the background writer
  total=$(wc -l <"$WORK/state/access.log")
  ok=$(grep -c '"status":200' "$WORK/state/access.log" || true)
  say "gateway access log: $total lines, $ok with status 200"
  if [ "$total" != "$ok" ]; then
    # wrk closes its connections when its time is up, mid-request: those lines say status 0 (client gone).
    grep -v '"status":200' "$WORK/state/access.log" >"$OUT/gateway-access-log-not-200.json" || true
    say "not 200: $(grep -o '"status":[0-9]*' "$OUT/gateway-access-log-not-200.json" | sort | uniq -c | tr -s ' \n' ' ')"
  fi
  head -n1 "$WORK/state/access.log" >"$OUT/gateway-access-log-sample.json"
fi

# Optional: PROFILE=1 samples the logging gateway (perf record -e cpu-clock -g) during one more wrk run per
# file at the first connection count; perf.data and a flat report are kept in OUT.
if [ "${PROFILE:-0}" = 1 ] && command -v perf >/dev/null; then
  c=${CONNS%% *}
  for f in "${FILES[@]}"; do
    perf record -e cpu-clock -F 999 -g -p "$GW_PID_log" -o "$OUT/perf-${f%%.*}.data" -- sleep "$DURATION" \
      >/dev/null 2>"$OUT/perf-${f%%.*}.log" &
    perf_pid=$!
    client wrk -t1 -c"$c" -d"${DURATION}s" "${HEADERS[@]}" "${URL[sekisho]}/$f" >/dev/null
    wait "$perf_pid" || true
    perf report -i "$OUT/perf-${f%%.*}.data" --no-children --sort dso,symbol --stdio 2>/dev/null \
      | grep -v '^$' | head -n 400 >"$OUT/perf-${f%%.*}-self.txt" || true
    perf report -i "$OUT/perf-${f%%.*}.data" --children --sort symbol --stdio -g none 2>/dev/null \
      | grep -v '^$' | head -n 200 >"$OUT/perf-${f%%.*}-children.txt" || true
    say "profile of the gateway on /$f: $OUT/perf-${f%%.*}-self.txt"
  done
fi

# Optional: INSTRUCTIONS=1 counts the instructions each proxy executes per request for the 2 KB page, with
# valgrind's callgrind (every instruction the process runs, its libraries' and OpenSSL's included): nginx as a
# proxy and nginx with auth_request to its own endpoint (nginx-authreq-inproc: one process, master_process off,
# so the auth endpoint's instructions are counted too), and the logging gateway. Each runs twice under
# callgrind, driven by wrk at the first connection count for CG_SHORT and CG_LONG seconds; the difference of the totals over the difference of the requests leaves out
# start-up and the TLS handshakes. Unlike requests/s on a shared machine, the count repeats within about 2 %
# (the same binary three times: 67.2k, 68.4k, 68.0k). Under callgrind each server is far slower than wrk, so it
# finds many requests ready at each wake-up: the counts are for a saturated server, for both alike.
INSTRUCTIONS_TSV=$OUT/instructions.tsv
if [ "${INSTRUCTIONS:-0}" = 1 ]; then
  command -v valgrind >/dev/null || die "INSTRUCTIONS=1 needs valgrind"
  CG_SHORT=${CG_SHORT:-5}
  CG_LONG=${CG_LONG:-15}
  # A second proxy nginx, on ports of its own, for callgrind.
  CG_PX=$(free_port); CG_PXN=$(free_port); CG_AR=$(free_port); CG_ARI=$(free_port); CG_AUTHI=$(free_port)
  nginx_dir cgproxy
  sed -e "s|$WORK/proxy/|$WORK/cgproxy/|g" -e "s|127.0.0.1:$PX |127.0.0.1:$CG_PX |" -e "s|127.0.0.1:$PXN |127.0.0.1:$CG_PXN |" \
    -e "s|127.0.0.1:$AR |127.0.0.1:$CG_AR |" -e "s|127.0.0.1:$ARI |127.0.0.1:$CG_ARI |" \
    -e "s|127.0.0.1:$AUTHI;|127.0.0.1:$CG_AUTHI;|g" "$WORK/proxy/nginx.conf" >"$WORK/cgproxy/nginx.conf"
  callgrind_run() {  # VARIANT SECONDS → "requests instructions"
    local v=$1 secs=$2 out=$WORK/callgrind-$1-$2.out log=$WORK/callgrind-$1-$2.log pid url
    if [ "$v" = sekisho ]; then
      taskset -c "$SERVER_CPU" valgrind --tool=callgrind \
        --callgrind-out-file="$out" "$SEKISHO" --config "$CONFIG" gateway 2>"$log" &
      pid=$!
      for _ in $(seq 600); do grep -q '^sekisho gateway: ready' "$log" && break; kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      url="https://127.0.0.1:$(sed -n 's|^sekisho gateway: listening on https://127.0.0.1:\([0-9]*\)$|\1|p' "$log" | head -n1)"
    else
      taskset -c "$SERVER_CPU" valgrind --tool=callgrind --callgrind-out-file="$out" nginx -p "$WORK/cgproxy/" \
        -c "$WORK/cgproxy/nginx.conf" -g "daemon off; master_process off;" 2>"$log" &
      pid=$!
      wait_port "$CG_AUTHI" "$pid" || die "nginx under callgrind did not start: $(cat "$log")"
      url="https://127.0.0.1:$([ "$v" = nginx-proxy ] && echo "$CG_PX" || echo "$CG_ARI")"
    fi
    local n
    n=$(client wrk -t1 -c"${CONNS%% *}" -d"${secs}s" "${HEADERS[@]}" "$url/page.html" | awk '/requests in/{print $1}')
    kill "$([ "$v" = sekisho ] && echo -TERM || echo -QUIT)" "$pid"
    wait "$pid" 2>/dev/null || true
    [ -s "$out" ] || die "$v under callgrind wrote no profile: $(tail -n3 "$log")"
    echo "$n $(awk '/^totals:/{print $2; exit}' "$out")"
  }
  printf 'variant\trequests_short\tinstructions_short\trequests_long\tinstructions_long\tinstructions_per_request\n' \
    >"$INSTRUCTIONS_TSV"
  for v in nginx-proxy nginx-authreq-inproc sekisho; do
    read -r n1 i1 <<<"$(callgrind_run "$v" "$CG_SHORT")"
    read -r n2 i2 <<<"$(callgrind_run "$v" "$CG_LONG")"
    per=$(awk -v a="$i1" -v b="$i2" -v m="$n1" -v n="$n2" 'BEGIN { printf "%.0f", (b - a) / (n - m) }')
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$v" "$n1" "$i1" "$n2" "$i2" "$per" >>"$INSTRUCTIONS_TSV"
    say "$v: $per instructions per request of /page.html (callgrind, $n1 and $n2 requests)"
  done
fi

# ---------------------------------------------------------------------------------------------------------
# RSS with IDLE_CONNS idle keep-alive TLS connections (each has had one request for the 2 KB page).
idle_rss() {  # NAME PORT PID...
  local name=$1 port=$2; shift 2
  local before=0 after=0 p
  for p in "$@"; do before=$((before + $(rss_kb "$p"))); done
  rm -f "$WORK/hold" "$WORK/idle.out"
  mkfifo "$WORK/hold"
  taskset -c "$CLIENT_CPU" python3 "$HERE/idle_conns.py" 127.0.0.1 "$port" "$IDLE_CONNS" /page.html \
    "${SID:+__Host-sekisho=$SID}" <"$WORK/hold" >"$WORK/idle.out" &
  local idle_pid=$!
  exec 7>"$WORK/hold"
  HOLD_FD_OPEN=1
  for _ in $(seq 600); do [ -s "$WORK/idle.out" ] && break; sleep 0.1; done
  if ! grep -q '^open' "$WORK/idle.out"; then
    exec 7>&-; HOLD_FD_OPEN=0; wait "$idle_pid" || true
    die "$name: idle connections: $(cat "$WORK/idle.out")"
  fi
  sleep 1
  for p in "$@"; do after=$((after + $(rss_kb "$p"))); done
  exec 7>&-
  HOLD_FD_OPEN=0
  wait "$idle_pid" || true
  printf '%s\t%d\t%d\t%.1f\n' "$name" "$before" "$after" "$(awk -v a="$after" -v b="$before" -v n="$IDLE_CONNS" 'BEGIN{print (a-b)/n}')" >>"$OUT/rss.tsv"
  printf '%-28s RSS %6.1f MiB idle → %6.1f MiB with %d idle keep-alive TLS connections (%.1f KiB each)\n' "$name" \
    "$(awk -v x="$before" 'BEGIN{print x/1024}')" "$(awk -v x="$after" 'BEGIN{print x/1024}')" "$IDLE_CONNS" \
    "$(awk -v a="$after" -v b="$before" -v n="$IDLE_CONNS" 'BEGIN{print (a-b)/n}')" >&2
}
printf 'process\trss_before_kib\trss_after_kib\tkib_per_conn\n' >"$OUT/rss.tsv"
idle_rss "sekisho gateway" "$GW_PORT_log" "$GW_PID_log"
proxy_worker=$(pgrep -P "$NGINX_PID_proxy" | head -n1)
idle_rss "nginx proxy (worker process)" "$PX" "$proxy_worker"
say "gateway VmHWM $(hwm_kb "$GW_PID_log") KiB; nginx proxy master VmRSS $(rss_kb "$NGINX_PID_proxy") KiB (holds no connections)${AUTHD_PID:+; authd VmRSS $(rss_kb "$AUTHD_PID") KiB}"

# ---------------------------------------------------------------------------------------------------------
# Medians over the rounds of every column, per (variant, file, conns): medians.awk.
medians() { awk -F'\t' -f "$HERE/median.awk" -f "$HERE/medians.awk" "$RESULTS"; }

summary() {
  medians >"$OUT/medians.tsv"
  echo
  echo "Gateway: $GATEWAY_NOTE"
  echo "Server side pinned to cpu$SERVER_CPU, wrk -t1 to cpu$CLIENT_CPU; ${DURATION} s per measurement after ${WARMUP} s warm-up;"
  echo "$ROUNDS rounds, each cell is the median of its rounds (req/s range: lowest–highest round; every round in results.tsv)."
  echo "wrk CPU: wrk's own user+sys time / wall time. servers CPU: all nginx, authd and gateway processes this run started."
  echo "other: busy time of both cores (/proc/stat) not in wrk or those servers (other work on the machine, softirq"
  echo "not charged to a process); a measurement with more than $FOREIGN_MAX % is repeated. µs/req: servers CPU per request."
  echo
  echo '| variant | file | conns | req/s | req/s range | p50 ms | p99 ms | wrk CPU % | servers CPU % | other CPU % | server CPU µs/req |'
  echo '|---|---|---|---|---|---|---|---|---|---|---|'
  awk -F'\t' '{ printf "| %s | %s | %s | %s | %s | %.2f | %.2f | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11 }' \
    "$OUT/medians.tsv"
  echo
  echo '| file | conns | Sekisho / nginx proxy (req/s) | Sekisho / nginx+auth_request | Sekisho / nginx+auth_request (in-process) | p99 Sekisho − nginx proxy | p99 Sekisho − nginx+auth_request | CPU per request, Sekisho / nginx proxy | no log: Sekisho / nginx proxy | no log: p99 diff |'
  echo '|---|---|---|---|---|---|---|---|---|---|'
  awk -F'\t' '{ k = $2 SUBSEP $3; rps[$1, k] = $4; p99[$1, k] = $7; us[$1, k] = $11; if (!(k in seen)) { seen[k] = 1; order[++n] = k } }
    function ratio(a, b) { return (a == "" || b == "" || b == 0) ? "—" : sprintf("%.2f×", a / b) }
    function diff(a, b) { return (a == "" || b == "") ? "—" : sprintf("%+.2f ms", a - b) }
    END {
      for (i = 1; i <= n; i++) {
        k = order[i]; split(k, fc, SUBSEP)
        printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", fc[1], fc[2],
          ratio(rps["sekisho", k], rps["nginx-proxy", k]), ratio(rps["sekisho", k], rps["nginx-authreq", k]),
          ratio(rps["sekisho", k], rps["nginx-authreq-inproc", k]),
          diff(p99["sekisho", k], p99["nginx-proxy", k]), diff(p99["sekisho", k], p99["nginx-authreq", k]),
          ratio(us["sekisho", k], us["nginx-proxy", k]),
          ratio(rps["sekisho-nolog", k], rps["nginx-proxy-nolog", k]), diff(p99["sekisho-nolog", k], p99["nginx-proxy-nolog", k])
      }
    }' "$OUT/medians.tsv"
  echo
  awk -F'\t' -f "$HERE/median.awk" -f "$HERE/paired.awk" "$RESULTS"
  echo
  echo '| process | RSS idle (MiB) | RSS with '"$IDLE_CONNS"' idle keep-alive TLS connections (MiB) | KiB per connection |'
  echo '|---|---|---|---|'
  awk -F'\t' 'NR > 1 { printf "| %s | %.1f | %.1f | %.1f |\n", $1, $2 / 1024, $3 / 1024, $4 }' "$OUT/rss.tsv"
  echo
  if [ -s "$INSTRUCTIONS_TSV" ]; then
    echo '| instructions per request, 2 KB page (callgrind) | nginx proxy | nginx + auth_request (in-process) | Sekisho | Sekisho / nginx proxy | Sekisho / nginx + auth_request (in-process) |'
    echo '|---|---|---|---|---|---|'
    awk -F'\t' 'NR > 1 { i[$1] = $6 } END { printf "| whole process | %d | %d | %d | %.2f× | %.2f× |\n", i["nginx-proxy"],
      i["nginx-authreq-inproc"], i["sekisho"], i["sekisho"] / i["nginx-proxy"], i["sekisho"] / i["nginx-authreq-inproc"] }' "$INSTRUCTIONS_TSV"
    echo
  fi
  echo "Goals: Sekisho ≥ 1.0× nginx proxy, ≥ 1.5× nginx+auth_request, p99 within 0.5 ms of nginx's; RSS ≤ 50 MB with 1,000 idle connections."
  echo "nginx+auth_request asks an auth service in a process of its own, as forward-auth does; the in-process column is nginx answering its own subrequest."
  echo "Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
}
summary | tee "$OUT/summary.md"
