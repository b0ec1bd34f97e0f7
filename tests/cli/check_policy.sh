# `sekisho check-policy`: which rule a URL meets, why, and which upstream serves it — the gateway's own
# decision (normalised path, first match, default deny, groups, source networks, methods, Windows paths) —
# and a clear error for a URL, address or target it cannot judge.
source "$(dirname "$0")/lib.sh"
sk init --state-dir "$WORK/state" >/dev/null
cat >>"$CONFIG" <<'TOML'

[[upstream]]
name = "ehr"
hosts = ["ehr.clinic.local"]
url = "http://127.0.0.1:8080"

[[upstream]]
name = "lab results (IIS)"
hosts = ["lab.clinic.local"]
url = "http://127.0.0.1:8081"
windows_paths = true

[[rule]]
name = "admin pages: IT staff only"
hosts = ["ehr.clinic.local"]
paths = ["/admin"]
groups = ["it"]
action = "two_factor"
[[rule]]
name = "no admin for others"
hosts = ["ehr.clinic.local"]
paths = ["/admin"]
action = "deny"
[[rule]]
name = "public notices"
hosts = ["ehr.clinic.local"]
paths = ["/public"]
methods = ["GET"]
action = "bypass"
[[rule]]
name = "ward terminals"
hosts = ["ehr.clinic.local"]
sources = ["10.3.0.0/16"]
action = "one_factor"
[[rule]]
name = "ehr"
hosts = ["ehr.clinic.local"]
action = "two_factor"
[[rule]]
name = "lab admin closed"
hosts = ["lab.clinic.local"]
paths = ["/Admin"]
action = "deny"
[[rule]]
name = "lab"
hosts = ["lab.clinic.local"]
action = "two_factor"
TOML
expect_ok "the site's config is valid" sk check-config
expect_not_contains "and has nothing to warn of" "warning:" "$out"

# judge EXIT DESCRIPTION ARGS...: runs check-policy, expects EXIT; its output in $out.
judge() {
  local code=$1 what=$2; shift 2
  expect_exit "$code" "$what" sk check-policy "$@"
}

judge 0 "a public page" --url https://ehr.clinic.local/public/news
expect_contains "names the rule and what matched" \
  'rule:   rule "public notices" (#3): host ehr.clinic.local, path /public, method GET → bypass' "$out"
expect_contains "names the upstream" "upstream: ehr" "$out"
expect_contains "says it is forwarded" "result: forwarded" "$out"

judge 0 "the same page posted" --url https://ehr.clinic.local/public/news --method POST
expect_contains "falls through the GET-only rule" 'rule "ehr" (#5): host ehr.clinic.local → two_factor' "$out"
expect_contains "to a login" "result: sent to the login page first" "$out"

judge 0 "a dot segment into the admin pages" --url 'https://ehr.clinic.local/public/../admin/users?x=1'
expect_contains "is judged as the path it is served as" "GET ehr.clinic.local /admin/users?x=1" "$out"
expect_contains "a group rule asks for the login first" "needs a logged-in user → log in, then decide" "$out"

judge 1 "a nurse on the admin pages" --url https://ehr.clinic.local/admin/users --user hanako --group nurses
expect_contains "is refused by the deny after the group rule" 'rule "no admin for others" (#2)' "$out"
expect_contains "with 403" "result: refused (403)" "$out"
expect_contains "as the named user" "as hanako" "$out"

judge 0 "IT staff on the admin pages" --url https://ehr.clinic.local/admin/users --user ken --group it
expect_contains "meet the group rule" 'group it → two_factor' "$out"
expect_contains "and are forwarded" "result: forwarded" "$out"

judge 0 "a ward terminal" --url https://ehr.clinic.local/patients/1 --from 10.3.4.5
expect_contains "meets the source rule" 'source 10.3.0.0/16 → one_factor' "$out"
judge 0 "a PC elsewhere" --url https://ehr.clinic.local/patients/1 --from 192.168.1.20
expect_contains "does not" 'rule "ehr" (#5)' "$out"

judge 1 "a host no rule names" --url https://intranet.clinic.local/
expect_contains "is denied by default" "no rule matched: denied by default" "$out"
judge 0 "the portal" --url https://intranet.clinic.local/.sekisho/login
expect_contains "is Sekisho's own" "served by Sekisho itself" "$out"
judge 1 "an encoded slash" --url 'https://ehr.clinic.local/public%2F..%2Fadmin'
expect_contains "is refused as malformed" "refused as malformed (400): encoded slash in the path" "$out"

# The IIS server: its rules see /ADMIN as /Admin, and Windows name aliases are refused.
judge 1 "/ADMIN on the Windows server" --url https://lab.clinic.local/ADMIN/users
expect_contains "meets the rule for /Admin" 'rule "lab admin closed" (#6)' "$out"
for alias in /admin. /admin%20 /ADMINI~1/ '/admin::$DATA'; do
  judge 1 "$alias on the Windows server" --url "https://lab.clinic.local$alias"
  expect_contains "$alias is a Windows path alias" "(400): Windows path alias" "$out"
done
judge 0 "an ordinary page there" --url 'https://lab.clinic.local/Results/View.aspx?id=7'
expect_contains "keeps its case" "request: GET lab.clinic.local /Results/View.aspx?id=7" "$out"
expect_contains "is the Windows server's" "upstream: lab results (IIS)" "$out"
judge 0 "/ADMIN on the Linux EHR" --url https://ehr.clinic.local/ADMIN
expect_contains "is another path there" 'rule "ehr" (#5)' "$out"

judge 1 "a URL without a scheme" --url ehr.clinic.local/x
expect_contains "says what it expects" "expected https://host/path" "$out"
judge 1 "a malformed host" --url 'https://ehr clinic/x'
judge 1 "a malformed source address" --url https://ehr.clinic.local/ --from 10.3.4
expect_contains "names the option" "--from" "$out"
expect_exit 2 "no URL" sk check-policy
finish
