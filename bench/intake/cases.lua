-- bench/intake/cases.lua: wrk script for report intake, POST /api/v1/cases
-- (or, with FORM=open311, POST /open311/v2/requests.json form-encoded).
--
--   wrk ... -s bench/intake/cases.lua URL -- API_KEY POINTS_FILE CATEGORIES_FILE RUN_LABEL [FORM]
--
-- POINTS_FILE: "lat long inside|outside COMPOUND GRID COMMUNITY" per line
-- (intake_raw points); CATEGORIES_FILE: "code<TAB>attributes JSON" per line
-- (the active categories with an answer for each attribute). Every request
-- is a different report: the next point of the file (each thread starts at
-- its own offset), a category in turn, a description from a small list, a
-- reporter name and phone, and, for the native API, channel "hotline" with a
-- unique external_id ("RUN_LABEL-thread-n", as the 12345 hotline platform
-- sends its tickets). Responses are counted by class; done() prints
--   WRKSTATS ... ok=N non2xx=N first_status=S
-- plus the first non-2xx answer's body, for bench/intake/run.

local threads = {}

function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

local descriptions = {
  "楼下这里的问题已经好几天了，麻烦尽快处理",
  "路过发现的，影响居民出行，请相关部门看看",
  "晚上尤其明显，老人小孩都受影响",
  "之前反映过一次，还没有解决",
  "位置就在路口旁边，很好找",
  "问题比较严重，希望今天能有人来看一下",
  "附近居民都在议论，请尽快安排",
  "拍了照片，可以联系我了解详情",
}

local function read_lines(path)
  local f = io.open(path, "r")
  if f == nil then
    error("cases.lua: cannot open " .. tostring(path))
  end
  local t = {}
  for line in f:lines() do
    if line ~= "" then
      table.insert(t, line)
    end
  end
  f:close()
  return t
end

local function urlencode(s)
  return (string.gsub(s, "[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

function init(args)
  if args[1] == nil or args[1] == "" or args[2] == nil or args[3] == nil then
    error("cases.lua: pass API_KEY POINTS_FILE CATEGORIES_FILE RUN_LABEL [FORM] after --")
  end
  key = args[1]
  label = args[4] or "run"
  form = args[5] == "open311"
  points = {}
  for _, line in ipairs(read_lines(args[2])) do
    local lat, lng = string.match(line, "^(%S+) (%S+)")
    table.insert(points, { lat, lng })
  end
  cats = {}
  for _, line in ipairs(read_lines(args[3])) do
    local code, attrs = string.match(line, "^([^\t]+)\t(.*)$")
    if code == nil then
      code, attrs = line, "{}"
    end
    table.insert(cats, { code, attrs })
  end
  if #points == 0 or #cats == 0 then
    error("cases.lua: no points or no categories")
  end
  if form then
    headers = { ["Content-Type"] = "application/x-www-form-urlencoded" }
  else
    headers = { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. key }
  end
  n = 0
  ok = 0
  non2xx = 0
  first_status = 0
  first_body = ""
  -- each thread walks the points from its own place
  start = (tid * 7919) % #points
end

function request()
  n = n + 1
  local p = points[(start + n) % #points + 1]
  local c = cats[(tid * 5 + n) % #cats + 1]
  local d = descriptions[(n * 3 + tid) % #descriptions + 1]
  local id = tid * 10000000 + n
  if form then
    -- Open311 GeoReport v2: attributes as attribute[CODE]=VALUE
    local body = string.format("api_key=%s&service_code=%s&lat=%s&long=%s&description=%s&first_name=%s&phone=%s",
      urlencode(key), urlencode(c[1]), p[1], p[2], urlencode(d .. " #" .. id),
      urlencode("测试居民" .. id), string.format("139%08d", id % 100000000))
    for k, v in string.gmatch(c[2], '"([%w_]+)":"?([^",}]*)"?') do
      body = body .. "&attribute[" .. k .. "]=" .. urlencode(v)
    end
    return wrk.format("POST", "/open311/v2/requests.json", headers, body)
  end
  local body = string.format(
    '{"service_code":"%s","description":"%s #%d","lat":%s,"long":%s,"name":"测试居民 %d","phone":"139%08d",' ..
    '"attributes":%s,"channel":"hotline","external_id":"%s-%d-%d"}',
    c[1], d, id, p[1], p[2], id, id % 100000000, c[2], label, tid, n)
  return wrk.format("POST", "/api/v1/cases", headers, body)
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
