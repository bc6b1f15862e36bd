-- wrk script for bench/api_load.py: genqueue's two hot routes, one user per request in turn.
-- Arguments (after --):
--   submit FILE TYPE   POST /api/v1/jobs {"type": TYPE, "data": {"steps": 1}}; FILE: tokens
--   status FILE        GET /api/v1/jobs/{jobId}; FILE: "token jobId" lines, each the
--                      user's own job
-- Every request is formatted once in init(), so request() only hands out a string and the
-- load generator stays cheap next to the server it measures.
local requests = {}
local count = 0
local index = 0

local function submit_request(token, job_type)
  return wrk.format("POST", "/api/v1/jobs", {
    ["Authorization"] = "Bearer " .. token,
    ["Content-Type"] = "application/json",
  }, '{"type":"' .. job_type .. '","data":{"steps":1}}')
end

local function status_request(token, job_id)
  return wrk.format("GET", "/api/v1/jobs/" .. job_id, {["Authorization"] = "Bearer " .. token})
end

function setup(thread)
  thread_count = (thread_count or 0) + 1
  thread:set("offset", thread_count * 997)
end

function init(args)
  local mode, path = args[1], args[2]
  for line in io.lines(path) do
    local token, rest = line:match("^(%S+)%s*(%S*)$")
    count = count + 1
    if mode == "submit" then
      requests[count] = submit_request(token, args[3])
    else
      requests[count] = status_request(token, rest)
    end
  end
  -- threads start at different users so they do not send the same user at once
  index = (tonumber(wrk.thread:get("offset")) or 0) % count
end

function request()
  index = index % count + 1
  return requests[index]
end

function done(summary, latency, _)
  io.write(string.format(
    'WRKJSON {"requests":%d,"duration_us":%d,"connect_errors":%d,"read_errors":%d,' ..
    '"write_errors":%d,"status_errors":%d,"timeouts":%d,"p50_us":%d,"p90_us":%d,' ..
    '"p99_us":%d,"max_us":%d,"mean_us":%.1f}\n',
    summary.requests, summary.duration, summary.errors.connect, summary.errors.read,
    summary.errors.write, summary.errors.status, summary.errors.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.max, latency.mean))
end
