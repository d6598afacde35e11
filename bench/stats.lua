-- bench/stats.lua: wrk report in one machine-readable line (read by bench/lib.sh).
-- Defines no request/response hook, so wrk keeps its fast path.
-- Shared by the run scripts; a script with its own hooks defines done() the same way.
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "WRKSTATS requests=%d duration_us=%d bytes=%d p50_us=%d p99_us=%d max_us=%d connect=%d read=%d write=%d status=%d timeout=%d\n",
    summary.requests, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(99), latency.max,
    e.connect, e.read, e.write, e.status, e.timeout))
end
