-- wrk reporter for bench/run.py: one JSON line with the figures the benchmark needs
-- (wrk's own --latency output has no p95). Latencies are in microseconds.
done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'BENCH {"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, "max_us": %d, '
      .. '"errors": %d, "non_2xx": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency.max, errors.connect + errors.read + errors.write + errors.timeout, errors.status))
end

-- A path with __n__ in it gets a new number in each request: every request then asks for a
-- list page that no cache holds (issues/listcache.py), which measures the pages' full cost.
counter = 0
request = function()
  if string.find(wrk.path, "__n__", 1, true) then
    counter = counter + 1
    return wrk.format(nil, (string.gsub(wrk.path, "__n__", tostring(counter))))
  end
  return wrk.format()
end
