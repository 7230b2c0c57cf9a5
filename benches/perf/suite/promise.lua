-- promise.lua - same workload as promise.nut; error()/pcall stand for
-- throw/try.
local queue = {}
local qhead = 1

local Promise = {}
Promise.__index = Promise
function Promise.new(executor)
    local self = setmetatable({ state = 0, value = nil, waiters = {} }, Promise)
    executor(function(v) self:settle(1, v) end, function(e) self:settle(2, e) end)
    return self
end
function Promise:settle(s, v)
    if self.state ~= 0 then return end
    self.state = s; self.value = v
    for _, w in ipairs(self.waiters) do queue[#queue + 1] = w end
    self.waiters = nil
end
function Promise:next(ok, fail)
    local src = self
    return Promise.new(function(resolve, reject)
        local run = function()
            local handler
            if src.state == 1 then handler = ok else handler = fail end
            if handler == nil then
                if src.state == 1 then resolve(src.value) else reject(src.value) end
                return
            end
            local good, result = pcall(handler, src.value)
            if good then resolve(result) else reject(result) end
        end
        if src.state == 0 then src.waiters[#src.waiters + 1] = run else queue[#queue + 1] = run end
    end)
end
function Promise:fail(f) return self:next(nil, f) end

local function drain()
    while qhead <= #queue do
        queue[qhead]()
        qhead = qhead + 1
        if qhead > 1025 then queue = table.move(queue, qhead, #queue, 1, {}); qhead = 1 end
    end
end

local function all(list)
    return Promise.new(function(resolve, reject)
        local left, out = #list, {}
        for i, p in ipairs(list) do
            p:next(function(v) out[i] = v; left = left - 1; if left == 0 then resolve(out) end end, reject)
        end
    end)
end

local N = 12000
local sum, recovered, rejected = 0, 0, 0
for i = 0, N - 1 do
    local batch = {}
    for j = 0, 7 do
        local k = i * 8 + j
        local pending
        local p = Promise.new(function(resolve, reject) pending = resolve end)
            :next(function(v) return v * 3 end)
            :next(function(v) if v % 7 == 0 then error("bad " .. v, 0) end return v + 1 end)
            :next(function(v) return v * 2 end)
            :fail(function(e) recovered = recovered + 1; return #e end)
            :next(function(v) if v % 11 == 0 then error(v, 0) end return v end)
        pending(k)
        batch[#batch + 1] = p:fail(function(e) rejected = rejected + 1; return 0 end)
    end
    all(batch):next(function(values) for _, v in ipairs(values) do sum = sum + v end end)
    drain()
end
io.write(string.format("sum=%d recovered=%d rejected=%d\n", sum, recovered, rejected))
