-- wrk script: GET /api/v1/locate at random points of a bounding box
-- (LAT0, LAT1, LNG0, LNG1 from the environment), a fixed seed per thread.
local lat0 = tonumber(os.getenv("LAT0"))
local lat1 = tonumber(os.getenv("LAT1"))
local lng0 = tonumber(os.getenv("LNG0"))
local lng1 = tonumber(os.getenv("LNG1"))
local counter = 0

function setup(thread)
    counter = counter + 1
    thread:set("seed", counter)
end

function init(args)
    math.randomseed(seed or 1)
end

function request()
    local lat = lat0 + (lat1 - lat0) * math.random()
    local lng = lng0 + (lng1 - lng0) * math.random()
    return wrk.format("GET", string.format("/api/v1/locate?lat=%.6f&long=%.6f", lat, lng))
end

-- The one-line report bench/lib.sh reads.
dofile(os.getenv("STATS_LUA"))
