# The median of a[1..m], sorting a in place (insertion sort: a few rounds at most). Shared by run.sh's
# medians.awk and paired.awk: Debian's awk (mawk) takes several -f files, but no program text beside them.
function median(a, m,    i, j, t) {
  for (i = 2; i <= m; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
  return m % 2 ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2
}
