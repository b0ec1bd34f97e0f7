# `sekisho init` for a new site: with flags, and as the wizard on a terminal. A local CA and a server
# certificate for the hosts, the gateway, upstream and rule in the config, the enrollment links' address;
# re-running keeps everything; the gateway then serves HTTPS with that certificate.
source "$(dirname "$0")/lib.sh"
for tool in openssl curl script python3; do
  command -v "$tool" >/dev/null || { echo "FAIL: $tool is not installed (tools/deps.sh installs it)"; exit 1; }
done
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
port=$(free_port)
tls="$WORK/tls"

out=$(sk init --state-dir "$WORK/state" --host ehr.clinic.test,127.0.0.1 --upstream http://127.0.0.1:9 \
         --listen "127.0.0.1:$port" --profile nist </dev/null 2>&1)
expect_contains "init makes a local CA" "created  $tls/ca.pem" "$out"
expect_contains "and a server certificate for the hosts" "created  $tls/server.pem (for ehr.clinic.test 127.0.0.1)" "$out"
expect_contains "says how to trust the CA on Windows" "certutil -addstore -f Root ca.pem" "$out"
expect_contains "the link names the site" "https://ehr.clinic.test:$port/.sekisho/enroll?t=" "$out"
[ "$(stat -c %a "$tls/ca.key")" = 600 ] && pass || fail "the CA key is not 0600"
[ "$(stat -c %a "$tls/server.key")" = 600 ] || [ "$(stat -c %a "$tls/server.key")" = 640 ] && pass || fail "server key mode"
expect_ok "the server certificate chains to the local CA" openssl verify -CAfile "$tls/ca.pem" "$tls/server.pem"
san=$(openssl x509 -in "$tls/server.pem" -noout -ext subjectAltName)
expect_contains "names the host" "DNS:ehr.clinic.test" "$san"
expect_contains "names the address" "IP Address:127.0.0.1" "$san"
expect_contains "the upstream is in the config" 'url = "http://127.0.0.1:9"' "$(cat "$CONFIG")"
expect_contains "the profile is in the config" 'profile = "nist"' "$(cat "$CONFIG")"
out=$(sk check-config 2>&1)
expect_contains "security keys work for the site" "origins    https://ehr.clinic.test:$port" "$out"

fingerprint=$(openssl x509 -in "$tls/server.pem" -noout -fingerprint -sha256)
ca_key=$(sha256sum "$tls/ca.key")
out=$(sk init --host other.test </dev/null 2>&1)
expect_contains "re-running keeps the certificate" "kept     $tls/server.pem (exists)" "$out"
expect_contains "and says the flags do not change an existing config" "--host and --upstream are not applied" "$out"
[ "$fingerprint" = "$(openssl x509 -in "$tls/server.pem" -noout -fingerprint -sha256)" ] && pass || fail "cert changed"
[ "$ca_key" = "$(sha256sum "$tls/ca.key")" ] && pass || fail "CA key changed"

start_authd || true
# The port was free when init ran; another process may have bound it since. Then the gateway exits
# (EADDRINUSE) and starts again on another port, up to three times, as the Python harness does.
for attempt in 1 2 3; do
  : >"$WORK/gateway.log"
  "$SEKISHO" --config "$CONFIG" gateway >>"$WORK/gateway.log" 2>&1 &
  gateway_pid=$!
  for _ in $(seq 100); do
    grep -q "sekisho gateway: ready" "$WORK/gateway.log" && break
    kill -0 "$gateway_pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -0 "$gateway_pid" 2>/dev/null && { PIDS+=("$gateway_pid"); break; }
  grep -q "Address already in use" "$WORK/gateway.log" || break
  new_port=$(free_port)
  sed -i "s/^listen = \[\"127\.0\.0\.1:$port\"\]/listen = [\"127.0.0.1:$new_port\"]/" "$CONFIG"
  port=$new_port
done
# curl verifies the certificate against the local CA alone; the page says ok, or (this machine's kernel
# may not count its clock as synchronised) names the clock.
out=$(curl -sS --cacert "$tls/ca.pem" --resolve "ehr.clinic.test:$port:127.0.0.1" \
          "https://ehr.clinic.test:$port/.sekisho/health" 2>&1) && pass || fail "HTTPS with init's certificate: $out"
grep -qxE "ok|clock not synchronised" <<<"$out" && pass || fail "health answered: $out"

# The wizard: no flags, a terminal on standard input (script gives one), answers typed line by line.
wizard="$WORK/wizard"
out=$(printf 'ward.clinic.test\nhttp://127.0.0.1:8081\nmhlw\n' |
      script -qec "'$SEKISHO' --config '$wizard/sekisho.toml' init --state-dir '$wizard/state'" /dev/null 2>&1)
expect_contains "the wizard asks for the host names" "Host name(s) staff open in the browser" "$out"
expect_contains "and for the EHR" "Address of the EHR" "$out"
expect_contains "and makes the certificate for the answer" "(for ward.clinic.test)" "$out"
expect_contains "the wizard's upstream is in the config" 'url = "http://127.0.0.1:8081"' "$(cat "$wizard/sekisho.toml")"

expect_exit 1 "a bad host name is refused" "$SEKISHO" --config "$WORK/bad/sekisho.toml" init --host 'bad name!' </dev/null
expect_exit 1 "an upstream without a scheme is refused" "$SEKISHO" --config "$WORK/bad/sekisho.toml" init \
  --host a.test --upstream 10.0.0.5:8080 </dev/null
[ ! -e "$WORK/bad/sekisho.toml" ] && pass || fail "a refused init wrote a config"
finish
