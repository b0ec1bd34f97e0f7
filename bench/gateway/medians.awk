# Medians over the rounds of every column of results.tsv, per (variant, file, conns), in the order first
# measured, with the lowest and highest round's requests/s. Run with median.awk before it.
NR > 1 {
  k = $2 SUBSEP $3 SUBSEP $4
  if (!(k in n)) order[++keys] = k
  i = ++n[k]
  for (c = 5; c <= 11; c++) v[k, c, i] = $c
}
function column_median(k, c,    i, a) {
  for (i = 1; i <= n[k]; i++) a[i] = v[k, c, i] + 0
  return median(a, n[k])
}
function lo(k, c,    i, x) { x = v[k, c, 1] + 0; for (i = 2; i <= n[k]; i++) if (v[k, c, i] + 0 < x) x = v[k, c, i] + 0; return x }
function hi(k, c,    i, x) { x = v[k, c, 1] + 0; for (i = 2; i <= n[k]; i++) if (v[k, c, i] + 0 > x) x = v[k, c, i] + 0; return x }
END {
  for (i = 1; i <= keys; i++) {
    k = order[i]; split(k, p, SUBSEP)
    printf "%s\t%s\t%s\t%.0f\t%.0f–%.0f\t%.3f\t%.3f\t%.0f\t%.0f\t%.0f\t%.1f\t%d\n", p[1], p[2], p[3],
      column_median(k, 5), lo(k, 5), hi(k, 5), column_median(k, 6), column_median(k, 7), column_median(k, 8),
      column_median(k, 9), column_median(k, 10), column_median(k, 11), n[k]
  }
}
