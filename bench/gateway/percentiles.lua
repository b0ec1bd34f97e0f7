-- wrk -s bench/gateway/percentiles.lua ...: prints requests/s, the slowest request and percentiles up to p99.9
-- (wrk's --latency stops at p99), all in ms, on one line.
done = function(summary, latency, requests)
  local out = {}
  for _, p in ipairs({50, 75, 90, 95, 98, 99, 99.5, 99.9}) do
    out[#out + 1] = string.format("p%s=%.2f", p, latency:percentile(p) / 1000)
  end
  io.write(string.format("rps=%.0f max=%.2f ", summary.requests / (summary.duration / 1e6), latency.max / 1000),
           table.concat(out, " "), "\n")
end
