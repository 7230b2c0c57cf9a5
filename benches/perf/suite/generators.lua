-- generators.lua - same workload as generators.nut, with coroutines.
local wrap, yield = coroutine.wrap, coroutine.yield

local function count(from, to)
    return wrap(function() for i = from, to - 1 do yield(i) end return nil end)
end

local function evens_not3(src)
    return wrap(function()
        local v = src()
        while v ~= nil do
            if v % 2 == 0 and v % 3 ~= 0 then yield(v) end
            v = src()
        end
        return nil
    end)
end

local function window_sums(src, w)
    return wrap(function()
        local ring, n, sum = {}, 0, 0
        for i = 0, w - 1 do ring[i] = 0 end
        local v = src()
        while v ~= nil do
            sum = sum + v - ring[n % w]
            ring[n % w] = v
            n = n + 1
            if n >= w then yield(sum) end
            v = src()
        end
        return nil
    end)
end

local function words(line)
    return wrap(function()
        local start = -1
        for i = 1, #line do
            if line:byte(i) == 32 then
                if start >= 0 then yield(line:sub(start, i - 1)); start = -1 end
            elseif start < 0 then start = i end
        end
        if start >= 0 then yield(line:sub(start)) end
        return nil
    end)
end

local line = "sensor  read ok   value 42 unit mV  status nominal"
local ROUNDS = 6000
local total, windows, wordlen, wordcount = 0, 0, 0, 0
for r = 0, ROUNDS - 1 do
    local g = window_sums(evens_not3(count(r, r + 1000)), 4)
    local v = g()
    while v ~= nil do total = total + v; windows = windows + 1; v = g() end
    local t = words(line)
    local w = t()
    while w ~= nil do wordlen = wordlen + #w; wordcount = wordcount + 1; w = t() end
end
io.write(string.format("total=%d windows=%d words=%d wordlen=%d\n", total, windows, wordcount, wordlen))
