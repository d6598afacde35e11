-- bench/queries/urls.lua: wrk script that GETs the paths of a file in turn.
--
--   wrk ... -s bench/queries/urls.lua URL -- PATHS_FILE [API_KEY]
--
-- PATHS_FILE has one path (with its query) per line; each thread starts at
-- its own offset and goes round. With API_KEY, every request carries
-- "Authorization: Bearer API_KEY" (a staff key: queues and the staff view of
-- a case); without, requests are anonymous (the public lists). Answers that
-- are not 2xx are counted; done() prints the WRKSTATS line bench/lib.sh
-- reads, with ok=N non2xx=N first_status=S, and the first non-2xx body.

local threads = {}

function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

function init(args)
  local f = io.open(args[1] or "", "r")
  if f == nil then
    error("urls.lua: cannot open the paths file " .. tostring(args[1]))
  end
  paths = {}
  for line in f:lines() do
    if line ~= "" then
      table.insert(paths, line)
    end
  end
  f:close()
  if #paths == 0 then
    error("urls.lua: no paths in " .. args[1])
  end
  headers = {}
  if args[2] ~= nil and args[2] ~= "" then
    headers["Authorization"] = "Bearer " .. args[2]
  end
  i = (tid * 7919) % #paths
  ok = 0
  non2xx = 0
  first_status = 0
  first_body = ""
end

function request()
  i = i % #paths + 1
  return wrk.format("GET", paths[i], headers)
end

function response(status, hdrs, body)
  if status >= 200 and status < 300 then
    ok = ok + 1
  else
    non2xx = non2xx + 1
    if first_status == 0 then
      first_status = status
      first_body = string.sub(body or "", 1, 300)
    end
  end
end

function done(summary, latency, requests)
  local ok_all, bad_all, fstatus, fbody = 0, 0, 0, ""
  for _, t in ipairs(threads) do
    ok_all = ok_all + t:get("ok")
    bad_all = bad_all + t:get("non2xx")
    if fstatus == 0 and t:get("first_status") ~= 0 then
      fstatus = t:get("first_status")
      fbody = t:get("first_body")
    end
  end
  local e = summary.errors
  io.write(string.format(
    "WRKSTATS requests=%d duration_us=%d bytes=%d p50_us=%d p99_us=%d max_us=%d connect=%d read=%d write=%d status=%d timeout=%d ok=%d non2xx=%d first_status=%d\n",
    summary.requests, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(99), latency.max,
    e.connect, e.read, e.write, e.status, e.timeout, ok_all, bad_all, fstatus))
  if fstatus ~= 0 then
    io.write("FIRST_NON2XX_BODY " .. string.gsub(fbody, "\n", " ") .. "\n")
  end
end
