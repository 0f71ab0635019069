-- wrk script: POSTs OTLP/HTTP protobuf bodies (made by make_bodies.py) to /v1/traces, cycling
-- through them, and counts the answers by status. Each connection starts at another body.
--   python3 benches/wrk/make_bodies.py /tmp/otlp-bodies 128 512
--   BODIES=/tmp/otlp-bodies SPANS=512 wrk -t2 -c8 -d30s --latency \
--     -s benches/wrk/otlp.lua http://127.0.0.1:4318/v1/traces
local dir = os.getenv("BODIES") or "/tmp/otlp-bodies"
local spans = tonumber(os.getenv("SPANS") or "512")
local bodies = {}
local counter = 0
local threads = {}

local function load()
  for i = 0, 4095 do
    local f = io.open(string.format("%s/body-%03d.pb", dir, i), "rb")
    if not f then break end
    bodies[#bodies + 1] = f:read("*a")
    f:close()
  end
  assert(#bodies > 0, "no bodies in " .. dir .. ": run make_bodies.py first")
end

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  load()
  next_body = (id * 17) % #bodies
  statuses = {}
  wrk.headers["Content-Type"] = "application/x-protobuf"
end

-- DELAY_MS (optional): each connection waits this long before each request, for a fixed,
-- lower rate (the soak run in benches/live_check.sh).
local delay_ms = tonumber(os.getenv("DELAY_MS") or "0")
if delay_ms > 0 then
  function delay()
    return delay_ms
  end
end

function request()
  next_body = next_body % #bodies + 1
  return wrk.format("POST", nil, nil, bodies[next_body])
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, t in ipairs(threads) do
    local s = t:get("statuses")
    for code, n in pairs(s) do total[code] = (total[code] or 0) + n end
  end
  local ok = total[200] or 0
  io.write(string.format("answers by status:"))
  for code, n in pairs(total) do io.write(string.format(" %d=%d", code, n)) end
  io.write("\n")
  io.write(string.format("accepted spans/s: %.0f (%d spans per body)\n",
    ok * spans / (summary.duration / 1e6), spans))
  io.write(string.format("latency p50 %.2f ms, p99 %.2f ms, max %.2f ms\n",
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
