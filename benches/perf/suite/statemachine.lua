-- statemachine.lua - same workload as statemachine.nut.
local Timers = {}
Timers.__index = Timers
function Timers.new() return setmetatable({ heap = {}, now = 0, seq = 0 }, Timers) end
local function before(a, b) return a.at < b.at or (a.at == b.at and a.seq < b.seq) end
function Timers:after(ms, fn)
    self.seq = self.seq + 1
    local heap = self.heap
    heap[#heap + 1] = { at = self.now + ms, seq = self.seq, fn = fn }
    local i = #heap
    while i > 1 do
        local p = i // 2
        if not before(heap[i], heap[p]) then break end
        heap[p], heap[i] = heap[i], heap[p]
        i = p
    end
end
function Timers:next()
    local heap = self.heap
    local top = heap[1]
    local last = table.remove(heap)
    local n = #heap
    if n > 0 then
        heap[1] = last
        local i = 1
        while true do
            local l, m = i * 2, i
            local r = l + 1
            if l <= n and before(heap[l], heap[m]) then m = l end
            if r <= n and before(heap[r], heap[m]) then m = r end
            if m == i then break end
            heap[m], heap[i] = heap[i], heap[m]
            i = m
        end
    end
    self.now = top.at
    return top.fn
end

local timers = Timers.new()
local seed = 42
local function chance(pct)
    seed = (seed * 1103515245 + 12345) & 0x7fffffff
    return ((seed >> 8) % 100) < pct
end

local stats = { connects = 0, timeouts = 0, beats = 0, drops = 0, retries = 0 }
local handlers = {}

local function make_conn(id)
    local conn = { id = id, state = "idle", backoff = 100, beats = 0 }
    conn.go = function(ev) handlers[conn.state .. ":" .. ev](conn) end
    return conn
end

handlers["idle:start"] = function(c)
    c.state = "connecting"
    timers:after(chance(70) and 30 or 500, function() c.go(chance(80) and "ok" or "fail") end)
end
handlers["connecting:ok"] = function(c)
    c.state = "online"; c.backoff = 100; stats.connects = stats.connects + 1
    timers:after(1000, function() c.go("beat") end)
end
handlers["connecting:fail"] = function(c)
    c.state = "waiting"; stats.timeouts = stats.timeouts + 1
    timers:after(c.backoff, function() c.go("retry") end)
    c.backoff = c.backoff < 8000 and c.backoff * 2 or 8000
end
handlers["waiting:retry"] = function(c)
    stats.retries = stats.retries + 1; c.state = "idle"; c.go("start")
end
handlers["online:beat"] = function(c)
    stats.beats = stats.beats + 1; c.beats = c.beats + 1
    if chance(3) then
        c.state = "idle"; stats.drops = stats.drops + 1
        timers:after(50, function() c.go("start") end)
    else
        timers:after(1000, function() c.go("beat") end)
    end
end

local conns = {}
for i = 0, 19 do local c = make_conn(i); conns[#conns + 1] = c; c.go("start") end
local END = 20000000
local steps = 0
while #timers.heap > 0 and timers.heap[1].at <= END do
    timers:next()()
    steps = steps + 1
end
local total_beats = 0
for _, c in ipairs(conns) do total_beats = total_beats + c.beats end
io.write(string.format("steps=%d now=%d connects=%d timeouts=%d beats=%d drops=%d retries=%d check=%d\n",
    steps, timers.now, stats.connects, stats.timeouts, stats.beats, stats.drops, stats.retries, total_beats))
