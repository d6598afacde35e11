-- bench/write/people.lua: wrk script for durable writes, POST /api/v1/people.
--
--   wrk ... -s bench/write/people.lua URL -- API_KEY
--
-- Every request creates a different person ("测试居民 N", phone 139xxxxxxxx;
-- N unique across wrk's threads). Responses are counted by class in each
-- thread; done() adds them up and prints one machine-readable line,
--   WRKSTATS ... ok=N non2xx=N first_status=S
-- plus the first non-2xx answer's body, for bench/write/run.

local threads = {}

function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

function init(args)
  if args[1] == nil or args[1] == "" then
    error("people.lua: pass the API key after --")
  end
  headers = {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. args[1],
  }
  n = 0
  ok = 0
  non2xx = 0
  first_status = 0
  first_body = ""
end

function request()
  n = n + 1
  local id = tid * 10000000 + n
  local body = string.format('{"name":"测试居民 %d","phone":"139%08d","party_member":false}', id, id % 100000000)
  return wrk.format("POST", "/api/v1/people", headers, body)
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
