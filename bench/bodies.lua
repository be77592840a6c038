-- wrk script for the hot-path benchmarks: POSTs the lines of BODIES (request bodies written by
-- the bench_bodies example, all distinct) in order, from a random line, to URL_PATH, and checks that every answer carries MOF code 200
-- ("code":200 or "code":"200"; or 996, a full page with more to follow): a throttled or
-- refused answer must not count as served.
local bodies = {}
local path = os.getenv("URL_PATH") or "/PB2CAPIVAN/invServ/InvServ"
local threads = {}

setup = function(thread)
  table.insert(threads, thread)
end

init = function(args)
  for line in io.lines(os.getenv("BODIES")) do
    if #line > 0 then bodies[#bodies + 1] = line end
  end
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16) % 100000)
  ok, bad, sample = 0, 0, nil
  next_line = math.random(#bodies)
end

request = function()
  local req = wrk.format("POST", path,
    { ["Content-Type"] = "application/x-www-form-urlencoded" }, bodies[next_line])
  next_line = next_line % #bodies + 1
  return req
end

response = function(status, headers, body)
  -- 996 is a served page with more to follow (a User with over 100 invoices in the month).
  -- Every v1 answer names its code within its first hundred bytes; the check reads only the
  -- first 256. A search of the whole ~49 KB answer (LuaJIT's plain find stops at every `"` of
  -- the JSON) held wrk itself to ~7,000 answers/s on a 996 page, which capped einv's list and
  -- its ceiling alike and was the "stalled ceiling" of earlier runs (docs/benchmarks.md).
  local head = body:sub(1, 256)
  if status == 200 and (head:find('"code":200', 1, true) or head:find('"code":"200"', 1, true)
      or head:find('"code":996,"details":[{', 1, true)) then
    ok = ok + 1
  else
    bad = bad + 1
    if sample == nil then sample = status .. " " .. body:sub(1, 300) end
  end
end

done = function(summary, latency, requests)
  local good, wrong, first = 0, 0, nil
  for _, t in ipairs(threads) do
    good = good + t:get("ok")
    wrong = wrong + t:get("bad")
    first = first or t:get("sample")
  end
  io.stderr:write(string.format("checked: %d code 200, %d other\n", good, wrong))
  if wrong > 0 then io.stderr:write("first other answer: " .. tostring(first) .. "\n") end
end
