# Ratios paired round by round, from results.tsv: in each round the variants of one (file, connections) run
# one after another, so a stretch where the shared machine runs slow (every variant of the round slower
# alike) moves both sides of a round's ratio, where it can move the medians of different variants apart.
# Prints one row per (file, connections): each round's Sekisho / nginx proxy and Sekisho / nginx +
# auth_request (requests/s), and p99 Sekisho − nginx proxy, then the median of each. A repeated
# measurement counts once: its last try, the one kept. Run with median.awk before it. Given the results.tsv
# of several runs, it pools their rounds (numbered on from one file to the next), for a statistic steadier
# than one run's:  awk -F'\t' -f median.awk -f paired.awk RUN1/results.tsv RUN2/results.tsv
FNR == 1 { base = rounds }
FNR > 1 {
  k = $3 SUBSEP $4
  if (!(k in seen)) { seen[k] = 1; order[++keys] = k }
  r = base + $1
  rps[r, $2, k] = $5; p99[r, $2, k] = $7
  if (r > rounds) rounds = r
}
# "1.01, 0.98, … (median 1.00×)" over the rounds where both were measured.
function series(k, a, b, kind,    r, m, s, x, v) {
  m = 0; s = ""
  for (r = 1; r <= rounds; r++) {
    if (kind == "ratio" && rps[r, a, k] != "" && rps[r, b, k] > 0) x = rps[r, a, k] / rps[r, b, k]
    else if (kind == "diff" && p99[r, a, k] != "" && p99[r, b, k] != "") x = p99[r, a, k] - p99[r, b, k]
    else continue
    v[++m] = x
    s = s (m > 1 ? ", " : "") sprintf(kind == "ratio" ? "%.2f" : "%+.2f", x)
  }
  if (m == 0) return "—"
  return s sprintf(kind == "ratio" ? " (median **%.2f×**)" : " (median **%+.2f ms**)", median(v, m))
}
END {
  print "| file | conns | Sekisho / nginx proxy, round by round | Sekisho / nginx+auth_request, round by round | p99 Sekisho − nginx proxy, round by round |"
  print "|---|---|---|---|---|"
  for (i = 1; i <= keys; i++) {
    k = order[i]; split(k, fc, SUBSEP)
    printf "| %s | %s | %s | %s | %s |\n", fc[1], fc[2], series(k, "sekisho", "nginx-proxy", "ratio"),
      series(k, "sekisho", "nginx-authreq", "ratio"), series(k, "sekisho", "nginx-proxy", "diff")
  }
}
