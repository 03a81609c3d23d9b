-- wrk script of bench/run.py: one JSON line with the figures the benchmark needs (wrk's own
-- --latency output has no p95; latencies in microseconds), and new paths for every request.

-- The walked issues' ids, one a line, from the file named after "--" on wrk's command line.
ids = {}
init = function(args)
  for line in io.lines(args[1]) do
    ids[#ids + 1] = line
  end
  math.randomseed(os.time() + math.floor(os.clock() * 1000000))
end

done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'BENCH {"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, "max_us": %d, '
      .. '"errors": %d, "non_2xx": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency.max, errors.connect + errors.read + errors.write + errors.timeout, errors.status))
end

-- __n__ becomes a new number in each request (a list page never asked before), __id__ a
-- random one of the walked issues.
counter = 0
request = function()
  local path = wrk.path
  if string.find(path, "__n__", 1, true) then
    counter = counter + 1
    path = string.gsub(path, "__n__", tostring(counter))
  end
  if string.find(path, "__id__", 1, true) then
    path = string.gsub(path, "__id__", ids[math.random(#ids)])
  end
  return wrk.format(nil, path)
end
